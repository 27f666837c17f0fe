"""No request makes a 500 (issue 11, finding 3): random requests at every route.

Every rule of the URL map (reader pages, feeds, media, previews, health
probes, mail links, login, moderation) gets requests with random path
segments, random query parameters and, for the POST routes, random form
fields: Unicode digits, huge numbers, control characters, invalid UTF-8,
long strings, now and then a file part. Once as an anonymous reader, once
as a logged-in moderator, on a blog seeded as the page tour seeds it (so
that real posts, comments, media and mail tokens are among the values).
The answer must never be a 500 nor show a traceback; the app runs with
``TESTING`` so that an exception fails the test with its own traceback.

The seed is fixed and the examples bounded (``CARNET_FUZZ_EXAMPLES`` per
route and method, 6 by default: well under 30 s); set it higher for a
longer hunt, and ``CARNET_FUZZ_SEED`` for other values, e.g.
``CARNET_FUZZ_EXAMPLES=300 CARNET_FUZZ_SEED=7 pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

import pytest
from conftest import COMPILED_TEMPLATES, FIXTURE_POSTS, moderator_password_hash
from databases import copy_sqlite
from flask import Flask
from flask_migrate import upgrade
from helpers import BROUILLON, GUITARISTE, MODERATOR
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from page_tour import IMAGES_URL, mail_stops
from page_tour import seed as seed_blog
from werkzeug.routing import PathConverter, Rule

from app import create_app
from app.extensions import db, post_index
from app.moderation.accounts import find
from app.moderation.models import Moderator

EXAMPLES = int(os.environ.get("CARNET_FUZZ_EXAMPLES", "6"))
SEED = int(os.environ.get("CARNET_FUZZ_SEED", "20261129"))

# What the app reads from query strings and forms, and what it does not.
QUERY_NAMES = ("page", "reply", "max-results", "start-index", "alt", "q", "label")
QUERY_NAMES += ("tab", "next", "w", "f", "token", "x")
FORM_NAMES = ("author", "email", "website", "body", "parent_id", "notify")
FORM_NAMES += ("homepage", "form_token", "username", "password", "next", "ids")
FORM_NAMES += ("action", "tab", "csrf_token", "confirm", "x")

# Unicode digits, numbers too large, words the app knows, control characters,
# a lone surrogate, addresses that try to leave the site.
ODD = (
    *"² ¹ ١٢ -1 0 1e3 % %zz rss webp approve spam pending marie".split(),
    *("99999999999999999999999", str(2**63), " 7 ", "\r\n", "\x00", "Bob\x1b"),
    *("\ud800", "../../etc/passwd", "//evil.example/", "javascript:alert(1)"),
    "<script>alert(1)</script>",
)

# Values that mean something here: Unicode digits, huge numbers, control
# characters, lone surrogates (invalid UTF-8 once encoded), long strings.
values = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=30),
    st.integers(-(10**30), 10**30).map(str),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), max_size=6),
    st.text(alphabet=st.characters(max_codepoint=0xA0), max_size=20),
    st.builds(
        lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(1, 3000)
    ),
)


def encoded(value: str) -> bytes:
    """Return ``value`` as bytes; a lone surrogate becomes invalid UTF-8."""
    return value.encode("utf-8", "surrogatepass")


def segment(known: tuple[str, ...]):
    """Return a strategy of one percent-encoded path segment."""
    raw = st.one_of(st.sampled_from(known), values) if known else values
    return st.one_of(raw.map(encoded), st.binary(max_size=12)).map(
        lambda b: quote(b, safe="")
    )


def path_value(known: tuple[str, ...]):
    """Return a strategy of a path converter's value: segments joined by '/'."""
    return st.lists(segment(known), min_size=1, max_size=4).map("/".join)


def pairs(names: tuple[str, ...]):
    """Return a strategy of an urlencoded string of random names and values."""
    name = st.one_of(st.sampled_from(names), values)
    pair = st.tuples(name.map(encoded), values.map(encoded))
    return st.lists(pair, max_size=6).map(
        lambda items: "&".join(
            f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items
        )
    )


def known_values(app: Flask) -> dict[str, tuple[str, ...]]:
    """Return real values for each path variable, so that requests go deep."""
    with app.app_context():
        index = post_index()
        posts = index.all_posts()
        return {
            "year": ("2011", "2012", "2099", "0", "10000"),
            "month": ("10", "03", "12", "1", "13"),
            "slug": tuple(p.slug for p in posts) + ("a-propos",),
            "post_id": tuple(p.post_id for p in posts),
            "label": tuple(label for p in posts for label in p.labels),
            "name": ("2010/lac.jpg", "2010/tour-du-lac/sentier.png", "2011"),
            "filename": ("css/carnet.css", "css/moderation.css"),
            "token": tuple(stop.path.rsplit("/", 1)[1] for stop in mail_stops(app)),
        }


