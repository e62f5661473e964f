"""Bring the store up to date with the CV files: only what changed is loaded, mapped, validated.

A file is indexed when its bytes changed since the last index (content hashes, not
modification times), and so is every unchanged file a change reaches: one that names a
person or organisation whose declaration changed, or whose bylines a changed spelling
may now resolve differently. Each CV is built against the declarations of every file
(the unchanged ones from their records, without reading them), mapped, and validated
on its own, in one process per CPU. A good CV replaces its named graph; a bad one keeps
its last good graph and is reported. One snapshot is published at the end: readers see
the whole run or none of it, and a run killed half-way publishes nothing.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldcv.errors import InputError, NotConformant
from ldcv.forking import cpu_count, handed_to_workers, inherited, may_fork, start_pool
from ldcv.load.builder import build_file
from ldcv.load.directory import DECLARATIONS_FORMAT, Declarations, Directory
from ldcv.load.files import find_files, read_file
from ldcv.model import CV
from ldcv.rdf.iris import document_iri
from ldcv.store.directory_tables import TABLES_FILE, DirectoryTables, tables_of
from ldcv.store.disk import StoreDirectory, StoreWriter, encode_graph
from ldcv.store.plan import Plan, bylines_of, plan_index
from ldcv.store.records import GraphRecord
from ldcv.store.text_index import index_continues

STATUS_FILE = "status.json"  # in the store directory: the files the last index could not take


@dataclass
class IndexReport:
    """What one run of the indexer did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    affected: list[str] = field(default_factory=list)  # unchanged, but reached by a change
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: dict[str, list[str]] = field(default_factory=dict)  # file → its problems
    warnings: list[str] = field(default_factory=list)
    generation: int | None = None  # the snapshot published; None: nothing changed

    def summary(self) -> str:
        """Say in a few lines what changed."""
        lines = []
        for what, files in (
            ("added", self.added),
            ("changed", self.changed),
            ("reindexed for a change elsewhere", self.affected),
            ("removed", self.removed),
        ):
            lines += [f"{what}: {name}" for name in files]
        indexed = len(self.added) + len(self.changed) + len(self.affected)
        total = (
            f"{indexed} CV(s) indexed, {len(self.removed)} removed, {self.unchanged} unchanged, "
            f"{len(self.failed)} failed"
        )
        published = (
            f"; store generation {self.generation}"
            if self.generation is not None
            else "; the store is unchanged"
        )
        return "\n".join([*lines, total + published])


@dataclass
class _Outcome:
    """One file indexed in a worker: its triples and record details, or its problems."""

    name: str
    data: bytes | None  # the graph, as ``encode_graph`` gives it
    problems: list[str]
    warnings: list[str]
    details: dict[str, Any] | None = None


def index_paths(
    paths: Iterable[str | Path], store: StoreDirectory, base_uri: str, jobs: int | None = None
) -> IndexReport:
    """Index the CV files under ``paths`` into ``store``; return what changed.

    Raise ``InputError`` if a path does not exist; a file that cannot be indexed is in
    the report's ``failed`` and keeps its last good graph.
    """
    base = base_uri.rstrip("/")
    given = [Path(p) for p in paths]
    files, missing = find_files(given)
    if missing:
        raise InputError(missing)
    jobs = jobs or cpu_count()
    failures = _previous_failures(store)
    # Absolute paths: an index run from another folder or with other spellings of the
    # paths must find the same files in the records.
    files = [path.resolve() for path in files]
    scope = {str(path.resolve()) for path in given}
    with _collector_kept_off_the_plan() as planned:
        plan = plan_index(base, files, scope, _tables(store), failures)
        planned()
        return _carry_out(plan, store, jobs)


def _carry_out(plan: Plan, store: StoreDirectory, jobs: int) -> IndexReport:
    """Build, validate and store what ``plan`` says; say what was done."""

    report = IndexReport(
        added=plan.added,
        changed=plan.changed,
        affected=plan.reached,
        removed=sorted({r.source for r in plan.removed}),
    )
    failing = dict(plan.failing)
    for name, failure in plan.failing.items():
        report.failed[name] = failure["problems"]
    for name, problems in plan.refused.items():
        report.failed[name] = problems
        failing[name] = _failure(plan, name, problems)
    indexed = {*plan.changed, *plan.added, *plan.reached}
    report.unchanged = len(plan.hashes) - len(indexed & plan.hashes.keys())

    report.generation = _write(store, plan, jobs, report, failing)
    _write_status(store, failing)
    return report


