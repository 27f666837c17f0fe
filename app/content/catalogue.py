"""The catalogue of the posts folder: what each file holds, and the search postings.

Files are read when they are new or their (mtime, size) changed, and only
then. Each file version read gets a search number (app.content.search); the
text itself is not kept.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from array import array
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from zoneinfo import ZoneInfo

from app.content.plain import Plain, from_plain, to_plain
from app.content.post import Post, plain_text
from app.content.problems import N_, PostError, PostReadError
from app.content.reader import read_entry
from app.content.search import (
    Postings,
    WordFolder,
    add_versions,
    compact,
    postings_from_bytes,
)

log = logging.getLogger("carnet.content")

Key = tuple[int, int]  # (mtime_ns, size): a file's version
Value = Post | PostError
# Compact the postings when dead numbers are more than this share of all.
DEAD_SHARE = 0.25
# Read in several processes when at least this many files are new (a first
# start): reading and wording 10,000 posts is CPU work that splits well.
PARALLEL_MIN = 2000


def skipped(name: str) -> bool:
    """Tell whether a file or folder name is hidden or an editor's temp file."""
    return name.startswith((".", "#")) or name.endswith("~")


class Catalogue:
    """Every *.md file of a folder: its version and what it holds."""

    def __init__(
        self,
        posts_dir: Path,
        tz: ZoneInfo,
        language: str,
        max_bytes: int | None,
        describe: Callable[[PostError], str],
    ) -> None:
        """Catalogue ``posts_dir``; nothing is read until :meth:`scan`."""
        self.posts_dir = posts_dir
        self.tz = tz
        self.language = language
        self.max_bytes = max_bytes
        self.describe = describe
        self.entries: dict[str, tuple[Key, Value]] = {}
        self.numbers: dict[str, int] = {}  # path -> search number of its version
        self.postings: Postings = {}
        self.next_number = 0
        self.dead = 0  # numbers in the postings that no current file holds
        self.reads = 0  # files read since start (a restart should read few)
        self.walk_seconds = 0.0  # how long the last listing of the folder took
        self.parallel_min = PARALLEL_MIN
        self._folder = WordFolder()

    def walk(self) -> dict[str, Key]:
        """Return the version of every *.md file under the posts folder."""
        found: dict[str, Key] = {}
        stack = [str(self.posts_dir)]
        while stack:
            try:
                entries = os.scandir(stack.pop())
            except OSError:
                continue  # a folder removed while we walk, or no posts/ yet
            with entries:
                for entry in entries:
                    if skipped(entry.name):
                        continue
                    try:
                        if entry.is_dir():
                            stack.append(entry.path)
                        elif entry.name.endswith(".md") and entry.is_file():
                            stat = entry.stat()
                            found[entry.path] = (stat.st_mtime_ns, stat.st_size)
                    except OSError:
                        continue  # deleted between listing and stat
        return found

    def scan(self) -> dict[str, Value | None]:
        """Read new and changed files, forget deleted ones.

        Return what each changed path held before (None for a new file).
        """
        started = time.monotonic()
        found = self.walk()
        self.walk_seconds = time.monotonic() - started
        entries = self.entries
        gone = [path for path in entries if path not in found]
        fresh = [
            path for path, key in found.items() if entries.get(path, (None,))[0] != key
        ]
        before: dict[str, Value | None] = {
            path: entries[path][1] if path in entries else None
            for path in (*gone, *fresh)
        }
        for path in gone:
            del entries[path]
            self._retire(path)
        for path in fresh:
            self._retire(path)
        processes = min(os.cpu_count() or 1, 8)
        if len(fresh) >= self.parallel_min and processes > 1:
            self._read_in_parallel(fresh, found, processes)
        else:
            self._read_here(fresh, found)
        self._compact_if_worth_it()
        return before

    def _read_here(self, fresh: list[str], found: dict[str, Key]) -> None:
        """Read the new and changed files in this process."""
        additions: list[tuple[int, set[str]]] = []
        for path in fresh:
            value, tokens = self._read(path, found[path])
            if value is None:
                self.entries.pop(path, None)  # vanished: next scan decides
                continue
            self._report(value)
            if tokens is not None:
                additions.append((self._number(path), tokens))
        self.postings = add_versions(self.postings, additions)

    def _read_in_parallel(
        self, fresh: list[str], found: dict[str, Key], processes: int
    ) -> None:
        """Read the files in forked processes; merge what they found, in order.

        Each file's search number is fixed beforehand (its place in ``fresh``),
        so the chunks' postings join end to end, still sorted.
        """
        base = self.next_number
        self.next_number += len(fresh)
        size = -(-len(fresh) // processes)
        chunks = [
            [(base + i, path, found[path]) for i, path in enumerate(fresh)][
                start : start + size
            ]
            for start in range(0, len(fresh), size)
        ]
        global _FORKED_FROM
        _FORKED_FROM = self  # the children inherit it: nothing big is pickled
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(len(chunks), mp_context=context) as pool:
                results = list(pool.map(_read_chunk_in_child, chunks))
        finally:
            _FORKED_FROM = None
        for path in fresh:
            self.entries.pop(path, None)  # a file gone meanwhile stays gone
        merged: dict[str, list[bytes]] = {}
        for entries, numbers, postings in results:
            for path, key, plain in entries:
                value = from_plain(path, plain, self.tz, self.posts_dir)
                self.entries[path] = (key, value)
                # Logged here rather than in the child: this process then knows
                # what it said (`flask check` prints each problem once).
                self._report(value)
            self.numbers.update(numbers)
            for word, raw in postings.items():
                merged.setdefault(word, []).append(raw)
        self.reads += len(fresh)
        updated = dict(self.postings)
        for word, parts in merged.items():
            current = updated.get(word)
            joined = array("I", current or ())
            for raw in parts:
                joined.extend(postings_from_bytes(raw))
            updated[word] = joined
        self.postings = updated

    def read_chunk(
        self, chunk: list[tuple[int, str, Key]]
    ) -> tuple[list[tuple[str, Key, Plain]], dict[str, int], dict[str, bytes]]:
        """Read a chunk of files (in a forked process): entries, numbers, postings."""
        entries, numbers, postings = [], {}, {}
        for number, path, key in chunk:
            value, tokens = self._read(path, key)
            if value is None:
                continue
            entries.append((path, key, to_plain(value)))
            if tokens is not None:
                numbers[path] = number
                for token in tokens:
                    postings.setdefault(token, array("I")).append(number)
        return entries, numbers, {w: n.tobytes() for w, n in postings.items()}

    def _read(self, path: str, key: Key) -> tuple[Value | None, set[str] | None]:
        """Read one file into its entry; return what it holds and its words.

        None for what it holds when the file vanished; None for the words
        when it is not searched (a draft, a page, a problem).
        """
        self.reads += 1
        tokens = None
        try:
            post, text = read_entry(
                Path(path), self.posts_dir, self.tz, self.language, self.max_bytes
            )
        except PostReadError as exc:
            value: Value = exc.error
        except FileNotFoundError:
            return None, None
        except Exception as exc:  # noqa: BLE001 - one file never stops the site
            value = PostError(
                Path(path),
                None,
                N_("illisible (%(kind)s : %(error)s)"),
                {"kind": exc.__class__.__name__, "error": str(exc)},
                root=self.posts_dir.parent,
            )
        else:
            value = post
            if not post.draft and not post.is_page:
                tokens = self._folder.tokens(f"{post.title}\n{plain_text(text)}")
        self.entries[path] = (key, value)
        return value, tokens

    def _report(self, value: Value) -> None:
        """Log a file's problem: once per file version read, in the site's language."""
        if isinstance(value, PostError):
            log.warning("%s", self.describe(value))

    def _number(self, path: str) -> int:
        """Give a file's new version the next search number."""
        number = self.next_number
        self.next_number += 1
        self.numbers[path] = number
        return number

    def _retire(self, path: str) -> None:
        """Forget the search number of a file's old version (it becomes dead)."""
        if self.numbers.pop(path, None) is not None:
            self.dead += 1

    def _compact_if_worth_it(self) -> None:
        """Drop the numbers of old versions once they weigh enough."""
        everything = self.dead + len(self.numbers)
        if self.dead > 1000 and self.dead > DEAD_SHARE * everything:
            self.postings = compact(self.postings, set(self.numbers.values()))
            self.dead = 0


# The catalogue whose first read is split between forked processes.
_FORKED_FROM: Catalogue | None = None


def _read_chunk_in_child(chunk: list[tuple[int, str, Key]]) -> tuple:
    """Read one chunk of files in a forked process (see Catalogue.read_chunk)."""
    assert _FORKED_FROM is not None
    return _FORKED_FROM.read_chunk(chunk)
