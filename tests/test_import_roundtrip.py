"""The round-trip check: Markdown that would change what readers see stays HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from importing import SAMPLE

from app.importers.prepare import prepare
from app.importers.roundtrip import convert_checked, convert_post, differences
from app.importers.source import read_export

DATA = Path(__file__).parent / "data" / "blogger"
FIXTURES = [
    DATA / "feed.atom",
    DATA / "blog-habits.xml",
    DATA / "takeout",
    pytest.param(
        SAMPLE,
        marks=pytest.mark.skipif(not SAMPLE.exists(), reason="shared sample missing"),
    ),
]


@pytest.mark.parametrize(
    ("source", "markdown", "aspect"),
    [
        ("<p>Un chat</p>", "Un chien\n", "text"),
        ("a<br>b", "a b\n", "lines"),
        ('<a href="http://x.org/a">x</a>', "[x](http://x.org/b)\n", "links"),
        ('<img src="http://x.org/a.jpg">', "![](http://x.org/b.jpg)\n", "images"),
        (
            '<a href="#n">n</a><p id="n">note</p>',
            "[n](#n)\n\nnote\n",
            "anchors",
        ),
        ("<ol><li>a</li></ol><ol><li>b</li></ol>", "1. a\n\n1. b\n", "items"),
        (
            "<table><tr><th>a</th><th>b</th></tr></table>",
            "| ab |\n| --- |\n",
            "cells",
        ),
        ("<pre>a  b</pre>", "```\na b\n```\n", "code"),
    ],
)
def test_check_notices_each_kind_of_change(app, source, markdown, aspect):
    """Every aspect the issue lists is compared: a change there is found."""
    with app.app_context():
        assert aspect in differences(prepare(source), markdown, "fr")


def test_check_accepts_markdown_that_shows_the_same(app):
    """Typography, paragraphs for <br><br> and list markup are not differences."""
    source = "Bonjour : ça va ?<br><br><ul><li>un</li><li>deux</li></ul>"
    markdown = "Bonjour : ça va ?\n\n- un\n- deux\n"
    with app.app_context():
        assert differences(prepare(source), markdown, "fr") == ()


def test_block_markdown_would_change_is_kept_as_html_and_counted(app):
    """A <pre> with tabs (Markdown turns them into spaces) stays HTML, alone."""
    source = "<p>Avant <b>gras</b>.</p><pre>def f():\n\treturn 1</pre><p>Après.</p>"
    with app.app_context():
        conversion = convert_post(source)
    assert conversion.kept_blocks == 1 and not conversion.whole
    assert conversion.differences == ("code",)
    assert "Avant **gras**." in conversion.markdown  # the rest is Markdown
    assert "<pre>def f():\n&#9;return 1</pre>" in conversion.markdown


def test_entry_that_cannot_round_trip_block_by_block_is_kept_whole(app, monkeypatch):
    """When the blocks pass alone but not together, the whole entry stays HTML."""
    from app.importers import roundtrip

    source = prepare('<p>Un <a href="http://x.org">lien</a>.</p><p>Deux.</p>')
    real = roundtrip.differences

    def stubborn(tree, markdown, language):
        """Pass block by block, fail as a whole (as a cross-block change would)."""
        return ("links",) if tree is source else real(tree, markdown, language)

    monkeypatch.setattr(roundtrip, "differences", stubborn)
    with app.app_context():
        conversion = convert_checked(source, "fr")
    assert conversion.whole and conversion.differences == ("links",)
    assert conversion.markdown == (
        '<p>Un <a href="http://x.org">lien</a>.</p>\n\n<p>Deux.</p>\n'
    )


def test_jump_break_stays_a_break_when_the_whole_entry_is_kept(app, monkeypatch):
    """An entry kept whole as HTML still splits at its jump break."""
    from app.content.markdown import split_more
    from app.importers import roundtrip

    monkeypatch.setattr(roundtrip, "differences", lambda s, m, lang: ("text",))
    with app.app_context():
        conversion = convert_post("<p>Début.</p><!--more--><p>Suite.</p>")
    teaser, rest = split_more(conversion.markdown)
    assert teaser.strip() == "<p>Début.</p>" and rest.strip() == "<p>Suite.</p>"


def _entries(path: Path):
    """Return the posts and pages of an export, read as the importer reads them."""
    export = read_export(path)
    return [e for e in export.entries if e.kind in ("post", "page")]


@pytest.mark.parametrize("path", FIXTURES)
def test_every_entry_of_every_fixture_round_trips(app, path):
    """The written Markdown of each fixture post renders as its Blogger HTML."""
    with app.app_context():
        entries = _entries(path)
        assert entries
        for entry in entries:
            prepared = prepare(entry.html)
            conversion = convert_checked(prepared, "fr")
            assert differences(prepared, conversion.markdown, "fr") == (), (
                entry.blogger_id
            )
