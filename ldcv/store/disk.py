"""The store directory: one writer indexes into a primary, readers open published snapshots.

Layout of ``DIR`` (made by the first writer, never by a reader)::

    DIR/primary/             RocksDB, read-write, opened by the writer only
    DIR/snapshots/<n>/       RocksDB checkpoints of the primary (hard links), immutable
    DIR/current              the published generation ``n``, replaced atomically
    DIR/records/<n>/         snapshot ``n``'s records, an SQLite table (``ldcv.store.record_table``)
    DIR/writer.lock          flock'ed by the writer; holds its pid
    DIR/unpublished          the primary holds changes no published generation has
    DIR/directory.sqlite     the records' declarations by key, for the indexer's plan
                             (``ldcv.store.directory_tables``; not read by readers)
    DIR/text.sqlite          every literal by its text, for SPARQL's substring filters
                             (``ldcv.store.text_index``): added to before a graph changes

Public API::

    StoreDirectory(path)
        .writer(fresh=False) -> ContextManager[StoreWriter]
                                                   exclusive; StoreBusy if another writer holds it
        .generation() -> int | None                one small file read: poll it
        .open_snapshot() -> Snapshot | None        the current snapshot, read-only
    StoreWriter
        .records -> Mapping[str, GraphRecord]      by graph IRI, as the primary holds them
        .replace_graph(record, triples) -> None    rdflib triples; atomic with the record
        .replace_encoded(record, data) -> None     the same, from ``encode_graph``'s bytes
        .remove_graph(graph) -> None               atomic with the record
        .publish() -> int                          checkpoint the primary, make it current
    Snapshot (a context manager)
        .store: ReopeningStore    .generation: int  .close()
                                                   a read-only pyoxigraph store, reopened
                                                   to let go of its caches
        .records: Mapping[str, GraphRecord]        read from its table by key, when asked

The default graph holds the merge of the CV graphs (each triple once, however many CVs
state it), changed in the same transactions: SPARQL and the documents read it, one index
range per pattern, where a list of a thousand graphs costs a thousand lookups.

Crash safety: a graph and its record change in one transaction of the primary, so a
``kill -9`` leaves each graph wholly old or wholly new; readers never see the primary,
only checkpoints, and the pointer names a checkpoint only once it is whole. The kernel
releases the flock of a dead writer, so a stale lock file blocks nobody.

A store never published has nothing to keep: a ``fresh`` writer starts its primary
afresh, spools what it is given, and loads it all with Oxigraph's bulk loader when it
publishes (several times faster than a transaction per graph). Killed before that, it
published nothing, and the next fresh writer starts afresh again.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType, TracebackType

import pyoxigraph as ox
from rdflib.term import Node

from ldcv.errors import EXIT_BUSY, LdcvError
from ldcv.store.blank_nodes import label_blank_nodes
from ldcv.store.record_table import (
    RECORDS_FOLDER,
    IndexDetails,
    RecordTable,
    made_table,
    table_files,
    table_path,
    write_table,
)
from ldcv.store.records import (
    RECORDS_GRAPH,
    GraphRecord,
    forget_record_update,
    read_record,
    read_records,
    record_quads,
    record_update,
)
from ldcv.store.reopening import ReopeningStore
from ldcv.store.terms import to_oxigraph
from ldcv.store.text_index import TextIndexWriter, index_path

Triple = tuple[Node, Node, Node]
# Where replace_graph stages the quads with blank nodes a graph loses and gains before one
# update applies the whole change: INSERT DATA would give blank nodes fresh labels (and
# DELETE DATA takes none), while extend keeps them, and so do templates that match them.
REMOVING_GRAPH = "urn:ldcv:store:removing"
ADDING_GRAPH = "urn:ldcv:store:adding"
_DROP_STAGING = f"DROP SILENT GRAPH <{REMOVING_GRAPH}> ;\nDROP SILENT GRAPH <{ADDING_GRAPH}>"
_OWN_GRAPHS = f"<{RECORDS_GRAPH}>, <{REMOVING_GRAPH}>, <{ADDING_GRAPH}>"
# The merge of every CV graph, for a store written before the default graph held it.
_MERGE_ALL = (
    f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g NOT IN ({_OWN_GRAPHS})) }}"
)
# RocksDB keeps what is written in memory (as Oxigraph configures it, without bound) until
# a flush; flushing after this many quads keeps the writer near 200 MiB however much it
# writes, and leaves publish little to flush.
FLUSH_AFTER_QUADS = 100_000
# A server swaps to a new snapshot within a second or two of its publication; the previous
# two stay longer than that in any case, older ones until they were superseded this long ago.
KEPT_SNAPSHOTS = 3
# A first index loads what it spooled each time this much is waiting: the bulk loader's
# memory grows with what it is given (2.5 GiB for 1,000 CVs given at once).
SPOOL_BYTES = 128 * 1024 * 1024
SUPERSEDED_SNAPSHOT_LIFETIME = 60.0


class StoreBusy(LdcvError):
    """Another process is writing the store."""

    exit_code = EXIT_BUSY


class StoreDirectory:
    """A store on disk in ``path``: a primary one writer changes, snapshots any reader opens."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def primary(self) -> Path:
        return self.path / "primary"

    @property
    def snapshots(self) -> Path:
        return self.path / "snapshots"

    @property
    def pointer(self) -> Path:
        return self.path / "current"

    @property
    def unpublished(self) -> Path:
        return self.path / "unpublished"

    @contextmanager
    def writer(self, *, fresh: bool = False) -> Iterator[StoreWriter]:
        """Hold the store for writing; raise ``StoreBusy`` if another writer holds it.

        ``fresh``: if nothing was ever published, start the primary afresh and bulk-load
        everything written when publishing (the indexer's first run).
        """
        self.snapshots.mkdir(parents=True, exist_ok=True)
        with _exclusive_lock(self.path / "writer.lock"):
            self._discard_unpublished()
            bulk = fresh and self.generation() is None
            if bulk:
                shutil.rmtree(self.primary, ignore_errors=True)
            writer = StoreWriter(self, bulk=bulk)
            try:
                yield writer
            finally:
                writer.close()

    def generation(self) -> int | None:
        """Return the published generation, or ``None`` before the first publication."""
        try:
            text = self.pointer.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        try:
            return int(text)
        except ValueError:
            raise LdcvError(f"{self.pointer}: not a store generation: {text!r}") from None

    def open_snapshot(self) -> Snapshot | None:
        """Open the current snapshot read-only, or return ``None`` before the first publication."""
        generation = self.generation()
        while generation is not None:
            try:
                return Snapshot(self.snapshots / str(generation), generation, self.path)
            except OSError:
                # Pruned between reading the pointer and opening it: only a reader that
                # slept through several publications sees this; the pointer has moved on.
                newer = self.generation()
                if newer == generation:
                    raise
                generation = newer
        return None

    def snapshot_generations(self) -> list[int]:
        """Return the generations of the snapshots on disk, newest first."""
        if not self.snapshots.is_dir():
            return []
        return sorted(
            (int(entry.name) for entry in self.snapshots.iterdir() if entry.name.isdigit()),
            reverse=True,
        )

    def _discard_unpublished(self) -> None:
        """Remove what a writer killed while publishing left: checkpoints never made current."""
        current = self.generation() or 0
        for entry in self.snapshots.iterdir():
            if not entry.name.isdigit() or int(entry.name) > current:
                shutil.rmtree(entry)
        # Tables made for generations never published (pruned older ones are the tables').
        tables = self.path / RECORDS_FOLDER
        for entry in tables.iterdir() if tables.is_dir() else ():
            if entry.name.isdigit() and int(entry.name) > current:
                shutil.rmtree(entry)


