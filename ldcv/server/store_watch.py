"""Serve the store's current snapshot, and swap to each newer one the indexer publishes.

Every server process polls the store's generation (one small file read) and, when it
moves, opens the new snapshot and installs a catalog over it in one assignment: a
request in flight finishes on the old snapshot, the next one sees the new. A process
never indexes while it serves; ``--reload`` runs ``ldcv index`` in a subprocess, so a
bad edit leaves the last good snapshot serving, and the index's report goes to the log.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ldcv.errors import EXIT_BUSY, ConfigError, LdcvError
from ldcv.native_memory import GrowthBound
from ldcv.server.reload import Poller, RetryLater
from ldcv.store.disk import Snapshot, StoreDirectory

log = logging.getLogger("ldcv.server")


def open_current(directory: StoreDirectory) -> Snapshot:
    """Open the store's current snapshot; say what to run if there is none."""
    snapshot = directory.open_snapshot()
    if snapshot is None:
        raise ConfigError(
            f"{directory.path}: no store here yet; run `ldcv index PATH --store {directory.path}`"
        )
    return snapshot


def snapshot_base(snapshot: Snapshot, fallback: str) -> str:
    """The base URI the snapshot's IRIs were minted under (its records say), else ``fallback``."""
    bases = {r.details.get("base") for r in snapshot.records.values()} - {None}
    if len(bases) > 1:
        raise ConfigError(f"{snapshot.path}: graphs under several base URIs: {sorted(bases)}")
    return bases.pop() if bases else fallback.rstrip("/")


def snapshot_modified(snapshot: Snapshot) -> datetime:
    """When the newest CV file of the snapshot was last modified."""
    newest = max((r.details.get("modified", 0) for r in snapshot.records.values()), default=0)
    return datetime.fromtimestamp(int(newest), UTC)


class GenerationWatcher(Poller):
    """Call ``install`` with each snapshot the store publishes after the one being served."""

    thread_name = "ldcv-store"
    failure = "opening the store's new snapshot failed"

    def __init__(
        self,
        directory: StoreDirectory,
        generation: int,
        install: Callable[[Snapshot], None],
        interval: float = 1.0,
    ) -> None:
        self.directory = directory
        self.generation = generation
        self.install = install
        super().__init__(interval)

    def check(self) -> bool:
        """Install the current snapshot if it is newer; return whether it was."""
        current = self.directory.generation()
        if current is None or current == self.generation:
            return False
        snapshot = self.directory.open_snapshot()
        if snapshot is None:
            return False
        self.install(snapshot)
        log.info("serving store generation %s (was %s)", snapshot.generation, self.generation)
        self.generation = snapshot.generation
        return True


class StoreBusyNow(RetryLater):
    """Another process is indexing: try again at the next look."""


def reindex(paths: Sequence[str | Path], store: Path, base_uri: str) -> None:
    """Run ``ldcv index`` on ``paths`` in a subprocess; raise with its report if it failed."""
    command = [sys.executable, "-m", "ldcv", "index", *map(str, paths)]
    command += ["--store", str(store), "--base-uri", base_uri]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    report = finished.stderr.strip()
    if finished.returncode == 0:
        log.info("indexed the changed files:\n%s", report)
        return
    if finished.returncode == EXIT_BUSY:
        raise StoreBusyNow(report)
    raise LdcvError(report or f"ldcv index exited with {finished.returncode}")


# Seconds between looks at this process's memory: rendering fills RocksDB's caches at
# some 50 MiB a second at most (measured at 10,000 CVs), so a look a second overshoots
# the bound by that much at worst, for a read of /proc/self/statm.
CACHE_CHECK_INTERVAL = 1.0


def bound_store_caches(
    current: Callable[[], Snapshot], limit_mib: float, ceiling_mib: float | None = None
) -> GrowthBound:
    """Reopen the snapshot ``current()`` returns whenever this process grows ``limit_mib``,
    and whenever it holds ``ceiling_mib``.

    Whatever grew, RocksDB's caches are what a reopen lets go of (``ldcv.store.reopening``).
    The documents' caches are bounded on their own (``LDCV_CACHE_MB``): while they fill,
    the store is reopened a few times more than it needs, and they are kept. The ceiling
    is granian's bound (``LDCV_WORKER_MAX_MB``): a worker there lets go of the store's
    caches at once, which may spare it its replacement, and otherwise lowers what it and
    its successor hold side by side (at 10,000 CVs, the server's highest).
    """

    def shed() -> None:
        snapshot = current()
        if snapshot.store.reopen():
            log.debug("reopened store generation %s to let go of its caches", snapshot.generation)

    return GrowthBound(limit_mib, shed, ceiling_mib=ceiling_mib).watch(CACHE_CHECK_INTERVAL)
