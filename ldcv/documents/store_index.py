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

from collections.abc import Iterable, Iterator, Mapping, Sequence, Sized
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ldcv.documents.blank_places import PlaceLabels
from ldcv.documents.bounded import BoundedCache
from ldcv.documents.paging import PAGE_SIZE, page_count
from ldcv.documents.selection import (
    DATE_PREDICATES,
    LABEL_PREDICATES,
    IncomingPage,
    SharedNamespaces,
    Triple,
    TripleIndex,
    vocabulary_of,
)
from ldcv.documents.store_reads import RecentReads
from ldcv.rdf.iris import parse_thing_iri
from ldcv.rdf.vocabulary import RDF
from ldcv.store.rdflib_view import UnionView
from ldcv.store.remote_reads import NODES_PER_REQUEST
from ldcv.store.remote_terms import SKOLEM_PREFIX
from ldcv.store.terms import to_oxigraph, to_rdflib

# The referrers of the hubs paged lately, in page order: some 100 bytes a referrer, so a
# few MiB (a skill 4,476 people list at 10,000 CVs, with their skill sets: 8,952).
ORDERS_KEPT = 50_000
# Triples of the documents serialized with one ``SharedNamespaces`` before a fresh one: rdflib
# remembers the prefixed name of every IRI it wrote (some 400 bytes each, without end: 40
# KiB a document, 800 MiB a server after 20,000 documents), so at most 2 IRIs a triple,
# some 16 MiB. The names are the same from a fresh one: only the time to split them again.
NAMESPACES_TRIPLES = 20_000
# What a page shows of each resource linking to its subject: dates, then labels.
_SHOWN = tuple(dict.fromkeys((*DATE_PREDICATES, *LABEL_PREDICATES)))


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
        self._namespaced = 0  # triples serialized with it so far
        self._orders: BoundedCache[Node, list[Node]] = BoundedCache(ORDERS_KEPT)

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
        namespaces = self._namespaces
        if not namespaces.covers(vocabulary_of(triples)):
            return None
        self._namespaced += len(triples) if isinstance(triples, Sized) else 1
        if self._namespaced > NAMESPACES_TRIPLES:
            # A graph being serialized keeps the one it was given; the next get a fresh one.
            self._namespaces, self._namespaced = SharedNamespaces(), 0
        return namespaces

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

    def incoming_page(self, node: Node, page: int) -> IncomingPage:
        """``TripleIndex.incoming_page``, reading a hub's links for its page only.

        A hub's referrers are listed and sorted once per hub (``ORDERS_KEPT``), in the
        store; a page then reads the links of its own hundred. Any other document reads
        its links as they come, up to the first it cannot hold.
        """
        if page == 1:
            incoming: list[tuple[Node, Node]] = []
            sources: set[Node] = set()
            for source, predicate, _ in self.view.union(None, None, node):
                if isinstance(source, URIRef) and source != node:
                    incoming.append((source, predicate))
                    sources.add(source)
                    if len(sources) > PAGE_SIZE:
                        break
            else:
                return IncomingPage(incoming, frozenset(), 1)
        ordered = self._in_order(node)
        kept = ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        links = self._links(kept, node) if kept else []
        return IncomingPage(links, frozenset(ordered).difference(kept), page_count(len(ordered)))

    def _links(self, sources: Sequence[Node], node: Node) -> list[tuple[Node, Node]]:
        """The (source, predicate) pairs linking ``sources`` to ``node``, in one query (a
        remote store answers it in one request, not one a source)."""
        named = " ".join(str(to_oxigraph(source)) for source in sources)
        where = self._in_data(f"VALUES ?s {{ {named} }} ?s ?p {to_oxigraph(node)}")
        query = f"SELECT DISTINCT ?s ?p WHERE {{ {where} }}"
        rows = self.view.store.query(query)  # type: ignore[union-attr]
        return [(URIRef(row[0].value), URIRef(row[1].value)) for row in rows]

    def values_of(
        self, nodes: Sequence[Node], predicates: Sequence[URIRef]
    ) -> dict[tuple[Node, Node], list[Node]]:
        """The objects of each of ``nodes`` through each of ``predicates``, in one query.

        Every pair is in the answer, with no objects where the store has none.
        """
        found: dict[tuple[Node, Node], list[Node]] = {(n, p): [] for n in nodes for p in predicates}
        if not nodes:
            return found
        named = " ".join(str(to_oxigraph(node)) for node in nodes)
        # One pattern a predicate: VALUES for the predicates makes Oxigraph scan the store.
        each = " UNION ".join(
            f"{{ ?s {to_oxigraph(p)} ?o BIND({to_oxigraph(p)} AS ?p) }}" for p in predicates
        )
        where = self._in_data(f"VALUES ?s {{ {named} }} {{ {each} }}")
        for row in self.view.store.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }}"):  # type: ignore[union-attr]
            found[URIRef(row[0].value), URIRef(row[1].value)].append(to_rdflib(row[2]))
        return found

    def pointing_at_each(self, nodes: Sequence[Node]) -> dict[Node, list[tuple[Node, Node]]]:
        """``pointing_at`` of each of ``nodes``, in one query."""
        found: dict[Node, list[tuple[Node, Node]]] = {node: [] for node in nodes}
        if not nodes:
            return found
        named = " ".join(str(to_oxigraph(node)) for node in nodes)
        where = self._in_data(f"VALUES ?o {{ {named} }} ?s ?p ?o")
        for row in self.view.store.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }}"):  # type: ignore[union-attr]
            found[URIRef(row[2].value)].append((to_rdflib(row[0]), URIRef(row[1].value)))
        return found

    def referrer_count(self, node: Node) -> int:
        ordered = self._orders.get(node)
        if ordered is not None:
            return len(ordered)
        (row,) = self._referrers("(COUNT(DISTINCT ?s) AS ?n)", node)
        return int(row[0].value)

    def _in_order(self, node: Node) -> list[Node]:
        """The named resources linking to ``node``, newest first: one query each for them
        and their dates, kept for the hub's other pages."""
        found = self._orders.get(node)
        if found is None:
            rows = self._referrers("DISTINCT ?s", node)
            # A remote store's blank nodes pass isIRI (they are IRIs there), read back blank.
            sources = [URIRef(row[0].value) for row in rows if isinstance(row[0], ox.NamedNode)]
            found = self._orders.put(node, self.referrers_in_order(node, sources), len(sources) + 1)
        return found

    def _referrers(self, select: str, node: Node) -> Any:
        """``SELECT select`` over the named resources ``?s`` linking to ``node``."""
        target = to_oxigraph(node)
        where = self._in_data(f"?s ?p {target}")
        named = "isIRI(?s)"
        if isinstance(self.view.store, ReadsAhead):  # a remote store: its blank nodes are IRIs
            named += f' && !STRSTARTS(STR(?s), "{SKOLEM_PREFIX}")'
        query = f"SELECT {select} WHERE {{ {where} FILTER({named} && ?s != {target}) }}"
        return self.view.store.query(query)  # type: ignore[union-attr]

    def latest_dates(self, node: Node, sources: Iterable[Node]) -> dict[Node, str]:
        """``TripleIndex.latest_dates`` in one query: a hub's page sorts all its referrers.

        Asked source by source, the dates of a hub's referrers (the roles at an
        organisation, the people speaking a language) cost five lookups each.
        """
        wanted = set(sources)
        # One pattern a date predicate: reading each referrer's whole description and
        # filtering its predicates costs 2.5 times this for a hub of people.
        dates = " UNION ".join(f"{{ ?s {to_oxigraph(p)} ?d }}" for p in DATE_PREDICATES)
        where = self._in_data(f"?s ?p {to_oxigraph(node)}", dates)
        found: dict[Node, str] = {}
        for solution in self.view.store.query(f"SELECT DISTINCT ?s ?d WHERE {{ {where} }}"):  # type: ignore[union-attr]
            source = solution[0]
            if not isinstance(source, ox.NamedNode):
                continue  # a list cell: _incoming skips it
            iri = URIRef(source.value)
            if iri in wanted:
                date = solution[1].value
                if date > found.get(iri, ""):
                    found[iri] = date
        return found

    def _in_data(self, *patterns: str) -> str:
        """A SPARQL group matching ``patterns`` in the CV graphs (their merge, if kept)."""
        if self.view.merged:
            return " ".join(f"{{ {pattern} }}" for pattern in patterns)
        records = self.view.records_graph
        return " ".join(
            f"GRAPH ?g{n} {{ {pattern} }} FILTER(?g{n} != {records})"
            for n, pattern in enumerate(patterns)
        )

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

    def incoming_page(self, node: Node, page: int) -> IncomingPage:
        found = self._index.incoming_page(node, page)
        if found.pages > 1:
            # A hub's page shows the dates and labels of its hundred referrers: asked
            # together (one request to a remote store, not a thousand).
            sources = list(dict.fromkeys(source for source, _ in found.links))
            self._objects_memo.update(self._index.values_of(sources, _SHOWN))
            # and, of those that are parts (a skill's sets, an organisation's roles),
            # who holds them
            parts = [source for source in sources if self.is_part(source)]
            self._pointing_memo.update(self._index.pointing_at_each(parts))
        return found

    def referrer_count(self, node: Node) -> int:
        return self._index.referrer_count(node)

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
