"""The worker pool: answers cross intact, errors keep the worker, busy and runaway queries."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from rdflib import Graph

from ldcv.sparql import (
    EngineBusy,
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
