"""Blogger HTML → Markdown and → comment text: what the reader sees survives."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from app.content.markdown import render_markdown, split_more
from app.importers.convert import html_to_comment_text, html_to_markdown

BLOGGER_BODIES = [
    "It was a cold Winter's night.<br /><br /><ul><li>Very cold indeed.</li><br />"
    "<li>Note to self: pad out ending</li></ul>",
    '<div dir="ltr" style="text-align: left;" trbidi="on">Le train part à 8&nbsp;h.'
    "<br />Les <i>jardins</i> sont <b>célèbres</b>.<br /><br />"
    '<a href="https://fr.wikipedia.org/wiki/Suzhou_(Jiangsu)">Suzhou</a> !</div>',
    "<h2>Un titre</h2><p>Un paragraphe avec <em>emphase</em> et <strong>force</strong>."
    "</p><ol><li>un</li><li>deux</li></ol><p>2*3 = 6 et snake_case</p>",
    '<p>Une image : <img src="https://example.org/a.jpg" alt="Un canal" /></p>'
    "<blockquote>Une citation</blockquote>",
    "Texte &lt;pas une balise&gt; &amp; fin.",
]


def visible_text(html: str) -> str:
    """Return the letters and digits a reader sees, ignoring typography and spacing."""
    text = BeautifulSoup(html, "html.parser").get_text()
    return re.sub(r"[\W_]+", "", text)


def links(html: str) -> list[tuple[str, str]]:
    """Return the link targets and image sources of a fragment."""
    soup = BeautifulSoup(html, "html.parser")
    return [("a", a["href"]) for a in soup.find_all("a", href=True)] + [
        ("img", i["src"]) for i in soup.find_all("img")
    ]


@pytest.mark.parametrize("body", BLOGGER_BODIES)
def test_converted_markdown_renders_the_same_text_and_links(body):
    """Rendering the imported Markdown shows the text and links Blogger showed."""
    rendered = render_markdown(html_to_markdown(body))
    assert visible_text(rendered) == visible_text(body)
    assert links(rendered) == links(body)


def test_common_formatting_becomes_markdown():
    """Emphasis, links, headings, lists and line breaks are written as Markdown."""
    markdown = html_to_markdown(BLOGGER_BODIES[2] + BLOGGER_BODIES[1])
    assert "## Un titre" in markdown
    assert "*emphase*" in markdown and "**force**" in markdown
    assert "1. un" in markdown
    assert "[Suzhou](https://fr.wikipedia.org/wiki/Suzhou_(Jiangsu))" in markdown
    assert "<div" not in markdown and "<br" not in markdown
    assert "8 h." in markdown  # &nbsp; decoded


def test_tables_with_attributes_and_embeds_stay_html():
    """What Markdown cannot say (table spans, players, centred blocks) stays HTML."""
    body = (
        '<table border="1"><tr><td colspan="2">a</td></tr></table>'
        '<iframe src="https://www.youtube.com/embed/x"></iframe>'
        '<div class="separator" style="clear: both; text-align: center;">'
        '<a href="https://example.org/big.jpg"><img src="https://example.org/s.jpg" />'
        "</a></div>"
    )
    markdown = html_to_markdown(body)
    assert '<table border="1"><tr><td colspan="2">a</td></tr></table>' in markdown
    assert '<iframe src="https://www.youtube.com/embed/x"></iframe>' in markdown
    assert 'style="clear: both; text-align: center;"' in markdown
    rendered = render_markdown(markdown)
    assert 'colspan="2"' in rendered and "<iframe" in rendered
    assert links(rendered) == links(body)


@pytest.mark.parametrize(
    "body", ['Début.<a name="more"></a>Suite.', "Début.<!-- more -->Suite."]
)
def test_blogger_jump_break_becomes_the_more_marker(body):
    """Both Blogger jump breaks become a <!--more--> line the engine splits on."""
    teaser, rest = split_more(html_to_markdown(body))
    assert teaser.strip() == "Début." and rest.strip() == "Suite."


def test_comment_html_becomes_reader_text_with_allowed_tags():
    """Comments keep line breaks, bold, italics and links; other markup goes."""
    body = (
        'Bravo&nbsp;! <b>Très</b> <i>beau</i> <span style="color:red">texte</span>'
        '<br />Voir <a href="https://exemple.org/?a=1&amp;b=2">ici</a>.'
        "<br /><br />&lt;3 &amp; à bientôt"
    )
    assert html_to_comment_text(body) == (
        "Bravo ! <b>Très</b> <i>beau</i> texte\n"
        'Voir <a href="https://exemple.org/?a=1&amp;b=2">ici</a>.\n\n'
        "&lt;3 & à bientôt"
    )


def test_justified_wrapper_is_dropped_but_centred_paragraph_kept():
    """Blogger's justified wrapper is noise; a centred paragraph means something."""
    markdown = html_to_markdown(
        '<div style="text-align: justify;">Un <b>texte</b>.<a name="more"></a>'
        '<p style="text-align: center;">Au centre</p></div>'
    )
    assert markdown.startswith("Un **texte**.\n\n<!--more-->\n\n")
    assert '<p style="text-align: center;">Au centre</p>' in markdown
