"""The post index kept on disk: a restart reads only what changed, trusts nothing."""

from __future__ import annotations

import logging
import os
import pickle
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.content import store
from app.content.index import PostIndex

PARIS = ZoneInfo("Europe/Paris")
CLOCK = lambda: datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # noqa: E731


def write(folder, name, title, date="2011-10-03 21:40", body="Texte.", stamp=None):
    """Write a post file (with a given mtime, so that changes are seen)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n{body}\n", "utf-8")
    if stamp is not None:
        os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def posts(tmp_path):
    """Return a posts folder holding 30 posts."""
    folder = tmp_path / "posts"
    for n in range(30):
        write(
            folder,
            f"{n:02d}.md",
            f"Billet {n}",
            f"2011-10-{n % 28 + 1:02d} 10:00",
            body=f"Un mot rare: zèbre{n}.",
            stamp=1_300_000_000 + n,
        )
    return folder


def make(posts, saved, **options):
    """Return an index over ``posts`` kept in ``saved``."""
    return PostIndex(posts, PARIS, clock=CLOCK, scan_interval=0, saved=saved, **options)


def test_a_restart_reads_only_the_files_that_changed(posts, tmp_path, reads):
    saved = tmp_path / "index.cache"
    first = make(posts, saved)
    assert len(reads) == 30 and saved.exists()
    reads.clear()
    write(
        posts,
        "05.md",
        "Billet cinq modifié",
        body="Nouveau mot: girafe.",
        stamp=1_400_000_000,
    )
    write(posts, "new.md", "Tout nouveau", "2011-11-01 10:00", stamp=1_400_000_001)
    (posts / "07.md").unlink()
    again = make(posts, saved)
    assert sorted(reads) == ["05.md", "new.md"]
    assert len(again.visible()) == 30
    assert again.by_url("/2011/10/billet-7.html") is None
    assert [p.title for p in again.search("girafe")] == ["Billet cinq modifié"]
    assert again.search("zèbre5") == ()  # its old words are gone
    assert [p.title for p in again.search("zèbre12")] == ["Billet 12"]
    # What the restarted index answers is what a cold one answers.
    cold = make(posts, None)
    for mine, theirs in zip(again.visible(), cold.visible(), strict=True):
        assert (mine.url, mine.title, mine.date, mine.labels) == (
            theirs.url,
            theirs.title,
            theirs.date,
            theirs.labels,
        )
    assert first.version == 1


def test_a_second_restart_with_nothing_changed_reads_nothing(posts, tmp_path, reads):
    saved = tmp_path / "index.cache"
    make(posts, saved)
    reads.clear()
    index = make(posts, saved)
    assert reads == [] and index.reads == 0
    assert [p.title for p in index.search("zèbre3")] == ["Billet 3"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # cut short
        lambda raw: raw[:-10] + b"0123456789",  # bytes changed
        lambda raw: b"not an index at all",
        lambda raw: b"",
        lambda raw: raw.replace(b'"format": 1', b'"format": 0'),  # an older format
    ],
)
def test_a_damaged_or_old_cache_file_is_rebuilt_from_the_posts(
    posts, tmp_path, reads, damage
):
    saved = tmp_path / "index.cache"
    make(posts, saved)
    saved.write_bytes(damage(saved.read_bytes()))
    reads.clear()
    index = make(posts, saved)
    assert len(reads) == 30
    assert len(index.visible()) == 30
    reads.clear()
    make(posts, saved)  # the rebuilt file is good again
    assert reads == []


def test_a_cache_file_holding_code_is_refused_not_run(posts, tmp_path, reads):
    saved = tmp_path / "index.cache"
    index = make(posts, saved)
    raw = saved.read_bytes()
    magic, head, _, _ = raw.split(b"\n", 3)

    class Boom:
        def __reduce__(self):
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    payload = pickle.dumps({"posts": Boom()})
    digest = store.hashlib.sha256(head + payload).hexdigest().encode()
    saved.write_bytes(b"\n".join((magic, head, digest, payload)))
    reads.clear()
    again = make(posts, saved)
    assert not (tmp_path / "pwned").exists()
    assert len(reads) == 30 and len(again.visible()) == len(index.visible())


def test_a_cache_file_of_another_folder_or_timezone_is_not_used(posts, tmp_path, reads):
    saved = tmp_path / "index.cache"
    make(posts, saved)
    reads.clear()
    PostIndex(posts, ZoneInfo("America/Montreal"), clock=CLOCK, saved=saved)
    assert len(reads) == 30


def test_a_file_over_the_size_limit_is_refused_unread(posts, monkeypatch):
    big = write(posts, "gros.md", "Énorme", body="mot " * 3000)
    opened = []
    real = type(big).read_bytes

    def reading(path):
        opened.append(path.name)
        return real(path)

    monkeypatch.setattr(type(big), "read_bytes", reading)
    index = make(posts, None, max_bytes=5000)
    assert "gros.md" not in opened and "01.md" in opened
    [problem] = index.problems
    assert problem.path == big
    assert "trop gros" in str(problem) and "max_post_bytes" in str(problem)
    assert len(index.visible()) == 30


def test_search_stays_right_through_many_edits(posts, tmp_path):
    index = make(posts, tmp_path / "index.cache")
    for round_ in range(80):  # over 1,000 dead versions: the postings get compacted
        for n in range(0, 30, 2):
            write(
                posts,
                f"{n:02d}.md",
                f"Billet {n}",
                f"2011-10-{n % 28 + 1:02d} 10:00",
                body=f"Version {round_}: tapir{round_}x{n}.",
                stamp=1_500_000_000 + round_ * 100 + n,
            )
        index.refresh()
    assert [p.title for p in index.search("tapir79x4")] == ["Billet 4"]
    assert index.search("tapir78x4") == ()
    assert index.search("zèbre4") == ()
    assert [p.title for p in index.search("zèbre5")] == ["Billet 5"]


def test_a_first_read_split_between_processes_finds_what_one_process_finds(
    posts, monkeypatch
):
    write(posts, "draft.md", "Brouillon", body="Brouillon zèbre99.")
    (posts / "broken.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    alone = make(posts, None, parallel_min=10**9)
    forks = []
    real_fork = os.fork

    def counting_fork():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counting_fork)
    split = make(posts, None, parallel_min=5)  # 32 files: split between processes
    monkeypatch.undo()
    assert forks  # it did fork
    assert [p.url for p in split.visible()] == [p.url for p in alone.visible()]
    assert [str(p) for p in split.problems] == [str(p) for p in alone.problems]
    for word in ("zèbre7", "zèbre", "billet", "zèbre99", "rare"):
        assert split.search(word) == alone.search(word), word


def test_a_problem_found_by_the_processes_reading_is_logged_by_this_one(posts, caplog):
    # The children's lines would reach their own copy of the log handlers, not
    # this process's: `flask check` could not tell what was printed.
    (posts / "broken.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="carnet.content"):
        make(posts, None, parallel_min=5)
    logged = [r.getMessage() for r in caplog.records if "broken.md" in r.getMessage()]
    assert len(logged) == 1
