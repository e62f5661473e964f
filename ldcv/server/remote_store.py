"""Serve a store on a SPARQL 1.1 engine: no data files, any number of servers on any hosts.

The server reads the store's generation counter every ``LDCV_RELOAD_INTERVAL`` seconds
(one tiny query) and, when a publish has raised it, installs a catalog over the store as
it is now, exactly as it swaps to a new snapshot of an embedded store; the documents it
made before are dropped with the old catalog. While the engine does not answer, the
documents already made keep being served, any other request is answered 503 with
``Retry-After`` (``StoreUnavailable``), ``/healthz`` says so, and the first answer of the
engine afterwards puts everything back, with no restart.

Files made from the whole store (dumps, VoID counts, sitemap files) go to a folder of
this process's own, by generation; it is removed when the process ends.
"""

from __future__ import annotations

import atexit
import logging
import math
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

from ldcv.errors import ConfigError
from ldcv.server.errors import error_response
from ldcv.server.store_watch import GenerationWatcher, snapshot_base
from ldcv.store.remote import RemoteSnapshot, RemoteStore
from ldcv.store.sparql_protocol import SparqlClient, StoreUnavailable

log = logging.getLogger("ldcv.server")

STORE = "ldcv.store"
FOLLOWER = "ldcv.follower"


class RemoteWatcher(GenerationWatcher):
    """Follow the remote store's generation; remember whether the engine answered last time."""

    thread_name = "ldcv-remote-store"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_answer = time.monotonic()
        self.last_error: str | None = None

    def check(self) -> bool:
        """Install the store's state if a publish changed it; note an engine that is down."""
        try:
            changed = super().check()
        except StoreUnavailable as error:
            if self.last_error is None:  # once an outage, not once a second
                log.warning("the SPARQL store does not answer: %s", error)
            self.last_error = str(error)
            return False
        if self.last_error is not None:
            log.warning("the SPARQL store answers again")
        self.last_error = None
        self.last_answer = time.monotonic()
        return changed


def serve_remote(
    app: Flask, settings: Mapping[str, Any], install: Callable[[Flask, Any], None]
) -> None:
    """Serve the store on ``LDCV_SPARQL_STORE``; follow its publications."""
    client = SparqlClient(settings["LDCV_SPARQL_STORE"], timeout=settings["LDCV_STORE_TIMEOUT"])
    files = Path(tempfile.mkdtemp(prefix="ldcv-remote-"))
    atexit.register(shutil.rmtree, files, ignore_errors=True)
    remote = RemoteStore(client, files, index_details=False)
    snapshot = remote.open_snapshot()
    if snapshot is None:
        raise ConfigError(
            f"{client.query_url}: nothing published there yet; run "
            f"`ldcv publish PATH --sparql-endpoint {client.query_url} --sparql-update URL`"
        )
    app.config["LDCV_BASE_URI"] = snapshot_base(snapshot, settings["LDCV_BASE_URI"])  # type: ignore[arg-type]
    app.extensions[STORE] = remote
    install(app, snapshot)
    follower = RemoteWatcher(
        remote,  # type: ignore[arg-type]
        snapshot.generation,
        lambda newer: install(app, newer),
        interval=settings["LDCV_RELOAD_INTERVAL"],
    )
    app.extensions[FOLLOWER] = follower
    follower.start()
    app.register_error_handler(StoreUnavailable, _unavailable)


def _unavailable(error: StoreUnavailable) -> Response:
    log.warning("answered 503: %s", error)
    response = error_response(
        503,
        "the data store does not answer right now; try again shortly",
        request.headers.get("Accept"),
    )
    response.headers["Retry-After"] = str(retry_after())
    return response


def retry_after() -> int:
    """Seconds a client should wait: a few looks at the store."""
    from flask import current_app

    return max(1, math.ceil(3 * current_app.config.get("LDCV_RELOAD_INTERVAL", 1.0)))


def store_health(app: Flask) -> tuple[bool, dict[str, Any]]:
    """Whether the store answers, and what ``/healthz`` says about it."""
    snapshot = app.extensions.get("ldcv.snapshot")
    follower = app.extensions.get(FOLLOWER)
    if not isinstance(snapshot, RemoteSnapshot) or not isinstance(follower, RemoteWatcher):
        return True, {}
    report: dict[str, Any] = {
        "store": "sparql",
        "generation": follower.generation,
        "seconds_since_answer": round(time.monotonic() - follower.last_answer, 1),
    }
    if follower.last_error is not None:
        report["error"] = "the SPARQL store does not answer"
        return False, report
    return True, report
