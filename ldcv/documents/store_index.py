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
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ldcv.documents.blank_places import PlaceLabels
from ldcv.documents.selection import SharedNamespaces, Triple, TripleIndex, vocabulary_of
from ldcv.documents.store_reads import RecentReads
from ldcv.rdf.iris import parse_thing_iri
from ldcv.rdf.vocabulary import RDF
from ldcv.store.rdflib_view import UnionView
from ldcv.store.remote_reads import NODES_PER_REQUEST
from ldcv.store.terms import to_oxigraph


@runtime_checkable
class ReadsAhead(Protocol):
    """A store that reads what many nodes say in one request (``RemoteQuads``)."""

    def read_ahead(self, subjects: Iterable[Any], predicates: Sequence[Any] | None) -> None: ...

    def read_ahead_pointing(self, objects: Iterable[Any]) -> None: ...


class StoreIndex(TripleIndex):
    """The union of a store's CV graphs, asked node by node for the documents of ``base``."""

    def __init__(self, view: UnionView | RecentReads, base: str) -> None:
        super().__init__(base.rstrip("/"))
        self.view = view
        self._namespaces = SharedNamespaces()

    def about(self, node: Node) -> Mapping[Node, Sequence[Node]]:
        found: dict[Node, list[Node]] = {}
        for _, predicate, value in self.view.union(node, None, None):
            found.setdefault(predicate, []).append(value)
        return found

    def objects(self, node: Node, predicate: Node) -> Sequence[Node]:
        # Reading a triple back from the store costs more than finding it: ask only
        # for the predicate wanted (a type, a label) rather than the whole description.
        return [value for _, _, value in self.view.union(node, predicate, None)]

    def pointing_at(self, node: Node) -> Sequence[tuple[Node, Node]]:
        return [(source, predicate) for source, predicate, _ in self.view.union(None, None, node)]

    def place_labels(self) -> PlaceLabels:
        return PlaceLabels(self.pointing_at, self.objects)

    def namespaces_for(self, triples: Iterable[Triple]) -> SharedNamespaces | None:
        return self._namespaces if self._namespaces.covers(vocabulary_of(triples)) else None

    def read_together(
        self,
        nodes: Iterable[Node],
        predicates: Sequence[URIRef] | None = None,
        *,
        pointing: bool = False,
    ) -> dict[Any, Any]:
        """What ``read_ahead`` names, read in few requests: by node, or by (node, predicate).

        Descriptions (``predicates`` ``None``) or what points at each node (``pointing``)
        by node. Empty where the store answers node by node in microseconds (on disk).
        """
        store = self.view.store
        if not isinstance(store, ReadsAhead):
            return {}
        wanted = [node for node in dict.fromkeys(nodes) if not isinstance(node, Literal)]
        found: dict[Any, Any] = {}
        for start in range(0, len(wanted), NODES_PER_REQUEST):
            # Each share read, then taken at once: the store keeps a bounded number.
            share = wanted[start : start + NODES_PER_REQUEST]
            terms = [to_oxigraph(node) for node in share]
            if pointing:
                store.read_ahead_pointing(terms)
                found.update((node, self.pointing_at(node)) for node in share)
            elif predicates is None:
                store.read_ahead(terms, None)
                found.update((node, self.about(node)) for node in share)
            else:
                store.read_ahead(terms, [to_oxigraph(p) for p in predicates])
                found.update(((n, p), self.objects(n, p)) for n in share for p in predicates)
        return found

    def document_graph(self, subject: URIRef, document: URIRef, page: int = 1) -> Graph:
        return OneDocument(self).document_graph(subject, document, page)

    def neighbourhood(self, subject: URIRef, document: URIRef, page: int = 1) -> set[Triple]:
        return OneDocument(self).neighbourhood(subject, document, page)

    def is_subject(self, node: URIRef) -> bool:
        """Whether ``node`` is the subject of a triple of the dataset."""
        # Its types first: a page showing a link asks them next (and they are kept).
        if any(True for _ in self.view.union(node, RDF.type, None)):
            return True
        for quad in self.view.store.quads_for_pattern(to_oxigraph(node), None, None, None):
            if self.view.is_data(quad.graph_name):
                return True
        return False

    def minted_subjects(self) -> Iterator[URIRef]:
        """Every IRI minted under the base that is a subject, sorted.

        One query for the distinct subjects; sorted here: ``ORDER BY`` in the store
        compares the IRIs' text, read back from the store at each comparison, many times
        slower. What is held meanwhile is the minted IRIs as text, nothing else.
        """
        if self.view.merged:  # the default graph is the merge: no need to look at graphs
            query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
        else:
            query = (
                "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
                f"FILTER(?g != {self.view.records_graph}) }}"
            )
        prefix = self.base + "/id/"
        minted = []
        for solution in self.view.store.query(query):  # type: ignore[union-attr]
            subject = solution[0]
            if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(prefix):
                continue  # a blank node, or an IRI from elsewhere
            if parse_thing_iri(self.base, subject.value) is not None:
                minted.append(subject.value)
        minted.sort()
        for iri in minted:
            yield URIRef(iri)

    def linked_more_than(self, count: int) -> set[URIRef]:
        """The IRIs more than ``count`` triples point at: the only documents that may be paged.

        One aggregate over the dataset, for the whole-site consumers (sitemap, static build).
        """
        graph = "" if self.view.merged else "GRAPH ?g "
        where = f"{{ {graph}{{ ?s ?p ?o }} FILTER(isIRI(?o)) }}"
        if not self.view.merged:
            where = where[:-1] + f" FILTER(?g != {self.view.records_graph}) }}"
        query = f"SELECT ?o WHERE {where} GROUP BY ?o HAVING (COUNT(*) > {count})"
        return {URIRef(solution[0].value) for solution in self.view.store.query(query)}  # type: ignore[union-attr]


