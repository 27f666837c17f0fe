"""The floor: a Flask app that answers each path with bytes saved from Carnet, no work.

``FLOOR_PAGES`` names a JSON file ``{path: [mimetype, body as latin-1 text]}``;
``gunicorn bench.floor:app`` serves them. Used by bench_http.py to measure
Carnet against Flask doing nothing but returning the same bytes.
"""

from __future__ import annotations

import json
import os

from flask import Flask, Response, abort, request

with open(os.environ["FLOOR_PAGES"], encoding="utf-8") as source:
    PAGES = {
        path: (mimetype, body.encode("latin-1"))
        for path, (mimetype, body) in json.load(source).items()
    }

app = Flask("floor")


@app.get("/<path:path>")
@app.get("/", defaults={"path": ""})
def page(path: str) -> Response:
    """Return the saved bytes of the page asked for."""
    found = PAGES.get(request.full_path.rstrip("?"))
    if found is None:
        abort(404)
    mimetype, body = found
    return Response(body, mimetype=mimetype)
