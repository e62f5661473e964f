"""The response memo (``ldcv.server.memo``): repeated requests replayed byte for byte
without running Flask, forgotten when the catalog is replaced."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

from rdflib import Literal, URIRef

from ldcv.rdf.formats import BY_KEY
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


def test_a_store_servers_memo_and_documents_share_one_bound_and_their_bytes(
    make_store_app, seed_store_copy
):
    from ldcv.documents.store_catalog import RESOURCE_OVERHEAD
    from ldcv.server.memo import ANSWER_OVERHEAD

    app = make_store_app(seed_store_copy, LDCV_CACHE_MB=1, LDCV_AHEAD_TRIPLES=0)
    catalog = app.extensions["ldcv.catalog"]
    cache = catalog.resources.cache
    memo, ran = app.wsgi_app, []
    flask_app = memo.app

    def counting(environ, start_response):
        ran.append(environ["PATH_INFO"])
        return flask_app(environ, start_response)

    memo.app = counting
    client = app.test_client()
    path = "/doc/organization/fraunhofer-hhi"
    before = cache.weight
    first = client.get(path, headers={"Accept": "text/turtle"})
    answer = next(v for k, v in cache._entries.items() if isinstance(k, tuple))
    header_bytes = sum(len(n) + len(v) for n, v in answer[0][1])
    made = catalog.resources[path].representation(BY_KEY["turtle"])
    assert answer[0][2] == [made.identity.body] and answer[0][2][0] is made.identity.body
    # The document with its bytes (and their gzip), and the memo's answer holding the same
    # bytes: weighed once.
    bodies = len(made.identity.body) + len(made.gzip.body)
    assert cache.weight - before == RESOURCE_OVERHEAD + bodies + ANSWER_OVERHEAD + header_bytes
    _same_answer(first, client.get(path, headers={"Accept": "text/turtle"}))
    assert ran == [path]  # replayed from the shared cache

    documents = [p for p in catalog.documents if p.startswith("/doc/")][:120]
    for document in documents:
        for accept in ("text/turtle", "text/html"):
            assert client.get(document, headers={"Accept": accept}).status_code == 200
            assert cache.weight <= cache.limit == 1024 * 1024
    assert path not in cache  # the first went, its answer with it (or before it)
    assert not any(k[1] == path for k in cache._entries if isinstance(k, tuple))
