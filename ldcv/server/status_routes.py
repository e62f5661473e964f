"""``/status``: what the server serves, and which CV files it could not take.

A CV file that fails to index keeps its last good version in the store; the status
says so by file name and number of problems. The problems themselves go to the log
only: they quote the YAML, private fields included.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app

from ldcv.store.index import STATUS_FILE

STATUS_PATH = "/status"

status = Blueprint("status", __name__)


@status.get(STATUS_PATH)
def show_status() -> Response:
    """Report the data being served and the files left out, as JSON."""
    extensions = current_app.extensions
    report: dict[str, Any] = {"cvs": len(extensions["ldcv.catalog"].owners)}
    snapshot = extensions.get("ldcv.snapshot")
    if snapshot is not None:
        report["store_generation"] = snapshot.generation
        report["not_indexed"] = _not_indexed(extensions["ldcv.store"].path)
    watcher = extensions.get("ldcv.watcher")
    if watcher is not None:
        report["last_reload_failed"] = watcher.last_error is not None
    response = Response(
        json.dumps(report, ensure_ascii=False, indent=1) + "\n", mimetype="application/json"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_indexed(store: Path) -> dict[str, int]:
    """Each file the last index could not take, by name, with its number of problems."""
    try:
        failed = json.loads((store / STATUS_FILE).read_text(encoding="utf-8"))["failed"]
    except (OSError, ValueError, KeyError):
        return {}
    return {Path(name).name: len(failure["problems"]) for name, failure in failed.items()}
