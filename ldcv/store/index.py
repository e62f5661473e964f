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

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldcv.errors import InputError, NotConformant, Problem
from ldcv.forking import cpu_count, handed_to_workers, inherited, may_fork, start_pool
from ldcv.load.builder import build_file, declare
from ldcv.load.directory import Declarations, Directory
from ldcv.load.files import ReadFile, find_files, read_file
from ldcv.load.identity import parse_byline, report_unused_alias
from ldcv.model import CV
from ldcv.rdf.iris import document_iri
from ldcv.rdf.mapping import map_located
from ldcv.rdf.validation import ensure_conforms
from ldcv.store.disk import StoreDirectory
from ldcv.store.records import GraphRecord

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
class _Built:
    """A file built against the directory (in a worker): its CV or its problems."""

    name: str
    cv: CV | None
    problems: list[Problem]
    used: set[tuple[str, tuple[str, str]]]
    unused_aliases: list[tuple[str, tuple[str, str], Any]]
    warnings: list[str]


@dataclass
class _Mapped:
    """A CV mapped and validated (in a worker): its triples, or why it does not conform."""

    name: str
    triples: list[tuple[Any, Any, Any]] | None
    warnings: list[str]
    failure: str | None = None


def content_hash(path: Path) -> str:
    """Hash a file's bytes: what decides whether it changed since the last index."""
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


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
    records = _records(store, jobs)
    report = IndexReport()

    ours = {r.source: r for r in records.values() if r.details.get("base") == base}
    hashes = {str(path): content_hash(path) for path in files}
    # A file that failed and has not changed since fails again: it is not read, its
    # problems are reported again, and what it declares stays what other files saw.
    failures = _previous_failures(store)
    failing = {n: f for n, f in failures.items() if hashes.get(n) == f["hash"]}
    for name, failure in failing.items():
        report.failed[name] = failure["problems"]
    in_scope = _scope(given, hashes)
    removed = [r for source, r in ours.items() if in_scope(source) and source not in hashes]
    changed = [
        name
        for name, digest in hashes.items()
        if name not in failing and _hash_of(ours.get(name)) != digest
    ]
    report.removed = sorted(r.source for r in removed)

    read = {name: read_file(Path(name)) for name in changed}
    declared = {name: _declare(f) for name, f in read.items()}
    gone = {name for name in changed} | set(report.removed)
    kept = {s: r for s, r in ours.items() if s not in gone}
    seen = {s: Declarations.from_json(r.details["declarations"]) for s, r in ours.items()}
    for name, failure in failures.items():
        if failure.get("declarations") is not None:
            seen[name] = Declarations.from_json(failure["declarations"])
    directory = Directory(
        [
            *(d for name, d in seen.items() if name in kept or name in failing),
            *(d for d in declared.values() if d is not None),
        ]
    )
    old = [seen[name] for name in gone if name in seen]
    reached = _reached(old, [d for d in declared.values() if d is not None], kept.values())
    reached -= failing.keys()
    for source in sorted(reached):
        if Path(source).is_file():
            read[source] = read_file(Path(source))
    for name in changed:
        (report.changed if name in ours else report.added).append(name)
    report.affected = sorted(reached)
    report.unchanged = len(hashes) - len(changed) - len(reached & hashes.keys())

    built = _build_all([read[name] for name in sorted(read)], directory, jobs)
    used = {tuple_used(u) for r in kept.values() if r.source not in read for u in r.details["used"]}
    for made in built:
        used |= made.used
    owners = {r.details["owner"]: r.source for r in kept.values() if r.source not in read}
    good: list[_Built] = []
    for made in built:
        _late_problems(made, used, owners, read[made.name].report)
        if made.problems or made.cv is None:
            report.failed[made.name] = [str(p) for p in made.problems]
            failing[made.name] = _failure(hashes[made.name], made, declared.get(made.name))
        else:
            owners[made.cv.owner.key] = made.name
            good.append(made)
        report.warnings += made.warnings

    report.generation = _write(store, base, good, removed, ours, hashes, directory, jobs, report)
    for name in report.failed.keys() - failing.keys():  # mapped, but does not conform
        failing[name] = _failure(hashes[name], None, directory.files.get(name))
        failing[name]["problems"] = report.failed[name]
    _write_status(store, failing)
    return report


def _failure(digest: str, made: _Built | None, declared: Declarations | None) -> dict[str, Any]:
    """What the next index needs to know about a file that failed: unchanged, it fails again."""
    return {
        "hash": digest,
        "problems": [str(p) for p in made.problems] if made is not None else [],
        "declarations": declared.to_json() if declared is not None else None,
    }


