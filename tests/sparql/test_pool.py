"""The worker pool: answers cross intact, errors keep the worker, busy and runaway queries."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from ldcv.sparql import (
    EngineBusy,
    OxigraphEngine,
    QueryPool,
    QueryRequest,
    QuerySyntaxError,
    QueryTimeout,
    graph_snapshot,
)

RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def pool(seed_graph: Graph) -> Iterator[QueryPool]:
    running = QueryPool("oxigraph", graph_snapshot(seed_graph), size=1, max_rows=5)
    yield running
    running.close()


def test_a_reply_crosses_with_its_media_type_body_and_cap(pool: QueryPool) -> None:
    reply = pool.run(QueryRequest("SELECT ?s { ?s ?p ?o }", accept="text/csv"), timeout=60)
    assert reply.media_type == "text/csv" and reply.truncated
    assert reply.body.decode().splitlines()[0] == "s" and len(reply.body.splitlines()) == 6


def test_a_query_error_is_raised_here_and_the_worker_stays(pool: QueryPool) -> None:
    restarts = pool.stats.restarts
    with pytest.raises(QuerySyntaxError) as caught:
        pool.run(QueryRequest("ASK {"), timeout=60)
    assert caught.value.status == 400 and caught.value.message
    assert pool.run(QueryRequest("ASK {}"), timeout=60).body.endswith(b"true}")
    assert pool.stats.restarts == restarts


@pytest.mark.slow
def test_a_runaway_query_is_stopped_and_its_worker_replaced(pool: QueryPool) -> None:
    restarts = pool.stats.restarts
    with pytest.raises(QueryTimeout, match="did not finish within 1 s"):
        pool.run(QueryRequest(RUNAWAY), timeout=1)
    assert pool.stats.restarts == restarts + 1
    assert pool.run(QueryRequest("ASK {}"), timeout=60).body.endswith(b"true}")


@pytest.mark.slow
def test_busy_pool_answers_engine_busy(seed_graph: Graph) -> None:
    pool = QueryPool("oxigraph", graph_snapshot(seed_graph), size=1)
    try:
        pool.run(QueryRequest("ASK {}"), timeout=30)
        stopped: list[Exception] = []

        def runaway() -> None:
            try:
                pool.run(QueryRequest(RUNAWAY), timeout=3)
            except QueryTimeout as error:
                stopped.append(error)

        blocker = threading.Thread(target=runaway)
        blocker.start()
        while pool._idle.qsize():  # wait until the runaway holds the only worker
            threading.Event().wait(0.01)
        with pytest.raises(EngineBusy) as caught:
            pool.run(QueryRequest("ASK {}"), timeout=30, wait=0.1)
        assert caught.value.status == 503
        blocker.join(60)
        assert len(stopped) == 1
    finally:
        pool.close()


# --- workers that open a store snapshot ------------------------------------------------------


@pytest.fixture(scope="module")
def store_pool(overlapping_snapshot_path: Path) -> Iterator[QueryPool]:
    running = QueryPool("oxigraph", overlapping_snapshot_path, size=1)
    yield running
    running.close()


@pytest.mark.slow
def test_workers_answer_from_the_store_snapshot_they_open(store_pool: QueryPool) -> None:
    reply = store_pool.run(QueryRequest("SELECT ?g { GRAPH ?g { } }", accept="text/csv"), 60)
    assert sorted(reply.body.decode().split()[1:]) == [
        "https://example.org/doc/person/ada-lovelace",
        "https://example.org/doc/person/charles-babbage",
    ]


@pytest.mark.slow
def test_a_runaway_query_on_the_store_is_stopped_and_the_next_answered(
    store_pool, runaway_on_a_small_store: str
) -> None:
    restarts = store_pool.stats.restarts
    with pytest.raises(QueryTimeout):
        store_pool.run(QueryRequest(runaway_on_a_small_store), timeout=1)
    assert store_pool.stats.restarts == restarts + 1
    assert store_pool.run(QueryRequest("ASK { ?s ?p ?o }"), timeout=60).body.endswith(b"true}")


@pytest.mark.slow
def test_closing_a_store_pool_leaves_the_snapshot(overlapping_snapshot_path: Path) -> None:
    before = sorted(p.name for p in overlapping_snapshot_path.iterdir())
    QueryPool("oxigraph", overlapping_snapshot_path, size=1).close()
    assert sorted(p.name for p in overlapping_snapshot_path.iterdir()) == before


def test_a_store_is_answered_by_oxigraph_only(overlapping_snapshot_path: Path) -> None:
    with pytest.raises(ValueError, match="answered by oxigraph"):
        QueryPool("rdflib", overlapping_snapshot_path)


# --- workers that exit when idle -------------------------------------------------------------


@pytest.mark.slow
def test_an_idle_worker_exits_and_the_next_query_starts_another(
    overlapping_snapshot_path: Path,
    wait_until,
) -> None:
    pool = QueryPool("oxigraph", overlapping_snapshot_path, size=2, idle_exit=0.5)
    try:
        assert not pool._workers  # none before the first query
        ask = QueryRequest("ASK { ?s ?p ?o }")
        assert pool.run(ask, timeout=60).body.endswith(b"true}")
        (first,) = pool._workers  # one query at a time needs one worker
        assert wait_until(lambda: pool.stats.retired == 1)
        assert first.process.poll() is not None and not pool._workers
        assert pool.run(ask, timeout=60).body.endswith(b"true}")
        (second,) = pool._workers
        assert second.process.pid != first.process.pid
    finally:
        pool.close()


@pytest.mark.slow
def test_a_worker_that_answers_stays_and_queries_at_once_start_up_to_the_size(
    overlapping_snapshot_path: Path,
) -> None:
    pool = QueryPool("oxigraph", overlapping_snapshot_path, size=2, idle_exit=3)
    try:
        sleepers = [
            threading.Thread(target=pool.run, args=(QueryRequest("ASK { ?s ?p ?o }"), 60))
            for _ in range(4)
        ]
        for thread in sleepers:
            thread.start()
        for thread in sleepers:
            thread.join(60)
        assert 1 <= len(pool._workers) <= 2 and pool.stats.answered == 4
        for _ in range(4):  # a query every second: never idle for 3
            pool.run(QueryRequest("ASK { ?s ?p ?o }"), timeout=60)
            time.sleep(1)
        assert pool.stats.retired == 0
    finally:
        pool.close()


# --- a query worker lets go of its store's caches between queries -------------------------


def test_a_store_worker_past_its_cache_bound_reopens_the_store_and_answers_alike(
    overlapping_snapshot_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ldcv.sparql.pool import _store_cache_bound, _worker_engine

    monkeypatch.setenv("LDCV_STORE_CACHE_MB", "16")
    engine = _worker_engine("store", str(overlapping_snapshot_path))
    bound = _store_cache_bound(engine)
    assert bound is not None and bound.limit_mib == 16
    asked = QueryRequest("SELECT ?g { GRAPH ?g { } } ORDER BY ?g", accept="text/csv")
    before = engine.run(asked, 100, encoded=False)
    handle = engine.store.handle
    held = bytearray(48 * 1024 * 1024)
    for page in range(0, len(held), 4096):  # written: resident, as caches would be
        held[page] = 1
    assert bound.check() is not None
    assert engine.store.reopened == 1 and engine.store.handle is not handle
    assert engine.run(asked, 100, encoded=False) == before
    del held


def test_a_worker_without_a_store_or_with_a_bound_of_zero_reopens_nothing(
    overlapping_snapshot_path: Path, seed_graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ldcv.sparql.pool import _store_cache_bound, _worker_engine

    monkeypatch.setenv("LDCV_STORE_CACHE_MB", "0")
    assert _store_cache_bound(_worker_engine("store", str(overlapping_snapshot_path))) is None
    monkeypatch.setenv("LDCV_STORE_CACHE_MB", "16")
    in_memory = OxigraphEngine.from_snapshot(graph_snapshot(seed_graph))
    assert _store_cache_bound(in_memory) is None  # its data is in the process: kept
