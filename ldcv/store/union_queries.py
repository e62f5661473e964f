"""SPARQL over the union of a store's CV graphs, evaluated by pyoxigraph: counts and whole dumps.

The union is what ``UnionView`` reads, each triple once. A store the writer keeps holds
it already, as its default graph (``ldcv.store.disk``): it is counted by one grouped
query and dumped by pyoxigraph's own serializer, in the store's index order (so the
same snapshot always gives the same bytes), nothing passing through Python.

A store without that merge (one filled by hand) is read from its named graphs but the
records graph, predicate by predicate through the predicate index, with ``SELECT
DISTINCT``: the set that makes a triple count once holds one predicate's triples, not
the dataset's. The count and the dump read the same queries, so they agree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO

import pyoxigraph as ox

from ldcv.store.records import RECORDS_GRAPH


def keeps_merge(store: ox.Store) -> bool:
    """Whether ``store`` holds the union of its CV graphs in its default graph."""
    return (
        next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None
    )


def predicates(store: ox.Store, records_graph: str = RECORDS_GRAPH) -> list[str]:
    """Return the IRIs of the union's predicates, sorted."""
    query = f"SELECT DISTINCT ?p WHERE {{ {_quads('?p', records_graph)} }}"
    return sorted(row["p"].value for row in store.query(query))  # type: ignore[union-attr]


def predicate_counts(store: ox.Store, records_graph: str = RECORDS_GRAPH) -> dict[str, int]:
    """Return how many triples of the union each predicate (by IRI) has."""
    if keeps_merge(store):
        grouped = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
        return {row["p"].value: int(row["n"].value) for row in store.query(grouped)}  # type: ignore[union-attr]
    counts = {}
    for predicate in predicates(store, records_graph):
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {_distinct(predicate, records_graph)} }}"
        counts[predicate] = int(next(iter(store.query(query)))["n"].value)  # type: ignore[call-overload]
    return counts


def classes(store: ox.Store, records_graph: str = RECORDS_GRAPH) -> set[str]:
    """Return the IRIs of the classes of the union (objects of ``rdf:type``)."""
    records = ox.NamedNode(records_graph)
    query = (
        "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?s a ?c } "
        f"FILTER(?g != {records} && isIRI(?c)) }}"
    )
    if keeps_merge(store):
        query = "SELECT DISTINCT ?c WHERE { ?s a ?c FILTER(isIRI(?c)) }"
    return {row["c"].value for row in store.query(query)}  # type: ignore[union-attr]


def union_triples(store: ox.Store, records_graph: str = RECORDS_GRAPH) -> Iterator[ox.Triple]:
    """Yield every triple of the named graphs' union once, predicate by predicate."""
    for triples in _by_predicate(store, records_graph):
        yield from triples


def write_union(
    store: ox.Store,
    output: IO[bytes],
    format: ox.RdfFormat,
    *,
    prefixes: Mapping[str, str] | None = None,
    records_graph: str = RECORDS_GRAPH,
) -> None:
    """Serialize the union to ``output`` in ``format``, streamed, each triple once."""
    if keeps_merge(store):
        named = {"prefixes": dict(prefixes)} if prefixes else {}
        store.dump(output, format, from_graph=ox.DefaultGraph(), **named)
        return
    if prefixes:  # one serializer for the whole: it declares the prefixes once, up front
        triples = union_triples(store, records_graph)
        ox.serialize(triples, output, format, prefixes=dict(prefixes))
        return
    # Without prefixes one document after another is one document; no triple enters Python.
    for triples in _by_predicate(store, records_graph):
        triples.serialize(output, format)


def _by_predicate(store: ox.Store, records_graph: str) -> Iterator[ox.QueryTriples]:
    for predicate in predicates(store, records_graph):
        iri = ox.NamedNode(predicate)
        query = f"CONSTRUCT {{ ?s {iri} ?o }} WHERE {{ {_distinct(predicate, records_graph)} }}"
        yield store.query(query)  # type: ignore[misc]


def _quads(predicate: str, records_graph: str) -> str:
    """The pattern of the data quads with ``predicate`` (a variable or an IRI's N-Triples)."""
    return f"GRAPH ?g {{ ?s {predicate} ?o }} FILTER(?g != {ox.NamedNode(records_graph)})"


def _distinct(predicate: str, records_graph: str) -> str:
    """The subquery of the union's triples of ``predicate`` (an IRI), each once, as ?s ?o."""
    quads = _quads(str(ox.NamedNode(predicate)), records_graph)
    return f"SELECT DISTINCT ?s ?o WHERE {{ {quads} }}"
