"""The records' declarations as lookup tables on disk: what planning an index reads.

Planning needs, of the files that did not change, only what a change may touch: the
entries declared under the keys the changed files use (``ldcv.load.directory.KINDS``),
the files that depend on a changed person, organisation or byline, whose file a person
owns. Decoding every record for that costs 0.45 s at 1,000 CVs and grows with the
dataset; these tables answer each question with an index lookup. Layout::

    DIR/directory.sqlite    files, entries, depends (one row a fact) and meta

The tables mirror the records of one published generation (``meta.generation``) under
one base: the indexer updates them from the records it wrote, in one transaction,
after it publishes that generation. Tables of another generation (a run killed between
publishing and updating them, or an older ldcv) are stale: they are made again from
the snapshot's records, which stay the truth. A kill therefore never leaves tables that
disagree with the store they describe.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from ldcv.load.directory import (
    DECLARATIONS_FORMAT,
    Declarations,
    PublicationFacts,
    Spelling,
    entries_of,
    ident_key,
    organization_from_json,
    person_from_json,
)
from ldcv.store.records import Details, GraphRecord, details_texts

TABLES_FILE = "directory.sqlite"
# The layout of the tables: tables of another are made again.
SCHEMA = 1
_TABLES = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    source TEXT PRIMARY KEY, graph TEXT NOT NULL, content_hash TEXT NOT NULL,
    owner TEXT, format INTEGER, small TEXT NOT NULL, large TEXT
);
CREATE TABLE entries (kind TEXT, key TEXT, source TEXT, seq INTEGER, data TEXT);
CREATE TABLE depends (kind TEXT, value TEXT, source TEXT)
"""
# Made after the rows of tables made afresh: several times faster than row by row.
_INDEXES = """
CREATE INDEX files_by_owner ON files (owner);
CREATE INDEX entries_by_key ON entries (kind, key);
CREATE INDEX entries_by_source ON entries (source);
CREATE INDEX depends_by_value ON depends (kind, value);
CREATE INDEX depends_by_source ON depends (source)
"""
# What a file's record says it depends on, as ``depends`` rows.
DEPENDS = ("people", "organizations", "bylines")
_DECODE = {
    "people": person_from_json,
    "people_by_id": person_from_json,
    "organizations": organization_from_json,
    "organizations_by_id": organization_from_json,
    "publications": lambda d: PublicationFacts(d["key"], d["line"], _facts(d), tuple(d["marks"])),
    "marks": lambda d: PublicationFacts(d["key"], d["line"], _facts(d), tuple(d["marks"])),
    "spellings": lambda d: Spelling(**d),
    "owners": lambda d: None,
}


