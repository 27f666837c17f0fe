"""Reading one Markdown file with YAML front matter into a Post."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from helpers import GUITARISTE

from app import problems
from app.content.markdown import render_markdown
from app.content.reader import PostError, PostReadError, read_post

PARIS = ZoneInfo("Europe/Paris")


def write(tmp_path, name, text, encoding="utf-8"):
    """Write a file under tmp_path/posts and return its path."""
    path = tmp_path / "posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding=encoding)
    return path


def read(tmp_path, name, text):
    """Read a fixture file as the site would."""
    return read_post(write(tmp_path, name, text), tmp_path / "posts", PARIS)


def error_of(tmp_path, text, name="x.md"):
    """Return the PostError raised for a broken file."""
    with pytest.raises(PostReadError) as caught:
        read(tmp_path, name, text)
    return caught.value.error


def test_front_matter_becomes_a_post(tmp_path):
    post = read(
        tmp_path,
        "2011/guitare.md",
        "---\ntitle: Un guitariste, des humains et le numérique\n"
        "date: 2011-10-03 21:40\nlabels: [réseaux, numérique]\nauthor: Jean\n"
        "summary: Court\naliases: [/2011/05/ancienne-adresse.html]\n"
        "blogger_id: tag:blogger.com,1999:blog-1.post-42\n---\nCorps *ici*.\n",
    )
    assert post.title == "Un guitariste, des humains et le numérique"
    assert post.date == datetime(2011, 10, 3, 21, 40, tzinfo=PARIS)
    assert post.slug == "un-guitariste-des-humains-et-le"
    assert post.url == GUITARISTE
    assert post.urls == (post.url, "/2011/05/ancienne-adresse.html")
    assert post.labels == ("réseaux", "numérique")
    assert (post.author, post.summary, post.draft, post.is_page) == (
        "Jean",
        "Court",
        False,
        False,
    )
    assert post.body == "Corps *ici*.\n"
    assert "<em>ici</em>" in render_markdown(post.body, post.lang)


def test_post_id_is_stable_and_blogger_like(tmp_path):
    text = "---\ntitle: Titre\ndate: 2011-10-03 21:40\n---\n"
    first = read(tmp_path, "a.md", text)
    again = read(tmp_path, "b.md", text)
    assert first.post_id == again.post_id
    assert first.post_id.isdigit() and 15 <= len(first.post_id) <= 18


@pytest.mark.parametrize(
    "value",
    [
        "2011-10-03 21:40",
        "2011-10-03 21:40:00",
        "2011-10-03T19:40:00+00:00",
        "'2011-10-03 21:40'",
    ],
)
def test_dates_are_read_in_the_site_timezone(tmp_path, value):
    post = read(tmp_path, "a.md", f"---\ntitle: T\ndate: {value}\n---\n")
    assert post.date == datetime(2011, 10, 3, 21, 40, tzinfo=PARIS)
    assert post.date.utcoffset().total_seconds() == 7200


def test_date_without_time_is_midnight(tmp_path):
    post = read(tmp_path, "a.md", "---\ntitle: T\ndate: 2011-10-03\n---\n")
    assert post.date == datetime(2011, 10, 3, 0, 0, tzinfo=PARIS)


def test_page_needs_no_date_and_lives_under_p(tmp_path):
    page = read(tmp_path, "pages/a-propos.md", "---\ntitle: À propos\n---\nMoi.\n")
    assert page.is_page
    assert page.url == "/p/a-propos.html"
    assert page.date.tzinfo is not None


def test_single_label_and_explicit_slug(tmp_path):
    post = read(
        tmp_path,
        "a.md",
        "---\ntitle: T\ndate: 2011-10-03\nlabels: musique\nslug: blog-post_03\n---\n",
    )
    assert post.labels == ("musique",)
    assert post.url == "/2011/10/blog-post_03.html"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("title: T\n", 1, "pas d’en-tête"),
        ("---\ntitle: T\ndate: 2011-10-03\n", 1, "non fermé"),
        (
            "---\ntitle: T\ndate: 2011-10-03\nsummary: a: b\n---\n",
            4,
            "YAML invalide dans l’en-tête",
        ),
        ("---\ndate: 2011-10-03\n---\nx", 1, "titre manquant"),
        ("---\ntitle: T\n---\nx", 1, "date manquante"),
        ("---\ndate: 2011-10-03\ntitle: [a, b]\n---\n", 3, "title doit être du texte"),
        ("---\ntitle: T\ndate: demain\n---\n", 3, "date invalide 'demain'"),
        ("---\ntitle: T\ndate: 2011-10-03\nlabels: {a: 1}\n---\n", 4, "labels"),
        ("---\ntitle: T\ndate: 2011-10-03\ndraft: peut-être\n---\n", 4, "draft"),
        ("---\ntitle: T\ndate: 2011-10-03\naliases: [vieux.html]\n---\n", 4, "aliases"),
        (
            "---\ntitle: T\ndate: 2011-10-03\n\ntags: [x]\n---\n",
            5,
            "clé inconnue 'tags'",
        ),
        ("---\ntitle: T\ndate: 2011-10-03\nslug: mon slug/x\n---\n", 4, "slug"),
        ("---\ntitle: T\ndate: 42\n---\n", 3, "date doit ressembler à"),
    ],
)
def test_broken_file_is_reported_with_line_and_reason(tmp_path, text, line, reason):
    error = error_of(tmp_path, text)
    assert error.line == line
    assert reason in error.message()


def test_non_utf8_file_is_reported_at_the_bad_line(tmp_path):
    raw = "---\ntitle: Été\ndate: 2011-10-03\n---\nDéjà\n".encode("latin-1")
    error = error_of(tmp_path, raw)
    assert error.line == 2
    assert "pas du texte UTF-8" in error.message()


def test_error_text_names_the_file_relative_to_the_site(tmp_path):
    error = error_of(tmp_path, "---\ntitle: T\ndate: demain\n---\n", name="2011/x.md")
    assert str(error).startswith("posts/2011/x.md:3: ")
    assert str(PostError(tmp_path / "y.md", None, "oops")).endswith("y.md: oops")


def test_error_read_outside_the_app_is_french_and_shown_in_the_site_language(
    tmp_path, make_app
):
    # Files are read at start-up and in background refreshes, outside any
    # request: the problem keeps its message id, translated where it is shown.
    error = error_of(tmp_path, "---\ndate: 2011-10-03\n---\nx", name="sub/t.md")
    assert str(error) == "posts/sub/t.md:1: titre manquant"
    with make_app(settings={"site": {"locale": "en"}}).app_context():
        assert problems.describe(error) == "posts/sub/t.md:1: missing title"
        assert problems.reason(error) == "missing title"
    with make_app().app_context():
        assert problems.describe(error) == "posts/sub/t.md:1: titre manquant"
    assert str(error) == "posts/sub/t.md:1: titre manquant"


def test_message_arguments_are_filled_in_after_translation(tmp_path, make_app):
    error = error_of(tmp_path, "---\ntitle: T\ndate: demain\n---\n")
    with make_app(settings={"site": {"locale": "en"}}).app_context():
        assert "'demain'" in problems.reason(error)
        assert "invalide" not in problems.reason(error)


def test_updated_date_is_kept(tmp_path):
    post = read(
        tmp_path,
        "a.md",
        "---\ntitle: T\ndate: 2011-10-03\nupdated: 2012-01-02 08:00\n---\n",
    )
    assert post.updated == datetime(2012, 1, 2, 8, 0, tzinfo=PARIS)


def test_lang_and_location_are_read_and_lang_defaults_to_the_site(tmp_path):
    """`lang:` picks the typography; without it the site's language applies."""
    english = read(
        tmp_path,
        "en.md",
        "---\ntitle: Trip\ndate: 2011-10-03 21:40\nlang: EN_us\n"
        "location: Suzhou, Jiangsu, Chine\n---\nReally?\n",
    )
    assert english.lang == "en-us"
    assert english.location == "Suzhou, Jiangsu, Chine"
    assert "<p>Really?</p>" in render_markdown(english.body, english.lang)
    path = write(tmp_path, "es.md", "---\ntitle: Viaje\ndate: 2011-10-03\n---\n¿Sí?\n")
    spanish = read_post(path, tmp_path / "posts", PARIS, "es")
    assert spanish.lang == "es"
    assert "<p>¿Sí?</p>" in render_markdown(spanish.body, spanish.lang)
    french = read(tmp_path, "fr.md", "---\ntitle: T\ndate: 2011-10-03\n---\nx\n")
    assert french.lang == "fr"


@pytest.mark.parametrize("value", ["français", "1", "[fr]", "f"])
def test_bad_lang_is_refused_with_its_line(tmp_path, value):
    """A language that is no code is a problem on its own line."""
    error = error_of(tmp_path, f"---\ntitle: T\ndate: 2011-10-03\nlang: {value}\n---\n")
    assert error.line == 4
    assert "lang doit être un code de langue" in str(error)


def test_slug_starting_with_a_dot_is_refused(tmp_path):
    """A dot-file slug would name a hidden file the site never serves."""
    error = error_of(tmp_path, "---\ntitle: T\ndate: 2011-10-03\nslug: .cache\n---\n")
    assert "slug ne peut contenir" in str(error)
