"""The linked-data routes over real HTTP: ``/id/`` answers 303, ``/doc/`` negotiates, ``/``
and ``/vocab``; every IRI under the base dereferences."""

from __future__ import annotations

import json
from collections import deque

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ldcv.rdf.formats import BY_KEY, RDF_FORMATS
from ldcv.rdf.iris import parse_thing_iri
from ldcv.rdf.jsonld import used_context
from ldcv.rdf.vocabulary import LDCV, RDF, RDFS, SDO

OWNER_DOC = "/doc/person/ada-lovelace"
PAPER_DOC = "/doc/publication/lovelace-1843-notes"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


# -- dereferencing ------------------------------------------------------------------------


def owner_iri(live) -> URIRef:
    return URIRef(live.url("/id/person/ada-lovelace"))


def test_thing_iri_answers_303_to_its_document(fixture_server):
    response = fixture_server.get("/id/person/ada-lovelace", Accept="text/turtle")
    assert response.status_code == 303
    assert response.headers["Location"] == fixture_server.url(OWNER_DOC)
    assert "Accept" in response.headers["Vary"]


def test_303_keeps_the_query_string(fixture_server):
    response = fixture_server.get("/id/person/ada-lovelace?format=nt")
    assert response.headers["Location"] == fixture_server.url(OWNER_DOC + "?format=nt")


@pytest.mark.parametrize(
    "path",
    [
        "/id/person/nobody",
        "/id/person/ada-lovelace.ttl",
        "/doc/person/nobody",
        "/doc/person/ada-lovelace.pdf",
        "/doc/person",
        "/nothing/here",
        "/vocab.pdf",
    ],
)
def test_unknown_paths_are_404(fixture_server, path):
    assert fixture_server.get(path).status_code == 404


@pytest.mark.parametrize("fmt", [None, "turtle", "xml", "nt", "json-ld"])
def test_rdflib_parse_follows_the_303_and_gets_the_document(fixture_server, no_network, fmt):
    subject = owner_iri(fixture_server)
    graph = Graph().parse(str(subject), format=fmt)
    expected = fixture_server.app.extensions["ldcv.catalog"].documents[OWNER_DOC].graph
    assert (subject, RDF.type, SDO.Person) in graph
    assert isomorphic(graph, expected)


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.key)
def test_suffix_variant_answers_its_fixed_format_whatever_the_accept(fixture_server, fmt):
    response = fixture_server.get(f"{PAPER_DOC}.{fmt.suffix}", Accept="text/html")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == fmt.content_type
    assert response.headers["Content-Location"] == fixture_server.url(f"{PAPER_DOC}.{fmt.suffix}")
    vary = {v.strip() for v in response.headers.get("Vary", "").split(",")}
    assert "Accept" not in vary


@pytest.mark.parametrize("value", ["ttl", "turtle", "text/turtle"])
def test_format_parameter_wins_over_accept(fixture_server, value):
    response = fixture_server.get(f"{PAPER_DOC}?format={value}", Accept="text/html")
    assert response.headers["Content-Type"] == BY_KEY["turtle"].content_type


def test_unknown_format_parameter_is_400_naming_the_formats(fixture_server):
    response = fixture_server.get(f"{PAPER_DOC}?format=pdf")
    assert response.status_code == 400
    assert "json-ld" in response.text


def test_html_variant_is_the_page(fixture_server):
    response = fixture_server.get(f"{OWNER_DOC}.html")
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Ada Lovelace" in response.text


def test_json_ld_document_is_compacted_with_an_inline_schema_org_context(fixture_server):
    data = json.loads(fixture_server.get(OWNER_DOC, Accept="application/ld+json").text)
    assert data["@context"] == used_context({k: v for k, v in data.items() if k != "@context"})
    owner = next(n for n in data["@graph"] if n.get("id") == str(owner_iri(fixture_server)))
    assert owner["name"] == "Ada Lovelace"  # schema.org terms without a prefix


def _minted(live, graph: Graph) -> set[URIRef]:
    return {
        t
        for triple in graph
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(live.base + "/")
    }


def crawl(live) -> tuple[set[str], set[URIRef]]:
    """Follow your nose from the home page: every IRI under the base must dereference.

    Returns the documents reached and the thing IRIs dereferenced.
    """
    session = requests.Session()
    session.headers["Accept"] = "text/turtle"
    home = session.get(live.url("/"), timeout=10)
    assert home.status_code == 200
    graph = Graph().parse(data=home.text, format="turtle")
    queue, seen = deque(_minted(live, graph)), set()
    documents: set[str] = set()
    things: set[URIRef] = set()
    while queue:
        iri = queue.popleft()
        if iri in seen:
            continue
        seen.add(iri)
        response = session.get(str(iri), allow_redirects=False, timeout=10)
        if "/id/" in iri:
            assert response.status_code == 303, iri
            assert response.headers["Vary"] == "Accept"
            things.add(iri)
            response = session.get(response.headers["Location"], timeout=10)
        assert response.status_code == 200, iri
        assert response.headers["Content-Type"].startswith("text/turtle"), iri
        document = Graph().parse(data=response.text, format="turtle")
        if "/id/" in iri:
            assert (iri, None, None) in document, f"{iri} is not a subject of its document"
        documents.add(response.url.removeprefix(live.base))
        queue.extend(_minted(live, document) - seen)
    return documents, things


