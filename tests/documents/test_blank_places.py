"""Blank nodes named by their place, one node at a time (``ldcv.documents.blank_places``)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from ldcv.documents.blank_places import PlaceLabels
from ldcv.documents.selection import GraphIndex

EX = "https://example.org/"
PAPER = URIRef(EX + "paper")
P, Q = URIRef(EX + "p"), URIRef(EX + "q")
AUTHOR_LIST = URIRef("http://purl.org/ontology/bibo/authorList")


def labels_of(triples) -> PlaceLabels:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return GraphIndex(graph, EX).place_labels()


def author_list(labels: list[str]) -> list[tuple]:
    graph = Graph()
    head = BNode(labels[0])
    graph.add((PAPER, AUTHOR_LIST, head))
    Collection(graph, head, [URIRef(EX + n) for n in ("ada", "grace", "kurt")])
    return list(graph)


def test_a_list_is_named_by_its_owner_and_the_steps_to_each_cell_whatever_its_labels():
    first = author_list(["a"])
    second = author_list(["b"])  # the same list, parsed again: other labels
    label = lambda triples: {  # noqa: E731
        labels_of(triples).label(b) for t in triples for b in t if isinstance(b, BNode)
    }
    assert label(first) == label(second)
    assert len(label(first)) == 3 and None not in label(first)


def test_two_blank_objects_through_one_predicate_have_no_place():
    x, y = BNode(), BNode()
    labels = labels_of([(PAPER, P, x), (PAPER, P, y), (x, Q, Literal("1")), (y, Q, Literal("2"))])
    assert (labels.label(x), labels.label(y)) == (None, None)


def test_a_node_below_one_of_two_look_alikes_keeps_its_place_if_the_other_has_no_such_child():
    # The whole-graph pass named such a node (its path is unique); so does this one.
    x, y, child = BNode(), BNode(), BNode()
    labels = labels_of(
        [(PAPER, P, x), (PAPER, P, y), (x, Q, child), (child, Q, Literal("1")), (y, P, PAPER)]
    )
    assert labels.label(x) is None and labels.label(y) is None
    assert labels.label(child) is not None


def test_children_of_look_alikes_through_the_same_predicate_have_no_place():
    x, y, a, b = BNode(), BNode(), BNode(), BNode()
    labels = labels_of([(PAPER, P, x), (PAPER, P, y), (x, Q, a), (y, Q, b)])
    assert (labels.label(a), labels.label(b)) == (None, None)


def test_a_node_with_two_incoming_triples_and_what_hangs_below_it_have_no_place():
    x, child = BNode(), BNode()
    labels = labels_of([(PAPER, P, x), (URIRef(EX + "other"), P, x), (x, Q, child)])
    assert labels.label(x) is None and labels.label(child) is None


def test_a_blank_node_nothing_points_at_and_a_cycle_have_no_place():
    root, a, b = BNode(), BNode(), BNode()
    labels = labels_of([(root, P, Literal("1")), (a, P, b), (b, P, a)])
    assert labels.label(root) is None
    assert (labels.label(a), labels.label(b)) == (None, None)


def test_labels_are_the_same_asked_in_any_order():
    triples = author_list(["c"])
    blank = sorted({b for t in triples for b in t if isinstance(b, BNode)})
    forward = [labels_of(triples).label(b) for b in blank]
    backward = [labels_of(triples).label(b) for b in reversed(blank)][::-1]
    assert forward == backward


def test_the_index_names_every_blank_node_of_the_seed_by_place(seed_dataset):
    labels = GraphIndex(seed_dataset.graph, seed_dataset.base_uri)._bnode_labels()
    assert labels and None not in labels.values()
    assert len(set(labels.values())) == len(labels)


def test_labels_agree_with_the_whole_graph_pass_on_random_graphs():
    import random

    from ldcv.store.blank_nodes import place_labels

    rng = random.Random(11)
    for _ in range(200):
        nodes = [URIRef(EX + "a"), URIRef(EX + "b"), *(BNode() for _ in range(6))]
        triples = {
            (rng.choice(nodes), rng.choice((P, Q)), rng.choice([*nodes, Literal("x")]))
            for _ in range(rng.randint(3, 12))
        }
        expected = place_labels(triples)
        labels = labels_of(triples)
        assert {b: labels.label(b) for b in expected} == expected, triples
