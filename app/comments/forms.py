"""The reader's comment form, validated on the server in French."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, Form, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.config import current_settings

# Only web addresses a browser would open as a page; never javascript: or data:.
_WEB_URL = re.compile(
    r"^https?://[^\s/\"'<>\\]+(?:[/?#][^\s\"'<>\\]*)?$", re.IGNORECASE
)


def _web_address(form: Form, field: Field) -> None:
    """Accept only http:// and https:// addresses."""
    if field.data and not _WEB_URL.match(field.data):
        raise ValidationError(
            _l("Indiquez une adresse qui commence par http:// ou https://.")
        )


def _within_max_length(form: Form, field: Field) -> None:
    """Refuse a body longer than the configured ``max_length``."""
    limit = current_settings().comments.max_length
    length = len(field.data or "")
    if length > limit:
        raise ValidationError(
            ngettext(
                "Votre commentaire dépasse la limite de %(num)d caractère "
                "(il en compte %(length)d).",
                "Votre commentaire dépasse la limite de %(num)d caractères "
                "(il en compte %(length)d).",
                limit,
                length=length,
            )
        )


def _strip(value: str | None) -> str | None:
    """Trim surrounding white space from a submitted value."""
    return value.strip() if isinstance(value, str) else value


def _blank_to_none(value: str | None) -> str | None:
    """Store an empty optional field as NULL."""
    value = _strip(value)
    return value or None


def _parent(value: str | None) -> int | None:
    """Read the parent comment id, ignoring anything that is not a number."""
    value = _strip(value)
    return int(value) if value and value.isdigit() else None


class CommentForm(FlaskForm):
    """What a reader fills in under a post."""

    author = StringField(
        _l("Votre nom"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Indiquez votre nom.")),
            Length(
                max=100, message=_l("Votre nom ne doit pas dépasser 100 caractères.")
            ),
        ],
    )
    email = EmailField(
        _l("Adresse e-mail (facultative, jamais affichée)"),
        filters=[_blank_to_none],
        validators=[
            Optional(),
            Length(max=254, message=_l("Cette adresse e-mail est trop longue.")),
            Email(
                message=_l("Cette adresse e-mail n'est pas valide."),
                check_deliverability=False,
            ),
        ],
    )
    website = StringField(
        _l("Site web (facultatif)"),
        filters=[_blank_to_none],
        validators=[
            Optional(),
            Length(max=500, message=_l("Cette adresse est trop longue.")),
            _web_address,
        ],
    )
    body = TextAreaField(
        _l("Votre commentaire"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Écrivez un commentaire avant de l'envoyer.")),
            _within_max_length,
        ],
    )
    parent_id = HiddenField(filters=[_parent])
    # Humans never see this field (hidden by CSS); form-filling bots do.
    homepage = StringField(_l("Ne remplissez pas ce champ"))
