"""Reader comments under a post: the form, the guard, the policy, the display."""

from __future__ import annotations

import re
import threading

import pytest
from helpers import (
    ANCIENNE,
    BROUILLON,
    GUITARISTE,
    NOUVELLE,
    form_token_of,
    send,
    store_comment,
    stored,
    text,
)

from app.comments.models import Comment, CommentStatus
from app.extensions import db

# Every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.databases("sqlite", "postgresql")


def add(app, **fields) -> int:
    """Store a published comment directly and return its id."""
    return store_comment(app, **{"status": CommentStatus.APPROVED, **fields})


def heading(client, url=GUITARISTE) -> str:
    """Return the text of the comment heading on a post page."""
    page = text(client.get(url))
    return re.search(r'<h2 class="comments-heading">(.*?)</h2>', page, re.S)[1].strip()


def test_moderated_comment_waits_with_a_flash_message(app, client):
    response = send(client, body="Très bel article.")
    assert response.status_code == 303
    assert response.headers["Location"].startswith(GUITARISTE)
    page = text(client.get(GUITARISTE))
    assert "Votre commentaire sera visible après validation." in page
    assert "Très bel article." not in page
    assert heading(client) == "Aucun commentaire:"
    [comment] = stored(app)
    assert comment.status == CommentStatus.PENDING
    assert comment.ip == "127.0.0.1"


def test_approved_comment_appears_at_its_anchor(app, client):
    send(client, body="Très bel article.")
    [comment] = stored(app)
    with app.app_context():
        db.session.get(Comment, comment.id).status = CommentStatus.APPROVED
        db.session.commit()
    page = text(client.get(GUITARISTE))
    assert f'id="c{comment.id}"' in page
    assert "Très bel article." in page
    assert heading(client) == "1 commentaire:"


def test_without_moderation_the_reader_lands_on_the_comment(make_app):
    app = make_app(settings={"comments": {"moderation": "never"}})
    client = app.test_client()
    response = send(client)
    [comment] = stored(app)
    assert comment.status == CommentStatus.APPROVED
    landing = f"{GUITARISTE}?showComment={comment.id}#c{comment.id}"
    assert response.headers["Location"].endswith(landing)
    assert "Bonjour !" in text(client.get(landing))
    page = text(client.get(GUITARISTE))
    assert "Votre commentaire sera visible" not in page
    assert "Bonjour !" in page


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "Aucun commentaire:"), (1, "1 commentaire:"), (2, "2 commentaires:")],
)
def test_heading_counts_approved_comments_with_french_plurals(
    app, client, count, expected
):
    for number in range(count):
        add(app, body=f"Commentaire {number}")
    add(app, body="En attente", status=CommentStatus.PENDING)
    add(app, body="Pourriel", status=CommentStatus.SPAM)
    assert heading(client) == expected


def test_reply_link_opens_the_form_as_a_reply_without_javascript(app, client):
    parent = add(app, author="Anne")
    page = text(client.get(GUITARISTE))
    assert f'href="?reply={parent}#comment-form"' in page
    page = text(client.get(f"{GUITARISTE}?reply={parent}"))
    assert f'name="parent_id" value="{parent}"' in page
    assert "Réponse à Anne." in page


def test_replies_are_nested_inside_their_parent(app, client):
    parent = add(app, author="Anne", body="Question")
    send(client, author="Paul", body="Réponse de Paul", parent_id=str(parent))
    reply = stored(app)[-1]
    assert reply.parent_id == parent
    with app.app_context():
        db.session.get(Comment, reply.id).status = CommentStatus.APPROVED
        db.session.commit()
    page = text(client.get(GUITARISTE))
    start = page.index(f'id="c{parent}"')
    assert start < page.index(f'id="c{reply.id}"') < page.index("</article>", start)
    assert heading(client) == "2 commentaires:"


def test_reply_to_a_reply_joins_the_first_level_thread(app, client):
    parent = add(app)
    child = add(app, parent_id=parent, body="Enfant")
    send(client, author="Paul", body="Petit-enfant", parent_id=str(child))
    assert stored(app)[-1].parent_id == parent


def test_reply_to_a_comment_of_another_post_is_stored_as_a_top_level_comment(
    make_app,
):
    app = make_app(settings={"comments": {"moderation": "never"}})
    client = app.test_client()
    elsewhere = add(app, post_url=NOUVELLE, author="Anne", body="Ailleurs")
    response = send(client, author="Paul", body="Égarée", parent_id=str(elsewhere))
    assert response.status_code == 303
    reply = stored(app)[-1]
    assert (reply.post_url, reply.parent_id) == (GUITARISTE, None)
    page = text(client.get(GUITARISTE))
    assert "Égarée" in page and "Ailleurs" not in page
    # A thread of its own: it can be answered, as only top-level comments can.
    assert f'href="?reply={reply.id}#comment-form"' in page
    assert "Égarée" not in text(client.get(NOUVELLE))


