"""Measure Carnet's pages against Flask serving the same bytes with no work.

Usage: .venv/bin/python bench/bench_http.py [--posts 10000] [--requests 3000]

Both apps are called in-process through WSGI (no network, no server), so
the figures compare the work done per request. Each measurement is bounded
by a request count and a time limit. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response
from werkzeug.test import EnvironBuilder

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus  # noqa: E402

from app import create_app  # noqa: E402


def call(app, path: str) -> tuple[int, bytes]:
    """Serve one GET through WSGI; return the status and the body."""
    environ = EnvironBuilder(path=path, base_url="http://127.0.0.1:5000").get_environ()
    status = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    return int(status[0].split()[0]), body


def rate(app, path: str, requests: int, seconds: float) -> float:
    """Return requests per second over at most ``requests`` or ``seconds``."""
    done, start = 0, time.perf_counter()
    deadline = start + seconds
    while done < requests and time.perf_counter() < deadline:
        call(app, path)
        done += 1
    return done / (time.perf_counter() - start)


def baseline_for(path: str, body: bytes, mimetype: str) -> Flask:
    """Return a Flask app that answers ``path`` with ``body`` and does nothing else."""
    plain = Flask("baseline")
    plain.add_url_rule(
        path.split("?")[0],
        "page",
        lambda **_: Response(body, mimetype=mimetype),
    )
    return plain


def add_comments(app, url: str, count: int) -> None:
    """Store ``count`` approved comments on the post at ``url``."""
    from app.comments.models import Comment, CommentStatus
    from app.extensions import db

    with app.app_context():
        for number in range(count):
            db.session.add(
                Comment(
                    post_url=url,
                    author=f"Lecteur {number}",
                    body="Merci pour ce billet !\nÀ bientôt.",
                    created=datetime.now(UTC),
                    status=CommentStatus.APPROVED,
                )
            )
        db.session.commit()


def main() -> None:
    """Build a big blog, then time each page type against the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        write_corpus(folder / "posts", args.posts)
        print(f"wrote {args.posts} posts in {time.perf_counter() - started:.1f} s")

        from flask_migrate import upgrade

        app = create_app(
            {
                "BLOG_POSTS_DIR": str(folder / "posts"),
                "BLOG_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
                "BLOG_SECRET_KEY": "bench",
                "BLOG_SETTINGS": str(folder / "absent.toml"),
                "settings": {},
            }
        )
        with app.app_context():
            upgrade()
        started = time.perf_counter()
        call(app, "/")
        print(
            f"first request (index of {args.posts} posts built): "
            f"{time.perf_counter() - started:.2f} s"
        )

        index = app.extensions["carnet_posts"]
        post = index.visible()[len(index.visible()) // 2]
        add_comments(app, post.url, 20)
        paths = [
            "/",
            post.url,
            f"/{post.year:04d}/{post.month:02d}/",
            "/search/label/cuisine",
            "/search?q=potiron+riviere",
            "/feeds/posts/default",
            "/p/absente.html",
        ]
        print(
            f"\n{'page':34} {'Carnet req/s':>13} {'Flask bytes req/s':>18} {'ratio':>7}"
        )
        for path in paths:
            status, body = call(app, path)
            mimetype = "application/atom+xml" if "feeds" in path else "text/html"
            call(app, path)  # warm any cache, as a reader's second visit would
            ours = rate(app, path, args.requests, args.seconds)
            theirs = rate(
                baseline_for(path, body, mimetype), path, args.requests, args.seconds
            )
            label = f"{path[:28]} ({status})"
            print(f"{label:34} {ours:13.0f} {theirs:18.0f} {ours / theirs:7.1%}")


if __name__ == "__main__":
    main()
