"""What the store remembers about each named graph, kept as triples in a reserved graph.

A record lives in ``RECORDS_GRAPH``, with the graph's IRI as its subject, so that it is
written in the same transaction as the graph it describes and a snapshot holds the
records of exactly the graphs it holds. Readers of the union of the CV graphs skip
``RECORDS_GRAPH``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import pyoxigraph as ox

RECORDS_GRAPH = "urn:ldcv:store"
_SOURCE = ox.NamedNode("urn:ldcv:store:source")
_CONTENT_HASH = ox.NamedNode("urn:ldcv:store:content-hash")
_DETAILS = ox.NamedNode("urn:ldcv:store:details")
_INDEX_DETAILS = ox.NamedNode("urn:ldcv:store:index-details")
_JSON = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")
# What only the indexer reads: large (every declaration of the CV), so kept in a literal
# of its own and decoded when first asked for. A server opening a snapshot reads the rest:
# from a store on disk it does not even hold the text (16 kB a CV, 240 MB at 10,000 CVs,
# in every process that opens the snapshot), only a way to read it when asked.
INDEX_KEYS = frozenset({"declarations", "depends"})
LargeDetails = str | Callable[[], str | None] | None


class Details(Mapping[str, Any]):
    """A record's details: the small part decoded at once, the indexer's part on first use.

    ``large`` is the indexer's part as JSON text, or a function that reads it from the
    store, or ``None`` (there is none).
    """

    def __init__(self, small: str, large: LargeDetails) -> None:
        self._values: dict[str, Any] = json.loads(small)
        self._large = large

    def _decoded(self) -> dict[str, Any]:
        large = self._large
        if callable(large):
            large = large()
        if large is not None:
            self._values.update(json.loads(large))
        self._large = None
        return self._values

    def texts(self) -> tuple[str, str | None]:
        """The two JSON texts the details are stored as, without decoding the indexer's part."""
        if self._large is None:  # decoded already (or none)
            return details_json(self)
        large = self._large = self._large() if callable(self._large) else self._large
        small = {k: v for k, v in self._values.items() if k not in INDEX_KEYS}
        return json.dumps(small, sort_keys=True, ensure_ascii=False), large

    def __reduce__(self) -> tuple[Any, ...]:
        # Handed to another process (the indexer reads records in a child): the text
        # itself, since a function reading an open store cannot be pickled; not decoded.
        if callable(self._large):
            self._large = self._large()
        return (Details, (json.dumps(self._values, ensure_ascii=False), self._large))

    def __getitem__(self, key: str) -> Any:
        values = self._decoded() if key in INDEX_KEYS else self._values
        return values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded())

    def __len__(self) -> int:
        return len(self._decoded())


@dataclass(frozen=True)
class GraphRecord:
    """What the store remembers about one named graph (one CV).

    ``details`` is JSON-able: whatever the indexer needs next time (declared people,
    dependencies, counts …); it comes back as JSON gives it (lists for tuples).
    """

    graph: str
    source: str
    content_hash: str
    details: Mapping[str, Any]

    def as_stored(self) -> GraphRecord:
        """Return this record as reading it back from the store gives it."""
        small, large = details_json(self)
        return GraphRecord(self.graph, self.source, self.content_hash, Details(small, large))


def record_quads(record: GraphRecord) -> list[ox.Quad]:
    """Return the quads that hold ``record`` in ``RECORDS_GRAPH``."""
    subject, graph = ox.NamedNode(record.graph), ox.NamedNode(RECORDS_GRAPH)
    small, large = details_json(record)
    quads = [
        ox.Quad(subject, _SOURCE, ox.Literal(record.source), graph),
        ox.Quad(subject, _CONTENT_HASH, ox.Literal(record.content_hash), graph),
        ox.Quad(subject, _DETAILS, ox.Literal(small, datatype=_JSON), graph),
    ]
    if large is not None:
        quads.append(ox.Quad(subject, _INDEX_DETAILS, ox.Literal(large, datatype=_JSON), graph))
    return quads


def record_update(record: GraphRecord) -> str:
    """Return SPARQL update operations that replace the record of ``record.graph``."""
    triples = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in record_quads(record))
    return (
        f"{forget_record_update(record.graph)} ;\n"
        f"INSERT DATA {{ GRAPH <{RECORDS_GRAPH}> {{ {triples} }} }}"
    )


