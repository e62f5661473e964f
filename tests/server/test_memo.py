"""The response memo (``ldcv.server.memo``): repeated requests replayed byte for byte
without running Flask, forgotten when the catalog is replaced."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

from rdflib import Literal, URIRef

from ldcv.rdf.vocabulary import SDO

PAPER_DOC = "/doc/publication/lovelace-1843-notes"


def _counting_app(make_fixture_app, base: str = "http://cv.example.org"):
    """The fixture app, and the list of paths for which Flask itself ran."""
    app = make_fixture_app(base)
    memo = app.wsgi_app
    flask_app, ran = memo.app, []

    def counting(environ, start_response):
        ran.append(environ["PATH_INFO"])
        return flask_app(environ, start_response)

    memo.app = counting
    return app, ran


def _same_answer(first, second) -> None:
    assert second.status_code == first.status_code
    assert second.get_data() == first.get_data()
    assert list(second.headers.items()) == list(first.headers.items())


def test_memo_replays_a_repeated_document_request_without_running_flask(make_fixture_app):
    app, ran = _counting_app(make_fixture_app)
    client = app.test_client()
    headers = {"Accept": "text/turtle", "Accept-Encoding": "gzip"}
    first = client.get(PAPER_DOC, headers=headers)
    again = client.get(PAPER_DOC, headers=headers)
    assert ran == [PAPER_DOC]
    _same_answer(first, again)
    assert again.headers["Content-Encoding"] == "gzip"
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    # another Accept is another answer, made by Flask
    page = client.get(PAPER_DOC, headers={"Accept": "text/html"})
    assert ran == [PAPER_DOC, PAPER_DOC]
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in page.headers
    assert "Content-Security-Policy" not in first.headers


def test_memo_replays_304s_per_validator_and_200s_for_others(fixture_modified, make_fixture_app):
    app, ran = _counting_app(make_fixture_app)
    client = app.test_client()
    etag = client.get(PAPER_DOC, headers={"Accept": "text/turtle"}).headers["ETag"]
    conditional = {"Accept": "text/turtle", "If-None-Match": etag}
    first = client.get(PAPER_DOC, headers=conditional)
    again = client.get(PAPER_DOC, headers=conditional)
    assert first.status_code == 304 and again.get_data() == b""
    _same_answer(first, again)
    assert len(ran) == 2  # the 200 and the first 304
    stale = client.get(PAPER_DOC, headers={"Accept": "text/turtle", "If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.headers["ETag"] == etag
    at = format_datetime(fixture_modified, usegmt=True)
    before = format_datetime(fixture_modified - timedelta(seconds=1), usegmt=True)
    for _ in range(2):
        assert client.get(PAPER_DOC, headers={"If-Modified-Since": at}).status_code == 304
        assert client.get(PAPER_DOC, headers={"If-Modified-Since": before}).status_code == 200
    assert len(ran) == 5


def test_memo_passes_other_preconditions_and_non_document_answers_to_flask(make_fixture_app):
    app, ran = _counting_app(make_fixture_app)
    client = app.test_client()
    for _ in range(2):
        client.get(PAPER_DOC, headers={"Accept": "text/turtle", "If-Match": '"x"'})
        assert client.get("/doc/person/nobody").status_code == 404
        client.get(PAPER_DOC, headers={"Accept": "image/png"})  # a 406
        client.post(PAPER_DOC)
    assert len(ran) == 8


def test_memo_forgets_when_the_catalog_is_replaced(make_fixture_dataset, make_fixture_app):
    from ldcv.documents.catalog import build_catalog
    from ldcv.server import install_catalog

    app, ran = _counting_app(make_fixture_app)
    client = app.test_client()
    client.get(PAPER_DOC, headers={"Accept": "text/turtle"})
    client.get(PAPER_DOC, headers={"Accept": "text/turtle"})
    dataset = make_fixture_dataset("http://cv.example.org")
    graph = dataset.graph
    paper = URIRef("http://cv.example.org/id/publication/lovelace-1843-notes")
    graph.set((paper, SDO.name, Literal("Renamed notes")))
    install_catalog(app, build_catalog(dataset))
    renamed = client.get(PAPER_DOC, headers={"Accept": "text/turtle"})
    assert len(ran) == 2
    assert "Renamed notes" in renamed.get_data(as_text=True)


def test_memo_passes_on_a_body_it_does_not_keep_as_the_app_made_it():
    from ldcv.server.memo import ResponseMemo

    body = iter([b"a dump, ", b"streamed"])  # joined, it would sit in memory whole

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/gzip")])
        return body

    started = []
    memo = ResponseMemo(app, lambda: None)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/dumps/dataset.nt.gz"}
    answered = memo(environ, lambda status, headers, exc_info=None: started.append(status))
    assert answered is body and started == ["200 OK"]


def test_memo_keeps_no_more_bytes_than_its_bound():
    from ldcv.server.memo import REPLAYABLE, ResponseMemo

    calls = []

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        environ[REPLAYABLE] = True
        start_response("200 OK", [("Content-Type", "text/turtle")])
        return [b"x" * 600]

    memo = ResponseMemo(app, lambda: None, max_bytes=1000)

    def get(path: str) -> None:
        memo({"REQUEST_METHOD": "GET", "PATH_INFO": path}, lambda *args: None)

    get("/doc/a")
    get("/doc/a")  # replayed
    get("/doc/b")  # 1,200 bytes would pass the bound: the memo starts afresh
    get("/doc/a")  # made again
    assert calls == ["/doc/a", "/doc/b", "/doc/a"]
    assert memo._bytes <= 1000