@pytest.mark.parametrize(
    "status", [CommentStatus.PENDING, CommentStatus.SPAM, CommentStatus.DELETED]
)
def test_reply_to_a_comment_not_published_is_stored_as_a_top_level_comment(
    make_app, status
):
    app = make_app(settings={"comments": {"moderation": "never"}})
    client = app.test_client()
    hidden = add(app, author="Anne", body="Pas publié", status=status)
    response = send(client, author="Paul", body="Réponse", parent_id=str(hidden))
    assert response.status_code == 303
    reply = stored(app)[-1]
    assert reply.parent_id is None
    # Even once the first comment is published, the reply stays a thread of
    # its own: it never answered anything a reader could see.
    with app.app_context():
        db.session.get(Comment, hidden).status = CommentStatus.APPROVED
        db.session.commit()
    page = text(client.get(GUITARISTE))
    assert "comment-replies" not in page
    assert f'href="?reply={reply.id}#comment-form"' in page
    assert heading(client) == "2 commentaires:"


def test_deleted_comment_with_replies_leaves_a_placeholder(app, client):
    parent = add(app, body="Propos regrettables", status=CommentStatus.DELETED)
    add(app, parent_id=parent, body="Une réponse")
    add(app, body="Effacé sans suite", status=CommentStatus.DELETED)
    page = text(client.get(GUITARISTE))
    assert "Ce commentaire a été supprimé." in page
    assert "Propos regrettables" not in page
    assert "Effacé sans suite" not in page
    assert page.count("Ce commentaire a été supprimé.") == 1
    assert "Une réponse" in page
    assert heading(client) == "1 commentaire:"


def test_comments_follow_a_post_to_its_new_address(app, client):
    add(app, post_url=ANCIENNE, body="Sur l'ancienne adresse")
    assert re.search("Sur l(&#39;|')ancienne adresse", text(client.get(NOUVELLE)))
    assert heading(client, NOUVELLE) == "1 commentaire:"


def test_approved_counts_covers_aliases_in_one_call(app):
    add(app, post_url=ANCIENNE)
    add(app, post_url=NOUVELLE)
    add(app, post_url=GUITARISTE, status=CommentStatus.PENDING)
    from app.comments.service import approved_counts
    from app.extensions import post_index

    with app.test_request_context():
        counts = approved_counts(post_index().visible())
    assert counts[NOUVELLE] == 2
    assert counts[GUITARISTE] == 0


def test_invalid_form_comes_back_with_the_readers_text_and_errors(app, client):
    long_body = "mot " * 1250  # 5,000 characters
    response = send(client, author="", body=long_body, website="javascript:alert(1)")
    assert response.status_code == 422
    page = text(response)
    assert "Indiquez votre nom." in page
    assert "Indiquez une adresse qui commence par http:// ou https://." in page
    assert "dépasse la limite de 4096 caractères" in page
    assert long_body.strip() in page
    assert 'aria-describedby="body-help body-errors"' in page
    assert stored(app) == []


def test_author_longer_than_100_characters_is_refused(app, client):
    response = send(client, author="A" * 101)
    assert response.status_code == 422
    assert "100 caractères" in text(response)
    assert stored(app) == []


def test_identical_repeat_is_refused(app, client):
    send(client, body="Même texte")
    response = send(client, body="Même texte")
    assert response.status_code == 422
    assert "Vous avez déjà envoyé ce commentaire." in text(response)
    assert len(stored(app)) == 1


def test_honeypot_comment_is_silently_spam(app, client):
    response = send(client, homepage="http://bot.example")
    assert response.status_code == 303
    assert "Votre commentaire sera visible" in text(client.get(GUITARISTE))
    assert stored(app)[0].status == CommentStatus.SPAM


def test_honeypot_is_hidden_from_humans_but_not_a_hidden_input(client):
    page = text(client.get(GUITARISTE))
    trap = re.search(
        r'<div class="form-field form-field--trap"[^>]*>.*?</div>', page, re.S
    )[0]
    assert 'aria-hidden="true"' in trap
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert 'type="text"' in trap


def test_many_links_wait_for_moderation_even_without_moderation(make_app):
    app = make_app(settings={"comments": {"moderation": "never"}})
    body = "http://a.example http://b.example http://c.example"
    send(app.test_client(), body=body)
    assert stored(app)[0].status == CommentStatus.PENDING


