"""What a commenter leaves behind, kept no longer than needed.

- An IP address serves against abuse while a comment is fresh (rate limits,
  spotting a flood in the queue). After ``[comments] keep_ip_days`` it is cut
  to its network, as Isso does: ``/24`` for IPv4 (``203.0.113.0``), ``/48``
  for IPv6 (``2001:db8:1::``); anything that is not an address goes.
- An e-mail address is erased when its comment is deleted (the row stays as
  the placeholder of its replies), and with it the reply notifications.

These changes are invisible to readers: plain UPDATEs, no page change logged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.comments.models import Comment

BATCH = 500


def anonymised_ip(value: str) -> str | None:
    """Return the network part of an IP address (/24 or /48); None if not one."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(
        ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address
    )


def anonymise_old_ips(session: Session, now: datetime, keep_days: int) -> int:
    """Cut the IPs of comments older than ``keep_days`` to their network; count them.

    Idempotent: an address already cut is left as it is. IPv4 addresses
    ending in ``.0`` are known cut and not read again.
    """
    cutoff = now - timedelta(days=keep_days)
    query = (
        sa.select(Comment.id, Comment.ip)
        .where(
            Comment.created < cutoff,
            Comment.ip.is_not(None),
            sa.not_(Comment.ip.like("%.0") & Comment.ip.not_like("%:%")),
        )
        .order_by(Comment.id)
    )
    changes = [
        {"row_id": row_id, "cut": anonymised_ip(ip)}
        for row_id, ip in session.execute(query)
        if anonymised_ip(ip) != ip
    ]
    table = Comment.__table__
    # Core executemany: one statement, one parameter set per comment.
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values(ip=sa.bindparam("cut"))
    )
    for start in range(0, len(changes), BATCH):
        session.connection().execute(statement, changes[start : start + BATCH])
    return len(changes)


def forget_addresses(session: Session, ids: Iterable[int]) -> None:
    """Erase the e-mail address (and the wish for replies) of these comments."""
    ids = sorted(set(ids))
    if ids:
        session.execute(
            sa.update(Comment)
            .where(Comment.id.in_(ids))
            .values(email=None, notify=False)
            .execution_options(synchronize_session=False)
        )
