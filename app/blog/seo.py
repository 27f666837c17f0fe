"""What search engines read: sitemap.xml and robots.txt."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from app.extensions import post_index
from app.templating import absolute

bp = Blueprint("seo", __name__)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """List every public post, page and archive for search engines."""
    index = post_index()
    xml = render_template(
        "blog/sitemap.xml",
        posts=index.visible(),
        pages=index.pages(),
        archive=index.archive(),
    )
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> Response:
    """Let robots read the blog but not the moderation pages."""
    lines = [
        "User-agent: *",
        "Disallow: /moderation/",
        "Disallow: /login",
        "Disallow: /search",
        "Allow: /search/label/",
        f"Sitemap: {absolute('/sitemap.xml')}",
        "",
    ]
    return Response("\n".join(lines), mimetype="text/plain")
