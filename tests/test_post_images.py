"""Images beside a post: addresses, sizes, srcset, and the copies readers get."""

from __future__ import annotations

import os

from bs4 import BeautifulSoup
from pictures import (
    GPS_IFD,
    ORIENTATION,
    exif_of,
    fetch,
    format_of,
    photo_bytes,
    size_of,
    write_photo,
)

from app.content.markdown import render_markdown

POST = "/2026/05/tour-du-lac.html"
LAKE = "/media/2026/05/lac.jpg"


def write_lake_post(posts_dir, body: str | None = None) -> None:
    """Write posts/2026/05/tour-du-lac.md and its photos beside it."""
    folder = posts_dir / "2026" / "05"
    write_photo(folder / "lac.jpg", size=(2000, 1200))
    write_photo(folder / "tour-du-lac" / "sentier.jpg", size=(1200, 1600))
    write_photo(folder / "portrait.jpg", size=(1000, 600), orientation=6)
    (folder / "carte.pdf").write_bytes(b"%PDF-1.4 carte")
    (folder / "tour-du-lac.md").write_text(
        "---\ntitle: Le tour du lac\nslug: tour-du-lac\ndate: 2026-05-10 09:00\n"
        "labels: [montagne, lac]\n---\n"
        + (
            body
            or "Au départ :\n\n![Le lac au matin](lac.jpg)\n\n"
            "Le sentier : ![Le sentier](tour-du-lac/sentier.jpg)\n\n"
            "![Marie, de profil](portrait.jpg)\n\n"
            "La [carte](carte.pdf) et une photo d'ailleurs : "
            "![Ailleurs](https://example.org/a.jpg)\n"
        ),
        encoding="utf-8",
    )


def images_of(client, path: str = POST):
    """Return the images in the post's body, as BeautifulSoup tags."""
    response = client.get(path)
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return page.select(".post-body img"), page


def test_an_image_beside_a_post_resolves_to_its_media_address(make_app, posts_dir):
    write_lake_post(posts_dir)
    images, page = images_of(make_app().test_client())
    lake, path, portrait, elsewhere = images
    assert lake["src"].startswith(LAKE)
    assert path["src"].startswith("/media/2026/05/tour-du-lac/sentier.jpg")
    assert elsewhere["src"] == "https://example.org/a.jpg"
    assert page.select_one('.post-body a[href="/media/2026/05/carte.pdf"]').text == (
        "carte"
    )


def test_images_get_their_size_srcset_and_lazy_loading_after_the_first(
    make_app, posts_dir
):
    write_lake_post(posts_dir)
    lake, path, portrait, elsewhere = images_of(make_app().test_client())[0]
    assert (lake["width"], lake["height"]) == ("2000", "1200")
    assert (path["width"], path["height"]) == ("1200", "1600")
    assert lake.get("loading") is None  # the first one is wanted at once
    assert path["loading"] == "lazy" and elsewhere["loading"] == "lazy"
    assert lake["srcset"] == (
        f"{LAKE}?w=480 480w, {LAKE}?w=960 960w, {LAKE}?w=1600 1600w"
    )
    assert lake["sizes"] and lake["alt"] == "Le lac au matin"
    # Never wider than the picture itself.
    assert path["srcset"].endswith("?w=1200 1200w")
    webp = lake.find_parent("picture").find("source")
    assert webp["type"] == "image/webp"
    assert f"{LAKE}?w=960&f=webp 960w" in webp["srcset"]


def test_a_turned_photo_has_the_size_it_is_shown_at(make_app, posts_dir):
    write_lake_post(posts_dir)
    portrait = images_of(make_app().test_client())[0][2]
    # Stored 1000×600, EXIF orientation 6: shown a quarter turned, 600×1000.
    assert (portrait["width"], portrait["height"]) == ("600", "1000")


def test_raw_html_images_are_rewritten_too(make_app, posts_dir):
    write_lake_post(
        posts_dir,
        '<div class="separator"><a href="lac.jpg"><img src="lac.jpg" '
        'width="320" alt="Le lac"></a></div>\n',
    )
    response = make_app().test_client().get(POST)
    html = response.get_data(as_text=True)
    assert f'<a href="{LAKE}"><img src="{LAKE}" width="320" alt="Le lac"></a>' in html


