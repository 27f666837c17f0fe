"""Posts rendered to HTML once per file version, and kept within a memory budget.

The index keeps no post text: a post is rendered from its file the first
time a reader needs it, then kept, least recently used first out, under a
byte budget. Lists show an excerpt: the part before ``<!--more-->``, or the
first paragraphs of a long post without one, so that a list never renders a
whole book.
"""

from __future__ import annotations

from app.content.bounded import BoundedCache
from app.content.markdown import MORE_ANCHOR, render_markdown, split_more
from app.content.post import Post

# A post without a jump break longer than this is cut for lists.
EXCERPT_CHARS = 4000


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> tuple[str, bool]:
    """Return the start of a text for lists, and whether it was cut.

    The cut falls at a blank line, never inside a paragraph, a list or code.
    """
    if len(text) <= limit:
        return text, False
    cut = text.rfind("\n\n", 0, limit)
    if cut <= 0:
        cut = text.find("\n\n", limit)
    if cut <= 0:
        return text, False
    head = text[:cut]
    if head.count("```") % 2 or head.count("~~~") % 2:
        return text, False  # the cut would fall inside a code block
    return head, True


class Renderer:
    """Render posts and keep their HTML, bounded by ``max_bytes`` in all."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024) -> None:
        """Start with nothing rendered."""
        self._kept = BoundedCache(max_bytes)
        self.renders = 0  # how many renders were done (benchmarks, tests)

    def html(self, post: Post) -> str:
        """Return the whole post as HTML, with an anchor where the break was."""
        return self._kept_or_render(post, "full")

    def teaser(self, post: Post) -> str:
        """Return what a list shows of the post."""
        return self._kept_or_render(post, "teaser")

    def is_cut(self, post: Post) -> bool:
        """Tell whether a list shows only part of the post ("Lire la suite")."""
        return post.has_more or self._kept_or_render(post, "cut") == "1"

    def _kept_or_render(self, post: Post, kind: str) -> str:
        """Return the kept result for this version of the post, or make it."""
        key = (str(post.source), post.mtime_ns, post.size, post.lang, kind)
        found = self._kept.get(key)
        if found is not None:
            return found
        value = self._render(post, kind)
        self._kept.put(key, value)
        return value

    def _render(self, post: Post, kind: str) -> str:
        """Render one kind of output for a post from its Markdown."""
        text = post.markdown()
        teaser, rest = split_more(text)
        if kind == "cut":
            return "1" if rest is None and excerpt(text)[1] else "0"
        if kind == "teaser":
            if rest is None:
                teaser, cut = excerpt(text)
                if not cut:
                    return self.html(post)
            self.renders += 1
            return render_markdown(teaser, post.lang, post.media())
        self.renders += 1
        if rest is None:
            return render_markdown(text, post.lang, post.media())
        # One pass (footnotes and reference links span the break), with an
        # anchor where the break was: "Lire la suite" lands there.
        return render_markdown(
            f"{teaser}\n\n{MORE_ANCHOR}\n\n{rest}", post.lang, post.media()
        )
