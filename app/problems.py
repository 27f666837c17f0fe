"""Post file problems in the site's language: the log, ``flask check``, the queue.

:mod:`app.content` words its problems as message ids; they are translated
here, where they are shown.
"""

from __future__ import annotations

from flask_babel import gettext

from app.content.problems import PostError


def describe(problem: PostError) -> str:
    """Return "posts/x.md:3: reason" in the site's language."""
    return problem.describe(gettext)


def reason(problem: PostError) -> str:
    """Return the reason alone, in the site's language."""
    return problem.message(gettext)
