"""What search engines read: sitemap.xml and robots.txt."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for

from app import httpcache
from app.extensions import post_index
from app.links import absolute

bp = Blueprint("seo", __name__)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """List every public post, page and archive for search engines."""
    index = post_index()
    httpcache.depends_on("index")
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
        f"Disallow: {url_for('moderation.queue')}",
        f"Disallow: {url_for('moderation.login')}",
        f"Disallow: {url_for('blog.search')}",
        "Allow: /search/label/",
        f"Sitemap: {absolute(url_for('seo.sitemap'))}",
        "",
    ]
    return Response("\n".join(lines), mimetype="text/plain")
