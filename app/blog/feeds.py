"""Atom and RSS feeds at Blogger's addresses: posts, a label's posts, comments.

Every text handed to feedgen goes through :func:`app.text.xml_safe` first:
lxml refuses a character XML 1.0 forbids, and one such character in a post
file or in a comment stored before text was cleaned must not cost readers
the whole feed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from app import availability, httpcache
from app.comments.models import Comment
from app.comments.sanitize import comment_html
from app.comments.service import latest_approved
from app.config import current_settings
from app.content.pictures import first_image
from app.content.post import Post
from app.extensions import post_index
from app.links import absolute, absolute_address
from app.params import whole_number
from app.text import xml_safe

bp = Blueprint("feeds", __name__)

# href="/…" and src="/…" in post HTML, to be made absolute for feed readers.
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')
# srcset="/a 480w, /b 960w": each candidate's address, made absolute too.
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')
_CANDIDATE = re.compile(r"(^|,\s*)/(?!/)")
# The ``updated`` of a comment feed with no comment yet: any fixed date will do.
EMPTY_FEED_DATE = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedWindow:
    """Which entries a feed carries: Blogger's ``start-index`` and ``max-results``."""

    start: int = 1  # 1-based, as Blogger counts
    count: int = 25

    DEFAULT = 25  # entries, as Blogger's feeds
    MAX = 500

    @classmethod
    def from_args(cls, args: MultiDict) -> FeedWindow:
        """Read the window from a query string; anything unreadable is the default."""
        start = whole_number(args.get("start-index"), 1, low=1) or 1
        count = whole_number(args.get("max-results"), cls.DEFAULT, low=0) or 1
        return cls(start=start, count=min(count, cls.MAX))

    @property
    def offset(self) -> int:
        """Return how many entries come before the window."""
        return self.start - 1

    def of(self, items: Sequence) -> Sequence:
        """Return the window's slice of ``items``."""
        return items[self.offset : self.offset + self.count]


def new_feed(title: str, path: str, alternate: str | None = None) -> FeedGenerator:
    """Start a feed whose id, self and alternate links are absolute URLs.

    ``alternate`` is the page the feed follows (the home page by default).
    """
    settings = current_settings()
    feed = FeedGenerator()
    feed.id(xml_safe(absolute(path)))
    feed.title(xml_safe(title))
    feed.subtitle(xml_safe(settings.site.description or title))
    feed.link(
        href=xml_safe(absolute(alternate or url_for("blog.home"))),
        rel="alternate",
        type="text/html",
    )
    feed.link(href=xml_safe(absolute(request.full_path.rstrip("?"))), rel="self")
    feed.language(settings.site.language)
    feed.author({"name": xml_safe(settings.author.name)})
    feed.generator("Carnet")
    return feed


def feed_response(feed: FeedGenerator) -> Response:
    """Serve the feed as Atom, or as RSS 2.0 with ``?alt=rss``."""
    if request.args.get("alt") == "rss":
        return Response(feed.rss_str(pretty=True), mimetype="application/rss+xml")
    return Response(feed.atom_str(pretty=True), mimetype="application/atom+xml")


def absolute_html(html: str) -> str:
    """Return post HTML whose site addresses (href, src, srcset) are absolute."""
    base = absolute("")
    html = _ROOT_RELATIVE.sub(rf"\1{base}/", html)

    def candidates(match: re.Match) -> str:
        return match.group(1) + _CANDIDATE.sub(rf"\1{base}/", match.group(2)) + '"'

    return _SRCSET.sub(candidates, html)


def _thumbnail(entry, post: Post) -> None:
    """Give an entry its post's first image as ``media:thumbnail``, if it has one."""
    image = first_image(post_index().renderer.html(post))
    url = absolute_address(image.src) if image is not None else None
    if image is None or url is None:
        return
    thumbnail = {"url": xml_safe(url)}
    if image.width and image.height:
        thumbnail.update(width=str(image.width), height=str(image.height))
    entry.media.thumbnail(thumbnail, group=None)


