"""``import-blogger --download-images``: the posts' images brought home.

Every image a post uses from Blogger's hosts (its ``<img>`` and the
full-size version its thumbnail links to) is saved in a folder named after
the post, beside it: ``posts/2011/10/nach-suzhou.md`` gets
``posts/2011/10/nach-suzhou/photo-s1600.jpg``, and the post then points at
``nach-suzhou/photo-s1600.jpg`` (a path relative to the post's file).

A post is rewritten once its images are fetched, atomically; an image is
written whole or not at all. A second run skips what is there, so an
interrupted download resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from datetime import tzinfo
from pathlib import Path
from urllib.parse import unquote, urlsplit

from app.content.problems import PostReadError
from app.content.reader import read_post
from app.importers.fetch import Fetcher, FetchError, is_blogger_image
from app.importers.files import id_key
from app.importers.report import ImageReport
from app.importers.signals import GUARD, Terminated

# An address in Markdown or in HTML attributes (absolute or protocol-relative).
_URL = re.compile(
    r"""(?<![\w:/])(?:https?:)?//[A-Za-z0-9.-]+(?::\d+)?/[^\s"'<>()\[\]]*"""
)
# Blogger's size segments: /s1600/, /w400-h300/, /s320-c/, and "=s1600".
_SIZE = re.compile(r"^(?:[swh]\d+(?:-[a-z0-9]+)*|w\d+-h\d+(?:-[a-z0-9]+)*)$", re.I)
_IMAGE_EXTENSIONS = frozenset("jpg jpeg png gif webp svg bmp avif tif tiff".split())
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def image_urls(text: str) -> list[str]:
    """Return the Blogger image addresses in a post, in order, each once."""
    found = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;")
        full = "https:" + url if url.startswith("//") else url
        if is_blogger_image(full) and url not in found:
            found.append(url)
    return found


def _name(url: str) -> tuple[str, str]:
    """Return the file name (stem, extension) an image address suggests."""
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    last = segments[-1] if segments else ""
    last, _, size = last.partition("=")  # lh3…/abc=s1600
    size = size if _SIZE.match(size) else ""
    if _SIZE.match(last) and len(segments) > 1:  # …/AVvXsE…/s1600/
        size, last = last, segments[-2]
    elif len(segments) > 1 and _SIZE.match(segments[-2]):  # …/s320/photo.jpg
        size = segments[-2]
    stem, dot, extension = last.rpartition(".")
    if not dot or extension.lower() not in _IMAGE_EXTENSIONS:
        stem, extension = last, ""
    stem = _SAFE.sub("-", stem).strip("-.")
    if not stem or len(stem) > 40:
        stem = "image"  # an opaque Google id says nothing to the author
    return (f"{stem}-{size.lower()}" if size else stem), extension.lower()


def local_names(urls: list[str]) -> dict[str, tuple[str, str]]:
    """Name each image of a post; names two addresses share get a short hash."""
    names = {url: _name(url) for url in urls}
    stems: dict[str, int] = {}
    for stem, _ in names.values():
        stems[stem] = stems.get(stem, 0) + 1
    for url, (stem, extension) in names.items():
        if stems[stem] > 1:
            tag = hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]
            names[url] = (f"{stem}-{tag}", extension)
    return names


def _present(folder: Path, stem: str, extension: str) -> Path | None:
    """Return an image already downloaded under this name, if any."""
    if extension:
        path = folder / f"{stem}.{extension}"
        return path if path.is_file() else None
    for path in folder.glob(f"{stem}.*"):
        if path.suffix[1:].lower() in _IMAGE_EXTENSIONS | {"img"}:
            return path
    return None


def localise_post(path: Path, fetcher: Fetcher, report: ImageReport) -> bool:
    """Fetch a post's Blogger images beside it and point the post at them.

    Return False when SIGTERM asked to stop (what was fetched is kept and
    the post points at it).
    """
    text = path.read_text(encoding="utf-8")
    urls = image_urls(text)
    if not urls:
        return True
    folder = path.parent / path.stem
    for stale in folder.glob(".*.part-*"):
        stale.unlink(missing_ok=True)  # left by a run killed mid-download
    local: dict[str, str] = {}
    finished = True
    for url, (stem, extension) in local_names(urls).items():
        found = _present(folder, stem, extension)
        if found is not None:
            report.present += 1
        else:
            full = "https:" + url if url.startswith("//") else url
            try:
                with GUARD.interruptible():
                    found = fetcher.fetch(full, folder, stem, extension)
            except FetchError as error:
                report.failed.append((full, str(error)))
                continue
            except Terminated:
                finished = False
                break
            report.fetched += 1
        local[url] = f"{path.stem}/{found.name}"
    if local:
        with GUARD.shielded():
            _rewrite(path, text, local)
        report.posts += 1
    return finished


def _rewrite(path: Path, text: str, local: dict[str, str]) -> None:
    """Replace image addresses by local paths and swap the file in atomically."""
    for url, relative in local.items():
        pattern = r"(?<=[(\"'=\s<])" + re.escape(url) + r"(?=[)\"'\s>]|$)"
        text = re.sub(pattern, relative, text)
    temporary = path.parent / f".{path.name}.carnet-{secrets.token_hex(4)}"
    try:
        with temporary.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def download_images(
    posts_dir: Path, blogger_ids: set[str], tz: tzinfo, fetcher: Fetcher
) -> ImageReport:
    """Bring home the images of every post of the export found in ``posts_dir``."""
    report = ImageReport()
    for path in sorted(posts_dir.rglob("*.md")):
        relative = path.relative_to(posts_dir).parts
        if any(part.startswith(".") for part in relative):
            continue
        try:
            post = read_post(path, posts_dir, tz)
        except (PostReadError, OSError):
            continue
        if not post.blogger_id or id_key(post.blogger_id) not in blogger_ids:
            continue  # not a post of this blog: the author's own, left alone
        try:
            finished = localise_post(path, fetcher, report)
        except OSError as error:  # a full disk, a read-only folder: say which post
            report.failed.append((str(path.relative_to(posts_dir)), str(error)))
            continue
        if not finished:
            report.interrupted = True
            break
    return report
