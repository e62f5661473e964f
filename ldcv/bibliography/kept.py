"""The latest values made, by key: the bounded memory of a bibliography's parts."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


def _one(key: object, value: object) -> int:
    return 1


class Kept(Generic[K, V]):
    """The latest values made, by key, up to ``kept`` of weight; safe to share between threads.

    Each value weighs 1 unless ``weigh(key, value)`` says otherwise (a list, by its
    length): a bound on what the values hold, whatever they hold. Two threads asking for
    one missing key may both make it: the values are pure, and making one under the lock
    would hold every other thread up.
    """

    def __init__(self, kept: int, weigh: Callable[[K, V], int] = _one) -> None:
        self._kept = kept
        self._weigh = weigh
        self._values: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    @property
    def weight(self) -> int:
        """What the values kept weigh together."""
        return self._weight

    def __len__(self) -> int:
        return len(self._values)

    def made(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key``, else ``make()``'s, kept from now on."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key][0]
        value = make()
        weight = self._weigh(key, value)
        with self._lock:
            replaced = self._values.pop(key, None)
            if replaced is not None:
                self._weight -= replaced[1]
            self._values[key] = (value, weight)
            self._weight += weight
            while self._weight > self._kept and self._values:
                _, (_, gone) = self._values.popitem(last=False)
                self._weight -= gone
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._values.clear()
            self._weight = 0
