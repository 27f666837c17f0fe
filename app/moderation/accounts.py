"""Moderator accounts: the queries behind /login and ``flask moderator``."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.moderation.models import Moderator

# Checked against when the name is unknown, so that a wrong name costs as
# much time as a wrong password and does not reveal which accounts exist.
_DUMMY = Moderator(username="", password_hash="")


def find(username: str) -> Moderator | None:
    """Return the moderator called ``username``, if any."""
    return db.session.scalars(
        sa.select(Moderator).where(Moderator.username == username)
    ).first()


def authenticate(username: str, password: str) -> Moderator | None:
    """Return the moderator whose name and password match, else None."""
    moderator = find(username)
    if moderator is None:
        if not _DUMMY.password_hash:
            _DUMMY.set_password("not a password")
        _DUMMY.check_password(password)
        return None
    return moderator if moderator.check_password(password) else None


def all_moderators() -> list[Moderator]:
    """Return every moderator, by name."""
    return list(db.session.scalars(sa.select(Moderator).order_by(Moderator.username)))


def create(username: str, password: str) -> Moderator:
    """Create a moderator account."""
    moderator = Moderator(username=username)
    moderator.set_password(password)
    db.session.add(moderator)
    db.session.commit()
    return moderator


def change_password(moderator: Moderator, password: str) -> None:
    """Give ``moderator`` a new password; every session opened before ends."""
    moderator.set_password(password)
    moderator.end_sessions()
    db.session.commit()


def end_sessions(moderator: Moderator) -> None:
    """End every session of ``moderator``: copied cookies stop working too."""
    moderator.end_sessions()
    db.session.commit()


def remove(moderator: Moderator) -> None:
    """Delete a moderator account."""
    db.session.delete(moderator)
    db.session.commit()