class StoreWriter:
    """The one process changing the store: replaces graphs in the primary, publishes snapshots."""

    def __init__(self, directory: StoreDirectory, *, bulk: bool = False) -> None:
        self.directory = directory
        self._store: ox.Store | None = ox.Store(str(directory.primary))
        # A writer killed between staging a change and applying it left this behind.
        self._store.update(_DROP_STAGING)
        # The records this writer read or wrote (None: the graph has none), read one by
        # one as graphs are written: reading all of a thousand costs 0.15 s.
        self._known: dict[str, GraphRecord | None] = {}
        if not _holds_merge(self._store) and _holds_records(self._store):
            self._store.update(_MERGE_ALL)
        self._unflushed = 0
        # Bulk: N-Quads waiting for the bulk loader (closed once loaded, or by close()),
        # and the graphs they hold.
        self._spool = tempfile.TemporaryFile(dir=directory.path) if bulk else None  # noqa: SIM115
        self._spooled: set[str] = set()
        self._written: set[str] = set()  # the graphs this writer changed (or removed)
        # Whether the primary held changes no published table has when this writer began
        # (one killed before publishing left them): its table is then made from all records.
        # A bulk writer's primary is new and nothing was published: it has no table to follow.
        self._inherited_changes = directory.unpublished.exists() and not bulk
        if bulk:
            directory.unpublished.unlink(missing_ok=True)
        self._marked = self._inherited_changes or bulk
        # Graphs read ahead of their replacement (``prefetch``), by IRI.
        self._read_ahead: dict[str, set[ox.Quad]] = {}
        # The text index: a bulk writer makes it when it publishes; any other keeps it,
        # made first from the primary if a writer that kept none published since.
        self._text: TextIndexWriter | None = None
        current = directory.generation()
        if not bulk:
            self._text = TextIndexWriter(index_path(directory.path))
            if not self._text.continues(current):
                whole = current is not None and not self._inherited_changes
                built = current if whole else self._next_generation()
                self._text.make(self._store, built=built)  # type: ignore[arg-type]
                if whole:
                    self._text.covers(current)  # type: ignore[arg-type]

    @property
    def records(self) -> Mapping[str, GraphRecord]:
        """Return the records of the primary's graphs, by graph IRI (read-only)."""
        records = read_records(self._open_store())
        for graph, known in self._known.items():
            if known is None:
                records.pop(graph, None)
            else:
                records[graph] = known  # spooled, perhaps not loaded yet
        return MappingProxyType(records)

    def replace_graph(self, record: GraphRecord, triples: Iterable[Triple]) -> None:
        """Make ``triples`` all of graph ``record.graph`` and ``record`` its record, at once."""
        self.replace_encoded(record, encode_graph(record.graph, triples))

    def replace_encoded(self, record: GraphRecord, data: bytes) -> None:
        """``replace_graph`` with the triples as ``encode_graph`` gives them (from a worker)."""
        stored = record.as_stored()
        self._mark_unpublished()
        if self._spool is not None and stored.graph not in self._spooled:
            self._spool_graph(stored, data)
            self._written.add(stored.graph)
            return
        self._load_spool()
        graph = _graph_name(record.graph)
        new = {
            ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        }
        store = self._open_store()
        old = self._read_ahead.pop(record.graph, None)
        if old is None:
            old = set(store.quads_for_pattern(None, None, None, graph))
        # Indexed before the graph changes: a writer killed in between leaves extra literals.
        if self._text is not None:  # (a bulk writer's is made from the whole store)
            self._text.add_quads(new - old)
        if not old and self._record(stored.graph) is None:
            merged = [ox.Quad(q.subject, q.predicate, q.object) for q in new]
            store.extend([*new, *merged, *record_quads(stored)])
            self._wrote(2 * len(new))
            self._written.add(stored.graph)
        elif old != new or self._record(stored.graph) != stored:
            staged, operations = _changes(graph, old, new)
            if staged:
                store.extend(staged)
            store.update(" ;\n".join([*operations, record_update(stored)]))
            self._wrote(2 * len(old ^ new) + 2 * len(staged))
            self._written.add(stored.graph)
        self._known[stored.graph] = stored

    def prefetch(self, graph: str) -> None:
        """Read graph ``graph`` now for the ``replace_encoded`` coming next (and its record).

        For a caller with time to spare now (waiting for validation), not then.
        """
        if self._spool is None:
            name = _graph_name(graph)
            self._read_ahead[graph] = set(
                self._open_store().quads_for_pattern(None, None, None, name)
            )
            self._record(graph)

    def _record(self, graph: str) -> GraphRecord | None:
        if graph not in self._known:
            self._known[graph] = read_record(self._open_store(), graph)
        return self._known[graph]

    def _spool_graph(self, record: GraphRecord, data: bytes) -> None:
        """Keep a new graph, its merge and its record for the bulk loader."""
        assert self._spool is not None
        graph = _graph_name(record.graph)
        in_graph = f" {graph} .\n".encode()
        self._spool.write(data)  # the merge, in the default graph: N-Triples are N-Quads
        self._spool.writelines(line[:-2] + in_graph for line in data.splitlines(keepends=True))
        self._spool.write(ox.serialize(record_quads(record), format=ox.RdfFormat.N_QUADS))
        self._spooled.add(record.graph)
        self._known[record.graph] = record
        if self._spool.tell() >= SPOOL_BYTES:
            self._load_spool(more=True)

    def _load_spool(self, *, more: bool = False) -> None:
        """Bulk-load what was spooled; ``more``: spool again after, else use transactions."""
        if self._spool is None:
            return
        spool = self._spool
        self._spool = tempfile.TemporaryFile(dir=self.directory.path) if more else None  # noqa: SIM115
        with spool:
            if spool.tell():
                spool.seek(0)
                # parse keeps blank node labels, which bulk_load's own parser would renew.
                quads = ox.parse(spool, format=ox.RdfFormat.N_QUADS)
                self._open_store().bulk_extend(quads)

    def remove_graph(self, graph: str) -> None:
        """Remove graph ``graph`` and its record at once."""
        self._load_spool()
        name = _graph_name(graph)
        self._mark_unpublished()
        self._open_store().update(
            f"{_unmerged(f'GRAPH {name} {{ ?s ?p ?o }}', name)} ;\n"
            f"DROP SILENT GRAPH {name} ;\n{forget_record_update(graph)}"
        )
        self._known[graph] = None
        self._written.add(graph)

    def publish(self) -> int:
        """Make a checkpoint of the primary the current snapshot; return its generation."""
        bulk = self._spool is not None
        self._load_spool()
        store = self._open_store()
        if bulk:
            # Compacted, a store answers lookups 1.7 times and the example queries about
            # twice as fast (1,000 CVs: 11 s once, 517 → 757 MB on disk); worth it after a
            # bulk load, not on each incremental publish.
            store.optimize()
        directory = self.directory
        generation = self._next_generation()
        target = directory.snapshots / str(generation)
        store.backup(str(target))
        _fsync_directory(directory.snapshots)
        self._write_record_table(generation)
        if self._text is None:
            self._text = TextIndexWriter(index_path(directory.path))
            self._text.make(store, built=generation)
        self._text.covers(generation)
        _replace_file(directory.pointer, f"{generation}\n")
        directory.unpublished.unlink(missing_ok=True)
        self._marked = self._inherited_changes = False
        self._written.clear()
        # The snapshot's mtime says when it was published, and so when the one before it
        # was superseded; readers write nothing into a snapshot, so it stays put.
        os.utime(target)
        self._prune()
        return generation

    def _next_generation(self) -> int:
        directory = self.directory
        return max([directory.generation() or 0, *directory.snapshot_generations()]) + 1

    def _mark_unpublished(self) -> None:
        """Say on disk, before the first change, that the primary will differ from its tables."""
        if not self._marked:
            self.directory.unpublished.touch()
            _fsync_directory(self.directory.path)
            self._marked = True

    def _write_record_table(self, generation: int) -> None:
        """Make the new generation's record table: the last one's and what changed, if it can."""
        directory = self.directory
        current = directory.generation()
        previous = None if current is None else table_path(directory.path, current)
        files = table_files(directory.path, generation)
        if previous is None or self._inherited_changes or not previous.is_file():
            # All of them, the indexer's part unread (240 MB of text at 10,000 CVs).
            records = read_records(self._open_store(), details_when_asked=True)
            for graph, known in self._known.items():
                if known is None:
                    records.pop(graph, None)
                else:
                    records[graph] = known
            write_table(files, records.values())
            return
        known = self._known
        changed = [record for graph in self._written if (record := known[graph]) is not None]
        removed = [graph for graph in self._written if known[graph] is None]
        write_table(files, changed, previous=previous, removed=removed)

    def close(self) -> None:
        """Let go of the primary (RocksDB closes when the last reference goes)."""
        if self._spool is not None:
            self._spool.close()  # never published: nothing of it is kept
            self._spool = None
        if self._store is not None:
            self._store.flush()
            self._store = None
        if self._text is not None:
            self._text.close()

    def _open_store(self) -> ox.Store:
        if self._store is None:
            raise LdcvError(f"{self.directory.path}: the writer is closed")
        return self._store

    def _wrote(self, quads: int) -> None:
        self._unflushed += quads
        if self._unflushed >= FLUSH_AFTER_QUADS:
            self._open_store().flush()
            self._unflushed = 0

    def _prune(self) -> None:
        snapshots = self.directory.snapshots
        generations = self.directory.snapshot_generations()
        published = [(snapshots / str(g)).stat().st_mtime for g in generations]
        now = time.time()
        for place in range(KEPT_SNAPSHOTS, len(generations)):
            # A snapshot was superseded when the next one was published.
            if now - published[place - 1] > SUPERSEDED_SNAPSHOT_LIFETIME:
                shutil.rmtree(snapshots / str(generations[place]))


