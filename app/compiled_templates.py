"""The templates compiled once and kept in the instance folder between starts.

Each worker compiles the templates a page needs at its first requests: about
a tenth of a second for the home page and again for a post, in every worker
after every restart. Jinja's own bytecode cache keeps them compiled in
``instance/compiled-templates/``; it checks each against its template's
source and the versions of Python and Jinja, and writes a file whole or not
at all; Carnet also keys each by the environment's settings that change what
a template compiles to. A folder that cannot be written only costs the
compiling again: pages never fail because of it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from jinja2 import Environment
from jinja2.bccache import Bucket, FileSystemBytecodeCache

log = logging.getLogger("carnet.templates")

FOLDER = "compiled-templates"
# What an environment compiles differently with (besides its extensions).
_COMPILING = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
)


def compiling_settings(env: Environment) -> str:
    """Return the settings of ``env`` that change what a template compiles to."""
    values = [repr(getattr(env, name)) for name in _COMPILING]
    values.append(",".join(sorted(env.extensions)))
    values.append(repr(getattr(env, "newstyle_gettext", None)))  # Flask-Babel's
    values.append(repr(env.finalize is None))
    return "|".join(values)


class KeptTemplates(FileSystemBytecodeCache):
    """Jinja's bytecode cache, which never lets a failed write reach a page."""

    def __init__(self, directory: Path) -> None:
        """Keep the compiled templates in ``directory`` (it must exist)."""
        super().__init__(str(directory))
        self._warned = False

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        """Return the kept code of a template, keyed by what it compiles with."""
        keyed = f"{name}|{compiling_settings(environment)}"
        return super().get_bucket(environment, keyed, filename, source)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Write a compiled template; a full disk is logged once, not raised."""
        try:
            super().dump_bytecode(bucket)
        except OSError as error:
            if not self._warned:
                self._warned = True
                log.warning("compiled templates not kept: %s", error)


def init_app(app: Flask) -> None:
    """Keep the app's compiled templates in its instance folder, if it can be."""
    folder = Path(app.instance_path) / FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.warning("compiled templates not kept in %s: %s", folder, error)
        return
    app.jinja_env.bytecode_cache = KeptTemplates(folder)
