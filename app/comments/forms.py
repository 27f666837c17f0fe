"""The reader's comment form: validated on the server in French, then made plain.

The only module of the comments package that touches a form object: it turns
a submitted form into a :class:`Draft` for the service, or into the
:class:`FormState` the page shows again with the reader's text and errors.
The fields themselves are drawn by the template (comments/section.html).
"""

from __future__ import annotations

import re
from types import MappingProxyType
from urllib.parse import parse_qsl

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    Form,
    HiddenField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.comments.section import FormState
from app.comments.service import Draft
from app.config import current_settings
from app.text import UnusableText, clean

#: The fields a reader fills in, as the form shows them again.
SHOWN_FIELDS = ("author", "email", "website", "body", "parent_id", "notify")

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


def _clean(value: str | None) -> str | None:
    """Normalise what the reader typed (app.text): NFC, no control characters."""
    if not isinstance(value, str):
        return value
    try:
        return clean(value)
    except UnusableText:
        # WTForms shows a filter's ValueError as the field's error.
        raise ValueError(_l("Ce texte contient des caractères illisibles.")) from None


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
    if not value or not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value)


class CommentForm(Form):
    """What a reader fills in under a post.

    A plain WTForms form: its CSRF defence is the stateless form token
    (app.comments.token) and the Origin check of the post page, not a
    session, so that the page stays the same document for every reader.
    """

    author = StringField(
        filters=[_clean, _strip],
        validators=[
            DataRequired(message=_l("Indiquez votre nom.")),
            Length(
                max=100, message=_l("Votre nom ne doit pas dépasser 100 caractères.")
            ),
        ],
    )
    email = EmailField(
        filters=[_clean, _blank_to_none],
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
        filters=[_clean, _blank_to_none],
        validators=[
            Optional(),
            Length(max=500, message=_l("Cette adresse est trop longue.")),
            _web_address,
        ],
    )
    body = TextAreaField(
        filters=[_clean, _strip],
        validators=[
            DataRequired(message=_l("Écrivez un commentaire avant de l'envoyer.")),
            _within_max_length,
        ],
    )
    parent_id = HiddenField(filters=[_clean, _parent])
    # Reply notifications (SPEC §12); without an e-mail address it is ignored.
    notify = BooleanField()
    # Humans never see this field (hidden by CSS); form-filling bots do.
    homepage = StringField(filters=[_clean])
    #: True when the form was larger than a request may be and its text was cut.
    cut = False


def submitted() -> CommentForm:
    """Return the form as the reader sent it, validated.

    A form larger than the request limit (MAX_CONTENT_LENGTH) is read as far
    as it fits, its text cut to the comment's length limit, and ``form.cut``
    is True: the page shows it again rather than Werkzeug's 413 page.
    """
    try:
        form = CommentForm(request.form)
    except RequestEntityTooLarge:
        form = CommentForm(_what_fits())
        form.cut = True
    form.validate()
    return form


# The most of a too large form read (and dropped) after what fits.
DRAINED = 16 * 1024 * 1024
# The end of a cut urlencoded body may stop inside an escape ("%", "%E").
_CUT_ESCAPE = re.compile(r"%[0-9A-Fa-f]?$")


def _what_fits() -> MultiDict:
    """Read the start of a form too large to be received, as far as the limit.

    Only a plain browser form (urlencoded) with a known length is read: the
    fields before the text come whole, the text comes cut.
    """
    length = request.content_length
    if request.mimetype != "application/x-www-form-urlencoded" or not length:
        return MultiDict()
    limit = min(length, current_app.config["MAX_CONTENT_LENGTH"] or length)
    stream = request.environ["wsgi.input"]
    raw = stream.read(limit).decode("ascii", "replace")
    # Read the rest too (up to a point): a browser still sending when the
    # connection closes shows "connection reset", not the page with its text.
    unread = min(length - limit, DRAINED)
    while unread > 0:
        chunk = stream.read(min(unread, 64 * 1024))
        if not chunk:
            break
        unread -= len(chunk)
    # A character cut in the middle of its bytes is dropped, not replaced.
    pairs = parse_qsl(_CUT_ESCAPE.sub("", raw), keep_blank_values=True, errors="ignore")
    fields = MultiDict(pairs)
    if "body" in fields:
        fields["body"] = fields["body"][: current_settings().comments.max_length]
    return fields


def state_of(form: CommentForm, /, **more_errors: str) -> FormState:
    """Return what the page shows again: the reader's text and every error.

    ``more_errors`` adds messages by field name, ``form=`` for the whole form
    (an expired page, a database away).
    """
    values = {}
    for name in SHOWN_FIELDS:
        data = form[name].data
        if isinstance(data, bool):
            values[name] = "on" if data else ""  # a ticked box, or not
        else:
            values[name] = "" if data is None else str(data)
    errors = {
        name: tuple(str(e) for e in form[name].errors)
        for name in SHOWN_FIELDS
        if form[name].errors
    }
    for name, message in more_errors.items():
        errors[name] = (*errors.get(name, ()), message)
    return FormState(MappingProxyType(values), MappingProxyType(errors))


def draft_of(
    form: CommentForm,
    *,
    ip: str | None,
    user_agent: str | None,
    as_moderator: bool,
    form_issued: int | None = None,
) -> Draft:
    """Return the comment a validated form carries, for the service.

    ``form_issued`` is when the form's (valid) token was issued.
    """
    return Draft(
        author=form.author.data,
        body=form.body.data,
        email=form.email.data,
        website=form.website.data,
        parent_id=form.parent_id.data,
        honeypot=form.homepage.data,
        ip=ip,
        user_agent=user_agent,
        as_moderator=as_moderator,
        notify=bool(form.notify.data),
        form_issued=form_issued,
    )
