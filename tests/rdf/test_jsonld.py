"""Compact JSON-LD: reading a graph once for rdflib's converter gives the bytes that rdflib
reading the graph itself gives, on every document of the seed and of a generated store
(every kind of document)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef, namespace
from rdflib.collection import Collection

from ldcv.rdf import jsonld
from ldcv.rdf.jsonld import JsonLdContext, compact_jsonld, jsonld_bytes
from ldcv.rdf.vocabulary import SDO

BASE = "https://example.org"
GENERATED_BASE = "https://cv.example.org"  # six_generated_store's
# The kinds of document (``/doc/<kind>/…``) a generated store has.
EVERY_KIND = {
    "account", "address", "award", "book", "credential", "identifier", "issue", "language",
    "language-skill", "organization", "patent", "patent-family", "periodical", "person",
    "place", "project", "publication", "role", "series", "skill", "skill-set", "thesis",
    "volume",
}  # fmt: skip


def rdflib_reading_the_graph(
    graph: Graph, monkeypatch: pytest.MonkeyPatch, context: JsonLdContext | None = None
) -> bytes:
    """``compact_jsonld``'s bytes with rdflib's converter asking the graph itself."""
    with monkeypatch.context() as patched:
        patched.setattr(jsonld, "_ReadOnce", lambda given: given)
        return jsonld_bytes(compact_jsonld(graph, context))


def awkward_graph() -> Graph:
    """Lists of resources and of false-looking literals, shared and nested blank nodes."""
    graph = Graph()
    # namespace.XSD, not a module global: pytest's collection trips over it
    work, person = URIRef("urn:x:work"), URIRef(f"{BASE}/id/person/a")
    graph.add((work, RDF.type, SDO.ScholarlyArticle))
    graph.add((work, SDO.name, Literal('Über <b> & "quotes"', lang="de")))
    graph.add((work, SDO.name, Literal("About")))
    people = BNode()
    Collection(graph, people, [person, URIRef(f"{BASE}/id/person/b")])
    graph.add((work, URIRef("http://purl.org/ontology/bibo/authorList"), people))
    flags = BNode()
    Collection(graph, flags, [Literal(False), Literal(0), Literal("")])
    graph.add((work, SDO.keywords, flags))
    shared = BNode()  # a blank node two subjects point at
    graph.add((work, SDO.funder, shared))
    graph.add((person, SDO.memberOf, shared))
    graph.add((shared, SDO.name, Literal("Fund")))
    graph.add((shared, SDO.address, BNode("inner")))
    graph.add((BNode("inner"), SDO.addressLocality, Literal("Berlin")))
    graph.add((person, SDO.birthDate, Literal("1815-12-10", datatype=namespace.XSD.date)))
    graph.add((person, SDO.sameAs, URIRef("https://orcid.org/0000-0000-0000-0000")))
    graph.add((BNode("alone"), SDO.name, Literal("unreferenced")))
    return graph


def test_awkward_graph_compacts_as_rdflib_reading_it_does(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = awkward_graph()
    made = jsonld_bytes(compact_jsonld(graph))
    assert made == rdflib_reading_the_graph(graph, monkeypatch)
    assert b'"@list"' in made  # the lists were read as lists


def test_every_seed_document_compacts_as_rdflib_reading_it_does(
    seed_documents: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(seed_documents) > 100
    context = JsonLdContext.read()  # once, as a catalog holds it (~50 ms a read)
    for path, document in seed_documents.items():
        made = jsonld_bytes(compact_jsonld(document.graph, context))
        assert made == rdflib_reading_the_graph(document.graph, monkeypatch, context), path


@pytest.mark.slow
def test_every_document_of_a_generated_store_compacts_as_rdflib_reading_it_does(
    six_generated_store, small_pages: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ldcv.documents.store_catalog import store_catalog

    # Six CVs (write_cvs(6, seed=5)) make some 650 documents of all 23 kinds, patents among
    # them, and with pages of 4 links the further pages of hubs: each is compared.
    with six_generated_store.open_snapshot() as snapshot:
        catalog = store_catalog(snapshot.store, GENERATED_BASE, modified=datetime.now(UTC))
        paths = list(catalog.documents)
        assert len(paths) > 600
        assert {path.split("/")[2] for path in paths} >= EVERY_KIND
        assert any("/page/" in path for path in paths)
        context = JsonLdContext.read()  # once, as a catalog holds it (~50 ms a read)
        for path in paths:
            graph = catalog.documents[path].graph
            made = jsonld_bytes(compact_jsonld(graph, context))
            assert made == rdflib_reading_the_graph(graph, monkeypatch, context), path
