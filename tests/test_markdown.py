"""Markdown rendering: extensions, French typography, the jump break."""

import threading
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.content.markdown import pygments_css, render_markdown, split_more
from app.content.post import Post
from app.content.rendering import Renderer

NNBSP, NBSP = "\u202f", "\u00a0"


def make_post(body):
    """Return a post with the given Markdown body, as the reader makes it."""
    when = datetime(2011, 10, 3, 21, 40, tzinfo=ZoneInfo("Europe/Paris"))
    has_more = split_more(body)[1] is not None
    return Post(
        source=Path("x.md"),
        title="T",
        date=when,
        slug="t",
        body=body,
        has_more=has_more,
    )


def test_french_spaces_before_high_punctuation():
    html = render_markdown("Vraiment ? Oui! Note : ceci; cela.")
    assert f"Vraiment{NNBSP}?" in html
    assert f"Oui{NNBSP}!" in html
    assert f"Note{NBSP}:" in html
    assert f"ceci{NNBSP};" in html


def test_guillemets_get_inner_non_breaking_spaces():
    assert f"«{NBSP}Bonjour{NBSP}»" in render_markdown("« Bonjour »")
    assert f"«{NBSP}Salut{NBSP}»" in render_markdown("«Salut»")


def test_no_typography_in_code_urls_times_or_attributes():
    html = render_markdown(
        "Le `code ?` et <kbd>Ctrl ?</kbd>, à 21:40, std::vector, "
        'http://exemple.fr/a?b=1 et <a title="a : b ?" href="/x?y">lien</a>.\n\n'
        "```\nx = a ? b : c\n```\n"
    )
    assert "<code>code ?</code>" in html
    assert "<kbd>Ctrl ?</kbd>" in html
    assert "21:40" in html and "std::vector" in html
    assert "http://exemple.fr/a?b=1" in html
    assert 'title="a : b ?"' in html
    assert "a ? b : c" in html.replace('<span class="o">', "").replace("</span>", "")


def test_punctuation_right_after_emphasis_gets_a_space():
    assert f"<em>mot</em>{NNBSP}?" in render_markdown("*mot*?")


def test_code_blocks_use_pygments_classes():
    html = render_markdown("```python\ndef f():\n    return 1\n```\n")
    assert '<div class="codehilite">' in html
    assert '<span class="k">def</span>' in html
    assert ".codehilite .k" in pygments_css()


def test_extra_toc_and_raw_html_are_rendered():
    html = render_markdown(
        "## Titre\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTexte[^1].\n\n"
        '[^1]: Note.\n\n<div class="x">brut</div>\n'
    )
    assert '<h2 id="titre">' in html
    assert "<table>" in html
    assert 'class="footnote"' in html
    assert '<div class="x">brut</div>' in html


def test_teaser_is_the_part_before_the_more_marker():
    post, renderer = make_post("Début.\n<!--more-->\nSuite.\n"), Renderer()
    assert post.has_more and renderer.is_cut(post)
    teaser, html = renderer.teaser(post), renderer.html(post)
    assert "Début" in teaser and "Suite" not in teaser
    assert "Début" in html and "Suite" in html
    assert 'id="more"' in html


def test_post_without_marker_has_whole_body_as_teaser():
    post, renderer = make_post("Tout.\n"), Renderer()
    assert not post.has_more and not renderer.is_cut(post)
    assert renderer.teaser(post) == renderer.html(post)


def test_a_long_post_without_marker_is_cut_at_a_paragraph_for_lists():
    paragraphs = [f"Paragraphe {n} : " + "mot " * 60 for n in range(40)]
    post, renderer = make_post("\n\n".join(paragraphs)), Renderer()
    teaser = renderer.teaser(post)
    assert renderer.is_cut(post)
    assert "Paragraphe 0" in teaser and "Paragraphe 39" not in teaser
    assert teaser.count("<p>") == teaser.count("</p>")  # whole paragraphs only
    assert "Paragraphe 39" in renderer.html(post)


def test_marker_inside_code_block_is_not_a_break():
    teaser, rest = split_more("```\n<!--more-->\n```\nfin\n")
    assert rest is None


def test_html_is_rendered_once_and_kept():
    post, renderer = make_post("Texte."), Renderer()
    assert renderer.html(post) is renderer.html(post)
    assert renderer.renders == 1


def test_rendered_posts_stay_within_their_memory_budget():
    renderer = Renderer(max_bytes=2000)
    posts = [make_post(f"Texte {n}. " + "mot " * 100) for n in range(10)]
    posts = [replace(p, source=Path(f"{n}.md")) for n, p in enumerate(posts)]
    for post in posts:
        renderer.html(post)
    renderer.html(posts[0])  # rendered again: it had been forgotten
    assert renderer.renders == 11


def thread_document(n: int) -> str:
    """Return a Markdown text of its own for thread ``n``: headings, notes, code."""
    sections = "".join(
        f"## Partie {n}.{i} : suite ?\n\n"
        f"Le fil {n} écrit la ligne {i}[^n{n}x{i}] avec « guillemets ».\n\n"
        f"[^n{n}x{i}]: Note {i} du fil {n}.\n\n"
        for i in range(12)
    )
    return f"# Fil {n}\n\n[TOC]\n\n{sections}```python\nprint({n})\n```\n"


def first_difference(got: str, alone: str) -> str:
    """Describe where a text first differs from the one rendered alone."""
    at = next(
        (i for i, (a, b) in enumerate(zip(got, alone, strict=False)) if a != b),
        min(len(got), len(alone)),
    )
    start = max(at - 40, 0)
    return f"at {at}: got {got[start : at + 60]!r}, alone {alone[start : at + 60]!r}"


def test_renderer_is_safe_across_threads():
    documents = [thread_document(n) for n in range(6)]
    expected = [render_markdown(text) for text in documents]
    start = threading.Barrier(len(documents))
    wrong: list[str] = []

    def work(n):
        start.wait()
        for round_ in range(40):
            try:
                html = render_markdown(documents[n])
            except Exception as exc:  # a shared converter may also crash
                wrong.append(f"thread {n} round {round_}: {exc!r}")
                return
            if html != expected[n]:
                wrong.append(
                    f"thread {n} round {round_}: {first_difference(html, expected[n])}"
                )
                return

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(f"Note 11 du fil {n}." in expected[n] for n in range(6))
    assert not wrong, "\n".join(wrong)
    # A fresh conversion carries no footnote left over from another call.
    assert "Note" not in render_markdown("Rien.")


def test_attribute_lists_keep_their_values_untouched():
    html = render_markdown('## Titre : oui {: #ancre title="a : b ?" }\n')
    assert 'title="a : b ?"' in html
    assert f"Titre{NBSP}: oui" in html


def test_english_text_keeps_its_punctuation_as_written():
    """French spacing is for French: an English post shows "Really?" unchanged."""
    html = render_markdown("Hello: world! Really?", "en")
    assert "<p>Hello: world! Really?</p>" in html
    assert NNBSP not in html and NBSP not in html
    # The French converter of the same thread is not affected.
    assert f"Vraiment{NNBSP}?" in render_markdown("Vraiment ?", "fr-CA")
