"""Fixtures of the store tests: a fresh store directory, the seed as N-Triples, and a way
to kill an ``ldcv index`` process once it writes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ldcv.pipeline import Dataset
from ldcv.store.disk import StoreDirectory


@pytest.fixture
def store_directory(tmp_path: Path) -> StoreDirectory:
    """A store directory in ``tmp_path`` that nothing has written yet."""
    return StoreDirectory(tmp_path / "store")


@pytest.fixture(scope="session")
def seed_ntriples(tmp_path_factory: pytest.TempPathFactory, seed_dataset: Dataset) -> Path:
    """The seed's graph as an N-Triples file, for processes that need it quickly."""
    path = tmp_path_factory.mktemp("seed") / "seed.nt"
    seed_dataset.graph.serialize(path, format="nt", encoding="utf-8")
    return path


def _kill_once_writing(process: subprocess.Popen, store: Path, after: float) -> None:
    """SIGKILL ``process`` ``after`` seconds past its taking ``store``'s writer lock."""
    lock, holder = store / "writer.lock", f"{process.pid}\n"
    deadline = time.monotonic() + 120
    # The lock file names its holder: waiting for it, not a fixed time, lets the kill land
    # at the same point of the work however loaded the machine is.
    while not (lock.is_file() and lock.read_text(encoding="ascii") == holder):
        assert process.poll() is None, "the index ended before it took the writer lock"
        assert time.monotonic() < deadline, f"{process.args} took no writer lock in 120 s"
        time.sleep(0.01)
    time.sleep(after)
    assert process.poll() is None, "the index finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="session")
def kill_once_writing() -> Callable[[subprocess.Popen, Path, float], None]:
    """``kill_once_writing(process, store_path, after)``: SIGKILL an ``ldcv index`` process
    ``after`` seconds past its taking the store's writer lock (the lock file holds its pid)."""
    return _kill_once_writing
