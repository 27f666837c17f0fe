"""Find and read an export: a backup file, a ``feed.atom``, a Takeout folder or zip.

A Takeout archive holds ``Takeout/Blogger/Blogs/<blog>/feed.atom`` with
``settings.csv`` beside it, and sometimes the comments apart, in
``Takeout/Blogger/Comments/<blog>/feed.atom``: whatever is there is read,
and the report says which files were used.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from flask_babel import gettext as _
from lxml import etree

from app.importers.backup import backup_blog, backup_entry, is_backup
from app.importers.blogger import (
    ATOM,
    Export,
    NotBloggerExport,
    local_name,
    text_of,
    tidy,
)
from app.importers.takeout import (
    is_takeout,
    read_settings_csv,
    takeout_blog,
    takeout_entry,
)

Opener = Callable[[], IO[bytes]]


@dataclass
class Found:
    """The files of one blog's export: its feed, its comments, its settings."""

    feed: tuple[str, Opener]
    comments: tuple[str, Opener] | None = None
    settings: tuple[str, Opener] | None = None
    blogs: list[str] = field(default_factory=list)


def find_export(path: Path, blog: str | None = None) -> Found:
    """Find the export under ``path`` (a file, a folder or a zip); pick ``blog``."""
    if path.is_dir():
        files = {
            p.relative_to(path).as_posix(): p
            for p in path.rglob("*")
            if p.is_file() and _wanted(p.relative_to(path).as_posix())
        }
        return _choose(path.name, files, lambda p: p.open("rb"), blog)
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise NotBloggerExport(f"{path}: {error}") from None
        files = {n: n for n in archive.namelist() if _wanted(n)}
        return _choose(path.name, files, archive.open, blog)
    # A file is named as it was given; a Takeout feed's neighbours are read too.
    found = Found(feed=(str(path), lambda: path.open("rb")))
    settings = path.parent / "settings.csv"
    if settings.is_file():
        found.settings = (str(settings), lambda: settings.open("rb"))
    if path.parent.parent.name == "Blogs":
        comments = path.parent.parent.parent / "Comments" / path.parent.name / path.name
        if comments.is_file() and comments != path:
            found.comments = (str(comments), lambda: comments.open("rb"))
    return found


def _wanted(name: str) -> bool:
    """Tell whether an archive member may be part of a Blogger export."""
    parts = PurePosixPath(name).parts
    if "__MACOSX" in parts or parts[-1].startswith("._"):
        return False
    return parts[-1] in ("feed.atom", "settings.csv") or (
        parts[-1].startswith("blog-") and parts[-1].endswith(".xml")
    )


def _choose(where: str, files: dict, opener, blog: str | None) -> Found:
    """Pick the one blog among the feeds of a folder or zip, with its neighbours."""
    feeds = {
        name: key
        for name, key in files.items()
        if not name.endswith("settings.csv")
        and "Comments" not in PurePosixPath(name).parts
    }
    names = {name: _blog_name(name) for name in feeds}
    if blog is not None:
        feeds = {
            n: k for n, k in feeds.items() if names[n].casefold() == blog.casefold()
        }
    if not feeds:
        raise NotBloggerExport(
            _("%(where)s : aucun export Blogger (feed.atom ou blog-*.xml)", where=where)
            if blog is None
            else _("%(where)s : pas de blog nommé %(blog)s", where=where, blog=blog)
        )
    if len(feeds) > 1:
        raise NotBloggerExport(
            _(
                "%(where)s contient plusieurs blogs (%(names)s) : choisissez-en un "
                "avec --blog",
                where=where,
                names=", ".join(sorted(names[n] for n in feeds)),
            )
        )
    [(name, key)] = feeds.items()
    folder = PurePosixPath(name).parent
    found = Found(feed=(name, lambda: opener(key)), blogs=sorted(names.values()))
    settings = str(folder / "settings.csv")
    if settings in files:
        found.settings = (settings, lambda: opener(files[settings]))
    if folder.parent.name == "Blogs":
        comments = str(folder.parent.parent / "Comments" / folder.name / "feed.atom")
        if comments in files:
            found.comments = (comments, lambda: opener(files[comments]))
    return found


