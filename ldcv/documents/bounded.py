"""A least-recently-used cache with a bound on what it holds: entries, or bytes.

What the server makes on demand from a store (documents, their representations, what
pages share) is kept here rather than in a plain dict, so that memory stays flat however
many paths a crawler asks for. Safe to use from several threads.

Entries may name the byte strings they hold (``holds``): one held by several entries (a
document's rendered body, and the response the memo replays with it) weighs once, from
when the first entry holding it is kept until the last one holding it goes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_ABSENT: Any = object()


class BoundedCache(Generic[K, V]):
    """At most ``limit`` of weight (by default each entry weighs 1), the least recently used
    going first. An entry may grow after it is added (``weigh_more``); the bytes it holds
    weigh their length, once however many entries hold them."""

    def __init__(self, limit: int) -> None:
        if limit < 0:
            raise ValueError(f"a cache bound cannot be negative: {limit}")
        self.limit = limit
        # Each entry: its value, its own weight, and the byte strings it holds.
        self._entries: OrderedDict[K, tuple[V, int, tuple[bytes, ...]]] = OrderedDict()
        self._held: dict[int, list[Any]] = {}  # id → [the bytes, how many entries hold them]
        self._weight = 0
        self._lock = threading.Lock()

    @property
    def weight(self) -> int:
        """What the entries weigh together."""
        return self._weight

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: K, default: Any = None) -> Any:
        """The value kept for ``key`` (now the most recently used), else ``default``."""
        with self._lock:
            found = self._entries.get(key, _ABSENT)
            if found is _ABSENT:
                return default
            self._entries.move_to_end(key)
            return found[0]

    def __setitem__(self, key: K, value: V) -> None:
        self.put(key, value)

    def put(self, key: K, value: V, weight: int = 1, holds: Iterable[bytes] = ()) -> V:
        """Keep ``value`` for ``key`` unless one is kept already; return the one kept (or given).

        ``holds``: the byte strings ``value`` holds, weighed by their length where no other
        entry holds them. A value heavier than the whole bound is returned, not kept.
        """
        with self._lock:
            found = self._entries.get(key, _ABSENT)
            if found is not _ABSENT:
                self._entries.move_to_end(key)
                return found[0]
            held = tuple(holds)
            self._entries[key] = (value, weight, held)
            self._weight += weight + self._hold(held)
            self._evict()
            return value

    def weigh_more(self, key: K, value: V, weight: int, holds: Iterable[bytes] = ()) -> None:
        """Add ``weight`` and the bytes ``holds`` to the entry of ``key``, if it still holds
        ``value``; evict to fit."""
        with self._lock:
            found = self._entries.get(key, _ABSENT)
            if found is _ABSENT or found[0] is not value:
                return  # evicted meanwhile: what it grew by is not held here
            held = tuple(holds)
            self._entries[key] = (value, found[1] + weight, found[2] + held)
            self._weight += weight + self._hold(held)
            self._evict()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._held.clear()
            self._weight = 0

    def _hold(self, held: tuple[bytes, ...]) -> int:
        """Count one more holder of each of ``held``; return the length of those new here."""
        added = 0
        for body in held:
            count = self._held.get(id(body))
            if count is None:
                # The bytes themselves are kept with their count: their id stays theirs.
                self._held[id(body)] = [body, 1]
                added += len(body)
            else:
                count[1] += 1
        return added

    def _release(self, held: tuple[bytes, ...]) -> int:
        """Count one less holder of each of ``held``; return the length of those no longer held."""
        freed = 0
        for body in held:
            count = self._held[id(body)]
            count[1] -= 1
            if count[1] == 0:
                del self._held[id(body)]
                freed += len(body)
        return freed

    def _evict(self) -> None:
        """Drop the least recently used entries until the rest fit (even a new one too big)."""
        while self._weight > self.limit and self._entries:
            _, (_, weight, held) = self._entries.popitem(last=False)
            self._weight -= weight + self._release(held)
