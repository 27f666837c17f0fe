"""The post page as readers see it: an article, its comments and the comment form.

Rendering only; the routes are in app.blog.post_page. Without the database
the page still renders: the comments give way to a notice, and the form
keeps what the reader wrote.
"""

from __future__ import annotations

import time

from flask import current_app, render_template
from flask_login import current_user

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
    html = render_template(
        "blog/post.html",
        post=post,
        newer=newer,
        older=older,
        section=section,
        form_token=token.issue(current_app.secret_key, post.url, now),
        cover=cover_of(post),
        **sidebar(post.year, post.month),
    )
    return html, status


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