def forget_record_update(graph: str) -> str:
    """Return a SPARQL update operation that removes the record of ``graph``."""
    return f"DELETE WHERE {{ GRAPH <{RECORDS_GRAPH}> {{ {ox.NamedNode(graph)} ?p ?o }} }}"


def read_records(store: ox.Store, *, details_when_asked: bool = False) -> dict[str, GraphRecord]:
    """Return the records ``store`` holds, by graph IRI.

    ``details_when_asked``: read the indexer's details from the store when first asked
    for, not now (for a read-only snapshot: the records then keep the store open).
    """
    records = ox.NamedNode(RECORDS_GRAPH)
    fields: dict[str, dict[ox.NamedNode, LargeDetails]] = {}
    if details_when_asked:
        # Predicate by predicate: the indexer's details are not even read (a record
        # without them reads ``None`` when asked).
        later = IndexDetailsReader(store)
        for predicate in (_SOURCE, _CONTENT_HASH, _DETAILS):
            for quad in store.quads_for_pattern(None, predicate, None, records):
                found = fields.setdefault(quad.subject.value, {})
                found[predicate] = quad.object.value
                found[_INDEX_DETAILS] = partial(later.text, quad.subject.value)
    else:
        for quad in store.quads_for_pattern(None, None, None, records):
            fields.setdefault(quad.subject.value, {})[quad.predicate] = quad.object.value
    return {
        graph: GraphRecord(
            graph,
            values[_SOURCE],  # type: ignore[arg-type]
            values[_CONTENT_HASH],  # type: ignore[arg-type]
            Details(values[_DETAILS], values.get(_INDEX_DETAILS)),  # type: ignore[arg-type]
        )
        for graph, values in fields.items()
    }


class IndexDetailsReader:
    """The indexer's details of every record of ``store``, read in one pass when first asked.

    Whoever asks for one record's asks for all (the indexer plans with every record): one
    scan, not a lookup each. Each text is handed over once and then not kept here.
    """

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._texts: dict[str, str] | None = None
        self._lock = threading.Lock()

    def text(self, graph: str) -> str | None:
        """The indexer's details of ``graph`` as JSON text (``None``: it has none)."""
        with self._lock:
            if self._texts is None:
                pattern = (None, _INDEX_DETAILS, None, ox.NamedNode(RECORDS_GRAPH))
                quads = self.store.quads_for_pattern(*pattern)
                self._texts = {quad.subject.value: quad.object.value for quad in quads}
            return self._texts.pop(graph, None)


def index_details_text(store: ox.Store, graph: str) -> str | None:
    """Return the indexer's details of ``graph`` as JSON text, looked up alone (``None``: none)."""
    pattern = (ox.NamedNode(graph), _INDEX_DETAILS, None, ox.NamedNode(RECORDS_GRAPH))
    found = next(iter(store.quads_for_pattern(*pattern)), None)
    return None if found is None else found.object.value


def details_texts(details: Mapping[str, Any]) -> tuple[str, str | None]:
    """The details as the two JSON texts they are stored as: the rest, the indexer's.

    Details read from a store are not decoded for it, nor kept decoded.
    """
    return details.texts() if isinstance(details, Details) else details_json(details)


def details_json(record: GraphRecord | Mapping[str, Any]) -> tuple[str, str | None]:
    """The details as the two JSON texts they are stored as: the rest, the indexer's."""
    details = dict(record.details if isinstance(record, GraphRecord) else record)
    large = {key: details.pop(key) for key in INDEX_KEYS if key in details}
    small = json.dumps(details, sort_keys=True, ensure_ascii=False)
    return small, json.dumps(large, sort_keys=True, ensure_ascii=False) if large else None


def stored_details(record: GraphRecord) -> str:
    """Return the details a server reads as the JSON text they are stored as (no indexer's part)."""
    details = record.details
    # A record read with the indexer's part unread: do not read it to leave it out.
    values = details._values if isinstance(details, Details) else details
    kept = {key: value for key, value in values.items() if key not in INDEX_KEYS}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False)


def read_record(store: ox.Store, graph: str) -> GraphRecord | None:
    """Return the record of graph ``graph`` in ``store``, or ``None`` if it has none."""
    subject, records = ox.NamedNode(graph), ox.NamedNode(RECORDS_GRAPH)
    values = {
        q.predicate: q.object.value for q in store.quads_for_pattern(subject, None, None, records)
    }
    if not values:
        return None
    large = values.get(_INDEX_DETAILS)
    return GraphRecord(
        graph, values[_SOURCE], values[_CONTENT_HASH], Details(values[_DETAILS], large)
    )
