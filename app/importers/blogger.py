"""Read a Blogger export (old backup file or Takeout ``feed.atom``) into plain entries.

Nothing here knows about Flask (gettext aside), files or the database:
:func:`read_export` turns a file into an :class:`Export` holding one
:class:`Entry` per post, page, comment or ignored item, ready for the writer.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask_babel import gettext as _
from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
TAKEOUT = "http://schemas.google.com/blogger/2018"
THREAD = "http://purl.org/syndication/thread/1.0"

# Takeout statuses that mean "never import", and why: spam or trashed.
SKIPPED_STATUSES = {
    "SPAM_COMMENT": "spam",
    "SOFT_TRASHED": "trashed",
    "PERMANENTLY_TRASHED": "trashed",
    "TRASHED": "trashed",
    "DELETED": "trashed",
    "REMOVED": "trashed",
}


class NotBloggerExport(Exception):
    """The file is not a Blogger export; the message says why, in one line."""


@dataclass
class Entry:
    """One item of an export, whatever the format it came from."""

    kind: str  # post, page, comment, settings, template, or the unknown term
    blogger_id: str
    title: str = ""
    html: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    labels: tuple[str, ...] = ()
    author: str = ""
    author_uri: str = ""
    anonymous: bool = False
    draft: bool = False
    status: str = "LIVE"  # Takeout vocabulary, also used for the old format
    path: str | None = None  # original URL path: /2011/10/slug.html or /p/slug.html
    post_id: str | None = None  # a comment's post
    parent_id: str | None = None  # a reply's parent comment


@dataclass
class Export:
    """Everything read from one export file."""

    format: str  # "backup" or "takeout"
    entries: list[Entry]
    blog_author: str = ""
    blog_author_uri: str = ""
    warnings: list[str] = field(default_factory=list)


def local_name(element: etree._Element) -> str:
    """Return the tag without namespace or undeclared prefix (``app:draft``: draft)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    """Return the direct children called ``name``, whatever their namespace."""
    return [child for child in element if local_name(child) == name]


def _child(element: etree._Element, name: str) -> etree._Element | None:
    """Return the first direct child called ``name``, or None."""
    found = _children(element, name)
    return found[0] if found else None


def _text(element: etree._Element, name: str) -> str:
    """Return the stripped text of the child ``name`` ('' when absent)."""
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def parse_time(value: str) -> datetime | None:
    """Parse an Atom/RFC 3339 timestamp into an aware datetime, None if unreadable."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def url_path(url: str) -> str | None:
    """Return the path of a blog URL when it is a post or page address."""
    path = unquote(urlsplit(url.strip()).path)
    parts = path.strip("/").split("/")
    if not path.endswith(".html"):
        return None
    if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
        return path
    if len(parts) == 2 and parts[0] == "p":
        return path
    return None


def read_export(path: Path) -> Export:
    """Read ``path`` and return its entries; raise NotBloggerExport if it is none."""
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=True
    )
    try:
        tree = etree.parse(str(path), parser)
    except (etree.XMLSyntaxError, OSError, ValueError) as error:
        raise NotBloggerExport(
            _("%(path)s: illisible (%(error)s)", path=path, error=error)
        ) from None
    root = tree.getroot() if tree is not None else None
    if root is None or local_name(root) != "feed" or root.tag != f"{{{ATOM}}}feed":
        raise NotBloggerExport(_("%(path)s: ce n'est pas un export Blogger", path=path))
    elements, warnings = _sound_entries(root, parser, path)
    if TAKEOUT in root.nsmap.values() or _is_takeout(root):
        export = Export("takeout", [_takeout_entry(e) for e in elements])
    elif _is_backup(root):
        export = Export("backup", [_backup_entry(e) for e in elements])
    else:
        raise NotBloggerExport(_("%(path)s: ce n'est pas un export Blogger", path=path))
    export.warnings = warnings
    _find_blog_author(root, export)
    return export


def _sound_entries(
    root: etree._Element, parser: etree.XMLParser, path: Path
) -> tuple[list[etree._Element], list[str]]:
    """Return the entries read before the first real XML error, and a warning.

    The entry the error fell in may be cut short (a post without its end, a
    comment without its post link): it is dropped rather than half-imported.
    """
    entries = _children(root, "entry")
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
        file=path.name,
        line=line,
        error=errors[0].message.strip(),
        count=len(before),
    )
    return before, [warning]


def _is_takeout(root: etree._Element) -> bool:
    """Tell whether entries carry Takeout's ``blogger:type`` elements."""
    return root.find(f"{{{ATOM}}}entry/{{{TAKEOUT}}}type") is not None


