"""A generation's records in an SQLite table on disk, read by key: no process holds them all.

Reading every record of a snapshot (``records.read_records``) costs little time but
fills RocksDB's block cache of the string column with some 135 MiB at 10,000 CVs, in
every process that does it, for good (each record is a string in a block of its own),
besides the records as Python objects (17 MiB). A server process reads a record now and
then; so each published generation has its records, without the indexer's part, in a
table of their own::

    DIR/records/<generation>/records.sqlite     graph, source, content hash, details JSON

which the writer makes before it publishes the generation: the previous generation's
table with the records it changed, or, when the primary may hold changes no table saw (a
writer killed before publishing), from all of the primary's records. A snapshot published
without one (by an older ldcv) has it made on first open by a child process, which
fills its own caches and exits (``python -m ldcv.store.record_table SNAPSHOT OUT``).
Readers open the table read-only; SQLite's page cache is bounded (2 MiB a connection).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ldcv.errors import LdcvError
from ldcv.store.generation_files import GenerationFiles
from ldcv.store.records import (
    Details,
    GraphRecord,
    IndexDetailsReader,
    index_details_text,
    read_records,
    stored_details,
)

RECORDS_FOLDER = "records"  # under the store directory: one folder per generation
TABLE = "records.sqlite"
_CHUNK = 1000  # rows read at a time when walking the table: the lock is not held between
# ``written``: the generation whose writer last wrote the graph (or a later one: a table
# made from all records says each was written in its own generation).
_SCHEMA = (
    "CREATE TABLE records (graph TEXT PRIMARY KEY, source TEXT NOT NULL, "
    "content_hash TEXT NOT NULL, details TEXT NOT NULL, written INTEGER NOT NULL) WITHOUT ROWID"
)
_UPSERT = "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)"
_COLUMNS = "graph, source, content_hash, details"
IndexText = Callable[[str], "str | None"]


def table_files(store_path: Path, generation: int) -> GenerationFiles:
    """Where the record table of generation ``generation`` of the store in ``store_path`` is."""
    return GenerationFiles(Path(store_path) / RECORDS_FOLDER, generation)


def table_path(store_path: Path, generation: int) -> Path:
    """The path of generation ``generation``'s record table (it may not exist)."""
    return table_files(store_path, generation).folder / TABLE


def write_table(
    files: GenerationFiles,
    records: Iterable[GraphRecord],
    *,
    previous: Path | None = None,
    removed: Iterable[str] = (),
) -> Path:
    """Make the table of ``files``: ``previous`` (if given) with ``records`` in, ``removed`` out.

    The records put in are marked written in ``files.generation``. A table left by a run
    that never published is replaced, not kept.
    """
    (files.folder / TABLE).unlink(missing_ok=True)
    rows = partial(_write_rows, files, records, previous, tuple(removed), files.generation)
    return files.made(TABLE, rows)


def made_table(store_path: Path, generation: int, snapshot_path: Path) -> Path:
    """The record table of a generation, made in a child process if it has none yet."""
    files = table_files(store_path, generation)
    return files.made(TABLE, partial(_write_in_child, files, snapshot_path))


class IndexDetails:
    """The indexer's part of the records of ``store``: all read in one scan when first asked
    (the indexer asks for every one), then a record asked for again is looked up alone."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.reader = IndexDetailsReader(store)

    def text(self, graph: str) -> str | None:
        """The indexer's details of ``graph`` as JSON text (``None``: it has none)."""
        found = self.reader.text(graph)  # each text is handed over once, then not kept
        return found if found is not None else index_details_text(self.store, graph)


