"""Read one file of posts/ into a Post, or explain why it cannot be read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from flask_babel import lazy_gettext
from flask_babel.speaklater import LazyString

from app.content.post import Post
from app.content.slugs import slugify

try:  # the C loader is much faster on 10,000 files
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

ALLOWED_KEYS = (
    "title date labels slug author draft summary aliases blogger_id updated"
).split()
PAGES_DIR = "pages"
_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_SLUG = re.compile(r"^[\w.~-]+$")
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


@dataclass(frozen=True)
class PostError:
    """Why a file of posts/ cannot be served, with its file and line."""

    path: Path
    line: int | None
    # Lazy: files are read outside any request (start-up, background refresh);
    # the reason turns into text, in the site's language, when it is shown.
    reason: str | LazyString
    # Folder the path is shown relative to (the posts folder's parent).
    root: Path | None = field(default=None, repr=False, compare=False)

    @property
    def where(self) -> str:
        """Return "posts/x.md:3" (or "posts/x.md" when no line is known)."""
        shown = self.path
        if self.root is not None:
            try:
                shown = self.path.relative_to(self.root)
            except ValueError:
                pass
        return f"{shown}:{self.line}" if self.line is not None else f"{shown}"

    def __str__(self) -> str:
        """Return "posts/x.md:3: reason", the form editors can jump to."""
        return f"{self.where}: {self.reason}"


class PostReadError(Exception):
    """A file of posts/ could not be read; ``error`` says where and why."""

    def __init__(self, error: PostError) -> None:
        """Keep the error value; its text is the message, made when shown."""
        super().__init__(error)
        self.error = error


def is_page_path(path: Path, posts_dir: Path) -> bool:
    """Tell whether a file lies under posts/pages/ (a static page)."""
    try:
        return path.relative_to(posts_dir).parts[0] == PAGES_DIR
    except (ValueError, IndexError):
        return False


def read_post(path: Path, posts_dir: Path, tz: ZoneInfo) -> Post:
    """Read a Markdown file with YAML front matter into a Post."""
    stat = path.stat()
    return _Reader(path, posts_dir, tz).read(path.read_bytes(), stat)


class _Reader:
    """The state of reading one file: where to report errors."""

    def __init__(self, path: Path, posts_dir: Path, tz: ZoneInfo) -> None:
        """Remember the file, the posts folder and the site timezone."""
        self.path, self.posts_dir, self.tz = path, posts_dir, tz
        self.front: list[str] = []

    def fail(self, line: int | None, reason: str | LazyString) -> PostReadError:
        """Return the exception describing a problem at a line of the file."""
        error = PostError(self.path, line, reason, root=self.posts_dir.parent)
        return PostReadError(error)

    def key_line(self, key: str) -> int:
        """Return the file line of a front matter key (1 if not found)."""
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
        for number, line in enumerate(self.front, start=2):  # line 1 is "---"
            if pattern.match(line):
                return number
        return 1

    def read(self, raw: bytes, stat) -> Post:
        """Parse the bytes of the file into a Post."""
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise self.fail(
                line,
                lazy_gettext("pas du texte UTF-8 (enregistrez le fichier en UTF-8)"),
            ) from None
        lines = text.splitlines(keepends=True)
        if not lines or not _FENCE.match(lines[0].rstrip("\r\n")):
            raise self.fail(
                1,
                lazy_gettext(
                    "pas d’en-tête : le fichier doit commencer par une ligne '---'"
                ),
            )
        end = next(
            (i for i in range(1, len(lines)) if _CLOSE.match(lines[i].rstrip("\r\n"))),
            None,
        )
        if end is None:
            raise self.fail(
                1, lazy_gettext("en-tête non fermé : terminez-le par une ligne '---'")
            )
        self.front = lines[1:end]
        meta = self.load_yaml("".join(self.front))
        body = "".join(lines[end + 1 :])
        return self.build(meta, body, stat)

    def load_yaml(self, source: str) -> dict:
        """Parse the front matter YAML into a dict of allowed keys."""
        try:
            meta = yaml.load(source, Loader=_Loader)  # noqa: S506 (safe loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(
                exc, "context_mark", None
            )
            line = mark.line + 2 if mark is not None else 1  # +1 for "---"
            problem = getattr(exc, "problem", None) or str(exc)
            # The YAML library's own words stay as they are.
            raise self.fail(
                line,
                lazy_gettext(
                    "YAML invalide dans l’en-tête : %(problem)s", problem=problem
                ),
            ) from None
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            raise self.fail(
                2, lazy_gettext("l’en-tête doit être fait de lignes 'clé: valeur'")
            )
        for key in meta:
            if key not in ALLOWED_KEYS:
                raise self.fail(
                    self.key_line(str(key)),
                    lazy_gettext(
                        "clé inconnue %(key)s (clés permises : %(allowed)s)",
                        key=repr(key),
                        allowed=", ".join(ALLOWED_KEYS),
                    ),
                )
        return meta

    def build(self, meta: dict, body: str, stat) -> Post:
        """Check the types of the front matter values and make the Post."""
        is_page = is_page_path(self.path, self.posts_dir)
        title = meta.get("title")
        if isinstance(title, int | float) and not isinstance(title, bool):
            title = str(title)
        if title is not None and not isinstance(title, str):
            raise self.fail(
                self.key_line("title"),
                lazy_gettext("%(key)s doit être du texte", key="title"),
            )
        if not title or not title.strip():
            raise self.fail(self.key_line("title"), lazy_gettext("titre manquant"))
        if meta.get("date") is None:
            if not is_page:
                raise self.fail(self.key_line("date"), lazy_gettext("date manquante"))
            when = datetime.fromtimestamp(stat.st_mtime, self.tz)
        else:
            when = self.to_datetime("date", meta["date"])
        updated = meta.get("updated")
        if updated is not None:
            updated = self.to_datetime("updated", updated)
        slug = meta.get("slug")
        if slug is None:
            slug = slugify(title)
        elif not isinstance(slug, str | int) or not _SLUG.match(str(slug)):
            raise self.fail(
                self.key_line("slug"),
                lazy_gettext(
                    "slug ne peut contenir que des lettres, des chiffres et des tirets "
                    "(ni espace ni barre oblique)"
                ),
            )
        draft = meta.get("draft", False)
        if not isinstance(draft, bool):
            raise self.fail(
                self.key_line("draft"), lazy_gettext("draft doit valoir true ou false")
            )
        return Post(
            source=self.path,
            title=title.strip(),
            date=when,
            slug=str(slug),
            labels=self.labels(meta.get("labels")),
            author=self.optional_text("author", meta.get("author")),
            draft=draft,
            summary=self.optional_text("summary", meta.get("summary")),
            aliases=self.aliases(meta.get("aliases")),
            is_page=is_page,
            blogger_id=self.optional_text("blogger_id", meta.get("blogger_id")),
            body=body,
            updated=updated,
            mtime_ns=stat.st_mtime_ns,
            size=stat.st_size,
        )

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
        raise self.fail(
            self.key_line(key),
            lazy_gettext(
                "%(key)s doit ressembler à 2011-10-03 21:40 "
                "(ou ISO 8601 avec décalage horaire)",
                key=key,
            ),
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
            raise self.fail(
                self.key_line(key),
                lazy_gettext(
                    "%(key)s invalide %(value)s : écrivez 2011-10-03 21:40 ou ISO 8601",
                    key=key,
                    value=repr(text),
                ),
            ) from None

    def optional_text(self, key: str, value: object) -> str | None:
        """Return an optional text value (numbers accepted as text)."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(
                self.key_line(key), lazy_gettext("%(key)s doit être du texte", key=key)
            )
        return str(value).strip() or None

    def labels(self, value: object) -> tuple[str, ...]:
        """Return the labels: a list of texts or a single text."""
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(
            isinstance(item, str | int) and not isinstance(item, bool) for item in items
        ):
            raise self.fail(
                self.key_line("labels"),
                lazy_gettext(
                    "labels doit être une liste de textes, par exemple [a, b]"
                ),
            )
        cleaned = (str(item).strip() for item in items)
        return tuple(dict.fromkeys(label for label in cleaned if label))

    def aliases(self, value: object) -> tuple[str, ...]:
        """Return the old URL paths: a list of "/..." paths."""
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(
            isinstance(item, str) and item.startswith("/") for item in items
        ):
            raise self.fail(
                self.key_line("aliases"),
                lazy_gettext(
                    "aliases doit être une liste d’adresses commençant par '/'"
                ),
            )
        return tuple(dict.fromkeys(item.strip() for item in items))
