"""Plan the comment rows of an import: state, author, thread, text.

Blogger's states map onto Carnet's: a live comment is published; one its
author or an administrator removed (old format: ``blogger.contentRemoved``;
Takeout: a trashed or deleted status) is kept as ``deleted``, so that its
replies keep their place and the thread shows Blogger's placeholder only
when it has replies; spam and Takeout's ``GHOSTED`` are left out.
"""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from flask_babel import gettext as _

from app.comments.models import CommentStatus
from app.importers.blogger import Entry, Export, tidy_text
from app.importers.comment_text import html_to_comment_text
from app.importers.files import Plan, PlannedComment, id_key

_REMOVED = ("TRASH", "DELETED", "REMOVED")
_WAITING = ("PENDING", "MODERATED", "AWAITING_MODERATION")


def _is_author(entry: Entry, authors: set[str]) -> bool:
    """Tell whether the blog's author wrote a comment (same profile or name)."""
    if entry.anonymous:
        return False
    return bool({entry.author_uri, entry.author} & authors - {""})


def _website(uri: str) -> str | None:
    """Return the commenter's own site: not a blogger.com profile, http(s) only."""
    parts = urlsplit(uri.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if parts.netloc.endswith("blogger.com") and parts.path.startswith("/profile"):
        return None
    return uri.strip()[:500]


class CommentPlanner:
    """Turn comment entries into planned rows, counting what is left out."""

    def __init__(
        self, export: Export, plan: Plan, stored: set[str], urls: dict[str, str]
    ) -> None:
        """Remember the plan, stored comment ids and the posts' URLs by id."""
        self.plan = plan
        self.stored = stored  # id_key of comments already in the database
        self.urls = urls  # id_key of a post → its URL (filled as posts are planned)
        self.authors = {export.blog_author, export.blog_author_uri}
        for entry in export.entries:
            if entry.kind == "post" and not entry.anonymous:
                self.authors |= {entry.author, entry.author_uri}

    def status(self, entry: Entry) -> CommentStatus | None:
        """Return the state a comment is stored in, None when left out."""
        report = self.plan.report
        status = entry.status.upper()
        if "SPAM" in status:
            report.skip(_("commentaire spam"))
            return None
        if "GHOSTED" in status:
            report.skip(_("commentaire masqué par Blogger (GHOSTED)"))
            return None
        if entry.removed or any(word in status for word in _REMOVED):
            return CommentStatus.DELETED
        if any(word in status for word in _WAITING):
            return CommentStatus.PENDING
        if status not in ("LIVE", "PUBLISHED", "IMPORTED"):
            report.warnings.append(
                _(
                    "statut inconnu %(status)s : commentaire %(what)s mis en attente",
                    status=status,
                    what=entry.blogger_id,
                )
            )
            return CommentStatus.PENDING
        return CommentStatus.APPROVED

    def add(self, entry: Entry) -> None:
        """Plan one comment row unless stored already, left out or orphan."""
        report = self.plan.report
        if id_key(entry.blogger_id) in self.stored:
            report.existing += 1
            return
        status = self.status(entry)
        if status is None:
            return
        url = self.urls.get(id_key(entry.post_id or ""))
        if not url:
            report.skip(_("commentaire sur un article non importé"))
            return
        if entry.published is None:
            report.skip(_("commentaire sans date"))
            return
        author = "Anonyme" if entry.anonymous and not entry.author else entry.author
        if author == "Anonymous":
            author = "Anonyme"
        self.plan.comments.append(
            PlannedComment(
                blogger_id=entry.blogger_id[:200],
                post_url=url,
                author=(author or "Anonyme")[:100],
                website=_website(entry.author_uri),
                # Character references ("&#27;") become characters only here.
                body=tidy_text(html_to_comment_text(entry.html)),
                created=entry.published.astimezone(UTC),
                is_author=_is_author(entry, self.authors),
                parent=id_key(entry.parent_id) if entry.parent_id else None,
                status=status,
            )
        )
        if status == CommentStatus.DELETED:
            report.deleted_comments += 1
        elif status == CommentStatus.PENDING:
            report.pending_comments += 1
        else:
            report.comments += 1
