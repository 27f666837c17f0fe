"""Text hygiene (issue 11, finding 1): what comes in is normalised, feeds never break.

An author name holding a control character (``author=Bob%1B``) used to make
both comment feeds answer 500 for everyone once the comment was approved:
lxml refuses what XML 1.0 forbids. Text is now cleaned where it comes in
(the comment form, the Blogger import, ``import-comments``, moderator names
on the command line), and the feeds drop whatever such character is
already stored or written in a post file.
"""

from __future__ import annotations

import json
import unicodedata

import feedparser
import pytest
from helpers import GUITARISTE, send, store_comment, stored, text
from importing import backup, entry, run_import

from app.comments.models import CommentStatus
from app.extensions import db, post_index
from app.moderation import accounts
from app.text import UnusableText, clean, xml_safe

DECOMPOSED = unicodedata.normalize("NFD", "Zoé")  # "e" + combining acute accent


def test_clean_removes_control_characters_but_keeps_tabs_and_line_breaks():
    assert clean("Bob\x1b") == "Bob"
    assert clean("a\x00b\x7fc\x85d\x9fe") == "abcde"
    assert clean("ligne 1\r\nligne 2\tfin") == "ligne 1\nligne 2\tfin"


def test_clean_puts_text_in_nfc_so_a_name_typed_two_ways_is_one_name():
    assert DECOMPOSED != "Zoé"
    assert clean(DECOMPOSED) == "Zoé"


def test_clean_refuses_a_lone_surrogate():
    with pytest.raises(UnusableText):
        clean("moitié \ud800 de paire")


def test_xml_safe_drops_only_what_xml_forbids():
    assert xml_safe("Bob\x1b\x00\ufffe") == "Bob"
    assert xml_safe("« é » 🎸\t\n\x85") == "« é » 🎸\t\n\x85"


def test_a_control_character_in_a_commenters_name_no_longer_breaks_the_feeds(
    make_app,
):
    app = make_app(settings={"comments": {"moderation": "never"}})
    client = app.test_client()
    sent = send(client, author="Bob\x1b", body="Salut\x07 à tous")
    assert sent.status_code == 303
    assert [(c.author, c.body) for c in stored(app)] == [("Bob", "Salut à tous")]
    with app.app_context():
        post_id = post_index().by_url(GUITARISTE).post_id
    for url in ("/feeds/comments/default", f"/feeds/{post_id}/comments/default"):
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.data)
        assert not feed.bozo, url
        assert [e.author for e in feed.entries] == ["Bob"]


def test_a_control_character_already_stored_is_left_out_of_the_feeds(app, client):
    store_comment(
        app, author="Bob\x1b", body="avant\x00 le correctif", status="approved"
    )
    response = client.get("/feeds/comments/default")
    assert response.status_code == 200
    feed = feedparser.parse(response.data)
    assert not feed.bozo
    assert feed.entries[0].author == "Bob"
    assert "avant le correctif" in feed.entries[0].content[0].value


def test_a_control_character_in_a_post_file_is_left_out_of_the_post_feeds(
    make_app, posts_dir
):
    (posts_dir / "echap.md").write_text(
        '---\ntitle: "Titre\\e échappé"\ndate: 2012-05-01 10:00\n'
        'labels: ["lib\\e"]\n---\nCorps\x0c du billet.\n',
        encoding="utf-8",
    )
    client = make_app().test_client()
    for url in ("/feeds/posts/default", "/feeds/posts/default?alt=rss"):
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.data)
        assert not feed.bozo, url
        assert feed.entries[0].title == "Titre échappé"


def test_the_comment_form_stores_names_in_nfc(app, client):
    send(client, author=DECOMPOSED, body=f"Je suis {DECOMPOSED}")
    assert [(c.author, c.body) for c in stored(app)] == [("Zoé", "Je suis Zoé")]


def test_a_name_made_only_of_control_characters_is_asked_again(app, client):
    response = send(client, author="\x1b\x1b", body="Mon texte")
    assert response.status_code == 422
    assert "Indiquez votre nom." in text(response)
    assert "Mon texte" in text(response)
    assert stored(app) == []


def test_the_blogger_import_cleans_names_and_character_references(app, tmp_path):
    export = backup(
        tmp_path,
        entry("post", "1", href="http://x.blogspot.com/2011/10/billet.html"),
        entry("comment", "2", on="1", body="Bonjour&#27; à &#x81;vous"),
    )
    result = run_import(app, export)
    assert result.exit_code == 0, result.output
    assert [c.body for c in stored(app)] == ["Bonjour à vous"]


def test_import_comments_cleans_text_and_refuses_a_lone_surrogate(app, tmp_path):
    store_comment(app, author="Anne", body="Salut", status=CommentStatus.APPROVED)
    exported = tmp_path / "comments.jsonl"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["export-comments", str(exported)]).exit_code == 0
    row = json.loads(exported.read_text(encoding="utf-8"))
    row.update(id=7, author="Anne\x1b", body="Salut\x07")
    clean_file = tmp_path / "clean.jsonl"
    clean_file.write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import-comments", str(clean_file)])
    assert result.exit_code == 0, result.output
    assert [(c.id, c.author, c.body) for c in stored(app)][-1] == (7, "Anne", "Salut")

    row.update(id=8, author="Anne \ud800")
    bad_file = tmp_path / "bad.jsonl"
    bad_file.write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import-comments", str(bad_file)])
    assert result.exit_code != 0
    assert "ligne 1, champ author" in result.output
    assert "illisible" in result.output
    assert len(stored(app)) == 2


def test_moderator_names_are_cleaned_on_the_command_line_and_at_login(app, client):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["moderator", "create", "léa\x1b", "--password-stdin"],
        input="un mot de passe solide\n",
    )
    assert created.exit_code == 0, created.output
    with app.app_context():
        assert [m.username for m in accounts.all_moderators()] == ["léa"]
        db.session.remove()
    login = client.post(
        "/login",
        data={
            "username": unicodedata.normalize("NFD", "léa"),
            "password": "un mot de passe solide",
        },
    )
    assert login.status_code == 303


def test_a_name_the_terminal_could_not_decode_is_refused_with_a_message(app):
    result = app.test_cli_runner().invoke(
        args=["moderator", "create", "l\udce9a", "--password-stdin"],
        input="un mot de passe solide\n",
    )
    assert result.exit_code != 0
    assert "UTF-8" in result.output


def test_new_post_cleans_the_title_it_is_given(app, posts_dir):
    result = app.test_cli_runner().invoke(
        args=["new-post", f"{DECOMPOSED}\x1b au lac", "--labels", "été\x07"]
    )
    assert result.exit_code == 0, result.output
    [written] = [p for p in posts_dir.glob("*.md") if "au-lac" in p.name]
    text_written = written.read_text(encoding="utf-8")
    assert 'title: "Zoé au lac"' in text_written
    assert 'labels: ["été"]' in text_written
