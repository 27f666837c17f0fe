"""Images and media links of a post, rewritten to ``/media/`` while rendering.

A Python-Markdown treeprocessor: an image written ``![Le lac](lac.jpg)`` in
``posts/2026/05/tour.md`` becomes ``/media/2026/05/lac.jpg``, with its size
(no layout shift while the page loads), ``loading="lazy"`` after the first
one, and ``srcset``/``sizes`` over its resized copies in a ``<picture>``
whose ``<source>`` offers WebP. Raw HTML (posts imported from Blogger) gets
its relative ``src`` and ``href`` rewritten too, nothing more. A rendering
without a :class:`MediaContext` (the importer's round-trip check) leaves
every address as written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

from app.content.images import WEBP, ImageInfo, image_info
from app.content.media import (
    local_address,
    local_reference,
    media_file,
    media_type,
    media_url,
)

# The post column is at most 42rem wide, the whole screen below 46rem.
SIZES = "(max-width: 46rem) 100vw, 42rem"
_RAW_TAG = re.compile(r"<(img|a|source|video|audio)\b[^>]*>", re.IGNORECASE)
_RAW_ADDRESS = re.compile(r"(\s(?:src|href|poster)\s*=\s*)([\"'])(.*?)\2", re.I | re.S)
_RAW_SRC = re.compile(r"\ssrc\s*=\s*([\"'])(.*?)\1", re.IGNORECASE | re.DOTALL)
_RAW_ALT = re.compile(r"\salt\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class ImageUse:
    """An image a post shows: its address as written, its alt text, its file."""

    address: str
    alt: str | None  # None: no alt attribute at all
    relative: str | None  # the path under posts/ when the image is local
    found: bool  # a local image whose file is there (True for remote ones)


@dataclass
class MediaContext:
    """Where the post being rendered lives; collects the images it shows."""

    source: Path
    posts_dir: Path
    images: list[ImageUse] = field(default_factory=list)

    def resolve(self, address: str) -> tuple[str, Path | None] | None:
        """Return (path under posts/, the file if served) for a local address."""
        relative = local_reference(address, self.source, self.posts_dir)
        if relative is None or media_type(relative) is None:
            return None
        return relative, media_file(self.posts_dir, relative)

    def note_image(self, address: str, alt: str | None) -> tuple[str, Path] | None:
        """Record an image the post shows; return its path and file when served."""
        relative = local_reference(address, self.source, self.posts_dir)
        found = self.resolve(address)
        path = found[1] if found is not None else None
        # Images on other sites are not ours to check.
        self.images.append(
            ImageUse(address, alt, relative, relative is None or path is not None)
        )
        if found is None or path is None:
            return None
        return found[0], path


def copy_address(relative: str, width: int, extension: str | None = None) -> str:
    """Return the address of a resized copy (``?w=960``, ``&f=webp`` for WebP)."""
    kind = f"&f={extension}" if extension == WEBP else ""
    return f"{media_url(relative)}?w={width}{kind}"


def _srcset(relative: str, info: ImageInfo, extension: str | None) -> str:
    """Return a srcset over every copy of one format."""
    return ", ".join(
        f"{copy_address(relative, width, extension)} {width}w" for width in info.widths
    )


class MediaTreeprocessor(Treeprocessor):
    """Point images and media links at ``/media/`` and give images their sizes."""

    def run(self, root: etree.Element) -> None:
        """Rewrite the tree, then the raw HTML kept aside by Markdown."""
        context: MediaContext | None = getattr(self.md, "carnet_media", None)
        if context is None:
            return
        first = True
        for parent in list(root.iter()):
            for position, child in enumerate(list(parent)):
                if child.tag == "img":
                    self._image(context, parent, position, child, lazy=not first)
                    first = False
                elif child.tag == "a":
                    self._link(context, child)
        stash = self.md.htmlStash.rawHtmlBlocks
        for number, block in enumerate(stash):
            if isinstance(block, str):
                stash[number] = _raw_html(context, block)

    def _link(self, context: MediaContext, link: etree.Element) -> None:
        """Point a link to a media file beside the post at its ``/media/`` address."""
        address = link.get("href") or ""
        found = context.resolve(address)
        if found is not None:
            link.set("href", local_address(address, found[0]))

    def _image(
        self,
        context: MediaContext,
        parent: etree.Element,
        position: int,
        image: etree.Element,
        lazy: bool,
    ) -> None:
        """Rewrite one image; a local one gets its size, srcset and picture."""
        address = image.get("src") or ""
        if lazy:
            image.set("loading", "lazy")
        found = context.resolve(address)
        if found is not None:
            image.set("src", local_address(address, found[0]))
        served = context.note_image(address, image.get("alt"))
        info = image_info(served[1]) if served is not None else None
        if served is None or info is None:
            return
        relative = served[0]
        if not image.get("width") and not image.get("height"):
            image.set("width", str(info.width))
            image.set("height", str(info.height))
        image.set("decoding", "async")
        if not info.widths:
            return
        # Until the copies exist, their addresses answer with the original.
        image.set("src", copy_address(relative, max(info.widths), info.extension))
        image.set("srcset", _srcset(relative, info, info.extension))
        image.set("sizes", SIZES)
        if info.extension == WEBP:
            return
        picture = etree.Element("picture")
        source = etree.SubElement(picture, "source")
        source.set("type", "image/webp")
        source.set("srcset", _srcset(relative, info, WEBP))
        source.set("sizes", SIZES)
        picture.tail, image.tail = image.tail, None
        parent[position] = picture
        picture.append(image)


def _raw_html(context: MediaContext, html: str) -> str:
    """Rewrite relative addresses of media in a block of the author's raw HTML."""

    def address(match: re.Match) -> str:
        found = context.resolve(match.group(3))
        if found is None:
            return match.group(0)
        new = local_address(match.group(3), found[0])
        return f"{match.group(1)}{match.group(2)}{new}{match.group(2)}"

    def tag(match: re.Match) -> str:
        text = match.group(0)
        if match.group(1).lower() == "img":
            src = _RAW_SRC.search(text)
            alt = "" if _RAW_ALT.search(text) else None
            context.note_image(src.group(2) if src else "", alt)
        return _RAW_ADDRESS.sub(address, text)

    return _RAW_TAG.sub(tag, html)


class MediaExtension(Extension):
    """Register the media treeprocessor (after inline parsing, before prettify)."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's API)
        """Add the treeprocessor to ``md``."""
        md.treeprocessors.register(MediaTreeprocessor(md), "carnet_media", 6)


@dataclass(frozen=True)
class FirstImage:
    """The first image of a rendered post: for ``og:image`` and feed thumbnails."""

    src: str
    alt: str
    width: int | None
    height: int | None


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"\s([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def first_image(html: str) -> FirstImage | None:
    """Return the first image of rendered post HTML that has an address, if any."""
    for tag in _IMG.finditer(html):
        attributes = {
            name.lower(): unescape(double if double is not None else single)
            for name, double, single in _ATTRIBUTE.findall(tag.group(0))
        }
        src = attributes.get("src", "").strip()
        if not src or src.startswith("data:"):
            continue
        return FirstImage(
            src=src,
            alt=attributes.get("alt", ""),
            width=_size(attributes.get("width")),
            height=_size(attributes.get("height")),
        )
    return None


def _size(value: str | None) -> int | None:
    """Return a width or height attribute as pixels, None when it is not one."""
    return int(value) if value and value.isascii() and value.isdigit() else None
