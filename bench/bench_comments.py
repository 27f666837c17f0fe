"""Comments per second through Carnet's real form, side by side with Isso's JSON API.

Usage: .venv/bin/python bench/bench_comments.py [--posts 10000] [--seconds 10]
       [--clients 8] [--isso .bench/isso] [--profile]

Carnet: each client GETs a post page, takes its form token, POSTs a comment
(moderation off, so it is published and the page re-rendered). The floor:
the same client against bench/floor.py, Flask answering the GET with
Carnet's bytes and the POST with 303, storing nothing. Isso: each
client POSTs a comment to ``/new`` (moderation and rate limits off). Both
under gunicorn with 2 workers, on SQLite, in the same run. Comments go to
the --spread newest posts (readers comment on what is new; 20 by default).
Isso is not a dependency of Carnet: `make bench` installs it in its own
environment (.bench/isso); another one can be given with --isso. --profile
samples Carnet's workers with py-spy and prints where the time goes. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_http import corpus_of, floor_env  # noqa: E402
from helpers import free_port  # noqa: E402
from servers import blog_env, gunicorn_process, running  # noqa: E402

TOKEN = re.compile(rb'name="form_token" value="([^"]+)"')
SETTINGS = """
[comments]
moderation = "never"
rate_limit = "1000000/minute"
"""
ISSO_SETTINGS = """
[general]
dbpath = {db}
host = http://127.0.0.1:{port}/
[moderation]
enabled = false
[guard]
enabled = false
"""


def carnet_client(port: int, urls: list[str], seconds: float, seed: int) -> int:
    """GET a post page and POST a comment, again and again; return the count."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    done, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        url = rng.choice(urls)
        connection.request("GET", url)
        page = connection.getresponse().read()
        token = TOKEN.search(page)[1].decode()
        body = urlencode(
            {
                "form_token": token,
                "author": f"Lecteur {seed}",
                "body": f"Commentaire {done} du lecteur {seed} : {rng.random()}",
            }
        )
        if post(connection, url, body, "application/x-www-form-urlencoded") == 303:
            done += 1
    return done


def isso_client(port: int, urls: list[str], seconds: float, seed: int) -> int:
    """POST a comment to Isso's JSON API, again and again; return the count."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    done, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        url = rng.choice(urls)
        payload = json.dumps(
            {
                "text": f"Commentaire {done} du lecteur {seed} : {rng.random()}",
                "author": f"Lecteur {seed}",
                "title": "Un billet",
            }
        )
        if post(connection, f"/new?uri={url}", payload, "application/json") == 201:
            done += 1
    return done


def post(connection, path: str, body: str, content_type: str) -> int:
    """POST ``body`` on a kept-alive connection; return the answer's status."""
    connection.request("POST", path, body, {"Content-Type": content_type})
    answer = connection.getresponse()
    answer.read()
    return answer.status


def load(client, port: int, urls: list[str], seconds: float, clients: int) -> float:
    """Run ``clients`` processes of ``client``; return comments per second."""
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        started = time.perf_counter()
        counts = pool.starmap(
            client, [(port, urls, seconds, seed) for seed in range(clients)]
        )
        elapsed = time.perf_counter() - started
    return sum(counts) / elapsed


