"""Run queries in worker processes that can be killed: the endpoint's time limit.

Neither engine can be interrupted from Python, so each query runs in a worker process: one
that loaded its own copy of an N-Quads snapshot, or one that opened a store snapshot on disk
read-only (no copy; see ``store_engine``). A query past its deadline has its worker killed and
replaced,
and the client gets :class:`QueryTimeout` (503, no ``Retry-After``: the same query would fail
again). When every worker stays busy the client gets :class:`EngineBusy` (503 with
``Retry-After``). Workers are fresh interpreters (never forks of a threaded server, never a
re-import of whatever ``__main__`` is) with an audit hook that refuses Python-level network
access. A reply crosses as two byte strings, a short header and the finished body.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldcv.config import environment_value
from ldcv.native_memory import GrowthBound, PeriodicRelease, limit_arenas
from ldcv.sparql.engines import ENGINES, OxigraphEngine, RdflibEngine, engine_from_snapshot
from ldcv.sparql.errors import EngineBusy, QueryTimeout, SparqlError
from ldcv.sparql.outcomes import QueryRequest, Reply
from ldcv.sparql.results import answer
from ldcv.sparql.store_engine import StoreEngine
from ldcv.store.reopening import ReopeningStore

_NETWORK_EVENTS = frozenset(
    {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"}
)
_READY = b"ready"
_ANSWER = b"A"  # then "1"/"0" for truncated, then the media type; the body follows
_FAILURE = b"E"  # then a pickled SparqlError
# What a worker is told to run when its data is a store snapshot rather than N-Quads.
_STORE = "store"


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS:
        raise PermissionError(f"network access refused in a SPARQL worker ({event})")


def _worker_engine(engine_name: str, path: str) -> OxigraphEngine | RdflibEngine:
    if engine_name == _STORE:
        return StoreEngine.open(path)
    with open(path, "rb") as snapshot:
        return engine_from_snapshot(engine_name, snapshot.read())


def _store_cache_bound(engine: OxigraphEngine | RdflibEngine) -> GrowthBound | None:
    """Reopen a store engine's snapshot whenever the worker grows ``LDCV_STORE_CACHE_MB``."""
    limit = environment_value("LDCV_STORE_CACHE_MB")
    store = getattr(engine, "store", None)
    if limit <= 0 or not isinstance(store, ReopeningStore):
        return None  # an in-memory engine's data is the store: nothing to let go of
    return GrowthBound(limit, store.reopen)


def worker_main(fd: int, engine_name: str, snapshot_path: str, max_rows: int) -> None:
    """Serve requests from the socket ``fd`` until it closes (the body of a worker process)."""
    from multiprocessing.connection import Connection

    sys.addaudithook(_refuse_network)
    # A worker inherits the server's settings in its environment; before the store's threads.
    limit_arenas(environment_value("LDCV_MALLOC_ARENAS"))
    interval = environment_value("LDCV_MALLOC_TRIM_INTERVAL")
    if interval > 0:
        PeriodicRelease(interval).start()  # a daemon thread: it ends with the worker
    conn = Connection(fd)
    engine = _worker_engine(engine_name, snapshot_path)
    bound = _store_cache_bound(engine)
    conn.send_bytes(_READY)
    while True:
        if bound is not None:
            bound.check()  # between queries: none holds the store
        try:
            request = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return  # the server went away
        try:
            reply = answer(engine, request, max_rows)
        except SparqlError as error:
            conn.send_bytes(_FAILURE + pickle.dumps(error))
            continue
        except Exception as error:  # never let one query end the worker
            failure = SparqlError(f"query evaluation failed: {type(error).__name__}: {error}")
            conn.send_bytes(_FAILURE + pickle.dumps(failure))
            continue
        flag = b"1" if reply.truncated else b"0"
        conn.send_bytes(_ANSWER + flag + reply.media_type.encode())
        conn.send_bytes(reply.body)


_WORKER_COMMAND = (
    "import sys; from ldcv.sparql.pool import worker_main; "
    "worker_main(int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]))"
)


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any
    ready: bool = False
    idle_since: float = field(default_factory=time.monotonic)

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout):
            raise EngineBusy("the query engine is still starting; try again shortly")
        message = self.conn.recv_bytes()
        if message != _READY:
            raise SparqlError(f"the query engine failed to start: {message!r}")
        self.ready = True

    def receive(self) -> Reply:
        head = self.conn.recv_bytes()
        if head[:1] == _FAILURE:
            raise pickle.loads(head[1:])
        body = self.conn.recv_bytes()
        return Reply(head[2:].decode(), body, truncated=head[1:2] == b"1")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)
        self.conn.close()


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


@dataclass
class PoolStats:
    """Counters a test or an operator can read."""

    answered: int = 0
    timeouts: int = 0
    restarts: int = 0
    retired: int = 0  # workers stopped after ``idle_exit`` seconds without a query


