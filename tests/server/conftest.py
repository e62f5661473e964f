"""Fixtures of the server tests: the app serving two fixture CVs, and bare SPARQL apps.

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
