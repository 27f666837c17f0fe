"""`flask import-blogger`: both formats, every old URL, idempotent, all or nothing."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from importing import (
    SAMPLE,
    TAKEOUT,
    by_blogger_id,
    comments,
    run_import,
    snapshot,
)
from sqlalchemy import event

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.importers import journal


@pytest.mark.skipif(
    not SAMPLE.exists(), reason=f"shared Blogger sample missing: {SAMPLE}"
)
def test_backup_sample_serves_the_post_with_its_comment_and_the_page(app, client):
    """The real old-format backup gives its post, its approved comment and its page."""
    result = run_import(app, SAMPLE)
    assert result.exit_code == 0, result.output
    assert "2 article(s) et 2 page(s)" in result.output

    page = client.get("/2010/11/the-steel-windpipe.html")
    assert page.status_code == 200
    assert "The Steel Windpipe" in page.text
    assert "Mishka, always a pleasure to read your adventures!" in page.text
    assert "Thomas Isidore Noël Sankara" in page.text
    assert client.get("/p/test-page.html").status_code == 200
    [comment] = comments(app)
    assert comment.status == CommentStatus.APPROVED
    assert comment.post_url == "/2010/11/the-steel-windpipe.html"
    assert not comment.is_author


@pytest.mark.skipif(
    not SAMPLE.exists(), reason=f"shared Blogger sample missing: {SAMPLE}"
)
def test_backup_sample_draft_is_written_as_a_draft_and_not_served(
    app, client, posts_dir
):
    """The `app:draft` post, whose namespace the file never declares, stays a draft."""
    run_import(app, SAMPLE)
    draft = posts_dir / "2010" / "11" / "black-as-egypts-night.md"
    text = draft.read_text(encoding="utf-8")
    assert "draft: true" in text
    assert "labels: [Interesting cases, amputations]" in text
    assert client.get("/2010/11/black-as-egypts-night.html").status_code == 404
    assert client.get("/p/test-page-2.html").status_code == 404


def test_takeout_feed_keeps_every_old_url(app, client, posts_dir):
    """Posts, back-dated post, page and untitled post answer at their Blogger URLs."""
    result = run_import(app, TAKEOUT)
    assert result.exit_code == 0, result.output
    assert "5 article(s) et 1 page(s), dont 1 brouillon(s) ; 4 commentaire(s)" in (
        result.output
    )
    assert client.get("/2011/10/nach-suzhou.html").status_code == 200
    assert client.get("/p/a-propos-du-blog.html").status_code == 200
    assert client.get("/2011/11/blog-post.html").status_code == 200
    # Written in March 2012 but dated Christmas 2011: the old address is kept
    # as an alias, which redirects for good to the post's address.
    old = client.get("/2012/03/un-billet-antidate.html")
    assert old.status_code == 301
    assert old.headers["Location"] == "/2011/12/un-billet-antidate.html"
    moved = client.get(old.headers["Location"])
    assert moved.status_code == 200
    assert "Un billet antidaté" in moved.text
    assert client.get("/2099/01/un-billet-programme.html").status_code == 404


def test_takeout_front_matter_keeps_title_date_labels_and_state(app, posts_dir):
    """Front matter carries title, local date, labels, author, draft and the ids."""
    run_import(app, TAKEOUT)
    post = (posts_dir / "2011" / "10" / "nach-suzhou.md").read_text(encoding="utf-8")
    assert "title: Nach Suzhou\n" in post
    assert "date: 2011-10-03 21:40\n" in post  # 19:40 UTC, in Paris time
    assert "labels: [voyage, Chine]\n" in post
    assert "author: Claire Dupont\n" in post
    assert "blogger_id: tag:blogger.com,1999:blog-4242.post-1001\n" in post
    assert "&nbsp;" not in post and "\xa0" not in post
    assert '<table border="1" cellpadding="4"' in post
    assert "\n<!--more-->\n" in post
    backdated = posts_dir / "2011" / "12" / "un-billet-antidate.md"
    assert "aliases: [/2012/03/un-billet-antidate.html]" in backdated.read_text()
    draft = (posts_dir / "2012" / "05" / "brouillon-a-finir.md").read_text()
    assert "draft: true" in draft and "title: 'Brouillon : à finir'" in draft
    scheduled = (posts_dir / "2099" / "01" / "un-billet-programme.md").read_text()
    assert "draft: false" in scheduled and "date: 2099-01-15 09:00" in scheduled
    untitled = (posts_dir / "2011" / "11" / "blog-post.md").read_text()
    assert "title: Une photo du lac Taihu" in untitled
    assert not (posts_dir / "2011" / "09").exists()  # the trashed post


def test_takeout_comments_keep_threads_authors_and_skip_spam(app, client):
    """Replies hang on their parent, the author is recognised, spam never lands."""
    result = run_import(app, TAKEOUT)
    assert "commentaire spam) : 1" in result.output
    assert "gardés comme tels (invisibles, sauf pour situer leurs réponses) : 1." in (
        result.output
    )
    assert "commentaire sur un article non importé) : 1" in result.output
    rows = by_blogger_id(app)
    assert set(rows) == {"3001", "3002", "3003", "3005", "3006"}
    # Trashed on Blogger: stored as deleted, never shown on its own.
    assert rows.pop("3005").status == CommentStatus.DELETED
    assert rows["3002"].parent_id == rows["3001"].id
    assert rows["3002"].is_author and not rows["3001"].is_author
    assert rows["3003"].author == "Anonyme" and rows["3003"].website is None
    assert rows["3001"].website is None  # a blogger.com profile is not a website
    assert rows["3001"].body == (
        "Quel voyage ! J'irai <b>aussi</b>.\n"
        'Voir <a href="https://exemple.org/suzhou">mon récit</a>.'
    )
    assert rows["3006"].website == "https://sophie.example.net/"
    assert rows["3006"].post_url == "/2011/12/un-billet-antidate.html"
    assert all(r.status == CommentStatus.APPROVED for r in rows.values())
    page = client.get("/2011/10/nach-suzhou.html").text
    assert "Quel voyage" in page and "Merci Paul, bon voyage" in page
    assert "Buy cheap pills" not in page


def test_report_speaks_english_when_the_site_does(make_app, tmp_path, posts_dir):
    """With ``locale = "en"`` the counts, skip reasons and errors are English."""
    app = make_app(settings={"site": {"locale": "en"}})
    result = run_import(app, TAKEOUT)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Read: {TAKEOUT}.",
        "Imported: 5 post(s) and 1 page(s), 1 of them draft(s); 4 comment(s).",
        "Comments deleted on Blogger, kept as such (hidden, except to place their "
        "replies): 1.",
        "Skipped (comment on a post not imported): 1.",
        "Skipped (deleted post): 1.",
        "Skipped (spam comment): 1.",
        "For blog.toml, from the blog's settings:",
        "  [site]",
        '  title = "Carnet de route"',
        f"The files written to {posts_dir} exist only on this machine: "
        "commit them to git or copy them to the other hosts.",
    ]
    bad = tmp_path / "export.xml"
    bad.write_bytes(b'<?xml version="1.0"?><rss version="2.0"></rss>')
    refused = run_import(app, bad)
    assert refused.exit_code != 0
    assert f"{bad}: not a Blogger export" in refused.output


def test_second_run_changes_nothing(app, posts_dir):
    """Importing the same export twice adds no file, no byte and no comment."""
    first = run_import(app, TAKEOUT)
    before, count = snapshot(posts_dir), len(comments(app))
    second = run_import(app, TAKEOUT)
    assert second.exit_code == 0, second.output
    assert "0 article(s) et 0 page(s), dont 0 brouillon(s) ; 0 commentaire(s)" in (
        second.output
    )
    assert "Déjà présents (inchangés) : 11." in second.output
    assert "n'existent que sur cette machine" in first.output
    assert "n'existent que sur cette machine" not in second.output  # none written
    assert snapshot(posts_dir) == before
    assert len(comments(app)) == count == 5
    assert first.exit_code == 0


def test_existing_file_with_the_same_name_is_never_overwritten(app, posts_dir):
    """A hand-written file at the imported post's path is kept; the post is skipped."""
    mine = posts_dir / "2011" / "10" / "nach-suzhou.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\ntitle: À moi\ndate: 2011-10-01 10:00\n---\nMon texte.\n")
    result = run_import(app, TAKEOUT)
    assert result.exit_code == 0
    assert "fichier déjà présent" in result.output
    assert (
        mine.read_text()
        == "---\ntitle: À moi\ndate: 2011-10-01 10:00\n---\nMon texte.\n"
    )
    # Its comments have no post to hang on.
    assert set(by_blogger_id(app)) == {"3006"}


