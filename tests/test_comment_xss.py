"""Hostile HTML in a comment never executes: on the page, in feeds, in the queue."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from helpers import GUITARISTE, store_comment

from app.comments.models import CommentStatus
from app.comments.sanitize import comment_html, safe_website

VECTORS = [
    "<script>alert('xss')</script>",
    '<img src="x" onerror="alert(1)">',
    '<iframe src="https://evil.example/"></iframe>',
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="javascript&#58;alert(1)">clic</a>',
    '<a href="jav&#x09;ascript:alert(1)">clic</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    '<b onmouseover="alert(1)">gras</b>',
    '<svg onload="alert(1)"></svg>',
    '"><script>alert(1)</script>',
    "<style>body{display:none}</style>",
]


class _Elements(HTMLParser):
    """Collect the real elements and attributes of an HTML fragment."""

    def __init__(self) -> None:
        """Start with nothing found."""
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        """Record executable elements, event handlers and script URLs."""
        if tag in {"script", "iframe", "img", "svg", "style", "object", "embed"}:
            self.found.append(tag)
        for name, value in attrs:
            url = re.sub(r"[\s\x00-\x1f]", "", (value or "")).lower()
            if name.startswith("on"):
                self.found.append(name)
            if name in {"href", "src"} and url.startswith(("javascript:", "data:")):
                self.found.append(f"{name}={value}")


def _dangerous(html: str) -> list[str]:
    """Return the executable constructs a browser would find in ``html``."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.mark.parametrize("vector", VECTORS)
def test_sanitizer_neutralises_vector(vector):
    assert _dangerous(str(comment_html(vector))) == []


def test_sanitizer_keeps_allowed_tags_and_line_breaks():
    html = str(comment_html("<b>gras</b> et <i>italique</i>\nligne 2"))
    assert html == "<b>gras</b> et <i>italique</i><br>\nligne 2"


def test_links_get_nofollow_ugc_noopener():
    html = str(comment_html('<a href="https://ex.example/" rel="me">lien</a>'))
    assert html == (
        '<a href="https://ex.example/" rel="nofollow ugc noopener">lien</a>'
    )


def test_text_that_looks_like_html_is_kept_readable():
    assert str(comment_html("si a < b & c > d")) == "si a &lt; b &amp; c &gt; d"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "JaVaScRiPt:alert(1)",
        "//evil",
        "ftp://x",
    ],
)
def test_only_http_websites_are_linked(url):
    assert safe_website(url) is None


@pytest.mark.parametrize("vector", VECTORS)
def test_vector_in_every_field_is_inert_on_the_page(make_app, auth, vector):
    app = make_app(settings={"comments": {"moderation": "never"}})
    client = app.test_client()
    # The form refuses a non-http website: store the row as an importer could.
    store_comment(
        app,
        author=vector[:100],
        email=vector[:254],
        website=vector,
        body=vector,
        status=CommentStatus.APPROVED,
    )
    response = client.post(
        GUITARISTE, data={"author": vector[:100], "body": vector + " (formulaire)"}
    )
    assert response.status_code == 303
    page = client.get(GUITARISTE).get_data(as_text=True)
    section = page[page.index('id="comments"') : page.index('id="comment-form"')]
    assert _dangerous(section) == []
    assert vector[:100] not in section  # the author name is escaped, not raw
    assert "(formulaire)" in section

    feed = ElementTree.fromstring(client.get("/feeds/comments/default").data)
    contents = feed.findall(".//{http://www.w3.org/2005/Atom}content")
    assert len(contents) == 2
    for content in contents:
        assert content.get("type") == "html"
        assert _dangerous(content.text) == []

    assert auth.login(client).status_code == 303
    queue = client.get("/moderation/?tab=approved").get_data(as_text=True)
    listing = queue[queue.index('class="moderation-list"') :]
    assert _dangerous(listing) == []


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "data:text/html,x", "jav&#x61;script:x", "//evil"],
)
def test_form_refuses_website_that_is_not_http(client, website):
    response = client.post(
        GUITARISTE, data={"author": "Zoé", "body": "Bonjour", "website": website}
    )
    assert response.status_code == 422
    assert "http:// ou https://" in response.get_data(as_text=True)
