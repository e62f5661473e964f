"""Pages of long lists, in RDF: Hydra's partial collection views.

A list longer than ``PAGE_SIZE`` (the people of the index, the works naming a
coauthor) is cut into pages, each its own document. Every page is a
``hydra:PartialCollectionView`` with ``hydra:first`` and ``hydra:last`` and, where they
exist, ``hydra:previous`` and ``hydra:next``: the links the HTML pages give as
``rel="prev"`` and ``rel="next"``. Hydra is the W3C community vocabulary for paging
linked data (Triple Pattern Fragments use it); schema.org has no term for a next page.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph, Namespace, URIRef

from ldcv.rdf.vocabulary import RDF

PAGE_SIZE = 100
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")


def page_count(items: int, page_size: int = PAGE_SIZE) -> int:
    """How many pages ``items`` fill (at least one)."""
    return max(1, -(-items // page_size))


def add_page_links(
    graph: Graph,
    view: URIRef,
    base: str,
    path_of: Callable[[int], str | None],
    number: int,
    pages: int,
) -> None:
    """Say in ``graph`` that ``view`` is page ``number`` of ``pages``, linked to the others."""
    graph.bind("hydra", HYDRA)
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    links = {
        HYDRA.first: 1,
        HYDRA.last: pages,
        HYDRA.previous: number - 1,
        HYDRA.next: number + 1,
    }
    for predicate, target in links.items():
        path = path_of(target)
        if path is not None:
            graph.add((view, predicate, URIRef(base + path)))


def page_links(graph: Graph, view: URIRef) -> dict[str, str]:
    """The paging links of ``view`` in ``graph``: ``first``/``previous``/``next``/``last``."""
    found = {}
    for name in ("first", "previous", "next", "last"):
        for target in graph.objects(view, HYDRA[name]):
            found[name] = str(target)
    return found
