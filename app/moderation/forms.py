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

from app.moderation.actions import Action
from app.params import MAX_ID, whole_number
from app.text import clean


def _clean(value: str | None) -> str | None:
    """Normalise a typed name as ``flask moderator create`` stored it."""
    return clean(value).strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    """The moderator's name and password."""

    username = StringField(
        _l("Identifiant"),
        filters=[_clean],
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


def _comment_id(value: str | int) -> int:
    """Read a comment id: ASCII digits, within a database id's range."""
    number = value if isinstance(value, int) else whole_number(str(value))
    if number is None or not 0 < number <= MAX_ID:
        raise ValueError("not a comment id")
    return number


class ActionForm(FlaskForm):
    """One moderation action on one or several comments."""

    ids = SelectMultipleField(coerce=_comment_id, validate_choice=False)
    action = StringField(validators=[AnyOf([action.value for action in Action])])
    tab = HiddenField()


class LogoutForm(FlaskForm):
    """An empty form: only its CSRF token matters."""


class RetryMailForm(FlaskForm):
    """Messages that failed, to send again (after fixing [mail], say)."""

    ids = SelectMultipleField(coerce=_comment_id, validate_choice=False)
