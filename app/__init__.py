"""Carnet: a self-hosted blog engine with Blogger's reader experience.

Importing the package loads nothing else, so that ``app.content`` can be used
(by the importer, benchmarks, scripts) without Flask; the factory lives in
:mod:`app.factory`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure a Carnet application (see :mod:`app.factory`)."""
    from app.factory import create_app as build

    return build(test_config)
