"""``flask moderator …`` and ``flask comments …`` from a terminal."""

from __future__ import annotations

import json

import pytest
from helpers import GUITARISTE, status_of, store_comment

from app.comments.models import CommentStatus
from app.moderation import accounts

# Every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.databases("sqlite", "postgresql")

add = store_comment


def test_moderator_create_asks_twice_and_hashes(app, runner):
    result = runner.invoke(
        args=["moderator", "create", "marie"], input="secret123\nsecret123\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        marie = accounts.find("marie")
        assert marie.password_hash.startswith(("scrypt:", "pbkdf2:"))
        assert "secret123" not in marie.password_hash
        assert accounts.authenticate("marie", "secret123") is marie


def test_moderator_create_refuses_mismatched_passwords(app, runner):
    result = runner.invoke(
        args=["moderator", "create", "marie"], input="secret123\nautre1234\n\n\n"
    )
    assert result.exit_code != 0
    with app.app_context():
        assert accounts.find("marie") is None


def test_moderator_create_from_stdin_then_list_passwd_delete(app, runner):
    create = ["moderator", "create", "paul", "--password-stdin"]
    assert runner.invoke(args=create, input="premier-mdp\n").exit_code == 0
    assert runner.invoke(args=create, input="premier-mdp\n").exit_code != 0
    listing = runner.invoke(args=["moderator", "list"])
    assert listing.output.startswith("paul\t")
    passwd = ["moderator", "passwd", "paul", "--password-stdin"]
    assert runner.invoke(args=passwd, input="second-mdp\n").exit_code == 0
    with app.app_context():
        assert accounts.authenticate("paul", "second-mdp") is not None
        assert accounts.authenticate("paul", "premier-mdp") is None
    assert runner.invoke(args=["moderator", "delete", "paul"]).exit_code == 0
    assert runner.invoke(args=["moderator", "list"]).output == ""
    assert runner.invoke(args=["moderator", "delete", "paul"]).exit_code != 0


def test_moderator_commands_speak_english_when_the_site_does(make_app):
    runner = make_app(settings={"site": {"locale": "en"}}).test_cli_runner()
    created = runner.invoke(
        args=["moderator", "create", "marie"], input="secret123\nsecret123\n"
    )
    assert created.exit_code == 0, created.output
    assert created.output.splitlines() == [
        "Password: ",
        "Repeat the password: ",
        "moderator created: marie",
    ]
    short = runner.invoke(
        args=["moderator", "create", "z", "--password-stdin"], input="court\n"
    )
    assert "password too short: at least 8 characters" in short.output
    unknown = runner.invoke(args=["moderator", "delete", "personne"])
    assert "unknown moderator: personne" in unknown.output


def test_password_under_eight_characters_is_refused(app, runner):
    create = ["moderator", "create", "z", "--password-stdin"]
    result = runner.invoke(args=create, input="sept-ca\n")
    assert result.exit_code == 1
    assert result.output == "Error: mot de passe trop court : 8 caractères au moins\n"
    with app.app_context():
        assert accounts.find("z") is None
    result = runner.invoke(args=create, input="huit-car\n")
    assert result.exit_code == 0, result.output
    assert result.output == "modérateur créé : z\n"


def test_comments_list_shows_id_date_post_author_and_body_start(app, runner):
    first = add(app, body="Premier commentaire\navec deux lignes")
    add(app, author="Paul", status=CommentStatus.APPROVED, body="x" * 200)
    lines = runner.invoke(args=["comments", "list"]).output.splitlines()
    assert len(lines) == 2
    fields = lines[1].split("\t")
    assert fields[0] == str(first)
    assert fields[2] == GUITARISTE and fields[3] == "Anne"
    assert fields[4] == "Premier commentaire avec deux lignes"
    assert fields[5] == "pending"
    assert len(lines[0].split("\t")[4]) <= 60


def test_comments_list_filters_by_status_and_speaks_json(app, runner):
    add(app, body="en attente")
    approved = add(app, body="publié", status=CommentStatus.APPROVED)
    result = runner.invoke(args=["comments", "list", "--status", "approved", "--json"])
    [line] = result.output.splitlines()
    data = json.loads(line)
    assert data["id"] == approved and data["body"] == "publié"
    assert data["status"] == "approved" and data["post_url"] == GUITARISTE


def test_comments_approve_delete_spam(app, runner):
    one, two, three = add(app, body="1"), add(app, body="2"), add(app, body="3")
    assert (
        runner.invoke(args=["comments", "approve", str(one), str(two)]).exit_code == 0
    )
    assert runner.invoke(args=["comments", "spam", str(three)]).exit_code == 0
    assert runner.invoke(args=["comments", "delete", str(two)]).exit_code == 0
    assert status_of(app, one) == CommentStatus.APPROVED
    assert status_of(app, two) == CommentStatus.DELETED
    assert status_of(app, three) == CommentStatus.SPAM


def test_comments_action_on_unknown_id_fails(app, runner):
    known = add(app)
    result = runner.invoke(args=["comments", "approve", str(known), "999"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{known}\tapprove",
        "Error: commentaire inconnu : 999",
    ]
