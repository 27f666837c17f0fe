"""A reader in real Chromium: home page, a post, the archive widget."""

from __future__ import annotations

import pytest
from helpers import GUITARISTE
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_reader_opens_home_follows_a_post_and_uses_the_archive(live_server, page):
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert (
        page.locator(".date-header").first.inner_text().lower() == "lundi 2 avril 2012"
    )

    page.get_by_role("link", name="Un guitariste, des humains et le numérique").click()
    page.wait_for_url("**" + GUITARISTE)
    assert "La suite" in page.locator(".post-body").inner_text()
    assert page.get_by_text("Aucun commentaire:").is_visible()

    # The post's year is open; 2012 is closed and opens with a click, no JS needed.
    archive = page.locator(".widget-archive")
    assert archive.get_by_role("link", name="octobre").is_visible()
    assert not archive.get_by_role("link", name="février").is_visible()
    archive.locator("summary", has_text="2012").click()
    expect(archive.get_by_role("link", name="février")).to_be_visible()
    archive.get_by_role("link", name="février").click()
    page.wait_for_url("**/2012/02/")
    main = page.get_by_role("main")
    assert main.get_by_role("link", name="Un tableau et du code").is_visible()


def test_archive_widget_works_with_the_keyboard(live_server, page):
    page.goto(live_server + GUITARISTE)
    summary = page.locator(".widget-archive summary", has_text="2012")
    summary.focus()
    page.keyboard.press("Enter")
    assert (
        page.locator(".widget-archive").get_by_role("link", name="février").is_visible()
    )
