"""The daily chores of the sender: readers' IP addresses, old outbox rows.

Run once a day by whichever sender takes the ``daily`` lease when it is
due (one process among every worker and host), and by every
``flask mail send``: both are idempotent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from app.comments.privacy import anonymise_old_ips
from app.config import current_settings
from app.extensions import db
from app.mail import lease, tokens
from app.mail.models import Outbox, OutboxState

log = logging.getLogger("carnet.mail")

EVERY = timedelta(days=1)
# Rows done with (sent, dropped, failed) are kept this long, then deleted.
KEEP_DONE = timedelta(days=30)


@dataclass(frozen=True)
class ChoresReport:
    """What the chores did."""

    anonymised: int  # comments whose IP address was cut to its network
    purged: int  # outbox rows deleted


def run_chores() -> ChoresReport:
    """Anonymise old IP addresses and delete old outbox rows; commit."""
    moment = tokens.now()
    keep_days = current_settings().comments.keep_ip_days
    anonymised = anonymise_old_ips(db.session, moment, keep_days)
    purged = db.session.execute(
        sa.delete(Outbox)
        .where(
            Outbox.state != OutboxState.QUEUED,
            Outbox.created < moment - KEEP_DONE,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if anonymised or purged:
        log.info(
            "daily chores: %d IP address(es) anonymised, %d outbox row(s) deleted",
            anonymised,
            purged,
        )
    return ChoresReport(anonymised, purged)


def run_if_due(holder: str) -> ChoresReport | None:
    """Run the chores if a day has passed since they last ran anywhere."""
    if not lease.take_when_due("daily", holder, EVERY):
        return None
    return run_chores()
