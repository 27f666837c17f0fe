"""The pages readers see: posts, archives, labels, search, pages, feeds."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the reader blueprints and the error pages."""
    from app.blog import errors, feeds, post_page, routes, seo

    app.register_blueprint(routes.bp)
    app.register_blueprint(post_page.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(seo.bp)
    errors.init_app(app)
