"""Keep glibc's malloc from holding memory that a long-lived, threaded process has freed.

A server process renders documents in several threads, and pyoxigraph's RocksDB adds its
own. glibc gives each thread that meets a locked heap a heap (an arena) of its own, up to
eight per core, and keeps what is freed in each for reuse: measured at 10,000 CVs, one
process that rendered 300 documents in four threads held 236 MiB free inside its arenas
beside 230 MiB in use. Two arenas held 107 MiB free, at the same CPU per document; and
``malloc_trim(0)`` hands the free pages in the middle of every heap back to the system
(some 60–190 MiB there, in 20–60 ms).

The arena limit is set with ``mallopt`` at run time, before the process starts its
threads, rather than with ``MALLOC_ARENA_MAX`` in the environment: granian forks its
workers from a process whose malloc read its environment long before. Elsewhere than on
glibc (musl, macOS) both do nothing and say so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

# mallopt's parameter number for the arena limit (glibc's malloc.h: M_ARENA_MAX).
_M_ARENA_MAX = -8
# prctl's option that names the calling thread (linux/prctl.h), at most 15 bytes.
_PR_SET_NAME = 15
# The trim thread's native name: ``ldcv.forking`` lets a process fork beside it.
TRIM_THREAD_NAME = "ldcv-trim"


def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    library = ctypes.CDLL(name)
    if not hasattr(library, "malloc_trim") or not hasattr(library, "mallopt"):
        return None  # not glibc
    return library


def resident_mib() -> float:
    """This process's resident memory in MiB, as granian weighs its workers (0 if unknown)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, IndexError, ValueError):  # no procfs (macOS): never past a bound
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def limit_arenas(count: int) -> bool:
    """Let malloc make at most ``count`` arenas in this process; False where it cannot.

    ``count`` 0 leaves glibc's default (eight a core). Arenas made already are kept.
    """
    library = _glibc()
    if library is None or count <= 0:
        return False
    return bool(library.mallopt(_M_ARENA_MAX, count))


def release_free_memory() -> bool:
    """Return the pages malloc holds free to the system; True if any were returned."""
    library = _glibc()
    return bool(library is not None and library.malloc_trim(0))


class PeriodicCall:
    """A daemon thread that calls ``call`` every ``interval`` seconds until stopped.

    ``native_name``: the thread's name as the system sees it (``/proc/self/task/*/comm``),
    which ``ldcv.forking`` reads.
    """

    def __init__(
        self, interval: float, call: Callable[[], object], name: str, native_name: str = ""
    ) -> None:
        self.interval = interval
        self._call = call
        self._native_name = native_name
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> PeriodicCall:
        """Start the thread; return self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stopped.set()
        self._thread.join()

    def _run(self) -> None:
        if self._native_name:
            _name_this_thread(self._native_name)
        while not self._stopped.wait(self.interval):
            try:
                self._call()
            except Exception:  # one failed call must not end the calls to come
                log.exception("%s failed", self._thread.name)


class PeriodicRelease(PeriodicCall):
    """A daemon thread that calls ``release`` every ``interval`` seconds until stopped."""

    def __init__(
        self, interval: float, release: Callable[[], object] = release_free_memory
    ) -> None:
        super().__init__(interval, release, "ldcv-malloc-trim", TRIM_THREAD_NAME)


class GrowthBound:
    """Call ``shed`` when this process has grown ``limit_mib`` past its lowest since the last.

    For caches that cannot be sized, only dropped (RocksDB's, under pyoxigraph: see
    ``ldcv.store.reopening``). The lowest point is the baseline, not the size at the
    last shed: memory a reader still held then, freed later, lowers it. ``check`` is
    called between units of work (a query worker's queries), or ``watch`` checks every
    ``interval`` seconds in a daemon thread (a server's requests run in many threads).
    ``ceiling_mib``: shed too whenever the process holds that much, whatever its lowest
    (a granian worker past ``LDCV_WORKER_MAX_MB``, about to be replaced).
    """

    def __init__(
        self,
        limit_mib: float,
        shed: Callable[[], object],
        resident: Callable[[], float] = resident_mib,
        ceiling_mib: float | None = None,
    ) -> None:
        self.limit_mib = limit_mib
        self.ceiling_mib = ceiling_mib
        self.sheds = 0
        self._shed = shed
        self._resident = resident
        self._lowest = resident()
        self._watcher: PeriodicCall | None = None

    def check(self) -> float | None:
        """Shed if past the bound; return the resident MiB that passed it, else None."""
        now = self._resident()
        if now < self._lowest:
            self._lowest = now
        below_ceiling = self.ceiling_mib is None or now < self.ceiling_mib
        if now - self._lowest <= self.limit_mib and below_ceiling:
            return None
        self._shed()
        release_free_memory()
        self.sheds += 1
        self._lowest = self._resident()
        return now

    def watch(self, interval: float) -> GrowthBound:
        """Check every ``interval`` seconds in a daemon thread until stopped; return self.

        Not a thread ``ldcv.forking`` forks beside: a shed may be opening a store.
        """
        self._watcher = PeriodicCall(interval, self.check, "ldcv-growth-bound").start()
        return self

    def stop(self) -> None:
        """Stop the watching thread, if any, and wait for it."""
        if self._watcher is not None:
            self._watcher.stop()


def _name_this_thread(name: str) -> None:
    """Give the calling thread a native name (``/proc/self/task/*/comm``), where it can."""
    library = _glibc()
    if library is not None and hasattr(library, "prctl"):
        library.prctl(_PR_SET_NAME, name.encode("ascii"), 0, 0, 0)
