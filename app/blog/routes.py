"""Reader pages at Blogger's URLs: home, archives, labels, search, static pages."""

from __future__ import annotations

from collections.abc import Sequence

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)

from app import availability, httpcache
from app.blog.listing import paginate, sidebar
from app.blog.post_render import cover_of, render_preview
from app.blog.preview import preview_of
from app.comments.service import approved_counts
from app.content.post import Post
from app.extensions import post_index

bp = Blueprint("blog", __name__)

MAX_QUERY = 200


def _list_page(
    template: str, posts: Sequence[Post], open_at=(None, None), **context
) -> str:
    """Render one page of a list of posts, with comment counts and the sidebar.

    ``open_at`` is the (year, month) the archive widget shows open.
    """
    page = paginate(posts)
    httpcache.shows_posts(page.posts)
    httpcache.shows_comments_of(page.posts)
    try:
        counts = availability.needed(
            "counting comments", lambda: approved_counts(page.posts)
        )
    except availability.Unavailable:
        counts = None  # the list goes on without its comment counts
    return render_template(
        template,
        page=page,
        comment_counts=counts,
        **sidebar(*open_at),
        **context,
    )


@bp.get("/")
def home() -> str:
    """Show the newest posts under their date headers."""
    return _list_page("blog/home.html", post_index().visible())


@bp.get("/<int:year>/")
def year_archive(year: int) -> str:
    """List a year's posts."""
    posts = post_index().by_year(year)
    if not posts:
        abort(404)
    return _list_page("blog/archive.html", posts, (year, None), year=year, month=None)


@bp.get("/<int:year>/<month>/")
def month_archive(year: int, month: str) -> str:
    """List a month's posts."""
    if not (len(month) == 2 and month.isascii() and month.isdigit()):
        abort(404)
    posts = post_index().by_month(year, int(month))
    if not posts:
        abort(404)
    return _list_page(
        "blog/archive.html", posts, (year, int(month)), year=year, month=int(month)
    )


@bp.get("/<int:year>_<month>_01_archive.html")
def blogger_archive(year: int, month: str) -> Response:
    """Send Blogger's old monthly archive address to the new one."""
    if not (len(month) == 2 and month.isascii() and month.isdigit()):
        abort(404)
    return redirect(url_for("blog.month_archive", year=year, month=month), code=301)


@bp.get("/search/label/<path:label>")
def label(label: str) -> str:
    """List the posts that carry a label."""
    posts = post_index().by_label(label)
    if not posts:
        abort(404)
    return _list_page("blog/label.html", posts, label=label)


@bp.get("/search")
def search() -> str | Response:
    """Search titles and bodies, ignoring accents and case."""
    label_arg = request.args.get("label")
    if label_arg:
        # Blogger's own label links: /search?label=x.
        return redirect(url_for("blog.label", label=label_arg), code=301)
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    posts = post_index().search(query) if query else ()
    httpcache.depends_on("index")  # any post may start or stop matching
    return _list_page("blog/search.html", posts, query=query, total=len(posts))


@bp.get("/p/<slug>.html")
def static_page(slug: str) -> str:
    """Show a static page from posts/pages/."""
    page = post_index().page(slug)
    if page is None:
        draft = preview_of(request.path)
        if draft is None:
            abort(404)
        return render_preview(draft, "blog/page.html")
    httpcache.shows_posts([page])
    return render_template(
        "blog/page.html", post=page, cover=cover_of(page), **sidebar()
    )
