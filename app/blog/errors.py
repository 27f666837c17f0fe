"""Error pages in the site's language and layout."""

from __future__ import annotations

from flask import Flask, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from app.blog.listing import sidebar
from app.extensions import db, post_index

MESSAGES = {
    400: (
        _l("Requête incorrecte"),
        _l(
            "Le navigateur a envoyé une demande que ce blog ne comprend pas. "
            "Si vous envoyiez un formulaire, rechargez la page et réessayez."
        ),
    ),
    403: (_l("Accès refusé"), _l("Vous n'avez pas accès à cette page.")),
    404: (
        _l("Page introuvable"),
        _l("Désolé, la page que vous cherchez n'existe pas sur ce blog."),
    ),
    405: (
        _l("Méthode non autorisée"),
        _l("Cette adresse ne répond pas à ce type de demande."),
    ),
    413: (
        _l("Envoi trop volumineux"),
        _l(
            "Ce que votre navigateur a envoyé dépasse la taille que ce blog "
            "accepte. Raccourcissez-le, puis réessayez."
        ),
    ),
    429: (
        _l("Trop de requêtes"),
        _l(
            "Vous avez fait trop de demandes en peu de temps. "
            "Patientez quelques minutes, puis réessayez."
        ),
    ),
    503: (
        _l("Service momentanément indisponible"),
        _l(
            "Une partie du blog est momentanément indisponible. "
            "Réessayez dans quelques minutes."
        ),
    ),
    500: (
        _l("Erreur du serveur"),
        _l(
            "Une erreur inattendue est survenue de notre côté. "
            "Elle a été enregistrée ; réessayez dans un moment."
        ),
    ),
}


def exception_headers(error: HTTPException) -> list[tuple[str, str]]:
    """Return the headers an HTTP error carries (``Allow``, ``Retry-After``…).

    Its Content-Type is left out: the page that answers has its own.
    """
    return [
        (name, value)
        for name, value in error.get_headers()
        if name.lower() != "content-type"
    ]


def render_error(error: HTTPException):
    """Render an error page; an unknown address may still be an old alias."""
    code = error.code or 500
    if code == 500:
        # Whatever failed may have left the transaction broken: the sidebar
        # below, and the next request of this worker, need a usable session.
        try:
            db.session.rollback()
        except SQLAlchemyError:
            pass  # a connection that died: the pool replaces it
    if code == 404 and request.method in ("GET", "HEAD"):
        target = post_index().by_alias(request.path)
        if target is not None:
            return redirect(target.url, code=301)
    title, message = MESSAGES.get(code, MESSAGES[500])
    try:
        context = sidebar()
    except Exception:  # noqa: BLE001 - an error page must render even then
        context = {}
    response = render_template(
        "errors/error.html", code=code, title=title, message=message, **context
    )
    # A 405 must say what the address accepts (Allow): keep what the error says.
    return response, code, exception_headers(error)


def init_app(app: Flask) -> None:
    """Register the error pages.

    A 500 handler also receives unexpected exceptions, after Flask has logged
    their traceback: the reader sees none.
    """
    for code in MESSAGES:
        app.register_error_handler(code, render_error)