def _is_backup(root: etree._Element) -> bool:
    """Tell whether the feed looks like Blogger's old backup (kind categories)."""
    feed_id = _text(root, "id")
    if feed_id.startswith("tag:blogger.com,"):
        return True
    return any(
        c.get("scheme") == KIND_SCHEME and "blogger" in (c.get("term") or "")
        for c in root.iter(f"{{{ATOM}}}category")
    )


def _find_blog_author(root: etree._Element, export: Export) -> None:
    """Record the blog's author: the feed author, else the first post's author."""
    author = _child(root, "author")
    if author is not None:
        export.blog_author = _text(author, "name")
        export.blog_author_uri = _text(author, "uri")
    if not export.blog_author:
        for entry in export.entries:
            if entry.kind == "post" and entry.author:
                export.blog_author, export.blog_author_uri = (
                    entry.author,
                    entry.author_uri,
                )
                break


def _content(element: etree._Element) -> str:
    """Return the entry's content as HTML, escaping it if it was plain text."""
    content = _child(element, "content")
    if content is None:
        return ""
    text = content.text or ""
    if (content.get("type") or "html") == "text":
        return html.escape(text).replace("\n", "<br />")
    return text


def _fill_author(entry: Entry, element: etree._Element) -> None:
    """Copy the entry's author name, URI and anonymity."""
    author = _child(element, "author")
    if author is None:
        entry.anonymous = True
        return
    entry.author = _text(author, "name")
    entry.author_uri = _text(author, "uri")
    kind = _text(author, "type").upper()
    entry.anonymous = kind == "ANONYMOUS" or entry.author in (
        "",
        "Anonymous",
        "Anonyme",
    )


def _backup_entry(element: etree._Element) -> Entry:
    """Build an Entry from one ``<entry>`` of the old backup format."""
    kind = "unknown"
    labels = []
    for category in _children(element, "category"):
        scheme, term = (
            category.get("scheme") or "",
            (category.get("term") or "").strip(),
        )
        if scheme == KIND_SCHEME:
            kind = term.rsplit("#", 1)[-1] or "unknown"
        elif scheme == LABEL_SCHEME and term:
            labels.append(term)
    entry = Entry(kind=kind, blogger_id=_text(element, "id"))
    entry.title = _text(element, "title")
    entry.html = _content(element)
    entry.published = parse_time(_text(element, "published"))
    entry.updated = parse_time(_text(element, "updated"))
    entry.labels = tuple(dict.fromkeys(labels))
    _fill_author(entry, element)
    control = _child(element, "control")
    if control is not None and _text(control, "draft").lower() == "yes":
        entry.draft, entry.status = True, "DRAFT"
    for link in _children(element, "link"):
        rel = link.get("rel")
        if rel == "alternate" and link.get("type") == "text/html" and kind != "comment":
            entry.path = url_path(link.get("href") or "")
        elif rel == "related" and kind == "comment":
            entry.parent_id = _comment_id_from_link(
                link.get("href") or "", entry.blogger_id
            )
    reply_to = _child(element, "in-reply-to")
    if reply_to is not None:
        entry.post_id = (reply_to.get("ref") or "").strip() or None
    return entry


def _comment_id_from_link(href: str, own_id: str) -> str | None:
    """Turn a ``related`` link (…/comments/default/<n>) into the parent's entry id."""
    number = href.rstrip("/").rsplit("/", 1)[-1]
    if not number.isdigit() or ".post-" not in own_id:
        return None
    return f"{own_id.rsplit('.post-', 1)[0]}.post-{number}"


def _takeout_entry(element: etree._Element) -> Entry:
    """Build an Entry from one ``<entry>`` of a Takeout ``feed.atom``."""
    kind = _text(element, "type").lower() or "unknown"
    entry = Entry(kind=kind, blogger_id=_text(element, "id"))
    entry.title = _text(element, "title")
    entry.html = _content(element)
    entry.published = parse_time(_text(element, "published")) or parse_time(
        _text(element, "created")
    )
    entry.updated = parse_time(_text(element, "updated"))
    entry.labels = tuple(
        dict.fromkeys(
            (c.get("term") or "").strip()
            for c in _children(element, "category")
            if (c.get("term") or "").strip() and c.get("scheme") in (None, LABEL_SCHEME)
        )
    )
    _fill_author(entry, element)
    entry.status = _text(element, "status").upper() or "LIVE"
    entry.draft = entry.status == "DRAFT"
    filename = _text(element, "filename")
    entry.path = url_path(filename) if filename else None
    entry.post_id = _text(element, "parent") or None
    entry.parent_id = _text(element, "inReplyTo") or None
    return entry
