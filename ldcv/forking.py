"""Spread CPU-bound work over forked processes, where that is safe.

Preparing a large dataset (validation, rendering every document) is CPU-bound and
pure: forked children read what the parent prepared and return small results.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.pool import Pool
from typing import Any

from ldcv.native_memory import TRIM_THREAD_NAME


def cpu_count() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def may_fork(jobs: int) -> bool:
    """Whether work may go to ``jobs`` forked processes: several, and no other thread running.

    A process forked while another thread holds a lock (a server reloading its data
    beside request threads, or a server's native threads, which Python's ``threading``
    does not see) may wait for it forever; such callers work in one process.
    """
    return jobs > 1 and "fork" in get_all_start_methods() and _threads() == 1


# Native names (``/proc/self/task/*/comm``) of the threads a fork may leave behind.
# RocksDB's background threads (``rocksdb:low``, ``rocksdb:high``) outlive every store a
# process opened, and only ever flush and compact stores; a forked worker never uses a
# store its parent opened (it opens its own, or none). ldcv's malloc-trim thread
# (``ldcv.native_memory``) only waits on an event and calls ``malloc_trim``, and glibc
# holds every malloc lock across a fork.
FORK_SAFE_THREADS = ("rocksdb:", TRIM_THREAD_NAME)


def _threads() -> int:
    """Threads of this process that a forked child could wait on, native ones included."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:  # not Linux
        return threading.active_count()
    return sum(1 for task in tasks if not _is_fork_safe(task))


def _is_fork_safe(task: str) -> bool:
    try:
        with open(f"/proc/self/task/{task}/comm", encoding="utf-8") as comm:
            return comm.read().startswith(FORK_SAFE_THREADS)
    except OSError:  # the thread ended meanwhile
        return True


def _default_signals() -> None:
    # A server (granian) may install handlers that ignore SIGTERM before it calls the
    # app factory; children inheriting them would survive Pool.terminate() and hang it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_worker() -> None:
    _default_signals()
    # Handed over by a parent whose workers feed another process on the same cores (an
    # engine writing what they make): that one keeps pace rather than falling behind.
    lower = _HANDED.get(WORKER_NICENESS, 0)
    if lower:
        os.nice(lower)


def start_pool(jobs: int) -> Pool:
    """A pool of ``jobs`` forked processes with default signal handling (a context manager).

    Inside ``handed_to_workers(worker_niceness=N)`` they run N steps lower in priority.
    """
    return get_context("fork").Pool(jobs, initializer=_start_worker)


# What forked workers inherit: a pool's tasks are pickled to its workers, but what a
# forked child finds in its copy of the parent's memory costs nothing to pass.
_HANDED: dict[str, Any] = {}
WORKER_NICENESS = "worker_niceness"  # handed over: how much lower the workers' priority is


@contextmanager
def handed_to_workers(**objects: Any) -> Iterator[None]:
    """Hand ``objects`` to the processes forked (``start_pool``) inside the ``with`` block.

    They are set just before the block runs and dropped when it ends: start the pool,
    and collect its results, inside it. The children read them with ``inherited``.
    """
    taken = _HANDED.keys() & objects.keys()
    if taken:
        raise RuntimeError(f"already handed to workers: {', '.join(sorted(taken))}")
    _HANDED.update(objects)
    try:
        yield
    finally:
        for name in objects:
            del _HANDED[name]


def inherited(name: str) -> Any:
    """In a forked worker: the object its parent handed over as ``name``."""
    return _HANDED[name]
