"""Handing objects to forked workers: there while the pool works, gone after."""

from __future__ import annotations

import pytest

from ldcv.forking import handed_to_workers, inherited, may_fork, start_pool


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


def test_a_store_this_process_opened_does_not_stop_forking(tmp_path):
    import pyoxigraph

    store = pyoxigraph.Store(str(tmp_path / "store"))
    store.add(pyoxigraph.Quad(*(pyoxigraph.NamedNode(f"https://example.org/{n}") for n in "spo")))
    store.flush()
    del store  # RocksDB's background threads stay: they must not count

    assert may_fork(2)
    with handed_to_workers(size=3), start_pool(2) as pool:
        assert pool.map(_read, ["size", "size"]) == [3, 3]


def test_another_python_thread_stops_forking():
    import threading

    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        assert not may_fork(2)
    finally:
        release.set()
        waiting.join()
    assert may_fork(2)
