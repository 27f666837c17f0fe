"""Blogger's old backup format (``blog-MM-DD-YYYY.xml``): entries and settings.

Every item is an Atom ``<entry>`` whose kind is a ``<category>``; the blog's
settings are entries too (``….settings.BLOG_LOCALE``…), and a comment its
author or an administrator removed carries ``blogger.contentRemoved``.
"""

from __future__ import annotations

from lxml import etree

from app.importers.blogger import (
    ATOM,
    LABEL_SCHEME,
    BlogInfo,
    Entry,
    child,
    children,
    content_html,
    fill_author,
    host_of,
    language_code,
    parse_time,
    text_of,
    url_path,
)

KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
# Settings naming the blog's own address when it had a domain of its own.
_ADDRESS_SETTINGS = ("DOMAIN", "BLOG_URL", "PUBLISH_URL", "FTP_URL", "HOSTNAME")


def is_backup(root: etree._Element) -> bool:
    """Tell whether the feed looks like Blogger's old backup (kind categories)."""
    if text_of(root, "id").startswith("tag:blogger.com,"):
        return True
    return any(
        c.get("scheme") == KIND_SCHEME and "blogger" in (c.get("term") or "")
        for c in root.iter(f"{{{ATOM}}}category")
    )


def backup_entry(element: etree._Element) -> Entry:
    """Build an Entry from one ``<entry>`` of the old backup format."""
    kind = "unknown"
    labels = []
    for category in children(element, "category"):
        scheme = category.get("scheme") or ""
        term = (category.get("term") or "").strip()
        if scheme == KIND_SCHEME:
            kind = term.rsplit("#", 1)[-1] or "unknown"
        elif scheme == LABEL_SCHEME and term:
            labels.append(term)
    entry = Entry(kind=kind, blogger_id=text_of(element, "id"))
    entry.title = text_of(element, "title")
    entry.html = content_html(element)
    entry.published = parse_time(text_of(element, "published"))
    entry.updated = parse_time(text_of(element, "updated"))
    entry.labels = tuple(dict.fromkeys(labels))
    entry.location = text_of(element, "featurename")  # georss:featurename
    fill_author(entry, element)
    control = child(element, "control")
    if control is not None and text_of(control, "draft").lower() == "yes":
        entry.draft, entry.status = True, "DRAFT"
    for link in children(element, "link"):
        rel = link.get("rel")
        if rel == "alternate" and link.get("type") == "text/html" and kind != "comment":
            entry.path = url_path(link.get("href") or "")
        elif rel == "related" and kind == "comment":
            entry.parent_id = _comment_id_from_link(
                link.get("href") or "", entry.blogger_id
            )
    reply_to = child(element, "in-reply-to")
    if reply_to is not None:
        entry.post_id = (reply_to.get("ref") or "").strip() or None
    for prop in children(element, "extendedProperty"):
        if prop.get("name") == "blogger.contentRemoved":
            # Blogger's placeholder ("removed by the author"), in any language.
            entry.removed = (prop.get("value") or "true").lower() != "false"
    return entry


def _comment_id_from_link(href: str, own_id: str) -> str | None:
    """Turn a ``related`` link (…/comments/default/<n>) into the parent's entry id."""
    number = href.rstrip("/").rsplit("/", 1)[-1]
    if not number.isdigit() or ".post-" not in own_id:
        return None
    return f"{own_id.rsplit('.post-', 1)[0]}.post-{number}"


def backup_blog(root: etree._Element, elements: list[etree._Element]) -> BlogInfo:
    """Read the blog's name, language, time zone and addresses from the backup."""
    settings = {}
    for element in elements:
        blogger_id = text_of(element, "id")
        if ".settings." in blogger_id:
            content = child(element, "content")
            value = (content.text or "").strip() if content is not None else ""
            settings[blogger_id.rsplit(".settings.", 1)[1]] = value
    blog = BlogInfo(
        title=settings.get("BLOG_NAME") or text_of(root, "title"),
        language=language_code(settings.get("BLOG_LOCALE", "")),
        timezone=settings.get("BLOG_TIME_ZONE", ""),
        subdomain=settings.get("BLOG_SUBDOMAIN", "").strip().lower(),
    )
    if blog.subdomain:
        blog.hosts.add(f"{blog.subdomain}.blogspot.com")
    for name, value in settings.items():
        if any(part in name for part in _ADDRESS_SETTINGS) and host_of(value):
            blog.hosts.add(host_of(value))
    # The feed's and the posts' own addresses are the blog's.
    for link in [*children(root, "link"), *root.iter(f"{{{ATOM}}}link")]:
        if link.get("rel") == "alternate" and link.get("type") == "text/html":
            host = host_of(link.get("href") or "")
            if host and not host.endswith("blogger.com"):
                blog.hosts.add(host)
    return blog
