"""Decide what an index must do: which files changed, which unchanged ones a change reaches.

Everything here reads the files that changed and the store's records, never the
unchanged files: their declarations and what they depend on are in their records, and
looked up by key in the tables that mirror them (``ldcv.store.directory_tables``), so
that planning one change reads what that change touches, not every record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldcv.errors import Problem
from ldcv.load.builder import declare
from ldcv.load.directory import DECLARATIONS_FORMAT, Declarations, Directory, ident_key
from ldcv.load.fields import FileReport
from ldcv.load.files import read_file
from ldcv.load.identity import Claim, parse_byline, report_unused_alias
from ldcv.store.directory_tables import DirectoryTables, tables_of
from ldcv.store.records import GraphRecord

Ident = tuple[str, str]  # a byline's family-name slug and initials: what names one person


def content_hash(path: Path) -> str:
    """Hash a file's bytes: what decides whether it changed since the last index."""
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


@dataclass
class Plan:
    """What one index run does, and what it knows before building anything."""

    base: str
    hashes: dict[str, str]  # every file under the paths given → its content hash
    records: dict[str, GraphRecord]  # by source file, under this base
    failing: dict[str, dict[str, Any]]  # file → hash, problems, declarations of its last failure
    tables: DirectoryTables  # the records' declarations, by key
    changed: list[str] = field(default_factory=list)  # in the store or failed before
    added: list[str] = field(default_factory=list)
    reached: list[str] = field(default_factory=list)  # unchanged, but a change reaches them
    removed: list[GraphRecord] = field(default_factory=list)
    directory: Directory = field(default_factory=lambda: Directory([]))
    refused: dict[str, list[str]] = field(default_factory=dict)  # before any building

    @property
    def to_build(self) -> list[str]:
        return sorted({*self.changed, *self.added, *self.reached} - self.refused.keys())


def plan_index(
    base: str,
    files: Sequence[Path],
    in_scope: Iterable[str] | None,
    recorded: DirectoryTables | Iterable[GraphRecord],
    failures: dict[str, dict[str, Any]],
) -> Plan:
    """Plan an index of ``files``: a recorded file under ``in_scope`` and gone is removed.

    ``recorded``: the store's records, or the tables mirroring them (``DirectoryTables``):
    only the entries a change touches are read from those.

    A store holds one dataset under one base URI: graphs minted under another base are
    removed, and every file indexed again under this one.
    """
    tables = recorded if isinstance(recorded, DirectoryTables) else tables_of(recorded)
    records = list(tables.records().values())
    ours = {r.source: r for r in records if r.details.get("base") == base}
    foreign = [r for r in records if r.details.get("base") != base]
    hashes = {str(path): content_hash(path) for path in files}
    # A file that failed and has not changed since fails again: it is not read, and what
    # it declares stays what the other files were built against. Unless another loader
    # read it: that one may take it now.
    failing = {
        n: f
        for n, f in failures.items()
        if hashes.get(n) == f["hash"]
        and f.get("base") == base
        and f.get("format") == DECLARATIONS_FORMAT
    }
    plan = Plan(base, hashes, ours, failing, tables)
    scope = set(in_scope or ())
    plan.removed = [r for s, r in ours.items() if s not in hashes and _under(s, scope)]
    plan.removed += foreign
    current = tables.current()  # a record another loader wrote lacks what this one declares
    for name, digest in hashes.items():
        recorded_hash = ours[name].content_hash if name in ours and name in current else None
        if name not in failing and recorded_hash != digest:
            (plan.changed if name in ours or name in failures else plan.added).append(name)

    declared: dict[str, Declarations] = {}
    for name in [*plan.changed, *plan.added]:
        read = read_file(Path(name))
        if read.top is None:
            plan.refused[name] = [str(p) for p in read.report.problems]
        else:
            declared[name] = declare(read.name, read.top)
    gone = {*plan.changed, *plan.added, *(r.source for r in plan.removed if r.source in ours)}
    # What the other files were built against: a failure's declarations, else the record's.
    failed = {
        name: Declarations.from_json(failure["declarations"])
        for name, failure in failures.items()
        if failure.get("declarations") is not None
    }

    def seen(name: str) -> Declarations | None:
        if name in failed:
            return failed[name]
        return tables.declarations(name) if name in ours else None

    old = [d for d in (seen(name) for name in sorted(gone)) if d is not None]
    kept = {s for s in ours if s not in gone and s not in failing}
    plan.reached = sorted(
        s for s in _reached(old, list(declared.values()), kept, tables) if Path(s).is_file()
    )
    for name in plan.reached:  # a CV the store holds from a folder not given this time
        hashes.setdefault(name, content_hash(Path(name)))
    # In memory: what a failure declared (it replaces the record's), what the files built
    # declare (an unchanged one reached: its record's); every other record's is looked up.
    held = {
        name: declarations
        for name, declarations in sorted(failed.items())
        if name not in gone and (name in ours or name in failing)
    }
    for name in plan.reached:
        if name not in held and (declarations := tables.declarations(name)) is not None:
            held[name] = declarations
    plan.directory = Directory(
        [*held.values(), *declared.values()],
        tables,
        hidden={*gone, *failed, *(r.source for r in foreign)},
    )
    _refuse_across_files(plan)
    return plan


