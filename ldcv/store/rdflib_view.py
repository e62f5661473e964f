"""Read a pyoxigraph store's CV graphs as one rdflib graph, without copying them.

The dataset is the union of the store's named graphs: a triple that two CVs state (a
shared publication, its author list, a coauthor's name) is one triple of the union.
The store's own records graph is not data, nor is the default graph. ``UnionView`` is a
read-only rdflib ``Store``, so ``Graph(store=UnionView(store))`` answers ``objects``,
``subjects``, ``subject_predicates`` and ``Collection`` for the pages; every answer is
a lookup in the store's indexes, converted by ``ldcv.store.terms``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.store import Store
from rdflib.term import Node

from ldcv.rdf.vocabulary import PREFIXES
from ldcv.store.records import RECORDS_GRAPH
from ldcv.store.terms import Translations, to_oxigraph, to_rdflib

Triple = tuple[Node, Node, Node]
_NO_CONTEXTS: tuple[Any, ...] = ()


class UnionView(Store):
    """A read-only rdflib store over the union of a pyoxigraph store's named graphs.

    ``records_graph`` names the graph that holds the store's own records: it is skipped.
    The store must not change while it is viewed (a snapshot): the size is counted once.
    """

    context_aware = False
    formula_aware = False
    transaction_aware = False
    graph_aware = False

    def __init__(self, store: ox.Store, records_graph: str = RECORDS_GRAPH) -> None:
        super().__init__()
        self.store = store
        self.records_graph = ox.NamedNode(records_graph)
        self._size: int | None = None
        self._terms = Translations()
        self._lock = threading.Lock()
        self._prefixes = {prefix: URIRef(str(ns)) for prefix, ns in PREFIXES.items()}
        # A store the writer keeps holds the merge of its CV graphs in the default graph
        # (ldcv.store.disk): one lookup a pattern, each triple once.
        merge = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        self.merged = next(iter(merge), None) is not None
        self._namespaces = {ns: prefix for prefix, ns in self._prefixes.items()}

    # -- reading -------------------------------------------------------------------------

    def union(
        self, subject: Node | None = None, predicate: Node | None = None, obj: Node | None = None
    ) -> Iterator[Triple]:
        """The triples of the union matching the pattern (``None``: anything), each once."""
        pattern = (subject, predicate, obj)
        if self.merged:
            translate = self._terms.to_oxigraph
            terms = [None if t is None else translate(t) for t in pattern]
            term = self._terms.to_rdflib
            for quad in self.store.quads_for_pattern(*terms, ox.DefaultGraph()):
                yield (
                    subject if subject is not None else term(quad.subject),
                    predicate if predicate is not None else term(quad.predicate),
                    obj if obj is not None else term(quad.object),
                )
            return
        terms = [None if t is None else to_oxigraph(t) for t in pattern]
        quads = self.store.quads_for_pattern(*terms, None)
        records = self.records_graph
        if subject is None and obj is None:
            # Dataset-wide: a set of every triple seen would grow with the dataset; keep the
            # triple where it comes from its first graph instead (one index lookup each).
            for quad in quads:
                if self.is_data(quad.graph_name) and self._first_graph_of(quad):
                    yield (
                        to_rdflib(quad.subject),
                        predicate if predicate is not None else to_rdflib(quad.predicate),
                        to_rdflib(quad.object),
                    )
            return
        # About one node: few triples. A store iterates a triple's graphs in no fixed place
        # (in memory, graph by graph), so a triple two CVs state is recognised by a set of
        # what the pattern left open; the terms it fixed are given back as they came.
        seen: set[Any] = set()
        for quad in quads:
            graph = quad.graph_name
            if graph == records or isinstance(graph, ox.DefaultGraph):
                continue
            s = quad.subject if subject is None else None
            p = quad.predicate if predicate is None else None
            o = quad.object if obj is None else None
            key = (s, p, o)
            if key in seen:
                continue
            seen.add(key)
            yield (
                subject if s is None else to_rdflib(s),
                predicate if p is None else to_rdflib(p),
                obj if o is None else to_rdflib(o),
            )

    def is_data(self, graph: Any) -> bool:
        """Whether ``graph`` (a quad's graph name) holds data: a named graph, not the records."""
        return not isinstance(graph, ox.DefaultGraph) and graph != self.records_graph

    def _first_graph_of(self, quad: ox.Quad) -> bool:
        """Whether ``quad``'s graph is the first (by IRI) of the data graphs holding its triple."""
        mine = quad.graph_name.value
        for other in self.store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None):
            graph = other.graph_name
            if self.is_data(graph) and graph.value < mine:
                return False
        return True

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        s, p, o = triple_pattern
        for triple in self.union(s, p, o):
            yield triple, _NO_CONTEXTS

    def __len__(self, context: Any = None) -> int:
        if self._size is None:
            with self._lock:
                if self._size is None and self.merged:
                    merge = self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
                    self._size = sum(1 for _ in merge)
                if self._size is None:
                    self._size = sum(
                        1
                        for quad in self.store.quads_for_pattern(None, None, None, None)
                        if self.is_data(quad.graph_name) and self._first_graph_of(quad)
                    )
        return self._size

    def contexts(self, triple: Any = None) -> Iterator[Any]:
        return iter(())

    # -- prefixes: ours, fixed -----------------------------------------------------------

    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        # rdflib's namespace manager binds its defaults on first use; the view keeps ours,
        # so a graph over it abbreviates exactly as the documents' graphs do.
        return None

    def prefix(self, namespace: Any) -> str | None:
        return self._namespaces.get(URIRef(str(namespace)))

    def namespace(self, prefix: str) -> URIRef | None:
        return self._prefixes.get(prefix)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        return iter(list(self._prefixes.items()))

    # -- writing: refused ----------------------------------------------------------------

    def add(self, triple: Any, context: Any = None, quoted: bool = False) -> None:
        raise TypeError("the store's union of graphs is read-only")

    def addN(self, quads: Any) -> None:
        raise TypeError("the store's union of graphs is read-only")

    def remove(self, triple: Any, context: Any = None) -> None:
        raise TypeError("the store's union of graphs is read-only")

    def add_graph(self, graph: Any) -> None:
        raise TypeError("the store's union of graphs is read-only")

    def remove_graph(self, graph: Any) -> None:
        raise TypeError("the store's union of graphs is read-only")

    def update(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("the store's union of graphs is read-only")


def union_graph(store: ox.Store, records_graph: str = RECORDS_GRAPH) -> Graph:
    """The union of ``store``'s CV graphs as a read-only rdflib graph with our prefixes."""
    return Graph(store=UnionView(store, records_graph), bind_namespaces="none")
