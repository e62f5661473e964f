"""A read-only store snapshot that can let go of RocksDB's caches by opening itself afresh.

pyoxigraph sizes RocksDB's caches itself and offers no way to bound them: a block cache
for the strings (128 MiB), one for the rest (32 MiB), and the index blocks of every table
read. A process fills them with what it reads. Measured at 10,000 CVs, one process that
rendered 250 documents held 150–180 MiB of them; at 1,000 CVs, whose tables are smaller,
80 MiB. So a server's memory grew with the dataset, process by process. Dropping the
handle frees the caches, and opening a snapshot read-only again takes some 20 ms: a
process that opens its snapshot afresh whenever it has grown enough (``GrowthBound`` in
``ldcv.native_memory``) holds the same at any size.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox


class ReopeningStore:
    """A pyoxigraph store opened read-only at ``path``, which ``reopen`` opens afresh.

    It answers as the ``pyoxigraph.Store`` it holds. A reader in another thread keeps the
    handle it started with (an iterator holds its store) until it is done, so a reopen
    never disturbs a read; the old caches go when the last such reader does.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._store = ox.Store.read_only(self.path)
        self.reopened = 0

    @property
    def handle(self) -> ox.Store:
        """Return the pyoxigraph store read now."""
        return self._store

    def reopen(self) -> bool:
        """Open the snapshot afresh; the old handle and its caches go with their last reader.

        A snapshot that cannot be opened any more (a superseded generation the indexer has
        removed, which an open handle still reads) keeps its handle: False.
        """
        try:
            fresh = ox.Store.read_only(self.path)
        except OSError:
            return False
        self._store = fresh
        self.reopened += 1
        return True

    # The reads ldcv makes, forwarded without __getattr__'s failed lookup first: a
    # document makes thousands of them.
    def quads_for_pattern(self, *pattern: Any, **options: Any) -> Iterator[ox.Quad]:
        """Return the quads matching the pattern (``pyoxigraph.Store.quads_for_pattern``)."""
        return self._store.quads_for_pattern(*pattern, **options)

    def query(self, query: str, **options: Any) -> Any:
        """Evaluate a SPARQL query (``pyoxigraph.Store.query``)."""
        return self._store.query(query, **options)

    def named_graphs(self) -> Iterator[Any]:
        """Return the store's named graphs."""
        return self._store.named_graphs()

    def contains_named_graph(self, graph: Any) -> bool:
        """Whether the store holds the named graph ``graph``."""
        return self._store.contains_named_graph(graph)

    def __len__(self) -> int:
        return len(self._store)

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def __contains__(self, quad: object) -> bool:
        return quad in self._store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)
