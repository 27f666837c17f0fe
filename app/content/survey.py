"""What ``flask check`` says about a post's images: missing files, missing alt text.

Warnings, not errors: the post is served all the same (a missing picture
shows as its alt text), but the author should know.
"""

from __future__ import annotations

from pathlib import Path

from app.content.markdown import render_markdown
from app.content.post import Post
from app.content.problems import N_, PostError

MISSING = N_("avertissement : image introuvable : %(address)s")
NO_ALT = N_("avertissement : image sans texte alternatif : %(address)s")


def image_warnings(post: Post) -> list[PostError]:
    """Return a warning for each missing image and each image without alt text."""
    context = post.media()
    text = post.markdown()
    body = text.lower()
    if context is None or ("![" not in body and "<img" not in body):
        return []  # no image: no need to render
    render_markdown(text, post.lang, context)
    root = context.posts_dir.parent
    warnings = []
    seen = set()
    for use in context.images:
        for wrong, reason in ((not use.found, MISSING), (not use.alt, NO_ALT)):
            if wrong and (reason, use.address) not in seen:
                seen.add((reason, use.address))
                # An image shown twice, once with alt text: point at the one without.
                hints = (f"![]({use.address}",) if reason is NO_ALT else ()
                line = _line_of(post.source, *hints, use.address)
                warnings.append(
                    PostError(
                        post.source, line, reason, {"address": use.address}, root=root
                    )
                )
    return warnings


def _line_of(path: Path, *texts: str) -> int | None:
    """Return the first line holding the first of ``texts`` found in the file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for text in filter(None, texts):
        for number, line in enumerate(lines, start=1):
            if text in line:
                return number
    return None