def test_rendering_without_a_post_leaves_addresses_as_written():
    # The importer's round-trip check renders Markdown on its own.
    html = render_markdown("![Le lac](lac.jpg) et [plan](plan.pdf)")
    assert 'src="lac.jpg"' in html and 'href="plan.pdf"' in html
    assert "srcset" not in html


def test_copies_are_made_after_the_request_and_the_original_serves_meanwhile(
    make_app, posts_dir
):
    write_lake_post(posts_dir)
    app = make_app()
    client = app.test_client()
    original = (posts_dir / "2026" / "05" / "lac.jpg").read_bytes()
    first = fetch(client, f"{LAKE}?w=480")
    assert first.status_code == 200 and first.data == original
    assert first.headers["Cache-Control"] == "no-cache"
    app.extensions["carnet_copies"].settle()
    copy = fetch(client, f"{LAKE}?w=480")
    assert copy.headers["Cache-Control"] == "public, max-age=86400"
    assert copy.mimetype == "image/jpeg" and format_of(copy.data) == "JPEG"
    assert size_of(copy.data) == (480, 288)
    assert len(copy.data) < len(original)
    webp = fetch(client, f"{LAKE}?w=960&f=webp")
    assert webp.mimetype == "image/webp" and format_of(webp.data) == "WEBP"
    assert size_of(webp.data) == (960, 576)


def test_served_copies_are_upright_and_carry_no_gps(make_app, posts_dir):
    write_lake_post(posts_dir)
    app = make_app()
    client = app.test_client()
    address = "/media/2026/05/portrait.jpg?w=480"
    served_first = fetch(client, address).data
    assert GPS_IFD in exif_of(served_first)  # the original, until copies exist
    app.extensions["carnet_copies"].settle()
    for kind in ("", "&f=webp"):
        copy = fetch(client, address + kind).data
        exif = exif_of(copy)
        assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
        assert ORIENTATION not in exif
        # Turned upright: the stored 1000×600 shown 600×1000, at 480 wide.
        assert size_of(copy) == (480, 800)


def test_copies_are_made_again_when_the_image_changes(make_app, posts_dir, tmp_path):
    write_lake_post(posts_dir)
    app = make_app()
    client = app.test_client()
    maker = app.extensions["carnet_copies"]
    fetch(client, f"{LAKE}?w=480")
    maker.settle()
    old = fetch(client, f"{LAKE}?w=480")
    assert size_of(old.data) == (480, 288)

    photo = posts_dir / "2026" / "05" / "lac.jpg"
    photo.write_bytes(photo_bytes(size=(1000, 1000), colour="darkgreen"))
    later = photo.stat().st_mtime_ns + 10**9
    os.utime(photo, ns=(later, later))
    meanwhile = fetch(client, f"{LAKE}?w=480")
    assert meanwhile.data == photo.read_bytes()  # the new original, not the old copy
    maker.settle()
    new = fetch(client, f"{LAKE}?w=480")
    assert size_of(new.data) == (480, 480)
    assert new.headers["ETag"] != old.headers["ETag"]
    kept = sorted(p.name for p in (tmp_path / "images/2026/05/lac.jpg").iterdir())
    # The old version's copies are gone; the new one has 3 widths × 2 formats.
    assert len(kept) == 6 and len({name.split("-")[0] for name in kept}) == 1


def test_a_copy_of_a_size_not_offered_answers_404(make_app, posts_dir):
    write_lake_post(posts_dir)
    client = make_app().test_client()
    for query in ("w=123", "w=3200", "w=abc", "w=480&f=gif", "f=webp&w=", "w=²"):
        assert fetch(client, f"{LAKE}?{query}").status_code == 404, query
    (posts_dir / "anim.gif").write_bytes(photo_bytes(kind="GIF", size=(600, 400)))
    assert fetch(client, "/media/anim.gif?w=480").status_code == 404
    assert fetch(client, "/media/anim.gif").status_code == 200