def _blog_name(name: str) -> str:
    """Return a blog's name from its feed's path (the folder it lies in)."""
    parent = PurePosixPath(name).parent.name
    return parent or PurePosixPath(name).stem


def read_export(path: Path, blog: str | None = None) -> Export:
    """Read the export at ``path``; raise NotBloggerExport if there is none."""
    found = find_export(path, blog)
    name, opener = found.feed
    root, elements, warnings = _parse(name, opener)
    if is_takeout(root):
        export = Export("takeout", [])
        export.blog = takeout_blog(root)
        export.entries = [takeout_entry(e, export.unknown) for e in elements]
    elif is_backup(root):
        export = Export("backup", [backup_entry(e) for e in elements])
        export.blog = backup_blog(root, elements)
    else:
        raise NotBloggerExport(_("%(path)s: ce n'est pas un export Blogger", path=name))
    export.used.append(name)
    export.warnings.extend(warnings)
    if found.comments is not None:
        name, opener = found.comments
        comments_root, elements, warnings = _parse(name, opener)
        if is_takeout(comments_root):
            export.entries.extend(takeout_entry(e, export.unknown) for e in elements)
            export.used.append(name)
        export.warnings.extend(warnings)
    if found.settings is not None:
        name, opener = found.settings
        with opener() as handle:
            text = handle.read().decode("utf-8-sig", errors="replace")
        if read_settings_csv(text, export.blog):
            export.used.append(name)
    _find_blog_author(root, export)
    tidy(export)
    return export


def _parse(
    name: str, opener: Opener
) -> tuple[etree._Element, list[etree._Element], list[str]]:
    """Parse one feed; return its root, its sound entries and a warning if cut."""
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=True
    )
    try:
        with opener() as handle:
            tree = etree.parse(handle, parser)
    except (etree.XMLSyntaxError, OSError, ValueError, KeyError) as error:
        raise NotBloggerExport(
            _("%(path)s: illisible (%(error)s)", path=name, error=error)
        ) from None
    root = tree.getroot() if tree is not None else None
    if root is None or local_name(root) != "feed" or root.tag != f"{{{ATOM}}}feed":
        raise NotBloggerExport(_("%(path)s: ce n'est pas un export Blogger", path=name))
    elements, warnings = _sound_entries(root, parser, name)
    return root, elements, warnings


def _sound_entries(
    root: etree._Element, parser: etree.XMLParser, name: str
) -> tuple[list[etree._Element], list[str]]:
    """Return the entries read before the first real XML error, and a warning.

    The entry the error fell in may be cut short (a post without its end, a
    comment without its post link): it is dropped rather than half-imported.
    """
    entries = [e for e in root if local_name(e) == "entry"]
    errors = [
        e for e in parser.error_log if e.type_name != "NS_ERR_UNDEFINED_NAMESPACE"
    ]
    if not errors:
        return entries, []
    line = errors[0].line
    before = [e for e in entries if (e.sourceline or 0) < line][:-1]
    warning = _(
        "%(file)s : XML abîmé à la ligne %(line)d (%(error)s) ; "
        "%(count)d entrée(s) lue(s) avant, la suite est ignorée",
        file=PurePosixPath(name).name,
        line=line,
        error=errors[0].message.strip(),
        count=len(before),
    )
    return before, [warning]


def _find_blog_author(root: etree._Element, export: Export) -> None:
    """Record the blog's author: the feed author, else the first post's author."""
    author = next((e for e in root if local_name(e) == "author"), None)
    if author is not None:
        export.blog_author = text_of(author, "name")
        export.blog_author_uri = text_of(author, "uri")
    if not export.blog_author:
        for entry in export.entries:
            if entry.kind == "post" and entry.author:
                export.blog_author = entry.author
                export.blog_author_uri = entry.author_uri
                break
