"""The latest values made, by key: the bounded memory of a bibliography's parts."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Kept(Generic[K, V]):
    """The latest ``kept`` values made, by key; safe to share between threads.

    Two threads asking for one missing key may both make it: the values are pure, and
    making one under the lock would hold every other thread up.
    """

    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def made(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key``, else ``make()``'s, kept from now on."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._kept:
                self._values.popitem(last=False)
        return value
