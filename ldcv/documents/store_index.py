"""Cut documents from a pyoxigraph store: the triples of each node asked when a document needs them.

``StoreIndex`` is the store's side of ``TripleIndex``: the same neighbourhoods, parts,
blank-node labels and sort keys as the in-memory ``GraphIndex``, so a document cut from
the store has the bytes of the one cut from the same triples in memory. Nothing is read
ahead: a document costs a lookup per node it touches, and each document remembers its
lookups only while it is being cut, so memory does not grow with the dataset.

Whether a document graph may share our fixed prefixes (``SharedNamespaces``) is decided
from the document's own predicates, classes and datatypes, not from a scan of the store:
a document's vocabulary is part of the dataset's, and both ways serialize alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ldcv.documents.blank_places import PlaceLabels
from ldcv.documents.selection import SharedNamespaces, Triple, TripleIndex, vocabulary_of
from ldcv.rdf.iris import parse_thing_iri
from ldcv.store.rdflib_view import UnionView
from ldcv.store.terms import to_oxigraph


class StoreIndex(TripleIndex):
    """The union of a store's CV graphs, asked node by node for the documents of ``base``."""

    def __init__(self, view: UnionView, base: str) -> None:
        super().__init__(base.rstrip("/"))
        self.view = view
        self._namespaces = SharedNamespaces()

    def about(self, node: Node) -> Mapping[Node, Sequence[Node]]:
        found: dict[Node, list[Node]] = {}
        for _, predicate, value in self.view.union(node, None, None):
            found.setdefault(predicate, []).append(value)
        return found

    def pointing_at(self, node: Node) -> Sequence[tuple[Node, Node]]:
        return [(source, predicate) for source, predicate, _ in self.view.union(None, None, node)]

    def place_labels(self) -> PlaceLabels:
        return PlaceLabels(self.pointing_at, self.objects)

    def namespaces_for(self, triples: Iterable[Triple]) -> SharedNamespaces | None:
        return self._namespaces if self._namespaces.covers(vocabulary_of(triples)) else None

    def document_graph(self, subject: URIRef, document: URIRef) -> Graph:
        return OneDocument(self).document_graph(subject, document)

    def neighbourhood(self, subject: URIRef, document: URIRef) -> set[Triple]:
        return OneDocument(self).neighbourhood(subject, document)

    def is_subject(self, node: URIRef) -> bool:
        """Whether ``node`` is the subject of a triple of the dataset."""
        for quad in self.view.store.quads_for_pattern(to_oxigraph(node), None, None, None):
            if self.view.is_data(quad.graph_name):
                return True
        return False

    def minted_subjects(self) -> Iterator[URIRef]:
        """Every IRI minted under the base that is a subject, sorted, as the store streams them."""
        prefix = ox.Literal(self.base + "/id/")
        records = self.view.records_graph
        query = (
            "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(?g != {records} && isIRI(?s) && STRSTARTS(STR(?s), {prefix})) }} ORDER BY ?s"
        )
        for solution in self.view.store.query(query):  # type: ignore[union-attr]
            iri = solution["s"].value
            if parse_thing_iri(self.base, iri) is not None:
                yield URIRef(iri)


class OneDocument(TripleIndex):
    """A store's triples while one document is cut: each node looked up once, then forgotten."""

    def __init__(self, index: StoreIndex) -> None:
        super().__init__(index.base)
        self._index = index
        self._about_memo: dict[Node, Mapping[Node, Sequence[Node]]] = {}
        self._pointing_memo: dict[Node, Sequence[tuple[Node, Node]]] = {}
        self._places: PlaceLabels | None = None

    def about(self, node: Node) -> Mapping[Node, Sequence[Node]]:
        found = self._about_memo.get(node)
        if found is None:
            found = self._about_memo[node] = self._index.about(node)
        return found

    def pointing_at(self, node: Node) -> Sequence[tuple[Node, Node]]:
        found = self._pointing_memo.get(node)
        if found is None:
            found = self._pointing_memo[node] = self._index.pointing_at(node)
        return found

    def place_labels(self) -> PlaceLabels:
        if self._places is None:
            self._places = PlaceLabels(self.pointing_at, self.objects)
        return self._places

    def namespaces_for(self, triples: Iterable[Triple]) -> SharedNamespaces | None:
        return self._index.namespaces_for(triples)
