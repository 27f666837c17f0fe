"""Carnet's pages under gunicorn, side by side with the floor and with nginx's cache.

Usage: .venv/bin/python bench/bench_http.py [--posts 10000] [--seconds 5]

In one run, on one synthetic blog: Carnet under gunicorn; the floor (Flask
returning the very same bytes, bench/floor.py, under the same gunicorn);
nginx with deploy/nginx.conf in front of Carnet; and a client that
revalidates pages (If-None-Match) while comments are being published, to
count its 304s. Load comes from wrk (apt-get install wrk), bounded by
--seconds per measurement. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from corpus import write_corpus  # noqa: E402
from servers import blog_env, gunicorn, nginx  # noqa: E402


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET a URL; return status, headers and body (errors included)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def corpus_of(count: int):
    """Return what fills a posts folder with ``count`` generated posts."""
    return lambda folder: write_corpus(folder, count)


def floor_env(env: dict, folder: Path, pages: dict[str, tuple[str, bytes]]) -> dict:
    """Save ``pages`` ({path: (mimetype, body)}) for bench/floor.py; return its env."""
    saved = {
        path: [mimetype, body.decode("latin-1")]
        for path, (mimetype, body) in pages.items()
    }
    (folder / "floor.json").write_text(json.dumps(saved), encoding="utf-8")
    return {**env, "FLOOR_PAGES": str(folder / "floor.json")}


def best_of(runs: int, measure) -> float:
    """Return the median of ``runs`` measurements (the machine is shared)."""
    figures = sorted(measure() for _ in range(runs))
    return figures[len(figures) // 2]


def wrk(url: str, seconds: float, connections: int) -> float:
    """Return the requests per second wrk measures on ``url``."""
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if errors and "p/absente" not in url:
        print(f"  (wrk: {errors[1]} non-2xx answers on {url})")
    return float(match[1])


def add_comments(env: dict, url: str, count: int) -> None:
    """Store ``count`` approved comments on the post at ``url``."""
    from app import create_app
    from app.comments.models import Comment, CommentStatus
    from app.extensions import db

    app = create_app({k: v for k, v in env.items() if k.startswith("BLOG_")})
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


def revalidations(
    base: str, paths: list[str], posts: list[str], env: dict, rounds: int
) -> str:
    """Revalidate every page ``rounds`` times while comments are published.

    Before each round a comment is published on one of ``posts`` (any post
    of the blog): the client should get 200 for the pages it touches (that
    post, the lists showing its count) and 304 for all the others.
    """
    from app import create_app
    from app.comments.models import Comment, CommentStatus
    from app.extensions import db

    app = create_app({k: v for k, v in env.items() if k.startswith("BLOG_")})
    etags = {path: get(base + path)[1].get("ETag") for path in paths}
    counts = {200: 0, 304: 0}
    rng = random.Random(3)
    for _ in range(rounds):
        with app.app_context():
            db.session.add(
                Comment(
                    post_url=rng.choice(posts),
                    author="Bench",
                    body=f"Commentaire {rng.random()}",
                    status=CommentStatus.APPROVED,
                )
            )
            db.session.commit()
        time.sleep(0.6)  # every worker reads the change log within 0.5 s
        for path in paths:
            status, headers, _ = get(base + path, {"If-None-Match": etags[path] or ""})
            counts[status] = counts.get(status, 0) + 1
            etags[path] = headers.get("ETag", etags[path])
    total = sum(counts.values())
    return (
        f"{counts.get(304, 0)} of {total} revalidations answered 304 "
        f"({counts.get(304, 0) / total:.0%}); {counts.get(200, 0)} got the new page"
    )


def main() -> None:
    """Build a big blog, serve it three ways, and time each page type."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3, help="median of this many")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        env = blog_env(folder, posts=corpus_of(args.posts))
        started = time.perf_counter()
        carnet_port = stack.enter_context(
            gunicorn(env, folder / "carnet.log", args.workers)
        )
        base = f"http://127.0.0.1:{carnet_port}"
        get(base + "/")
        took = time.perf_counter() - started
        print(
            f"{args.posts} posts, gunicorn -w {args.workers}: first 200 in {took:.1f} s"
        )

        from zoneinfo import ZoneInfo

        from app.content.index import PostIndex

        index = PostIndex(folder / "posts", ZoneInfo("Europe/Paris"))
        post = index.visible()[len(index.visible()) // 2]
        add_comments(env, post.url, 20)
        paths = [
            "/",
            post.url,
            f"/{post.year:04d}/{post.month:02d}/",
            "/search/label/cuisine",
            "/search?q=potiron+riviere",
            "/feeds/posts/default",
            "/p/absente.html",
        ]
        time.sleep(1)
        pages = {}
        for path in paths:
            for _ in range(3):  # every worker renders and keeps it
                status, headers, body = get(base + path)
            mimetype = headers.get("Content-Type", "text/html").split(";")[0]
            pages[path] = (mimetype, body)
        floor_port = stack.enter_context(
            gunicorn(
                floor_env(env, folder, pages),
                folder / "floor.log",
                args.workers,
                "bench.floor:app",
            )
        )
        nginx_port = stack.enter_context(nginx(carnet_port, folder / "nginx"))

        print(
            f"\n{'page':34} {'floor':>8} {'Carnet':>8} {'ratio':>6}"
            f" {'nginx':>8} {'ratio':>6}   (requests/s, wrk -c{args.connections},"
            f" {args.seconds:.0f} s each)"
        )

        def measure(url: str) -> float:
            """Return the median requests/s of ``url`` over --runs runs."""
            return best_of(args.runs, lambda: wrk(url, args.seconds, args.connections))

        for path in paths:
            theirs = measure(f"http://127.0.0.1:{floor_port}{path}")
            ours = measure(base + path)
            url = f"http://127.0.0.1:{nginx_port}{path}"
            get(url)  # into nginx's cache
            cached = measure(url)
            print(
                f"{path[:34]:34} {theirs:8.0f} {ours:8.0f} {ours / theirs:6.2f}"
                f" {cached:8.0f} {cached / theirs:6.2f}"
            )
        rng = random.Random(5)
        sample = rng.sample(list(index.visible()), 10)
        browsed = ["/", *(p.url for p in sample)]
        browsed += sorted({f"/{p.year:04d}/{p.month:02d}/" for p in sample})
        browsed += ["/search/label/cuisine", "/search/label/jardin"]
        everyone = [p.url for p in index.visible()]
        print(
            f"\nA reader revalidating {len(browsed)} pages 20 times, while one comment"
            f" is published on a random post of the {len(everyone)} before each round:"
        )
        print(revalidations(base, browsed, everyone, env, rounds=20))
        print(
            f"The same, the comment published on one of the {len(sample)} posts"
            " read (its page and the lists showing its count change):"
        )
        print(revalidations(base, browsed, [p.url for p in sample], env, rounds=20))


if __name__ == "__main__":
    main()
