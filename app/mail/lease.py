"""Leases: one row per name, taken by one process at a time, until a moment.

An UPDATE whose WHERE says "free, or already mine" succeeds for one caller
only: PostgreSQL re-checks the WHERE of a row another transaction just
updated, SQLite has one writer at a time. Whoever sees ``rowcount == 1``
holds the lease. A holder that dies simply lets it run out.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db, utc
from app.mail import tokens
from app.mail.models import MailLease


def holder_name() -> str:
    """Name this host, process and thread, as leases and claims record them."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


def take(name: str, holder: str, length: timedelta) -> bool:
    """Take or renew the lease ``name`` for ``length``; commit; tell if held."""
    moment = tokens.now()
    result = db.session.execute(
        sa.update(MailLease)
        .where(
            MailLease.name == name,
            sa.or_(
                MailLease.holder.is_(None),
                MailLease.holder == holder,
                MailLease.until < moment,
            ),
        )
        .values(holder=holder, until=moment + length)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def take_when_due(name: str, holder: str, length: timedelta) -> bool:
    """Take the lease ``name`` only once it has run out (whoever held it); commit."""
    moment = tokens.now()
    # Read first: most rounds find it not due, and a read takes no write lock.
    until = db.session.execute(
        sa.select(MailLease.until).where(MailLease.name == name)
    ).scalar()
    db.session.commit()
    if until is None or utc(until) > moment:
        return False
    result = db.session.execute(
        sa.update(MailLease)
        .where(MailLease.name == name, MailLease.until <= moment)
        .values(holder=holder, until=moment + length)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def release(name: str, holder: str) -> None:
    """Give the lease back at once, if still held."""
    db.session.execute(
        sa.update(MailLease)
        .where(MailLease.name == name, MailLease.holder == holder)
        .values(holder=None, until=tokens.now())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
