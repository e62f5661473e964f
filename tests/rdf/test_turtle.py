"""The Turtle writer: what it writes parses back to the same graph, in rdflib's style."""

from __future__ import annotations

import random

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from ldcv.rdf.turtle import PrefixedNames, turtle
from ldcv.rdf.vocabulary import RDF, SDO, XSD, new_graph

EX = Namespace("http://example.org/")


def round_trip(graph: Graph) -> Graph:
    text = turtle(graph)
    parsed = Graph().parse(data=text, format="turtle")
    assert isomorphic(parsed, graph), text
    return parsed


@pytest.mark.slow
def test_the_seed_graph_parses_back_to_itself(seed_graph) -> None:
    round_trip(seed_graph)


@pytest.mark.parametrize(
    "value",
    [
        Literal('quote " and backslash \\ inside'),
        Literal("two\nlines\rand\ta tab"),
        Literal("control \x01 and delete \x7f"),
        Literal("Förderpreis für Promotionsleistungen — ünïcode ✓"),
        Literal("Guten Tag", lang="de-DE"),
        Literal("2019", datatype=XSD.gYear),
        Literal("42", datatype=XSD.integer),
        Literal("x", datatype=URIRef("http://example.org/type#not a local")),
        Literal(""),
        Literal('ends with a quote"'),
    ],
    ids=lambda v: repr(str(v))[:24],
)
def test_literals_keep_their_text_language_and_datatype(value: Literal) -> None:
    graph = new_graph()
    graph.add((EX.thing, SDO.name, value))
    parsed = round_trip(graph)
    assert list(parsed.objects(EX.thing, SDO.name)) == [value]


@pytest.mark.parametrize(
    "iri",
    [
        "http://schema.org/name.",  # a local name may not end with a dot
        "http://schema.org/a/b",
        "http://schema.org/with%20percent",
        "http://schema.org/",
        "https://w3id.org/ldcv/vocab#byline",
    ],
)
def test_iris_are_prefixed_only_where_the_local_name_is_safe(iri: str) -> None:
    graph = new_graph()
    graph.add((EX.thing, SDO.about, URIRef(iri)))
    parsed = round_trip(graph)
    assert list(parsed.objects(EX.thing, SDO.about)) == [URIRef(iri)]


def test_only_the_prefixes_used_are_declared() -> None:
    graph = new_graph()
    graph.add((EX.thing, RDF.type, SDO.Person))
    text = turtle(graph)
    assert "@prefix schema: <http://schema.org/> ." in text
    assert "foaf:" not in text and "bibo:" not in text
    assert "<http://example.org/thing> a schema:Person ." in text


def test_collections_are_written_as_lists_in_order() -> None:
    graph = new_graph()
    head = BNode()
    authors = [EX[f"author{i}"] for i in range(5)]
    Collection(graph, head, authors)
    graph.add((EX.paper, EX.authorList, head))
    text = turtle(graph)
    assert "( " + " ".join(f"<{a}>" for a in authors) + " )" in text
    assert "rdf:first" not in text
    parsed = round_trip(graph)
    (parsed_head,) = parsed.objects(EX.paper, EX.authorList)
    assert list(Collection(parsed, parsed_head)) == authors


def test_lists_of_lists_and_an_empty_list() -> None:
    graph = new_graph()
    inner, outer = BNode(), BNode()
    Collection(graph, inner, [Literal(1), Literal(2)])
    Collection(graph, outer, [inner, EX.last])
    graph.add((EX.thing, EX.nested, outer))
    graph.add((EX.thing, EX.empty, RDF.nil))
    round_trip(graph)


def test_a_list_shared_by_two_subjects_is_written_by_label() -> None:
    graph = new_graph()
    head = BNode()
    Collection(graph, head, [EX.a, EX.b])
    graph.add((EX.first, EX.items, head))
    graph.add((EX.second, EX.items, head))
    text = turtle(graph)
    assert "_:b0" in text
    round_trip(graph)


def test_blank_nodes_used_once_are_inline_and_shared_ones_labelled() -> None:
    graph = new_graph()
    role, shared, unused = BNode(), BNode(), BNode()
    graph.add((EX.person, SDO.hasOccupation, role))
    graph.add((role, SDO.roleName, Literal("Researcher")))
    graph.add((EX.a, SDO.knows, shared))
    graph.add((EX.b, SDO.knows, shared))
    graph.add((shared, SDO.name, Literal("Someone")))
    graph.add((unused, SDO.name, Literal("Nobody links here")))
    graph.add((EX.person, SDO.sameAs, BNode()))  # no description at all
    text = turtle(graph)
    assert '[ schema:roleName "Researcher" ]' in text
    assert "[] schema:name" in text
    assert text.count("_:b0") == 3
    round_trip(graph)


def test_blank_nodes_citing_each_other_in_a_cycle_are_not_lost() -> None:
    graph = new_graph()
    first, second = BNode(), BNode()
    graph.add((first, EX.next, second))
    graph.add((second, EX.next, first))
    graph.add((first, SDO.name, Literal("first")))
    round_trip(graph)


def test_the_same_graph_gives_the_same_bytes_in_any_insertion_order(seed_graph) -> None:
    triples = list(seed_graph)
    expected = turtle(seed_graph)
    random.Random(7).shuffle(triples)
    shuffled = new_graph()
    for triple in triples:
        shuffled.add(triple)
    assert turtle(shuffled) == expected


def test_an_empty_graph_is_empty() -> None:
    assert turtle(new_graph()) == ""


def test_names_kept_for_many_documents_write_each_as_it_is_written_alone() -> None:
    # One prefix bound to two namespaces in two documents: neither borrows the other's names.
    first, second = Graph(bind_namespaces="none"), Graph(bind_namespaces="none")
    first.bind("ex", "http://a.example/")
    second.bind("ex", "http://b.example/")
    for graph in (first, second):
        graph.add((URIRef("http://a.example/x"), SDO.sameAs, URIRef("http://b.example/y")))
    held = PrefixedNames()
    written = [turtle(first, held), turtle(second, held), turtle(first, held)]
    assert written == [turtle(first), turtle(second), turtle(first)]
    assert "ex:x" in written[0] and "<http://b.example/y>" in written[0]
    assert "<http://a.example/x>" in written[1] and "ex:y" in written[1]


def test_a_prefix_tables_names_stop_at_their_bound_and_stay_right_past_it(monkeypatch):
    from ldcv.rdf import turtle

    monkeypatch.setattr(turtle, "NAMES_KEPT", 10)
    names = turtle.PrefixedNames().table((("ex", "http://example.org/"),))
    for n in range(30):
        assert names.iri(f"http://example.org/thing{n}") == (f"ex:thing{n}", "ex")
    assert names.iri("http://elsewhere.org/x") == ("<http://elsewhere.org/x>", None)
    assert len(names._cache) == 10
