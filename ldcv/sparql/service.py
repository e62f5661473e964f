"""One set of query workers for every process of a server: the query service.

Each granian worker used to start query workers of its own, and a worker on a store fills
RocksDB block caches of its own (oxigraph sizes them; some 220 MiB at 10,000 CVs), so a
server held a copy of them per process. ``ldcv serve`` now starts this service, in a fresh
interpreter, before granian's workers. They send it each query with the snapshot they
serve, and it answers it in a :class:`QueryPool` of that snapshot: the deadline kill, the
idle exit and the size hold as before, for the whole server. Requests and replies cross a
Unix socket in a folder only this user may enter; requests are JSON, never pickles.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from types import FrameType
from typing import Any

from ldcv.config import environment_value
from ldcv.native_memory import PeriodicRelease, limit_arenas
from ldcv.sparql.errors import (
    EngineBusy,
    NotAcceptable,
    ProtocolError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    SparqlError,
)
from ldcv.sparql.outcomes import QueryRequest, Reply
from ldcv.sparql.pool import QueryPool

log = logging.getLogger(__name__)

_ANSWER = b"A"  # then "1"/"0" for truncated, then the media type; the body follows
_FAILURE = b"E"  # then the error as JSON: its kind, message and status
_ERRORS: dict[str, type[SparqlError]] = {
    kind.__name__: kind
    for kind in (
        SparqlError,
        QuerySyntaxError,
        QueryRefused,
        NotAcceptable,
        QueryTimeout,
        EngineBusy,
        ProtocolError,
    )
}
# Granian's workers switch to a new generation one by one: the one before stays asked for
# a moment. An older one's pool is closed when a third is asked for.
GENERATIONS = 2
# Beyond the query's own wait and time limit: a worker's start on a cold store.
STARTUP_ALLOWANCE = 120.0
_FAMILY = "AF_UNIX"


def _error_message(error: SparqlError) -> bytes:
    kind = type(error).__name__ if type(error).__name__ in _ERRORS else "SparqlError"
    fields = {"kind": kind, "message": error.message, "status": error.status}
    return _FAILURE + json.dumps(fields).encode()


def _error_from(message: bytes) -> SparqlError:
    fields = json.loads(message[1:])
    kind = _ERRORS.get(fields["kind"], SparqlError)
    if kind is ProtocolError:
        return ProtocolError(int(fields["status"]), fields["message"])
    return kind(fields["message"])


class QueryService:
    """The server side: a :class:`QueryPool` for each snapshot asked for, under ``store``."""

    def __init__(
        self, store: Path, size: int, max_rows: int, idle_exit: float | None = None
    ) -> None:
        self.snapshots = (Path(store) / "snapshots").resolve()
        self.size = size
        self.max_rows = max_rows
        self.idle_exit = idle_exit
        self._pools: OrderedDict[Path, QueryPool] = OrderedDict()
        self._lock = threading.Lock()

    def pool(self, snapshot: str) -> QueryPool:
        """The pool answering from ``snapshot``, started on first use; older ones closed."""
        path = Path(snapshot).resolve()
        if path.parent != self.snapshots:
            raise SparqlError(f"{snapshot} is not a snapshot of this service's store")
        with self._lock:
            pool = self._pools.get(path)
            if pool is None:
                pool = QueryPool(
                    "oxigraph", path, self.size, self.max_rows, idle_exit=self.idle_exit
                )
                self._pools[path] = pool
            self._pools.move_to_end(path)
            retired = []
            while len(self._pools) > GENERATIONS:
                retired.append(self._pools.popitem(last=False)[1])
        for old in retired:
            old.close()
        return pool

    def answer(self, conn: Connection) -> None:
        """Answer the one request that ``conn`` carries."""
        try:
            fields = json.loads(conn.recv_bytes())
            timeout, wait = float(fields.pop("timeout")), fields.pop("wait")
            pool = self.pool(fields.pop("snapshot"))
            request = QueryRequest(
                **{
                    **fields,
                    "default_graphs": tuple(fields["default_graphs"]),
                    "named_graphs": tuple(fields["named_graphs"]),
                }
            )
            reply = pool.run(request, timeout, None if wait is None else float(wait))
        except SparqlError as error:
            conn.send_bytes(_error_message(error))
            return
        except (EOFError, OSError):
            return  # the client went away
        except Exception as error:  # a malformed request: never end the service
            failure = SparqlError(f"the query service refused the request: {error}")
            conn.send_bytes(_error_message(failure))
            return
        flag = b"1" if reply.truncated else b"0"
        conn.send_bytes(_ANSWER + flag + reply.media_type.encode())
        conn.send_bytes(reply.body)

    def serve(self, listener: Listener) -> None:
        """Answer connections until the listener closes, each in a thread of its own."""
        while True:
            try:
                conn = listener.accept()
            except OSError:
                return
            threading.Thread(
                target=self._answer_and_close, args=(conn,), name="ldcv-query", daemon=True
            ).start()

    def _answer_and_close(self, conn: Connection) -> None:
        with conn, contextlib.suppress(EOFError, OSError):
            self.answer(conn)

    def close(self) -> None:
        """Stop every pool's workers."""
        with self._lock:
            pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            pool.close()


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def _leave_with_parent(parent: int) -> None:
    """End this process when the server that started it is gone (even killed)."""
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


