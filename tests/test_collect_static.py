"""``flask collect-static DIR``: the static files, as nginx serves them."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from app.static_files import StaticFiles

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"


def collect(runner, target: Path):
    """Run the command on ``target``; return its result."""
    return runner.invoke(args=["collect-static", str(target)])


def test_every_static_file_is_copied_under_its_versioned_and_plain_names(
    runner, tmp_path
):
    target = tmp_path / "collected"
    result = collect(runner, target)
    assert result.exit_code == 0, result.output
    originals = [p for p in STATIC.rglob("*") if p.is_file()]
    assert originals
    for original in originals:
        name = original.relative_to(STATIC)
        assert (target / name).read_bytes() == original.read_bytes()
        [versioned] = target.joinpath(name.parent).glob(
            f"{original.stem}.????????????{original.suffix}"
        )
        assert versioned.read_bytes() == original.read_bytes()
        # nginx runs as another user than the one who deploys.
        assert versioned.stat().st_mode & stat.S_IROTH
    assert f"{2 * len(originals)} fichier(s) copié(s)" in result.output


def test_the_stylesheet_a_page_links_is_in_the_collected_folder(
    client, runner, tmp_path
):
    assert collect(runner, tmp_path / "collected").exit_code == 0
    page = client.get("/").get_data(as_text=True)
    hrefs = re.findall(r'href="/static/([^"]+\.css)"', page)
    assert hrefs
    for href in hrefs:
        with client.get(f"/static/{href}") as served:
            assert (tmp_path / "collected" / href).read_bytes() == served.data


def test_collecting_again_copies_nothing_and_keeps_earlier_versions(runner, tmp_path):
    target = tmp_path / "collected"
    earlier = target / "css" / "carnet.0123456789ab.css"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("body { color: red }", encoding="utf-8")
    assert collect(runner, target).exit_code == 0
    again = collect(runner, target)
    assert again.exit_code == 0
    assert "0 fichier(s) copié(s)" in again.output
    assert "1 ancienne(s) version(s) gardée(s)" in again.output
    assert earlier.read_text(encoding="utf-8") == "body { color: red }"


def test_a_changed_file_gets_a_new_version_beside_the_old_one(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    sheet = static / "css" / "site.css"
    sheet.write_text("p { margin: 0 }", encoding="utf-8")
    files = StaticFiles(static)
    target = tmp_path / "collected"
    assert files.collect(target).copied == 2
    first = files.versioned("css/site.css")

    sheet.write_text("p { margin: 1em }", encoding="utf-8")
    later = sheet.stat().st_mtime_ns + 1_000_000_000
    os.utime(sheet, ns=(later, later))  # a deploy a second later
    done = files.collect(target)
    second = files.versioned("css/site.css")
    assert second != first
    assert (done.copied, done.older) == (2, 1)
    assert (target / first).read_text(encoding="utf-8") == "p { margin: 0 }"
    assert (target / second).read_text(encoding="utf-8") == "p { margin: 1em }"
    assert (target / "css/site.css").read_text(encoding="utf-8") == "p { margin: 1em }"
    # Nothing half-written is left behind.
    assert not list(target.rglob(".collect-*"))


def test_hidden_files_are_not_collected(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / ".DS_Store").write_bytes(b"\0")
    (static / "robots.txt").write_text("", encoding="utf-8")
    assert StaticFiles(static).names() == ["robots.txt"]


def test_a_folder_inside_static_is_refused_with_a_message(runner):
    target = STATIC / "collected"
    result = collect(runner, target)
    assert result.exit_code == 1
    assert "choisissez un dossier à part" in result.output
    assert "Traceback" not in result.output
    assert not target.exists()


def test_a_file_in_place_of_the_folder_is_refused_with_a_message(runner, tmp_path):
    in_the_way = tmp_path / "collected"
    in_the_way.write_text("", encoding="utf-8")
    result = collect(runner, in_the_way)
    assert result.exit_code == 2
    assert "is a file" in result.output
