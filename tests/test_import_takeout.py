"""Takeout as Google writes it: folder, zip, settings.csv, comments apart."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from importing import TAKEOUT_DIR, by_blogger_id, run_import

from app.comments.models import CommentStatus
from app.importers.blogger import BlogInfo
from app.importers.takeout import read_settings_csv

BLOG = Path("Takeout/Blogger/Blogs/Cuaderno de viaje")
FEED = TAKEOUT_DIR / BLOG / "feed.atom"
LYON = Path("2019/05/que-tal-un-viaje-lyon.md")
DRAFT = Path("2020/02/notas-para-otro-dia-oporto-y-braga.md")


def test_folder_imports_posts_labels_and_both_comment_feeds(app, client, posts_dir):
    """Labels in the blog's scheme, comments sorted before their post, both feeds."""
    result = run_import(app, TAKEOUT_DIR)
    assert result.exit_code == 0, result.output
    assert (
        "Lu : Takeout/Blogger/Blogs/Cuaderno de viaje/feed.atom, "
        "Takeout/Blogger/Comments/Cuaderno de viaje/feed.atom, "
        "Takeout/Blogger/Blogs/Cuaderno de viaje/settings.csv." in result.output
    )
    text = (posts_dir / LYON).read_text(encoding="utf-8")
    assert "labels: [Francia, tren]\n" in text
    rows = by_blogger_id(app)
    # Comment 1000 comes before post 5000 in the file: it still finds it.
    assert rows["1000"].post_url == "/2019/05/que-tal-un-viaje-lyon.html"
    assert rows["1000"].parent_id is None  # empty <blogger:inReplyTo/>
    assert rows["1001"].parent_id == rows["1000"].id
    assert rows["1001"].is_author
    assert rows["1005"].post_url == "/2019/07/sin-etiquetas.html"  # Comments feed
    page = client.get("/2019/05/que-tal-un-viaje-lyon.html").text
    assert "Volverás" in page and "Sí, en otoño." in page


def test_zip_imports_as_the_folder_does(app, posts_dir, tmp_path):
    """A Takeout zip (with macOS litter and a numbered folder) reads the same."""
    archive = tmp_path / "takeout-20240101T000000Z-001.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in TAKEOUT_DIR.rglob("*"):
            if path.is_file():
                name = "Takeout 2" / path.relative_to(TAKEOUT_DIR / "Takeout")
                zipped.write(path, name.as_posix())
        zipped.writestr("__MACOSX/Takeout 2/Blogger/Blogs/x/._feed.atom", b"\0\1")
    result = run_import(app, archive)
    assert result.exit_code == 0, result.output
    assert "Importés : 3 article(s) et 1 page(s), dont 1 brouillon(s)" in result.output
    assert "Takeout 2/Blogger/Comments/Cuaderno de viaje/feed.atom" in result.output
    assert (posts_dir / LYON).exists()
    assert set(by_blogger_id(app)) == {"1000", "1001", "1004", "1005"}


def test_the_feed_alone_finds_its_settings_and_comments_beside_it(app):
    """Given only feed.atom, its settings.csv and Comments feed are read too."""
    result = run_import(app, FEED)
    assert result.exit_code == 0, result.output
    assert "settings.csv" in result.output
    assert "Comments/Cuaderno de viaje/feed.atom" in result.output
    assert "1005" in by_blogger_id(app)


def test_filled_fields_are_kept_and_empty_ones_ignored(app, posts_dir):
    """metaDescription becomes the summary, location is kept; <link/> says nothing."""
    result = run_import(app, TAKEOUT_DIR)
    text = (posts_dir / LYON).read_text(encoding="utf-8")
    assert "summary: Dos días en Lyon, en tren y en bici.\n" in text
    assert "location: Lyon, Francia\n" in text
    assert "date: 2019-05-03 22:15\n" in text  # published, whole minutes, in Paris
    # The double-escaped title is read as Blogger showed it.
    assert "title: ¿Qué tal? Un viaje a Lyon & la 'Croix-Rousse'\n" in text
    other = (posts_dir / "2019/07/sin-etiquetas.md").read_text(encoding="utf-8")
    assert "summary" not in other and "location" not in other and "labels" not in other
    assert "non importé" not in result.output


