"""The store's literals in an SQLite FTS5 trigram index: which literals contain a text, fast.

Oxigraph has no text index: a filter such as ``CONTAINS(LCASE(STR(?title)), "relevance")``
decodes every literal it tests (1.4–2.3 s over the titles of 10,000 CVs). This index
answers "which literals contain this text, whatever its case" from trigrams, and
``ldcv.sparql.text_filters`` binds the filtered variable to those literals; the query
keeps its filter, so the index need only be a **superset**: a literal it holds that no
generation holds costs one more candidate, a literal it lacks would be a wrong answer.
Layout::

    DIR/text.sqlite    literals (N-Triples), the predicates they are objects of, and
                       their folded text in a contentless FTS5 table (trigram tokenizer)

Every literal of the store is indexed (80,000 distinct at 1,000 CVs), not those of a
declared list of predicates: a filter may be on any of them, and each holds the
predicates it is an object of, so a query's pattern narrows the candidates to its own
predicate. A predicate whose objects were ever something else than a literal is marked:
``STR(?v)`` of an IRI may contain the text too, and this index does not list IRIs.

One index serves every generation, and is only ever added to: the writer adds the
literals a graph gains *before* the graph changes in the primary (so a killed writer leaves
extra rows, never missing ones), and nothing is removed when a graph loses them, since an
older snapshot a server still reads may hold them; a stale literal costs a candidate. A
fresh writer (a store's first index) builds it from the whole store when it publishes.

Which generations it serves: ``meta.built`` (the first it holds every literal of) and
``meta.covered`` (the last published while it was kept). A writer whose store was
published by an ldcv that kept no index (``covered`` is not the current generation)
makes it again from the primary; a reader of a generation outside ``built..covered``
answers without it. Folding: SPARQL's ``LCASE`` is Unicode lower-casing (with a final
sigma), ``REGEX``'s ``i`` flag simple case folding: both are covered by Python's full
case folding of each character (``casefold``), which maps every form of a letter to one,
with the letters pyoxigraph's newer Unicode lower-cases and Python 3.11's does not added
(``_NEWER_LOWERCASE``; a test checks every code point against the engine).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox

TEXT_INDEX_FILE = "text.sqlite"
SCHEMA = 1
SHORTEST_NEEDLE = 3  # the trigram tokenizer finds nothing shorter
_TABLES = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE predicates (
    id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, other_objects INTEGER NOT NULL,
    literals INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE literals (id INTEGER PRIMARY KEY, term TEXT UNIQUE NOT NULL);
CREATE TABLE uses (predicate INTEGER, literal INTEGER, PRIMARY KEY (predicate, literal))
    WITHOUT ROWID;
CREATE VIRTUAL TABLE folded USING fts5(text, content='', tokenize='trigram case_sensitive 1')
"""
# Lower-case letters of Unicode 15–16 (pyoxigraph's LCASE) that Python 3.11 does not know.
_NEWER_LOWERCASE = {
    0x1C89: 0x1C8A, 0xA7CB: 0x0264, 0xA7CC: 0xA7CD, 0xA7CE: 0xA7CF, 0xA7D2: 0xA7D3,
    0xA7D4: 0xA7D5, 0xA7DA: 0xA7DB, 0xA7DC: 0x019B,
    **{code: code + 0x20 for code in range(0x10D50, 0x10D66)},  # Garay
    **{code: code + 0x1B for code in range(0x16EA0, 0x16EB9)},  # Beria Erfe
}  # fmt: skip
_BATCH = 5000  # (predicate, literal) pairs written at a time when made from a whole store
# Each predicate with each literal it has as an object, and with this IRI in place of
# any other object: one pass over the store (two queries took twice as long).
_NOT_A_LITERAL = ox.NamedNode("urn:ldcv:text-index:not-a-literal")
_OBJECTS = (
    f"SELECT DISTINCT ?p ?o {{ ?s ?p ?x BIND (IF(isLiteral(?x), ?x, {_NOT_A_LITERAL}) AS ?o) }}"
)


def fold(text: str) -> str:
    """Fold ``text`` so that every case of a letter is one: what the index holds and is asked."""
    return text.translate(_NEWER_LOWERCASE).casefold()


def index_path(store_path: Path) -> Path:
    """The text index of the store directory ``store_path`` (it may not exist)."""
    return Path(store_path) / TEXT_INDEX_FILE


def index_continues(store_path: Path, generation: int | None) -> bool:
    """Whether the store's text index was kept by every writer up to ``generation``."""
    path = index_path(store_path)
    if generation is None or not path.is_file():
        return False
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            meta = dict(db.execute("SELECT name, value FROM meta"))
    except sqlite3.Error:
        return False
    return meta.get("schema") == str(SCHEMA) and meta.get("covered") == str(generation)


