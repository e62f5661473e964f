"""A store on a SPARQL 1.1 engine: the indexer writes it, any number of servers read it.

``RemoteStore`` presents what ``StoreDirectory`` presents to the indexer and the servers —
``generation()``, ``open_snapshot()``, ``writer()`` and a local ``path`` for the files
made from it (crawler files, the indexer's status) — over the SPARQL 1.1 Protocol.

Layout on the engine, as the embedded store's (``ldcv.store.disk``):

* one named graph per CV, named by its owner's document IRI;
* its record (source, content hash, details) in ``RECORDS_GRAPH``, so that any machine
  can publish incrementally, knowing what is there without reading the graphs;
* the merge of the CV graphs in ``MERGE_GRAPH`` (each triple once): documents and SPARQL
  read it;
* a counter in ``GENERATION_GRAPH``, raised by every change: what servers poll.

Each change is one update request — the merge loses what the CV alone stated, the CV's
graph is dropped and written anew, the merge gains what it lacks of it (copied on the
engine from the graph), the record is replaced and the counter raised — which the engine
applies whole or not at all, so a publish that fails or is killed half-way leaves every CV
wholly old or wholly new, and a record never claims a graph that is not there. Blank nodes
are written as IRIs (``ldcv.store.remote_terms``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType, TracebackType

import pyoxigraph as ox
from rdflib.term import Node

from ldcv.errors import LdcvError
from ldcv.store.disk import encode_graph
from ldcv.store.records import (
    RECORDS_GRAPH,
    GraphRecord,
    forget_record_update,
    read_records,
    record_update,
)
from ldcv.store.remote_reads import GENERATION_GRAPH, MERGE_GRAPH, OWN_GRAPHS, RemoteQuads
from ldcv.store.remote_terms import lines_to_remote
from ldcv.store.sparql_protocol import SPARQL_JSON, SparqlClient

Triple = tuple[Node, Node, Node]
INDEX_DETAILS = "urn:ldcv:store:index-details"  # the predicate of a record's indexer part
_COUNTER = f"<{RECORDS_GRAPH}> <urn:ldcv:store:generation>"
_READ_GENERATION = f"SELECT ?n WHERE {{ GRAPH <{GENERATION_GRAPH}> {{ {_COUNTER} ?n }} }}"
# Raised in the update request of every change; the first publish starts the counter.
# (Written without OPTIONAL or NOT EXISTS over an empty graph: Virtuoso 7 evaluates those
# to no solution, and to every solution, respectively.)
RAISE_GENERATION = (
    f"DELETE {{ GRAPH <{GENERATION_GRAPH}> {{ {_COUNTER} ?n }} }} "
    f"INSERT {{ GRAPH <{GENERATION_GRAPH}> {{ {_COUNTER} ?next }} }} "
    f"WHERE {{ GRAPH <{GENERATION_GRAPH}> {{ {_COUNTER} ?n }} BIND(?n + 1 AS ?next) }}"
)
_START_GENERATION = f"INSERT DATA {{ GRAPH <{GENERATION_GRAPH}> {{ {_COUNTER} 1 }} }}"
_NOT_OWN = ", ".join(f"<{g}>" for g in OWN_GRAPHS)


class RemoteStore:
    """The store on the SPARQL engine ``client`` talks to; files made from it go to ``path``."""

    def __init__(
        self,
        client: SparqlClient,
        path: Path,
        root: Path | None = None,
        *,
        index_details: bool = True,
    ) -> None:
        self.client = client
        self.path = Path(path)
        # What only the indexer reads (every declaration of each CV): a server goes without.
        self.index_details = index_details
        # Records name their source files relative to ``root`` on the engine, so that a
        # publisher on another machine (another checkout folder) finds its files in them.
        self.root = (root or Path.cwd()).resolve()

    def read_records(self) -> dict[str, GraphRecord]:
        """Return the store's records by graph IRI, their sources as paths on this machine."""
        if self.index_details:
            stored = read_records(RemoteQuads(self.client))  # type: ignore[arg-type]
        else:
            stored = read_records(_RecordsWithout(self.client, INDEX_DETAILS))  # type: ignore[arg-type]
        return {graph: _with_source(r, str(self.root / r.source)) for graph, r in stored.items()}

    def stored_source(self, source: str) -> str:
        """Return ``source`` (a path on this machine) as the records on the engine name it."""
        path = Path(source)
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else source

    def generation(self) -> int | None:
        """Return the store's generation, or ``None`` before anything was published: poll it."""
        answer = self.client.query(_READ_GENERATION, accept=SPARQL_JSON)
        rows = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
        found = [int(row["n"].value) for row in rows]  # type: ignore[union-attr]
        return max(found) if found else None

    def open_snapshot(self) -> RemoteSnapshot | None:
        """Return a view of the store as it is now, or ``None`` before the first publication."""
        generation = self.generation()
        if generation is None:
            return None
        return RemoteSnapshot(self, generation)

    @contextmanager
    def writer(self, *, fresh: bool = False) -> Iterator[RemoteWriter]:
        """Write the store (one publisher at a time: nothing on the engine locks it).

        ``fresh`` is the embedded store's (bulk-load a first index); an engine takes each
        CV in a request of its own whatever it held before.
        """
        writer = RemoteWriter(self)
        try:
            yield writer
        finally:
            writer.client.close()


