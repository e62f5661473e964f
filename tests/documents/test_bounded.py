"""The least-recently-used cache that bounds what is made on demand (``ldcv.documents.bounded``)."""

from __future__ import annotations

import threading

import pytest

from ldcv.documents.bounded import BoundedCache


def test_the_least_recently_used_entry_goes_first():
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache["a"], cache["b"] = 1, 2
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache["c"] = 3
    assert ("a" in cache, "b" in cache, "c" in cache) == (True, False, True)
    assert len(cache) == 2 and cache.weight == 2


def test_a_weighed_cache_holds_at_most_its_weight():
    cache: BoundedCache[str, str] = BoundedCache(100)
    for n in range(10):
        cache.put(f"k{n}", "v", weight=30)
        assert cache.weight <= 100
    assert len(cache) == 3 and {"k7", "k8", "k9"} == {k for k in ("k7", "k8", "k9") if k in cache}


def test_an_entry_that_grows_pushes_older_ones_out():
    cache: BoundedCache[str, object] = BoundedCache(100)
    first, second = object(), object()
    cache.put("first", first, weight=10)
    cache.put("second", second, weight=10)
    cache.weigh_more("second", second, 85)
    assert "first" not in cache and "second" in cache and cache.weight == 95


def test_growth_of_an_entry_no_longer_kept_is_not_counted():
    cache: BoundedCache[str, object] = BoundedCache(2)
    gone, replacement = object(), object()
    cache.put("k", gone)
    cache.clear()
    cache.put("k", replacement)
    cache.weigh_more("k", gone, 1000)  # the old value, rendered late by another thread
    assert cache.get("k") is replacement and cache.weight == 1


def test_a_value_heavier_than_the_bound_is_given_back_but_not_kept():
    cache: BoundedCache[str, str] = BoundedCache(10)
    cache.put("small", "s", weight=5)
    assert cache.put("huge", "h", weight=11) == "h"
    assert "huge" not in cache and cache.weight <= 10


def test_the_first_value_kept_for_a_key_wins():
    cache: BoundedCache[str, str] = BoundedCache(10)
    assert cache.put("k", "first") == "first"
    assert cache.put("k", "second") == "first"


def test_a_missing_key_gives_the_default():
    cache: BoundedCache[str, str] = BoundedCache(10)
    assert cache.get("nothing") is None
    assert cache.get("nothing", False) is False


def test_a_negative_bound_is_refused():
    with pytest.raises(ValueError):
        BoundedCache(-1)


def test_threads_together_never_exceed_the_bound():
    cache: BoundedCache[int, int] = BoundedCache(50)

    def work(offset: int) -> None:
        for n in range(2000):
            cache.put(offset + n % 200, n, weight=1 + n % 3)
            cache.get(offset + (n * 7) % 200)

    threads = [threading.Thread(target=work, args=(k * 1000,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 0 < cache.weight <= 50


def test_bytes_two_entries_hold_weigh_once_until_the_last_holder_goes():
    cache: BoundedCache[str, str] = BoundedCache(10_000)
    body = b"x" * 1000
    cache.put("document", "d", weight=10, holds=[body])
    cache.put("answer", "a", weight=5, holds=[body])
    assert cache.weight == 10 + 5 + 1000
    cache.put("filler", "f", weight=10_000 - 1015)  # full: the next entry pushes "document" out
    cache.put("more", "m", weight=1)
    assert "document" not in cache and "answer" in cache
    assert cache.weight == 5 + 1000 + (10_000 - 1015) + 1  # the answer still holds the bytes
    cache.put("last", "l", weight=9000)  # pushes out the answer too: the bytes go with it
    assert "answer" not in cache and cache.weight == 9000 + 1


def test_a_cache_of_bodies_stops_at_its_bound_in_bytes():
    cache: BoundedCache[int, str] = BoundedCache(50_000)
    for n in range(100):
        cache.put(n, "v", weight=100)
        cache.weigh_more(n, "v", 0, holds=[bytes(900 + n)])  # a new body each time
        assert cache.weight <= 50_000
    kept = [n for n in range(100) if n in cache]
    assert kept == list(range(100 - len(kept), 100))  # the latest
    assert cache.weight == sum(100 + 900 + n for n in kept)


def test_growing_an_entry_by_bytes_it_holds_already_adds_nothing():
    cache: BoundedCache[str, str] = BoundedCache(10_000)
    body = b"y" * 500
    cache.put("k", "v", weight=1, holds=[body])
    cache.weigh_more("k", "v", 0, holds=[body])
    assert cache.weight == 501
    cache.clear()
    assert cache.weight == 0 and len(cache) == 0