class OneDocument(TripleIndex):
    """A store's triples while one document is cut: each node looked up once, then forgotten."""

    def __init__(self, index: StoreIndex) -> None:
        super().__init__(index.base)
        self._index = index
        self._about_memo: dict[Node, Mapping[Node, Sequence[Node]]] = {}
        self._objects_memo: dict[tuple[Node, Node], Sequence[Node]] = {}
        self._pointing_memo: dict[Node, Sequence[tuple[Node, Node]]] = {}
        self._places: PlaceLabels | None = None

    def about(self, node: Node) -> Mapping[Node, Sequence[Node]]:
        found = self._about_memo.get(node)
        if found is None:
            found = self._about_memo[node] = self._index.about(node)
        return found

    def objects(self, node: Node, predicate: Node) -> Sequence[Node]:
        about = self._about_memo.get(node)
        if about is not None:
            return about.get(predicate, ())
        found = self._objects_memo.get((node, predicate))
        if found is None:
            found = self._objects_memo[node, predicate] = self._index.objects(node, predicate)
        return found

    def _about(self, node: Node, predicates: Iterable[URIRef]) -> Iterator[Triple]:
        # The labels or dates of a node only named: those predicates, not its description.
        for predicate in predicates:
            for value in self.objects(node, predicate):
                yield node, predicate, value

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

    def read_ahead(
        self,
        nodes: Iterable[Node],
        predicates: Sequence[URIRef] | None = None,
        *,
        pointing: bool = False,
    ) -> None:
        if pointing:
            wanted = [node for node in nodes if node not in self._pointing_memo]
            self._pointing_memo.update(self._index.read_together(wanted, pointing=True))
        elif predicates is None:
            wanted = [node for node in nodes if node not in self._about_memo]
            self._about_memo.update(self._index.read_together(wanted))
        else:
            wanted = [
                node
                for node in nodes
                if node not in self._about_memo
                and any((node, p) not in self._objects_memo for p in predicates)
            ]
            self._objects_memo.update(self._index.read_together(wanted, predicates))
