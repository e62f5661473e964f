"""``ldcv query`` without a server: tables for the terminal and the result formats."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef

from ldcv.sparql import run_local

SCHEMA = "http://schema.org/"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


def test_run_local_table_is_aligned(seed_graph: Graph) -> None:
    text = run_local(seed_graph, f"SELECT ?n {{ ?p <{SCHEMA}familyName> ?n }} ORDER BY ?n LIMIT 3")
    lines = text.splitlines()
    assert lines[0] == "?n" and set(lines[1]) == {"-"} and lines[-1] == "(3 rows)"
    assert len(lines) == 6


@pytest.mark.parametrize("output", ["json", "csv", "tsv"])
def test_run_local_writes_result_formats(seed_graph: Graph, output: str) -> None:
    text = run_local(seed_graph, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", output)
    count = str(len(seed_graph))
    if output == "json":
        assert json.loads(text)["results"]["bindings"][0]["n"]["value"] == count
    else:
        assert text.splitlines()[1].strip() == count


def test_run_local_turtle_for_construct(seed_graph: Graph) -> None:
    query = f"CONSTRUCT {{ ?s <{SCHEMA}name> ?n }} WHERE {{ ?s <{SCHEMA}familyName> ?n }}"
    graph = Graph().parse(data=run_local(seed_graph, query, "turtle"), format="turtle")
    assert len(graph) == len(set(seed_graph.subject_objects(URIRef(SCHEMA + "familyName"))))


def test_run_local_refuses_turtle_for_select(seed_graph: Graph) -> None:
    with pytest.raises(Exception, match="CONSTRUCT or DESCRIBE"):
        run_local(seed_graph, COUNT_ALL, "turtle")
