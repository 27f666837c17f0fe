"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi …``."""

from app import create_app
from app.config import ConfigError

try:
    app = create_app()
except ConfigError as err:
    # One clear line naming the setting, not a traceback.
    raise SystemExit(f"Carnet cannot start: {err}") from None
