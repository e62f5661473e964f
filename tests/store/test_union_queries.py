"""SPARQL over the union of a store's CV graphs: counts and dumps, each triple once."""

from __future__ import annotations

import io

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from ldcv.store.union_queries import classes, predicate_counts, write_union


def in_memory(graphs: tuple[Graph, ...]) -> Graph:
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    return union


def test_predicate_counts_count_a_triple_two_graphs_state_once(
    overlapping_cv_graphs, overlapping_cv_store
):
    union = in_memory(overlapping_cv_graphs)
    counts = predicate_counts(overlapping_cv_store)
    assert sum(counts.values()) == len(union) < sum(len(g) for g in overlapping_cv_graphs)
    expected: dict[str, int] = {}
    for _, predicate, _ in union:
        expected[str(predicate)] = expected.get(str(predicate), 0) + 1
    assert counts == expected


def test_classes_are_the_objects_of_rdf_type(overlapping_cv_graphs, overlapping_cv_store):
    union = in_memory(overlapping_cv_graphs)
    type_ = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert classes(overlapping_cv_store) == {str(c) for c in union.objects(None, type_)}


def test_the_records_graph_is_not_counted_or_dumped():
    store = ox.Store()
    data, records = (ox.NamedNode(f"urn:test:{n}") for n in ("data", "records"))
    store.add(ox.Quad(data, data, data, data))
    store.add(ox.Quad(records, records, records, ox.NamedNode("urn:ldcv:store")))
    assert predicate_counts(store) == {"urn:test:data": 1}
    output = io.BytesIO()
    write_union(store, output, ox.RdfFormat.N_TRIPLES)
    assert output.getvalue() == b"<urn:test:data> <urn:test:data> <urn:test:data> .\n"


def test_a_store_that_keeps_the_merge_is_counted_and_dumped_from_its_default_graph():
    store = ox.Store()
    data, merged, kind = (ox.NamedNode(f"urn:test:{n}") for n in ("data", "merged", "Kind"))
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store.add(ox.Quad(data, data, data, data))
    store.add(ox.Quad(merged, merged, merged))  # the default graph: the merge
    store.add(ox.Quad(merged, rdf_type, kind))
    assert predicate_counts(store) == {"urn:test:merged": 1, str(rdf_type.value): 1}
    assert classes(store) == {"urn:test:Kind"}
    output = io.BytesIO()
    write_union(store, output, ox.RdfFormat.TURTLE, prefixes={"t": "urn:test:"})
    parsed = Graph().parse(data=output.getvalue(), format="turtle")
    assert set(parsed) == {
        (URIRef("urn:test:merged"),) * 3,
        (URIRef("urn:test:merged"), URIRef(rdf_type.value), URIRef("urn:test:Kind")),
    }


def test_the_dump_holds_the_union_each_triple_once_in_every_format(
    overlapping_cv_graphs, overlapping_cv_store
):
    union = in_memory(overlapping_cv_graphs)
    lines = io.BytesIO()
    write_union(overlapping_cv_store, lines, ox.RdfFormat.N_TRIPLES)
    ntriples = lines.getvalue().decode()
    assert len(ntriples.splitlines()) == len(union)
    assert isomorphic(Graph().parse(data=ntriples, format="nt"), union)
    turtle = io.BytesIO()
    prefixes = {"schema": "http://schema.org/"}
    write_union(overlapping_cv_store, turtle, ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert turtle.getvalue().startswith(b"@prefix schema: <http://schema.org/> .")
    assert isomorphic(Graph().parse(data=turtle.getvalue(), format="turtle"), union)


def test_the_dump_comes_in_the_same_order_every_time(overlapping_cv_store):
    outputs = []
    for _ in range(2):
        output = io.BytesIO()
        write_union(overlapping_cv_store, output, ox.RdfFormat.N_TRIPLES)
        outputs.append(output.getvalue())
    assert outputs[0] == outputs[1]