class RemoteSnapshot:
    """The store at generation ``generation``: read live, so valid until the generation moves."""

    def __init__(self, remote: RemoteStore, generation: int) -> None:
        self.remote = remote
        # What the SPARQL endpoint compares to know its answers are for this generation.
        self.path = f"{remote.client.query_url}#generation={generation}"
        self.generation = generation
        self.store = RemoteQuads(remote.client)
        self.records: dict[str, GraphRecord] = remote.read_records()

    def close(self) -> None:
        """Nothing to let go of: the store is the engine's."""

    def __enter__(self) -> RemoteSnapshot:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class RemoteWriter:
    """Replace and remove CV graphs on the engine, one update request each."""

    def __init__(self, remote: RemoteStore) -> None:
        self.remote = remote
        self.client = remote.client
        self._records: dict[str, GraphRecord] | None = None  # read when first asked for

    @property
    def records(self) -> Mapping[str, GraphRecord]:
        """Return the records of the store's graphs, by graph IRI (read-only)."""
        if self._records is None:
            self._records = self.remote.read_records()
        return MappingProxyType(self._records)

    def replace_graph(self, record: GraphRecord, triples: Iterable[Triple]) -> None:
        """Make ``triples`` all of graph ``record.graph`` and ``record`` its record, at once."""
        self.replace_encoded(record, encode_graph(record.graph, triples))

    def replace_encoded(self, record: GraphRecord, data: bytes) -> None:
        """``replace_graph`` with the triples as ``encode_graph`` gives them (from a worker)."""
        stored = record.as_stored()
        graph = _graph_name(record.graph)
        on_engine = _with_source(stored, self.remote.stored_source(stored.source))
        lines = _grouped_by_subject(lines_to_remote(data))
        self.client.update(
            " ;\n".join(
                [
                    _unmerged(graph),
                    f"DROP SILENT GRAPH {graph}",
                    f"INSERT DATA {{ GRAPH {graph} {{ {lines} }} }}",
                    _merged(graph),
                    record_update(on_engine),
                    RAISE_GENERATION,
                ]
            )
        )
        if self._records is not None:
            self._records[stored.graph] = stored

    def remove_graph(self, graph: str) -> None:
        """Remove graph ``graph`` and its record at once."""
        name = _graph_name(graph)
        self.client.update(
            " ;\n".join(
                [
                    _unmerged(name),
                    f"DROP SILENT GRAPH {name}",
                    forget_record_update(graph),
                    RAISE_GENERATION,
                ]
            )
        )
        if self._records is not None:
            self._records.pop(graph, None)

    def publish(self) -> int:
        """Return the generation servers will see (every change raised it already)."""
        current = self.remote.generation()
        if current is None:  # a new store: generation 1 says it was published
            self.client.update(_START_GENERATION)
            current = self.remote.generation()
        if current is None:
            raise LdcvError(f"{self.client.update_url}: the store did not keep what was written")
        return current


class _RecordsWithout:
    """The records graph without one predicate, as ``read_records`` reads a store."""

    def __init__(self, client: SparqlClient, predicate: str) -> None:
        self.client = client
        self.predicate = predicate

    def quads_for_pattern(self, *pattern: object) -> Iterator[ox.Quad]:
        query = (
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{RECORDS_GRAPH}> {{ ?s ?p ?o }} "
            f"FILTER(?p != <{self.predicate}>) }}"
        )
        answer = self.client.query(query, accept=SPARQL_JSON)
        graph = ox.NamedNode(RECORDS_GRAPH)
        for row in ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON):  # type: ignore[union-attr]
            yield ox.Quad(row["s"], row["p"], row["o"], graph)


def _with_source(record: GraphRecord, source: str) -> GraphRecord:
    return GraphRecord(record.graph, source, record.content_hash, record.details)


def _graph_name(graph: str) -> ox.NamedNode:
    if graph in OWN_GRAPHS:
        raise ValueError(f"{graph} is the store's own graph, not one to write")
    return ox.NamedNode(graph)


def _grouped_by_subject(ntriples: bytes) -> str:
    """Return the lines of ``ntriples`` sorted, so that each subject's triples come together.

    An engine writes a subject's triples side by side in its indexes: oxigraph spent 10 %
    less CPU on them sorted, and 40 % less with ``_merged``'s guard (``bench/publish.py``;
    the README's "Publishing: the merge gains only what it lacks").
    """
    return "\n".join(sorted(ntriples.decode("utf-8").rstrip("\n").split("\n")))


def _merged(graph: ox.NamedNode) -> str:
    """Copy into the merge the triples of ``graph`` it does not hold yet."""
    # Copied on the engine rather than sent twice (half the bytes to send and parse);
    # the guard spares the engine an insert, which costs it as much as writing a triple,
    # of each triple another CV stated already (more than half of them, from nothing).
    return (
        f"INSERT {{ GRAPH <{MERGE_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH <{MERGE_GRAPH}> {{ ?s ?p ?o }} }} }}"
    )


def _unmerged(graph: ox.NamedNode) -> str:
    """Delete from the merge the triples of ``graph`` that no other CV graph states."""
    return (
        f"DELETE {{ GRAPH <{MERGE_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
        "FILTER NOT EXISTS { GRAPH ?other { ?s ?p ?o } "
        f"FILTER (?other NOT IN ({graph}, {_NOT_OWN})) }} }}"
    )
