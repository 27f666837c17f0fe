"""Drafts and scheduled posts: what a moderator may preview before readers see it.

The index keeps them among ``all_posts()`` but never in what readers query.
An unpublished post is one whose address no published post or page claims:
a draft, or a post whose date has not come yet.
"""

from __future__ import annotations

from typing import Protocol

from app.content.post import Post


class Posts(Protocol):
    """The part of the PostIndex these functions read."""

    def all_posts(self) -> tuple[Post, ...]:
        """Return every readable post and page, drafts and scheduled included."""

    def by_url(self, path: str) -> Post | None:
        """Return the published post or page whose canonical URL is path."""


def unpublished(index: Posts) -> list[Post]:
    """Return drafts and scheduled posts and pages, the latest date first."""
    return [post for post in index.all_posts() if index.by_url(post.url) is None]


def unpublished_at(index: Posts, path: str) -> Post | None:
    """Return the draft or scheduled post whose address is ``path``, if any."""
    if index.by_url(path) is not None:
        return None  # a published post owns the address
    return next((post for post in index.all_posts() if post.url == path), None)
