"""``/media/<path>``: the files beside the posts, and the resized copies of images.

The address names the file under posts/ and is not versioned: a post's HTML
is rendered from its Markdown and does not change when only its picture is
replaced, so an address pinned to one version (``immutable``) would keep
showing readers the old picture for a year. A day of caching with a strong
``ETag`` (a hash of the content) lets a replaced picture reach every reader
within a day, and a reader who reloads gets a cheap ``304`` otherwise.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request, send_file

from app.config import current_settings
from app.content.images import WEBP, image_info
from app.content.media import SVG_TYPE, file_digest, media_file, media_type
from app.media.copies import CopyMaker
from app.params import whole_number

bp = Blueprint("media", __name__)

KEPT = "public, max-age=86400"
# The original standing in for a copy not made yet: checked again next time.
UNTIL_COPIED = "no-cache"
# An SVG opened on its own is a document that could run script: never here.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
_TYPES = {"jpg": "image/jpeg", "png": "image/png", WEBP: "image/webp"}


def copy_maker() -> CopyMaker:
    """Return the running application's maker of image copies."""
    return current_app.extensions["carnet_copies"]


def _send(path, mimetype: str, etag: str, cache_control: str) -> Response:
    """Send a file with its type, a strong ETag, and how long it may be kept."""
    response = send_file(path, mimetype=mimetype, etag=etag, conditional=True)
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    if mimetype == SVG_TYPE:
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


@bp.get("/media/<path:name>")
def serve(name: str) -> Response:
    """Send a media file, or a resized copy of an image with ``?w=`` (and ``f=``)."""
    try:
        return _serve(name)
    except OSError:  # removed or renamed while being looked at: it is gone
        abort(404)


def _serve(name: str) -> Response:
    """Answer ``serve`` (file system errors left to the caller)."""
    path = media_file(current_settings().posts_dir, name)
    mimetype = media_type(name)
    if path is None or mimetype is None:
        abort(404)
    digest = file_digest(path)
    if "w" not in request.args and "f" not in request.args:
        return _send(path, mimetype, digest, KEPT)
    info = image_info(path)
    width = whole_number(request.args.get("w"))
    kind = request.args.get("f")
    if info is None or width not in info.widths or kind not in (None, WEBP):
        abort(404)
    extension = kind or info.extension
    maker = copy_maker()
    copy = maker.path(name, digest, width, extension)
    if copy.is_file():
        return _send(copy, _TYPES[extension], f"{digest}-{width}-{extension}", KEPT)
    maker.ask(path, name, digest)
    return _send(path, mimetype, digest, UNTIL_COPIED)
