"""SPARQL over the union of a store's CV graphs, evaluated by pyoxigraph: counts and whole dumps.

The union is what ``UnionView`` reads: every named graph but the records graph, a
triple that several CVs state counted once. Here a triple is kept where it comes from
the first graph (by IRI) holding it, an index lookup per quad inside the query engine,
so that the union streams through in the store's order with no set of what was seen:
memory does not grow with the dataset, and the same snapshot gives the same order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO

import pyoxigraph as ox

from ldcv.store.records import RECORDS_GRAPH


def _union_pattern(records_graph: str) -> str:
    """The group matching each triple of the union once, as ``?s ?p ?o``."""
    records = ox.NamedNode(records_graph)
    return (
        f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {records}) "
        f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} "
        f"FILTER(?h != {records} && STR(?h) < STR(?g)) }}"
    )


def predicate_counts(store: ox.Store, records_graph: str = RECORDS_GRAPH) -> dict[str, int]:
    """Return how many triples of the union each predicate (by IRI) has."""
    query = f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {_union_pattern(records_graph)} }} GROUP BY ?p"
    return {row["p"].value: int(row["n"].value) for row in store.query(query)}  # type: ignore[union-attr]


def classes(store: ox.Store, records_graph: str = RECORDS_GRAPH) -> set[str]:
    """Return the IRIs of the classes of the union (objects of ``rdf:type``)."""
    records = ox.NamedNode(records_graph)
    query = (
        "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?s a ?c } "
        f"FILTER(?g != {records} && isIRI(?c)) }}"
    )
    return {row["c"].value for row in store.query(query)}  # type: ignore[union-attr]


def write_union(
    store: ox.Store,
    output: IO[bytes],
    format: ox.RdfFormat,
    *,
    prefixes: Mapping[str, str] | None = None,
    records_graph: str = RECORDS_GRAPH,
) -> None:
    """Serialize the union to ``output`` in ``format``, streamed, each triple once."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {_union_pattern(records_graph)} }}"
    triples = store.query(query)
    if prefixes:
        # Through Python, triple by triple: only the module-level serializer takes prefixes.
        ox.serialize(triples, output, format, prefixes=dict(prefixes))  # type: ignore[arg-type]
    else:
        triples.serialize(output, format)  # type: ignore[union-attr]