class Snapshot:
    """A published snapshot, opened read-only: the store, its generation and its records.

    ``store_path``: the store directory, whose table of this generation's records is read
    by key (made first in a child if the generation has none); without it, every record
    is read now.
    """

    def __init__(self, path: Path, generation: int, store_path: Path | None = None) -> None:
        self.path = path
        self.generation = generation
        self._store: ReopeningStore | None = ReopeningStore(path)
        # The indexer's part of each record is read when asked: a server never asks.
        self.records: Mapping[str, GraphRecord]
        if store_path is None:
            self.records = read_records(self._store, details_when_asked=True)
        else:
            table = made_table(store_path, generation, path)
            self.records = RecordTable(table, IndexDetails(self._store).text)

    @property
    def store(self) -> ReopeningStore:
        """Return the snapshot's store, read-only (``reopen`` lets go of its caches)."""
        if self._store is None:
            raise LdcvError(f"{self.path}: the snapshot is closed")
        return self._store

    def close(self) -> None:
        """Let go of the snapshot's files (RocksDB closes when the last reference goes)."""
        self._store = None

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def encode_graph(graph: str, triples: Iterable[Triple]) -> bytes:
    """Return ``triples`` as the N-Triples ``replace_encoded`` takes for graph ``graph``.

    Blank nodes are labelled by their place first. An indexing worker encodes, so that
    the one writer only parses bytes, which also cross between processes far cheaper
    than pickled rdflib terms.
    """
    labelled = label_blank_nodes(graph, triples)
    return ox.serialize(
        [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in labelled],  # type: ignore[arg-type]
        format=ox.RdfFormat.N_TRIPLES,
    )


