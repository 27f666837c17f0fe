"""``flask --app wsgi doctor``: what this host sees, one line per topic.

Run on every host and compare the outputs: the same settings file, database,
migration revision, rate-limit store, posts (count, newest change, content
fingerprint) and secret key fingerprint everywhere, or something differs.
No password and no key is ever printed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from limits.storage import storage_from_string

from app.config import Settings, current_settings
from app.extensions import post_index
from app.ops import readiness

# Redis schemes whose client takes these options: a probe must not hang.
QUICK_REDIS = {"socket_connect_timeout": 3, "socket_timeout": 3}


@dataclass(frozen=True)
class Finding:
    """One line of the report; ``wrong`` ones make the command fail."""

    topic: str
    text: str
    wrong: bool = False


def key_fingerprint(key: str) -> str:
    """Return a short hash that tells two keys apart without revealing either."""
    digest = hashlib.sha256(b"carnet secret key fingerprint\0" + key.encode())
    return digest.hexdigest()[:12]


def examine() -> list[Finding]:
    """Look at everything a host needs to serve the same blog as its peers."""
    settings = current_settings()
    return [
        _settings_file(settings),
        *_database(settings),
        _rate_limits(settings),
        _posts(settings),
        _secret_key(settings),
    ]


def _settings_file(settings: Settings) -> Finding:
    """Say which settings file was read and which BLOG_* variables are set."""
    source = settings.settings_file or _("aucun fichier, valeurs par défaut")
    names = sorted(name for name in os.environ if name.startswith("BLOG_"))
    text = _(
        "%(source)s ; variables : %(names)s",
        source=source,
        names=", ".join(names) or _("aucune"),
    )
    return Finding(_("réglages"), text)


def _database(settings: Settings) -> list[Finding]:
    """Say whether the database answers and where its schema stands."""
    url = sa.engine.make_url(settings.database_url).render_as_string(hide_password=True)
    topic, schema = _("base de données"), _("migrations")
    try:
        revision = readiness.database_revision()
    except readiness.Unreachable as error:
        return [
            Finding(
                topic, _("%(url)s — ne répond pas : %(e)s", url=url, e=error), True
            ),
            Finding(schema, _("inconnues (base injoignable)"), True),
        ]
    wanted = readiness.migrations()
    text = _(
        "base %(base)s, code %(head)s",
        base=revision or _("aucune"),
        head=wanted.head,
    )
    problem = readiness.schema_problem(revision)
    if problem:
        text = f"{text} — {problem}"
    elif revision != wanted.head:
        text = f"{text} — " + _("base en avance sur ce code (nouvelle version)")
    else:
        text = f"{text} — " + _("à jour")
    return [
        Finding(topic, _("%(url)s — répond", url=url)),
        Finding(schema, text, problem is not None),
    ]


def _rate_limits(settings: Settings) -> Finding:
    """Say where rate limits are counted and whether that store answers."""
    url = settings.ratelimit_storage_url
    topic = _("limites de débit")
    if url.startswith("memory://"):
        return Finding(topic, _("mémoire de chaque processus (non partagée)"))
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    options = QUICK_REDIS if url.startswith(("redis://", "rediss://")) else {}
    try:
        answers = storage_from_string(url, **options).check()
    except Exception:  # noqa: BLE001 - a store that cannot even be built: not reached
        answers = False
    if answers:
        return Finding(topic, _("%(url)s — répond", url=shown))
    return Finding(topic, _("%(url)s — ne répond pas", url=shown), True)


def _posts(settings: Settings) -> Finding:
    """Count the posts read here, their newest change and a content fingerprint."""
    topic = _("articles")
    problem = readiness.posts_problem()
    if problem:
        return Finding(topic, problem, True)
    index = post_index()
    index.refresh(force=True)
    posts = sorted(index.all_posts(), key=lambda post: str(post.source))
    digest = hashlib.sha256()
    for post in posts:
        # Paths and bytes, not mtimes: a git checkout dates files differently
        # on every host while their content is the same.
        digest.update(str(post.source.relative_to(index.posts_dir)).encode())
        try:
            digest.update(b"\0" + post.source.read_bytes() + b"\0")
        except OSError:
            digest.update(b"\0-\0")  # deleted since the scan: differs anyway
    newest = max((post.mtime_ns for post in posts), default=0)
    when = datetime.fromtimestamp(newest / 1e9, UTC).isoformat(timespec="seconds")
    text = _(
        "%(folder)s — %(count)d fichier(s) lu(s), %(problems)d problème(s) "
        "(flask --app wsgi check), plus récent modifié %(when)s, "
        "contenu %(fingerprint)s",
        folder=settings.posts_dir,
        count=len(posts),
        problems=len(index.problems),
        when=when if newest else "-",
        fingerprint=digest.hexdigest()[:12],
    )
    return Finding(topic, text)


def _secret_key(settings: Settings) -> Finding:
    """Show the key's fingerprint and whether it was given or generated here."""
    fingerprint = key_fingerprint(current_app.config["SECRET_KEY"])
    if settings.secret_key:
        origin = _("donnée par BLOG_SECRET_KEY")
    else:
        origin = _(
            "générée dans %(file)s (propre à cette machine)",
            file=Path(current_app.instance_path) / "secret_key",
        )
    return Finding(
        _("clé secrète"),
        _(
            "empreinte %(fingerprint)s, %(origin)s",
            fingerprint=fingerprint,
            origin=origin,
        ),
    )