def test_blocklisted_word_sends_the_comment_to_spam(make_app):
    app = make_app(
        settings={"comments": {"moderation": "never", "blocklist": ["casino"]}}
    )
    send(app.test_client(), body="Jouez au Casino en ligne")
    assert stored(app)[0].status == CommentStatus.SPAM


@pytest.mark.parametrize(
    ("policy", "url", "expected"),
    [
        ("always", GUITARISTE, CommentStatus.PENDING),
        ("never", GUITARISTE, CommentStatus.APPROVED),
        ("older-than:14", GUITARISTE, CommentStatus.PENDING),
    ],
)
def test_moderation_policy(make_app, policy, url, expected):
    app = make_app(settings={"comments": {"moderation": policy}})
    send(app.test_client(), url=url)
    assert stored(app)[0].status == expected


def test_older_than_policy_publishes_on_recent_posts(make_app, posts_dir):
    from datetime import datetime, timedelta

    recent = datetime.now() - timedelta(days=2)
    (posts_dir / "recent.md").write_text(
        f"---\ntitle: Tout frais\ndate: {recent:%Y-%m-%d %H:%M}\n---\nNeuf.\n",
        encoding="utf-8",
    )
    app = make_app(settings={"comments": {"moderation": "older-than:14"}})
    url = f"/{recent:%Y/%m}/tout-frais.html"
    assert send(app.test_client(), url=url).status_code == 303
    assert stored(app)[0].status == CommentStatus.APPROVED


def test_comment_on_unknown_or_draft_post_is_404(client):
    assert send(client, url="/2011/10/nexiste-pas.html").status_code == 404
    assert send(client, url=BROUILLON).status_code == 404


def test_form_fields_have_french_labels_and_autocomplete(client):
    page = text(client.get(GUITARISTE))
    form = re.search(r'<form id="comment-form".*?</form>', page, re.S)[0]
    assert f'action="{GUITARISTE}#comment-form"' in form
    assert 'method="post"' in form
    for name, autocomplete in [
        ("author", "name"),
        ("email", "email"),
        ("website", "url"),
    ]:
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', form)[0]
        assert f'autocomplete="{autocomplete}"' in tag
    assert '<label for="body">Votre commentaire</label>' in form
    assert "Vous pouvez utiliser des balises HTML comme &lt;b&gt;" in form
    assert "style=" not in form and "<script" not in form


def test_form_token_is_required(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = send(client, body="Sans jeton")
    assert response.status_code == 422
    assert "La page a expiré" in text(response)
    assert "Sans jeton" in text(response)
    assert stored(app) == []
    page = text(client.get(GUITARISTE))
    token = form_token_of(page)
    assert send(client, body="Avec jeton", form_token=token).status_code == 303
    assert [c.body for c in stored(app)] == ["Avec jeton"]


def test_rate_limit_answers_429_in_french(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True, settings={"comments": {"rate_limit": "2/minute"}}
    )
    client = app.test_client()
    assert send(client, body="un").status_code == 303
    assert send(client, body="deux").status_code == 303
    response = send(client, body="trois")
    assert response.status_code == 429
    assert "beaucoup de commentaires en peu de temps" in text(response)
    assert "trois" in text(response)  # the text comes back, to be sent later
    assert len(stored(app)) == 2


def test_a_burst_of_comments_starts_no_thread_for_its_rate_limit(make_app, monkeypatch):
    app = make_app(
        RATELIMIT_ENABLED=True, settings={"comments": {"rate_limit": "100/minute"}}
    )
    client = app.test_client()
    assert send(client, body="zéro").status_code == 303  # whatever starts once
    started = []
    real_start = threading.Thread.start
    monkeypatch.setattr(
        threading.Thread, "start", lambda t: (started.append(t.name), real_start(t))
    )
    for number in range(5):
        assert send(client, body=f"Commentaire {number}").status_code == 303
    assert started == []


def test_moderator_comment_is_published_as_the_author(app, client, auth):
    assert auth.login().status_code == 303
    page = text(client.get(GUITARISTE))
    assert "au nom de l'auteur" in page.replace("&#39;", "'")
    send(client, author="Jean Testeur", body="Merci à tous")
    [comment] = stored(app)
    assert comment.status == CommentStatus.APPROVED and comment.is_author


@pytest.mark.databases("postgresql")
def test_postgres_stores_times_aware_in_utc(app, client):
    send(client, body="Sur PostgreSQL")
    with app.app_context():
        comment = db.session.scalars(db.select(Comment)).one()
        assert comment.created.utcoffset() is not None
        assert db.engine.dialect.name == "postgresql"
