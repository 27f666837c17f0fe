"""Fetch one image from Blogger's hosts, with timeouts, retries and no half file.

Only Blogger's image hosts are asked, redirects included (a redirect
elsewhere is refused, not followed). A download goes to a hidden ``.part``
file beside its target and is renamed into place only once complete, so
a killed run never leaves half an image. Proxies come from the usual
``HTTP(S)_PROXY`` variables, as ``requests`` reads them.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from flask_babel import gettext as _

from app.params import whole_number

# *.bp.blogspot.com, *.googleusercontent.com (blogger.*, lh3…), *.ggpht.com,
# and the 2005–2009 hosts bp0.blogger.com, photos1.blogger.com.
_IMAGE_HOST = re.compile(
    r"^(?:[a-z0-9-]+\.)*(?:bp\.blogspot\.com|googleusercontent\.com|ggpht\.com)$"
    r"|^(?:bp\d*|photos\d*)\.blogger\.com$"
)
_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
    "image/bmp": "bmp",
    "image/avif": "avif",
    "image/tiff": "tif",
}
_GIVE_UP = {400, 401, 403, 404, 410, 451}  # asking again will not help


class FetchError(Exception):
    """An image could not be fetched; the message says why, for the report."""


class _Again(Exception):
    """A failure worth another try (timeout, server error, cut connection)."""


def is_blogger_image(url: str) -> bool:
    """Tell whether an address is on one of Blogger's image hosts (http or https)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and bool(_IMAGE_HOST.match(host))


@dataclass
class Fetcher:
    """Download images politely: bounded waits, a few tries, growing pauses."""

    timeout: float = 15.0  # seconds to connect, and between two bytes
    deadline: float = 120.0  # seconds for a whole image
    attempts: int = 3
    backoff: float = 1.0  # first pause; doubled after each failed try
    max_bytes: int = 25_000_000
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep

    def fetch(self, url: str, folder: Path, stem: str, extension: str) -> Path:
        """Download ``url`` to ``folder/stem.ext``; return the file's path."""
        reason = ""
        for attempt in range(self.attempts):
            try:
                return self._once(url, folder, stem, extension)
            except _Again as error:
                reason = str(error)
                if attempt + 1 < self.attempts:
                    self.sleep(self.backoff * 2**attempt)
        raise FetchError(reason)

    def _once(self, url: str, folder: Path, stem: str, extension: str) -> Path:
        """Try one download."""
        response = self._get(url)
        with response:
            status = response.status_code
            if status in _GIVE_UP:
                raise FetchError(f"HTTP {status}")
            if status != 200:
                raise _Again(f"HTTP {status}")
            kind = response.headers.get("Content-Type", "").split(";")[0].strip()
            if not kind.lower().startswith("image/"):
                raise FetchError(_("pas une image (%(type)s)", type=kind or "?"))
            extension = extension or _EXTENSIONS.get(kind.lower(), "img")
            target = folder / f"{stem}.{extension}"
            folder.mkdir(parents=True, exist_ok=True)
            part = folder / f".{target.name}.part-{secrets.token_hex(4)}"
            try:
                size = self._save(response, part)
                expected = whole_number(response.headers.get("Content-Length"))
                if expected is not None and expected != size:
                    raise _Again(_("transfert coupé"))
                os.replace(part, target)
            finally:
                part.unlink(missing_ok=True)
        return target

    def _save(self, response: requests.Response, part: Path) -> int:
        """Write the body to ``part``, within the size and time limits."""
        started, size = time.monotonic(), 0
        try:
            with part.open("wb") as handle:
                for chunk in response.iter_content(chunk_size=65536):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(_("image trop grosse"))
                    if time.monotonic() - started > self.deadline:
                        raise _Again(_("trop lent"))
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        except requests.RequestException:
            raise _Again(_("transfert coupé")) from None
        return size

    def _get(self, url: str) -> requests.Response:
        """GET ``url``, following redirects only between Blogger's image hosts."""
        for _hop in range(6):
            if not is_blogger_image(url):
                raise FetchError(
                    _("redirigée hors des hôtes de Blogger (%(url)s)", url=url)
                )
            try:
                response = self.session.get(
                    url,
                    stream=True,
                    timeout=(self.timeout, self.timeout),
                    allow_redirects=False,
                )
            except requests.Timeout:
                raise _Again(_("délai dépassé")) from None
            except requests.ConnectionError:
                raise _Again(_("connexion impossible")) from None
            except requests.RequestException as error:
                raise FetchError(str(error)) from None
            if response.is_redirect and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                response.close()
                continue
            return response
        raise FetchError(_("trop de redirections"))
