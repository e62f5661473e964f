"""The SPARQL protocol client: what it sends, and how each way of failing reaches its caller."""

from __future__ import annotations

import random
import threading
import time
from urllib.parse import parse_qs, urlencode

import pytest
from werkzeug.wrappers import Request, Response

from ldcv.errors import LdcvError
from ldcv.store.sparql_protocol import SparqlClient, StoreRefused, StoreUnavailable, form_body

UNREACHABLE = "http://127.0.0.1:9/query"  # the discard port: nothing listens there


def engine(answer):
    """A WSGI app answering every request with ``answer(request)`` (a werkzeug Response)."""

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        return answer(Request(environ))(environ, start_response)

    return app


def test_a_query_is_posted_form_encoded_with_the_protocols_dataset(start_server) -> None:
    seen = {}

    def answer(request: Request) -> Response:
        seen.update(type=request.content_type, form=parse_qs(request.get_data(as_text=True)))
        return Response(
            b'{"head":{},"boolean":true}', content_type="application/sparql-results+json"
        )

    with start_server.app(lambda base: engine(answer)) as live:
        client = SparqlClient(live.url("/query"))
        got = client.query("ASK {}", ["urn:g:1", "urn:g:2"], ["urn:g:3"])

    assert got.media_type == "application/sparql-results+json"
    assert seen["type"] == "application/x-www-form-urlencoded"
    assert seen["form"] == {
        "query": ["ASK {}"],
        "default-graph-uri": ["urn:g:1", "urn:g:2"],
        "named-graph-uri": ["urn:g:3"],
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        'SELECT ?s WHERE { ?s <http://schema.org/name> "100% + 50%"@de } # a+b c%2B',
        'FILTER (CONTAINS(LCASE(?t), "m\u00fcller \u00e9t\u00e9 \U0001d11e \u4e2d"))',
        "".join(chr(c) for c in range(128)),
    ],
)
def test_a_form_body_is_what_urlencode_makes(text) -> None:
    fields = [("query", text), ("default-graph-uri", "urn:g:1?a=b&c=d")]
    assert form_body(fields) == urlencode(fields).encode("ascii")


def test_a_form_body_of_any_characters_is_what_urlencode_makes() -> None:
    draw = random.Random(7)
    alphabet = [chr(c) for c in range(0x250)] + ["\u20ac", "\u4e2d", "\U0001f600", "%", "+"]
    for _ in range(500):
        text = "".join(draw.choice(alphabet) for _ in range(draw.randint(0, 60)))
        assert form_body([("query", text)]) == urlencode([("query", text)]).encode("ascii")


def test_an_update_is_posted_as_sparql_update(start_server) -> None:
    seen = {}

    def answer(request: Request) -> Response:
        seen.update(type=request.mimetype, body=request.get_data(as_text=True))
        return Response(status=204)

    with start_server.app(lambda base: engine(answer)) as live:
        SparqlClient(live.url("/query"), live.url("/update")).update("DROP SILENT GRAPH <urn:g>")

    assert seen == {"type": "application/sparql-update", "body": "DROP SILENT GRAPH <urn:g>"}


def test_a_server_error_is_unavailable_and_a_client_error_refused(start_server) -> None:
    statuses = iter([503, 400])

    def answer(request: Request) -> Response:
        return Response("the reason", status=next(statuses))

    with start_server.app(lambda base: engine(answer)) as live:
        client = SparqlClient(live.url("/query"))
        with pytest.raises(StoreUnavailable, match="503: the reason"):
            client.query("ASK {}")
        with pytest.raises(StoreRefused, match="400"):
            client.query("ASK {}")


def test_an_unreachable_store_is_unavailable_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match=r"127\.0\.0\.1:9"):
        SparqlClient(UNREACHABLE, timeout=5).query("ASK {}")
    assert time.monotonic() - started < 2


def test_a_store_that_does_not_answer_costs_no_more_than_the_timeout(start_server) -> None:
    release = threading.Event()

    def answer(request: Request) -> Response:
        release.wait(10)
        return Response("late")

    with start_server.app(lambda base: engine(answer)) as live:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match=r"no answer within 0\.5 s"):
            SparqlClient(live.url("/query"), timeout=0.5).query("ASK {}")
        waited = time.monotonic() - started
        release.set()
    assert 0.4 < waited < 2


def test_a_connection_the_store_closed_is_opened_again(start_server) -> None:
    def answer(request: Request) -> Response:
        response = Response(b'{"head":{},"boolean":true}')
        response.headers["Connection"] = "close"
        return response

    with start_server.app(lambda base: engine(answer)) as live:
        client = SparqlClient(live.url("/query"))
        assert [client.query("ASK {}").body for _ in range(3)] == [
            b'{"head":{},"boolean":true}'
        ] * 3


def test_only_http_endpoints_are_accepted() -> None:
    with pytest.raises(LdcvError, match="http:// or https://"):
        SparqlClient("file:///etc/passwd")
    with pytest.raises(LdcvError, match="no update endpoint"):
        SparqlClient("http://127.0.0.1:9/query").update("CLEAR ALL")