@pytest.mark.parametrize(
    "content",
    [
        b"this is not XML at all \x00\xff",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel>'
        b"</rss>",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Not Blogger</title></feed>',
        TAKEOUT.read_bytes()[:300],  # cut inside the first entry
        b"",
    ],
    ids=["not-xml", "rss", "other-atom", "truncated", "empty"],
)
def test_garbage_input_is_refused_in_one_line(app, posts_dir, tmp_path, content):
    """Anything but a Blogger export: one line, non-zero exit, nothing written."""
    bad = tmp_path / "export.xml"
    bad.write_bytes(content)
    before = snapshot(posts_dir)
    result = run_import(app, bad)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(errors) == 1
    assert snapshot(posts_dir) == before
    assert comments(app) == []
    assert not list(tmp_path.glob(".carnet-import-*"))


def test_truncated_export_keeps_what_precedes_and_warns(app, posts_dir, tmp_path):
    """A file cut mid-way imports the whole entries before the cut, and says so."""
    data = TAKEOUT.read_bytes()
    cut = data.index(b"<title>Brouillon")  # inside the third entry
    bad = tmp_path / "feed.atom"
    bad.write_bytes(data[:cut])
    result = run_import(app, bad)
    assert result.exit_code == 0, result.output
    assert "Avertissement : feed.atom : XML abîmé à la ligne 49 (" in result.output
    assert "2 entrée(s) lue(s) avant, la suite est ignorée" in result.output
    assert "2 article(s)" in result.output
    assert (posts_dir / "2011" / "10" / "nach-suzhou.md").exists()
    assert not (posts_dir / "2012" / "05").exists()


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_interrupted_import_leaves_nothing_half_done(
    app, posts_dir, monkeypatch, failure
):
    """Killed while moving files in: no new file, no comment, no temporary folder."""
    before = snapshot(posts_dir)
    real_replace = os.replace
    moves = []

    def replace_then_fail(src, dst):
        """Move two files, then fail like Ctrl-C or a full disk would."""
        if len(moves) == 2:
            raise failure("interrupted")
        moves.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(journal.os, "replace", replace_then_fail)
    result = run_import(app, TAKEOUT)
    assert result.exit_code != 0
    assert len(moves) == 2
    assert snapshot(posts_dir) == before
    assert not (posts_dir / "2011" / "10").exists()
    assert comments(app) == []
    assert not list(posts_dir.parent.glob(".carnet-import-*"))