def _under(source: str, scope: set[str]) -> bool:
    path = Path(source)
    return source in scope or str(path.parent) in scope


def _reached(
    old: Sequence[Declarations],
    new: Sequence[Declarations],
    kept: set[str],
    tables: DirectoryTables,
) -> set[str]:
    """The unchanged files a change of declarations reaches: they must be built again."""
    people = _differences(
        {(p.key, _fingerprint(p)) for d in old for p in d.people},
        {(p.key, _fingerprint(p)) for d in new for p in d.people},
    )
    organizations = _differences(
        {(o.key, _fingerprint(o)) for d in old for o in d.organizations},
        {(o.key, _fingerprint(o)) for d in new for o in d.organizations},
    )
    spellings = _claimed(old) ^ _claimed(new)
    bylines = {ident_key(ident) for _, ident in spellings}
    reached = (
        tables.dependents("people", people)
        | tables.dependents("organizations", organizations)
        | tables.dependents("bylines", bylines)
    )
    return reached & kept


def _fingerprint(entry: Any) -> str:
    data = dict(vars(entry))
    data.pop("source", None)
    return json.dumps(data, sort_keys=True, default=list)


def _differences(old: set[tuple[str, str]], new: set[tuple[str, str]]) -> set[str]:
    return {key for key, _ in old ^ new}


def _claimed(declared: Iterable[Declarations]) -> set[tuple[str, Ident]]:
    found = set()
    for d in declared:
        for spelling in d.spellings:
            byline = parse_byline(spelling.written)
            if byline is not None:
                found.add((spelling.key, byline.ident))
    return found


def bylines_of(declared: Declarations) -> set[Ident]:
    """Every byline a file's publications print, as the spellings that name one person."""
    found = set()
    for publication in declared.publications:
        for written in dict(publication.facts).get("authors", "").split("; "):
            byline = parse_byline(written)
            if byline is not None:
                found.add(byline.ident)
    return found


def _refuse_across_files(plan: Plan) -> None:
    """Refuse what only every file together shows: an alias no byline uses, one owner twice."""
    building = set(plan.to_build)

    def others(sources: Iterable[str]) -> list[str]:
        """The recorded files not built again that stay: what the built ones meet."""
        return [
            s
            for s in sources
            if s in plan.records and s not in building and s not in plan.refused
            and s in plan.hashes
        ]  # fmt: skip

    built_bylines: set[Ident] = set()
    for name in building:
        built_bylines |= bylines_of(plan.directory.files[name])
    owners: dict[str, str] = {}
    for name in sorted(building):
        declared = plan.directory.files[name]
        report = FileReport(name)
        for spelling in declared.spellings:
            byline = parse_byline(spelling.written)
            if (
                spelling.alias
                and byline is not None
                and byline.ident not in built_bylines
                and not others(plan.tables.dependents("bylines", [ident_key(byline.ident)]))
            ):
                claim = Claim(spelling.key, spelling.written, spelling.line, spelling.path,
                              explicit=True, alias=True)  # fmt: skip
                report_unused_alias(report, claim)
        other = None
        if declared.owner:
            recorded = others(plan.tables.owned(declared.owner))
            owners.setdefault(declared.owner, recorded[0] if recorded else name)
            other = owners[declared.owner]
        if other is not None and other != name:
            owner = declared.people[0] if declared.people else None
            line = owner.source.line if owner is not None and owner.source else None
            report.problems.append(
                Problem(
                    name, line, "person.key", f"'{declared.owner}' is also the owner of {other}"
                )
            )
        if report.problems:
            plan.refused[name] = [str(p) for p in report.problems]
