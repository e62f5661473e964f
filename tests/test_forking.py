"""Handing objects to forked workers: there while the pool works, gone after."""

from __future__ import annotations

import pytest

from ldcv.forking import WORKER_NICENESS, handed_to_workers, inherited, may_fork, start_pool


def _read(name: str) -> object:
    return inherited(name)


@pytest.mark.skipif(not may_fork(2), reason="forking is not possible here")
def test_forked_workers_read_what_was_handed_to_them_unpickled():
    def unpicklable() -> str:  # a local function: pickle cannot send it
        return "made in the parent"

    with handed_to_workers(make=unpicklable, size=3), start_pool(2) as pool:
        made = pool.map(_read, ["size", "size"])
        assert made == [3, 3]
        assert pool.apply(_call_inherited) == "made in the parent"
    with pytest.raises(KeyError):
        inherited("make")


def _call_inherited() -> str:
    return inherited("make")()


def _niceness(_: object = None) -> int:
    import os

    return os.nice(0)


@pytest.mark.skipif(not may_fork(2), reason="forking is not possible here")
def test_workers_handed_a_niceness_run_that_much_lower_in_priority():
    here = _niceness()
    with handed_to_workers(**{WORKER_NICENESS: 3}), start_pool(2) as pool:
        assert pool.map(_niceness, [1, 2]) == [min(here + 3, 19)] * 2
    with start_pool(2) as pool:  # by default, the parent's priority
        assert pool.map(_niceness, [1, 2]) == [here, here]
    assert _niceness() == here


def test_the_objects_are_dropped_even_when_the_block_fails():
    with pytest.raises(ValueError), handed_to_workers(tasks=[1, 2]):
        assert inherited("tasks") == [1, 2]
        raise ValueError("the pool failed")
    with pytest.raises(KeyError):
        inherited("tasks")


def test_a_name_cannot_be_handed_twice_at_once():
    with handed_to_workers(graph="first"):
        with pytest.raises(RuntimeError, match="graph"), handed_to_workers(graph="second"):
            pass
        assert inherited("graph") == "first"
    with pytest.raises(KeyError):
        inherited("graph")


def _in_a_new_process(code: str) -> str:
    """Run ``code`` in a new interpreter: this one may have threads of other tests."""
    import subprocess
    import sys

    finished = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return finished.stdout.strip()


def test_a_store_this_process_opened_does_not_stop_forking(tmp_path):
    code = f"""
import pyoxigraph
from ldcv.forking import may_fork, start_pool
store = pyoxigraph.Store({str(tmp_path / "store")!r})
store.add(pyoxigraph.Quad(*(pyoxigraph.NamedNode("https://example.org/" + n) for n in "spo")))
store.flush()
del store  # RocksDB's background threads stay: they must not count
allowed = may_fork(2)
with start_pool(2) as pool:
    print(allowed, pool.map(abs, [-1, -2]))
"""
    assert _in_a_new_process(code) == "True [1, 2]"


def test_another_python_thread_stops_forking():
    code = """
import threading, time
from ldcv.forking import may_fork
release = threading.Event()
waiting = threading.Thread(target=release.wait)
waiting.start()
during = may_fork(2)
release.set()
waiting.join()
# join() returns before the kernel has reaped the thread's task: give it a moment.
deadline = time.monotonic() + 5
while not may_fork(2) and time.monotonic() < deadline:
    time.sleep(0.01)
print(during, may_fork(2))
"""
    assert _in_a_new_process(code) == "False True"


def test_a_malloc_trim_thread_does_not_stop_forking():
    code = """
import os, time
from ldcv.forking import may_fork, start_pool
from ldcv.native_memory import TRIM_THREAD_NAME, PeriodicRelease
releaser = PeriodicRelease(3600).start()
def names():
    tasks = os.listdir("/proc/self/task")
    return [open(f"/proc/self/task/{t}/comm").read().strip() for t in tasks]
deadline = time.monotonic() + 10
while TRIM_THREAD_NAME not in names() and time.monotonic() < deadline:
    time.sleep(0.01)
allowed = may_fork(2)
with start_pool(2) as pool:
    print(TRIM_THREAD_NAME in names(), allowed, pool.map(abs, [-1, -2]))
releaser.stop()
"""
    assert _in_a_new_process(code) == "True True [1, 2]"
