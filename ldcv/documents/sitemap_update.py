"""A new generation's sitemap pages: the last generation's, with the pages of what changed.

Walking every subject of a store for its sitemap costs a minute of CPU at 10,000 CVs,
and a publication changes a few CVs. The sitemap lists ``/`` and then every document's
path and the further pages of paged documents, sorted (``store_walk``); a document is
listed or paged according to its subject and the links to it, so a change reaches the
pages of the IRIs the changed graphs name (``snapshot_change``) and no others. So the new
list is the last one without those IRIs' pages, merged with their pages as the new
snapshot has them (looked up one by one, as the walk does).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ldcv.documents.paging import PAGE_SIZE
from ldcv.documents.selection import page_path
from ldcv.documents.snapshot_change import SnapshotChange, is_subject
from ldcv.documents.store_index import StoreIndex
from ldcv.documents.store_reads import RecentReads
from ldcv.documents.store_walk import StoreLinks
from ldcv.store.rdflib_view import UnionView

PAGE_MARK = "/page/"


def updated_pages(previous: Iterable[str], change: SnapshotChange, base_uri: str) -> Iterator[str]:
    """The sitemap pages of ``change.new``: ``previous`` (``change.old``'s) with the change."""
    index = StoreIndex(RecentReads(UnionView(change.new)), base_uri.rstrip("/"))
    fresh = sorted(_pages_now(index, change.touched))
    kept = (page for page in previous if _document_of(page) not in change.touched)
    return heapq.merge(kept, fresh)


def read_pages(path: Path) -> Iterator[str]:
    """The pages listed in the file at ``path``, one a line, as they come."""
    with open(path, encoding="utf-8") as listed:
        for line in listed:
            yield line.rstrip("\n")


def _pages_now(index: StoreIndex, touched: dict[str, str]) -> Iterator[str]:
    """The pages the new snapshot lists for the touched IRIs (none for an IRI now unused)."""
    links = StoreLinks(index)
    for path, iri in touched.items():
        if not is_subject(index.view.store, iri):  # type: ignore[arg-type]
            continue  # no document
        yield path
        node = ox.NamedNode(iri)
        if links.linked_more_than(node, PAGE_SIZE):
            pages = links.incoming_pages(node, ox.NamedNode(index.base + path))
            yield from (page_path(path, page) for page in range(2, pages + 1))


def _document_of(page: str) -> str:
    """The document whose page ``page`` is (itself, for a document's first page)."""
    document, mark, number = page.rpartition(PAGE_MARK)
    return document if mark and number.isdigit() else page