class QueryPool:
    """Worker processes that each hold the data; a query past its deadline kills its worker.

    ``snapshot`` is the data: N-Quads bytes, which each worker loads into the ``engine``
    named, or the directory of a store snapshot (a ``Path``), which each worker opens
    read-only and answers from with :class:`StoreEngine` (``engine`` must be "oxigraph").
    With ``idle_exit`` (seconds), a worker that answered nothing for that long is stopped,
    and a query that finds no worker idle starts one again, up to ``size``: each worker
    holds its own engine's caches (hundreds of MiB on a large store), kept only while
    queries come.
    """

    def __init__(
        self,
        engine: str,
        snapshot: bytes | Path,
        size: int = 2,
        max_rows: int = 10_000,
        startup_timeout: float = 120.0,
        idle_exit: float | None = None,
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown SPARQL engine {engine!r}; choose one of {ENGINES}")
        self.engine = engine
        self.size = max(1, size)
        self.max_rows = max_rows
        self.startup_timeout = startup_timeout
        self.stats = PoolStats()
        if isinstance(snapshot, Path):
            if engine != "oxigraph":
                raise ValueError(f"a store is answered by oxigraph, not {engine!r}")
            self._worker_engine, self._snapshot_path = _STORE, str(snapshot)
            self._remove_snapshot: Any = lambda: None  # the store is not ours to remove
        else:
            # The workers read the data from this file.
            handle, self._snapshot_path = tempfile.mkstemp(prefix="ldcv-sparql-", suffix=".nq")
            with os.fdopen(handle, "wb") as file:
                file.write(snapshot)
            self._worker_engine = engine
            # Removed on close(), or when the pool is collected or the interpreter exits.
            self._remove_snapshot = weakref.finalize(self, _unlink_quietly, self._snapshot_path)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._closed = False
        self._lock = threading.Lock()
        if idle_exit is None:  # otherwise each starts when a query finds none idle
            for _ in range(self.size):
                self._idle.put(self._spawn())
        self.idle_exit = idle_exit
        self._stopped = threading.Event()
        if idle_exit is not None:
            threading.Thread(
                target=self._retire_idle, args=(idle_exit,), name="ldcv-query-idle", daemon=True
            ).start()

    def _retire_idle(self, idle_exit: float) -> None:
        """Stop the workers idle for ``idle_exit`` seconds, looking twice as often."""
        while not self._stopped.wait(idle_exit / 2):
            now, kept = time.monotonic(), []
            while True:
                try:
                    worker = self._idle.get_nowait()
                except queue.Empty:
                    break
                if now - worker.idle_since < idle_exit:
                    kept.append(worker)
                    continue
                worker.stop()
                with self._lock:
                    self._workers.discard(worker)
                    self.stats.retired += 1
            for worker in kept:
                self._idle.put(worker)

    def _take(self, wait: float) -> _Worker:
        """An idle worker; a new one where none is idle and fewer than ``size`` run."""
        deadline = time.monotonic() + wait
        while True:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            with self._lock:
                if not self._closed and len(self._workers) < self.size:
                    return self._spawn()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EngineBusy("every query worker is busy; try again shortly")
            try:
                # Briefly: a worker retired meanwhile makes room for a new one.
                return self._idle.get(timeout=min(remaining, 0.05))
            except queue.Empty:
                continue

    def _release(self, worker: _Worker) -> None:
        worker.idle_since = time.monotonic()
        self._idle.put(worker)

    def _spawn(self) -> _Worker:
        from multiprocessing.connection import Connection

        ours, theirs = socket.socketpair()
        with theirs:
            args = [
                str(theirs.fileno()),
                self._worker_engine,
                self._snapshot_path,
                str(self.max_rows),
            ]
            process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_COMMAND, *args],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        worker = _Worker(process, Connection(ours.detach()))
        self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.discard(worker)
            self.stats.restarts += 1
            if not self._closed:
                self._idle.put(self._spawn())

    def run(self, request: QueryRequest, timeout: float, wait: float | None = None) -> Reply:
        """Answer a request in a worker; raise QueryTimeout past ``timeout`` seconds."""
        worker = self._take(timeout if wait is None else wait)
        try:
            worker.wait_ready(self.startup_timeout)
        except EngineBusy:
            self._release(worker)
            raise
        except SparqlError:
            self._replace(worker)
            raise
        try:
            worker.conn.send_bytes(pickle.dumps(request))
            finished = worker.conn.poll(timeout)
            if finished:
                reply = worker.receive()
        except SparqlError:
            self._release(worker)  # the query's own error: the worker is fine
            self.stats.answered += 1
            raise
        except (EOFError, OSError):
            self._replace(worker)
            raise SparqlError(
                "the query engine stopped while answering; it was restarted"
            ) from None
        if not finished:
            self.stats.timeouts += 1
            self._replace(worker)
            raise QueryTimeout(
                f"the query did not finish within {timeout:g} s and was stopped; "
                "narrow it down (add LIMIT, bind more variables) and try again"
            )
        self._release(worker)
        self.stats.answered += 1
        return reply

    def close(self) -> None:
        """Stop every worker."""
        self._stopped.set()
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, set()
        for worker in workers:
            worker.stop()
        self._remove_snapshot()
