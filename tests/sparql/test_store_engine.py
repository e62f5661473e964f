"""The store engine: the same answers as the in-memory engine, from the CV graphs only."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset as RdfDataset

from ldcv.pipeline import Dataset
from ldcv.sparql import (
    Boolean,
    QueryRefused,
    QueryRequest,
    QuerySyntaxError,
    Solutions,
    StoreEngine,
    Term,
    Triples,
    answer,
    decoded,
    example_queries,
    make_engine,
)
from ldcv.store.records import RECORDS_GRAPH

SCHEMA = "PREFIX schema: <http://schema.org/>\n"
ADA_GRAPH = "https://example.org/doc/person/ada-lovelace"
CHARLES_GRAPH = "https://example.org/doc/person/charles-babbage"
SHARED_TITLE = SCHEMA + 'SELECT ?work { ?work schema:name "On engines" }'
SAME_ANSWERS = [
    SCHEMA + "SELECT DISTINCT ?work ?title { ?work a schema:ScholarlyArticle; schema:name ?title }",
    SCHEMA + "SELECT ?person (COUNT(DISTINCT ?work) AS ?n) "
    "{ ?work schema:author ?person } GROUP BY ?person",
    "SELECT DISTINCT ?s ?p ?o { ?s ?p ?o }",
    "SELECT DISTINCT ?g ?s { GRAPH ?g { ?s a <http://schema.org/Person> } }",
    "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
    f"SELECT DISTINCT ?s ?p ?o {{ GRAPH <{ADA_GRAPH}> {{ ?s ?p ?o }} }}",
    f"SELECT DISTINCT ?s ?p ?o FROM <{CHARLES_GRAPH}> {{ ?s ?p ?o }}",
    f"SELECT DISTINCT ?g ?s FROM NAMED <{ADA_GRAPH}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    SCHEMA + 'ASK { ?work schema:name "On the difference engine" }',
    SCHEMA + 'ASK { ?work schema:name "On nothing" }',
    SCHEMA + "CONSTRUCT { ?work schema:name ?title } WHERE { ?work schema:name ?title }",
    SCHEMA + 'DESCRIBE ?work WHERE { ?work schema:name "On engines" }',
]
HIDDEN = [
    "SELECT ?g { GRAPH ?g { } }",
    "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
    f"SELECT * FROM <{RECORDS_GRAPH}> {{ ?s ?p ?o }}",
    "PREFIX ldcv: <urn:ldcv:> SELECT * FROM ldcv:store { ?s ?p ?o }",
    f"SELECT * FROM NAMED <{RECORDS_GRAPH}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    f"SELECT * {{ GRAPH <{RECORDS_GRAPH}> {{ ?s ?p ?o }} }}",
    "SELECT * { ?s <urn:ldcv:store:source> ?o }",
    f"SELECT * {{ <{ADA_GRAPH}> ?p ?o FILTER (STRSTARTS(STR(?p), 'urn:ldcv')) }}",
]


def comparable(outcome):
    """An answer as a set of rows, blank nodes alike (each engine labels its own)."""
    outcome = decoded(outcome)
    if isinstance(outcome, Boolean):
        return outcome.value

    def plain(term: Term | None) -> Term | None:
        return Term("bnode", "_") if term is not None and term.kind == "bnode" else term

    rows = outcome.rows if isinstance(outcome, Solutions) else outcome.triples
    assert not getattr(outcome, "truncated", False)
    return {tuple(plain(term) for term in row) for row in rows}


def graph_iris(outcome) -> set[str]:
    """The graph names a SELECT answer shows, and every other IRI it shows."""
    return {term.value for row in decoded(outcome).rows for term in row if term is not None}


@pytest.fixture(scope="module")
def store_engine(overlapping_snapshot_path: Path) -> StoreEngine:
    return StoreEngine.open(overlapping_snapshot_path)


@pytest.fixture(scope="module")
def merged_engine(overlapping_merged_path: Path) -> StoreEngine:
    return StoreEngine.open(overlapping_merged_path)


@pytest.fixture(scope="module")
def in_memory_engine(overlapping_in_memory: RdfDataset):
    return make_engine("oxigraph", overlapping_in_memory)


@pytest.mark.parametrize("query", SAME_ANSWERS)
@pytest.mark.parametrize("layout", ["graphs", "merged"])
def test_the_store_answers_as_the_prepared_graph_in_memory(
    query: str, layout: str, store_engine, merged_engine, in_memory_engine
) -> None:
    engine = store_engine if layout == "graphs" else merged_engine
    request = QueryRequest(query)

    expected = comparable(in_memory_engine.run(request, 10_000))
    assert comparable(engine.run(request, 10_000)) == expected
    assert expected not in (set(), False) or "nothing" in query


@pytest.mark.parametrize("query", HIDDEN)
def test_the_stores_own_graphs_are_invisible(query: str, store_engine: StoreEngine) -> None:
    seen = graph_iris(store_engine.run(QueryRequest(query), 10_000))
    assert not any(iri.startswith("urn:ldcv:store") for iri in seen)
    assert not any(iri.endswith(".yaml") for iri in seen)


def test_graph_lists_exactly_the_cv_graphs(store_engine: StoreEngine) -> None:
    outcome = store_engine.run(QueryRequest("SELECT ?g { GRAPH ?g { } }"), 100)
    assert graph_iris(outcome) == {ADA_GRAPH, CHARLES_GRAPH}


def test_the_records_graph_named_by_the_protocol_is_an_empty_graph(store_engine) -> None:
    request = QueryRequest(
        "SELECT * { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
        default_graphs=(RECORDS_GRAPH,),
        named_graphs=(RECORDS_GRAPH,),
    )
    assert decoded(store_engine.run(request, 100)).rows == []


def test_the_protocol_selects_cv_graphs(store_engine: StoreEngine) -> None:
    request = QueryRequest("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", default_graphs=(ADA_GRAPH,))
    (row,) = decoded(store_engine.run(request, 100)).rows
    assert int(row[0].value) == store_engine.records[ADA_GRAPH].details["triples"]


def test_a_shared_triple_counts_once_where_the_store_keeps_the_merge(merged_engine) -> None:
    assert len(decoded(merged_engine.run(QueryRequest(SHARED_TITLE), 100)).rows) == 1


def test_a_shared_triple_counts_once_in_the_default_graph(store_engine) -> None:
    assert len(decoded(store_engine.run(QueryRequest(SHARED_TITLE), 100)).rows) == 1


@pytest.mark.parametrize("layout", ["graphs", "merged"])
def test_sizes_count_each_triple_once_and_each_cv_graph(
    layout: str, store_engine, merged_engine, overlapping_prepared: Dataset
) -> None:
    engine = store_engine if layout == "graphs" else merged_engine
    default, named = engine.sizes()

    assert default == len(overlapping_prepared.graph)
    assert set(named) == {ADA_GRAPH, CHARLES_GRAPH}
    assert sum(named.values()) > default  # the shared paper is in both


def test_a_store_the_indexer_wrote_keeps_the_merge(store_engine, merged_engine) -> None:
    assert (store_engine.merged, merged_engine.merged) == (True, True)


def test_service_is_refused_before_the_store_is_read(store_engine: StoreEngine) -> None:
    with pytest.raises(QueryRefused):
        store_engine.run(QueryRequest("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"), 10)


@pytest.mark.parametrize("query", ["INSERT DATA { <a:s> <a:p> <a:o> }", "SELECT * FROM <a:g> {"])
def test_updates_and_broken_queries_are_syntax_errors(query: str, store_engine) -> None:
    with pytest.raises(QuerySyntaxError):
        store_engine.run(QueryRequest(query), 10)


def test_answers_leave_as_bytes_for_the_rust_writers(store_engine: StoreEngine) -> None:
    request = QueryRequest(SAME_ANSWERS[0], accept="text/csv")
    reply = answer(store_engine, request, 1)

    assert reply.media_type == "text/csv" and reply.truncated
    assert len(reply.body.splitlines()) == 2
    triples = store_engine.run(QueryRequest(SAME_ANSWERS[-2]), 10, encoded=True)
    assert not isinstance(triples, Triples) and triples.ntriples


@pytest.mark.parametrize("example", example_queries(), ids=lambda e: e.name)
def test_the_examples_answer_from_the_seeds_store_as_in_memory(
    example, seed_store_directory, seed_dataset: Dataset
) -> None:
    request = QueryRequest(example.text)
    with seed_store_directory.open_snapshot() as snapshot:
        stored = comparable(StoreEngine(snapshot.store, snapshot.records).run(request, 10_000))
    expected = comparable(make_engine("oxigraph", seed_dataset.graph).run(request, 10_000))
    assert stored == expected and expected


def _example(stem: str) -> str:
    (found,) = [e.text for e in example_queries() if e.name.startswith(stem)]
    return found


def test_publications_by_year_lists_one_owners_works_among_several(store_engine) -> None:
    rows = decoded(store_engine.run(QueryRequest(_example("1-")), 100)).rows
    # Ada is the first owner by IRI; Charles's difference engine is his alone.
    assert [row[2].value for row in rows] == ["https://example.org/id/publication/engines"]


def test_coauthors_are_one_owners_among_several(store_engine) -> None:
    rows = decoded(store_engine.run(QueryRequest(_example("2-")), 100)).rows
    assert {row[0].value for row in rows} == {
        "https://example.org/id/person/charles-babbage",
        "https://example.org/id/person/klaus-robert-mueller",
    }
