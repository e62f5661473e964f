"""Answer ``/sparql`` from a store on a SPARQL 1.1 engine, with the endpoint's own rules.

Before anything is forwarded, the query is refused if it names a ``SERVICE`` and parsed
by pyoxigraph as a *query* (an update, ``LOAD`` included, is a syntax error here), and its
dataset is narrowed to the CV graphs exactly as from a snapshot (``StoreEngine``): the
engine is sent the protocol's ``default-graph-uri``/``named-graph-uri``, which override
whatever FROM clauses say, so no graph of the engine but the CVs' is ever read and the
engine is never asked to fetch one. Each request waits at most ``timeout`` seconds for
the engine; at most ``size`` run at once per server process, the others wait their turn
briefly and then get 503 with ``Retry-After``, as from the worker pool.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from ldcv.sparql.errors import EngineBusy, QuerySyntaxError, QueryTimeout, SparqlError
from ldcv.sparql.outcomes import Outcome, QueryRequest, Reply
from ldcv.sparql.results import answer
from ldcv.sparql.scan import (
    DatasetClauses,
    answers_with_a_graph,
    refuse_unsafe,
    without_dataset_clause,
)
from ldcv.sparql.store_engine import StoreEngine
from ldcv.store.records import GraphRecord
from ldcv.store.remote_reads import RemoteQuads, RemoteTriples
from ldcv.store.sparql_protocol import SparqlClient, StoreUnavailable

_NAMES_GRAPHS = re.compile(r"graph", re.IGNORECASE)  # GRAPH anywhere, even in a string
_DESCRIBE = re.compile(r"describe", re.IGNORECASE)


class RemoteStoreEngine(StoreEngine):
    """``StoreEngine`` over a remote store: the same dataset rules, the engine's evaluation."""

    name = "remote"

    def __init__(self, store: RemoteQuads, records: Mapping[str, GraphRecord]) -> None:
        # Not StoreEngine's: a remote store always keeps the merge (no request to ask).
        self.store = _ForwardedQueries(store)  # type: ignore[assignment]
        self.records = dict(records)
        self.cv_graphs = [ox.NamedNode(graph) for graph in sorted(self.records)]
        self.merged = True
        self.default_graph = [ox.DefaultGraph()]
        self.clauses = DatasetClauses()  # parsed with rdflib (5 ms): once per worker

    def dataset_options(self, request: QueryRequest) -> dict[str, Any]:
        """``StoreEngine``'s dataset; no list of named graphs for a query that names none.

        A thousand CVs are a thousand ``named-graph-uri`` parameters, which the engine
        reads for every query; a query without ``GRAPH`` cannot see named graphs anyway.
        """
        options = super().dataset_options(request)
        if not _NAMES_GRAPHS.search(request.query):
            options["named_graphs"] = []
        return options

    def run(self, request: QueryRequest, max_rows: int, *, encoded: bool = False) -> Outcome:
        """Refuse or parse locally, then forward; the engine's failures become 503s."""
        refuse_unsafe(request.query)
        try:
            # Parsed by evaluating it on no data at all: pyoxigraph has no parser of its own.
            ox.Store().query(request.query, base_iri=request.base_iri, default_graph=[])
        except (SyntaxError, ValueError) as error:
            raise QuerySyntaxError(str(error)) from error
        try:
            return super().run(request, max_rows, encoded=encoded)
        except StoreUnavailable as error:
            if "no answer within" in str(error):
                raise QueryTimeout(
                    "the store did not answer within the time limit; narrow the query down "
                    "(add LIMIT, bind more variables) and try again"
                ) from error
            raise StoreDown(f"the store is unavailable: {error}") from error


class _ForwardedQueries:
    """The remote store, as ``StoreEngine`` queries it: each query made fit to forward.

    The query goes without its FROM clauses (the protocol's graph parameters, which
    ``StoreEngine`` narrowed to CV graphs, say which graphs are read: Virtuoso would let
    the clauses win). A DESCRIBE answer gets what its blank nodes say, as the embedded
    store's oxigraph gives it: on the engine they are IRIs, which its DESCRIBE does not
    follow.
    """

    def __init__(self, store: RemoteQuads) -> None:
        self.remote = store

    def query(self, query: str, **options: Any) -> Any:
        graph = answers_with_a_graph(query)
        result = self.remote.query(without_dataset_clause(query), graph_answer=graph, **options)
        if isinstance(result, RemoteTriples) and _DESCRIBE.search(query):
            return RemoteTriples(self._with_blank_nodes_described(result))
        return result

    def _with_blank_nodes_described(self, answer: RemoteTriples) -> bytes:
        triples = list(answer)
        seen: set[Any] = set()
        pending = [t.object for t in triples if isinstance(t.object, ox.BlankNode)]
        while pending:
            node = pending.pop()
            if node in seen:
                continue
            seen.add(node)
            # The node alone: what it names may be a prolific author, described at length.
            for quad in self.remote.statements_about(node):
                triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
                if isinstance(quad.object, ox.BlankNode):
                    pending.append(quad.object)
        unique = list(dict.fromkeys(triples))
        return ox.serialize(unique, None, ox.RdfFormat.N_TRIPLES) or b""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.remote, name)


class StoreDown(SparqlError):
    """The store behind the endpoint did not answer: try again shortly."""

    status = 503


class RemoteQueries:
    """What ``QueryPool`` offers the endpoint, for a remote store: ``run`` and ``close``."""

    def __init__(
        self,
        client: SparqlClient,
        records: Mapping[str, GraphRecord],
        size: int,
        max_rows: int,
        timeout: float,
    ) -> None:
        own = SparqlClient(client.query_url, timeout=timeout)  # its own connections and limit
        self.engine = RemoteStoreEngine(RemoteQuads(own), records)  # type: ignore[arg-type]
        self.max_rows = max_rows
        self._slots = threading.BoundedSemaphore(max(1, size))

    def dataset_options(self, request: QueryRequest) -> dict[str, Any]:
        """``StoreEngine``'s dataset; no list of named graphs for a query that names none.

        A thousand CVs are a thousand ``named-graph-uri`` parameters, which the engine
        reads for every query; a query without ``GRAPH`` cannot see named graphs anyway.
        """
        options = super().dataset_options(request)
        if not _NAMES_GRAPHS.search(request.query):
            options["named_graphs"] = []
        return options

    def run(self, request: QueryRequest, timeout: float, wait: float | None = None) -> Reply:
        """Answer ``request`` from the engine; ``EngineBusy`` if every slot stays taken."""
        if not self._slots.acquire(timeout=timeout if wait is None else wait):
            raise EngineBusy("every query slot is busy; try again shortly")
        try:
            return answer(self.engine, request, self.max_rows)  # type: ignore[arg-type]
        finally:
            self._slots.release()

    def close(self) -> None:
        """Nothing to stop: the engine is not ours."""

    def sizes(self) -> Any:
        """Count the triples of the default graph and of each CV graph (the description)."""
        return self.engine.sizes()
