"""Long documents in pages: a coauthor on 150 works, in HTML and RDF, every page a document."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from ldcv.documents.catalog import build_catalog
from ldcv.documents.paging import HYDRA, PAGE_SIZE
from ldcv.documents.selection import GraphIndex, build_documents, split_page
from ldcv.pipeline import Dataset
from ldcv.rdf.formats import FORMATS, RDF_FORMATS
from ldcv.rdf.vocabulary import FOAF, RDF, SDO

BASE = "http://cv.example.org"
COAUTHOR = URIRef(BASE + "/id/person/prolific")
DOC = "/doc/person/prolific"


def _dataset(works: int) -> Dataset:
    graph = Graph()
    graph.add((COAUTHOR, RDF.type, SDO.Person))
    graph.add((COAUTHOR, SDO.name, Literal("Pat Prolific")))
    for n in range(works):
        work = URIRef(f"{BASE}/id/publication/work-{n:03d}")
        graph.add((work, RDF.type, SDO.ScholarlyArticle))
        graph.add((work, SDO.name, Literal(f"Work {n}")))
        graph.add((work, SDO.datePublished, Literal(str(1900 + n), datatype=XSD.gYear)))
        graph.add((work, SDO.author, COAUTHOR))
    return Dataset(cvs=(), graph=graph, base_uri=BASE, modified=datetime(2024, 1, 1, tzinfo=UTC))


def test_a_document_over_the_bound_is_cut_into_pages_newest_first() -> None:
    documents = build_documents(_dataset(150))
    assert f"{DOC}/page/2" in documents and f"{DOC}/page/3" not in documents
    first = documents[DOC].graph
    second = documents[f"{DOC}/page/2"].graph
    on_first = set(first.subjects(SDO.author, COAUTHOR))
    on_second = set(second.subjects(SDO.author, COAUTHOR))
    assert len(on_first) == PAGE_SIZE and len(on_second) == 50 and not on_first & on_second
    assert URIRef(f"{BASE}/id/publication/work-149") in on_first  # the newest


def test_pages_link_to_each_other_with_hydra() -> None:
    documents = build_documents(_dataset(150))
    first, second = URIRef(BASE + DOC), URIRef(f"{BASE}{DOC}/page/2")
    graph = documents[DOC].graph
    assert (first, RDF.type, HYDRA.PartialCollectionView) in graph
    assert (first, HYDRA.next, second) in graph and (first, HYDRA.last, second) in graph
    later = documents[f"{DOC}/page/2"].graph
    assert (second, HYDRA.previous, first) in later and (second, HYDRA.first, first) in later
    assert not list(later.objects(second, HYDRA.next))


def test_a_document_under_the_bound_has_no_pages() -> None:
    documents = build_documents(_dataset(PAGE_SIZE))
    assert not [p for p in documents if split_page(p)[1] > 1]
    assert not any(str(p).startswith(str(HYDRA)) for p in documents[DOC].graph.predicates())


def test_neighbourhood_of_page_one_under_the_bound_is_unchanged_by_paging() -> None:
    index = GraphIndex(_dataset(PAGE_SIZE).graph, BASE)
    assert index.neighbourhood(COAUTHOR, URIRef(BASE + DOC)) == index.neighbourhood(
        COAUTHOR, URIRef(BASE + DOC), 1
    )


@pytest.mark.parametrize("path", [DOC, f"{DOC}/page/2"])
def test_every_page_renders_in_every_format_with_its_own_works_and_links(path: str) -> None:
    catalog = build_catalog(_dataset(150), prerender=False)
    resource = catalog.resources[path]
    for fmt in RDF_FORMATS:
        data = Graph().parse(data=resource.render(fmt), format=fmt.rdflib_name)
        assert (URIRef(BASE + path), RDF.type, HYDRA.PartialCollectionView) in data
    html = resource.render(next(f for f in FORMATS if not f.is_rdf)).decode()
    works = html.count('href="/doc/publication/work-')
    if path == DOC:
        assert '<link rel="next" href="/doc/person/prolific/page/2">' in html
        assert works >= PAGE_SIZE and "/doc/publication/work-000" not in html
    else:
        assert '<link rel="prev" href="/doc/person/prolific">' in html
        assert "/doc/publication/work-000" in html and "/doc/publication/work-149" not in html


@pytest.mark.parametrize("merged", [True, False], ids=["merge-in-default-graph", "graphs"])
def test_a_store_lists_and_makes_the_same_pages_as_memory(merged: bool) -> None:
    import pyoxigraph as ox

    from ldcv.documents.store_catalog import store_catalog
    from ldcv.store.terms import to_oxigraph

    dataset = _dataset(150)
    store = ox.Store()
    graph = ox.NamedNode(BASE + "/doc/person/someone")
    for triple in dataset.graph:
        s, p, o = (to_oxigraph(t) for t in triple)
        store.add(ox.Quad(s, p, o, graph))
        if merged:
            store.add(ox.Quad(s, p, o))
    in_memory = build_catalog(dataset, prerender=False)
    from_store = store_catalog(store, BASE, modified=dataset.modified)

    assert list(from_store.documents) == sorted(in_memory.documents)
    assert f"{DOC}/page/2" in list(from_store.documents)
    for fmt in FORMATS:
        ours = from_store.resources[f"{DOC}/page/2"].representation(fmt)
        theirs = in_memory.resources[f"{DOC}/page/2"].representation(fmt)
        assert ours.identity.body == theirs.identity.body


LANGUAGE = URIRef(BASE + "/id/language/de")


def _hub(people: int) -> Dataset:
    """A language ``people`` people speak: a hub their links make long, with no works."""
    graph = Graph()
    graph.add((LANGUAGE, RDF.type, SDO.Language))
    graph.add((LANGUAGE, SDO.name, Literal("German")))
    for n in range(people):
        person = URIRef(f"{BASE}/id/person/speaker-{n:03d}")
        graph.add((person, RDF.type, SDO.Person))
        graph.add((person, SDO.name, Literal(f"Speaker {n:03d}")))
        graph.add((person, SDO.knowsLanguage, LANGUAGE))
    return Dataset(cvs=(), graph=graph, base_uri=BASE, modified=datetime(2024, 1, 1, tzinfo=UTC))


def test_each_html_page_of_a_hub_links_from_the_people_its_rdf_page_lists() -> None:
    catalog = build_catalog(_hub(250), prerender=False)
    pages = ["/doc/language/de", "/doc/language/de/page/2", "/doc/language/de/page/3"]
    html_format = next(f for f in FORMATS if not f.is_rdf)
    shown: list[str] = []
    for path in pages:
        resource = catalog.resources[path]
        rdf = Graph().parse(data=resource.render(FORMATS[0]), format=FORMATS[0].rdflib_name)
        listed = {str(s) for s in rdf.subjects(SDO.knowsLanguage, LANGUAGE)}
        html = lxml.html.document_fromstring(resource.render(html_format))
        (section,) = html.xpath('//section[@aria-labelledby="refs-h"]')
        linked = [BASE + a.get("href").replace("/doc/", "/id/", 1) for a in section.iter("a")]
        assert sorted(linked) == sorted(listed)
        shown += linked
    assert len(shown) == len(set(shown)) == 250


SKILL = URIRef(BASE + "/id/skill/video")


def _skill_in_sets(sets: int) -> Dataset:
    """A skill ``sets`` skill sets list, each naming it back (``schema:inDefinedTermSet``)."""
    graph = Graph()
    graph.add((SKILL, RDF.type, SDO.DefinedTerm))
    graph.add((SKILL, SDO.name, Literal("Video")))
    for n in range(sets):
        owner = URIRef(f"{BASE}/id/person/holder-{n:03d}")
        skill_set = URIRef(f"{BASE}/id/skill-set/holder-{n:03d}-domains")
        graph.add((owner, RDF.type, SDO.Person))
        graph.add((owner, SDO.name, Literal(f"Holder {n:03d}")))
        graph.add((owner, SDO.knowsAbout, SKILL))
        graph.add((skill_set, RDF.type, SDO.DefinedTermSet))
        graph.add((skill_set, SDO.name, Literal("Application domains")))
        graph.add((skill_set, SDO.hasDefinedTerm, SKILL))
        graph.add((SKILL, SDO.inDefinedTermSet, skill_set))
    return Dataset(cvs=(), graph=graph, base_uri=BASE, modified=datetime(2024, 1, 1, tzinfo=UTC))


def test_each_page_of_a_hub_holds_only_its_own_referrers_that_the_hub_links_back_to() -> None:
    documents = build_documents(_skill_in_sets(150))
    pages = [p for p in documents if p.startswith("/doc/skill/video")]
    assert len(pages) == 3  # 300 referrers: 150 people, 150 sets
    seen: list[URIRef] = []
    for path in pages:
        graph = documents[path].graph
        linked_back = set(graph.objects(SKILL, SDO.inDefinedTermSet))
        listing = set(graph.subjects(SDO.hasDefinedTerm, SKILL))
        assert linked_back == listing  # the sets of this page, described, and no others
        assert {s for s in graph.subjects(SDO.name) if "/skill-set/" in s} == listing
        seen += linked_back
    assert len(seen) == len(set(seen)) == 150


def test_an_unpaged_document_keeps_every_link_its_subject_makes() -> None:
    documents = build_documents(_skill_in_sets(40))
    graph = documents["/doc/skill/video"].graph
    assert len(set(graph.objects(SKILL, SDO.inDefinedTermSet))) == 40


def test_a_store_makes_the_same_pages_of_a_hub_as_memory() -> None:
    import pyoxigraph as ox

    from ldcv.documents.store_catalog import store_catalog
    from ldcv.store.terms import to_oxigraph

    dataset = _skill_in_sets(150)
    store = ox.Store()
    for triple in dataset.graph:
        store.add(ox.Quad(*(to_oxigraph(t) for t in triple), ox.NamedNode(BASE + "/cv")))
    in_memory = build_catalog(dataset, prerender=False)
    from_store = store_catalog(store, BASE, modified=dataset.modified)
    for path in ("/doc/skill/video", "/doc/skill/video/page/3"):
        for fmt in FORMATS:
            ours = from_store.resources[path].representation(fmt)
            theirs = in_memory.resources[path].representation(fmt)
            assert ours.identity.body == theirs.identity.body


def test_each_html_page_of_a_prolific_coauthor_lists_the_works_of_its_rdf_page() -> None:
    dataset = _dataset(150)
    for work in list(dataset.graph.subjects(SDO.author, COAUTHOR)):
        dataset.graph.add((COAUTHOR, FOAF.made, work))  # as the mapping states it
    catalog = build_catalog(dataset, prerender=False)
    html_format = next(f for f in FORMATS if not f.is_rdf)
    shown: list[str] = []
    for path in (DOC, f"{DOC}/page/2"):
        resource = catalog.resources[path]
        rdf = Graph().parse(data=resource.render(FORMATS[0]), format=FORMATS[0].rdflib_name)
        on_page = {str(s) for s in rdf.subjects(SDO.author, COAUTHOR)}
        html = lxml.html.document_fromstring(resource.render(html_format))
        (section,) = html.xpath('//h2[@id="publications"]/..')
        listed = {
            BASE + a.get("href").replace("/doc/", "/id/", 1)
            for a in section.iter("a")
            if a.get("href", "").startswith("/doc/publication/")
        }
        assert listed == on_page
        shown += listed
    assert len(shown) == len(set(shown)) == 150


@pytest.mark.slow  # starts `oxigraph serve`
def test_a_remote_store_makes_the_same_hub_pages_as_memory_in_a_few_requests(
    sparql_engines, counting_client
) -> None:
    from ldcv.documents.store_catalog import store_catalog
    from ldcv.store.remote_reads import MERGE_GRAPH, RemoteQuads

    dataset = _skill_in_sets(150)
    body = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in dataset.graph)
    in_memory = build_catalog(dataset, prerender=False)
    with sparql_engines.oxigraph() as engine:
        client = counting_client(engine.query_url, engine.update_url)
        client.update(f"INSERT DATA {{ GRAPH <{MERGE_GRAPH}> {{ {body} }} }}")
        remote = store_catalog(RemoteQuads(client), BASE, modified=dataset.modified)
        for path in ("/doc/skill/video/page/2", "/doc/skill/video/page/3"):
            before = client.queries
            ours = remote.resources[path].representation(FORMATS[0]).identity.body
            assert ours == in_memory.resources[path].representation(FORMATS[0]).identity.body
            assert client.queries - before < PAGE_SIZE  # not one a referrer (a page lists 100)