def request_for(rule: Rule, method: str, known: dict[str, tuple[str, ...]]):
    """Return a strategy of (path, query string, form body, content type)."""
    variables = {
        name: (path_value if isinstance(conv, PathConverter) else segment)(
            known.get(name, ())
        )
        for name, conv in rule._converters.items()
    }

    def fill(chosen: dict[str, str]) -> str:
        """Put the chosen values in the rule's place holders."""
        return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: chosen[m[1]], rule.rule)

    path = st.fixed_dictionaries(variables).map(fill)
    body = st.just((b"", None))
    if method == "POST":
        form = pairs(FORM_NAMES).map(
            lambda text: (text.encode("ascii"), "application/x-www-form-urlencoded")
        )
        with_file = st.just((None, "multipart/form-data"))
        raw = st.binary(max_size=64).map(lambda b: (b, "application/octet-stream"))
        body = st.one_of(form, form, form, with_file, raw)
    return st.tuples(path, pairs(QUERY_NAMES), body)


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory, migrated_sqlite: Path) -> Iterator[Flask]:
    """Return one app for the whole walk, seeded with posts, photos and comments."""
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(FIXTURE_POSTS, folder / "posts")
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "BLOG_POSTS_DIR": str(folder / "posts"),
            "BLOG_DATABASE_URL": copy_sqlite(migrated_sqlite, folder / "blog.db"),
            "BLOG_SECRET_KEY": "test-secret",
            "BLOG_SETTINGS": str(folder / "absent.toml"),
            "CARNET_INDEX_FILE": "",
            "BLOG_IMAGE_CACHE_DIR": str(folder / "images"),
            "settings": {},
        }
    )
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    with app.app_context():
        upgrade()
        db.session.add(
            Moderator(
                username=MODERATOR.username, password_hash=moderator_password_hash()
            )
        )
        db.session.commit()
    seed_blog(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def routes(app: Flask) -> list[tuple[Rule, str]]:
    """Return every (rule, method) of the URL map; HEAD is GET's twin."""
    return [
        (rule, method)
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def log_in(app: Flask, client) -> None:
    """Give the client the moderator's session (a /logout may have ended it)."""
    with app.app_context():
        user_id = find(MODERATOR.username).get_id()
        db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True


def send(client, method: str, path: str, query: str, body, content_type) -> None:
    """Send one request as a browser would, byte for byte; check the answer.

    The path goes to PATH_INFO as the server would decode it: the test
    client would read "//x/…" as a host name.
    """
    if content_type == "multipart/form-data":
        body = {"body": (io.BytesIO(b"texte"), "avis.txt"), "author": "Zoé"}
    response = client.open(
        "/",
        method=method,
        query_string=query,
        data=body,
        content_type=content_type,
        environ_overrides={
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "REQUEST_URI": path,
            "RAW_URI": path,
        },
    )
    with response:  # a file sent (media, static) is closed with it
        where = (method, path, query)
        assert response.status_code < 500 or response.status_code == 503, where
        assert b"Traceback" not in response.get_data(), where


def checker(app: Flask, client, rule: Rule, method: str, known, as_moderator: bool):
    """Return the property of one route: random requests never fail."""

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=request_for(rule, method, known))
    def answers_without_error(request) -> None:
        """Send one random request to the route."""
        path, query, (body, content_type) = request
        if as_moderator:
            log_in(app, client)
        send(client, method, path, query, body, content_type)

    return answers_without_error


def walk(app: Flask, as_moderator: bool) -> list[str]:
    """Send random requests to every route; return the routes walked."""
    known = known_values(app)
    client = app.test_client()
    walked = []
    for rule, method in routes(app):
        checker(app, client, rule, method, known, as_moderator)()
        walked.append(f"{method} {rule.rule}")
    return walked


def test_no_route_answers_a_reader_with_a_server_error(fuzzed_app):
    walked = walk(fuzzed_app, as_moderator=False)
    # Every route of the map, the mail links and health probes among them.
    assert {"GET /mail/moderate/<token>", "POST /moderation/", "GET /readyz"} <= set(
        walked
    )
    assert len(walked) == len(routes(fuzzed_app))


def test_no_route_answers_a_moderator_with_a_server_error(fuzzed_app):
    walked = walk(fuzzed_app, as_moderator=True)
    assert "GET /<int:year>/<month>/<slug>.html" in walked
    assert len(walked) == len(routes(fuzzed_app))


def test_the_walk_reaches_real_pages_previews_and_media(fuzzed_app):
    # The known values are real: a walk is not all 404s.
    reader, moderator = fuzzed_app.test_client(), fuzzed_app.test_client()
    log_in(fuzzed_app, moderator)
    assert reader.get(GUITARISTE).status_code == 200
    assert reader.get(IMAGES_URL).status_code == 200
    with reader.get("/media/2010/lac.jpg") as photo:
        assert photo.status_code == 200
    assert moderator.get(BROUILLON).status_code == 200
    assert moderator.get("/moderation/").status_code == 200
