"""The floor: a Flask app that answers each path with bytes saved from Carnet, no work.

``FLOOR_PAGES`` names a JSON file ``{path: [mimetype, body as latin-1 text]}``;
``gunicorn bench.floor:app`` serves them. Used by bench_http.py to measure
Carnet against Flask doing nothing but returning the same bytes, and by
bench_comments.py, whose form POSTs it reads and answers with ``303``.
``FLOOR_IMPORTS``, if set, names a file listing modules (one a line) to
import first: bench_scale.py gives it the third-party modules Carnet loads,
to time a start that does nothing else.
"""

from __future__ import annotations

import importlib
import json
import os

from flask import Flask, Response, abort, redirect, request

with open(os.environ["FLOOR_PAGES"], encoding="utf-8") as source:
    PAGES = {
        path: (mimetype, body.encode("latin-1"))
        for path, (mimetype, body) in json.load(source).items()
    }

if os.environ.get("FLOOR_IMPORTS"):
    with open(os.environ["FLOOR_IMPORTS"], encoding="utf-8") as names:
        for name in names.read().split():
            importlib.import_module(name)

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


@app.post("/<path:path>")
def comment(path: str) -> Response:
    """Read a form sent to a saved page; send the reader back to it, storing nothing."""
    if request.path not in PAGES or not request.form.get("body"):
        abort(404)
    return redirect(request.path, code=303)
