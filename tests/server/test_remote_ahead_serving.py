"""A server on a remote store serves its heaviest documents from the ones made ahead, on disk.

Over real HTTP, against a real ``oxigraph serve``: a document made ahead is sent with the
bytes and headers (ETag included) of the same document rendered on request, every format,
gzip or not; after a publish that changes a CV the document shows, the server never sends
the older generation's bytes, and the new generation's child makes it again.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from ldcv.documents.ahead_files import MANIFEST, AheadDocuments, read_manifest
from ldcv.documents.remote_ahead import make_documents, remote_ahead_files
from ldcv.store.remote import RemoteStore
from ldcv.store.remote_publish import publish_paths
from ldcv.store.sparql_protocol import SparqlClient

pytestmark = pytest.mark.slow  # each test starts `oxigraph serve` and servers over HTTP

BASE = "https://cv.example.org"  # the ``published`` fixture's (conftest.PUBLISHED_BASE)
THRESHOLD = 40  # a few dozen documents of six generated CVs


@pytest.fixture
def make_remote_app() -> Iterator[Any]:
    """``make_remote_app(query_url, **config)``: an app on that store, stopped after the test
    (its follower checks only when told to; its children are waited for)."""
    from ldcv.server import create_app, stop_background

    apps = []

    def make(query_url: str, **config: Any) -> Any:
        settings = {"LDCV_SPARQL_STORE": query_url, "LDCV_RELOAD_INTERVAL": 3600}
        apps.append(create_app({**settings, "LDCV_PREPARE_FILES": False, **config}))
        return apps[-1]

    yield make
    for app in apps:
        stop_background(app)
        if "ldcv.ahead_documents" in app.extensions:
            app.extensions["ldcv.ahead_documents"].join(timeout=300)


def raw_get(live: Any, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET ``path``: status, headers but Date, and the bytes as sent (gzip not undone)."""
    response = requests.get(live.url(path), headers=headers, stream=True, timeout=60)
    body = response.raw.read(decode_content=False)
    sent = {k: v for k, v in response.headers.items() if k.lower() != "date"}
    return response.status_code, sent, body


def manifest(root: Path, generation: int) -> dict[str, frozenset[str]]:
    made = remote_ahead_files(root, generation).folder / MANIFEST
    return dict(read_manifest(made.read_bytes()))


def test_a_document_made_ahead_is_served_with_the_bytes_and_headers_of_one_rendered_on_request(
    published, tmp_path, make_remote_app, start_server, small_pages, monkeypatch
):
    from ldcv.documents.catalog import document_kind
    from ldcv.rdf.formats import formats_for

    # small_pages: the documents are made here, as the child makes them, and both servers
    # read the same pages.
    _, engine, _ = published
    remote = RemoteStore(SparqlClient(engine.query_url), tmp_path / "scratch", index_details=False)
    snapshot = remote.open_snapshot()
    assert snapshot is not None
    root = tmp_path / "ahead"
    remote_ahead_files(root, snapshot.generation).made(
        MANIFEST,
        lambda written: make_documents(
            snapshot, remote_ahead_files(root, snapshot.generation), BASE, THRESHOLD, written,
            lambda: remote.generation() == snapshot.generation,
        ),
    )  # fmt: skip
    made = manifest(root, snapshot.generation)
    paths = [p for p in sorted(made) if "/page/" not in p][:4]
    paths += [p for p in sorted(made) if "/page/" in p][:1]
    assert len(paths) == 5, "no paged document was made ahead"

    read = AheadDocuments.representation
    from_disk = []

    def counted(self, path, fmt, location):  # counts what came from disk, changes nothing
        found = read(self, path, fmt, location)
        from_disk.append(found is not None)
        return found

    monkeypatch.setattr(AheadDocuments, "representation", counted)
    ahead_app = make_remote_app(engine.query_url, LDCV_AHEAD_DIR=str(root))
    rendered_app = make_remote_app(engine.query_url, LDCV_AHEAD_TRIPLES=0)
    with (
        start_server.app(lambda base: ahead_app) as ahead,
        start_server.app(lambda base: rendered_app) as rendered,
    ):
        asked = 0
        for path in paths:
            for fmt in formats_for(document_kind(path)):
                for encoding in ("identity", "gzip"):
                    url = f"{path}.{fmt.suffix}"
                    expected = raw_get(rendered, url, **{"Accept-Encoding": encoding})
                    assert expected[0] == 200
                    assert raw_get(ahead, url, **{"Accept-Encoding": encoding}) == expected
                    asked += 1
            negotiated = {"Accept": "text/html", "Accept-Encoding": "gzip"}
            assert raw_get(ahead, path, **negotiated) == raw_get(rendered, path, **negotiated)
    assert from_disk and all(from_disk)  # every format of these came from disk, once each
    assert len(from_disk) == asked // 2


def test_after_a_publish_changes_a_cv_no_document_made_ahead_before_is_served(
    published, tmp_path, make_remote_app, start_server
):
    data, engine, client = published
    root = tmp_path / "ahead"
    app = make_remote_app(
        engine.query_url, LDCV_AHEAD_DIR=str(root), LDCV_AHEAD_TRIPLES=THRESHOLD,
        LDCV_PREPARE_FILES=True,
    )  # fmt: skip
    app.extensions["ldcv.ahead_documents"].join(timeout=300)
    first = app.extensions["ldcv.follower"].generation
    awarded = [p for p in sorted(data.iterdir()) if "\nawards:" in p.read_text("utf-8")]
    edited = awarded[0]
    profile = f"/doc/person/{edited.stem}"  # the owner's: it lists their awards
    assert profile in manifest(root, first)
    html = {"Accept": "text/html"}
    with start_server.app(lambda base: app) as live:
        before = live.get(profile, **html)
        assert before.status_code == 200 and "Renamed award" not in before.text

        text = edited.read_text(encoding="utf-8")
        award = text.index("\n    name: ", text.index("\nawards:"))
        edited.write_text(text[:award] + "\n    name: Renamed award" + text[award + 11 :], "utf-8")
        assert publish_paths([data], client, BASE, jobs=1, root=tmp_path).changed
        assert app.extensions["ldcv.follower"].check()
        during = live.get(profile, **html)  # the new generation's child may still be at work
        assert "Renamed award" in during.text

        app.extensions["ldcv.ahead_documents"].join(timeout=300)
        second = app.extensions["ldcv.follower"].generation
        assert second > first and profile in manifest(root, second)  # made again
        made = AheadDocuments(remote_ahead_files(root, second).folder)
        kept = made.documents / f"doc~person~{edited.stem}" / "html.gz"
        assert b"Renamed award" in gzip.decompress(kept.read_bytes())
        assert live.get(profile, **html).text == during.text