def _previous_failures(store: StoreDirectory) -> dict[str, dict[str, Any]]:
    """The files the last index could not take, with their hashes and declarations."""
    try:
        status = json.loads((store.path / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    failed = status.get("failed", {})
    return {n: f for n, f in failed.items() if isinstance(f, dict) and "hash" in f}


def tuple_used(value: Any) -> tuple[str, tuple[str, str]]:
    """A used spelling as JSON gives it back (lists) as the loader has it (tuples)."""
    key, ident = value
    return key, (ident[0], ident[1])


def _hash_of(record: GraphRecord | None) -> str | None:
    return None if record is None else record.content_hash


def _scope(given: Sequence[Path], hashes: dict[str, str]) -> Callable[[str], bool]:
    """Whether a recorded source is under the paths given: only those may be removed."""
    folders = {str(p) for p in given if p.is_dir()} | {str(p.parent) for p in given if p.is_dir()}
    named = {str(p) for p in given}

    def in_scope(source: str) -> bool:
        return source in hashes or source in named or str(Path(source).parent) in folders

    return in_scope


def _declare(f: ReadFile) -> Declarations | None:
    return declare(f.name, f.top) if f.top is not None else None


def _reached(
    old: Sequence[Declarations], new: Sequence[Declarations], kept: Iterable[GraphRecord]
) -> set[str]:
    """The unchanged files a change of declarations reaches: they must be built again."""
    people = _differences(
        {(p.key, json.dumps(_plain(p), sort_keys=True)) for d in old for p in d.people},
        {(p.key, json.dumps(_plain(p), sort_keys=True)) for d in new for p in d.people},
    )
    organizations = _differences(
        {(o.key, json.dumps(_plain(o), sort_keys=True)) for d in old for o in d.organizations},
        {(o.key, json.dumps(_plain(o), sort_keys=True)) for d in new for o in d.organizations},
    )
    spellings = _idents({(s.key, s.written) for d in old for s in d.spellings}) ^ _idents(
        {(s.key, s.written) for d in new for s in d.spellings}
    )
    bylines = {ident for _, ident in spellings}
    reached = set()
    for record in kept:
        depends = record.details["depends"]
        if (
            people & set(depends["people"])
            or organizations & set(depends["organizations"])
            or bylines & {(family, initials) for family, initials in depends["bylines"]}
        ):
            reached.add(record.source)
    return reached


def _plain(entry: Any) -> dict[str, Any]:
    data = dict(vars(entry))
    data.pop("source", None)
    return data


def _differences(old: set[tuple[str, str]], new: set[tuple[str, str]]) -> set[str]:
    return {key for key, _ in old ^ new}


def _idents(spellings: set[tuple[str, str]]) -> set[tuple[str, tuple[str, str]]]:
    found = set()
    for key, written in spellings:
        byline = parse_byline(written)
        if byline is not None:
            found.add((key, byline.ident))
    return found


def _late_problems(
    made: _Built, used: set[tuple[str, tuple[str, str]]], owners: dict[str, str], report: Any
) -> None:
    """The problems only every file together shows: unused aliases, one owner in two files."""
    for key, ident, claim in made.unused_aliases:
        if (key, ident) not in used:
            before = len(report.problems)
            report_unused_alias(report, claim)
            made.problems += report.problems[before:]
    if made.cv is not None and not made.problems:
        other = owners.get(made.cv.owner.key)
        if other is not None and other != made.name:
            source = made.cv.owner.source
            made.problems.append(
                Problem(
                    made.name,
                    source.line if source else None,
                    "person.key",
                    f"'{made.cv.owner.key}' is also the owner of {other}",
                )
            )


# -- the work, in one process per CPU ---------------------------------------------------


def _build_all(files: Sequence[Any], directory: Directory, jobs: int) -> list[_Built]:
    if len(files) < 2 or not may_fork(jobs):
        return [_build(f, directory) for f in files]
    with handed_to_workers(index_files=files, index_directory=directory), start_pool(jobs) as pool:
        return pool.map(_build_inherited, range(len(files)), chunksize=4)


def _build_inherited(position: int) -> _Built:
    return _build(inherited("index_files")[position], inherited("index_directory"))


def _build(f: Any, directory: Directory) -> _Built:
    if f.top is None:
        return _Built(f.name, None, list(f.report.problems), set(), [], [])
    made = build_file(f.report, f.top, directory)
    f.report.problems.extend(directory.conflicts(f.name))
    problems = sorted(f.report.problems, key=lambda p: p.line or 0)
    return _Built(
        f.name,
        made.cv if not problems else None,
        problems,
        set(made.used),
        made.identities.unused_aliases(),
        list(made.cv.warnings) if made.cv is not None else [],
    )


def _mapped(task: tuple[str, CV, str]) -> _Mapped:
    name, cv, base = task
    graph, sources = map_located([cv], base)
    try:
        warnings = ensure_conforms(graph, [cv], base, jobs=1, sources=sources)
    except NotConformant as error:
        return _Mapped(name, None, [], str(error))
    return _Mapped(name, list(graph), warnings)


@contextmanager
def _mapping(tasks: list[tuple[str, CV, str]], jobs: int) -> Iterator[Iterator[_Mapped]]:
    """Map and validate ``tasks`` in ``jobs`` processes, forked now: before the store opens.

    A process that has opened the store has RocksDB's threads and may not fork.
    """
    if len(tasks) < 2 or not may_fork(jobs):
        yield (_mapped(t) for t in tasks)
        return
    with start_pool(jobs) as pool:
        yield pool.imap_unordered(_mapped, tasks, chunksize=2)


def _write(
    store: StoreDirectory,
    base: str,
    good: list[_Built],
    removed: list[GraphRecord],
    ours: dict[str, GraphRecord],
    hashes: dict[str, str],
    directory: Directory,
    jobs: int,
    report: IndexReport,
) -> int | None:
    """Replace the graphs of the good CVs and drop the removed ones; publish if anything changed."""
    by_name = {made.name: made for made in good}
    tasks = [(made.name, made.cv, base) for made in good if made.cv is not None]
    wrote = False
    with _mapping(tasks, jobs) as results, store.writer() as writer:
        for mapped in results:
            if mapped.triples is None:
                report.failed[mapped.name] = [mapped.failure or "does not conform"]
                continue
            made = by_name[mapped.name]
            assert made.cv is not None
            report.warnings += mapped.warnings
            graph = str(document_iri(base, "person", made.cv.owner.key))
            previous = ours.get(mapped.name)
            if previous is not None and previous.graph != graph:
                writer.remove_graph(previous.graph)
            writer.replace_graph(
                GraphRecord(
                    graph=graph,
                    source=mapped.name,
                    content_hash=hashes[mapped.name],
                    details=_details(made, directory, base, len(mapped.triples)),
                ),
                mapped.triples,
            )
            wrote = True
        for record in removed:
            writer.remove_graph(record.graph)
            wrote = True
        return writer.publish() if wrote or store.generation() is None else None


def _details(made: _Built, directory: Directory, base: str, triples: int) -> dict[str, Any]:
    """What the next index needs to know about this CV without reading its file."""
    cv = made.cv
    assert cv is not None
    declared = directory.files[made.name]
    own_people = {p.key for p in declared.people}
    own_organizations = {o.key for o in declared.organizations}
    bylines = set()
    for publication in cv.publications:
        for author in publication.authors:
            byline = parse_byline(author.written)
            if byline is not None:
                bylines.add(byline.ident)
    path = Path(made.name)
    return {
        "base": base,
        "owner": cv.owner.key,
        "name": cv.owner.name,
        "declarations": declared.to_json(),
        "used": sorted([key, list(ident)] for key, ident in made.used),
        "depends": {
            "people": sorted({p.key for p in cv.people} - own_people),
            "organizations": sorted({o.key for o in cv.organizations} - own_organizations),
            "bylines": sorted(list(ident) for ident in bylines),
        },
        "triples": triples,
        "publications": len(cv.publications),
        "modified": int(path.stat().st_mtime),
    }


def _write_status(store: StoreDirectory, failing: dict[str, dict[str, Any]]) -> None:
    """Say which files the last run could not take: for the next run and the status page."""
    status = store.path / STATUS_FILE
    temporary = status.with_suffix(".tmp")
    text = json.dumps({"failed": failing}, ensure_ascii=False, indent=1, sort_keys=True)
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, status)


def _records(store: StoreDirectory, jobs: int) -> dict[str, GraphRecord]:
    """The records of the current snapshot, read in a child process where that lets us fork.

    A process that has opened a RocksDB store keeps its threads, and may then not fork
    workers (``ldcv.forking.may_fork``).
    """
    if store.generation() is None:
        return {}
    if not may_fork(jobs):
        return _snapshot_records(store)
    with start_pool(1) as pool:
        return pool.apply(_snapshot_records, (store,))


def _snapshot_records(store: StoreDirectory) -> dict[str, GraphRecord]:
    snapshot = store.open_snapshot()
    if snapshot is None:
        return {}
    with snapshot:
        return dict(snapshot.records)
