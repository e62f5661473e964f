"""Blank nodes are named by their place, so the same description in two graphs is one."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from ldcv.documents.selection import GraphIndex
from ldcv.store.blank_nodes import label_blank_nodes, place_labels

EX = "https://example.org/"
PAPER = URIRef(EX + "paper")
AUTHOR_LIST = URIRef("http://purl.org/ontology/bibo/authorList")
P = URIRef(EX + "p")
Q = URIRef(EX + "q")


def author_list_triples() -> list[tuple]:
    """A paper's author list, with blank-node labels fresh from rdflib."""
    graph = Graph()
    head = BNode()
    graph.add((PAPER, AUTHOR_LIST, head))
    Collection(graph, head, [URIRef(EX + "ada"), URIRef(EX + "grace"), URIRef(EX + "kurt")])
    return list(graph)


def blank_nodes(triples) -> set[BNode]:
    return {term for triple in triples for term in triple if isinstance(term, BNode)}


def test_the_same_list_in_two_graphs_gets_the_same_labels():
    first = label_blank_nodes(EX + "graph/a", author_list_triples())
    second = label_blank_nodes(EX + "graph/b", author_list_triples())

    assert set(first) == set(second)
    assert len(blank_nodes(first)) == 3


def test_labels_are_those_the_documents_give(seed_dataset):
    graph = seed_dataset.graph
    documents = GraphIndex(graph, seed_dataset.base_uri)._bnode_labels()

    store = place_labels(graph)

    assert store == documents
    assert store and all(label is not None for label in store.values())


def test_blank_nodes_sharing_a_path_get_labels_of_their_own():
    x, y = BNode(), BNode()
    triples = [(PAPER, P, x), (PAPER, P, y), (x, Q, Literal("1")), (y, Q, Literal("2"))]

    labelled = label_blank_nodes(EX + "graph/a", triples)

    assert place_labels(triples) == {x: None, y: None}
    assert len(blank_nodes(labelled)) == 2
    assert {o for s, p, o in labelled if p == Q} == {Literal("1"), Literal("2")}


def test_a_blank_node_without_a_place_is_labelled_by_its_graph():
    x = BNode()
    triples = [(x, Q, Literal("same description"))]

    in_a = blank_nodes(label_blank_nodes(EX + "graph/a", triples))
    in_b = blank_nodes(label_blank_nodes(EX + "graph/b", triples))

    assert in_a.isdisjoint(in_b)


def test_labels_without_a_place_do_not_depend_on_the_parser_labels():
    def triples():
        x, y = BNode(), BNode()
        return [(x, Q, Literal("1")), (y, Q, Literal("1")), (x, P, y), (y, P, x)]

    once, again = label_blank_nodes(EX + "g", triples()), label_blank_nodes(EX + "g", triples())

    assert set(once) == set(again)
    assert len(blank_nodes(once)) == 2


def test_a_blank_node_with_two_incoming_triples_or_on_a_cycle_has_no_place():
    shared, first, second = BNode(), BNode(), BNode()
    triples = [
        (PAPER, P, shared),
        (URIRef(EX + "other"), P, shared),
        (first, P, second),
        (second, P, first),
    ]

    assert place_labels(triples) == {shared: None, first: None, second: None}


def test_a_placed_node_below_an_unplaced_one_has_no_place():
    top, below = BNode(), BNode()

    labels = place_labels([(top, RDF.first, below)])

    assert labels == {top: None, below: None}


def test_triples_without_blank_nodes_are_kept_as_they_are():
    triples = [(PAPER, P, Literal("x")), (PAPER, Q, URIRef(EX + "y"))]

    assert label_blank_nodes(EX + "g", triples) == triples


def test_many_copies_of_one_description_without_a_place_get_labels_of_their_own():
    # rdflib's canonical labels take exponential time on graphs like this one.
    triples = []
    for _ in range(200):
        cells = [BNode() for _ in range(3)]
        for cell, following in zip(cells, [*cells[1:], RDF.nil], strict=True):
            triples += [(cell, RDF.first, URIRef(EX + "ada")), (cell, RDF.rest, following)]

    labelled = label_blank_nodes(EX + "g", triples)

    assert len(blank_nodes(labelled)) == 600
    assert len(set(labelled)) == len(triples)