def _free(address: str) -> str:
    """``address``, once a socket left there by a service that ended uncleanly is removed."""
    if os.path.exists(address):
        try:
            Client(address, family=_FAMILY).close()
        except OSError:
            os.unlink(address)  # nothing listens: a killed service's
        else:
            raise SparqlError(f"another query service answers on {address}")
    return address


def service_main(
    address: str,
    store: str,
    size: int,
    max_rows: int,
    idle_exit: float,
    follow_parent: bool = True,
) -> None:
    """Serve queries on ``address`` until stopped (the body of the service's process).

    With ``follow_parent`` (the service of one ``ldcv serve``), it ends with the process that
    started it, and ignores Ctrl-C: that server stops it once its own workers have stopped.
    """
    limit_arenas(environment_value("LDCV_MALLOC_ARENAS"))  # before any thread
    signal.signal(signal.SIGTERM, _stop)
    if follow_parent:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        parent = os.getppid()
        threading.Thread(target=_leave_with_parent, args=(parent,), daemon=True).start()
    interval = environment_value("LDCV_MALLOC_TRIM_INTERVAL")
    if interval > 0:
        PeriodicRelease(interval).start()
    service = QueryService(Path(store), size, max_rows, idle_exit or None)
    listener = Listener(_free(address), family=_FAMILY)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    try:
        service.serve(listener)
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()  # removes the socket
        service.close()
        if follow_parent:
            # The folder its server made for the socket alone: a server killed with SIGKILL
            # cannot remove it. rmdir takes an empty folder only.
            with contextlib.suppress(OSError):
                os.rmdir(os.path.dirname(address))


_SERVICE_COMMAND = (
    "import sys; from ldcv.sparql.service import service_main; "
    "service_main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), "
    "float(sys.argv[5]))"
)


class QueryServiceProcess:
    """The service, started in a fresh interpreter for one server; ``address`` reaches it."""

    def __init__(
        self,
        store: Path,
        size: int,
        max_rows: int,
        idle_exit: float,
        startup_timeout: float = 30.0,
    ) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ldcv-queries-"))  # this user's only
        self.address = str(self.folder / "socket")
        args = [self.address, str(store), str(size), str(max_rows), str(idle_exit)]
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SERVICE_COMMAND, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
        )
        if not _ready(self.process, startup_timeout):
            self.stop()
            raise SparqlError(f"the query service did not start within {startup_timeout:g} s")

    def stop(self) -> None:
        """Stop the service (and so its workers) and remove its socket."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _ready(process: subprocess.Popen, timeout: float) -> bool:
    """Wait for the service's ready line, for ``timeout`` seconds at most."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return False
    return process.stdout.readline() == b"ready\n"


class ServiceQueries:
    """What :class:`QueryPool` offers the endpoint (``run``, ``close``), answered by the
    service at ``address`` from ``snapshot``. Where the service is out of reach, this process
    answers with a pool of its own, ``fallback()``, and says so once in the log; each request
    tries the service first, so a service started again is used again.
    """

    def __init__(self, address: str, snapshot: Path, fallback: Callable[[], QueryPool]) -> None:
        self.address = address
        self.snapshot = str(snapshot)
        self._fallback = fallback
        self._local: QueryPool | None = None
        self._lock = threading.Lock()

    def run(self, request: QueryRequest, timeout: float, wait: float | None = None) -> Reply:
        """Answer a request in the service; raise what the pool there raised.

        A service that cannot be reached, or ends before it answers, leaves the request to
        this process's own pool: queries only read, so asking again is safe.
        """
        fields: dict[str, Any] = {
            **asdict(request),
            "snapshot": self.snapshot,
            "timeout": timeout,
            "wait": wait,
        }
        limit = (timeout if wait is None else wait) + timeout + STARTUP_ALLOWANCE
        try:
            with Client(self.address, family=_FAMILY) as conn:
                conn.send_bytes(json.dumps(fields).encode())
                if not conn.poll(limit):
                    raise SparqlError(f"the query service did not answer within {limit:g} s")
                head = conn.recv_bytes()
                if head[:1] == _FAILURE:
                    raise _error_from(head)
                body = conn.recv_bytes()
        except (EOFError, OSError) as error:
            return self._local_pool(error).run(request, timeout, wait)
        return Reply(head[2:].decode(), body, truncated=head[1:2] == b"1")

    def _local_pool(self, error: OSError | EOFError) -> QueryPool:
        with self._lock:
            if self._local is None:
                log.warning(
                    "the query service at %s is out of reach (%s); "
                    "this process answers queries itself",
                    self.address,
                    error,
                )
                self._local = self._fallback()
            return self._local

    def close(self) -> None:
        """Stop this process's own pool, if the service was ever out of reach."""
        with self._lock:
            local, self._local = self._local, None
        if local is not None:
            local.close()
