"""What a reader sees: home, post pages, archives, labels, search, pages, 404."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from helpers import (
    ANCIENNE,
    BASE_URL,
    BROUILLON,
    CODE,
    GUITARISTE,
    NOUVELLE,
    PROGRAMME,
    VOEUX,
    text,
)


def test_home_groups_posts_under_french_date_headers(client):
    page = text(client.get("/"))
    assert "lundi 3 octobre 2011" in page
    assert "samedi 31 décembre 2011" in page
    assert '<html lang="fr">' in page
    # Newest first.
    assert page.index("Nouvelle adresse") < page.index("Un guitariste")


def test_home_shows_teaser_and_jump_link_only(client):
    page = text(client.get("/"))
    assert "Voici plutôt une histoire" in page
    assert "La suite n" not in page
    assert f'href="{GUITARISTE}#more"' in page


def test_drafts_and_scheduled_posts_are_hidden(client):
    page = text(client.get("/"))
    assert "Brouillon secret" not in page
    assert "Article programmé" not in page
    assert client.get(BROUILLON).status_code == 404
    assert client.get(PROGRAMME).status_code == 404


def test_post_page_shows_blogger_lines(client):
    response = client.get(GUITARISTE)
    assert response.status_code == 200
    page = text(response)
    assert "lundi 3 octobre 2011" in page
    assert "La suite n’apparaît" in page or "La suite n'apparaît" in page
    assert re.search(r"Publié par\s*<span[^>]*>Jean Testeur</span> à .*21:40", page)
    assert "Libellés :" in page
    assert 'href="/search/label/r%C3%A9seaux"' in page
    assert "Aucun commentaire:" in page
    assert "Enregistrer un commentaire" in page
    assert "merci pour ce commentaire. Bonne journée." in page
    assert "Inscription à :" in page and "Publier les commentaires (Atom)" in page
    assert f'<link rel="canonical" href="{BASE_URL}{GUITARISTE}' in page
    assert (
        'property="og:title" content="Un guitariste, des humains et le numérique'
        in page
    )


def test_post_pager_links_newer_home_and_older(client):
    page = text(client.get(VOEUX))
    assert "Article plus récent" in page and "Article plus ancien" in page
    assert f'href="{CODE}"' in page
    assert f'href="{GUITARISTE}"' in page
    oldest = text(client.get(GUITARISTE))
    assert "Article plus ancien" not in oldest


def test_sidebar_widgets(client):
    page = text(client.get(GUITARISTE))
    for title in ("Pages", "Archives du blog", "Libellés", "Qui êtes-vous ?"):
        assert title in page
    # The post's year is open, and its month lists its posts.
    assert re.search(r'<details class="archive-year" open>\s*<summary>2011', page)
    assert re.search(r'<details class="archive-year">\s*<summary>2012', page)
    assert "octobre" in page
    assert re.search(r"numérique</a> <span class=\"count\">\(2\)", page)
    assert 'href="/p/a-propos.html"' in page


def test_year_and_month_archives(client):
    year = text(client.get("/2011/"))
    assert "Un guitariste" in year and "Vœux" in year
    month = text(client.get("/2011/10/"))
    assert "Un guitariste" in month and "Vœux" not in month
    assert "octobre 2011" in month
    assert client.get("/1999/").status_code == 404
    assert client.get("/2011/13/").status_code == 404


def test_old_blogger_archive_url_redirects(client):
    response = client.get("/2011_10_01_archive.html")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/2011/10/")


def test_alias_redirects_permanently(client):
    response = client.get(ANCIENNE)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(NOUVELLE)


def test_label_page_takes_percent_encoded_utf8(client):
    page = text(client.get("/search/label/num%C3%A9rique"))
    assert "Un guitariste" in page and "Vœux" in page and "Un tableau" not in page
    assert client.get("/search/label/inconnu").status_code == 404


def test_blogger_label_search_address_redirects_to_the_label_page(client):
    response = client.get("/search?label=code")
    assert response.status_code == 301
    assert response.headers["Location"] == "/search/label/code"
    assert "Un tableau et du code" in text(client.get("/search/label/code"))
    response = client.get("/search?label=num%C3%A9rique")
    assert response.status_code == 301
    assert response.headers["Location"] == "/search/label/num%C3%A9rique"
    page = text(client.get(response.headers["Location"]))
    assert "Un guitariste" in page and "Un tableau" not in page


def test_label_search_redirect_keeps_a_label_with_a_hash(make_app, posts_dir):
    (posts_dir / "csharp.md").write_text(
        "---\ntitle: Du C dièse\ndate: 2012-01-05 10:00\nlabels: [C#]\n---\nCorps.\n",
        encoding="utf-8",
    )
    client = make_app().test_client()
    assert 'href="/search/label/C%23"' in text(client.get("/"))
    response = client.get("/search?label=C%23")
    assert response.status_code == 301
    assert response.headers["Location"] == "/search/label/C%23"
    assert "Du C dièse" in text(client.get(response.headers["Location"]))


def test_search_ignores_accents_and_case(client):
    page = text(client.get("/search?q=NUMERIQUE"))
    assert "Un guitariste" in page
    assert "Aucun article ne correspond" in text(client.get("/search?q=zzzz"))


def test_static_page(client):
    page = text(client.get("/p/a-propos.html"))
    assert "Ce blog de test parle de réseaux." in page
    assert client.get("/p/absente.html").status_code == 404


def test_unknown_url_gives_french_404_with_layout(client):
    response = client.get("/nulle/part")
    assert response.status_code == 404
    page = text(response)
    assert "Page introuvable" in page
    assert "Archives du blog" in page


def test_paging_with_older_and_newer_links(make_app):
    client = make_app(settings={"site": {"posts_per_page": 2}}).test_client()
    first = text(client.get("/"))
    assert "Articles plus anciens" in first and "Articles plus récents" not in first
    second = text(client.get("/?page=2"))
    assert "Articles plus récents" in second and "Un guitariste" in second
    assert client.get("/?page=9").status_code == 404


def test_new_edited_and_deleted_files_show_without_restart(app, posts_dir):
    client = app.test_client()
    index = app.extensions["carnet_posts"]
    (posts_dir / "nouveau.md").write_text(
        "---\ntitle: Tout frais\ndate: 2013-01-02 10:00\n---\nBonjour.\n",
        encoding="utf-8",
    )
    index.refresh(force=True)
    assert "Tout frais" in text(client.get("/"))
    (posts_dir / "nouveau.md").unlink()
    index.refresh(force=True)
    assert "Tout frais" not in text(client.get("/"))


def test_scheduled_post_appears_when_its_time_comes(make_app):
    now = [datetime(2026, 11, 29, tzinfo=UTC)]
    client = make_app(CARNET_CLOCK=lambda: now[0]).test_client()
    assert "Article programmé" not in text(client.get("/"))
    now[0] = datetime(2099, 1, 2, tzinfo=UTC)  # the post's date has passed
    assert "Article programmé" in text(client.get("/"))


def test_broken_file_is_skipped_and_the_site_keeps_serving(app, posts_dir):
    (posts_dir / "casse.md").write_text("---\ntitle: [oups\n---\n", encoding="utf-8")
    app.extensions["carnet_posts"].refresh(force=True)
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.get(GUITARISTE).status_code == 200


def test_english_locale_switches_ui_and_dates(make_app):
    client = make_app(settings={"site": {"locale": "en"}}).test_client()
    page = text(client.get(GUITARISTE))
    assert '<html lang="en">' in page
    assert "Monday, October 3, 2011" in page
    assert "Posted by" in page
    assert "No comments:" in page
    assert "Publié par" not in page
