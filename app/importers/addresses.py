"""The blog's own old addresses: which links point home, and where to now.

A link in a post to the blog itself (``http://name.blogspot.com/2011/10/x.html``,
``https://name.blogspot.fr/p/about.html``, the custom domain…) becomes
site-relative, so that it keeps working once the blog lives elsewhere: the
site answers every old post address, directly or through an alias.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from app.importers.blogger import BlogInfo

# Paths the site answers, as Blogger's did (SPEC §5).
_SERVED = re.compile(
    r"^/$|^/\d{4}/(\d{2}/)?$|^/\d{4}/\d{2}/[^/]+\.html$|^/p/[^/]+\.html$"
    r"|^/\d{4}_\d{2}_\d{2}_archive\.html$|^/search(/|$)|^/feeds/"
)


class OwnAddresses:
    """Recognise links to the blog's old addresses and make them site-relative."""

    def __init__(self, blog: BlogInfo, old_paths: set[str] | None = None) -> None:
        """Remember the blog's host names and the old paths its posts keep."""
        self.hosts = {h.lower().removeprefix("www.") for h in blog.hosts if h}
        subdomains = {blog.subdomain} if blog.subdomain else set()
        subdomains |= {h.split(".")[0] for h in self.hosts if ".blogspot." in h}
        # Blogspot answered on every country domain: name.blogspot.fr, .co.uk…
        self.blogspot = re.compile(
            r"^(?:" + "|".join(re.escape(s) for s in sorted(subdomains)) + r")"
            r"\.blogspot\.[a-z]{2,3}(?:\.[a-z]{2})?$"
            if subdomains
            else r"(?!)"
        )
        self.old_paths = old_paths or set()

    def owns(self, host: str) -> bool:
        """Tell whether a host name is one of the blog's own."""
        host = host.lower().rstrip(".")
        return host.removeprefix("www.") in self.hosts or bool(
            self.blogspot.match(host)
        )

    def relink(self, href: str) -> str | None:
        """Return the site-relative form of a link to the blog, None for others."""
        try:
            parts = urlsplit(href.strip())
            host = parts.hostname or ""
        except ValueError:
            return None  # "http://[broken" and the like: left as written
        if parts.scheme not in ("http", "https", "") or not host:
            return None
        if not self.owns(host):
            return None
        path = parts.path or "/"
        if not (_SERVED.match(path) or path in self.old_paths):
            return None  # an image or a file the site does not serve
        return urlunsplit(("", "", path, parts.query, parts.fragment))
