"""Serving a store on a real ``oxigraph serve``: following publishes, and outliving the engine.

The engine is stopped (SIGKILL) and frozen (SIGSTOP) while clients keep asking: documents
already made keep coming, the others get 503 with ``Retry-After`` within the time limit
(never a 500, never a hang), ``/healthz`` says so, and all comes back by itself.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ldcv.store.remote_publish import publish_paths
from ldcv.store.sparql_protocol import SparqlClient

pytestmark = pytest.mark.slow  # each test starts `oxigraph serve`

ROOT = Path(__file__).resolve().parents[2]
OVERLAPPING = ROOT / "tests" / "fixtures" / "overlapping-cvs"
ADA = "/doc/person/ada-lovelace"
CHARLES = "/doc/person/charles-babbage"
STORE_TIMEOUT = 1.5
INTERVAL = 0.2


@pytest.fixture
def engine(sparql_engines) -> Iterator[object]:
    with sparql_engines.oxigraph() as running:
        yield running


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(OVERLAPPING, tmp_path / "data"))


@pytest.fixture
def live(engine, folder, start_server, tmp_path) -> Iterator[object]:
    """The app serving what ``ldcv publish`` wrote to ``engine``, under its own address."""
    from ldcv.server import create_app, stop_background

    apps = []

    def make_app(base: str):
        client = SparqlClient(engine.query_url, engine.update_url)
        publish_paths([folder], client, base, jobs=1, root=tmp_path)
        settings = {
            "LDCV_SPARQL_STORE": engine.query_url,
            "LDCV_STORE_TIMEOUT": STORE_TIMEOUT,
            "LDCV_SPARQL_TIMEOUT": STORE_TIMEOUT,
            "LDCV_RELOAD_INTERVAL": INTERVAL,
        }
        apps.append(create_app(settings))
        return apps[-1]

    with start_server.app(make_app) as running:
        yield running
    for app in apps:
        stop_background(app)


def turtle(live, path: str) -> requests.Response:
    return requests.get(live.url(path), headers={"Accept": "text/turtle"}, timeout=30)


def eventually(check, seconds: float = 8.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_a_server_serves_a_publish_within_seconds(live, engine, folder, tmp_path) -> None:
    assert "Analytical Engine" not in turtle(live, ADA).text
    ada = folder / "ada.yaml"
    notes = "  - kind: journal-article\n    title: Notes on the Analytical Engine\n"
    notes += "    journal: Scientific Memoirs\n    authors: [Lovelace A]\n    year: 2016\n"
    ada.write_text(ada.read_text() + notes, encoding="utf-8")
    started = time.monotonic()
    client = SparqlClient(engine.query_url, engine.update_url)
    publish_paths([folder], client, live.base, jobs=1, root=tmp_path)

    assert eventually(lambda: "Analytical Engine" in turtle(live, ADA).text, seconds=5)
    assert time.monotonic() - started < 5


def test_healthz_reports_the_store_and_its_generation(live) -> None:
    answer = requests.get(live.url("/healthz"), timeout=10)

    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.json()["status"] == "ok" and answer.json()["store"] == "sparql"
    assert answer.json()["generation"] >= 1


def unavailable(answer: requests.Response) -> bool:
    return answer.status_code == 503 and int(answer.headers["Retry-After"]) >= 1


def test_an_engine_that_stops_and_starts_again_under_load(live, engine) -> None:
    made = turtle(live, ADA)
    assert made.status_code == 200
    statuses: list[int] = []
    slowest = [0.0]
    stop = threading.Event()
    # The load asks for the made document until the engine is down, then for one never
    # made: asked before, it would be made and kept, and served through the outage.
    target = [ADA]

    def load() -> None:
        while not stop.is_set():
            started = time.monotonic()
            statuses.append(turtle(live, target[0] + "?load").status_code)
            slowest[0] = max(slowest[0], time.monotonic() - started)

    clients = [threading.Thread(target=load) for _ in range(3)]
    for client in clients:
        client.start()
    try:
        engine.stop()
        target[0] = CHARLES
        assert turtle(live, ADA).content == made.content  # made before: still served
        answer = turtle(live, CHARLES)
        assert unavailable(answer) and "Traceback" not in answer.text
        sparql = requests.get(live.url("/sparql"), params={"query": "ASK {}"}, timeout=10)
        assert unavailable(sparql)
        assert eventually(lambda: requests.get(live.url("/healthz"), timeout=10).status_code == 503)
        assert requests.get(live.url("/healthz"), timeout=10).json()["status"] == "unavailable"

        engine.start_again()
        assert eventually(lambda: turtle(live, CHARLES).status_code == 200)
        assert eventually(lambda: requests.get(live.url("/healthz"), timeout=10).ok)
    finally:
        stop.set()
        for client in clients:
            client.join()
    assert set(statuses) <= {200, 503} and 503 in statuses and 200 in statuses
    assert slowest[0] < STORE_TIMEOUT + 2


def test_a_frozen_engine_costs_a_request_no_more_than_the_time_limit(live, engine) -> None:
    turtle(live, ADA)
    os.kill(engine.live.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        answer = turtle(live, CHARLES)
        waited = time.monotonic() - started
        assert unavailable(answer)
        assert STORE_TIMEOUT - 0.1 < waited < STORE_TIMEOUT + 2
        assert turtle(live, ADA).status_code == 200
    finally:
        os.kill(engine.live.process.pid, signal.SIGCONT)
    assert eventually(lambda: turtle(live, CHARLES).status_code == 200)


def test_every_work_has_the_embedded_stores_bytes_and_keys_on_a_remote_store(
    published, make_store_app, tmp_path
) -> None:
    import re

    from ldcv.server import create_app, stop_background
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.index import index_paths

    data, engine, _ = published
    embedded = StoreDirectory(tmp_path / "store")
    index_paths([data], embedded, "https://cv.example.org", jobs=1)  # conftest.PUBLISHED_BASE
    on_disk = make_store_app(embedded).test_client()
    remote_app = create_app({"LDCV_SPARQL_STORE": engine.query_url, "LDCV_PREPARE_FILES": False,
                             "LDCV_RELOAD_INTERVAL": 3600})  # fmt: skip
    remote = remote_app.test_client()
    try:
        sitemap = on_disk.get("/sitemap.xml").data
        works = sorted(set(re.findall(rb"/doc/(?:publication|thesis)/[^<]+", sitemap)))
        # A remote store reads what a page asks in its own requests (a key's first author's
        # works and dates in one, theses' credentials together): every byte the same.
        # (Keys sharing a stem, which these six CVs lack, are compared in
        # tests/bibliography/test_citation_keys.py.)
        keys: set[bytes] = set()
        for path in map(bytes.decode, works):
            for accept in ("application/x-bibtex", "text/html"):
                expected = on_disk.get(path, headers={"Accept": accept})
                served = remote.get(path, headers={"Accept": accept})
                assert expected.status_code == served.status_code == 200, (path, accept)
                assert served.data == expected.data, (path, accept)
                keys.update(re.findall(rb"^@\w+\{([^,]+),", served.data, re.MULTILINE))
        assert len(works) > 100 and len(keys) == len(works)
    finally:
        stop_background(remote_app)