def test_failure_in_the_database_step_leaves_no_file(app, posts_dir):
    """A database error before commit rolls back and writes no post."""
    before = snapshot(posts_dir)

    def broken(conn, cursor, statement, *args):
        """Fail the comments' INSERT as a locked or full database would."""
        if statement.lstrip().startswith(f"INSERT INTO {Comment.__tablename__} "):
            raise sa.exc.OperationalError(
                statement, {}, Exception("database is locked")
            )

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", broken)
    try:
        result = run_import(app, TAKEOUT)
    finally:
        event.remove(engine, "before_cursor_execute", broken)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert snapshot(posts_dir) == before
    assert comments(app) == []


def test_posts_dir_option_writes_elsewhere(app, tmp_path):
    """`--posts-dir` sends the files to another folder."""
    target = tmp_path / "ailleurs"
    result = run_import(app, TAKEOUT, "--posts-dir", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "pages" / "a-propos-du-blog.md").exists()


def test_post_whose_url_another_file_claims_is_skipped(app, client, posts_dir):
    """A hand-written post already at the address keeps it; no duplicate URL."""
    mine = posts_dir / "suzhou.md"
    mine.write_text(
        "---\ntitle: Mon Suzhou\ndate: 2011-10-01 10:00\nslug: nach-suzhou\n---\n"
        "À moi.\n"
    )
    result = run_import(app, TAKEOUT)
    assert "adresse déjà prise" in result.output
    assert not (posts_dir / "2011" / "10" / "nach-suzhou.md").exists()
    assert "À moi." in client.get("/2011/10/nach-suzhou.html").text


