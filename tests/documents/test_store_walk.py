"""Every page of a store's dataset, sorted as the sitemap lists them, walked in bounded memory."""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from ldcv.documents.crawler_files import sitemap_paths
from ldcv.documents.selection import build_documents
from ldcv.documents.store_index import StoreIndex
from ldcv.documents.store_walk import StoreLinks, sorted_page_paths
from ldcv.pipeline import Dataset
from ldcv.rdf.vocabulary import RDF, SDO
from ldcv.store.rdflib_view import UnionView
from ldcv.store.terms import to_oxigraph

BASE = "http://cv.example.org"
PERSON = BASE + "/id/person/"


def _dataset() -> Dataset:
    """A coauthor on 1,050 works (11 pages: /page/10 sorts before /page/2), neighbours
    whose paths sort between the coauthor's document and its pages, and after them, and
    an owner on 150 works, whose document describes itself (a profile: one page)."""
    graph = Graph()
    prolific = URIRef(PERSON + "prolific")
    for key in ("prolific", "prolific-b", "prolific0", "aaron"):
        graph.add((URIRef(PERSON + key), RDF.type, SDO.Person))
        graph.add((URIRef(PERSON + key), SDO.name, Literal(key.title())))
    for n in range(1050):
        work = URIRef(f"{BASE}/id/publication/work-{n:04d}")
        graph.add((work, RDF.type, SDO.ScholarlyArticle))
        graph.add((work, SDO.name, Literal(f"Work {n}")))
        graph.add((work, SDO.datePublished, Literal(str(1000 + n), datatype=XSD.gYear)))
        graph.add((work, SDO.author, prolific))
        if n % 300 == 0:
            graph.add((work, SDO.author, URIRef(PERSON + "prolific-b")))
        if n < 150:  # as many as an owner's, whose profile is never paged
            graph.add((work, SDO.author, URIRef(PERSON + "aaron")))
    profile = URIRef(BASE + "/doc/person/aaron")
    graph.add((profile, RDF.type, SDO.ProfilePage))
    graph.add((profile, SDO.mainEntity, URIRef(PERSON + "aaron")))
    return Dataset(cvs=(), graph=graph, base_uri=BASE, modified=datetime(2024, 1, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def walked() -> Dataset:
    return _dataset()


def _store(dataset: Dataset, merged: bool) -> ox.Store:
    """The dataset in one CV graph, and also in the default graph if ``merged``."""
    store = ox.Store()
    for triple in dataset.graph:
        s, p, o = (to_oxigraph(t) for t in triple)
        store.add(ox.Quad(s, p, o, ox.NamedNode(BASE + "/graph/one")))
        if merged:
            store.add(ox.Quad(s, p, o))
    return store


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "named-graphs"])
def test_the_walk_lists_the_pages_the_sitemap_of_the_same_triples_in_memory_lists(
    walked: Dataset, merged: bool
) -> None:
    index = StoreIndex(UnionView(_store(walked, merged)), BASE)

    listed = list(sorted_page_paths(index))

    assert listed == sitemap_paths(build_documents(walked))
    pages = [p for p in listed if p.startswith("/doc/person/prolific/page/")]
    assert len(pages) == 10 and pages[:2] == [
        "/doc/person/prolific/page/10",
        "/doc/person/prolific/page/11",
    ]
    assert "/doc/person/aaron" in listed and "/doc/person/aaron/page/2" not in listed
    order = [listed.index(f"/doc/person/{key}") for key in ("prolific", "prolific-b")]
    assert order[0] < order[1] < listed.index(pages[0]) < listed.index("/doc/person/prolific0")


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "named-graphs"])
def test_links_are_counted_only_up_to_the_bound(walked: Dataset, merged: bool) -> None:
    links = StoreLinks(StoreIndex(UnionView(_store(walked, merged)), BASE))
    sometimes = ox.NamedNode(PERSON + "prolific-b")  # an author of 4 works
    assert links.linked_more_than(sometimes, 3)
    assert not links.linked_more_than(sometimes, 4)
    assert not links.linked_more_than(ox.NamedNode(PERSON + "prolific0"), 0)
    assert links.incoming_pages(ox.NamedNode(PERSON + "prolific"), ox.NamedNode("urn:x")) == 11
    owner, profile = ox.NamedNode(PERSON + "aaron"), ox.NamedNode(BASE + "/doc/person/aaron")
    assert links.linked_more_than(owner, 100) and links.incoming_pages(owner, profile) == 1
