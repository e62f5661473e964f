"""The query service: one set of query workers for every process of a server, on a store."""

from __future__ import annotations

import logging
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from ldcv.sparql import (
    EngineBusy,
    QueryPool,
    QueryRequest,
    QueryServiceProcess,
    QuerySyntaxError,
    QueryTimeout,
    ServiceQueries,
    SparqlError,
)

pytestmark = pytest.mark.slow  # each test starts the service's process and its workers

GRAPHS = QueryRequest("SELECT ?g { GRAPH ?g { } }", accept="text/csv")
ASK = QueryRequest("ASK { ?s ?p ?o }")


def _never_local() -> QueryPool:
    raise AssertionError("the service was there: this process must not start workers")


@pytest.fixture(scope="module")
def service(overlapping_store) -> Iterator[QueryServiceProcess]:
    running = QueryServiceProcess(overlapping_store.path, size=1, max_rows=5, idle_exit=0)
    yield running
    running.stop()


@pytest.fixture
def queries(service, overlapping_snapshot_path: Path) -> ServiceQueries:
    """What one server process asks the service with."""
    return ServiceQueries(service.address, overlapping_snapshot_path, _never_local)


def test_the_service_answers_from_the_snapshot_a_process_serves(queries) -> None:
    reply = queries.run(GRAPHS, timeout=60)
    assert reply.media_type.startswith("text/csv")
    assert sorted(reply.body.decode().split()[1:]) == [
        "https://example.org/doc/person/ada-lovelace",
        "https://example.org/doc/person/charles-babbage",
    ]


def test_the_row_cap_crosses_with_the_answer(queries) -> None:
    reply = queries.run(QueryRequest("SELECT * { ?s ?p ?o }", accept="text/csv"), timeout=60)
    assert reply.truncated and len(reply.body.decode().splitlines()) == 1 + 5


def test_a_query_error_crosses_with_its_kind_and_status(queries) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        queries.run(QueryRequest("SELEKT nothing"), timeout=60)
    assert raised.value.status == 400 and raised.value.message


def test_processes_share_the_services_workers(
    service, overlapping_snapshot_path, child_processes
) -> None:
    for _process in range(3):  # each granian worker has its own ServiceQueries
        asking = ServiceQueries(service.address, overlapping_snapshot_path, _never_local)
        assert asking.run(ASK, timeout=60).body.endswith(b"true}")
    assert len(child_processes(service.process.pid)) == 1  # size 1: one worker, for everyone


def test_a_runaway_query_keeps_others_waiting_then_is_stopped_and_the_next_answered(
    queries,
    service,
    runaway_on_a_small_store: str,
    child_processes,
) -> None:
    before = child_processes(service.process.pid)
    outcome: list[BaseException] = []

    def runaway() -> None:
        try:
            queries.run(QueryRequest(runaway_on_a_small_store), timeout=2)
        except SparqlError as error:
            outcome.append(error)

    running = threading.Thread(target=runaway)
    running.start()
    time.sleep(0.3)
    with pytest.raises(EngineBusy):  # size 1: the one worker is busy for the whole wait
        queries.run(ASK, timeout=60, wait=0.3)
    running.join(30)
    assert [type(error) for error in outcome] == [QueryTimeout]
    assert queries.run(ASK, timeout=60).body.endswith(b"true}")
    after = child_processes(service.process.pid)
    assert len(after) == 1 and not after & before  # its worker was killed and replaced


def test_a_folder_outside_the_stores_snapshots_is_refused(service, tmp_path) -> None:
    elsewhere = ServiceQueries(service.address, tmp_path / "snapshot", _never_local)
    with pytest.raises(SparqlError, match="not a snapshot of this service's store"):
        elsewhere.run(ASK, timeout=60)


def test_a_new_generation_retires_all_but_the_last_two(
    overlapping_snapshot_path, tmp_path, child_processes, wait_until
):
    snapshots = tmp_path / "store" / "snapshots"
    for generation in ("1", "2", "3"):
        shutil.copytree(overlapping_snapshot_path, snapshots / generation)
    running = QueryServiceProcess(tmp_path / "store", size=1, max_rows=5, idle_exit=0)
    try:
        for generation in ("1", "2"):
            asking = ServiceQueries(running.address, snapshots / generation, _never_local)
            asking.run(ASK, timeout=60)
        two = child_processes(running.process.pid)
        assert len(two) == 2  # a worker for each generation still asked for
        ServiceQueries(running.address, snapshots / "3", _never_local).run(ASK, timeout=60)
        assert wait_until(lambda: len(child_processes(running.process.pid)) == 2)
        assert len(child_processes(running.process.pid) & two) == 1  # the oldest one's is gone
    finally:
        running.stop()


def test_out_of_reach_of_the_service_a_process_answers_with_its_own_workers(
    overlapping_snapshot_path, tmp_path, caplog
) -> None:
    own: list[QueryPool] = []

    def own_pool() -> QueryPool:
        own.append(QueryPool("oxigraph", overlapping_snapshot_path, size=1))
        return own[-1]

    asking = ServiceQueries(str(tmp_path / "no-such-socket"), overlapping_snapshot_path, own_pool)
    try:
        with caplog.at_level(logging.WARNING, logger="ldcv.sparql.service"):
            assert asking.run(ASK, timeout=60).body.endswith(b"true}")
            assert asking.run(ASK, timeout=60).body.endswith(b"true}")
        assert len(own) == 1 and own[0].stats.answered == 2
        assert caplog.text.count("is out of reach") == 1
    finally:
        asking.close()
    assert not own[0]._workers


def test_stopping_the_service_stops_its_workers_and_removes_its_socket(
    overlapping_store, child_processes, wait_until
):
    running = QueryServiceProcess(overlapping_store.path, size=1, max_rows=5, idle_exit=0)
    with overlapping_store.open_snapshot() as snapshot:
        ServiceQueries(running.address, snapshot.path, _never_local).run(ASK, timeout=60)
    (worker,) = child_processes(running.process.pid)
    running.stop()
    assert running.process.returncode == 0
    assert not Path(running.address).exists()
    assert wait_until(lambda: not Path(f"/proc/{worker}").exists(), 10)


def test_the_service_ends_and_removes_its_folder_when_the_server_that_started_it_is_killed(
    overlapping_store, wait_until
):
    # A server killed with SIGKILL runs no clean-up: the service must notice alone.
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from ldcv.sparql import QueryServiceProcess; "
            "s = QueryServiceProcess(sys.argv[1], size=1, max_rows=5, idle_exit=0); "
            "print(s.process.pid, s.folder, flush=True); time.sleep(600)",
            str(overlapping_store.path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        pid, folder = server.stdout.readline().split()
        service_pid = int(pid)
        assert Path(f"/proc/{service_pid}").exists() and Path(folder, "socket").exists()
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        assert wait_until(lambda: _gone(service_pid), 10)
        assert wait_until(lambda: not Path(folder).exists(), 10)  # socket and folder
    finally:
        with suppress(ProcessLookupError):
            server.kill()
        server.wait()
        server.stdout.close()


def _gone(pid: int) -> bool:
    """Whether ``pid`` has ended (an orphan is reaped by init, or is a zombie until then)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"
