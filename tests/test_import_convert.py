"""Blogger HTML → Markdown: what the reader saw on Blogger is what Carnet shows."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from app.content.markdown import render_markdown, split_more
from app.importers.addresses import OwnAddresses
from app.importers.blogger import BlogInfo
from app.importers.comment_text import html_to_comment_text
from app.importers.roundtrip import convert_post

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


def markdown_of(html: str, language: str = "fr") -> str:
    """Convert a Blogger body as the importer does, checked."""
    return convert_post(html, language=language).markdown


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
    rendered = render_markdown(markdown_of(body))
    assert visible_text(rendered) == visible_text(body)
    assert links(rendered) == links(body)


def test_common_formatting_becomes_markdown():
    """Emphasis, links, headings, lists and line breaks are written as Markdown."""
    markdown = markdown_of(BLOGGER_BODIES[2] + BLOGGER_BODIES[1])
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
    markdown = markdown_of(body)
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
    teaser, rest = split_more(markdown_of(body))
    assert teaser.strip() == "Début." and rest.strip() == "Suite."


def test_jump_break_inside_pre_splits_the_code_instead_of_showing():
    """A post written in <pre> with its break inside: readers never see the marker."""
    body = "<pre>Gulls over the water,\n<!--more-->\nthe ferry leaves at six.</pre>"
    markdown = markdown_of(body)
    teaser, rest = split_more(markdown)
    assert "Gulls over the water," in render_markdown(teaser)
    assert "the ferry leaves at six." in render_markdown(rest)
    assert "&lt;!--more--&gt;" not in render_markdown(markdown)


def test_code_in_a_list_item_stays_code_and_its_html_is_not_injected():
    """A <pre> inside <li>: an indented code block, its <style> shown as text."""
    body = (
        "<ol><li>Open it:<pre>&lt;html&gt;&lt;head&gt;&lt;style&gt;b{}&lt;/style&gt;"
        "\n```\nnot a fence</pre></li><li>Then close it.</li></ol>"
    )
    rendered = render_markdown(markdown_of(body))
    assert "&lt;html&gt;&lt;head&gt;&lt;style&gt;" in rendered
    assert "<style>" not in rendered
    assert "```\nnot a fence" in rendered  # inside the code, as typed
    assert rendered.count("<li>") == 2


def test_link_whose_address_has_spaces_or_quotes_keeps_address_and_text():
    """The address is kept whole; the link text does not spill into the paragraph."""
    body = (
        '<p>Read <a href="http://example.com/my file (draft).html">the file</a> and '
        "<a href='http://example.com/say \"hi\".html'>this</a> now.</p>"
    )
    soup = BeautifulSoup(render_markdown(markdown_of(body)), "html.parser")
    assert [(a["href"], a.text) for a in soup.find_all("a")] == [
        ("http://example.com/my file (draft).html", "the file"),
        ('http://example.com/say "hi".html', "this"),
    ]
    assert soup.p.text == "Read the file and this now."


def test_loose_list_of_image_links_and_unclosed_items_stays_a_list():
    """Items starting with an image link, an unclosed <li>: still three list items."""
    body = (
        '<ol><li><a href="http://x.org/b1.jpg"><img src="http://x.org/s1.jpg"></a>'
        'One</li><li><a href="http://x.org/b2.jpg"><img src="http://x.org/s2.jpg"></a>'
        "Two<li>Three, unclosed</ol><p>After.</p>"
    )
    soup = BeautifulSoup(render_markdown(markdown_of(body)), "html.parser")
    assert [li.text.strip() for li in soup.find_all("li")] == [
        "One",
        "Two",
        "Three, unclosed",
    ]
    assert "1." not in soup.get_text()


def test_break_inside_a_link_and_a_link_between_items_are_kept():
    """Lines in a link stay two lines; a link between items is not lost or glued."""
    body = (
        'Before<a href="http://x.org/a"><br>first<br>second</a>'
        '<ul><li>one</li><a href="http://x.org/b">between</a><li>two</li></ul>'
    )
    soup = BeautifulSoup(render_markdown(markdown_of(body)), "html.parser")
    first = soup.find("a", href="http://x.org/a")
    assert first.find("br") is not None
    assert first.find_previous_sibling(True).name == "br"  # "Before" on its line
    assert soup.find("a", href="http://x.org/b").text == "between"
    assert [li.get_text(" ", strip=True) for li in soup.find_all("li")] == [
        "one between",
        "two",
    ]


def test_in_page_links_still_find_their_anchors():
    """A table of contents and footnotes point at ids that still exist."""
    body = (
        '<p><a href="#part-2">Part two</a>, note<sup id="ref-1">'
        '<a href="#note-1">1</a></sup>.</p><h2 id="part-2">Deuxième partie</h2>'
        '<p><a name="note-1"></a>1. The note. <a href="#ref-1">Back</a></p>'
    )
    soup = BeautifulSoup(render_markdown(markdown_of(body)), "html.parser")
    for link in soup.find_all("a", href=re.compile("^#")):
        assert soup.find(id=link["href"][1:]) is not None, link["href"]
    assert soup.find("h2")["id"] == "part-2"


def test_french_spacing_only_for_french_posts():
    """« Why? » stays as typed in English; French gets its non-breaking spaces."""
    english = render_markdown(markdown_of("<p>Why? Because: reasons!</p>", "en"), "en")
    assert "Why? Because: reasons!" in english
    french = render_markdown(markdown_of("<p>Pourquoi ? Parce que !</p>"))
    assert "Pourquoi\u202f? Parce que\u202f!" in french


def test_tex_backslashes_survive():
    r"""MathJax's ``\\`` and ``\(`` keep every backslash."""
    body = r"<p>\(a \\ b\) and \[c\] in C:\temp</p>"
    markdown = markdown_of(body, "en")
    assert r"\(a \\ b\) and \[c\] in C:\temp" in render_markdown(markdown, "en")