def test_follow_your_nose_from_home_reaches_every_document(fixture_server):
    documents, things = crawl(fixture_server)
    catalog = fixture_server.app.extensions["ldcv.catalog"]
    assert set(catalog.documents) <= documents
    assert {d.subject for d in catalog.documents.values()} == things


@pytest.mark.slow
def test_follow_your_nose_over_the_seed_cv(seed_server):
    documents, things = crawl(seed_server)
    catalog = seed_server.app.extensions["ldcv.catalog"]
    assert set(catalog.documents) <= documents
    minted = {
        s
        for s in catalog.dataset.graph.subjects()
        if isinstance(s, URIRef) and parse_thing_iri(catalog.dataset.base_uri, str(s))
    }
    assert minted == things


def test_many_distinct_accept_headers_are_answered_and_the_app_remembers_a_bounded_few(
    start_server, make_fixture_app, monkeypatch
):
    import ldcv.server.linked_data as linked_data

    monkeypatch.setattr(linked_data, "NEGOTIATED_LIMIT", 4)
    with start_server.app(lambda base: make_fixture_app(base, "cv")) as live:
        for q in range(1, 10):
            accept = f"text/turtle;q=0.{q}, text/html;q=0.05"
            response = live.get(OWNER_DOC, Accept=accept)
            assert response.headers["Content-Type"].startswith("text/turtle")
        assert len(live.app.extensions[linked_data.NEGOTIATED]) == 4


# -- the home page and the vocabulary -----------------------------------------------------


def test_home_is_the_owners_profile_with_a_canonical_link(fixture_server):
    response = fixture_server.get("/", Accept=BROWSER)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert f'<{fixture_server.url(OWNER_DOC)}>; rel="canonical"' in response.headers["Link"]
    assert response.headers["Content-Location"] == fixture_server.url(OWNER_DOC + ".html")
    assert "Ada Lovelace" in response.text


def test_home_negotiates_data_for_scripts(fixture_server):
    response = fixture_server.get("/", Accept="*/*")
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert (owner_iri(fixture_server), RDF.type, SDO.Person) in graph


def test_home_of_several_cvs_is_an_index(two_cv_server):
    page = two_cv_server.get("/", Accept=BROWSER)
    assert page.status_code == 200
    assert "Ada Lovelace" in page.text and "Grace Hopper" in page.text
    data = Graph().parse(data=two_cv_server.get("/", Accept="text/turtle").text, format="turtle")
    home = URIRef(two_cv_server.url("/"))
    about = set(data.objects(home, SDO.about))
    assert about == {
        URIRef(two_cv_server.url("/id/person/ada-lovelace")),
        URIRef(two_cv_server.url("/id/person/grace-hopper")),
    }
    assert (
        URIRef(two_cv_server.url("/id/person/grace-hopper")),
        SDO.name,
        Literal("Grace Hopper"),
    ) in data


def test_index_variants_are_addressable(two_cv_server):
    response = two_cv_server.get("/?format=nt", Accept=BROWSER)
    assert response.headers["Content-Type"] == "application/n-triples"
    assert response.headers["Content-Location"] == two_cv_server.url("/?format=nt")


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_vocabulary_dereferences_in_rdf(fixture_server, no_network, accept):
    response = fixture_server.get("/vocab", Accept=accept)
    assert response.status_code == 200
    fmt = "turtle" if accept == "text/turtle" else "json-ld"
    graph = Graph().parse(data=response.content, format=fmt)
    assert (LDCV.AwardReceipt, RDFS.label, None) in graph


def test_vocabulary_has_suffix_variants_and_a_page(fixture_server):
    assert fixture_server.get("/vocab.ttl").headers["Content-Type"].startswith("text/turtle")
    page = fixture_server.get("/vocab", Accept=BROWSER)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("path", ["/people/by-name", "/people/by-publications"])
def test_people_index_pages_negotiate_and_have_suffix_variants(two_cv_server, path):
    page = two_cv_server.get(path, Accept=BROWSER)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "Ada Lovelace" in page.text and "Grace Hopper" in page.text
    data = Graph().parse(data=two_cv_server.get(path + ".ttl").text, format="turtle")
    assert (URIRef(two_cv_server.url(path)), RDF.type, SDO.CollectionPage) in data
    assert two_cv_server.get(path, Accept="text/turtle").headers["Content-Location"] == (
        two_cv_server.url(path + ".ttl")
    )


@pytest.mark.slow
def test_home_of_several_cvs_links_the_other_order(two_cv_server):
    page = two_cv_server.get("/", Accept=BROWSER).text
    assert 'href="/people/by-publications"' in page


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/people/by-name/2", "/people/by-name/1", "/people/by-age"])
def test_people_pages_that_do_not_exist_are_404(two_cv_server, path):
    assert two_cv_server.get(path, Accept=BROWSER).status_code == 404
