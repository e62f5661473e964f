"""The union of a store's CV graphs, read through rdflib: each triple once, records skipped."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection

from ldcv.rdf.vocabulary import BIBO, RDF, SDO
from ldcv.store.rdflib_view import UnionView, union_graph

BASE = "http://cv.example.org"
PAPER = URIRef(f"{BASE}/id/publication/babbage-1844-script")
ADA = URIRef(f"{BASE}/id/person/ada-lovelace")


def in_memory(graphs: tuple[Graph, ...]) -> Graph:
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    return union


def patterns(graph: Graph) -> list[tuple]:
    s, p, o = next(iter(graph.triples((PAPER, BIBO.authorList, None))))
    return [
        (s, None, None), (None, p, None), (None, None, o), (s, p, None),
        (s, None, o), (None, p, o), (s, p, o), (None, None, None),
        (ADA, None, None), (None, None, ADA), (None, RDF.type, None), (o, None, None),
    ]  # fmt: skip


def test_the_two_graphs_state_some_triples_alike(overlapping_cv_graphs):
    first, second = overlapping_cv_graphs
    shared = set(first) & set(second)
    assert (PAPER, SDO.name, Literal("On a Script for the Engine")) in shared
    assert any(p == RDF.first for _, p, _ in shared)  # the author list's cells


def test_every_pattern_answers_the_union_each_triple_once(
    overlapping_cv_graphs, overlapping_cv_store
):
    view = union_graph(overlapping_cv_store)
    union = in_memory(overlapping_cv_graphs)
    for pattern in patterns(union):
        answered = list(view.triples(pattern))
        assert len(answered) == len(set(answered)), pattern
        assert set(answered) == set(union.triples(pattern)), pattern


def test_the_size_counts_a_triple_two_graphs_state_once(
    overlapping_cv_graphs, overlapping_cv_store
):
    first, second = overlapping_cv_graphs
    assert len(union_graph(overlapping_cv_store)) == len(in_memory(overlapping_cv_graphs))
    assert len(in_memory(overlapping_cv_graphs)) < len(first) + len(second)


def test_the_records_graph_is_not_data():
    store = ox.Store()
    data, records, other = (ox.NamedNode(f"urn:test:{n}") for n in ("data", "records", "other"))
    store.add(ox.Quad(data, data, data, data))
    store.add(ox.Quad(records, records, records, ox.NamedNode("urn:ldcv:store")))
    store.add(ox.Quad(other, other, other, records))

    assert set(union_graph(store)) == {
        (URIRef("urn:test:data"),) * 3,
        (URIRef("urn:test:other"),) * 3,
    }
    assert set(union_graph(store, records_graph="urn:test:records")) == {
        (URIRef("urn:test:data"),) * 3,
        (URIRef("urn:test:records"),) * 3,
    }
    assert len(union_graph(store)) == 2


def test_a_store_that_keeps_the_merge_is_read_from_its_default_graph_only():
    store = ox.Store()
    data, merged = ox.NamedNode("urn:test:data"), ox.NamedNode("urn:test:merged")
    store.add(ox.Quad(data, data, data, data))
    store.add(ox.Quad(merged, merged, merged))  # the default graph: the merge

    assert set(union_graph(store)) == {(URIRef("urn:test:merged"),) * 3}
    assert len(union_graph(store)) == 1


def test_pages_read_objects_subjects_referrers_and_lists(
    overlapping_cv_graphs, overlapping_cv_store
):
    view, union = union_graph(overlapping_cv_store), in_memory(overlapping_cv_graphs)
    assert set(view.objects(PAPER, SDO.author)) == set(union.objects(PAPER, SDO.author))
    assert set(view.subjects(SDO.author, ADA)) == set(union.subjects(SDO.author, ADA))
    assert sorted(view.subject_predicates(ADA)) == sorted(union.subject_predicates(ADA))
    head = view.value(PAPER, BIBO.authorList)
    assert list(Collection(view, head)) == [URIRef(f"{BASE}/id/person/charles-babbage"), ADA]
    assert (PAPER, None, None) in view
    assert (URIRef(f"{BASE}/id/person/nobody"), None, None) not in view


def test_the_view_is_read_only(overlapping_cv_store):
    view = union_graph(overlapping_cv_store)
    before = len(overlapping_cv_store)
    with pytest.raises(TypeError):
        view.add((ADA, SDO.name, Literal("Ada")))
    with pytest.raises(TypeError):
        view.remove((ADA, None, None))
    with pytest.raises(TypeError):
        view.store.addN([(ADA, SDO.name, Literal("Ada"), view)])
    assert len(overlapping_cv_store) == before


def test_the_prefixes_are_ours_and_stay_so(overlapping_cv_store):
    view = union_graph(overlapping_cv_store)
    assert dict(view.namespaces())["schema"] == URIRef(str(SDO))
    view.bind("schema", "https://schema.org/")  # rdflib's default: ignored
    assert view.namespace_manager.compute_qname(str(SDO.name)) == (
        "schema",
        URIRef(str(SDO)),
        "name",
    )
    assert isinstance(view.store, UnionView)
