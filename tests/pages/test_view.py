"""Node and Page: graph resources as templates read them, on small hand-built graphs."""

from __future__ import annotations

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from ldcv.pages.view import Node, Page, predicate_label, term
from ldcv.rdf.vocabulary import BIBO, FOAF, SDO

BASE = "http://example.org/cv"
PERSON = URIRef(f"{BASE}/id/person/ada-lovelace")
PAPER = URIRef(f"{BASE}/id/publication/notes-1843")
ELSEWHERE = URIRef(f"{BASE}/id/organization/analytical-society")


def page_of(dataset: Graph, document: Graph | None = None, **kwargs) -> Page:
    return Page(
        graph=document if document is not None else Graph(),
        dataset_graph=dataset,
        base_uri=BASE,
        subjects={PERSON: "/doc/person/ada-lovelace"},
        **kwargs,
    )


def test_term_resolves_bare_names_to_schema_org_and_prefixed_names_to_their_namespace() -> None:
    assert term("author") == SDO.author
    assert term("foaf:name") == FOAF.name
    assert term("bibo:authorList") == BIBO.authorList
    with pytest.raises(KeyError):
        term("nope:thing")


def test_predicate_label_names_the_prefix_outside_schema_org() -> None:
    assert predicate_label(SDO.pageEnd) == "Page end"
    assert predicate_label(BIBO.pageEnd) == "Page end (bibo)"
    assert predicate_label(URIRef("http://other.example/ns#fooBar")) == "Foo bar"


def test_types_are_schema_local_names_and_prefixed_names_for_other_vocabularies() -> None:
    graph = Graph()
    for t in (SDO.Person, FOAF.Person, URIRef("http://other.example/ns#Hidden")):
        graph.add((PERSON, RDF.type, t))
    node = Node(PERSON, page_of(graph))
    assert node.types == {"Person", "foaf:Person"}
    assert node.is_a("foaf:Person", "Organization") and not node.is_a("Organization")


def test_values_come_from_the_dataset_first_and_the_document_for_outside_things() -> None:
    dataset, document = Graph(), Graph()
    dataset.add((PERSON, SDO.name, Literal("Ada Lovelace")))
    document.add((PERSON, SDO.name, Literal("Only in the document")))
    outside = URIRef("http://other.example/term")
    document.add((outside, SDO.name, Literal("A term")))
    page = page_of(dataset, document)
    assert Node(PERSON, page).get("name") == Literal("Ada Lovelace")
    assert Node(outside, page).get("name") == Literal("A term")


def test_all_gathers_values_of_several_terms_once_and_wraps_resources_as_nodes() -> None:
    graph = Graph()
    graph.add((PAPER, SDO.author, PERSON))
    graph.add((PAPER, SDO.creator, PERSON))
    graph.add((PAPER, SDO.name, Literal("Notes")))
    node = Node(PAPER, page_of(graph))
    assert node.all("author", "creator") == [Node(PERSON, node.page)]
    assert node.all("name") == [Literal("Notes")]
    assert node.get("missing", "name") == Literal("Notes")
    assert node.get("missing") is None


def test_a_page_resolves_each_term_once_however_many_values_it_reads(monkeypatch) -> None:
    from ldcv.pages import view

    resolved: list[str] = []

    def counting_term(name: str) -> URIRef:
        resolved.append(name)
        return term(name)

    monkeypatch.setattr(view, "term", counting_term)
    graph = Graph()
    graph.add((PAPER, SDO.name, Literal("Notes")))
    graph.add((PERSON, SDO.name, Literal("Ada")))
    page = page_of(graph)
    for node in (Node(PAPER, page), Node(PERSON, page), Node(PAPER, page)):
        assert node.get("name") is not None
        assert node.all("name", "foaf:name")
    assert sorted(resolved) == ["foaf:name", "name"]


def test_list_keeps_the_rdf_list_order() -> None:
    graph = Graph()
    head = BNode()
    people = [URIRef(f"{BASE}/id/person/{name}") for name in ("zed", "amy", "kim")]
    Collection(graph, head, people)
    graph.add((PAPER, BIBO.authorList, head))
    node = Node(PAPER, page_of(graph))
    assert [n.iri for n in node.list("bibo:authorList")] == people
    assert node.list("author") is None


@pytest.mark.parametrize(
    ("triples", "label"),
    [
        ([(SDO.name, Literal("Ada"))], "Ada"),
        (
            [
                (RDF.type, SDO.PostalAddress),
                (SDO.addressLocality, Literal("London")),
                (SDO.postalCode, Literal("W1")),
            ],
            "W1, London",
        ),
        ([(SDO.volumeNumber, Literal("12"))], "Volume 12"),
        ([(SDO.issueNumber, Literal("3"))], "Issue 3"),
        ([(SDO.propertyID, Literal("DOI")), (SDO.value, Literal("10.1/x"))], "DOI 10.1/x"),
        ([], "notes-1843"),
    ],
)
def test_label_falls_back_from_names_to_addresses_numbers_and_the_iri(triples, label) -> None:
    graph = Graph()
    for predicate, value in triples:
        graph.add((PAPER, predicate, value))
    assert Node(PAPER, page_of(graph)).label == label


def test_a_blank_node_without_a_name_has_an_empty_label() -> None:
    assert Node(BNode(), page_of(Graph())).label == ""


def test_href_links_documents_things_of_the_dataset_and_the_web_under_the_base_path() -> None:
    page = page_of(Graph())
    assert page.base_path == "/cv"
    assert page.href(PERSON) == "/cv/doc/person/ada-lovelace"
    assert page.href(ELSEWHERE) == "/cv/id/organization/analytical-society"
    assert page.href(URIRef("https://orcid.org/0000")) == "https://orcid.org/0000"
    assert page.href(URIRef("urn:isbn:123")) is None
    assert page.href(BNode()) is None
    assert page.static("ldcv.css") == "/cv/static/ldcv.css"


def test_statements_leave_out_the_type_and_spell_out_lists() -> None:
    graph = Graph()
    head = BNode()
    Collection(graph, head, [PERSON])
    graph.add((PAPER, RDF.type, SDO.ScholarlyArticle))
    graph.add((PAPER, BIBO.authorList, head))
    graph.add((PAPER, SDO.name, Literal("Notes")))
    page = page_of(graph, graph)
    rows = Node(PAPER, page).statements()
    assert rows == [
        ("Author list (bibo)", BIBO.authorList, [Node(PERSON, page)]),
        ("Name", SDO.name, [Literal("Notes")]),
    ]


def test_referenced_by_groups_referring_resources_by_predicate_and_skips_terms() -> None:
    graph = Graph()
    graph.add((PAPER, SDO.author, PERSON))
    graph.add((PAPER, SDO.creator, PERSON))
    page = page_of(graph)
    person = Node(PERSON, page)
    assert person.referenced_by() == [
        ("Author", SDO.author, [Node(PAPER, page)]),
        ("Creator", SDO.creator, [Node(PAPER, page)]),
    ]
    assert [row[0] for row in person.referenced_by(skip=["creator"])] == ["Author"]
    assert person.referrers("author") == [Node(PAPER, page)]
    assert person.referrers("author", "Book") == []


def test_focus_marks_the_people_a_page_is_about() -> None:
    page = page_of(Graph(), focus=frozenset({PERSON}))
    assert Node(PERSON, page).is_focus and not Node(PAPER, page).is_focus
