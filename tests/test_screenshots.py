"""A phone and a desktop: screenshots for people to look at, no sideways scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import GUITARISTE, log_in_browser
from page_tour import TOUR, Stop, seed

pytestmark = pytest.mark.browser

# Gitignored; the README points here. Each run overwrites the previous pictures.
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
PICTURED = {"home": "/", "post": GUITARISTE, "moderation": "/moderation/"}

OVERFLOW = """() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    wide: Array.from(document.querySelectorAll('body *'))
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5).map(el => el.tagName + '.' + el.className)
})"""


def logged_in_context(browser, base_url: str, viewport: dict, moderator):
    """Open a browser context of the given size with the moderator logged in."""
    context = browser.new_context(
        locale="fr-FR", viewport=viewport, device_scale_factor=1
    )
    page = context.new_page()
    log_in_browser(page, base_url, moderator)
    return context, page


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_screenshots_of_home_post_and_moderation(
    app, moderator, live_server, browser, size
):
    seed(app)
    viewport = PHONE if size == "phone" else DESKTOP
    SCREENSHOTS.mkdir(exist_ok=True)
    context, page = logged_in_context(browser, live_server, viewport, moderator)
    try:
        for name, path in PICTURED.items():
            page.goto(live_server + path)
            target = SCREENSHOTS / f"{name}-{viewport['width']}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 0
    finally:
        context.close()


# What real posts hold that could push a phone's page sideways.
WIDE_CELLS = [f"colonne-large-{n}" for n in range(1, 9)]
WIDE_POST = "\n".join(
    [
        "---",
        "title: Un article très large",
        "date: 2012-03-10 10:00",
        "---",
        "Une adresse sans espace : https://example.org/" + "chemin-long/" * 8,
        "",
        '<img src="/static/absente.png" width="1600" height="900" alt="Image">',
        "",
        '<iframe src="https://video.example/embed/1" width="960" height="540"'
        ' title="Vidéo"></iframe>',
        "",
        "| " + " | ".join("abcdefgh") + " |",
        "|" + "---|" * 8,
        "| " + " | ".join(WIDE_CELLS) + " |",
        "",
        "    une_ligne_de_code_vraiment_tres_longue = " + '"' + "x" * 60 + '"',
        "",
    ]
)


def test_no_page_scrolls_sideways_on_a_phone(
    app, moderator, live_server, browser, posts_dir
):
    seed(app)
    (posts_dir / "2012-large.md").write_text(WIDE_POST, encoding="utf-8")
    context, page = logged_in_context(browser, live_server, PHONE, moderator)
    reader = browser.new_context(locale="fr-FR", viewport=PHONE)
    try:
        reader_page = reader.new_page()
        overflowing = []
        wide = Stop("wide", "/2012/03/un-article-tres-large.html")
        for stop in (*TOUR, wide):
            tab = page if stop.moderator else reader_page
            response = tab.goto(live_server + stop.path)
            assert response.status == stop.status, stop.path
            sizes = tab.evaluate(OVERFLOW)
            if sizes["scroll"] > sizes["inner"]:
                overflowing.append(f"{stop.path}: {sizes}")
        assert not overflowing, "pages wider than a phone:\n" + "\n".join(overflowing)
    finally:
        reader.close()
        context.close()
