"""Previews: a draft or a scheduled post at its future address, for its author.

A logged-in moderator sees it, and so does everyone on the local server of
``flask --app wsgi serve --drafts`` (a config flag no settings file can set).
The page says what it is in a banner, asks robots not to index it, and is
never kept by any cache; readers keep getting 404, and listings, feeds and
the sitemap never show it.
"""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from app import httpcache
from app.content.drafts import unpublished_at
from app.content.post import Post
from app.extensions import post_index

#: The Flask config key of ``serve --drafts``: drafts shown without logging in.
SHOW_DRAFTS = "CARNET_SHOW_DRAFTS"
#: Sent with every preview, for robots that read headers rather than pages.
NOINDEX = {"X-Robots-Tag": "noindex"}


def may_preview() -> bool:
    """Tell whether this request may see drafts and scheduled posts."""
    if current_app.config.get(SHOW_DRAFTS):
        return True
    return bool(current_user.is_authenticated)


def preview_of(path: str) -> Post | None:
    """Return the unpublished post at ``path`` when this request may see it."""
    if not may_preview():
        return None
    post = unpublished_at(post_index(), path)
    if post is not None:
        httpcache.make_private()  # for this person only, kept by no cache
    return post