def _add_posts(feed: FeedGenerator, posts: Sequence[Post]) -> None:
    """Add posts as entries with their full content, newest first.

    RSS items name their author with ``dc:creator`` (RSS's own ``<author>``
    wants an e-mail address); every entry gets its first image as a
    ``media:thumbnail``.
    """
    settings = current_settings()
    newest = None
    shown = FeedWindow.from_args(request.args).of(posts)
    feed.load_extension("dc", atom=False, rss=True)
    feed.load_extension("media")
    httpcache.depends_on("index")  # a new post joins the feed
    httpcache.shows_posts(shown)
    # feedgen prepends each entry: add the oldest first so the newest leads.
    for post in reversed(shown):
        entry = feed.add_entry()
        entry.id(absolute(post.url))
        entry.title(xml_safe(post.title))
        entry.link(href=absolute(post.url), rel="alternate")
        entry.published(post.date)
        updated = post.updated or post.date
        entry.updated(updated)
        author = xml_safe(post.author or settings.author.name)
        entry.author({"name": author})
        entry.dc.dc_creator(author)
        for label in post.labels:
            entry.category(term=xml_safe(label))
        if post.summary:
            entry.summary(xml_safe(post.summary))
        html = absolute_html(post_index().renderer.html(post))
        entry.content(xml_safe(html), type="html")
        _thumbnail(entry, post)
        newest = max(newest or updated, updated)
    feed.updated(newest or datetime.now(UTC))


@bp.get("/feeds/posts/default")
def posts() -> Response:
    """Feed of the newest posts."""
    feed = new_feed(current_settings().site.title, url_for("feeds.posts"))
    _add_posts(feed, post_index().visible())
    return feed_response(feed)


@bp.get("/feeds/posts/default/-/<path:label>")
def label(label: str) -> Response:
    """Feed of the newest posts with one label."""
    posts = post_index().by_label(label)
    if not posts:
        abort(404)
    site = current_settings().site.title
    feed = new_feed(f"{site} : {label}", url_for("feeds.label", label=label))
    _add_posts(feed, posts)
    return feed_response(feed)


def _comment_title(comment: Comment) -> str:
    """Return the start of the comment's text, as Blogger titles its entries."""
    text = Markup(comment_html(comment.body)).striptags()
    return text if len(text) <= 60 else text[:59].rstrip() + "…"


def _post_of(comment: Comment) -> Post | None:
    """Return the post a comment hangs on, following aliases."""
    index = post_index()
    return index.by_url(comment.post_url) or index.by_alias(comment.post_url)


def _comments_feed(post: Post | None) -> Response:
    """Serve the Atom feed of a post's approved comments (or the whole blog's)."""
    window = FeedWindow.from_args(request.args)
    urls = post.urls if post is not None else None
    try:
        rows = availability.needed(
            "reading a comment feed",
            lambda: latest_approved(urls, window.offset, window.count),
        )
    except availability.Unavailable:
        abort(503)
    if post is None:
        httpcache.depends_on("comments", "index")
    else:
        httpcache.shows_comments_of([post])
        httpcache.depends_on(f"post:{post.url}")
    httpcache.modified(*(row.created_utc for row in rows[:1]))
    if post is None:
        feed = new_feed(
            _("%(site)s - Commentaires", site=current_settings().site.title),
            url_for("feeds.comments"),
        )
    else:
        feed = new_feed(
            _("%(title)s - Commentaires", title=post.title),
            url_for("feeds.post_comments", post_id=post.post_id),
            alternate=post.url,
        )
    if rows:
        feed.updated(rows[0].created_utc)
    else:
        feed.updated(post.date if post is not None else EMPTY_FEED_DATE)
    # feedgen prepends entries: add oldest first so the feed reads newest first.
    for comment in reversed(rows):
        target = post or _post_of(comment)
        if target is None:
            continue
        entry = feed.add_entry()
        entry.id(absolute(f"/comments/{comment.id}"))
        entry.title(xml_safe(_comment_title(comment) or comment.author))
        entry.link(
            href=absolute(f"{target.url}#c{comment.id}"),
            rel="alternate",
            type="text/html",
        )
        entry.author({"name": xml_safe(comment.author)})
        entry.published(comment.created_utc)
        entry.updated(comment.created_utc)
        entry.content(xml_safe(str(comment_html(comment.body))), type="html")
    body = feed.atom_str(pretty=True)
    return Response(body, mimetype="application/atom+xml")


@bp.get("/feeds/comments/default")
def comments() -> Response:
    """Serve the Atom feed of the newest approved comments on the whole blog."""
    return _comments_feed(None)


@bp.get("/feeds/<post_id>/comments/default")
def post_comments(post_id: str) -> Response:
    """Serve the Atom feed of one post's approved comments."""
    post = post_index().by_post_id(post_id)
    if post is None:
        abort(404)
    return _comments_feed(post)
