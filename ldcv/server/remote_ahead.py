"""A server on a remote store: read the documents made ahead, and have each generation's made.

The documents go to a local folder (``LDCV_AHEAD_DIR``) that every server process on the
machine reading the same store shares; see ``ldcv.documents.remote_ahead``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from ldcv.documents.remote_ahead import (
    RemoteAheadDocuments,
    ahead_root,
    make_ahead_in_background,
    remote_ahead_files,
    store_fingerprint,
)

THREAD = "ldcv.ahead_documents"


def remote_ahead_documents(app: Flask, snapshot: Any) -> RemoteAheadDocuments | None:
    """The documents of ``snapshot``'s generation made ahead (or to be), unless none are."""
    if app.config["LDCV_AHEAD_TRIPLES"] <= 0:
        return None
    query_url = snapshot.remote.client.query_url
    root = ahead_root(app.config["LDCV_AHEAD_DIR"], query_url)
    folder = remote_ahead_files(root, snapshot.generation).folder
    base = app.config["LDCV_BASE_URI"]
    return RemoteAheadDocuments(folder, store_fingerprint(query_url, base, snapshot.records))


def make_remote_ahead(app: Flask, snapshot: Any) -> None:
    """Have a child make ``snapshot``'s generation's documents ahead, in the background."""
    query_url = snapshot.remote.client.query_url
    app.extensions[THREAD] = make_ahead_in_background(
        query_url,
        ahead_root(app.config["LDCV_AHEAD_DIR"], query_url),
        snapshot.generation,
        app.config["LDCV_BASE_URI"],
        app.config["LDCV_AHEAD_TRIPLES"],
    )
