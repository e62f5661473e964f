"""``/sparql`` over a remote store: what is refused is refused before anything is forwarded.

The store here is unreachable: a query that got as far as forwarding would fail with 503,
so a 403 or a 400 shows that nothing was sent.
"""

from __future__ import annotations

import pytest

from ldcv.sparql.errors import QueryRefused, QuerySyntaxError
from ldcv.sparql.outcomes import QueryRequest
from ldcv.sparql.remote_engine import RemoteQueries, StoreDown
from ldcv.store.sparql_protocol import SparqlClient

UNREACHABLE = SparqlClient("http://127.0.0.1:9/query")


@pytest.fixture
def queries() -> RemoteQueries:
    return RemoteQueries(UNREACHABLE, {}, size=1, max_rows=10, timeout=1.0)


def ask(queries: RemoteQueries, text: str):
    return queries.run(QueryRequest(text, base_iri="http://127.0.0.1/sparql"), timeout=1.0)


def test_service_is_refused_before_forwarding(queries) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        ask(queries, "SELECT * WHERE { SERVICE <http://elsewhere.example/sparql> { ?s ?p ?o } }")


@pytest.mark.parametrize(
    "text",
    [
        "LOAD <http://elsewhere.example/data.ttl>",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DROP ALL",
        "SELECT * WHERE { ?s ?p }",
    ],
)
def test_anything_but_a_query_is_a_syntax_error_before_forwarding(queries, text: str) -> None:
    with pytest.raises(QuerySyntaxError):
        ask(queries, text)


def test_a_query_the_store_cannot_answer_is_503(queries) -> None:
    with pytest.raises(StoreDown) as raised:
        ask(queries, "SELECT * FROM <http://elsewhere.example/g> WHERE { ?s ?p ?o }")
    assert raised.value.status == 503
