"""Reading the query text: SERVICE is found wherever it is a keyword, SELECT * column order."""

from __future__ import annotations

import pytest

from ldcv.sparql.errors import QuerySyntaxError
from ldcv.sparql.scan import (
    DatasetClauses,
    answers_with_a_graph,
    column_order,
    dataset_clause,
    names_a_graph,
    uses_service,
    without_dataset_clause,
)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
        "select * { service silent <http://x/> { ?s ?p ?o } }",
        "SELECT * {?s ?p ?o}SERVICE<http://x/>{?s ?p ?o}",
        "SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o . # comment\nSERVICE ?x { ?s ?p ?o } }",
        'SELECT * { FILTER(?a < 1) SERVICE <http://x/> { } "x" }',
    ],
)
def test_service_keyword_is_found(query: str) -> None:
    assert uses_service(query)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/>" }',
        "SELECT * { ?s ?p '''a\nSERVICE''' }",
        "SELECT * { ?s <http://example.org/SERVICE> ?o }",
        "SELECT ?service { ?service a ?type }",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:SERVICE ?o }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://x/>",
    ],
)
def test_service_in_strings_iris_names_and_comments_is_not_refused(query: str) -> None:
    assert not uses_service(query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * { ?b ?c ?a }", ["b", "c", "a"]),
        ("SELECT DISTINCT * { ?z <urn:p> ?y # ?a\n}", ["z", "y", "a"]),
        ('SELECT * { ?x <urn:p> "?w" ; <urn:q> ?v }', ["x", "v", "w"]),
    ],
)
def test_select_star_columns_follow_first_appearance(query: str, expected: list[str]) -> None:
    assert column_order(query, sorted(expected)) == expected


def test_a_projection_keeps_its_own_column_order() -> None:
    assert column_order("SELECT ?c ?a { ?a ?b ?c }", ["c", "a"]) == ["c", "a"]


# -- what a query forwarded to a remote store goes without ---------------------------------


def test_the_dataset_clause_is_removed_and_nothing_else():
    query = (
        "PREFIX g: <urn:g#>\nSELECT ?from FROM <urn:ldcv:store> from named g:x FROM NAMED :y\n"
        '# FROM <urn:comment>\nWHERE { ?s <urn:from> "FROM <urn:string>" ; ?p ?from }'
    )
    kept = without_dataset_clause(query)

    assert "urn:ldcv:store" not in kept and "g:x" not in kept and ":y" not in kept
    assert kept.count("FROM <urn:") == 2  # the comment's and the string's
    assert "?from" in kept and "<urn:from>" in kept and kept.startswith("PREFIX g: <urn:g#>")
    assert without_dataset_clause("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"


def test_a_graph_answer_is_told_from_the_query_form():
    assert answers_with_a_graph("PREFIX s: <http://schema.org/> DESCRIBE ?x WHERE { ?x a s:X }")
    assert answers_with_a_graph("construct where { ?s ?p ?o }")
    assert not answers_with_a_graph('SELECT * WHERE { ?s ?p "CONSTRUCT" } # DESCRIBE')
    assert not answers_with_a_graph("SELECT ?describe WHERE { ?describe ?p ?o }")


def test_a_graph_pattern_is_found_outside_iris_strings_and_comments():
    assert names_a_graph("SELECT ?g { GRAPH ?g { ?s ?p ?o } }")
    assert names_a_graph("select * { graph<http://x/>{ ?s ?p ?o } }")
    assert names_a_graph("SELECT * { \\u0047RAPH ?g { ?s ?p ?o } }")
    assert not names_a_graph('SELECT * { ?s <http://x/GRAPH> "GRAPH" } # GRAPH ?g')
    assert not names_a_graph("PREFIX graph: <http://x/> SELECT ?graph { ?graph graph:p ?o }")


def test_an_engines_dataset_clauses_answer_as_the_parse_and_keep_only_the_latest() -> None:
    clauses = DatasetClauses(limit=2)
    queries = [f"SELECT * FROM <http://example.org/g{n}> {{ ?s ?p ?o }}" for n in range(3)]
    for query in queries:
        assert clauses.of(query) == dataset_clause(query) == ((query[15:36],), ())
    assert clauses.of("SELECT * FROM NAMED <g> { }", "http://example.org/") == (
        (),
        ("http://example.org/g",),
    )
    assert len(clauses) == 2


def test_a_query_that_does_not_parse_is_refused_every_time_it_comes() -> None:
    clauses = DatasetClauses()
    for _ in range(2):
        with pytest.raises(QuerySyntaxError):
            clauses.of("SELECT * FROM <http://example.org/g> { ?s ?p")
    assert len(clauses) == 0
