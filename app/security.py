"""HTTP security headers sent with every response."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Request, Response, abort, request

from app.config import current_settings

# No inline script anywhere: Carnet needs no JavaScript to read, comment or
# moderate, so scripts may only come from our own static/ folder.
# Styles allow 'unsafe-inline' because post HTML, whether written by authors
# in Markdown's raw HTML or imported from Blogger, carries style="" attributes
# that readers expect to see honoured; styles cannot run code.
# Images may come from any HTTPS host (Blogger posts hot-link their pictures
# from Google's servers) and embedded videos live in HTTPS iframes.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' https: data:",
        "frame-src https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# A blog needs none of these powerful features; embedded frames get none either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb")
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # frame-ancestors does the same for current browsers; this is for old ones.
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
}

# One year, as browsers' preload lists expect; only ever sent over HTTPS.
HSTS = "max-age=31536000"


def _origin(url: str) -> str | None:
    """Return ``scheme://host[:port]`` of a URL, lower-cased, or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def cross_site(req: Request) -> bool:
    """Tell whether a browser sent this POST from another site.

    ``Origin`` decides when present (every current browser sends it on a
    POST); else ``Sec-Fetch-Site``; else ``Referer``. A client that sends
    none of them (a script, an old browser) is judged by the form's token
    alone.
    """
    ours = {_origin(req.host_url), _origin(current_settings().site.base_url)}
    ours.discard(None)
    origin = req.headers.get("Origin")
    if origin is not None:
        return _origin(origin) not in ours
    fetch_site = req.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    referer = req.headers.get("Referer")
    if referer:
        return _origin(referer) not in ours
    return False


def add_security_headers(response: Response) -> Response:
    """Add the security headers, leaving any a view set itself."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def refuse_files() -> None:
    """Refuse with 400 a POST carrying a file: no form of Carnet takes one.

    Such a part is not a form field (``request.form`` leaves it out), so a
    file sent as the comment's text would otherwise be read as no text.
    """
    if request.method == "POST" and request.mimetype == "multipart/form-data":
        if request.files:
            abort(400)


def init_app(app: Flask) -> None:
    """Add the security headers to every response; refuse uploaded files."""
    app.before_request(refuse_files)
    app.after_request(add_security_headers)
