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

A substring filter on a literal (``CONTAINS(LCASE(STR(?title)), "relevance")``) is
narrowed with the store's text index (``ldcv.store.text_index``) where it serves the
snapshot: ``ldcv.sparql.text_filters`` binds the variable to the literals that may hold
the text, and the filter stays.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ldcv.sparql.engines import OxigraphEngine, graph_names
from ldcv.sparql.errors import QuerySyntaxError
from ldcv.sparql.outcomes import Outcome, QueryRequest
from ldcv.sparql.scan import DatasetClauses, names_a_graph
from ldcv.sparql.text_filters import TextFilter, narrowed
from ldcv.store.record_table import RecordTable, table_path
from ldcv.store.records import GraphRecord, read_records
from ldcv.store.reopening import ReopeningStore
from ldcv.store.text_index import TextIndex

_COUNT_MERGED = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
_COUNT_DISTINCT = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
# A filter is narrowed when its candidates are at most this share of the literals the
# engine would read, or this many whatever the share (and never more than the ceiling: a
# candidate is some 80 bytes of query to parse). A candidate costs a lookup or two (15–40
# µs), a literal read by the scan 2–3 µs: at 1,000 CVs 3,476 candidates among 32,000
# titles cost as much as the scan (172 against 179 ms of CPU), 747 a third (36 against 90).
TEXT_CANDIDATES_SHARE = 0.1
TEXT_CANDIDATES_FLOOR = 1_000
TEXT_CANDIDATES_CEILING = 50_000


def keeps_merge(store: ox.Store) -> bool:
    """Tell whether the store's default graph holds the merge of its CV graphs."""
    default_graph = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return next(iter(default_graph), None) is not None


class StoreEngine(OxigraphEngine):
    """Answer queries with pyoxigraph over a read-only store, from its CV graphs only."""

    name = "store"
    text_index: TextIndex | None = None  # the store's, when the snapshot is in a store directory

    def __init__(
        self,
        store: ox.Store | ReopeningStore,
        records: Mapping[str, GraphRecord],
        text_index: TextIndex | None = None,
    ) -> None:
        super().__init__(store)
        self.text_index = text_index
        self.records = records  # a snapshot's table reads each when asked: not copied
        self.cv_graphs = [ox.NamedNode(graph) for graph in sorted(self.records)]
        self.merged = keeps_merge(store)
        self.default_graph: list[Any] = [ox.DefaultGraph()] if self.merged else self.cv_graphs
        self.clauses = DatasetClauses()  # parsed with rdflib (5 ms): once per worker

    @classmethod
    def open(cls, path: str | Path) -> StoreEngine:
        """Open the snapshot at ``path`` read-only (no copy: cheap, and fine in many processes)."""
        store = ReopeningStore(path)
        # A snapshot of a store directory (DIR/snapshots/N) has its records in a table,
        # which the server opened first: a query worker reads them by key, not all.
        path = Path(path)
        table = table_path(path.parent.parent, int(path.name)) if path.name.isdigit() else None
        if path.parent.name == "snapshots" and table is not None and table.is_file():
            text_index = TextIndex.of_snapshot(path.parent.parent, int(path.name))
            return cls(store, RecordTable(table), text_index)
        return cls(store, read_records(store, details_when_asked=True))

    def run(self, request: QueryRequest, max_rows: int, *, encoded: bool = False) -> Outcome:
        """Evaluate the query, its substring filters narrowed by the text index if it has one."""
        if self.text_index is not None:
            query = narrowed(request.query, self._text_candidates)
            if query is not request.query:
                try:
                    narrower = dataclasses.replace(request, query=query)
                    return super().run(narrower, max_rows, encoded=encoded)
                except QuerySyntaxError:
                    pass  # a query the scan misread: the original says what is wrong
        return super().run(request, max_rows, encoded=encoded)

    def _text_candidates(self, found: TextFilter) -> list[str] | None:
        index = self.text_index
        if index is None or found.anchored:
            return None
        if found.str_of and (
            found.predicates is None or not index.literal_objects_only(found.predicates)
        ):
            return None  # STR(?v) of an IRI may hold the text, and the index lists no IRIs
        share = int(TEXT_CANDIDATES_SHARE * index.literal_count(found.predicates))
        limit = min(max(TEXT_CANDIDATES_FLOOR, share), TEXT_CANDIDATES_CEILING)
        return index.candidates(found.needle, found.predicates, limit)

    def dataset_options(self, request: QueryRequest) -> dict[str, Any]:
        """Return the dataset: the one asked for (protocol or FROM) within the CV graphs."""
        if request.has_protocol_dataset:
            defaults, named = request.default_graphs, request.named_graphs
        else:
            clause = self.clauses.of(request.query, request.base_iri)
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
