"""The instance folder: what one host keeps for itself, never shared.

The generated secret key (when ``BLOG_SECRET_KEY`` is not given), the saved
post index, the compiled templates, the resized images and the default
SQLite database live there:
``instance/`` beside the code, or ``BLOG_INSTANCE_DIR`` (say
``/var/lib/carnet``, so that the code folder can stay read-only).
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

from app.config import ConfigError


def instance_folder(
    root: Path,
    environ: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> Path:
    """Return this host's instance folder: ``BLOG_INSTANCE_DIR``, else root/instance.

    ``overrides`` (used by tests) may hold ``BLOG_INSTANCE_DIR`` as well.
    """
    env = os.environ if environ is None else environ
    given = (overrides or {}).get("BLOG_INSTANCE_DIR") or env.get("BLOG_INSTANCE_DIR")
    folder = Path(given) if given else root / "instance"
    # Created when first needed (a fresh checkout has none): only a file in
    # the way is an error.
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"BLOG_INSTANCE_DIR: not a folder: {str(folder)!r}")
    return folder.absolute()


def instance_secret_key(instance: Path) -> str:
    """Return the secret key kept in the instance folder, creating it on first use.

    Several workers may start at once: the file is created exclusively and
    whoever loses the race reads the winner's key.
    """
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            key = path.read_text(encoding="ascii").strip()
            if key:
                return key
            # The winner has created the file but not written it yet.
            time.sleep(0.01)
        raise ConfigError(f"BLOG_SECRET_KEY: {path} is empty") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key
