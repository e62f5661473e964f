"""Keep what was recently read from a store about a resource, for every document and page.

Reading a triple back from an on-disk store costs several microseconds, and the same
resources are read again and again: cutting a document and rendering its page read the
same neighbours, and neighbouring documents share works, people and organisations.
``RecentReads`` wraps a ``UnionView`` (the store's CV graphs as one read-only rdflib
store) and keeps the answers to "what does this resource say (through this predicate)"
for the most recently read resources, up to a number of triples. The store is a
snapshot that does not change, so a kept answer stays right; other questions go to the
store unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from rdflib import Literal
from rdflib.store import Store
from rdflib.term import Node

from ldcv.documents.bounded import BoundedCache
from ldcv.store.rdflib_view import Triple, UnionView
from ldcv.store.terms import to_oxigraph, to_rdflib

TRIPLES_KEPT = 50_000  # some 15 MiB: the neighbourhoods of the last hundred or so pages
_NO_CONTEXTS: tuple[Any, ...] = ()


@runtime_checkable
class ReadsAround(Protocol):
    """A store that reads around many nodes in one go (``RemoteQuads``)."""

    def read_ahead_around(self, subjects: Iterable[Any], follow: Sequence[Any]) -> None: ...

    def read_ahead_links(self, subjects: Iterable[Any], obj: Any) -> None: ...

    def read_ahead(self, subjects: Iterable[Any], predicates: Sequence[Any] | None) -> None: ...


@runtime_checkable
class ReadsSources(Protocol):
    """A store that reads what links to a node, with some predicates of each, in one request."""

    def sources_with(
        self, obj: Any, links: Sequence[Any], predicates: Sequence[Any]
    ) -> dict[Any, list[tuple[Any, Any]]]: ...


class RecentReads(Store):
    """A read-only rdflib store answering from ``view``, keeping recent answers about subjects."""

    context_aware = False
    formula_aware = False
    transaction_aware = False
    graph_aware = False

    def __init__(self, view: UnionView, kept: int = TRIPLES_KEPT) -> None:
        super().__init__()
        self.view = view
        self.store = view.store
        self.records_graph = view.records_graph
        self.merged = view.merged
        self._kept: BoundedCache[tuple[Node, Node | None], list[Triple]] = BoundedCache(kept)

    def is_data(self, graph: Any) -> bool:
        return self.view.is_data(graph)

    def union(
        self, subject: Node | None = None, predicate: Node | None = None, obj: Node | None = None
    ) -> Iterator[Triple]:
        """``UnionView.union``, from what was read recently where it says the whole answer."""
        if subject is None or obj is not None:
            return self.view.union(subject, predicate, obj)
        found = self._kept.get((subject, predicate))
        if found is None and predicate is not None:
            described = self._kept.get((subject, None))
            if described is not None:
                return iter([t for t in described if t[1] == predicate])
        if found is None:
            found = list(self.view.union(subject, predicate, None))
            self._kept.put((subject, predicate), found, len(found) + 1)
        return iter(found)

    def begin_document(self) -> None:
        """Start one document's reads: a remote store batches its questions within it."""
        begin = getattr(self.store, "begin_document", None)
        if begin is not None:
            begin()

    def read_ahead_around(self, nodes: Iterable[Node], follow: Sequence[Node] = ()) -> None:
        """What a page will read around ``nodes``, read in few requests where the store can.

        A no-op on disk, where each lookup costs microseconds (see ``ReadsAround``).
        """
        store = self.store
        if isinstance(store, ReadsAround):
            subjects = [to_oxigraph(n) for n in dict.fromkeys(nodes) if not isinstance(n, Literal)]
            store.read_ahead_around(subjects, [to_oxigraph(p) for p in follow])

    def read_ahead(self, nodes: Iterable[Node], predicates: Sequence[Node]) -> None:
        """``predicates`` of each of ``nodes``, read in few requests where the store can."""
        store = self.store
        if isinstance(store, ReadsAround):
            subjects = [to_oxigraph(n) for n in dict.fromkeys(nodes) if not isinstance(n, Literal)]
            store.read_ahead(subjects, [to_oxigraph(p) for p in predicates])

    def sources_with(
        self, target: Node, links: Sequence[Node], predicates: Sequence[Node]
    ) -> dict[Node, list[tuple[Node, Node]]] | None:
        """What links to ``target`` through ``links``, with ``predicates`` of each, in one
        request where the store can (``None`` on disk: ask triple by triple)."""
        store = self.store
        if not isinstance(store, ReadsSources):
            return None
        found = store.sources_with(
            to_oxigraph(target),
            [to_oxigraph(p) for p in links],
            [to_oxigraph(p) for p in predicates],
        )
        return {
            to_rdflib(s): [(to_rdflib(p), to_rdflib(o)) for p, o in pairs]
            for s, pairs in found.items()
        }

    def read_ahead_links(self, sources: Iterable[Node], target: Node) -> None:
        """What links each of ``sources`` to ``target``, read in few requests where it can."""
        store = self.store
        if isinstance(store, ReadsAround):
            store.read_ahead_links([to_oxigraph(n) for n in sources], to_oxigraph(target))

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        s, p, o = triple_pattern
        for triple in self.union(s, p, o):
            yield triple, _NO_CONTEXTS

    def __len__(self, context: Any = None) -> int:
        return len(self.view)

    def contexts(self, triple: Any = None) -> Iterator[Any]:
        return iter(())

    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        self.view.bind(prefix, namespace, override)

    def prefix(self, namespace: Any) -> str | None:
        return self.view.prefix(namespace)

    def namespace(self, prefix: str) -> Any:
        return self.view.namespace(prefix)

    def namespaces(self) -> Iterator[tuple[str, Any]]:
        return self.view.namespaces()

    def add(self, triple: Any, context: Any = None, quoted: bool = False) -> None:
        self.view.add(triple, context, quoted)

    def addN(self, quads: Any) -> None:
        self.view.addN(quads)

    def remove(self, triple: Any, context: Any = None) -> None:
        self.view.remove(triple, context)
