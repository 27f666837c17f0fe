"""Google Takeout's Blogger export, as Google really writes it.

``Takeout/Blogger/Blogs/<blog>/feed.atom`` holds posts, pages and comments
sorted by id (a comment may come before its post), labels as
``<category scheme='tag:blogger.com,1999:blog-<id>' term='…'/>``, empty
elements where a field is unset (``<blogger:location/>``, ``<category/>``…),
HTML entities left in titles; ``settings.csv`` beside it says the blog's
address, locale and time zone.
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter

from lxml import etree

from app.importers.blogger import (
    ATOM,
    LABEL_SCHEME,
    BlogInfo,
    Entry,
    children,
    content_html,
    fill_author,
    host_of,
    language_code,
    parse_time,
    text_of,
    url_path,
)

TAKEOUT = "http://schemas.google.com/blogger/2018"
# Every element Takeout writes in an entry; anything else is reported.
_KNOWN = frozenset(
    "id type status author title content created published updated category"
    " filename parent inReplyTo metaDescription location link enclosure trashed"
    " total".split()
)


def is_takeout(root: etree._Element) -> bool:
    """Tell whether entries carry Takeout's ``blogger:type`` elements."""
    if TAKEOUT in root.nsmap.values():
        return True
    return root.find(f"{{{ATOM}}}entry/{{{TAKEOUT}}}type") is not None


def takeout_entry(element: etree._Element, unknown: Counter[str]) -> Entry:
    """Build an Entry from one ``<entry>`` of a Takeout ``feed.atom``."""
    for item in element:
        name = item.tag.rsplit("}", 1)[-1] if isinstance(item.tag, str) else ""
        if name and name not in _KNOWN:
            unknown[name] += 1
    kind = text_of(element, "type").lower() or "unknown"
    entry = Entry(kind=kind, blogger_id=text_of(element, "id"))
    title = text_of(element, "title")
    # Takeout escapes titles twice: "l&#39;été" arrives with its entity.
    entry.title = html.unescape(title) if "&" in title else title
    entry.html = content_html(element)
    entry.published = parse_time(text_of(element, "published")) or parse_time(
        text_of(element, "created")
    )
    entry.updated = parse_time(text_of(element, "updated"))
    entry.labels = tuple(
        dict.fromkeys(
            (c.get("term") or "").strip()
            for c in children(element, "category")
            if (c.get("term") or "").strip() and _label_scheme(c.get("scheme"))
        )
    )
    fill_author(entry, element)
    entry.status = text_of(element, "status").upper() or "LIVE"
    if text_of(element, "trashed") and "TRASH" not in entry.status:
        entry.status = "SOFT_TRASHED"
    entry.draft = entry.status == "DRAFT"
    filename = text_of(element, "filename")
    entry.path = url_path(filename) if filename else None
    entry.post_id = text_of(element, "parent") or None
    entry.parent_id = text_of(element, "inReplyTo") or None  # empty on top comments
    entry.summary = text_of(element, "metaDescription")
    entry.location = text_of(element, "location")
    entry.not_kept = tuple(_not_kept(element))
    return entry


def _label_scheme(scheme: str | None) -> bool:
    """Tell whether a category is a label (Takeout's scheme is the blog's tag)."""
    return scheme in (None, "", LABEL_SCHEME) or scheme.startswith("tag:blogger.com,")


def _not_kept(element: etree._Element) -> list[str]:
    """Name the filled fields Carnet has no place for (title link, enclosure)."""
    found = []
    for name in ("link", "enclosure"):
        for item in children(element, name):
            value = (item.get("href") or item.get("url") or item.text or "").strip()
            if value:
                found.append(f"{name} {value}")
    return found


def takeout_blog(root: etree._Element) -> BlogInfo:
    """Read what the feed itself says of the blog: its title."""
    return BlogInfo(title=text_of(root, "title"))


def read_settings_csv(text: str, blog: BlogInfo) -> list[str]:
    """Fill ``blog`` from Takeout's ``settings.csv``; return the settings used.

    Read either as ``name,value`` rows or as a header row over a row of
    values; a column is recognised by its name (address, locale, time zone).
    """
    rows = [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    if len(rows) == 2 and (len(rows[0]) > 2 or all(map(_setting, rows[0]))):
        pairs = list(zip(rows[0], rows[1], strict=False))
    else:
        pairs = [(row[0], row[1]) for row in rows if len(row) >= 2]
    used = []
    for name, value in pairs:
        key, value = name.strip().lower(), value.strip()
        if not value:
            continue
        if _setting(key) == "language":
            if language_code(value):
                blog.language = language_code(value)
                used.append(name.strip())
        elif _setting(key) == "timezone":
            blog.timezone = value
            used.append(name.strip())
        elif _setting(key) == "address" and host_of(value):
            blog.hosts.add(host_of(value))
            if host_of(value).endswith(".blogspot.com"):
                blog.subdomain = host_of(value).split(".")[0]
            used.append(name.strip())
        elif _setting(key) == "title" and not blog.title:
            blog.title = value
    return used


def _setting(name: str) -> str:
    """Return which blog setting a column name means ('' for none)."""
    key = name.strip().lower()
    if "locale" in key or "language" in key or "langue" in key:
        return "language"
    if "zone" in key:
        return "timezone"
    if "url" in key or "address" in key or "domain" in key or "adresse" in key:
        return "address"
    if "title" in key or "titre" in key or key in ("name", "nom"):
        return "title"
    return ""
