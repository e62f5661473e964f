"""Reading a SPARQL Protocol operation from a WSGI environ (``ldcv.sparql.protocol``).

The W3C suite in ``tests/server/test_sparql_protocol_suite.py`` runs these rules over HTTP;
here each rule is checked on the environ alone, with werkzeug building the environ a server
would.
"""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder

from ldcv.sparql import Operation, ProtocolError, read_operation

LIMIT = 1024


def _read(**request: object) -> Operation:
    return read_operation(EnvironBuilder(path="/sparql", **request).get_environ(), LIMIT)


def test_get_reads_the_query_and_the_protocol_dataset() -> None:
    operation = _read(
        query_string=[("query", "ASK { ?s ?p \"é\" }"), ("default-graph-uri", "urn:a"),
                      ("named-graph-uri", "urn:b"), ("named-graph-uri", "urn:c"),
                      ("format", "json")]
    )  # fmt: skip
    assert operation == Operation('ASK { ?s ?p "é" }', ("urn:a",), ("urn:b", "urn:c"))


def test_no_query_is_an_operation_without_one() -> None:
    assert _read().query is None


def test_post_form_and_direct_bodies_carry_the_query() -> None:
    form = _read(method="POST", data={"query": "ASK {}", "default-graph-uri": "urn:a"})
    assert form == Operation("ASK {}", ("urn:a",))
    direct = _read(method="POST", data=b"ASK {}", content_type="application/sparql-query")
    assert direct.query == "ASK {}"


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        ({"query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ({"query_string": [("update", "CLEAR ALL")]}, 403),
        ({"method": "POST", "data": "CLEAR ALL", "content_type": "application/sparql-update"},
         403),
        ({"method": "POST", "data": {"update": "CLEAR ALL"}}, 403),
        ({"method": "POST", "data": "ASK {}" + " " * LIMIT,
          "content_type": "application/sparql-query"}, 413),
        ({"query_string": [("query", "ASK {}" + "#" * LIMIT)]}, 414),
        ({"method": "POST", "data": "ASK {}", "content_type": "text/plain"}, 415),
        ({"method": "POST", "data": "ASK {}",
          "content_type": "application/sparql-query; charset=latin-1"}, 415),
        ({"method": "POST", "data": b"ASK { \xff }",
          "content_type": "application/sparql-query"}, 400),
    ],
)  # fmt: skip
def test_requests_the_protocol_forbids_get_their_status(
    request_args: dict[str, object], status: int
) -> None:
    with pytest.raises(ProtocolError) as caught:
        _read(**request_args)
    assert caught.value.status == status and caught.value.message
