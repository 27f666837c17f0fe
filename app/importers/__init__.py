"""Placeholder until the importers package lands."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the importers blueprint and commands."""
