"""The post page as readers see it: an article, its comments and the comment form.

Rendering only; the routes are in app.blog.post_page. Without the database
the page still renders: the comments give way to a notice, and the form
keeps what the reader wrote.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import current_app, g, render_template, session
from flask_login import current_user
from markupsafe import Markup

from app import availability, httpcache
from app.blog.listing import sidebar
from app.blog.preview import NOINDEX
from app.comments import token
from app.comments.section import FormState, comment_section, unavailable_section
from app.content.pictures import first_image
from app.content.post import Post
from app.extensions import post_index
from app.links import absolute_address


def render_post(
    post: Post,
    form_state: FormState | None = None,
    reply_to: int | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render a post's page with its comments and the comment form.

    Without the database the page still renders: the comments give way to
    a notice, and the form keeps what the reader wrote.
    """
    index = post_index()
    as_moderator = current_user.is_authenticated
    try:
        section = availability.needed(
            "showing comments",
            lambda: comment_section(post, form_state, reply_to, as_moderator),
        )
    except availability.Unavailable:
        section = unavailable_section(form_state)
    now = time.time()
    newer, older = index.newer(post), index.older(post)
    httpcache.shows_posts([post])
    httpcache.shows_comments_of([post])
    httpcache.depends_on(*(f"title:{p.url}" for p in (newer, older) if p))
    httpcache.modified(section.newest)
    # The form's token changes every few hours: so does the page.
    httpcache.expires_at(token.next_issue(now))
    section_html = Markup(
        render_template(
            "comments/section.html",
            post=post,
            section=section,
            form_token=token.issue(current_app.secret_key, post.url, now),
        )
    )
    # A message waiting in the session shows in the frame (base.html), even
    # under a POST sent back with its errors: such a frame is this reader's.
    personal = as_moderator or g.get("private") or "_flashes" in session
    head, tail = _frame(post, newer, older, personal=bool(personal))
    return Markup(head) + section_html + Markup(tail), status


class FrameCache:
    """The frames of the most recently shown posts (a bounded LRU)."""

    def __init__(self, size: int = 256) -> None:
        """Keep at most ``size`` frames."""
        self.size = size
        self._frames: OrderedDict[tuple, tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[str, str] | None:
        """Return the frame kept for ``key``, if any."""
        with self._lock:
            frame = self._frames.get(key)
            if frame is not None:
                self._frames.move_to_end(key)
            return frame

    def put(self, key: tuple, frame: tuple[str, str]) -> None:
        """Keep a frame, forgetting the least recently used one if full."""
        with self._lock:
            self._frames[key] = frame
            self._frames.move_to_end(key)
            while len(self._frames) > self.size:
                self._frames.popitem(last=False)


# Stands for the comment area in a post page's frame.
_SLOT = "\x00carnet-comment-area\x00"


def _frame(
    post: Post, newer: Post | None, older: Post | None, personal: bool
) -> tuple[str, str]:
    """Return the page around the comment area: (before it, after it).

    A new comment changes only the comment area: the rest of the page (the
    post, its neighbours, the sidebar) is rendered once per version of the
    index and kept, unless the page is someone's own (a moderator, a flash).
    """
    key = (post.url, post_index().version)
    frames = current_app.extensions.setdefault("carnet_frames", FrameCache())
    if not personal and (kept := frames.get(key)) is not None:
        sidebar(post.year, post.month)  # the page still depends on its month
        return kept
    html = render_template(
        "blog/post.html",
        post=post,
        newer=newer,
        older=older,
        section_html=Markup(_SLOT),
        cover=cover_of(post),
        **sidebar(post.year, post.month),
    )
    head, _, tail = html.partition(_SLOT)
    if not personal:
        frames.put(key, (head, tail))
    return head, tail


def cover_of(post: Post) -> dict | None:
    """Return the post's first image as Open Graph wants it (absolute URL)."""
    image = first_image(post_index().renderer.html(post))
    url = absolute_address(image.src) if image is not None else None
    if image is None or url is None:
        return None
    return {"url": url, "alt": image.alt, "width": image.width, "height": image.height}


def render_preview(post: Post, template: str = "blog/post.html"):
    """Render a draft or scheduled post for its author: banner, no comments."""
    html = render_template(
        template,
        post=post,
        preview=True,
        cover=cover_of(post),
        **(sidebar() if post.is_page else sidebar(post.year, post.month)),
    )
    return html, 200, NOINDEX
