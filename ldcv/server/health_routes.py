"""``/healthz``: whether this server can answer, for load balancers.

200 while the data is there to answer from; 503 (with ``Retry-After``) while the SPARQL
store the server reads does not answer (it still serves the documents it has made). The
JSON body says which store is read, its generation, and how long since it last answered.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app

from ldcv.server.remote_store import retry_after, store_health

HEALTH_PATH = "/healthz"

health = Blueprint("health", __name__)


@health.get(HEALTH_PATH)
def healthz() -> Response:
    """Say whether the store answers: 200, or 503 with ``Retry-After``."""
    healthy, report = store_health(current_app)
    snapshot = current_app.extensions.get("ldcv.snapshot")
    if snapshot is not None and "store" not in report:
        report.update(store="embedded", generation=snapshot.generation)
    report.setdefault("store", "memory")
    report = {"status": "ok" if healthy else "unavailable", **report}
    response = Response(
        json.dumps(report) + "\n", status=200 if healthy else 503, mimetype="application/json"
    )
    response.headers["Cache-Control"] = "no-store"
    if not healthy:
        response.headers["Retry-After"] = str(retry_after())
    return response