class RecordTable(Mapping[str, GraphRecord]):
    """The records of a table by graph IRI, each read when asked; ``index_details(graph)``
    reads the indexer's part of a record when that is asked for (``Details``)."""

    def __init__(self, path: Path, index_details: IndexText | None = None) -> None:
        self.path = Path(path)
        self.index_details = index_details
        # immutable: the file never changes once made, so SQLite neither locks nor journals.
        uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()  # one connection, shared by the process's threads

    def __getitem__(self, graph: str) -> GraphRecord:
        rows = self._rows(f"SELECT {_COLUMNS} FROM records WHERE graph = ?", (graph,))
        if not rows:
            raise KeyError(graph)
        return self._record(*rows[0])

    def __contains__(self, graph: object) -> bool:
        query = "SELECT 1 FROM records WHERE graph = ?"
        return isinstance(graph, str) and bool(self._rows(query, (graph,)))

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._walk("graph"))

    def __len__(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM records", ())[0][0])

    def values(self) -> Iterator[GraphRecord]:  # type: ignore[override]
        """Every record, by graph IRI, a thousand read at a time."""
        return (self._record(*row) for row in self._walk(_COLUMNS))

    def items(self) -> Iterator[tuple[str, GraphRecord]]:  # type: ignore[override]
        """Every graph IRI with its record, a thousand read at a time."""
        return ((row[0], self._record(*row)) for row in self._walk(_COLUMNS))

    def written_after(self, generation: int) -> list[str]:
        """The graphs written after generation ``generation`` (all, if the table cannot tell)."""
        query = "SELECT graph FROM records WHERE written > ? ORDER BY graph"
        with self._lock:
            return [row[0] for row in self._db.execute(query, (generation,))]

    def _walk(self, columns: str) -> Iterator[tuple[str, ...]]:
        """The rows in graph order, in chunks: a walk holds neither the lock nor all rows."""
        after = ""
        query = f"SELECT {columns} FROM records WHERE graph > ? ORDER BY graph LIMIT {_CHUNK}"
        while rows := self._rows(query, (after,)):
            yield from rows
            after = rows[-1][0]

    def _rows(self, query: str, parameters: tuple[str, ...]) -> list[tuple[str, ...]]:
        with self._lock:
            return self._db.execute(query, parameters).fetchall()

    def _record(self, graph: str, source: str, content_hash: str, details: str) -> GraphRecord:
        later = None if self.index_details is None else partial(self.index_details, graph)
        return GraphRecord(graph, source, content_hash, Details(details, later))


def _write_rows(
    files: GenerationFiles,
    records: Iterable[GraphRecord],
    previous: Path | None,
    removed: tuple[str, ...],
    generation: int,
    file: IO[bytes],
) -> None:
    building = files.folder / f".{TABLE}.building"
    building.unlink(missing_ok=True)
    try:
        if previous is not None:
            shutil.copyfile(previous, building)
        with sqlite3.connect(building) as db:
            if previous is None:
                db.execute(_SCHEMA)
            db.executemany("DELETE FROM records WHERE graph = ?", ((g,) for g in removed))
            db.executemany(_UPSERT, (_row(record, generation) for record in records))
        db.close()
        with open(building, "rb") as built:
            shutil.copyfileobj(built, file)
    finally:
        building.unlink(missing_ok=True)


def _row(record: GraphRecord, written: int) -> tuple[str, str, str, str, int]:
    return (record.graph, record.source, record.content_hash, stored_details(record), written)


def _write_in_child(files: GenerationFiles, snapshot_path: Path, file: IO[bytes]) -> None:
    """Read the snapshot's records in a child process (its caches go with it) into ``file``."""
    building = files.folder / f".{TABLE}.child"
    command = [sys.executable, "-m", __name__, str(snapshot_path), str(building)]
    command.append(str(files.generation))
    try:
        done = subprocess.run(command, capture_output=True, check=False)
        if done.returncode != 0:
            error = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise LdcvError(f"{snapshot_path}: reading the records failed: {error[-1:]}")
        with open(building, "rb") as built:
            shutil.copyfileobj(built, file)
    finally:
        building.unlink(missing_ok=True)


def main(arguments: list[str]) -> None:
    """Write the records of a snapshot into a new table: ``SNAPSHOT OUT GENERATION``."""
    snapshot, out, generation = arguments
    store = ox.Store.read_only(snapshot)
    records = read_records(store, details_when_asked=True)
    Path(out).unlink(missing_ok=True)
    with sqlite3.connect(out) as db:
        db.execute(_SCHEMA)
        rows = (_row(record, int(generation)) for record in records.values())
        db.executemany(_UPSERT, rows)
    db.close()


if __name__ == "__main__":
    main(sys.argv[1:])
