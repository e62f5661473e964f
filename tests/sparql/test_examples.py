"""The shipped example queries: titled, and answered on the seed."""

from __future__ import annotations

from rdflib import Graph

from ldcv.sparql import QueryRequest, Triples, decoded, example_queries, make_engine


def test_example_queries_have_titles_and_answer_on_the_seed(seed_graph: Graph) -> None:
    examples = example_queries()
    assert len(examples) >= 5
    for example in examples:
        assert example.title and not example.title.endswith(".rq")
        outcome = decoded(make_engine("oxigraph", seed_graph).run(QueryRequest(example.text), 1000))
        rows = outcome.triples if isinstance(outcome, Triples) else outcome.rows
        assert rows, f"{example.name} found nothing in the seed"


def test_samek_since_2019_finds_only_recent_papers(seed_graph: Graph) -> None:
    (example,) = [e for e in example_queries() if "samek" in e.name]
    outcome = decoded(make_engine("oxigraph", seed_graph).run(QueryRequest(example.text), 1000))
    years = [int(row[0].value) for row in outcome.rows]
    assert years and min(years) >= 2019
