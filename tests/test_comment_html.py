"""The comment area, the login page and the queue parse as HTML5 without errors."""

from __future__ import annotations

import pytest
from bleach._vendor import html5lib
from helpers import GUITARISTE, store_comment

from app.comments.models import CommentStatus


def assert_valid_html(html: str) -> None:
    """Fail with the first HTML5 parse error of ``html``."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(html)
    except html5lib.html5parser.ParseError as err:
        line = (
            int(str(err).split("line ")[-1].split(",")[0]) if "line" in str(err) else 0
        )
        pytest.fail(f"{err}\n{html.splitlines()[max(line - 3, 0) : line + 2]}")


@pytest.fixture
def filled(app):
    """Store a thread: a deleted comment with a reply, and a plain comment."""
    parent = store_comment(app, author="Anne", body="x", status=CommentStatus.DELETED)
    store_comment(
        app,
        author="Paul",
        body="<b>oui</b>\nnon",
        parent_id=parent,
        status=CommentStatus.APPROVED,
        website="https://paul.example",
    )
    store_comment(
        app,
        author="Léa",
        body="Bien",
        status=CommentStatus.PENDING,
        email="lea@example.org",
    )
    return app


def test_post_page_with_comments_and_errors_is_valid(filled, client):
    assert_valid_html(client.get(GUITARISTE).get_data(as_text=True))
    assert_valid_html(client.get(GUITARISTE + "?reply=2").get_data(as_text=True))
    response = client.post(GUITARISTE, data={"author": "", "body": "", "email": "x"})
    assert response.status_code == 422
    assert_valid_html(response.get_data(as_text=True))


def test_login_and_queue_pages_are_valid(filled, client, auth):
    assert_valid_html(client.get("/login").get_data(as_text=True))
    bad = auth.login(password="non")
    assert bad.status_code == 401
    assert_valid_html(bad.get_data(as_text=True))
    assert auth.login().status_code == 303
    for tab in ("pending", "approved", "spam", "deleted"):
        assert_valid_html(client.get(f"/moderation/?tab={tab}").get_data(as_text=True))
