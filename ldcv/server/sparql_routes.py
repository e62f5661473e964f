"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: query operation only, read-only, bounded.

Statuses, so clients can tell the cases apart:

* 400 a malformed request or a syntax error (with the parser's message); repeated ``query``;
* 403 an update (``update=`` or ``application/sparql-update``) or a ``SERVICE`` query;
* 406 no acceptable result format; 413 a body over ``LDCV_SPARQL_MAX_BODY``; 414 a query
  string over the same limit; 415 a POST without a supported Content-Type or in a
  charset other than UTF-8;
* 503 the query ran past ``LDCV_SPARQL_TIMEOUT`` (no ``Retry-After``: the same query would
  fail again) or every worker stayed busy (with ``Retry-After``).

Results over ``LDCV_SPARQL_MAX_ROWS`` are truncated and marked with an
``LDCV-Results-Truncated`` header. The query workers start once per server process (on the
first request) and again only when the data is replaced. When the app serves a store
snapshot (``app.extensions["ldcv.snapshot"]``: ``.path``, ``.store``, ``.records``), each
worker opens that snapshot read-only and answers from its CV graphs (always with oxigraph);
otherwise each worker loads an N-Quads copy of the app's graph into ``LDCV_SPARQL_ENGINE``.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request, url_for

from ldcv.config import config_value
from ldcv.pages.render import render_sparql_page
from ldcv.rdf.formats import with_charset
from ldcv.rdf.negotiation import negotiate
from ldcv.sparql import (
    CSV,
    HTML,
    JSON_LD,
    N_TRIPLES,
    RDF_XML,
    SPARQL_JSON,
    SPARQL_XML,
    TSV,
    TURTLE,
    ExampleQuery,
    ProtocolError,
    QueryPool,
    QueryRequest,
    QueryTimeout,
    ServiceQueries,
    SparqlError,
    StoreEngine,
    default_engine_name,
    example_queries,
    graph_sizes,
    graph_snapshot,
    read_operation,
    service_description,
)
from ldcv.sparql.remote_engine import RemoteQueries

sparql = Blueprint("sparql", __name__)

TRUNCATED_HEADER = "LDCV-Results-Truncated"
# Everything a query may be answered in, so a browser's Accept can be told from a client's.
MACHINE_TYPES = (
    SPARQL_JSON, SPARQL_XML, CSV, TSV, TURTLE, JSON_LD, N_TRIPLES, RDF_XML,
    "application/json", "application/xml", "text/plain", "application/x-turtle",
)  # fmt: skip
HTML_TYPES = (HTML, "application/xhtml+xml")
# The service description: RDF for clients (Turtle first), the query page for browsers.
DESCRIPTION_TYPES = {
    TURTLE: "turtle",
    "application/x-turtle": "turtle",
    JSON_LD: "json-ld",
    "application/json": "json-ld",
    N_TRIPLES: "nt",
    "text/plain": "nt",
    RDF_XML: "xml",
    "application/xml": "xml",
    HTML: "html",
    "application/xhtml+xml": "html",
}
CANONICAL = {"turtle": TURTLE, "json-ld": JSON_LD, "nt": N_TRIPLES, "xml": RDF_XML}


Sizes = tuple[int, dict[str, int]]


@dataclass
class _Endpoint:
    """What the endpoint prepared once for one dataset (or store snapshot) in one process."""

    dataset: Any
    store_path: Path | None  # the snapshot the workers opened; None when they hold copies
    pid: int
    pool: QueryPool
    timeout: float
    max_body: int
    max_rows: int
    count: Callable[[], Sizes]
    counted: Sizes | None = None
    descriptions: dict[tuple[str, str], bytes] = field(default_factory=dict)
    # The query page lists them on every view: read from the package once per endpoint.
    examples: tuple[ExampleQuery, ...] = field(default_factory=lambda: tuple(example_queries()))

    def serves(self, dataset: Any, store_path: Path | None) -> bool:
        """Tell whether this endpoint answers from this data, in this process."""
        if self.pid != os.getpid():
            return False
        if store_path is not None:
            return self.store_path == store_path
        return self.store_path is None and self.dataset is dataset

    def sizes(self) -> Sizes:
        """Return the triple counts for the service description, counted once."""
        if self.counted is None:
            self.counted = self.count()
        return self.counted


_lock = threading.Lock()
_STATE = "ldcv.sparql"
_SNAPSHOT = "ldcv.snapshot"


def _setting(app: Flask, key: str) -> Any:
    """A setting, typed: ``create_app`` stores every one; a bare app may hold none."""
    return config_value(app.config, key)


def start_endpoint(app: Flask) -> _Endpoint:
    """Start query workers on the app's data, once per dataset (or snapshot) and process."""
    dataset = app.extensions["ldcv"]
    snapshot = app.extensions.get(_SNAPSHOT)
    store_path = Path(snapshot.path) if snapshot is not None else None
    state = app.extensions.get(_STATE)
    if state is not None and state.serves(dataset, store_path):
        return state
    with _lock:
        state = app.extensions.get(_STATE)
        if state is not None and state.serves(dataset, store_path):
            return state
        if state is not None and state.pid == os.getpid():
            state.pool.close()  # the data was replaced: retire the old workers
        size = _setting(app, "LDCV_SPARQL_WORKERS")
        max_rows = _setting(app, "LDCV_SPARQL_MAX_ROWS")
        if snapshot is not None and getattr(snapshot, "remote", None) is not None:
            remote = RemoteQueries(
                snapshot.remote.client,
                snapshot.records,
                size=size,
                max_rows=max_rows,
                timeout=_setting(app, "LDCV_SPARQL_TIMEOUT"),
            )
            pool, count = remote, remote.sizes  # type: ignore[assignment]
        elif store_path is not None:
            idle_exit = _setting(app, "LDCV_SPARQL_IDLE_EXIT") or None
            own_pool = partial(
                QueryPool,
                "oxigraph",
                store_path,
                size=size,
                max_rows=max_rows,
                idle_exit=idle_exit,
            )
            service = _setting(app, "LDCV_SPARQL_SERVICE")
            pool = ServiceQueries(service, store_path, own_pool) if service else own_pool()
            count = StoreEngine(snapshot.store, snapshot.records).sizes
        else:
            engine = _setting(app, "LDCV_SPARQL_ENGINE") or default_engine_name()
            pool = QueryPool(engine, graph_snapshot(dataset.graph), size=size, max_rows=max_rows)
            count = partial(graph_sizes, dataset.graph)
        state = _Endpoint(
            dataset=dataset,
            store_path=store_path,
            pid=os.getpid(),
            pool=pool,
            timeout=_setting(app, "LDCV_SPARQL_TIMEOUT"),
            max_body=_setting(app, "LDCV_SPARQL_MAX_BODY"),
            max_rows=max_rows,
            count=count,
        )
        app.extensions[_STATE] = state
        return state


def stop_endpoint(app: Flask) -> None:
    """Stop the app's query workers (tests, shutdown)."""
    state = app.extensions.pop(_STATE, None)
    if state is not None and state.pid == os.getpid():
        state.pool.close()


@sparql.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer a SPARQL query, or describe the service when there is none."""
    state = start_endpoint(current_app)
    html = _wants_html()
    query = None
    try:
        operation = read_operation(request.environ, state.max_body)
        query = operation.query
        if query is None:
            if request.method == "POST":
                raise ProtocolError(400, "the request carries no query")
            return _describe(state)
        endpoint_url = request.base_url
        reply = state.pool.run(
            QueryRequest(
                query,
                base_iri=endpoint_url,
                default_graphs=operation.default_graphs,
                named_graphs=operation.named_graphs,
                accept=request.headers.get("Accept"),
                table=html,
            ),
            timeout=state.timeout,
        )
    except SparqlError as error:
        return _error(error, html, query, state)
    if html:
        return _page(state, query, table=json.loads(reply.body))
    response = Response(reply.body, content_type=with_charset(reply.media_type))
    if reply.truncated:
        response.headers[TRUNCATED_HEADER] = f"max-rows={state.max_rows}"
    return response


@sparql.after_request
def _negotiated(response: Response) -> Response:
    response.vary.add("Accept")
    response.headers.setdefault("Cache-Control", "no-cache")
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


def _wants_html() -> bool:
    accept = request.headers.get("Accept")
    return bool(accept) and negotiate(accept, (*MACHINE_TYPES, *HTML_TYPES)) in HTML_TYPES


def _describe(state: _Endpoint) -> Response:
    chosen = negotiate(request.headers.get("Accept"), list(DESCRIPTION_TYPES))
    if chosen is None:
        available = ", ".join(dict.fromkeys([*CANONICAL.values(), HTML]))
        return _error(ProtocolError(406, f"available: {available}"), False, None, state)
    name = DESCRIPTION_TYPES[chosen]
    if name == "html":
        return _page(state, None, table=None)
    key = (request.base_url, name)
    body = state.descriptions.get(key)
    if body is None:
        default_triples, named = state.sizes()
        graph = service_description(request.base_url, default_triples, named)
        body = graph.serialize(format=name, encoding="utf-8")
        state.descriptions[key] = body
    return Response(body, content_type=with_charset(CANONICAL[name]))


def _page(
    state: _Endpoint,
    query: str | None,
    table: dict[str, Any] | None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    examples = state.examples
    html = render_sparql_page(
        query=query if query is not None else (examples[0].text if examples else ""),
        examples=[(e.title, url_for("sparql.endpoint", query=e.text)) for e in examples],
        table=table,
        error=error,
        endpoint=request.base_url,
        sparql_href=request.path,
        max_rows=state.max_rows,
        timeout=state.timeout,
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _error(error: SparqlError, html: bool, query: str | None, state: _Endpoint) -> Response:
    status = error.status
    if html and status not in (406, 413, 414, 415):
        response = _page(state, query, table=None, error=error.message, status=status)
    else:
        response = Response(f"{error.message}\n", status=status,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    if status == 503 and not isinstance(error, QueryTimeout):
        response.headers["Retry-After"] = str(max(1, math.ceil(state.timeout)))
    return response