def test_slug_the_engine_refuses_gets_a_clean_one_and_an_alias(app, client, tmp_path):
    """A Blogger URL with spaces or odd characters still answers, by redirect."""
    feed = TAKEOUT.read_text(encoding="utf-8").replace(
        "/2011/11/blog-post.html", "/2011/11/lac%20Taihu+photo.html"
    )
    export = tmp_path / "feed.atom"
    export.write_text(feed, encoding="utf-8")
    assert run_import(app, export).exit_code == 0
    old = client.get("/2011/11/lac%20Taihu+photo.html")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/2011/11/lac-taihu-photo.html")


BACKUP_WITH_REPLIES = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:thr='http://purl.org/syndication/thread/1.0'>
<id>tag:blogger.com,1999:blog-9.archive</id>
<author><name>Claire</name><uri>https://www.blogger.com/profile/1</uri></author>
<entry><id>tag:blogger.com,1999:blog-9.post-100</id>
<published>2013-02-03T10:00:00.000+01:00</published>
<category scheme='http://schemas.google.com/g/2005#kind'
 term='http://schemas.google.com/blogger/2008/kind#post'/>
<category scheme='http://www.blogger.com/atom/ns#' term='hiver'/>
<title type='text'>Neige</title><content type='html'>Il neige.</content>
<link rel='alternate' type='text/html' href='http://x.blogspot.com/2013/02/neige.html'/>
<author><name>Claire</name><uri>https://www.blogger.com/profile/1</uri></author>
</entry>
<entry><id>tag:blogger.com,1999:blog-9.post-501</id>
<published>2013-02-04T10:00:00.000+01:00</published>
<category scheme='http://schemas.google.com/g/2005#kind'
 term='http://schemas.google.com/blogger/2008/kind#comment'/>
<content type='html'>Belle neige</content>
<author><name>Anonymous</name></author>
<thr:in-reply-to ref='tag:blogger.com,1999:blog-9.post-100'/>
</entry>
<entry><id>tag:blogger.com,1999:blog-9.post-502</id>
<published>2013-02-05T10:00:00.000+01:00</published>
<category scheme='http://schemas.google.com/g/2005#kind'
 term='http://schemas.google.com/blogger/2008/kind#comment'/>
<content type='html'>Merci !</content>
<link rel='related' type='application/atom+xml'
 href='https://www.blogger.com/feeds/9/100/comments/default/501'/>
<author><name>Claire</name><uri>https://www.blogger.com/profile/1</uri></author>
<thr:in-reply-to ref='tag:blogger.com,1999:blog-9.post-100'/>
</entry>
</feed>
"""


def test_backup_replies_hang_on_their_parent_and_the_author_is_known(app, tmp_path):
    """In the old format a `related` link threads a reply; the author is known."""
    export = tmp_path / "blog-02-05-2013.xml"
    export.write_text(BACKUP_WITH_REPLIES, encoding="utf-8")
    result = run_import(app, export)
    assert result.exit_code == 0, result.output
    rows = by_blogger_id(app)
    assert rows["502"].parent_id == rows["501"].id
    assert rows["502"].is_author and not rows["501"].is_author
    assert rows["501"].author == "Anonyme"
    assert {r.post_url for r in rows.values()} == {"/2013/02/neige.html"}
