"""HTTP security headers sent with every response."""

from __future__ import annotations

from flask import Flask, Response, request

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


def add_security_headers(response: Response) -> Response:
    """Add the security headers, leaving any a view set itself."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""
    app.after_request(add_security_headers)
