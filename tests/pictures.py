"""Photos made by the tests with Pillow: EXIF orientation and GPS."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image
from werkzeug.datastructures import Headers

ORIENTATION = 0x0112
GPS_IFD = 0x8825
# Where the lake is: what a phone writes, and what readers must never get.
GPS = {1: "N", 2: (45.0, 53.0, 58.0), 3: "E", 4: (6.0, 7.0, 44.0)}


def photo_bytes(
    size: tuple[int, int] = (2000, 1200),
    orientation: int = 1,
    gps: bool = True,
    kind: str = "JPEG",
    colour: str = "steelblue",
) -> bytes:
    """Return an image as a camera stores it: pixels, orientation tag, GPS."""
    image = Image.new("RGB", size, colour)
    # A corner of another colour shows which way up the picture was turned.
    image.paste("orange", (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "Carnet test camera"
    if gps:
        exif[GPS_IFD] = GPS
    out = BytesIO()
    image.save(out, kind, exif=exif.tobytes())
    return out.getvalue()


def write_photo(path: Path, **options) -> Path:
    """Write a photo (see :func:`photo_bytes`) at ``path``; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(photo_bytes(**options))
    return path


def exif_of(data: bytes) -> Image.Exif:
    """Return the EXIF block of an image given as bytes (empty when none)."""
    with Image.open(BytesIO(data)) as image:
        return image.getexif()


def size_of(data: bytes) -> tuple[int, int]:
    """Return the stored pixel size of an image given as bytes."""
    with Image.open(BytesIO(data)) as image:
        return image.size


def format_of(data: bytes) -> str:
    """Return Pillow's name of an image's format (JPEG, WEBP…)."""
    with Image.open(BytesIO(data)) as image:
        return image.format or ""


@dataclass(frozen=True)
class Fetched:
    """A response read whole, its file closed (send_file keeps it open)."""

    status_code: int
    headers: Headers
    data: bytes
    mimetype: str | None


def fetch(client, path: str, **options) -> Fetched:
    """GET ``path`` with a test client; return the response, read and closed."""
    with client.get(path, **options) as response:
        return Fetched(
            response.status_code,
            Headers(response.headers),
            response.get_data(),
            response.mimetype,
        )