@contextmanager
def _collector_kept_off_the_plan() -> Iterator[Callable[[], None]]:
    """Keep the cyclic garbage collector from walking the plan's objects again and again.

    Planning made millions of objects (every record's declarations, the directory) and
    no cycles; each full collection on the way walked them all, which tripled the time
    of planning 1,000 CVs. (It reads the tables now, but makes them again from every
    record when they are stale.) Collection is off while planning; calling the function this
    yields freezes what exists (out of every later collection, and out of the forked
    workers' copy-on-write) and turns collection back on; leaving unfreezes it.
    """
    enabled = gc.isenabled()
    gc.disable()

    def planned() -> None:
        gc.freeze()
        if enabled:
            gc.enable()

    try:
        yield planned
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _failure(plan: Plan, name: str, problems: list[str]) -> dict[str, Any]:
    """What the next index needs to know about a file that failed: unchanged, it fails again."""
    declared = plan.directory.files.get(name)
    return {
        "base": plan.base,
        "hash": plan.hashes[name],
        "problems": problems,
        "declarations": declared.to_json() if declared is not None else None,
        "format": DECLARATIONS_FORMAT,
    }


def _previous_failures(store: StoreDirectory) -> dict[str, dict[str, Any]]:
    """The files the last index could not take, with their hashes and declarations."""
    try:
        status = json.loads((store.path / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    failed = status.get("failed", {})
    return {n: f for n, f in failed.items() if isinstance(f, dict) and "hash" in f}


# -- the work, in one process per CPU ---------------------------------------------------


def _index_one(name: str, jobs: int = 1, then: Callable[[str], object] | None = None) -> _Outcome:
    """Build, map and validate one file against the directory the parent handed over.

    ``jobs`` processes validate a large graph; this one encodes it for the store meanwhile,
    then calls ``then`` with the graph's IRI (whatever the validation finds).
    """
    # Building, mapping and encoding the largest CV make some 100,000 objects and hardly
    # a cycle; the collector's passes over them were 30 % of that work (0.17 s of 0.56 s).
    # What cycles there are wait for the next collection after this file.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_map_validate(name, jobs, then)
    finally:
        if enabled:
            gc.enable()


def _build_map_validate(name: str, jobs: int, then: Callable[[str], object] | None) -> _Outcome:
    from ldcv.rdf.mapping import map_located  # imported before the workers fork: _indexing
    from ldcv.rdf.validation import ensure_conforms

    directory: Directory = inherited("index_directory")
    shapes = inherited("index_shapes")  # parsed once by the parent (_indexing)
    base: str = inherited("index_base")
    read = read_file(Path(name))
    if read.top is None:
        return _Outcome(name, None, [str(p) for p in read.report.problems], [])
    made = build_file(read.report, read.top, directory)
    read.report.problems.extend(directory.conflicts(name))
    if read.report.problems or made.cv is None:
        problems = sorted(read.report.problems, key=lambda p: p.line or 0)
        return _Outcome(name, None, [str(p) for p in problems], [])
    cv = made.cv
    graph, sources = map_located([cv], base)
    encoded: list[bytes] = []

    def encode() -> None:
        iri = str(document_iri(base, "person", cv.owner.key))
        encoded.append(encode_graph(iri, graph))
        if then is not None:
            then(iri)

    try:
        warnings = ensure_conforms(
            graph, [cv], base, jobs=jobs, meanwhile=encode, sources=sources, shapes=shapes
        )
    except NotConformant as error:
        return _Outcome(name, None, [str(error)], [])
    details = _details(cv, directory.files[name], base, len(graph))
    return _Outcome(name, encoded[0], [], [*cv.warnings, *warnings], details)


@contextmanager
def _indexing(
    names: list[str], plan: Plan, jobs: int, validating: Callable[[str], object]
) -> Iterator[Iterator[_Outcome]]:
    """Index ``names`` in ``jobs`` processes, forked now: before the store opens.

    A process writing the store runs a thread of pyoxigraph's and may not fork. A single
    file is indexed in this process, at once, its graph validated in ``jobs`` processes
    if it is large: the one change of a large CV waits for its validation alone, and
    ``validating(graph)`` is called meanwhile (once those processes are forked).
    """
    # Mapping and validation are imported here, not by this module: an index with
    # nothing to build needs neither (pySHACL alone is a tenth of its time).
    import ldcv.rdf.mapping  # noqa: F401
    from ldcv.rdf.validation import ldcv_shapes

    # Parsed once for the whole index, before the workers fork (each inherits them).
    shapes = ldcv_shapes() if names else None
    handed = {"index_directory": plan.directory, "index_base": plan.base, "index_shapes": shapes}
    with handed_to_workers(**handed):
        if len(names) == 1:
            yield iter([_index_one(names[0], jobs, validating)])
            return
        if not may_fork(jobs):
            yield (_index_one(name) for name in names)
            return
        with start_pool(jobs) as pool:
            yield pool.imap_unordered(_index_one, names, chunksize=2)


def _write(
    store: StoreDirectory,
    plan: Plan,
    jobs: int,
    report: IndexReport,
    failing: dict[str, dict[str, Any]],
) -> int | None:
    """Replace the graphs of the good CVs and drop the removed ones; publish if anything changed."""
    generation = store.generation()
    # A store without a text index (or one an older ldcv changed) has it made, unpublished;
    # a remote store has none.
    text_kept = not isinstance(store, StoreDirectory) or index_continues(store.path, generation)
    if not plan.to_build and not plan.removed and generation is not None and text_kept:
        return None  # nothing to write: the primary need not even be opened
    with ExitStack() as stack:
        opened: list[StoreWriter] = []

        def writer_now() -> StoreWriter:
            if not opened:
                opened.append(stack.enter_context(store.writer(fresh=True)))
            return opened[0]

        def prefetch(graph: str) -> None:
            # While a lone CV is validated, the store opens and reads the graph it replaces
            # (a writer to a remote engine reads nothing ahead: it has no such method).
            read_ahead = getattr(writer_now(), "prefetch", None)
            if read_ahead is not None:
                read_ahead(graph)

        outcomes = stack.enter_context(_indexing(plan.to_build, plan, jobs, prefetch))
        return _write_outcomes(store, plan, report, failing, outcomes, writer_now())


def _write_outcomes(
    store: StoreDirectory,
    plan: Plan,
    report: IndexReport,
    failing: dict[str, dict[str, Any]],
    outcomes: Iterator[_Outcome],
    writer: StoreWriter,
) -> int | None:
    """Store the good ``outcomes``, drop the removed graphs, publish; return the generation."""
    previous = store.generation()
    # The tables change as the graphs do, row by row (a first index's rows would not
    # fit in memory at once), and take effect only after the snapshot is published:
    # killed before, they stay as they were; killed between, they describe the
    # generation before, and the next run makes them again from the records.
    if previous is None:
        tables = DirectoryTables(store.path / TABLES_FILE)
    elif plan.tables.describes(previous):
        tables = plan.tables
    else:  # another process changed them since this one planned: made again next
        tables = tables_of([])
    wrote = False
    with tables.changing(afresh=previous is None) as change:
        for outcome in outcomes:
            if outcome.data is None or outcome.details is None:
                report.failed[outcome.name] = outcome.problems
                failing[outcome.name] = _failure(plan, outcome.name, outcome.problems)
                continue
            failing.pop(outcome.name, None)
            report.warnings += outcome.warnings
            graph = str(document_iri(plan.base, "person", outcome.details["owner"]))
            previous_record = plan.records.get(outcome.name)
            if previous_record is not None and previous_record.graph != graph:
                writer.remove_graph(previous_record.graph)
            record = GraphRecord(graph, outcome.name, plan.hashes[outcome.name], outcome.details)
            writer.replace_encoded(record, outcome.data)
            change.write(record)
            wrote = True
        for removed in plan.removed:
            writer.remove_graph(removed.graph)
            change.remove(removed.source)
            wrote = True
        if not wrote and previous is not None:
            return None  # nothing written: the tables stay as they are
        generation = writer.publish()
        change.mirrors(generation)
    return generation


def _details(cv: CV, declared: Declarations, base: str, triples: int) -> dict[str, Any]:
    """What the next index needs to know about this CV without reading its file."""
    own_people = {p.key for p in declared.people}
    own_organizations = {o.key for o in declared.organizations}
    return {
        "base": base,
        "owner": cv.owner.key,
        "name": cv.owner.name,
        "declarations": declared.to_json(),
        "depends": {
            "people": sorted({p.key for p in cv.people} - own_people),
            "organizations": sorted({o.key for o in cv.organizations} - own_organizations),
            "bylines": sorted(list(ident) for ident in bylines_of(declared)),
        },
        "triples": triples,
        "publications": len(cv.publications),
        "modified": int(Path(declared.file).stat().st_mtime),
    }


def _write_status(store: StoreDirectory, failing: dict[str, dict[str, Any]]) -> None:
    """Say which files the last run could not take: for the next run and the status page."""
    status = store.path / STATUS_FILE
    temporary = status.with_suffix(".tmp")
    text = json.dumps({"failed": failing}, ensure_ascii=False, indent=1, sort_keys=True)
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, status)


def _tables(store: StoreDirectory) -> DirectoryTables:
    """The tables mirroring the current snapshot's records: made again if stale.

    Read in this process: the RocksDB threads opening the snapshot leaves behind do not
    stop the workers from forking (``ldcv.forking.may_fork``).
    """
    tables = DirectoryTables(store.path / TABLES_FILE)
    if tables.describes(store.generation()):
        return tables
    snapshot = store.open_snapshot()
    if snapshot is None:
        return tables_of([])
    with snapshot:
        # The record table reads each record when walked to, and holds none of them.
        tables.replace(snapshot.generation, snapshot.records.values(), afresh=True)
    return tables
