"""glibc's malloc told to keep fewer arenas and to return freed pages (ldcv.native_memory)."""

from __future__ import annotations

import ctypes
import platform
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ldcv.native_memory import (
    GrowthBound,
    PeriodicCall,
    PeriodicRelease,
    limit_arenas,
    release_free_memory,
    resident_mib,
)

_GLIBC = platform.libc_ver()[0] == "glibc"

# A child that limits its arenas (or not), then mallocs in six threads at once and prints
# glibc's per-arena statistics ("Arena 0:", "Arena 1:" …) on its standard error.
_THREADS = """
import ctypes, sys, threading
from ldcv.native_memory import limit_arenas
limit_arenas(int(sys.argv[1]))
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
start = threading.Barrier(6)
def allocate():
    start.wait()
    for _ in range(1000):
        libc.malloc(256)
threads = [threading.Thread(target=allocate) for _ in range(6)]
for thread in threads: thread.start()
for thread in threads: thread.join()
libc.malloc_stats()
"""


def _arenas(limit: int) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _THREADS, str(limit)], capture_output=True, text=True, check=True
    )
    return len(re.findall(r"^Arena \d+:", done.stderr, re.M))


def _anonymous_kib() -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^RssAnon:\s+(\d+) kB", status, re.M).group(1))


@pytest.mark.skipif(not _GLIBC, reason="malloc arenas and malloc_trim are glibc's")
@pytest.mark.slow  # starts interpreters
def test_limited_arenas_serve_every_thread_from_that_many():
    assert _arenas(1) == 1
    assert _arenas(0) > 1  # glibc's default: a new thread gets an arena of its own


@pytest.mark.skipif(not _GLIBC, reason="malloc arenas and malloc_trim are glibc's")
def test_no_limit_is_asked_for_zero_arenas():
    assert limit_arenas(0) is False
    assert limit_arenas(8) is True


@pytest.mark.skipif(not _GLIBC, reason="malloc arenas and malloc_trim are glibc's")
def test_freed_pages_below_a_live_block_go_back_to_the_system():
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    # 64 MiB in blocks under the mmap threshold, written so that they are resident, then
    # one block above them that keeps the heap from shrinking when they are freed.
    blocks = [libc.malloc(4096) for _ in range(16_384)]
    for block in blocks:
        ctypes.memset(block, 1, 4096)
    pinned = libc.malloc(64)
    for block in blocks:
        libc.free(block)
    before = _anonymous_kib()
    assert release_free_memory() is True
    after = _anonymous_kib()
    libc.free(pinned)
    assert before - after > 32 * 1024, (before, after)


def test_the_periodic_release_runs_until_stopped():
    calls: list[int] = []
    thrice = threading.Event()

    def release() -> None:
        calls.append(1)
        if len(calls) >= 3:
            thrice.set()

    releaser = PeriodicRelease(0.01, release).start()
    assert thrice.wait(5)
    releaser.stop()
    stopped_at = len(calls)
    threading.Event().wait(0.05)
    assert len(calls) == stopped_at


# -- GrowthBound: shed what cannot be sized, once the process has grown enough -----------------


class _Readings:
    """Resident sizes given in turn, as ``resident_mib`` would read them."""

    def __init__(self, *sizes: float) -> None:
        self.sizes = list(sizes)

    def __call__(self) -> float:
        return self.sizes.pop(0)


def test_growth_past_the_bound_sheds_once_then_counts_from_what_is_left():
    sheds: list[int] = []
    # Start at 100; 140 is within 50; 160 passes it (shed, then 110); 150 is within 50 of
    # 110; 170 passes it.
    bound = GrowthBound(50, lambda: sheds.append(1), _Readings(100, 140, 160, 110, 150, 170, 105))
    assert bound.check() is None
    assert bound.check() == 160 and len(sheds) == 1
    assert bound.check() is None
    assert bound.check() == 170 and len(sheds) == 2 and bound.sheds == 2


def test_the_lowest_point_since_the_last_shed_is_the_baseline():
    # What a reader held at the shed is freed later: 90 then counts, not 130.
    sheds: list[int] = []
    bound = GrowthBound(50, lambda: sheds.append(1), _Readings(100, 200, 130, 90, 150, 95))
    assert bound.check() == 200
    assert bound.check() is None  # 90: the new low
    assert bound.check() == 150 and len(sheds) == 2


def test_at_the_ceiling_it_sheds_whatever_its_lowest_and_while_it_stays_there():
    sheds: list[int] = []
    # Start at 290, the bound 64, the ceiling 320: 330 is within 64 of 290 but at the
    # ceiling (shed, then 325); 322 is still there (shed, then 300); 310 is below it.
    readings = _Readings(290, 330, 325, 322, 300, 310)
    bound = GrowthBound(64, lambda: sheds.append(1), readings, ceiling_mib=320)
    assert bound.check() == 330 and len(sheds) == 1
    assert bound.check() == 322 and len(sheds) == 2
    assert bound.check() is None and len(sheds) == 2 and not readings.sizes


def test_without_a_ceiling_only_growth_sheds():
    sheds: list[int] = []
    bound = GrowthBound(64, lambda: sheds.append(1), _Readings(290, 330, 340))
    assert bound.check() is None and bound.check() is None and not sheds


def test_a_real_growth_of_the_process_is_shed():
    sheds: list[int] = []
    bound = GrowthBound(16, lambda: sheds.append(1))
    assert bound.check() is None
    held = bytearray(48 * 1024 * 1024)  # zero pages: written below, so resident
    for page in range(0, len(held), 4096):
        held[page] = 1
    grown = bound.check()
    assert sheds == [1] and grown is not None and grown > 0
    assert resident_mib() >= grown - 1  # it sheds what it was told to: ``held`` is kept
    del held


def test_a_watched_bound_checks_until_stopped():
    sheds: list[int] = []
    twice = threading.Event()

    def shed() -> None:
        sheds.append(1)
        if len(sheds) >= 2:
            twice.set()

    readings = iter(range(0, 10_000, 100))  # every look grows past the bound
    bound = GrowthBound(10, shed, lambda: next(readings)).watch(0.01)
    assert twice.wait(5)
    bound.stop()
    stopped_at = len(sheds)
    threading.Event().wait(0.05)
    assert len(sheds) == stopped_at


def test_a_failed_call_is_logged_and_the_calls_go_on(caplog):
    calls: list[int] = []
    twice = threading.Event()

    def fail_first() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("the snapshot is gone")
        twice.set()

    with caplog.at_level("ERROR", logger="ldcv.native_memory"):
        periodic = PeriodicCall(0.01, fail_first, "test-periodic").start()
        assert twice.wait(5)
        periodic.stop()
    assert "test-periodic failed" in caplog.text and "the snapshot is gone" in caplog.text
