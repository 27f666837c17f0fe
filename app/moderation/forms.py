"""Moderation forms: login, and the actions on comments (CSRF-checked POSTs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    PasswordField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import AnyOf, DataRequired, Length


class LoginForm(FlaskForm):
    """The moderator's name and password."""

    username = StringField(
        _l("Identifiant"),
        validators=[
            DataRequired(message=_l("Indiquez votre identifiant.")),
            Length(max=80),
        ],
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(message=_l("Indiquez votre mot de passe."))],
    )
    next = HiddenField()


class ActionForm(FlaskForm):
    """One moderation action on one or several comments."""

    ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = StringField(validators=[AnyOf(["approve", "delete", "spam"])])
    tab = HiddenField()


class LogoutForm(FlaskForm):
    """An empty form: only its CSRF token matters."""
