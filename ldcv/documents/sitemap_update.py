"""A new generation's sitemap pages: the last generation's, with the pages of what changed.

Walking every subject of a store for its sitemap costs a minute of CPU at 10,000 CVs,
and a publication changes a few CVs. The sitemap lists ``/`` and then every document's
path and the further pages of paged documents, sorted (``store_walk``); a document is
listed or paged according to its subject and the links to it, so a change reaches the
pages of the IRIs the changed graphs name, before or after the change (as subject or
object), and no others. So the new list is the last one without those IRIs' pages, merged
with their pages as the new snapshot has them (looked up one by one, as the walk does).
The graphs that changed are the record table's (``written_after``) and those the last
generation had and this one has not; their earlier triples are read from the last
snapshot, which a store keeps a while after it is superseded.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ldcv.documents.paging import PAGE_SIZE
from ldcv.documents.selection import page_path
from ldcv.documents.store_index import StoreIndex
from ldcv.documents.store_reads import RecentReads
from ldcv.documents.store_walk import StoreLinks
from ldcv.rdf.iris import document_path, parse_thing_iri
from ldcv.store.rdflib_view import UnionView
from ldcv.store.records import read_records
from ldcv.store.union_queries import keeps_merge

PAGE_MARK = "/page/"


def changed_graphs(old: ox.Store, new_graphs: Iterable[str], written: Iterable[str]) -> set[str]:
    """The graphs that differ between ``old`` and the snapshot whose graphs are ``new_graphs``.

    ``written``: the new snapshot's graphs written since ``old`` was published.
    """
    return set(written) | (set(read_records(old, details_when_asked=True)) - set(new_graphs))


def updated_pages(
    previous: Iterable[str],
    old: ox.Store,
    new: ox.Store,
    graphs: Iterable[str],
    base_uri: str,
) -> Iterator[str]:
    """The sitemap pages of ``new``: ``previous`` (those of ``old``) with ``graphs``' changes."""
    base = base_uri.rstrip("/")
    touched = touched_documents(old, new, graphs, base)
    index = StoreIndex(RecentReads(UnionView(new)), base)
    fresh = sorted(_pages_now(index, touched))
    kept = (page for page in previous if _document_of(page) not in touched)
    return heapq.merge(kept, fresh)


def read_pages(path: Path) -> Iterator[str]:
    """The pages listed in the file at ``path``, one a line, as they come."""
    with open(path, encoding="utf-8") as listed:
        for line in listed:
            yield line.rstrip("\n")


def can_update(old: ox.Store, new: ox.Store) -> bool:
    """Whether both snapshots keep the merge of their CV graphs (what the lookups read)."""
    return keeps_merge(old) and keeps_merge(new)


def touched_documents(
    old: ox.Store, new: ox.Store, graphs: Iterable[str], base: str
) -> dict[str, str]:
    """The document paths of the IRIs minted under ``base`` that ``graphs`` name, by path: IRI."""
    found: dict[str, str] = {}
    for graph in graphs:
        name = ox.NamedNode(graph)
        for store in (old, new):
            for quad in store.quads_for_pattern(None, None, None, name):
                for term in (quad.subject, quad.object):
                    if isinstance(term, ox.NamedNode):
                        parsed = parse_thing_iri(base, term.value)
                        if parsed is not None:
                            found[document_path(*parsed)] = term.value
    return found


def _pages_now(index: StoreIndex, touched: dict[str, str]) -> Iterator[str]:
    """The pages the new snapshot lists for the touched IRIs (none for an IRI now unused)."""
    links = StoreLinks(index)
    merge = ox.DefaultGraph()
    for path, iri in touched.items():
        node = ox.NamedNode(iri)
        if next(iter(index.view.store.quads_for_pattern(node, None, None, merge)), None) is None:
            continue  # no longer a subject: no document
        yield path
        if links.linked_more_than(node, PAGE_SIZE):
            pages = links.incoming_pages(node, ox.NamedNode(index.base + path))
            yield from (page_path(path, page) for page in range(2, pages + 1))


def _document_of(page: str) -> str:
    """The document whose page ``page`` is (itself, for a document's first page)."""
    document, mark, number = page.rpartition(PAGE_MARK)
    return document if mark and number.isdigit() else page