def test_never_published_draft_gets_a_slug_and_no_old_address(app, posts_dir):
    """Empty <title/> and <blogger:filename/>: a title from the text, no alias."""
    run_import(app, TAKEOUT_DIR)
    draft = (posts_dir / DRAFT).read_text(encoding="utf-8")
    assert "title: 'Notas para otro día: Oporto y Braga.'\n" in draft
    assert "draft: true\n" in draft and "aliases" not in draft
    assert "date: 2020-02-11 22:40\n" in draft  # <blogger:created>, in Paris time


def test_spam_ghosted_and_trashed_are_counted_unknowns_reported(app, posts_dir):
    """Left-out entries are counted; unknown statuses and elements are reported."""
    result = run_import(app, TAKEOUT_DIR)
    assert result.exit_code == 0, result.output
    assert "Écartés (commentaire spam) : 1." in result.output
    assert "Écartés (commentaire masqué par Blogger (GHOSTED)) : 1." in result.output
    assert "Écartés (article supprimé) : 1." in result.output
    assert "statut inconnu UNDER_REVIEW" in result.output
    assert "élément inconnu <readingTime> (1 entrée(s)), ignoré" in result.output
    assert by_blogger_id(app)["1004"].status == CommentStatus.PENDING
    assert not (posts_dir / "2019/06").exists()


def test_filled_enclosure_is_reported_not_lost_silently(app, tmp_path):
    """A podcast enclosure Carnet has no place for is named in the report."""
    feed = FEED.read_text(encoding="utf-8").replace(
        "<enclosure/>", "<enclosure url='https://x.example/e1.mp3'/>", 1
    )
    export = tmp_path / "feed.atom"
    export.write_text(feed, encoding="utf-8")
    result = run_import(app, export)
    assert "non importé : enclosure https://x.example/e1.mp3" in result.output


def test_blog_language_goes_to_report_posts_and_suggested_settings(app, posts_dir):
    """Spanish blog on a French site: said, written as lang, suggested for blog.toml."""
    result = run_import(app, TAKEOUT_DIR)
    assert "Langue du blog : es." in result.output
    assert "lang: es\n" in (posts_dir / LYON).read_text(encoding="utf-8")
    lines = result.output.splitlines()
    start = lines.index("Pour blog.toml, d'après les réglages du blog :")
    assert lines[start + 1 : start + 5] == [
        "  [site]",
        '  title = "Cuaderno de viaje"',
        '  locale = "es"',
        '  timezone = "Europe/Madrid"',
    ]


def test_spanish_site_writes_no_lang_and_suggests_nothing_it_has(make_app, posts_dir):
    """When the site already speaks the blog's language, nothing is repeated."""
    app = make_app(
        settings={"site": {"locale": "es", "timezone": "Europe/Madrid", "title": "C"}}
    )
    result = run_import(app, TAKEOUT_DIR)
    assert "lang:" not in (posts_dir / LYON).read_text(encoding="utf-8")
    assert "blog.toml" not in result.output


def test_spanish_text_gets_no_french_spacing_and_own_links_are_relative(app, client):
    """« ¿Qué tal? » stays as typed; the link to the old blogspot is site-relative."""
    run_import(app, TAKEOUT_DIR)
    page = client.get("/2019/05/que-tal-un-viaje-lyon.html").text
    assert "¿Qué tal? Llegamos a Lyon: ¡por fin!" in page
    assert 'href="/2019/04/salida.html"' in page


def test_several_blogs_in_one_takeout_ask_which_one(app, posts_dir, tmp_path):
    """Two blogs in the folder: the error names them; --blog picks one."""
    folder = tmp_path / "both"
    shutil.copytree(TAKEOUT_DIR, folder)
    shutil.copytree(folder / BLOG, folder / "Takeout/Blogger/Blogs/Otro blog")
    refused = run_import(app, folder)
    assert refused.exit_code != 0
    assert "plusieurs blogs (Cuaderno de viaje, Otro blog)" in refused.output
    assert "--blog" in refused.output
    chosen = run_import(app, folder, "--blog", "cuaderno de viaje")
    assert chosen.exit_code == 0, chosen.output
    assert (posts_dir / LYON).exists()


def test_settings_csv_read_as_a_header_row_over_values():
    """The other layout of settings.csv: one header row, one row of values."""
    blog = BlogInfo()
    used = read_settings_csv(
        "Blog URL,Blog locale,Time zone,Comments\n"
        "https://www.cuaderno.example/,pt_BR,America/Sao_Paulo,on\n",
        blog,
    )
    assert used == ["Blog URL", "Blog locale", "Time zone"]
    assert blog.hosts == {"www.cuaderno.example"}
    assert (blog.language, blog.timezone) == ("pt-BR", "America/Sao_Paulo")
