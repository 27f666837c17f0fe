"""Placeholder until the moderation package lands."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the moderation blueprint and commands."""
