"""Images of posts: their size, and the resized copies ``srcset`` offers.

Reading an image's size costs Pillow its header only (no decoding), so the
renderer may ask for it; making the copies decodes the whole picture and is
left to a background step (app.media.copies). The copies are the pictures
readers get: EXIF orientation applied, every metadata block (GPS first of
all) left out, at 480, 960 and 1600 pixels wide, in WebP and in the
original's format.
"""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

#: The widths of the copies (never wider than the original).
WIDTHS = (480, 960, 1600)
#: The extra format every copy is also made in.
WEBP = "webp"
# The formats copies are made of, with the file extension of each. Animated
# GIFs and vector images are shown as they are.
_COPIED = {"JPEG": "jpg", "PNG": "png", "WEBP": WEBP}
_FORMATS = {"jpg": "JPEG", "png": "PNG", WEBP: "WEBP"}
# EXIF orientations that turn the picture a quarter: width and height swap.
_QUARTER_TURNS = {5, 6, 7, 8}
_ORIENTATION = 0x0112

_infos: dict[Path, tuple[tuple[int, int], ImageInfo | None]] = {}
_infos_lock = threading.Lock()


@dataclass(frozen=True)
class ImageInfo:
    """An image's size as shown (EXIF orientation applied) and its format."""

    width: int
    height: int
    format: str  # Pillow's name: JPEG, PNG, GIF, WEBP…

    @property
    def extension(self) -> str | None:
        """Return the extension of copies in the original's format, None if none."""
        return _COPIED.get(self.format)

    @property
    def widths(self) -> tuple[int, ...]:
        """Return the widths of the copies (the largest no wider than the image)."""
        if self.extension is None:
            return ()
        return tuple(sorted({min(width, self.width) for width in WIDTHS}))

    @property
    def kinds(self) -> tuple[str, ...]:
        """Return the extensions copies are made in: the original's, then WebP."""
        if self.extension is None:
            return ()
        return tuple(dict.fromkeys((self.extension, WEBP)))

    def height_at(self, width: int) -> int:
        """Return the height of a copy ``width`` pixels wide."""
        return max(1, round(self.height * width / self.width))


def image_info(path: Path) -> ImageInfo | None:
    """Return an image file's size and format (read again only when it changes).

    None when the file is missing or is no image Pillow knows.
    """
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (stat.st_mtime_ns, stat.st_size)
    known = _infos.get(path)
    if known is not None and known[0] == key:
        return known[1]
    info = _read_info(path)
    with _infos_lock:
        _infos[path] = (key, info)
    return info


def _read_info(path: Path) -> ImageInfo | None:
    """Read an image's header: size, format and EXIF orientation."""
    try:
        with Image.open(path) as image:
            width, height = image.size
            orientation = image.getexif().get(_ORIENTATION)
            kind = image.format or ""
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    if width < 1 or height < 1:
        return None
    return ImageInfo(width, height, kind)


def copy_name(digest: str, width: int, extension: str) -> str:
    """Return the file name of a copy of the image whose content hash is ``digest``."""
    return f"{digest}-{width}.{extension}"


def make_copies(original: Path, folder: Path, digest: str) -> list[Path]:
    """Write every copy of ``original`` into ``folder``; remove older versions'.

    Each file is written whole under a temporary name and renamed, so that
    two workers making the same copy, or a reader asking meanwhile, never see
    half a picture.
    """
    info = image_info(original)
    if info is None or not info.widths:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    with Image.open(original) as opened:
        largest = max(info.widths)
        # JPEG can decode at a fraction of its size: much faster for big photos.
        wanted = (largest, info.height_at(largest))
        if opened.getexif().get(_ORIENTATION) in _QUARTER_TURNS:
            wanted = wanted[::-1]
        opened.draft(opened.mode, wanted)
        upright = _plain(ImageOps.exif_transpose(opened))
    for width in sorted(info.widths, reverse=True):
        size = (width, info.height_at(width))
        resized = (
            upright if upright.size == size else upright.resize(size, Image.LANCZOS)
        )
        for extension in info.kinds:
            target = folder / copy_name(digest, width, extension)
            if not target.exists():
                _save(resized, target, extension)
            made.append(target)
    for stale in folder.iterdir():
        if not stale.name.startswith(f"{digest}-") and not stale.name.startswith("."):
            stale.unlink(missing_ok=True)
    return made


def _plain(image: Image.Image) -> Image.Image:
    """Return the picture in RGB(A) or L, with no metadata left in it."""
    if image.mode not in ("RGB", "RGBA", "L"):
        transparent = "A" in image.mode or "transparency" in image.info
        image = image.convert("RGBA" if transparent else "RGB")
    profile = image.info.get("icc_profile")
    # EXIF (GPS, camera serial), XMP, comments: nothing of it goes to readers.
    image.info = {"icc_profile": profile} if profile else {}
    return image


def _save(image: Image.Image, target: Path, extension: str) -> None:
    """Write one copy atomically in the format its extension names."""
    kind = _FORMATS[extension]
    options: dict = {}
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]  # colours stay true
    if kind == "JPEG":
        if image.mode == "RGBA":
            image = image.convert("RGB")
        options.update(quality=82, optimize=True, progressive=True)
    elif kind == "WEBP":
        options.update(quality=80, method=4)
    else:
        options.update(optimize=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
    try:
        image.save(temporary, kind, **options)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
