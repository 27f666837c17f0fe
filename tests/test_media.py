"""/media/: the files beside the posts, served with their type, and nothing else."""

from __future__ import annotations

import os

import pytest
from pictures import fetch, photo_bytes, write_photo


def test_an_image_beside_a_post_is_served_at_its_path_under_media(client, posts_dir):
    photo = write_photo(posts_dir / "2026" / "05" / "lac.jpg")
    response = fetch(client, "/media/2026/05/lac.jpg")
    assert response.status_code == 200
    assert response.data == photo.read_bytes()
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = fetch(client, "/media/2026/05/lac.jpg", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize(
    ("name", "mimetype"),
    [
        ("plan.pdf", "application/pdf"),
        ("chant.mp3", "audio/mpeg"),
        ("vague.webm", "video/webm"),
        ("PHOTO.JPG", "image/jpeg"),
        ("dessin.png", "image/png"),
    ],
)
def test_each_allowed_kind_of_media_gets_its_content_type(
    client, posts_dir, name, mimetype
):
    (posts_dir / "2011" / name).write_bytes(b"\x00\x01 contenu")
    response = fetch(client, f"/media/2011/{name}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_changed_file_gets_a_new_etag(client, posts_dir):
    photo = posts_dir / "lac.jpg"
    photo.write_bytes(photo_bytes(colour="steelblue"))
    first = fetch(client, "/media/lac.jpg").headers["ETag"]
    photo.write_bytes(photo_bytes(colour="darkgreen"))
    response = fetch(client, "/media/lac.jpg", headers={"If-None-Match": first})
    assert response.status_code == 200
    assert response.headers["ETag"] != first


def test_svg_is_never_served_as_an_active_document(client, posts_dir):
    (posts_dir / "carte.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        encoding="utf-8",
    )
    response = fetch(client, "/media/carte.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    policy = response.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy


def test_video_can_be_fetched_in_ranges(client, posts_dir):
    (posts_dir / "vague.mp4").write_bytes(bytes(range(256)) * 4)
    response = fetch(client, "/media/vague.mp4", headers={"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert response.data == bytes(range(10))


@pytest.mark.parametrize(
    "address",
    [
        "/media/2012-code.md",  # a post's Markdown
        "/media/2011/guitariste.md",
        "/media/.cache.jpg",  # a dot-file
        "/media/.git/photo.jpg",  # inside a dot-folder
        "/media/notes.txt",  # not on the allow-list
        "/media/script.py",
        "/media/page.html",
        "/media/absent.jpg",
        "/media/",
    ],
)
def test_markdown_dot_files_and_other_files_answer_404(client, posts_dir, address):
    (posts_dir / ".cache.jpg").write_bytes(photo_bytes())
    (posts_dir / ".git").mkdir()
    (posts_dir / ".git" / "photo.jpg").write_bytes(photo_bytes())
    for name in ("notes.txt", "script.py", "page.html"):
        (posts_dir / name).write_text("secret", encoding="utf-8")
    response = fetch(client, address)
    assert response.status_code == 404
    assert b"secret" not in response.data


@pytest.mark.parametrize(
    "address",
    [
        "/media/../secret.jpg",
        "/media/%2e%2e/secret.jpg",
        "/media/2011/%2E%2E/%2E%2E/secret.jpg",
        "/media/2011/..%2F..%2Fsecret.jpg",
        "/media/%2Fetc/passwd.jpg",
        "/media//secret.jpg",
        "/media/2011\\..\\..\\secret.jpg",
    ],
)
def test_path_traversal_out_of_posts_answers_404(client, posts_dir, address):
    # posts_dir is tmp/posts: the secret sits right beside it.
    (posts_dir.parent / "secret.jpg").write_bytes(b"not for readers")
    # Doubled slashes are first redirected to the single-slash address.
    response = fetch(client, address, follow_redirects=True)
    assert response.status_code == 404
    assert b"not for readers" not in response.data


def test_a_symlink_out_of_posts_answers_404(client, posts_dir, tmp_path):
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    write_photo(outside / "prive.jpg")
    os.symlink(outside / "prive.jpg", posts_dir / "lien.jpg")
    os.symlink(outside, posts_dir / "dossier")
    assert fetch(client, "/media/lien.jpg").status_code == 404
    assert fetch(client, "/media/dossier/prive.jpg").status_code == 404


def test_a_symlink_dressed_as_an_image_to_a_post_answers_404(client, posts_dir):
    os.symlink(posts_dir / "2012-draft.md", posts_dir / "brouillon.jpg")
    response = fetch(client, "/media/brouillon.jpg")
    assert response.status_code == 404
    assert b"Pas encore pr" not in response.data


def test_a_symlink_inside_posts_to_an_image_is_served(client, posts_dir):
    photo = write_photo(posts_dir / "2011" / "lac.jpg")
    os.symlink(photo, posts_dir / "raccourci.jpg")
    response = fetch(client, "/media/raccourci.jpg")
    assert response.status_code == 200
    assert response.data == photo.read_bytes()


def test_a_missing_media_file_gets_no_stored_404(client):
    response = fetch(client, "/media/2011/absent.jpg")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_file_removed_while_being_served_answers_404(client, posts_dir, monkeypatch):
    write_photo(posts_dir / "lac.jpg")

    def vanished(path):
        raise FileNotFoundError(path)

    monkeypatch.setattr("app.media.routes.file_digest", vanished)
    assert fetch(client, "/media/lac.jpg").status_code == 404
