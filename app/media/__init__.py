"""Media beside the posts: served at /media/, images with their resized copies."""

from __future__ import annotations

from flask import Flask

from app.media.copies import CopyMaker


def init_app(app: Flask) -> None:
    """Register the /media/ blueprint and the maker of image copies."""
    from app.media.routes import bp

    app.extensions["carnet_copies"] = CopyMaker(app.config["CARNET"].image_cache_dir)
    app.register_blueprint(bp)
