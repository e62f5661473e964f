"""Walk the whole dataset of a store: every page a sitemap lists, sorted, in bounded memory.

The paths come out in the order ``sitemap_paths`` sorts them (the home page, then every
document's path), without a set or a sorted list of them all: the minted subjects come
sorted from the store's index (``StoreIndex.minted_subjects``), each document's path is
theirs, and the pages of a paged document (``/doc/…/2``), which sort after their
document but may sort after later ones too, wait in a heap until their turn. Whether a
document is paged is asked of each subject on its own, counting its incoming links
only up to the page size: no count of every object of the dataset is held.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from itertools import islice

from rdflib import URIRef

from ldcv.documents.paging import PAGE_SIZE
from ldcv.documents.selection import page_path
from ldcv.documents.store_index import OneDocument, StoreIndex
from ldcv.rdf.iris import document_path, parse_thing_iri


def sorted_page_paths(index: StoreIndex) -> Iterator[str]:
    """Yield ``/`` and then every document's path of ``index``'s dataset, pages included, sorted."""
    yield "/"
    waiting: list[str] = []  # pages of documents already listed, in a heap
    for subject in index.minted_subjects():
        path = document_path(*parse_thing_iri(index.base, subject))  # type: ignore[misc]
        while waiting and waiting[0] < path:
            yield heapq.heappop(waiting)
        yield path
        if linked_more_than(index, subject, PAGE_SIZE):
            pages = OneDocument(index).incoming_pages(subject, URIRef(index.base + path))
            for page in range(2, pages + 1):
                heapq.heappush(waiting, page_path(path, page))
    while waiting:
        yield heapq.heappop(waiting)


def linked_more_than(index: StoreIndex, node: URIRef, count: int) -> bool:
    """Whether more than ``count`` triples of the dataset point at ``node`` (read up to count+1)."""
    pointing = index.view.union(None, None, node)
    return sum(1 for _ in islice(pointing, count + 1)) > count
