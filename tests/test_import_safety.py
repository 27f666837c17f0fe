"""What an attack run found: odd slugs and dates, duplicate and foreign ids, size."""

from __future__ import annotations

from importing import backup, by_blogger_id, comments, entry, run_import


def test_unsafe_slugs_get_safe_names_and_keep_their_old_address(
    app, client, posts_dir, tmp_path
):
    """ ".", "..", ".hidden" and "": never a hidden file; the old URL still answers."""
    export = backup(
        tmp_path,
        entry("post", "1", title="Point", href="http://b.blogspot.com/2011/10/..html"),
        entry("post", "2", title="Deux", href="http://b.blogspot.com/2011/10/...html"),
        entry(
            "post",
            "3",
            title="Caché",
            href="http://b.blogspot.com/2011/10/.hidden.html",
        ),
        entry("post", "4", title="Vide", href="http://b.blogspot.com/2011/10/.html"),
        entry(
            "post", "5", title="Barre", href="http://b.blogspot.com/2011/10/a%2Fb.html"
        ),
    )
    result = run_import(app, export)
    assert result.exit_code == 0, result.output
    assert "5 article(s)" in result.output
    written = sorted(p.name for p in (posts_dir / "2011" / "10").iterdir())
    assert not [name for name in written if name.startswith(".")]
    assert "hidden.md" in written and "a-b.md" in written
    for url in ("/2011/10/hidden.html", "/2011/10/vide.html", "/2011/10/point.html"):
        assert client.get(url).status_code == 200, url
    old = client.get("/2011/10/.hidden.html")
    assert old.status_code == 301 and old.headers["Location"].endswith("/hidden.html")
    text = (posts_dir / "2011" / "10" / "a-b.md").read_text(encoding="utf-8")
    assert "aliases: [/2011/10/a/b.html]" in text


def test_dates_outside_1900_to_2100_are_refused_with_a_line(app, posts_dir, tmp_path):
    """Year 1 or 2150: a line in the report, no file the site could not read."""
    export = backup(
        tmp_path,
        entry("post", "1", title="An un", published="0001-01-01T00:00:00.000Z"),
        entry("post", "2", title="Futur", published="2150-06-01T00:00:00.000Z"),
        entry("post", "3", title="Normal"),
    )
    before = {p.name for p in posts_dir.rglob("*")}
    result = run_import(app, export)
    assert "Écartés (date hors de 1900–2100) : 2." in result.output
    assert "date hors de 1900–2100 : An un (1)" in result.output
    new = {p.name for p in posts_dir.rglob("*")} - before
    assert new == {"10", "normal.md"}


def test_duplicate_ids_are_reported_once_and_stored_once(app, posts_dir, tmp_path):
    """Two posts or two comments with one id: the first is kept, the other named."""
    export = backup(
        tmp_path,
        entry("post", "1", title="Premier"),
        entry("post", "1", title="Doublon"),
        entry("comment", "9", on="1", body="Un."),
        entry("comment", "9", on="1", body="Encore un."),
    )
    result = run_import(app, export)
    assert "1 article(s) et 0 page(s), dont 0 brouillon(s) ; 1 commentaire(s)." in (
        result.output
    )
    assert "Écartés (entrée en double) : 2." in result.output
    assert not (posts_dir / "2011" / "10" / "doublon.md").exists()
    assert [c.body for c in comments(app)] == ["Un."]


def test_ids_are_compared_whole_so_another_blog_is_not_already_there(app, tmp_path):
    """Blog 88's comment 9 is not blog 77's comment 9: both are imported."""
    first = backup(
        tmp_path,
        entry("post", "1", title="Chez 77"),
        entry("comment", "9", on="1", body="Sur 77."),
    )
    other = backup(
        tmp_path,
        entry("post", "1", blog="88", title="Chez 88"),
        entry("comment", "9", blog="88", on="1", body="Sur 88."),
        blog="88",
    )
    assert run_import(app, first).exit_code == 0
    result = run_import(app, other)
    assert "1 article(s) et 0 page(s), dont 0 brouillon(s) ; 1 commentaire(s)." in (
        result.output
    )
    assert sorted(c.body for c in comments(app)) == ["Sur 77.", "Sur 88."]
    again = run_import(app, first)
    assert "Déjà présents (inchangés) : 2." in again.output


def test_post_above_max_post_bytes_is_reported_and_skipped(
    make_app, posts_dir, tmp_path
):
    """A post the site would refuse is not written; its comments have no post."""
    app = make_app(settings={"site": {"max_post_bytes": 5000}})
    export = backup(
        tmp_path,
        entry("post", "1", title="Énorme", body="<p>" + "mot " * 3000 + "</p>"),
        entry("post", "2", title="Petit"),
        entry("comment", "9", on="1", body="Sur l'énorme."),
    )
    result = run_import(app, export)
    assert "Écartés (article trop gros) : 1." in result.output
    assert "plus que max_post_bytes (5000)" in result.output
    assert not (posts_dir / "2011" / "10" / "enorme.md").exists()
    assert (posts_dir / "2011" / "10" / "petit.md").exists()
    assert "Écartés (commentaire sur un article non importé) : 1." in result.output
    assert by_blogger_id(app) == {}
