"""Read a remote SPARQL store as the documents, crawler files and SPARQL read a store snapshot.

``RemoteQuads`` answers the three calls of a ``pyoxigraph.Store`` that the readers of a
snapshot make — ``quads_for_pattern``, ``query`` and ``dump`` — with SPARQL 1.1 Protocol
requests, so ``UnionView``, ``StoreIndex``, ``union_queries`` and ``StoreEngine`` read a
remote store unchanged. The store's layout (written by ``ldcv.store.remote``) is the
embedded store's: one named graph per CV, the records graph, and the merge of the CV
graphs, which the embedded store keeps in its default graph and a remote store in the
named graph ``MERGE_GRAPH`` (a remote default graph is the union of every graph on some
engines); the default graph of every read here is that one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

import pyoxigraph as ox

from ldcv.store.records import RECORDS_GRAPH
from ldcv.store.remote_terms import (
    from_remote,
    json_results_from_remote,
    lines_from_remote,
    to_remote,
)
from ldcv.store.sparql_protocol import N_TRIPLES, SPARQL_JSON, SparqlClient, StoreRefused

MERGE_GRAPH = "urn:ldcv:store:merge"
GENERATION_GRAPH = "urn:ldcv:store:generation"
OWN_GRAPHS = (RECORDS_GRAPH, MERGE_GRAPH, GENERATION_GRAPH)
NO_GRAPH = "urn:ldcv:store:none"  # never written: an empty graph on any engine
# A whole-graph read goes in pages: a caller that wants only the first quad gets it cheaply.
FIRST_PAGE, LAST_PAGE = 1, 50_000
_ROLES = ("s", "p", "o", "g")


class RemoteTriples:
    """A CONSTRUCT or DESCRIBE answer, as ``pyoxigraph.QueryTriples`` offers it to its readers."""

    def __init__(self, ntriples: bytes) -> None:
        self.ntriples = ntriples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES))

    def serialize(self, output: Any = None, format: Any = ox.RdfFormat.N_TRIPLES) -> Any:
        """Write the triples in ``format`` to ``output`` (or return the bytes)."""
        if format == ox.RdfFormat.N_TRIPLES:
            if output is None:
                return self.ntriples
            output.write(self.ntriples)
            return None
        return ox.serialize(iter(self), output, format)


class RemoteQuads:
    """The read-only calls of a ``pyoxigraph.Store``, answered by a SPARQL store over HTTP."""

    def __init__(self, client: SparqlClient) -> None:
        self.client = client

    # -- pyoxigraph.Store's reading calls ------------------------------------------------

    def quads_for_pattern(
        self, subject: Any = None, predicate: Any = None, obj: Any = None, graph: Any = None
    ) -> Iterator[ox.Quad]:
        """Yield the quads matching the pattern; the default graph is the merge."""
        fixed = dict(zip(_ROLES[:3], (subject, predicate, obj), strict=True))
        terms = {role: f"?{role}" if t is None else str(to_remote(t)) for role, t in fixed.items()}
        pattern = f"{terms['s']} {terms['p']} {terms['o']}"
        if graph is None:
            own = ", ".join(f"<{g}>" for g in (MERGE_GRAPH, GENERATION_GRAPH))
            where = f"GRAPH ?g {{ {pattern} }} FILTER(?g NOT IN ({own}))"
        else:
            name = MERGE_GRAPH if isinstance(graph, ox.DefaultGraph) else graph.value
            where = f"GRAPH <{name}> {{ {pattern} }}"
        open_roles = [r for r in _ROLES[:3] if fixed[r] is None] + (["g"] if graph is None else [])
        if not open_roles:
            query = f"ASK {{ {where} }}"
            if self._ask(query):
                yield ox.Quad(subject, predicate, obj, _graph_term(graph, None))
            return
        select = f"SELECT {' '.join('?' + r for r in open_roles)} WHERE {{ {where} }}"
        pages = subject is None and predicate is None and obj is None
        for row in self._rows(select, paged=pages):
            s, p, o = (
                fixed[role] if fixed[role] is not None else from_remote(row[role])
                for role in _ROLES[:3]
            )
            yield ox.Quad(s, p, o, _graph_term(graph, row["g"] if graph is None else None))

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        default_graph: Any = None,
        named_graphs: Sequence[Any] | None = None,
        use_default_graph_as_union: bool = False,
    ) -> Any:
        """Evaluate ``query`` on the store: ``QuerySolutions``, ``QueryBoolean`` or triples."""
        if use_default_graph_as_union:
            raise ValueError("a remote store's default graph is its merge already")
        if default_graph is None:
            default_names = [MERGE_GRAPH]
        else:
            defaults = default_graph if isinstance(default_graph, list | tuple) else [default_graph]
            # No graph at all is an empty default graph, not the engine's own default.
            default_names = [_graph_iri(g) for g in defaults] or [NO_GRAPH]
        named = [_graph_iri(g) for g in named_graphs or ()]
        if base_iri is not None:
            query = f"BASE <{base_iri}>\n{query}"
        try:
            answer = self.client.query(query, default_names, named)
        except StoreRefused as error:
            raise SyntaxError(str(error)) from error  # as pyoxigraph reports a bad query
        if answer.media_type in (N_TRIPLES, "text/plain"):
            return RemoteTriples(lines_from_remote(answer.body))
        if answer.media_type in ("text/turtle", "application/x-turtle"):
            triples = ox.parse(answer.body, format=ox.RdfFormat.TURTLE)
            plain = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES) or b""
            return RemoteTriples(lines_from_remote(plain))
        return _parsed_results(json_results_from_remote(answer.body))

    def dump(
        self,
        output: IO[bytes] | None = None,
        format: ox.RdfFormat = ox.RdfFormat.N_QUADS,
        *,
        from_graph: Any = None,
        prefixes: Mapping[str, str] | None = None,
        base_iri: str | None = None,
    ) -> bytes | None:
        """Serialize one graph (the default graph: the merge) in ``format``."""
        if from_graph is None:
            raise ValueError("a remote store is dumped one graph at a time")
        name = _graph_iri(from_graph)
        answer = self.client.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}",
            accept=f"{N_TRIPLES}, text/plain;q=0.5",
            timeout=max(self.client.timeout, 600.0),  # a whole dataset: minutes, not seconds
        )
        ntriples = lines_from_remote(answer.body)
        if format == ox.RdfFormat.N_TRIPLES and not prefixes:
            if output is None:
                return ntriples
            output.write(ntriples)
            return None
        triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
        named = {"prefixes": dict(prefixes)} if prefixes else {}
        return ox.serialize(triples, output, format, **named)

    # -- the requests ----------------------------------------------------------------

    def _ask(self, query: str) -> bool:
        answer = self.client.query(query, accept=SPARQL_JSON)
        return bool(_parsed_results(answer.body))

    def _rows(self, select: str, *, paged: bool) -> Iterator[ox.QuerySolution]:
        if not paged:
            yield from self._solutions(select)
            return
        offset, size = 0, FIRST_PAGE
        while True:
            page = list(self._solutions(f"{select} OFFSET {offset} LIMIT {size}"))
            yield from page
            if len(page) < size:
                return
            offset += size
            size = min(size * 100, LAST_PAGE)

    def _solutions(self, select: str) -> Iterator[ox.QuerySolution]:
        answer = self.client.query(select, accept=SPARQL_JSON)
        yield from _parsed_results(answer.body)


def _parsed_results(data: bytes) -> Any:
    """Parse SPARQL JSON results; an ASK answer given as a one-row table is read as a boolean."""
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)


def _graph_iri(graph: Any) -> str:
    if isinstance(graph, ox.DefaultGraph):
        return MERGE_GRAPH
    return graph.value if isinstance(graph, ox.NamedNode) else str(graph)


def _graph_term(graph: Any, found: Any) -> Any:
    """The graph name of a quad read back: the merge is the default graph, as in a snapshot."""
    name = found if graph is None else graph
    if name is None or isinstance(name, ox.DefaultGraph):
        return ox.DefaultGraph()
    if name.value == MERGE_GRAPH:
        return ox.DefaultGraph()
    return name