def _graph_name(graph: str) -> ox.NamedNode:
    if graph in (RECORDS_GRAPH, REMOVING_GRAPH, ADDING_GRAPH):
        raise ValueError(f"{graph} is the store's own graph, not one to write")
    return ox.NamedNode(graph)


def _changes(
    graph: ox.NamedNode, old: set[ox.Quad], new: set[ox.Quad]
) -> tuple[list[ox.Quad], list[str]]:
    """Return the quads to stage and the update operations that turn ``old`` into ``new``.

    The named graph first: quads it gains without blank nodes go into INSERT DATA, the
    others are staged and moved by templates that match them (INSERT DATA would relabel
    blank nodes). Then the merge in the default graph: it gains what the graph gained,
    and loses what the graph lost unless another CV graph still holds it. Deletions come
    first: two quads rdflib tells apart (``"1.50"`` and ``"1.5"`` as decimals) may be one
    in the store.
    """
    removing, adding = old - new, new - old
    removing_graph, adding_graph = ox.NamedNode(REMOVING_GRAPH), ox.NamedNode(ADDING_GRAPH)
    staged = [ox.Quad(q.subject, q.predicate, q.object, removing_graph) for q in removing]
    operations: list[str] = []
    if removing and removing == old:
        operations.append(f"DROP SILENT GRAPH {graph}")  # cheaper than deleting each quad
    elif removing:
        operations.append(
            f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {removing_graph} "
            "{ ?s ?p ?o } }"
        )
    plain = [q for q in adding if not _has_blank_node(q)]
    blank = [q for q in adding if _has_blank_node(q)]
    if plain:
        triples = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in plain)
        operations.append(f"INSERT DATA {{ GRAPH {graph} {{ {triples} }} {triples} }}")
    if blank:
        staged += (ox.Quad(q.subject, q.predicate, q.object, adding_graph) for q in blank)
        operations.append(
            f"INSERT {{ GRAPH {graph} {{ ?s ?p ?o }} ?s ?p ?o }} "
            f"WHERE {{ GRAPH {adding_graph} {{ ?s ?p ?o }} }}"
        )
    if removing:
        operations.append(_unmerged(f"GRAPH {removing_graph} {{ ?s ?p ?o }}", graph))
    if staged:
        operations.append(_DROP_STAGING)
    return staged, operations