class TextIndexWriter:
    """The writer's side: literals added before their graphs change; made afresh from a store."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode = WAL")  # readers go on while the writer commits
        self.db.execute("PRAGMA synchronous = NORMAL")  # a kill loses nothing committed
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            self.db.execute("BEGIN")
            for statement in _TABLES.split(";"):
                self.db.execute(statement)
            self.db.execute("COMMIT")
        self._predicates: dict[str, tuple[int, bool]] = {}

    def meta(self) -> dict[str, str]:
        """What the index says of itself: ``schema``, ``built``, ``covered``."""
        return dict(self.db.execute("SELECT name, value FROM meta"))

    def continues(self, generation: int | None) -> bool:
        """Whether the index was kept by every writer up to ``generation`` (the current one)."""
        meta = self.meta()
        return (
            generation is not None
            and meta.get("schema") == str(SCHEMA)
            and meta.get("covered") == str(generation)
        )

    def add_quads(self, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        """Add the literals of ``quads`` and what their predicates' objects are: one commit."""
        literals: list[tuple[str, ox.Literal]] = []
        others: set[str] = set()
        for quad in quads:
            predicate = quad.predicate.value
            if isinstance(quad.object, ox.Literal):
                literals.append((predicate, quad.object))
            else:
                others.add(predicate)
        if not literals and not others:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._add(literals, others)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _add(self, literals: list[tuple[str, ox.Literal]], others: set[str]) -> None:
        db = self.db
        for predicate in others:
            self._predicate(predicate, other=True)
        for predicate, literal in literals:
            term = str(literal)
            row = db.execute("SELECT id FROM literals WHERE term = ?", (term,)).fetchone()
            if row is None:
                literal_id = db.execute("INSERT INTO literals (term) VALUES (?)", (term,)).lastrowid
                db.execute(
                    "INSERT INTO folded (rowid, text) VALUES (?, ?)",
                    (literal_id, fold(literal.value)),
                )
            else:
                literal_id = row[0]
            predicate_id = self._predicate(predicate, other=False)
            used = db.execute(
                "INSERT OR IGNORE INTO uses VALUES (?, ?)", (predicate_id, literal_id)
            )
            if used.rowcount:
                db.execute(
                    "UPDATE predicates SET literals = literals + 1 WHERE id = ?", (predicate_id,)
                )

    def _predicate(self, iri: str, *, other: bool) -> int:
        known = self._predicates.get(iri)
        if known is None:
            row = self.db.execute(
                "SELECT id, other_objects FROM predicates WHERE iri = ?", (iri,)
            ).fetchone()
            if row is None:
                cursor = self.db.execute(
                    "INSERT INTO predicates (iri, other_objects) VALUES (?, ?)", (iri, int(other))
                )
                known = (int(cursor.lastrowid or 0), other)
            else:
                known = (row[0], bool(row[1]))
        if other and not known[1]:
            self.db.execute("UPDATE predicates SET other_objects = 1 WHERE id = ?", (known[0],))
            known = (known[0], True)
        self._predicates[iri] = known
        return known[0]

    def make(self, store: ox.Store, built: int | None) -> None:
        """Make the index again from every literal of ``store``'s default graph (the merge)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for table in ("meta", "predicates", "literals", "uses"):
                db.execute(f"DELETE FROM {table}")
            db.execute("INSERT INTO folded (folded) VALUES ('delete-all')")
            self._predicates.clear()
            self._fill(store)
            if built is not None:
                self._set_meta(built=built)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _fill(self, store: ox.Store) -> None:
        """Write every literal of the store, a batch at a time (row by row took 5 times longer)."""
        others: set[str] = set()
        predicates: dict[str, int] = {}
        counts: dict[int, int] = {}
        literals: dict[str, int] = {}
        new: list[tuple[int, str, str]] = []
        uses: list[tuple[int, int]] = []
        for predicate, literal in store.query(_OBJECTS):
            if not isinstance(literal, ox.Literal):
                others.add(predicate.value)
                continue
            predicate_id = predicates.setdefault(predicate.value, len(predicates) + 1)
            term = str(literal)
            literal_id = literals.get(term)
            if literal_id is None:
                literal_id = literals[term] = len(literals) + 1
                new.append((literal_id, term, fold(literal.value)))
            uses.append((predicate_id, literal_id))
            counts[predicate_id] = counts.get(predicate_id, 0) + 1
            if len(uses) >= _BATCH:
                self._write_batch(new, uses)
                new, uses = [], []
        self._write_batch(new, uses)
        for iri in others - predicates.keys():
            predicates[iri] = len(predicates) + 1
        self.db.executemany(
            "INSERT INTO predicates VALUES (?, ?, ?, ?)",
            [(pid, iri, int(iri in others), counts.get(pid, 0)) for iri, pid in predicates.items()],
        )

    def _write_batch(self, new: list[tuple[int, str, str]], uses: list[tuple[int, int]]) -> None:
        self.db.executemany("INSERT INTO literals VALUES (?, ?)", ((i, t) for i, t, _ in new))
        self.db.executemany(
            "INSERT INTO folded (rowid, text) VALUES (?, ?)", ((i, f) for i, _, f in new)
        )
        self.db.executemany("INSERT INTO uses VALUES (?, ?)", uses)

    def covers(self, generation: int, *, built: int | None = None) -> None:
        """Say that generation ``generation`` is published with every literal indexed.

        Not synced (11–18 ms an index): a commit the machine lost in a crash takes every
        later one with it, this one too, and an index that does not cover the current
        generation serves no reader and is made again by the next writer.
        """
        self.db.execute("BEGIN IMMEDIATE")
        self._set_meta(covered=generation, **({} if built is None else {"built": built}))
        self.db.execute("COMMIT")

    def _set_meta(self, **values: int) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [("schema", str(SCHEMA)), *((name, str(value)) for name, value in values.items())],
        )

    def close(self) -> None:
        """Let go of the file."""
        self.db.close()


class TextIndex:
    """The readers' side: the literals that may contain a text, for one generation."""

    def __init__(self, path: Path, generation: int) -> None:
        self.path = Path(path)
        self.generation = generation
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        self._db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()  # one connection, shared by the process's threads

    @classmethod
    def of_snapshot(cls, store_path: Path, generation: int) -> TextIndex | None:
        """The store's text index if it exists (whether it serves the generation is asked later)."""
        path = index_path(store_path)
        if not path.is_file() or not os.access(path, os.R_OK):
            return None
        try:
            return cls(path, generation)
        except sqlite3.Error:
            return None

    def candidates(
        self, needle: str, predicates: tuple[str, ...] | None, limit: int
    ) -> list[str] | None:
        """The literals (N-Triples) whose folded text holds ``fold(needle)``, under ``predicates``.

        ``predicates``: the literals that are objects of one of them (``None``: any). ``None``
        when the index cannot say (it does not serve this generation, the folded needle is
        shorter than three characters) or when more than ``limit`` literals match.
        """
        folded = fold(needle)
        if len(folded) < SHORTEST_NEEDLE:
            return None
        phrase = '"' + folded.replace('"', '""') + '"'
        query = (
            "SELECT l.term FROM folded JOIN literals l ON l.id = folded.rowid WHERE folded MATCH ?"
        )
        parameters: list[object] = [phrase]
        if predicates is not None:
            marks = ", ".join("?" * len(predicates))
            query += (
                " AND EXISTS (SELECT 1 FROM uses u JOIN predicates p ON p.id = u.predicate "
                f"WHERE u.literal = l.id AND p.iri IN ({marks}))"
            )
            parameters += predicates
        query += f" LIMIT {int(limit) + 1}"
        with self._lock:
            try:
                self._db.execute("BEGIN")
                try:
                    if not self._serves():
                        return None
                    found = [row[0] for row in self._db.execute(query, parameters)]
                finally:
                    self._db.execute("COMMIT")
            except sqlite3.Error:
                return None
        return found if len(found) <= limit else None

    def literal_count(self, predicates: tuple[str, ...] | None) -> int:
        """How many literals the index holds as objects of ``predicates`` (``None``: of any)."""
        with self._lock:
            try:
                if predicates is None:
                    return int(self._db.execute("SELECT MAX(id) FROM literals").fetchone()[0] or 0)
                marks = ", ".join("?" * len(predicates))
                row = self._db.execute(
                    f"SELECT SUM(literals) FROM predicates WHERE iri IN ({marks})", predicates
                ).fetchone()
            except sqlite3.Error:
                return 0
        return int(row[0] or 0)

    def literal_objects_only(self, predicates: tuple[str, ...]) -> bool:
        """Whether every object these predicates ever had in the store was a literal."""
        marks = ", ".join("?" * len(predicates))
        with self._lock:
            try:
                rows = self._db.execute(
                    f"SELECT iri, other_objects FROM predicates WHERE iri IN ({marks})", predicates
                ).fetchall()
            except sqlite3.Error:
                return False
        # A predicate the index never saw: nothing to find under it, literal or not.
        return not any(other for _, other in rows)

    def _serves(self) -> bool:
        meta = dict(self._db.execute("SELECT name, value FROM meta"))
        try:
            built, covered = int(meta["built"]), int(meta["covered"])
        except (KeyError, ValueError):
            return False
        return meta.get("schema") == str(SCHEMA) and built <= self.generation <= covered

    def close(self) -> None:
        """Let go of the file."""
        self._db.close()
