"""The pages readers see: posts, archives, labels, search, pages, feeds."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the reader blueprint and the error pages."""
    from app.blog import errors, feeds, routes, seo

    app.register_blueprint(routes.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(seo.bp)
    errors.init_app(app)
