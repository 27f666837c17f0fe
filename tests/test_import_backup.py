"""The old backup format as real blogs wrote it: FTP addresses, removed comments."""

from __future__ import annotations

import pytest
from importing import HABITS, SAMPLE, by_blogger_id, run_import

from app.comments.models import CommentStatus

FIRST_LIGHT = "/2008/04/first-light.html"
HABITS_URL = "/2009/03/field-habits.html"


def test_blog_published_under_a_sub_folder_keeps_its_slugs_and_old_paths(
    app, client, posts_dir
):
    """/blogspot/<name>/2008/04/first-light.html keeps "first-light" and redirects."""
    result = run_import(app, HABITS)
    assert result.exit_code == 0, result.output
    text = (posts_dir / "2008/04/first-light.md").read_text(encoding="utf-8")
    assert "slug: first-light\n" in text  # not re-made from the title
    assert "aliases: [/blogspot/fieldnotes/2008/04/first-light.html]" in text
    assert client.get(FIRST_LIGHT).status_code == 200
    old = client.get("/blogspot/fieldnotes/2008/04/first-light.html")
    assert old.status_code == 301 and old.headers["Location"].endswith(FIRST_LIGHT)
    page = client.get("/blogspot/fieldnotes/p/about.html")
    assert page.status_code == 301 and page.headers["Location"].endswith(
        "/p/about.html"
    )


def test_removed_comments_are_kept_deleted_and_show_only_to_place_replies(app, client):
    """Removed by the author (with a reply) and by an admin (none): never published."""
    result = run_import(app, HABITS)
    assert "gardés comme tels" in result.output and ": 2." in result.output
    rows = by_blogger_id(app)
    assert rows["902"].status == CommentStatus.DELETED
    assert rows["904"].status == CommentStatus.DELETED
    assert rows["903"].parent_id == rows["902"].id
    page = client.get(HABITS_URL).text
    assert "removed by the author" not in page and "administrator" not in page
    assert "Agreed with Cy." in page
    assert page.count("Ce commentaire a été supprimé.") == 1  # 902 has a reply
    assert "1 commentaire" not in page and "2 commentaires:" in page


def test_english_blog_is_written_english_and_links_home_become_relative(
    app, client, posts_dir
):
    """lang: en (no French spacing); links to every old address of the blog."""
    result = run_import(app, HABITS)
    assert "Langue du blog : en." in result.output
    text = (posts_dir / "2009/03/field-habits.md").read_text(encoding="utf-8")
    assert "lang: en\n" in text
    assert "[first post](/2008/04/first-light.html)" in text  # .blogspot.co.uk
    assert "[about page](/p/about.html)" in text  # the custom domain
    assert "(http://elsewhere.example.com/2009/03/x.html)" in text
    page = client.get(HABITS_URL).text
    assert "Why? Because: reasons!" in page


def test_every_habit_of_the_issue_reads_right_on_the_page(app, client):
    """The post gathering the issue's cases renders as Blogger showed it."""
    run_import(app, HABITS)
    page = client.get(HABITS_URL).text
    assert "&lt;html&gt;&lt;head&gt;&lt;style&gt;" in page and "<style>body" not in page
    assert 'href="http://example.com/my file (draft).html"' in page
    assert "Third, unclosed</li>" in page
    assert 'id="part-2"' in page and 'id="note-1"' in page and 'id="ref-1"' in page
    assert r"\(a \\ b\)" in page
    assert "line one\nline two\nline three" in page
    first_light = client.get(FIRST_LIGHT).text
    assert "&lt;!--more--&gt;" not in first_light
    assert "Gulls over the water," in first_light


def test_report_says_which_posts_stayed_html_and_why(app, posts_dir):
    """The <pre> with tabs could not be Markdown: the report names it and why."""
    result = run_import(app, HABITS)
    assert (
        "1 article(s) gardé(s) en HTML, en entier ou en partie "
        "(en Markdown, le lecteur aurait vu autre chose) :" in result.output
    )
    assert "  2009/04/kept-as-it-was.md : 1 bloc(s) (code)" in result.output
    kept = (posts_dir / "2009/04/kept-as-it-was.md").read_text(encoding="utf-8")
    assert "<pre>def f():\n&#9;return 1</pre>" in kept
    assert "\nPlain words.\n" in kept  # the rest of the post is Markdown


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared Blogger sample missing")
def test_shared_sample_language_is_reported(app, posts_dir):
    """The real backup says its blog is in Dutch: the report and posts say so."""
    result = run_import(app, SAMPLE)
    assert "Langue du blog : nl." in result.output
    post = (posts_dir / "2010/11/the-steel-windpipe.md").read_text(encoding="utf-8")
    assert "lang: nl\n" in post