class DirectoryTables:
    """The declarations and dependencies of every record, looked up by key.

    ``path`` is the SQLite file, or ``":memory:"`` (tables made for one plan). The
    connection is opened in the process that uses it: forked workers open their own.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._connection: sqlite3.Connection | None = None
        self._pid = os.getpid()

    @property
    def db(self) -> sqlite3.Connection:
        # A forked worker opens the file again (an SQLite connection must not cross a
        # fork); tables in memory cross it as the worker's copy of the parent's memory.
        moved = self._pid != os.getpid() and self.path != ":memory:"
        if self._connection is None or moved:
            # Transactions begun and ended here (``replace``), not by the sqlite3 module.
            self._connection = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None
            )
            self._pid = os.getpid()
        return self._connection

    # -- reading -------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """What the tables describe: ``schema``, ``generation``, ``base``."""
        try:
            return dict(self.db.execute("SELECT name, value FROM meta"))
        except sqlite3.DatabaseError:  # no tables yet, or not a database at all
            return {}

    def describes(self, generation: int | None) -> bool:
        """Whether these tables mirror the records of ``generation``."""
        meta = self.meta()
        return (
            generation is not None
            and meta.get("schema") == str(SCHEMA)
            and meta.get("generation") == str(generation)
        )

    def records(self) -> dict[str, GraphRecord]:
        """The records the tables mirror, by source file; their indexer's part read when asked."""
        rows = self.db.execute("SELECT source, graph, content_hash, small FROM files")
        return {
            source: GraphRecord(graph, source, digest, Details(small, partial(self._large, source)))
            for source, graph, digest, small in rows
        }

    def _large(self, source: str) -> str | None:
        row = self.db.execute("SELECT large FROM files WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def current(self) -> set[str]:
        """The files whose records hold declarations in this loader's format."""
        rows = self.db.execute("SELECT source FROM files WHERE format = ?", (DECLARATIONS_FORMAT,))
        return {source for (source,) in rows}

    def declarations(self, source: str) -> Declarations | None:
        """The declarations the record of ``source`` holds."""
        large = self._large(source)
        declared = json.loads(large).get("declarations") if large else None
        return Declarations.from_json(declared) if declared is not None else None

    def entries(self, kind: str, key: str) -> list[tuple[str, Any]]:
        """The ``(file, entry)`` of ``kind`` under ``key``, by file name."""
        decode = _DECODE[kind]
        rows = self.db.execute(
            "SELECT source, data FROM entries WHERE kind = ? AND key = ? ORDER BY source, seq",
            (kind, key),
        )
        return [(source, decode(json.loads(data))) for source, data in rows]

    def keys(self, kind: str) -> Iterable[tuple[str, str]]:
        """Every ``(key, file)`` of ``kind``."""
        return self.db.execute("SELECT key, source FROM entries WHERE kind = ?", (kind,))

    def dependents(self, kind: str, values: Iterable[str]) -> set[str]:
        """The files whose records depend on any of ``values`` of ``kind`` (``DEPENDS``)."""
        found: set[str] = set()
        for value in values:
            rows = self.db.execute(
                "SELECT source FROM depends WHERE kind = ? AND value = ?", (kind, value)
            )
            found.update(source for (source,) in rows)
        return found

    def owned(self, owner: str) -> list[str]:
        """The files whose records have ``owner`` as their CV's owner."""
        rows = self.db.execute("SELECT source FROM files WHERE owner = ?", (owner,))
        return sorted(source for (source,) in rows)

    # -- writing -------------------------------------------------------------------

    def replace(
        self,
        generation: int | None,
        written: Iterable[GraphRecord],
        removed: Iterable[str] = (),
        *,
        afresh: bool = False,
    ) -> None:
        """Mirror ``generation``: rows of ``removed`` sources out, of the ``written`` records in.

        ``afresh``: these are all the records (the tables are made again).
        """
        with self.changing(afresh=afresh) as change:
            for source in removed:
                change.remove(source)
            for record in written:
                change.write(record)
            change.mirrors(generation)

    @contextmanager
    def changing(self, *, afresh: bool = False) -> Iterator[TablesChange]:
        """Change the tables row by row, as an index writes graphs: all or nothing.

        The change takes effect only if ``mirrors`` was called before the block ends:
        a process killed (or an error raised) on the way leaves the tables as they were.
        ``afresh``: the tables are made again from what is written.
        """
        if not afresh or self.path == ":memory:":
            change = TablesChange(self, afresh=afresh)
            try:
                yield change
            except BaseException:
                change.abandon()
                raise
            change.finish()
            return
        # Made beside and moved over: whatever was there (even no database) is replaced.
        # One file per process (two may plan at once), and none a dead one left behind.
        self.close()
        _remove_abandoned(Path(self.path))
        made = DirectoryTables(f"{self.path}.{os.getpid()}.new")
        Path(made.path).unlink(missing_ok=True)
        # No journal: a file nobody reads until it is whole, synced, and moved.
        made.db.execute("PRAGMA journal_mode = OFF")
        made.db.execute("PRAGMA synchronous = OFF")
        change = TablesChange(made, afresh=True)
        try:
            yield change
        except BaseException:
            made.close()
            Path(made.path).unlink(missing_ok=True)
            raise
        if change.finish():
            made.close()
            descriptor = os.open(made.path, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.replace(made.path, self.path)
        else:
            made.close()
            Path(made.path).unlink(missing_ok=True)

    def close(self) -> None:
        """Let go of the file."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class TablesChange:
    """One change of the tables, all or nothing: ``DirectoryTables.changing``.

    Made afresh, the rows go straight into the new file (nobody reads it yet). Otherwise
    they wait in a temporary database of their own and move in one transaction at the
    end: the indexing workers read the tables meanwhile, and a transaction open on them
    would lock them out once SQLite spills its cache to the file.
    """

    def __init__(self, tables: DirectoryTables, *, afresh: bool) -> None:
        self.tables = tables
        self.afresh = afresh
        self.generation: int | None = None
        self.db = tables.db
        self.rows = "main" if afresh else "pending"
        if afresh:
            self.db.execute("BEGIN")
        else:
            self.db.execute("ATTACH DATABASE '' AS pending")  # a temporary file, not memory
        for statement in _TABLES.split(";"):
            if afresh or "meta" not in statement:
                self.db.execute(statement.replace("CREATE TABLE ", f"CREATE TABLE {self.rows}."))
        if not afresh:
            self.db.execute("CREATE TABLE pending.removed (source TEXT)")
        self._done = False

    def write(self, record: GraphRecord) -> None:
        """Make ``record`` the record of its source file."""
        _insert(self.db, record, self.rows)

    def remove(self, source: str) -> None:
        """Forget the record of ``source``."""
        if self.afresh:
            _forget(self.db, source)
        else:
            self.db.execute("INSERT INTO pending.removed VALUES (?)", (source,))

    def mirrors(self, generation: int | None) -> None:
        """Say the tables, changed so, mirror the records of ``generation``: commit at the end."""
        self.generation = generation
        self._done = True

    def finish(self) -> bool:
        """Commit if ``mirrors`` was said, else roll back; return whether it committed."""
        if not self._done:
            self.abandon()
            return False
        db = self.db
        if self.afresh:
            for statement in _INDEXES.split(";"):
                db.execute(statement)
        else:
            db.execute("BEGIN")
            for table in ("files", "entries", "depends"):
                for pending in ("removed", "files"):
                    db.execute(
                        f"DELETE FROM main.{table} WHERE source IN "
                        f"(SELECT source FROM pending.{pending})"
                    )
                db.execute(f"INSERT INTO main.{table} SELECT * FROM pending.{table}")
        db.execute("DELETE FROM main.meta")
        values = {"schema": SCHEMA, "generation": self.generation}
        db.executemany(
            "INSERT INTO main.meta VALUES (?, ?)", [(k, str(v)) for k, v in values.items()]
        )
        db.execute("COMMIT")
        self._detach()
        return True

    def abandon(self) -> None:
        """Leave the tables as they were."""
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self._detach()

    def _detach(self) -> None:
        if not self.afresh:
            self.db.execute("DETACH DATABASE pending")


def tables_of(records: Iterable[GraphRecord], generation: int | None = None) -> DirectoryTables:
    """Tables in memory mirroring ``records``: for a plan given its records."""
    tables = DirectoryTables(":memory:")
    tables.replace(generation, records, afresh=True)
    return tables


def _remove_abandoned(path: Path) -> None:
    """Remove the tables being made by processes that are gone (killed while making them)."""
    for made in path.parent.glob(f"{path.name}.*.new"):
        pid = made.name[len(path.name) + 1 : -len(".new")]
        if pid.isdigit() and not _alive(int(pid)):
            made.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _forget(db: sqlite3.Connection, source: str) -> None:
    for table in ("files", "entries", "depends"):
        db.execute(f"DELETE FROM {table} WHERE source = ?", (source,))


def _insert(db: sqlite3.Connection, record: GraphRecord, schema: str = "main") -> None:
    # The texts, decoded here and let go: a record read from a snapshot keeps nothing.
    small, large = details_texts(record.details)
    index_details = json.loads(large) if large else {}
    declared = index_details.get("declarations")
    row = (record.source, record.graph, record.content_hash, record.details.get("owner"))
    form = declared.get("format") if isinstance(declared, dict) else None
    db.execute(
        f"INSERT INTO {schema}.files VALUES (?, ?, ?, ?, ?, ?, ?)", (*row, form, small, large)
    )
    if declared is not None:
        db.executemany(
            f"INSERT INTO {schema}.entries VALUES (?, ?, ?, ?, ?)",
            _entry_rows(record.source, Declarations.from_json(declared), declared),
        )
    depends = index_details.get("depends") or {}
    db.executemany(
        f"INSERT INTO {schema}.depends VALUES (?, ?, ?)",
        [
            (kind, value if isinstance(value, str) else ident_key(tuple(value)), record.source)  # type: ignore[arg-type]
            for kind in DEPENDS
            for value in depends.get(kind, ())
        ],
    )


def _entry_rows(
    source: str, declared: Declarations, data: dict[str, Any]
) -> Iterator[tuple[str, str, str, int, str]]:
    """The ``entries`` rows of one file: each entry as ``to_json`` wrote it (``data``)."""
    for seq, (kind, key, _, place) in enumerate(entries_of(declared)):
        entry = None if place is None else data[place[0]][place[1]]
        yield kind, key, source, seq, json.dumps(entry, ensure_ascii=False, sort_keys=True)


def _facts(data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(fact) for fact in data["facts"])  # type: ignore[misc]
