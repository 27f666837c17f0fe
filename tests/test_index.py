"""PostIndex: refresh by mtime, scheduled posts, lookups, search."""

import logging
import os
import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import app.content.catalogue as catalogue_module
from app.content.index import PostIndex

PARIS = ZoneInfo("Europe/Paris")


class Clock:
    """A clock tests can move forward."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def posts(tmp_path):
    """Return the posts folder, with a helper to write posts into it."""
    folder = tmp_path / "posts"
    folder.mkdir()
    return folder


_stamp = [1_300_000_000]


def write(folder, name, title, date="2011-10-03 21:40", body="Texte.", **meta):
    """Write a post file with a fresh mtime, so that a refresh sees the change."""
    lines = [f"title: {title}"]
    if date is not None:
        lines.append(f"date: {date}")
    lines += [f"{key}: {value}" for key, value in meta.items()]
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + "\n".join(lines) + "\n---\n" + body, encoding="utf-8")
    _stamp[0] += 10
    os.utime(path, (_stamp[0], _stamp[0]))
    return path


@pytest.fixture
def clock():
    """Return a movable clock set in November 2026."""
    return Clock(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))


def make(posts, clock):
    """Return an index over posts that scans on every refresh."""
    return PostIndex(posts, PARIS, clock=clock, scan_interval=0)


def test_added_edited_and_deleted_files_show_without_rereading_others(
    posts, clock, reads
):
    write(posts, "a.md", "Premier", "2011-01-01 10:00")
    write(posts, "b.md", "Second", "2011-02-01 10:00")
    index = make(posts, clock)
    assert [p.title for p in index.visible()] == ["Second", "Premier"]
    reads.clear()

    write(posts, "c.md", "Troisième", "2011-03-01 10:00")
    write(posts, "a.md", "Premier modifié", "2011-01-01 10:00")
    (posts / "b.md").unlink()
    index.refresh()
    assert sorted(reads) == ["a.md", "c.md"]
    assert [p.title for p in index.visible()] == ["Troisième", "Premier modifié"]

    reads.clear()
    version = index.version
    index.refresh()
    assert reads == []
    assert index.version == version


def test_refresh_scans_at_most_once_per_interval(posts, clock, reads):
    write(posts, "a.md", "Premier")
    index = PostIndex(posts, PARIS, clock=clock, scan_interval=3600)
    write(posts, "b.md", "Second")
    index.refresh()
    assert len(index.visible()) == 1
    index.refresh(force=True)
    assert len(index.visible()) == 2


def test_a_folder_slow_to_list_is_listed_less_often(posts, clock, monkeypatch):
    write(posts, "a.md", "Premier")
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])  # the index's clock
    real_walk = catalogue_module.Catalogue.walk

    def slow_walk(self):
        """List the folder in 0.2 s, as 40,000 files on a slow disk would."""
        now[0] += 0.2
        return real_walk(self)

    monkeypatch.setattr(catalogue_module.Catalogue, "walk", slow_walk)
    index = PostIndex(posts, PARIS, clock=clock, scan_interval=1.0)
    write(posts, "b.md", "Second")
    now[0] += 1.5  # a listing every second would take a fifth of the time
    assert not index.stale()
    index.refresh()
    assert len(index.visible()) == 1
    now[0] += 0.6  # 2 s after the last listing began: 0.2 s is 10 % of it
    assert index.stale()
    index.refresh()
    assert len(index.visible()) == 2


def test_scheduled_post_is_hidden_until_its_date(posts, clock, reads):
    write(posts, "old.md", "Ancien", "2026-01-01 10:00")
    write(posts, "new.md", "Programmé", "2026-11-28 14:30")  # 13:30 UTC
    index = make(posts, clock)
    assert [p.title for p in index.visible()] == ["Ancien"]
    assert index.get(2026, 11, "programme") is None
    version = index.version
    reads.clear()

    clock.now += timedelta(hours=1, minutes=29)
    assert [p.title for p in index.visible()] == ["Ancien"]
    clock.now += timedelta(minutes=1)
    assert [p.title for p in index.visible()] == ["Programmé", "Ancien"]
    assert index.version > version
    assert index.get(2026, 11, "programme").title == "Programmé"
    assert reads == []  # no file was re-read to publish it


def test_drafts_are_hidden_but_listed_in_all_posts(posts, clock):
    write(posts, "d.md", "Brouillon", draft="true")
    write(posts, "p.md", "Publié")
    index = make(posts, clock)
    assert [p.title for p in index.visible()] == ["Publié"]
    assert index.by_url("/2011/10/brouillon.html") is None
    assert {p.title for p in index.all_posts()} == {"Brouillon", "Publié"}


def test_duplicate_url_is_reported_for_both_files_and_first_is_served(
    posts, clock, caplog
):
    write(posts, "a.md", "Même titre", body="Premier fichier")
    write(posts, "b.md", "Même titre", body="Second fichier")
    with caplog.at_level(logging.WARNING, logger="carnet.content"):
        index = make(posts, clock)
        index.refresh(force=True)
    problems = [str(p) for p in index.problems]
    assert len(problems) == 2
    assert problems == [
        "posts/a.md: adresse en double /2011/10/meme-titre.html"
        " (aussi posts/b.md ; celui-ci est servi)",
        "posts/b.md: adresse en double /2011/10/meme-titre.html"
        " (aussi posts/a.md, qui est servi)",
    ]
    assert index.get(2011, 10, "meme-titre").markdown() == "Premier fichier"
    assert len([r for r in caplog.records if "en double" in r.getMessage()]) == 2


def test_broken_file_is_skipped_reported_and_logged_once(posts, clock, caplog):
    write(posts, "ok.md", "Bon")
    (posts / "bad.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="carnet.content"):
        index = make(posts, clock)
        index.refresh(force=True)
        index.refresh(force=True)
    assert [p.title for p in index.visible()] == ["Bon"]
    assert [p.path.name for p in index.problems] == ["bad.md"]
    assert len([r for r in caplog.records if "bad.md" in r.getMessage()]) == 1


def test_problems_logged_at_start_up_are_in_the_site_language(
    make_app, posts_dir, caplog
):
    (posts_dir / "casse.md").write_text("---\ndate: 2011-10-03\n---\nx\n")
    with caplog.at_level(logging.WARNING, logger="carnet.content"):
        make_app(settings={"site": {"locale": "en"}})
    logged = [r.getMessage() for r in caplog.records if "casse.md" in r.getMessage()]
    assert logged == ["posts/casse.md:1: missing title"]


def test_hidden_and_editor_temp_files_are_ignored(posts, clock):
    write(posts, "vrai.md", "Vrai")
    write(posts, ".#vrai.md", "Verrou")
    write(posts, "vrai.md~", "Sauvegarde")
    write(posts, ".cache/x.md", "Caché")
    assert [p.title for p in make(posts, clock).visible()] == ["Vrai"]


def test_alias_leads_to_the_post_and_collision_with_a_url_is_reported(posts, clock):
    write(posts, "a.md", "Nouveau", aliases="[/2011/05/ancienne-adresse.html]")
    write(posts, "b.md", "Autre", aliases="[/2011/10/nouveau.html]")
    index = make(posts, clock)
    assert index.by_alias("/2011/05/ancienne-adresse.html").title == "Nouveau"
    assert index.by_alias("/2011/10/nouveau.html") is None
    assert [p.path.name for p in index.problems] == ["b.md"]


def test_lookups_by_url_id_year_month_and_neighbours(posts, clock):
    write(posts, "a.md", "Un", "2010-12-24 10:00")
    write(posts, "b.md", "Deux", "2011-10-01 10:00")
    write(posts, "c.md", "Trois", "2011-10-20 10:00")
    index = make(posts, clock)
    two = index.by_url("/2011/10/deux.html")
    assert index.by_post_id(two.post_id) is two
    assert [p.title for p in index.by_year(2011)] == ["Trois", "Deux"]
    assert [p.title for p in index.by_month(2010, 12)] == ["Un"]
    assert index.by_month(2009, 1) == ()
    assert index.newer(two).title == "Trois"
    assert index.older(two).title == "Un"
    assert index.newer(index.visible()[0]) is None
    assert index.older(index.visible()[-1]) is None


def test_archive_and_label_counts(posts, clock):
    write(posts, "a.md", "Un", "2010-12-24 10:00", labels="[Réseaux]")
    write(posts, "b.md", "Deux", "2011-10-01 10:00", labels="[musique, Réseaux]")
    write(posts, "c.md", "Trois", "2011-10-20 10:00", labels="[musique]")
    write(posts, "d.md", "Quatre", "2011-03-20 10:00")
    index = make(posts, clock)
    assert index.archive() == [(2011, 3, [(10, 2), (3, 1)]), (2010, 1, [(12, 1)])]
    assert index.labels() == [("musique", 2), ("Réseaux", 2)]
    assert [p.title for p in index.by_label("musique")] == ["Trois", "Deux"]
    assert [p.title for p in index.by_label("reseaux")] == ["Deux", "Un"]
    assert index.by_label("inconnu") == ()


def test_search_ignores_accents_and_case_and_needs_every_word(posts, clock):
    write(posts, "a.md", "Guitare", "2011-01-01 10:00", body="Le monde numérique.")
    write(posts, "b.md", "NUMÉRIQUE", "2011-02-01 10:00", body="Des humains.")
    write(posts, "c.md", "Autre", "2011-03-01 10:00", body="Rien à voir.")
    write(posts, "d.md", "Futur numérique", "2027-01-01 10:00")
    index = make(posts, clock)
    assert [p.title for p in index.search("numerique")] == ["NUMÉRIQUE", "Guitare"]
    assert [p.title for p in index.search("Numér humains")] == ["NUMÉRIQUE"]
    assert index.search("numérique absent") == ()
    assert index.search("  ") == ()


def test_search_finds_words_glued_to_punctuation_or_written_decomposed(posts, clock):
    # The text is cut at whitespace before its words are read (WordFolder):
    # a word inside quotes, brackets or after an apostrophe is still found.
    body = "Souvenirs de l'été, «œuvres» (guitare)\u00a0; cafe\u0301 ½ litre."
    write(posts, "a.md", "Titre", body=body)
    write(posts, "b.md", "Autre", body="Rien à voir.")
    index = make(posts, clock)
    for query in ("ete", "oeuvres", "guitare", "café", "litre", "souvenirs l"):
        assert [p.title for p in index.search(query)] == ["Titre"], query


def test_search_follows_edits(posts, clock):
    write(posts, "a.md", "Titre", body="ancien mot")
    index = make(posts, clock)
    write(posts, "a.md", "Titre", body="nouveau mot")
    index.refresh()
    assert index.search("ancien") == ()
    assert [p.title for p in index.search("nouveau")] == ["Titre"]


def test_pages_are_listed_by_title_and_not_among_posts(posts, clock):
    write(posts, "pages/b.md", "Contact", date=None)
    write(posts, "pages/a.md", "À propos", date=None)
    write(posts, "pages/c.md", "Brouillon", date=None, draft="true")
    write(posts, "post.md", "Article")
    index = make(posts, clock)
    assert [p.title for p in index.pages()] == ["À propos", "Contact"]
    assert index.page("contact").url == "/p/contact.html"
    assert index.page("brouillon") is None
    assert [p.title for p in index.visible()] == ["Article"]


def test_html_render_is_kept_while_the_file_is_unchanged(posts, clock):
    write(posts, "a.md", "Un", body="Texte.")
    write(posts, "b.md", "Deux", body="Autre.")
    index = make(posts, clock)
    first = index.by_url("/2011/10/un.html")
    html = index.renderer.html(first)
    write(posts, "b.md", "Deux", body="Changé.")
    index.refresh()
    assert index.by_url("/2011/10/un.html") is first
    assert index.renderer.html(first) is html
    assert index.renderer.renders == 1


def test_unexpected_read_failure_is_reported_not_raised(posts, clock, monkeypatch):
    write(posts, "ok.md", "Bon")
    write(posts, "boom.md", "Boum")
    real = catalogue_module.read_entry

    def failing(path, *args):
        if path.name == "boom.md":
            raise RecursionError("trop profond")
        return real(path, *args)

    monkeypatch.setattr(catalogue_module, "read_entry", failing)
    index = make(posts, clock)
    assert [p.title for p in index.visible()] == ["Bon"]
    assert "trop profond" in str(index.problems[0])


def test_old_blogger_post_number_finds_the_post(posts, clock):
    write(posts, "a.md", "Importé", blogger_id="tag:blogger.com,1999:blog-1.post-4242")
    index = make(posts, clock)
    post = index.by_post_id("4242")
    assert post.title == "Importé"
    assert index.by_post_id(post.post_id) is post
    assert index.search("importe") == (post,)


def test_readers_do_not_wait_for_a_scan_in_progress(posts, clock, monkeypatch):
    write(posts, "a.md", "Premier", "2011-01-01 10:00")
    index = make(posts, clock)
    write(posts, "b.md", "Second", "2011-02-01 10:00")
    reading, may_finish = threading.Event(), threading.Event()
    real = catalogue_module.read_entry

    def slow_read(path, *args):
        """Hold the scan in the middle of reading b.md until the test lets go."""
        reading.set()
        may_finish.wait(timeout=60)
        return real(path, *args)

    monkeypatch.setattr(catalogue_module, "read_entry", slow_read)
    scanner = threading.Thread(target=index.refresh, kwargs={"force": True})
    scanner.start()
    try:
        assert reading.wait(timeout=60), "the scan never started reading"
        index.refresh()  # returns at once instead of waiting for the scan
        assert [p.title for p in index.visible()] == ["Premier"]
    finally:
        may_finish.set()
        scanner.join(timeout=60)
    assert [p.title for p in index.visible()] == ["Second", "Premier"]


def test_short_search_words_match_whole_words_only(posts, clock):
    write(posts, "a.md", "Le vélo", "2011-01-01 10:00", body="Un tour.")
    write(posts, "b.md", "Lecture", "2011-02-01 10:00", body="Des livres.")
    index = make(posts, clock)
    assert [p.title for p in index.search("le")] == ["Le vélo"]
    assert [p.title for p in index.search("lec")] == ["Lecture"]


def test_files_deleted_between_listing_and_reading_leave_the_site_whole(
    posts, clock, monkeypatch
):
    write(posts, "a.md", "Premier", "2011-01-01 10:00")
    write(posts, "b.md", "Second", "2011-02-01 10:00", body="Un mot: zanzibar.")
    index = make(posts, clock)
    write(
        posts, "b.md", "Second modifié", "2011-02-01 10:00", body="Toujours zanzibar."
    )
    write(posts, "c.md", "Troisième", "2011-03-01 10:00")
    real = catalogue_module.read_entry

    def delete_then_read(path, *args):
        """Once the folder is listed, lose b.md and c.md before they are read."""
        for name in ("b.md", "c.md"):
            (posts / name).unlink(missing_ok=True)
        return real(path, *args)

    monkeypatch.setattr(catalogue_module, "read_entry", delete_then_read)
    index.refresh()
    assert [p.title for p in index.visible()] == ["Premier"]
    assert index.by_url("/2011/02/second.html") is None
    assert index.search("zanzibar") == ()
    assert index.problems == []  # a file that is gone is no error to report
    monkeypatch.undo()
    write(posts, "c.md", "Troisième", "2011-03-01 10:00")
    index.refresh()
    assert [p.title for p in index.visible()] == ["Troisième", "Premier"]


class Listing:
    """What os.scandir returns, with its entries listed before anything else."""

    def __init__(self, entries):
        self.entries = entries

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __iter__(self):
        return iter(self.entries)


def test_files_and_folders_deleted_during_the_walk_are_skipped(
    posts, clock, monkeypatch
):
    write(posts, "a.md", "Premier", "2011-01-01 10:00")
    write(posts, "parti.md", "Parti", "2011-02-01 10:00")
    write(posts, "2012/ailleurs.md", "Ailleurs", "2012-02-01 10:00")
    real_scandir = os.scandir
    deleted = []

    def scandir_then_delete(path):
        """List the folder, then lose parti.md and 2012/ before they are looked at."""
        with real_scandir(path) as listing:
            entries = list(listing)
        if not deleted:  # once: rmtree lists folders too
            deleted.append(path)
            (posts / "parti.md").unlink()
            shutil.rmtree(posts / "2012")
        return Listing(entries)

    monkeypatch.setattr(os, "scandir", scandir_then_delete)
    index = make(posts, clock)
    assert deleted == [str(posts)]
    assert [p.title for p in index.visible()] == ["Premier"]
    assert index.problems == []
