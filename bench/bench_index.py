"""Benchmark the post index on a generated blog: prints figures, asserts nothing.

Usage: .venv/bin/python bench/bench_index.py [N]   (default 10,000 posts)
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.content.index import PostIndex  # noqa: E402

WORDS = (
    "le la les un une des et ou mais donc car ni que qui quoi dont où guitare "
    "musique réseau numérique humain écrire lire blog été hiver œuvre café "
    "ordinateur logiciel libre internet société politique voyage livre film "
    "chanson concert ami famille travail école ville campagne mer montagne "
    "matin soir nuit jour semaine année histoire idée question réponse"
).split()
LABELS = "musique réseaux numérique voyages livres cinéma politique société".split()


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    """Return common words plus invented ones, for a realistic vocabulary."""
    letters = "abcdefghijklmnopqrstuvwxyzéèàç"
    invented = [
        "".join(rng.choices(letters, k=rng.randint(4, 11))) for _ in range(size)
    ]
    return WORDS + invented


def body(rng: random.Random, vocab: list[str]) -> str:
    """Return a Markdown body of about 400 words with a jump break."""
    paragraphs = []
    for _ in range(6):
        # Zipf-like draw: common words often, rare ones seldom.
        chosen = [
            vocab[min(int(rng.paretovariate(1.0)) - 1, len(vocab) - 1)]
            if rng.random() < 0.6
            else rng.choice(vocab)
            for _ in range(65)
        ]
        paragraphs.append(" ".join(chosen).capitalize() + " ?")
    paragraphs.insert(2, "<!--more-->")
    paragraphs.append("```python\nprint('bonjour')\n```")
    return "\n\n".join(paragraphs) + "\n"


def generate(folder: Path, count: int) -> None:
    """Write count posts spread over 15 years into folder."""
    rng = random.Random(42)
    vocab = vocabulary(rng)
    for n in range(count):
        year, month, day = 2008 + n % 15, 1 + n % 12, 1 + n % 28
        labels = ", ".join(rng.sample(LABELS, 2))
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(vocab)} numéro {n}"
        text = (
            f"---\ntitle: {title}\ndate: {year}-{month:02d}-{day:02d} 10:{n % 60:02d}\n"
            f"labels: [{labels}]\n---\n{body(rng, vocab)}"
        )
        path = folder / str(year) / f"post-{n:05d}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")


def timed(label: str, action, repeat: int = 1):
    """Run action repeat times and print the mean duration."""
    start = time.perf_counter()
    for _ in range(repeat):
        result = action()
    elapsed = (time.perf_counter() - start) / repeat
    if elapsed < 0.001:
        print(f"{label:<44} {elapsed * 1e6:10.2f} µs")
    else:
        print(f"{label:<44} {elapsed * 1000:10.2f} ms")
    return result


def main() -> None:
    """Generate the blog, then measure the index."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    tz = ZoneInfo("Europe/Paris")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "posts"
        folder.mkdir()
        start = time.perf_counter()
        generate(folder, count)
        print(f"{count} posts generated in {time.perf_counter() - start:.1f} s")

        saved = Path(tmp) / "post-index.cache"
        index = timed(
            "cold index build (and saving it)",
            lambda: PostIndex(folder, tz, saved=saved),
        )
        print(f"{'  saved index file':<44} {saved.stat().st_size / 2**20:7.1f} MiB")
        timed(
            "restart: index loaded, nothing re-read",
            lambda: PostIndex(folder, tz, saved=saved),
        )
        # Memory is measured on a third build: tracemalloc slows everything.
        del index
        tracemalloc.start()
        index = PostIndex(folder, tz)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{'index memory (tracemalloc, current/peak)':<44} "
            f"{current / 2**20:7.1f} / {peak / 2**20:.1f} MiB"
        )
        print(
            f"{'visible posts / search vocabulary':<44} "
            f"{len(index.visible()):10d} / {len(index._catalogue.postings)} words"
        )

        timed("no-change refresh (mtime scan)", lambda: index.refresh(force=True), 5)
        victim = folder / "2010" / "post-00002.md"

        def touch_and_refresh() -> None:
            victim.write_text(
                victim.read_text(encoding="utf-8") + "\nAjout.\n", encoding="utf-8"
            )
            index.refresh(force=True)

        timed("refresh after editing 1 file", touch_and_refresh, 3)
        timed("throttled refresh (no scan due)", index.refresh, 1000)
        timed(
            "search 'numerique' (first: sorts vocabulary)",
            lambda: index.search("numerique"),
        )
        hits = timed(
            "search 'guitare musique'", lambda: index.search("guitare musique"), 20
        )
        print(f"{'  hits':<44} {len(hits):10d}")
        timed(
            "search 'humain ecrire soir'",
            lambda: index.search("humain ecrire soir"),
            20,
        )
        timed("get(year, month, slug)", lambda: index.get(2011, 4, "x"), 10000)
        timed("by_label('musique')", lambda: index.by_label("musique"), 10000)
        post = index.visible()[len(index.visible()) // 2]
        render = index.renderer.html
        timed("html of one post, first render", lambda: render(post))
        timed("html of one post, kept", lambda: render(post), 1000)
        print(f"os.cpu_count() = {os.cpu_count()}")


if __name__ == "__main__":
    main()
