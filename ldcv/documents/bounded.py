"""A least-recently-used cache with a bound on what it holds: entries, or bytes.

What the server makes on demand from a store (documents, their representations, what
pages share) is kept here rather than in a plain dict, so that memory stays flat however
many paths a crawler asks for. Safe to use from several threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_ABSENT: Any = object()


class BoundedCache(Generic[K, V]):
    """At most ``limit`` of weight (by default each entry weighs 1), the least recently used
    going first. An entry may grow after it is added (``weigh_more``)."""

    def __init__(self, limit: int) -> None:
        if limit < 0:
            raise ValueError(f"a cache bound cannot be negative: {limit}")
        self.limit = limit
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
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

    def put(self, key: K, value: V, weight: int = 1) -> V:
        """Keep ``value`` for ``key`` unless one is kept already; return the one kept (or given).

        A value heavier than the whole bound is returned, not kept.
        """
        with self._lock:
            found = self._entries.get(key, _ABSENT)
            if found is not _ABSENT:
                self._entries.move_to_end(key)
                return found[0]
            self._entries[key] = (value, weight)
            self._weight += weight
            self._evict()
            return value

    def weigh_more(self, key: K, value: V, weight: int) -> None:
        """Add ``weight`` to the entry of ``key``, if it still holds ``value``; evict to fit."""
        with self._lock:
            found = self._entries.get(key, _ABSENT)
            if found is _ABSENT or found[0] is not value:
                return  # evicted meanwhile: what it grew by is not held here
            self._entries[key] = (value, found[1] + weight)
            self._weight += weight
            self._evict()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0

    def _evict(self) -> None:
        """Drop the least recently used entries until the rest fit (even a new one too big)."""
        while self._weight > self.limit and self._entries:
            _, (_, weight) = self._entries.popitem(last=False)
            self._weight -= weight
