"""Fixtures for the server tests: small hand-built datasets and the app on a real local port.

Import the fixtures into a test module (``from server_fixtures import fixture_server``).
The app listens on a free port of 127.0.0.1 in a background thread, and its base URI
is that address, so every IRI in its data dereferences over real HTTP.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from rdflib import Graph, URIRef
from werkzeug.serving import make_server

from ldcv.model import CV, Owner
from ldcv.pipeline import Dataset
from ldcv.rdf.iris import parse_thing_iri
from ldcv.rdf.vocabulary import RDF, SDO
from ldcv.server import create_app

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).parent.parent / "data"
# A fixed modification time, so that Last-Modified and If-Modified-Since are predictable.
FIXTURE_MODIFIED = datetime(2024, 5, 17, 9, 30, 0, tzinfo=UTC)
OWNER_SLUG = "ada-lovelace"


def fixture_dataset(base: str, *names: str) -> Dataset:
    """A Dataset made from ``tests/fixtures/server-{name}.ttl``, with IRIs under ``base``."""
    graph = Graph()
    for name in names or ("cv",):
        text = (FIXTURES / f"server-{name}.ttl").read_text(encoding="utf-8")
        graph.parse(data=text, format="turtle", publicID=base + "/")
    pages = graph.subjects(RDF.type, SDO.ProfilePage)
    return Dataset(
        cvs=tuple(_owner_cv(graph, base, page) for page in pages),
        graph=graph,
        base_uri=base,
        modified=FIXTURE_MODIFIED,
    )


def _owner_cv(graph: Graph, base: str, page) -> CV:
    person = graph.value(page, SDO.mainEntity)
    parsed = parse_thing_iri(base, str(person))
    assert parsed is not None
    return CV(
        owner=Owner(
            key=parsed[1],
            name=str(graph.value(person, SDO.name)),
            given_name=str(graph.value(person, SDO.givenName)),
            family_name=str(graph.value(person, SDO.familyName)),
        )
    )


@dataclass
class Live:
    """A running server: its base URL and its app."""

    base: str
    app: Flask

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def live_server(make_app: Callable[[str], Flask]) -> Iterator[Live]:
    """Serve the app ``make_app(base)`` on a free local port; ``base`` is its own address."""
    holder: dict[str, Flask] = {}

    def dispatch(environ, start_response):
        return holder["app"](environ, start_response)

    # Bind first: the app's base URI must be the address it is really served on.
    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    holder["app"] = make_app(base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(base, holder["app"])
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def fixture_app(base: str, *names: str, **config) -> Flask:
    """The app serving the hand-built fixture dataset(s) under ``base``."""
    return create_app({"LDCV_DATASET": fixture_dataset(base, *names), **config})


@pytest.fixture(scope="module")
def fixture_server() -> Iterator[Live]:
    """The app serving one hand-built CV (Ada Lovelace's) on a local port."""
    with live_server(lambda base: fixture_app(base, "cv")) as live:
        yield live


@pytest.fixture(scope="module")
def two_cv_server() -> Iterator[Live]:
    """The app serving two hand-built CVs: the home page is an index."""
    with live_server(lambda base: fixture_app(base, "cv", "second-cv")) as live:
        yield live


@pytest.fixture(scope="module")
def seed_server() -> Iterator[Live]:
    """The app serving the seed CV from ``data/`` through the whole pipeline."""
    with live_server(
        lambda base: create_app({"LDCV_DATA": [str(SEED)], "LDCV_BASE_URI": base})
    ) as live:
        yield live


def owner_iri(live: Live) -> URIRef:
    return URIRef(f"{live.base}/id/person/{OWNER_SLUG}")


__all__ = [
    "FIXTURE_MODIFIED",
    "Live",
    "fixture_app",
    "fixture_dataset",
    "fixture_server",
    "live_server",
    "owner_iri",
    "seed_server",
    "two_cv_server",
]
