"""Reader pages at Blogger's URLs."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request

from app.blog.listing import paginate, sidebar
from app.content.post import Post
from app.extensions import post_index

bp = Blueprint("blog", __name__)


def _list_page(template: str, posts, open_at=(None, None), **context) -> str:
    """Render one page of a list of posts, with comment counts and the sidebar.

    ``open_at`` is the (year, month) the archive widget shows open.
    """
    from app.comments.service import approved_counts

    page = paginate(posts)
    return render_template(
        template,
        page=page,
        comment_counts=approved_counts(page.posts),
        **sidebar(*open_at),
        **context,
    )


@bp.get("/")
def home() -> str:
    """Show the newest posts under their date headers."""
    return _list_page("blog/home.html", post_index().visible())


def render_post(post: Post, comment_form=None, status: int = 200) -> tuple[str, int]:
    """Render a post's page with its comments and the comment form."""
    from app.comments.service import comment_section

    index = post_index()
    html = render_template(
        "blog/post.html",
        post=post,
        newer=index.newer(post),
        older=index.older(post),
        **comment_section(post, comment_form),
        **sidebar(post.year, post.month),
    )
    return html, status


@bp.get("/<int:year>/<month>/<slug>.html")
def post(year: int, month: str, slug: str):
    """Show one post, or send an old address to its new one."""
    found = post_index().get(year, int(month), slug) if month.isdigit() else None
    if found is None or found.url != request.path:
        return _moved_or_404()
    return render_post(found)


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
    if not (len(month) == 2 and month.isdigit() and 1 <= int(month) <= 12):
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
    if not (len(month) == 2 and month.isdigit()):
        abort(404)
    return redirect(f"/{year:04d}/{month}/", code=301)


@bp.get("/search/label/<path:label>")
def label(label: str) -> str:
    """List the posts that carry a label."""
    posts = post_index().by_label(label)
    if not posts:
        abort(404)
    return _list_page("blog/label.html", posts, label=label)


@bp.get("/search")
def search() -> str:
    """Search titles and bodies, ignoring accents and case."""
    query = request.args.get("q", "").strip()[:200]
    label_arg = request.args.get("label")
    if label_arg:
        return redirect("/search/label/" + label_arg, code=301)
    posts = post_index().search(query) if query else ()
    return _list_page("blog/search.html", posts, query=query, total=len(posts))


@bp.get("/p/<slug>.html")
def static_page(slug: str) -> str:
    """Show a static page from posts/pages/."""
    page = post_index().page(slug)
    if page is None:
        abort(404)
    return render_template("blog/page.html", post=page, **sidebar())


def _moved_or_404() -> Response:
    """Redirect an alias to its post for good, else answer 404."""
    target = post_index().by_alias(request.path)
    if target is None:
        abort(404)
    return redirect(target.url, code=301)