def _unmerged(source: str, graph: ox.NamedNode) -> str:
    """Delete from the merge the triples ``source`` matches that no other CV graph holds."""
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ {source} "
        "FILTER NOT EXISTS { GRAPH ?other { ?s ?p ?o } "
        f"FILTER (?other NOT IN ({graph}, {_OWN_GRAPHS})) }} }}"
    )


def _holds_merge(store: ox.Store) -> bool:
    """Whether the default graph holds the merge of the CV graphs (it is never empty then)."""
    merged = store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return next(iter(merged), None) is not None


def _holds_records(store: ox.Store) -> bool:
    records = store.quads_for_pattern(None, None, None, ox.NamedNode(RECORDS_GRAPH))
    return next(iter(records), None) is not None


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


# A child that another thread of the writer's process starts holds a copy of the lock's
# descriptor from its fork to its exec: for a moment, a writer that comes next finds the
# lock taken. Only a lock held longer than this is another writer's.
LOCK_GRACE = 0.5


@contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + LOCK_GRACE
        while not _locked(descriptor):
            if time.monotonic() < deadline:
                time.sleep(0.01)
                continue
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
            by = f" (pid {holder})" if holder else ""
            raise StoreBusy(
                f"{path.parent}: another process{by} is writing this store; "
                "try again when it has finished"
            )
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        # Closing the descriptor releases the flock.
        os.close(descriptor)


def _locked(descriptor: int) -> bool:
    """Take the exclusive lock on ``descriptor`` if no one holds it; tell whether it is ours."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _replace_file(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.new")
    with open(temporary, "w", encoding="ascii") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    _fsync_directory(path.parent)


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
