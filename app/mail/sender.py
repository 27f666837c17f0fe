"""Deliver what is due in the outbox, once, with retries and back-off.

Who sends: every worker of every host runs a sender (app.mail.background),
and cron may run ``flask mail send``; one at a time holds the ``sender``
lease (app.mail.lease). The holder renews it before each message, and
stops if it lost it by stalling past ``LEASE``. Each row is also claimed
(``claimed_until``) while it is delivered, so that a new holder never sends
it again while a stalled one is still talking to the server.

A failed message is retried after 1 min, 5 min, 30 min and 2 h, then its
rows are marked failed (the moderation queue lists them); a server that
refuses for good (a 5xx for the address) fails it at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from app.config import current_settings
from app.extensions import db
from app.mail import groups, lease, tokens
from app.mail.models import Outbox, OutboxState
from app.mail.smtp import DeliveryError, deliver

log = logging.getLogger("carnet.mail")

LEASE = timedelta(minutes=2)
CLAIM = timedelta(minutes=10)
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
BATCH = 200


@dataclass
class PassReport:
    """What one pass did, counted in messages (a group is one message)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    dropped: int = 0  # rows left with nothing to say
    postponed: int = 0  # messages waiting for their hourly or daily turn
    leader: bool = True  # False: another sender held the lease


def anything_due() -> bool:
    """Tell whether some queued row is due (a read: no lease taken for nothing)."""
    query = sa.select(Outbox.id).where(
        Outbox.state == OutboxState.QUEUED, Outbox.due <= tokens.now()
    )
    return db.session.execute(query.limit(1)).first() is not None


def _update(ids: list[int], **values: Any) -> None:
    """Change these outbox rows and commit."""
    db.session.execute(
        sa.update(Outbox)
        .where(Outbox.id.in_(ids))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _claim(rows: list[Outbox], holder: str) -> list[Outbox]:
    """Claim the rows still free; return those this sender now holds."""
    moment = tokens.now()
    ids = [row.id for row in rows]
    db.session.execute(
        sa.update(Outbox)
        .where(
            Outbox.id.in_(ids),
            Outbox.state == OutboxState.QUEUED,
            sa.or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < moment),
        )
        .values(claimed_by=holder, claimed_until=moment + CLAIM)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    held = sa.select(Outbox).where(
        Outbox.id.in_(ids),
        Outbox.state == OutboxState.QUEUED,
        Outbox.claimed_by == holder,
    )
    return list(db.session.scalars(held.execution_options(populate_existing=True)))


def _failure(rows: list[Outbox], error: DeliveryError, report: PassReport) -> None:
    """Schedule the message's next try, or mark it failed after the last."""
    attempts = max(row.attempts for row in rows) + 1
    moment = tokens.now()
    ids = [row.id for row in rows]
    reason = str(error)[:300]
    done = {"attempts": attempts, "error": reason}
    done.update(claimed_by=None, claimed_until=None)
    if error.permanent or attempts > len(BACKOFF):
        _update(ids, state=OutboxState.FAILED, due=moment, **done)
        report.failed += 1
        log.warning("outbox %s: gave up after %d tries: %s", ids, attempts, reason)
        return
    retry_at = moment + BACKOFF[attempts - 1]
    _update(ids, due=retry_at, **done)
    report.retrying += 1
    log.info("outbox %s: %s; next try at %s", ids, reason, retry_at.isoformat())


def _send_group(rows: list[Outbox], holder: str, report: PassReport) -> None:
    """Build and deliver one message, then record what became of its rows."""
    rows = _claim(rows, holder)
    if not rows:
        return
    message, dropped = groups.BUILDERS[rows[0].kind](rows)
    if dropped:
        _update(
            [r.id for r in dropped],
            state=OutboxState.DROPPED,
            claimed_by=None,
            claimed_until=None,
        )
        report.dropped += len(dropped)
    if message is None:
        return
    live = [r for r in rows if r not in dropped]
    try:
        deliver(message, current_settings().mail)
    except DeliveryError as error:
        _failure(live, error, report)
        return
    sent = {"state": OutboxState.SENT, "sent": tokens.now(), "error": None}
    _update([r.id for r in live], claimed_by=None, claimed_until=None, **sent)
    report.sent += 1


def _due_groups(daily: bool) -> dict[tuple, list[Outbox]]:
    """Return the due, unclaimed rows, grouped by the message they travel in."""
    moment = tokens.now()
    query = (
        sa.select(Outbox)
        .where(
            Outbox.state == OutboxState.QUEUED,
            Outbox.due <= moment,
            sa.or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < moment),
        )
        .order_by(Outbox.due, Outbox.id)
        .limit(BATCH)
    )
    found: dict[tuple, list[Outbox]] = {}
    for row in db.session.scalars(query):
        found.setdefault(groups.group_key(row, daily), []).append(row)
    return found


def run_pass(holder: str | None = None) -> PassReport:
    """Deliver every message that is due, if this sender wins the lease."""
    report = PassReport()
    settings = current_settings()
    if not settings.sends_mail or not anything_due():
        return report
    holder = holder or lease.holder_name()
    if not lease.take("sender", holder, LEASE):
        report.leader = False
        return report
    daily = settings.mail.digest == "daily"
    try:
        for key, rows in _due_groups(daily).items():
            turn = groups.next_turn(key, daily)
            if turn is not None and turn > tokens.now():
                _update([r.id for r in rows], due=turn)
                report.postponed += 1
                continue
            # Renewed before each message: a sender stalled past LEASE stops here.
            if not lease.take("sender", holder, LEASE):
                break
            try:
                _send_group(rows, holder, report)
            except Exception as error:  # noqa: BLE001 - one bad message must not stop the rest
                db.session.rollback()
                log.exception("outbox %s: could not build the message", key)
                problem = DeliveryError(f"{type(error).__name__}: {error}")
                _failure(rows, problem, report)
    finally:
        lease.release("sender", holder)
    return report
