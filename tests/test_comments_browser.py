"""In real Chromium: a reader comments, the moderator publishes, the count shows."""

from __future__ import annotations

import pytest
from helpers import GUITARISTE
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_reader_comment_is_approved_in_the_queue_and_counted(
    moderator, live_server, page
):
    page.goto(live_server + GUITARISTE)
    assert page.get_by_text("Aucun commentaire:").is_visible()
    # The honeypot is in the DOM but a human never sees it.
    trap = page.locator("#homepage").bounding_box()
    assert trap is None or trap["x"] + trap["width"] <= 0
    page.get_by_label("Votre nom").fill("Zoé")
    page.get_by_label("Votre commentaire").fill(
        "Très juste !\n<script>document.title='pwned'</script><b>Bravo</b>"
    )
    page.get_by_role("button", name="Publier").click()
    page.wait_for_url(f"**{GUITARISTE}#comments")
    assert page.get_by_text(
        "Votre commentaire sera visible après validation."
    ).is_visible()
    assert page.get_by_text("Aucun commentaire:").is_visible()

    page.goto(live_server + "/moderation/")
    page.wait_for_url("**/login?next=*")
    page.get_by_label("Identifiant").fill(moderator.username)
    page.get_by_label("Mot de passe").fill(moderator.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/moderation/")
    item = page.locator(".moderation-item").first
    assert "Zoé" in item.inner_text()
    assert "En attente (1)" in page.locator(".moderation-tabs").inner_text()
    item.get_by_role("button", name="Publier").click()
    page.wait_for_url("**/moderation/?tab=pending")
    assert "Publiés (1)" in page.locator(".moderation-tabs").inner_text()

    page.goto(live_server + GUITARISTE)
    assert page.get_by_text("1 commentaire:").is_visible()
    comment = page.locator(".comment-list article.comment").first
    assert comment.locator("b").inner_text() == "Bravo"
    assert "<script>" in comment.inner_text()  # shown as text, never run
    assert page.title() != "pwned"

    # Répondre works without JavaScript and nests the reply.
    comment.get_by_role("link", name="Répondre").click()
    # A new page loads (?reply=): wait for it, the old one has a form too.
    expect(page.locator("#comment-form")).to_contain_text("Réponse à Zoé.")
    page.get_by_label("Votre nom").fill("Jean Testeur")
    page.get_by_label("Votre commentaire").fill("Merci Zoé")
    page.get_by_role("button", name="Publier").click()
    # A logged-in moderator's reply is published at once, at its anchor.
    page.wait_for_url("**#c2")
    assert page.get_by_text("2 commentaires:").is_visible()
    assert "Merci Zoé" in comment.locator(".comment-replies").inner_text()


def test_invalid_comment_keeps_the_readers_text(live_server, page):
    page.goto(live_server + GUITARISTE)
    long_text = "Un très long commentaire. " * 200
    page.get_by_label("Votre commentaire").fill(long_text)
    page.get_by_role("button", name="Publier").click()
    # The answer to the POST is a new page: wait for it, not for a URL change.
    expect(page.get_by_text("Indiquez votre nom.")).to_be_visible()
    assert page.get_by_label("Votre commentaire").input_value() == long_text.strip()
    name = page.get_by_label("Votre nom")
    assert name.get_attribute("aria-invalid") == "true"
    # The fields to fix (no name, a body over the limit) stand out in red;
    # the valid ones do not. expect() waits for the stylesheet to apply.
    red = "rgb(176, 0, 32)"
    expect(name).to_have_css("border-top-color", red)
    expect(page.get_by_label("Votre commentaire")).to_have_css("border-top-color", red)
    # Read only now: the stylesheet that made the others red has loaded.
    website = page.get_by_label("Site web (facultatif)")
    assert website.evaluate("e => getComputedStyle(e).borderTopColor") != red
