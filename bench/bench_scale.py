"""How start-up time and memory grow with the number of posts, and Pelican beside it.

Usage: .venv/bin/python bench/bench_scale.py [--sizes 0,1000,10000] [--huge]
       [--pelican .bench/pelican]

For each size: gunicorn (2 workers, the repository's gunicorn.conf.py, so
the application is preloaded in the master) started with no post index kept
(cold) and again with it (restart); the time from the start to the first
200 on ``/``; then each worker's RSS (what ``ps`` shows) and PSS (its fair
share of pages shared with the master and the other worker, from
/proc/<pid>/smaps_rollup). Size 0 is the fixed cost every size pays
(Python, Flask, SQLAlchemy, gunicorn's fork). --huge adds 100,000 posts.
With --pelican (a virtual environment holding Pelican), Pelican builds the
same posts in the same run. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

sys.path.insert(0, str(ROOT / "tests"))

from bench_http import corpus_of, floor_env  # noqa: E402
from helpers import free_port  # noqa: E402
from servers import blog_env  # noqa: E402


def memory(pid: int) -> tuple[float, float]:
    """Return (RSS, PSS) of a process in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            values[name] = int(rest.split()[0]) / 1024
    return values["Rss"], values["Pss"]


def start(
    env: dict, log: Path, app: str = "wsgi:app"
) -> tuple[subprocess.Popen, float, int]:
    """Start gunicorn; return it, the seconds to the first 200 on /, its port."""
    port = free_port()
    started = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", app],
            cwd=ROOT,
            env={**env, "CARNET_BIND": f"127.0.0.1:{port}", "CARNET_WORKERS": "2"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    while True:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120):
                return process, time.perf_counter() - started, port
        except OSError:
            time.sleep(0.02)


def workers_of(master: int) -> list[int]:
    """Return the pids of a gunicorn master's workers."""
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in path.read_text().split()]


def measure(env: dict, folder: Path, label: str) -> str:
    """Start, warm both workers a little, read their memory, stop; return a row."""
    process, took, port = start(env, folder / f"gunicorn-{label}.log")
    try:
        for path in ("/", "/search?q=potiron", "/feeds/posts/default") * 4:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120).read()
        rows = [memory(pid) for pid in workers_of(process.pid)]
        master = memory(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    rss = max(r for r, _ in rows)
    pss = max(p for _, p in rows)
    return (
        f"{label:8} {took:7.2f} s   worker RSS {rss:6.0f} MiB   PSS {pss:6.0f} MiB"
        f"   (master RSS {master[0]:.0f} MiB)"
    )


# The third-party modules a process serving Carnet has loaded (Alembic is not
# among them: app.schema loads it for `flask db` only).
STACK_PROBE = """
import sys, wsgi
print("\\n".join(sorted(
    name for name, module in sys.modules.items()
    if getattr(module, "__name__", None) == name  # not an alias
    and name.split(".")[0] not in sys.stdlib_module_names
    and name.split(".")[0] not in ("app", "wsgi")
    and not name.startswith("_") and name != "cython_runtime"
)))
"""


def floor_starts(env: dict, folder: Path) -> list[str]:
    """Time gunicorn starting the floor: Flask alone, then with Carnet's imports.

    The floor (bench/floor.py) answers ``/`` with saved bytes and does
    nothing else, under the same gunicorn.conf.py: what any start costs
    before Carnet does anything of its own.
    """
    modules = subprocess.run(
        [sys.executable, "-c", STACK_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    (folder / "stack.txt").write_text(modules, encoding="utf-8")
    rows = []
    for label, extra in (
        ("Flask", {}),
        ("+ stack", {"FLOOR_IMPORTS": str(folder / "stack.txt")}),
    ):
        served = {**floor_env(env, folder, {"/": ("text/html", b"floor")}), **extra}
        process, took, _port = start(served, folder / "floor.log", "bench.floor:app")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        rows.append(f"{label:8} {took:7.2f} s")
    count = len(modules.split())
    rows[-1] += f"   ({count} modules Carnet imports, none of its own code)"
    return rows


def pelican_build(venv: Path, posts: Path, folder: Path) -> float | None:
    """Build the same posts with Pelican; return the seconds it took."""
    pelican = venv / "bin" / "pelican"
    if not pelican.exists():
        return None
    content = folder / "pelican-content"
    for source in posts.rglob("*.md"):
        text = source.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = dict(line.split(": ", 1) for line in front.strip().splitlines())
        tags = meta["labels"].strip("[]")
        target = content / source.relative_to(posts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f"Title: {meta['title']}\nDate: {meta['date']}\nTags: {tags}\n\n{body}",
            encoding="utf-8",
        )
    (folder / "pelicanconf.py").write_text(
        "SITENAME = 'Bench'\nTIMEZONE = 'Europe/Paris'\nDEFAULT_LANG = 'fr'\n"
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    subprocess.run(
        [
            str(pelican),
            str(content),
            "-o",
            str(folder / "pelican-out"),
            "-s",
            str(folder / "pelicanconf.py"),
            "-q",
        ],
        check=True,
        timeout=3600,
    )
    return time.perf_counter() - started


def main() -> None:
    """Measure cold start, restart and memory at each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,1000,10000")
    parser.add_argument("--huge", action="store_true", help="also 100,000 posts")
    parser.add_argument("--pelican", type=Path, default=ROOT / ".bench" / "pelican")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    # As `make run` does: the start loads bytecode, it does not compile.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "app", "wsgi.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    if args.huge:
        sizes.append(100_000)
    print(f"cpu: {os.cpu_count()}  ({re.sub(r'  +', ' ', _cpu_name())})")
    with tempfile.TemporaryDirectory() as tmp:
        env = blog_env(Path(tmp), posts=corpus_of(0))
        print("\nthe floor: gunicorn starting bench/floor.py, to the first 200 on /")
        for row in floor_starts(env, Path(tmp)):
            print(row)
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            env = blog_env(folder, posts=corpus_of(size))
            instance = Path(env["BLOG_INSTANCE_DIR"])
            # Migrating the database made an app, which kept its index: cold
            # means without it.
            for kept in instance.glob("post-index-*.cache"):
                kept.unlink()
            print(
                f"\n{size} posts"
                + (" (the fixed cost: Python, Flask…)" if not size else "")
            )
            print(measure(env, folder, "cold"))
            print(measure(env, folder, "restart"))
            for kept in instance.glob("post-index-*.cache"):
                print(f"{'':8} index file {kept.stat().st_size / 2**20:.1f} MiB")
            # Pelican on 100,000 posts ran past 7 minutes here: not in the run.
            took = 0 < size <= 10_000 and pelican_build(
                args.pelican, folder / "posts", folder
            )
            if took:
                print(f"{'Pelican':8} {took:7.2f} s to build the same posts")


def _cpu_name() -> str:
    """Return the CPU model, for the report."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


if __name__ == "__main__":
    main()