def worker_pids(master: int) -> list[int]:
    """Return the pids of a gunicorn master's workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def profile(pids: list[int], seconds: float, folder: Path) -> None:
    """Sample the workers with py-spy; print the frames that take the most time."""
    if not shutil.which("py-spy") and not (BIN / "py-spy").exists():
        print("(py-spy not installed: pip install py-spy)")
        return
    spy = shutil.which("py-spy") or str(BIN / "py-spy")
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for pid in pids:
        out = folder / f"spy-{pid}.txt"
        subprocess.run(
            [
                spy,
                "record",
                "-p",
                str(pid),
                "-d",
                str(int(seconds)),
                "-r",
                "200",
                "--format",
                "raw",
                "-o",
                str(out),
                "--nonblocking",
            ],
            capture_output=True,
            check=False,
            timeout=seconds + 60,
        )
        for line in out.read_text().splitlines() if out.exists() else ():
            stack, _, count = line.rpartition(" ")
            frames = stack.split(";")
            samples = int(count)
            total += samples
            own[frames[-1]] += samples
            for frame in set(frames):
                inclusive[frame] += samples
    if not total:
        print("(py-spy recorded nothing)")
        return
    print(f"\nWhere a Carnet worker spends its time ({total} samples):")
    print("  inclusive (frame and what it calls):")
    for frame, samples in inclusive.most_common(40)[:25]:
        print(f"    {samples / total:6.1%}  {frame}")
    print("  own time:")
    for frame, samples in own.most_common(12):
        print(f"    {samples / total:6.1%}  {frame}")


def measure_floor(folder: Path, env: dict, port: int, urls: list[str], args) -> float:
    """Run the same client against Flask answering Carnet's bytes and doing no work.

    The floor (bench/floor.py) answers the GET with the page as Carnet last
    sent it and the POST with ``303``, storing nothing: what two requests
    through Flask and gunicorn cost this client on this machine.
    """
    pages = {}
    for url in urls:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", url)
        pages[url] = ("text/html", connection.getresponse().read())
        connection.close()
    with gunicorn_process(
        floor_env(env, folder, pages),
        folder / "floor.log",
        args.workers,
        "bench.floor:app",
    ) as (_process, floor_port):
        return load(carnet_client, floor_port, urls, args.seconds, args.clients)


def main() -> None:
    """Build a blog, then count the comments each system stores in the same time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--isso", type=Path, default=ROOT / ".bench" / "isso")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--spread", type=int, default=20, help="posts commented")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        env = blog_env(folder, SETTINGS, posts=corpus_of(args.posts))
        sys.path.insert(0, str(ROOT))
        from zoneinfo import ZoneInfo

        from app.content.index import PostIndex

        index = PostIndex(folder / "posts", ZoneInfo("Europe/Paris"))
        urls = [post.url for post in index.visible()[: args.spread]]
        carnet, port = stack.enter_context(
            gunicorn_process(env, folder / "carnet.log", args.workers)
        )
        print(
            f"{args.posts} posts, comments on the {len(urls)} newest, {args.clients}"
            f" clients, gunicorn -w {args.workers}, SQLite, {args.seconds:.0f} s each"
        )
        if args.profile:
            spy = multiprocessing.get_context("fork").Process(
                target=profile,
                args=(worker_pids(carnet.pid), args.seconds - 1, folder),
            )
            spy.start()
        ours = load(carnet_client, port, urls, args.seconds, args.clients)
        if args.profile:
            spy.join()
        print(f"Carnet, GET the page + POST the form: {ours:8.1f} comments/s")
        floor = measure_floor(folder, env, port, urls, args)
        print(f"floor, the same two requests, no work: {floor:8.1f} comments/s")

        # Absolute: Isso runs from the blog's folder (`make bench` passes .bench/isso).
        isso = args.isso.absolute() / "bin" / "gunicorn"
        if not isso.exists():
            print(f"Isso: not measured ({isso} missing; see bench/README.md)")
            return
        isso_port = free_port()
        settings = folder / "isso.cfg"
        settings.write_text(
            ISSO_SETTINGS.format(db=folder / "isso.db", port=isso_port),
            encoding="utf-8",
        )
        isso_command = [str(isso), "-w", str(args.workers)]
        isso_command += ["-b", f"127.0.0.1:{isso_port}", "--preload", "isso.run"]
        stack.enter_context(
            running(
                isso_command,
                {**os.environ, "ISSO_SETTINGS": str(settings)},
                folder / "isso.log",
                isso_port,
                cwd=folder,  # not Carnet's folder: its gunicorn.conf.py is Carnet's
            )
        )
        theirs = load(isso_client, isso_port, urls, args.seconds, args.clients)
        print(f"Isso, POST to /new (JSON):            {theirs:8.1f} comments/s")
        print(f"ratio Carnet / Isso:                   {ours / theirs:8.2f}")


if __name__ == "__main__":
    main()
