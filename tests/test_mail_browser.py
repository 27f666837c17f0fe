"""In real Chromium: the reply box appears with an address; a mail link's button."""

from __future__ import annotations

import re
import threading

import pytest
from conftest import free_port
from helpers import status_of
from playwright.sync_api import expect
from sinks import GUITARISTE, mail_settings, running_sink, send, text_and_html
from werkzeug.serving import make_server

from app.comments.models import Comment, CommentStatus
from app.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def mailing_site(make_app):
    """Serve a blog that mails through a local sink; yield (app, url, sink)."""
    with running_sink() as (handler, port):
        app = make_app(settings={"mail": mail_settings(port)})
        server = make_server("127.0.0.1", free_port(), app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield app, f"http://127.0.0.1:{server.server_port}", handler
        finally:
            server.shutdown()
            thread.join(timeout=5)


def test_the_reply_box_shows_once_an_address_is_typed(mailing_site, page):
    app, url, _handler = mailing_site
    page.goto(url + GUITARISTE)
    box = page.get_by_label("M'avertir par e-mail des réponses")
    expect(box).to_be_hidden()
    page.get_by_label("Adresse e-mail (facultative, jamais affichée)").fill(
        "anne@example.org"
    )
    expect(box).to_be_visible()
    box.check()
    page.get_by_label("Votre nom").fill("Anne")
    page.get_by_label("Votre commentaire").fill("Prévenez-moi.")
    page.get_by_role("button", name="Publier").click()
    page.wait_for_url(f"**{GUITARISTE}#comments")
    with app.app_context():
        comment = db.session.get(Comment, 1)
        assert (comment.email, comment.notify) == ("anne@example.org", True)


def test_a_moderation_link_publishes_with_its_one_button(mailing_site, page):
    app, url, handler = mailing_site
    page.goto(url + GUITARISTE)
    page.get_by_label("Votre nom").fill("Zoé")
    page.get_by_label("Votre commentaire").fill("À publier d'un clic.")
    page.get_by_role("button", name="Publier").click()
    page.wait_for_url(f"**{GUITARISTE}#comments")
    send(app)
    text, _html = text_and_html(handler.messages[0])
    link = re.search(r"^Publier : http://127\.0\.0\.1:5000(/\S+)$", text, re.M)[1]
    page.goto(url + link)
    assert status_of(app, 1) is CommentStatus.PENDING
    page.get_by_role("button", name="Publier").last.click()
    expect(page.get_by_text("1 commentaire publié.")).to_be_visible()
    page.get_by_role("link", name="Voir le commentaire").click()
    expect(page.locator("#c1")).to_contain_text("À publier d'un clic.")