def test_code_from_pre_has_no_trailing_spaces():
    """<br> inside <pre> are newlines, not Markdown's two-space line breaks."""
    markdown = markdown_of("<pre>one<br />two<br />three</pre>")
    assert "```\none\ntwo\nthree\n```" in markdown


def test_two_lists_in_a_row_stay_two_lists():
    """Markdown would merge adjacent lists and renumber them: they stay apart."""
    body = "<ol><li>a</li><li>b</li></ol><ol><li>c</li></ol>"
    soup = BeautifulSoup(render_markdown(markdown_of(body)), "html.parser")
    assert [len(ol.find_all("li")) for ol in soup.find_all("ol")] == [2, 1]


def test_text_that_looks_like_markdown_stays_text():
    """Hashtags, numbers, stars and backticks typed in the text show as typed."""
    body = "#blog<br>1986. A year<br>- not a list<br>`not code` and *not em*"
    soup = BeautifulSoup(render_markdown(markdown_of(body)), "html.parser")
    assert soup.get_text("|") == (
        "#blog|\n1986. A year|\n- not a list|\n`not code` and *not em*"
    )
    assert soup.find(["h1", "ol", "ul", "code", "em"]) is None


def test_links_to_the_old_blog_become_site_relative():
    """Any blogspot domain of this blog or its own domain: a site-relative link."""
    blog = BlogInfo(hosts={"www.fieldnotes.example"}, subdomain="fieldnotes")
    own = OwnAddresses(blog, {"/blogspot/fieldnotes/2008/04/first-light.html"})
    assert own.relink("http://fieldnotes.blogspot.com/2009/03/x.html#c12") == (
        "/2009/03/x.html#c12"
    )
    assert own.relink("https://fieldnotes.blogspot.co.uk/p/about.html") == (
        "/p/about.html"
    )
    assert own.relink("//fieldnotes.blogspot.fr/search/label/sea") == (
        "/search/label/sea"
    )
    assert own.relink("http://fieldnotes.example/") == "/"
    assert own.relink(
        "http://www.fieldnotes.example/blogspot/fieldnotes/2008/04/first-light.html"
    ) == ("/blogspot/fieldnotes/2008/04/first-light.html")
    # Others' blogs, and files the site does not serve, stay absolute.
    assert own.relink("http://otherfieldnotes.blogspot.com/2009/03/x.html") is None
    assert own.relink("http://www.fieldnotes.example/images/big.jpg") is None
    assert own.relink("http://[broken") is None


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
    markdown = markdown_of(
        '<div style="text-align: justify;">Un <b>texte</b>.<a name="more"></a>'
        '<p style="text-align: center;">Au centre</p></div>'
    )
    assert markdown.startswith("Un **texte**.\n\n<!--more-->\n\n")
    assert '<p style="text-align: center;">Au centre</p>' in markdown
