"""Fixtures of the server tests: the app serving two fixture CVs, bare SPARQL apps, apps
serving a store.

``fixture_server`` (one hand-built CV), ``seed_server``, ``make_fixture_app`` and the
``start_server`` helper they use are in ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from rdflib import Graph

from ldcv.pipeline import Dataset
from ldcv.server.sparql_routes import sparql


@pytest.fixture(scope="module")
def two_cv_server(start_server, make_fixture_app) -> Iterator[Any]:
    """The app serving two hand-built CVs (Ada Lovelace's, Grace Hopper's): the home page
    is an index."""
    with start_server.app(lambda base: make_fixture_app(base, "cv", "second-cv")) as live:
        yield live


def _sparql_app(graph: Graph, base: str, **config: object) -> Flask:
    app = Flask(__name__)
    app.config.update(config)
    app.extensions["ldcv"] = Dataset(
        cvs=(), graph=graph, base_uri=base, modified=datetime(2024, 1, 1, tzinfo=UTC)
    )
    app.register_blueprint(sparql)
    return app


@pytest.fixture(scope="session")
def make_sparql_app() -> Callable[..., Flask]:
    """``make_sparql_app(graph, base, **config)``: a bare app with only the SPARQL
    blueprint, serving ``graph``; stop its endpoint with ``stop_endpoint(app)``."""
    return _sparql_app


@pytest.fixture
def make_store_app() -> Iterator[Callable[..., Flask]]:
    """``make_store_app(directory, **config)``: the app serving the ``StoreDirectory``
    ``directory`` (its follower checks only when told to), stopped after the test; its
    whole-dataset files are made by requests, unless ``LDCV_PREPARE_FILES=True``."""
    from ldcv.server import create_app, stop_background

    apps: list[Flask] = []

    def make(directory: Any, **config: Any) -> Flask:
        settings = {
            "LDCV_STORE": str(directory.path),
            "LDCV_RELOAD_INTERVAL": 3600,
            "LDCV_PREPARE_FILES": False,
        }
        app = create_app({**settings, **config})
        apps.append(app)
        return app

    yield make
    for app in apps:
        stop_background(app)
        for thread in (
            "ldcv.ahead",
            "ldcv.ahead_documents",
        ):  # children write into the test's folder
            if thread in app.extensions:
                app.extensions[thread].join(timeout=120)
