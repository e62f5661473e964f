"""Walk the whole dataset of a store: every page a sitemap lists, sorted, in bounded memory.

The paths come out in the order ``sitemap_paths`` sorts them (the home page, then every
document's path), without a set or a sorted list of them all: the minted subjects come
sorted from the store (``StoreIndex.minted_subjects``), each document's path is
theirs, and the pages of a paged document (``/doc/…/page/2``), which sort after their
document but may sort after later ones too, wait in a heap until their turn.

Whether a document is paged is asked of each subject on its own, in the store's own
terms (converting 10 million links to rdflib terms took most of the walk): first
counting its incoming links only up to the page size, then, for the few past it, as
``TripleIndex.incoming_pages`` does — the named resources linking to it, unless the
document describes itself (an owner's profile). No count of every object is held.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from itertools import islice

import pyoxigraph as ox

from ldcv.documents.paging import PAGE_SIZE, page_count
from ldcv.documents.selection import page_path
from ldcv.documents.store_index import StoreIndex
from ldcv.rdf.iris import document_path, parse_thing_iri
from ldcv.store.union_queries import keeps_merge


def sorted_page_paths(index: StoreIndex) -> Iterator[str]:
    """Yield ``/`` and then every document's path of ``index``'s dataset, pages included, sorted."""
    links = StoreLinks(index)
    yield "/"
    waiting: list[str] = []  # pages of documents already listed, in a heap
    for subject in index.minted_subjects():
        path = document_path(*parse_thing_iri(index.base, subject))  # type: ignore[misc]
        while waiting and waiting[0] < path:
            yield heapq.heappop(waiting)
        yield path
        node = ox.NamedNode(subject)
        if links.linked_more_than(node, PAGE_SIZE):
            pages = links.incoming_pages(node, ox.NamedNode(index.base + path))
            for page in range(2, pages + 1):
                heapq.heappush(waiting, page_path(path, page))
    while waiting:
        yield heapq.heappop(waiting)


class StoreLinks:
    """The links of the dataset of ``index`` to a node, read as pyoxigraph gives them."""

    def __init__(self, index: StoreIndex) -> None:
        self.view = index.view
        self.store: ox.Store = index.view.store  # type: ignore[assignment]
        # The merge in the default graph holds each triple once; else the CV graphs.
        self.graph = ox.DefaultGraph() if keeps_merge(self.store) else None

    def linked_more_than(self, node: ox.NamedNode, count: int) -> bool:
        """Whether more than ``count`` triples point at ``node`` (read up to ``count + 1``).

        Without the merge a triple two CVs state counts twice: more documents are then
        looked at closely (``incoming_pages``), none is missed.
        """
        return sum(1 for _ in islice(self._quads(None, node), count + 1)) > count

    def incoming_pages(self, node: ox.NamedNode, document: ox.NamedNode) -> int:
        """How many pages the incoming links of ``node``'s document fill (1: not paged)."""
        if next(self._quads(document, None), None) is not None:
            return 1  # an owner's profile: bounded by their CV, never paged
        sources = {
            quad.subject
            for quad in self._quads(None, node)
            if isinstance(quad.subject, ox.NamedNode) and quad.subject != node
        }
        return page_count(len(sources))

    def _quads(self, subject: ox.NamedNode | None, obj: ox.NamedNode | None) -> Iterator[ox.Quad]:
        quads = self.store.quads_for_pattern(subject, None, obj, self.graph)
        if self.graph is not None:
            return iter(quads)
        return (quad for quad in quads if self.view.is_data(quad.graph_name))
