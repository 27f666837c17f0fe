"""Read one file of posts/ into a Post, or explain why it cannot be read.

Front matter is checked field by field through :data:`FIELDS`, one processor
per key (as Pelican's metadata processors): a key is allowed when it has a
processor, and each processor states its own rule and its own error.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from app.content import frontmatter
from app.content.fields import FIELDS
from app.content.markdown import DEFAULT_LANGUAGE, split_more
from app.content.post import Post
from app.content.problems import N_, PostError, PostReadError

try:  # the C loader is much faster on 10,000 files
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PAGES_DIR = "pages"
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")

__all__ = [
    "FIELDS",
    "PostError",
    "PostReadError",
    "is_page_path",
    "parse_post",
    "read_entry",
    "read_post",
]


def is_page_path(path: Path, posts_dir: Path) -> bool:
    """Tell whether a file lies under posts/pages/ (a static page)."""
    try:
        return path.relative_to(posts_dir).parts[0] == PAGES_DIR
    except (ValueError, IndexError):
        return False


def read_post(
    path: Path,
    posts_dir: Path,
    tz: ZoneInfo,
    language: str = DEFAULT_LANGUAGE,
    max_bytes: int | None = None,
) -> Post:
    """Read a Markdown file with YAML front matter into a Post, text included.

    ``language`` is the site's language: the post's own when it sets no
    ``lang``. A file larger than ``max_bytes`` is refused unread.
    """
    post, body = read_entry(path, posts_dir, tz, language, max_bytes)
    return replace(post, body=body)


def read_entry(
    path: Path,
    posts_dir: Path,
    tz: ZoneInfo,
    language: str = DEFAULT_LANGUAGE,
    max_bytes: int | None = None,
) -> tuple[Post, str]:
    """Read a file into a Post that does not keep its text, and that text.

    The index words its search postings from the text, then lets it go: a
    blog's posts are rendered from their files when a reader asks.
    """
    stat = path.stat()
    reader = _Reader(path, posts_dir, tz, language)
    if max_bytes is not None and stat.st_size > max_bytes:
        raise reader.fail(
            None,
            N_(
                "fichier trop gros (%(size)s octets, la limite est %(limit)s : "
                "[site] max_post_bytes) ; il n'est ni lu ni affiché"
            ),
            size=stat.st_size,
            limit=max_bytes,
        )
    return reader.read(path.read_bytes(), stat.st_mtime, stat.st_mtime_ns, stat.st_size)


def parse_post(
    raw: bytes,
    path: Path,
    posts_dir: Path,
    tz: ZoneInfo,
    language: str = DEFAULT_LANGUAGE,
) -> Post:
    """Read the bytes a file at ``path`` would hold, as :func:`read_post` would.

    For tools that write posts (the Blogger importer): they check that the
    site will read a file exactly as they mean before writing it.
    """
    post, body = _Reader(path, posts_dir, tz, language).read(raw, 0.0, 0, len(raw))
    return replace(post, body=body)


class _Reader:
    """The state of reading one file: where to report errors, what is read."""

    def __init__(
        self, path: Path, posts_dir: Path, tz: ZoneInfo, language: str
    ) -> None:
        """Remember the file, the posts folder, the site timezone and language."""
        self.path, self.posts_dir, self.tz = path, posts_dir, tz
        self.language = language
        self.is_page = is_page_path(path, posts_dir)
        self.front: list[str] = []
        self.mtime = 0.0
        # Fields already read, in FIELDS order: slug's default needs the title.
        self.values: dict[str, Any] = {}

    def fail(self, line: int | None, reason: str, /, **args: Any) -> PostReadError:
        """Return the exception describing a problem at a line of the file."""
        error = PostError(self.path, line, reason, args, root=self.posts_dir.parent)
        return PostReadError(error)

    def key_line(self, key: str) -> int:
        """Return the file line of a front matter key (1 if not found)."""
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
        for number, line in enumerate(self.front, start=2):  # line 1 is "---"
            if pattern.match(line):
                return number
        return 1

    def fail_at(self, key: str, reason: str, /, **args: Any) -> PostReadError:
        """Return the exception for a problem with the value of ``key``."""
        return self.fail(self.key_line(key), reason, **args)

    def read(
        self, raw: bytes, mtime: float, mtime_ns: int, size: int
    ) -> tuple[Post, str]:
        """Parse the bytes of the file into a Post and its Markdown text.

        ``mtime`` and ``size`` are the file's version, kept on the Post.
        """
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise self.fail(
                line, N_("pas du texte UTF-8 (enregistrez le fichier en UTF-8)")
            ) from None
        parts = frontmatter.split(text)
        if not parts.opened:
            raise self.fail(
                1,
                N_("pas d’en-tête : le fichier doit commencer par une ligne '---'"),
            )
        if parts.body is None:
            raise self.fail(
                1, N_("en-tête non fermé : terminez-le par une ligne '---'")
            )
        self.front = parts.front
        self.mtime = mtime
        meta = self.load_yaml("".join(self.front))
        for key, process in FIELDS.items():
            self.values[key] = process(self, key, meta.get(key))
        post = Post(
            source=self.path,
            is_page=self.is_page,
            has_more=split_more(parts.body)[1] is not None,
            mtime_ns=mtime_ns,
            size=size,
            posts_dir=self.posts_dir,
            **self.values,
        )
        return post, parts.body

    def load_yaml(self, source: str) -> dict:
        """Parse the front matter YAML into a dict of allowed keys."""
        try:
            meta = yaml.load(source, Loader=_Loader)  # noqa: S506 (safe loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(
                exc, "context_mark", None
            )
            line = mark.line + 2 if mark is not None else 1  # +1 for "---"
            # The YAML library's own words stay as they are.
            problem = getattr(exc, "problem", None) or str(exc)
            raise self.fail(
                line, N_("YAML invalide dans l’en-tête : %(problem)s"), problem=problem
            ) from None
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            raise self.fail(2, N_("l’en-tête doit être fait de lignes 'clé: valeur'"))
        for key in meta:
            if key not in FIELDS:
                raise self.fail_at(
                    str(key),
                    N_("clé inconnue %(key)s (clés permises : %(allowed)s)"),
                    key=repr(key),
                    allowed=", ".join(FIELDS),
                )
        return meta

    def to_datetime(self, key: str, value: object) -> datetime:
        """Return a front matter date as an aware datetime in the site timezone."""
        if isinstance(value, str):
            value = self.parse_date(key, value.strip())
        if isinstance(value, datetime):
            if value.tzinfo is None:  # local time of the site
                return value.replace(tzinfo=self.tz)
            return value.astimezone(self.tz)
        if isinstance(value, date):
            return datetime.combine(value, time(0, 0), self.tz)
        raise self.fail_at(
            key,
            N_(
                "%(key)s doit ressembler à 2011-10-03 21:40 "
                "(ou ISO 8601 avec décalage horaire)"
            ),
            key=key,
        )

    def parse_date(self, key: str, text: str) -> datetime:
        """Parse a date string: "2011-10-03 21:40" or ISO 8601."""
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                pass
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail_at(
                key,
                N_("%(key)s invalide %(value)s : écrivez 2011-10-03 21:40 ou ISO 8601"),
                key=key,
                value=repr(text),
            ) from None
