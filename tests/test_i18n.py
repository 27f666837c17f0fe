"""The English catalogue: complete, in step with the code, and switching the UI."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from helpers import GUITARISTE, store_comment

from app.comments.models import CommentStatus

ROOT = Path(__file__).resolve().parent.parent
EN_PO = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# The same keywords as the Makefile's extraction: the defaults plus lazy gettext.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
ENGLISH = {"site": {"locale": "en"}}

# Phrases of the French look that must never leak into the English UI.
FRENCH_UI = [
    "Publié par",
    "Enregistrer un commentaire",
    "Archives du blog",
    "Libellés",
    "Aucun commentaire",
    "Inscription à",
    "Qui êtes-vous",
    "Accueil",
    "Rechercher",
    "Page introuvable",
    "Mot de passe",
    "lundi",
    "octobre",
]
ENGLISH_UI = [
    "Posted by",
    "Post a Comment",
    "Blog Archive",
    "Labels",
    "No comments",
    "Subscribe to",
    "About Me",
    "Home",
    "Page Not Found",
    "Password",
    "Monday",
    "October",
]

# What a reader notices on each page, in each language.
PAGES = {
    "/": {
        "en": [
            "Monday, October 3, 2011",
            "Saturday, December 31, 2011",
            "Posted by Jean Testeur at 21:40",
            "Labels: réseaux, numérique",
            "No comments",
            "Read more »",
            "Subscribe to: Posts (Atom)",
            "Blog Archive",
            "About Me",
            "Pages Home",
        ],
        "fr": [
            "lundi 3 octobre 2011",
            "samedi 31 décembre 2011",
            "Publié par Jean Testeur à 21:40",
            "Libellés : réseaux, numérique",
            "Aucun commentaire",
            "Lire la suite »",
            "Inscription à : Articles (Atom)",
            "Archives du blog",
            "Qui êtes-vous ?",
            "Pages Accueil",
        ],
    },
    GUITARISTE: {
        "en": [
            "Monday, October 3, 2011",
            "Posted by Jean Testeur at 21:40",
            "Labels: réseaux, numérique",
            "No comments:",
            "Post a Comment",
            "Your name",
            "Email address (optional, never shown)",
            "Website (optional)",
            "Your comment",
            "You can use some HTML tags, such as <b>, <i>, <a href>",
            "Publish",
            "Newer Post Home",
            "Subscribe to: Post Comments (Atom)",
        ],
        "fr": [
            "lundi 3 octobre 2011",
            "Publié par Jean Testeur à 21:40",
            "Libellés : réseaux, numérique",
            "Aucun commentaire:",
            "Enregistrer un commentaire",
            "Votre nom",
            "Site web (facultatif)",
            "Votre commentaire",
            "Publier",
            "Article plus récent Accueil",
            "Inscription à : Publier les commentaires (Atom)",
        ],
    },
    "/2011/10/cette-page-n-existe-pas.html": {
        "en": [
            "Page Not Found",
            "Sorry, the page you were looking for in this blog does not exist.",
            "Back to the home page",
            "Blog Archive",
        ],
        "fr": [
            "Page introuvable",
            "Désolé, la page que vous cherchez n'existe pas sur ce blog.",
            "Retour à l’accueil",
            "Archives du blog",
        ],
    },
    "/login": {
        "en": ["Sign in to moderation", "Username", "Password", "Sign in"],
        "fr": ["Connexion à la modération", "Identifiant", "Mot de passe"],
    },
}


def visible(response) -> str:
    """Return the text a reader sees on a page, whitespace collapsed."""
    page = response.get_data(as_text=True)
    body = page.split("<body", 1)[1].split(">", 1)[1]
    words = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(words)).replace(" ,", ",").strip()


def english_catalogue():
    """Return the parsed English catalogue."""
    with EN_PO.open("rb") as f:
        return read_po(f, locale="en")


def msgids_in_code() -> dict[str, str]:
    """Extract every msgid from the sources, as ``pybabel extract`` would."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, str] = {}
    extracted = extract_from_dir(
        ROOT,
        method_map,
        options_map,
        keywords=KEYWORDS,
        # Walk only the sources, never .venv or node_modules.
        directory_filter=lambda d: (
            Path(d).relative_to(ROOT).parts[0] in ("app", "templates")
        ),
    )
    for filename, lineno, message, _comments, _context in extracted:
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_every_english_message_is_translated_and_none_is_fuzzy():
    catalogue = english_catalogue()
    messages = [m for m in catalogue if m.id]
    assert len(messages) > 100
    untranslated = [
        m.id
        for m in messages
        if not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_english_translations_keep_every_placeholder():
    for message in english_catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[-1]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", string)) == wanted, message.id


def test_every_string_in_the_code_is_in_the_english_catalogue():
    catalogue = english_catalogue()
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    missing = {
        msgid: where for msgid, where in msgids_in_code().items() if msgid not in known
    }
    assert missing == {}, "run pybabel extract/update and translate these"


@pytest.mark.parametrize("path", PAGES)
def test_english_locale_shows_the_ui_in_english(make_app, path):
    app = make_app(settings=ENGLISH)
    response = app.test_client().get(path)
    assert '<html lang="en">' in response.get_data(as_text=True)
    text = visible(response)
    for phrase in PAGES[path]["en"]:
        assert phrase in text
    leaks = [phrase for phrase in FRENCH_UI if phrase in text]
    assert leaks == []


@pytest.mark.parametrize("path", PAGES)
def test_french_locale_shows_the_ui_in_french(client, path):
    response = client.get(path)
    assert '<html lang="fr">' in response.get_data(as_text=True)
    text = visible(response)
    for phrase in PAGES[path]["fr"]:
        assert phrase in text
    leaks = [phrase for phrase in ENGLISH_UI if phrase in text]
    assert leaks == []


@pytest.mark.parametrize(
    ("locale", "count", "heading", "when"),
    [
        ("en", 1, "1 comment:", "October 4, 2011 at 21:05"),
        ("en", 2, "2 comments:", "October 4, 2011 at 21:05"),
        ("fr", 1, "1 commentaire:", "4 octobre 2011 à 21:05"),
        ("fr", 2, "2 commentaires:", "4 octobre 2011 à 21:05"),
    ],
)
def test_comment_heading_and_dates_follow_the_locale(
    make_app, locale, count, heading, when
):
    app = make_app(settings={"site": {"locale": locale}})
    # 19:05 UTC is 21:05 in Paris, the site's timezone.
    for _ in range(count):
        store_comment(
            app,
            body="Merci !",
            status=CommentStatus.APPROVED,
            created=datetime(2011, 10, 4, 19, 5, tzinfo=UTC),
        )
    text = visible(app.test_client().get(GUITARISTE))
    assert heading in text
    assert when in text
    assert ("Reply" if locale == "en" else "Répondre") in text


def test_english_pager_says_newer_and_older_posts(make_app):
    app = make_app(settings={"site": {"locale": "en", "posts_per_page": 1}})
    client = app.test_client()
    first = visible(client.get("/"))
    second = visible(client.get("/?page=2"))
    assert "Home Older Posts" in first
    assert "Newer Posts Home Older Posts" in second
    assert "Articles plus" not in first + second


def test_english_search_page_counts_results_in_english(make_app):
    client = make_app(settings=ENGLISH).test_client()
    text = visible(client.get("/search?q=guitariste"))
    assert "1 result for “guitariste”" in text
    assert "résultat" not in text


def test_english_site_renders_posts_without_french_spacing(make_app, posts_dir):
    """On an English site a post with no `lang` is English: "Why?" stays as typed."""
    (posts_dir / "why.md").write_text(
        "---\ntitle: Why\ndate: 2012-01-05 10:00\n---\nWhy? Because: reasons!\n",
        encoding="utf-8",
    )
    (posts_dir / "pourquoi.md").write_text(
        "---\ntitle: Pourquoi\ndate: 2012-01-06 10:00\nlang: fr\n---\nPourquoi ?\n",
        encoding="utf-8",
    )
    client = make_app(settings=ENGLISH).test_client()
    assert "Why? Because: reasons!" in client.get("/2012/01/why.html").text
    assert "Pourquoi\u202f?" in client.get("/2012/01/pourquoi.html").text
