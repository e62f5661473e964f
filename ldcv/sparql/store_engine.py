"""Answer queries from a store snapshot on disk: its CV graphs, never the store's own graphs.

A snapshot (``ldcv.store.disk``) holds one named graph per CV, the records graph and the
writer's staging graphs. Every query is given its dataset explicitly, and pyoxigraph's
``default_graph``/``named_graphs`` replace whatever the query's FROM clauses say: so FROM,
FROM NAMED, ``GRAPH ?g`` and the protocol's graph parameters reach CV graphs only, and any
other name is an empty graph. The rest (no SERVICE, query grammar only, the row cap, the
byte answers for the Rust writers) is :class:`OxigraphEngine`'s.

The default graph is the merge of the CV graphs. When the store's own default graph holds
triples, the writer keeps it that merge and queries read it: one index range per pattern,
each triple once. Otherwise they read the list of CV graphs, which pyoxigraph 0.5 walks one
range per graph and pattern, keeping a triple that two CVs state twice (oxigraph#1919).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ldcv.sparql.engines import OxigraphEngine, graph_names
from ldcv.sparql.outcomes import QueryRequest
from ldcv.sparql.scan import dataset_clause, names_a_graph
from ldcv.store.record_table import RecordTable, table_path
from ldcv.store.records import GraphRecord, read_records

_COUNT_MERGED = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
_COUNT_DISTINCT = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"


def keeps_merge(store: ox.Store) -> bool:
    """Tell whether the store's default graph holds the merge of its CV graphs."""
    default_graph = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return next(iter(default_graph), None) is not None


class StoreEngine(OxigraphEngine):
    """Answer queries with pyoxigraph over a read-only store, from its CV graphs only."""

    name = "store"

    def __init__(self, store: ox.Store, records: Mapping[str, GraphRecord]) -> None:
        super().__init__(store)
        self.records = records  # a snapshot's table reads each when asked: not copied
        self.cv_graphs = [ox.NamedNode(graph) for graph in sorted(self.records)]
        self.merged = keeps_merge(store)
        self.default_graph: list[Any] = [ox.DefaultGraph()] if self.merged else self.cv_graphs

    @classmethod
    def open(cls, path: str | Path) -> StoreEngine:
        """Open the snapshot at ``path`` read-only (no copy: cheap, and fine in many processes)."""
        store = ox.Store.read_only(str(path))
        # A snapshot of a store directory (DIR/snapshots/N) has its records in a table,
        # which the server opened first: a query worker reads them by key, not all.
        path = Path(path)
        table = table_path(path.parent.parent, int(path.name)) if path.name.isdigit() else None
        if path.parent.name == "snapshots" and table is not None and table.is_file():
            return cls(store, RecordTable(table))
        return cls(store, read_records(store, details_when_asked=True))

    def dataset_options(self, request: QueryRequest) -> dict[str, Any]:
        """Return the dataset: the one asked for (protocol or FROM) within the CV graphs."""
        if request.has_protocol_dataset:
            defaults, named = request.default_graphs, request.named_graphs
        else:
            clause = dataset_clause(request.query, request.base_iri)
            if clause is None:
                if not names_a_graph(request.query):
                    # It reads no named graph, so none are listed: handing pyoxigraph
                    # 10,000 CV graphs cost 55 ms a query.
                    return {"default_graph": self.default_graph}
                return {"default_graph": self.default_graph, "named_graphs": self.cv_graphs}
            defaults, named = clause
        return {"default_graph": self._only_cv(defaults), "named_graphs": self._only_cv(named)}

    def _only_cv(self, iris: Sequence[str]) -> list[Any]:
        return [name for name in graph_names(iris) if name.value in self.records]

    def sizes(self) -> tuple[int, dict[str, int]]:
        """Count the triples of the default graph (each once) and of each CV graph."""
        query = _COUNT_MERGED if self.merged else _COUNT_DISTINCT
        (row,) = self.store.query(query, default_graph=self.default_graph)
        named = {graph: self._size(record) for graph, record in self.records.items()}
        return int(row[0].value), named

    def _size(self, record: GraphRecord) -> int:
        if "triples" in record.details:  # the indexer counted them when it wrote the graph
            return int(record.details["triples"])
        (row,) = self.store.query(_COUNT_MERGED, default_graph=ox.NamedNode(record.graph))
        return int(row[0].value)
