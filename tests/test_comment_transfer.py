"""``export-comments`` and ``import-comments``: comments move between databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from databases import fresh_schema, schema_url
from helpers import GUITARISTE, store_comment

from app.comments.models import Comment, CommentStatus
from app.extensions import db

TABLE = Comment.__table__


def seed(app) -> None:
    """Store comments using every field, every state, replies and odd text."""
    first = store_comment(
        app,
        author="Zoé « la lectrice »",
        email="zoe@example.org",
        website="https://zoe.example.org/",
        body="Première ligne\nDeuxième : <b>gras</b> 🎸",
        ip="203.0.113.7",
        user_agent="Mozilla/5.0 (X11; Linux x86_64)",
        created=datetime(2024, 3, 9, 18, 5, 0, 123456, tzinfo=UTC),
        status=CommentStatus.APPROVED,
        blogger_id="tag:blogger.com,1999:blog-1.post-2",
    )
    store_comment(
        app,
        parent_id=first,
        author="Paul",
        body="Réponse",
        ip="2001:db8::1",
        created=datetime(2024, 3, 10, 7, 0, tzinfo=UTC),
    )
    store_comment(app, author="Robot", body="casino", status=CommentStatus.SPAM)
    gone = store_comment(app, body="Effacé", status=CommentStatus.DELETED)
    store_comment(
        app, parent_id=gone, body="Réponse à un effacé", status=CommentStatus.APPROVED
    )
    store_comment(
        app, post_url="/p/a-propos.html", author="L'auteur", is_author=True, body="Moi"
    )


def rows_of(app) -> list[dict]:
    """Return every stored comment row, every column, dates aware in UTC."""
    with app.app_context():
        rows = db.session.execute(sa.select(TABLE).order_by(TABLE.c.id)).mappings()
        result = []
        for row in rows:
            row = dict(row)
            created = row["created"]
            if created.tzinfo is None:  # SQLite keeps UTC without the offset
                created = created.replace(tzinfo=UTC)
            row["created"] = created.astimezone(UTC)
            result.append(row)
        return result


def run(app, *args):
    """Run a flask command of ``app``; return the Click result."""
    return app.test_cli_runner().invoke(args=list(args))


def test_export_writes_every_field_of_every_comment_as_json_lines(app, tmp_path):
    seed(app)
    target = tmp_path / "comments.jsonl"
    result = run(app, "export-comments", str(target))
    assert result.exit_code == 0, result.output
    assert "6 commentaire(s) exporté(s)" in result.stdout
    lines = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert [line["id"] for line in lines] == [1, 2, 3, 4, 5, 6]
    assert lines[0] == {
        "id": 1,
        "post_url": GUITARISTE,
        "parent_id": None,
        "author": "Zoé « la lectrice »",
        "email": "zoe@example.org",
        "website": "https://zoe.example.org/",
        "body": "Première ligne\nDeuxième : <b>gras</b> 🎸",
        "ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
        "created": "2024-03-09T18:05:00.123456+00:00",
        "status": "approved",
        "is_author": False,
        "blogger_id": "tag:blogger.com,1999:blog-1.post-2",
        "notify": False,
        "submission": None,
    }
    assert lines[1]["parent_id"] == 1
    assert lines[1]["created"] == "2024-03-10T07:00:00+00:00"
    assert [line["status"] for line in lines[2:5]] == ["spam", "deleted", "approved"]
    assert lines[5]["is_author"] is True
    # E-mail and IP addresses: for the owner's eyes only.
    assert target.stat().st_mode & 0o077 == 0


def test_import_into_an_empty_database_restores_every_row(make_app, tmp_path):
    source = make_app(BLOG_DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}")
    seed(source)
    dump = tmp_path / "comments.jsonl"
    assert run(source, "export-comments", str(dump)).exit_code == 0

    target = make_app(BLOG_DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}")
    result = run(target, "import-comments", str(dump))
    assert result.exit_code == 0, result.output
    assert "6 commentaire(s) ajouté(s), 0 déjà présent(s)." in result.stdout
    assert rows_of(target) == rows_of(source)
    # The thread survives: the reply is shown under its parent.
    page = target.test_client().get(GUITARISTE).get_data(as_text=True)
    assert page.index('id="c1"') < page.index("Réponse")


def test_importing_the_same_file_twice_adds_nothing(make_app, tmp_path):
    source = make_app(BLOG_DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}")
    seed(source)
    dump = tmp_path / "comments.jsonl"
    run(source, "export-comments", str(dump))

    result = run(source, "import-comments", str(dump))
    assert result.exit_code == 0, result.output
    assert "0 commentaire(s) ajouté(s), 6 déjà présent(s)." in result.stdout
    assert len(rows_of(source)) == 6


def test_an_id_stored_with_other_content_stops_the_import_naming_it(app, tmp_path):
    seed(app)
    dump = tmp_path / "comments.jsonl"
    run(app, "export-comments", str(dump))
    lines = [json.loads(line) for line in dump.read_text("utf-8").splitlines()]
    lines[2]["body"] = "Texte modifié ailleurs"
    lines[2]["status"] = "approved"
    lines.append({**lines[0], "id": 99, "blogger_id": None, "body": "Nouveau"})
    dump.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    before = rows_of(app)

    result = run(app, "import-comments", str(dump))
    assert result.exit_code == 1
    assert "rien importé" in result.stderr
    assert "ligne 3 : le commentaire 3 existe avec un autre contenu" in result.stderr
    assert "(body, status)" in result.stderr
    assert rows_of(app) == before  # not even the new comment 99


def test_replies_are_stored_after_their_parents_whatever_the_order(app, tmp_path):
    reply = {
        "id": 1,
        "post_url": GUITARISTE,
        "parent_id": 2,
        "author": "Paul",
        "email": None,
        "website": None,
        "body": "Réponse écrite avant son parent dans le fichier",
        "ip": None,
        "user_agent": None,
        "created": "2024-01-02T10:00:00+00:00",
        "status": "approved",
        "is_author": False,
        "blogger_id": None,
    }
    parent = {**reply, "id": 2, "parent_id": None, "body": "Parent"}
    dump = tmp_path / "comments.jsonl"
    dump.write_text(json.dumps(reply) + "\n" + json.dumps(parent) + "\n", "utf-8")
    result = run(app, "import-comments", str(dump))
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["parent_id"]) for r in rows_of(app)] == [(1, 2), (2, None)]


GOOD = {
    "id": 7,
    "post_url": GUITARISTE,
    "parent_id": None,
    "author": "Anne",
    "email": None,
    "website": None,
    "body": "Salut",
    "ip": None,
    "user_agent": None,
    "created": "2024-01-02T10:00:00+00:00",
    "status": "pending",
    "is_author": False,
    "blogger_id": None,
    "notify": False,
}


def test_a_file_exported_before_reply_notifications_imports_without_them(app, tmp_path):
    dump = tmp_path / "comments.jsonl"
    older = {k: v for k, v in GOOD.items() if k != "notify"}
    dump.write_text(json.dumps(older) + "\n", "utf-8")
    result = run(app, "import-comments", str(dump))
    assert result.exit_code == 0, result.output
    [row] = rows_of(app)
    assert (row["author"], row["notify"]) == ("Anne", False)


def test_a_date_with_another_offset_is_stored_as_the_same_moment_in_utc(app, tmp_path):
    dump = tmp_path / "comments.jsonl"
    dump.write_text(json.dumps({**GOOD, "created": "2024-07-01T10:00:00+02:00"}))
    assert run(app, "import-comments", str(dump)).exit_code == 0
    assert rows_of(app)[0]["created"] == datetime(2024, 7, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "ligne 2 : JSON invalide"),
        ("[1, 2]", "ligne 2 : un objet JSON est attendu"),
        (json.dumps({**GOOD, "colour": "red"}), "champs inconnus colour"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "ip"}), "manquants ip"),
        (json.dumps({**GOOD, "status": "lost"}), "champ status : état inconnu"),
        (
            json.dumps({**GOOD, "created": "2024-01-02T10:00:00"}),
            "champ created : date ISO 8601 avec décalage horaire attendue",
        ),
        (json.dumps({**GOOD, "id": "7"}), "champ id : nombre entier attendu"),
        (json.dumps({**GOOD, "author": None}), "champ author : valeur obligatoire"),
        (json.dumps({**GOOD, "author": "x" * 101}), "plus de 100 caractères"),
        (json.dumps({**GOOD, "parent_id": 404}), "parent_id 404"),
        (json.dumps({**GOOD, "id": 1}), "lignes 1 et 2 : même id 1"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_imported(app, tmp_path, line, message):
    dump = tmp_path / "comments.jsonl"
    first = json.dumps({**GOOD, "id": 1})
    dump.write_text(first + "\n" + line + "\n", "utf-8")
    result = run(app, "import-comments", str(dump))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert rows_of(app) == []


@pytest.mark.postgres
def test_comments_round_trip_sqlite_postgresql_sqlite_unchanged(make_app, tmp_path):
    original = make_app(BLOG_DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}")
    seed(original)
    first_dump, second_dump = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    assert run(original, "export-comments", str(first_dump)).exit_code == 0

    with fresh_schema() as schema:
        postgres = make_app(BLOG_DATABASE_URL=schema_url(schema))
        try:
            result = run(postgres, "import-comments", str(first_dump))
            assert result.exit_code == 0, result.output
            assert rows_of(postgres) == rows_of(original)
            # A reader's next comment takes the id after the imported ones.
            assert store_comment(postgres, body="Après l'import") == 7
            assert run(postgres, "export-comments", str(second_dump)).exit_code == 0
        finally:
            with postgres.app_context():
                db.engine.dispose()

    back = make_app(BLOG_DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}")
    result = run(back, "import-comments", str(second_dump))
    assert result.exit_code == 0, result.output
    assert rows_of(back)[:6] == rows_of(original)
    assert rows_of(back)[6]["body"] == "Après l'import"


def test_a_blogger_comment_stored_under_another_id_stops_the_import(app, tmp_path):
    store_comment(app, blogger_id="tag:blogger.com,1999:blog-1.post-9")
    dump = tmp_path / "comments.jsonl"
    line = {**GOOD, "id": 50, "blogger_id": "tag:blogger.com,1999:blog-1.post-9"}
    dump.write_text(json.dumps(line) + "\n", "utf-8")
    result = run(app, "import-comments", str(dump))
    assert result.exit_code == 1
    assert "déjà enregistré sous l'id 1" in result.stderr
    assert [row["id"] for row in rows_of(app)] == [1]


def test_replies_that_answer_each_other_are_refused(app, tmp_path):
    dump = tmp_path / "comments.jsonl"
    pair = [{**GOOD, "id": 1, "parent_id": 2}, {**GOOD, "id": 2, "parent_id": 1}]
    dump.write_text("".join(json.dumps(line) + "\n" for line in pair), "utf-8")
    result = run(app, "import-comments", str(dump))
    assert result.exit_code == 1
    assert "fil de réponses circulaire" in result.stderr
    assert rows_of(app) == []
