"""Decide what an index must do: which files changed, which unchanged ones a change reaches.

Everything here reads the files that changed and the store's records, never the
unchanged files: their declarations and what they depend on are in their records.
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
from ldcv.load.directory import DECLARATIONS_FORMAT, Declarations, Directory
from ldcv.load.fields import FileReport
from ldcv.load.files import read_file
from ldcv.load.identity import Claim, parse_byline, report_unused_alias
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
    records: Iterable[GraphRecord],
    failures: dict[str, dict[str, Any]],
) -> Plan:
    """Plan an index of ``files``: a recorded file under ``in_scope`` and gone is removed.

    A store holds one dataset under one base URI: graphs minted under another base are
    removed, and every file indexed again under this one.
    """
    records = list(records)
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
    plan = Plan(base, hashes, ours, failing)
    scope = set(in_scope or ())
    plan.removed = [r for s, r in ours.items() if s not in hashes and _under(s, scope)]
    plan.removed += foreign
    for name, digest in hashes.items():
        # A record another loader wrote lacks what this one declares (an ORCID iD …).
        recorded = ours.get(name)
        current = recorded is not None and Declarations.is_current(
            recorded.details.get("declarations")
        )
        if name not in failing and (recorded.content_hash if current else None) != digest:
            (plan.changed if name in ours or name in failures else plan.added).append(name)

    declared: dict[str, Declarations] = {}
    for name in [*plan.changed, *plan.added]:
        read = read_file(Path(name))
        if read.top is None:
            plan.refused[name] = [str(p) for p in read.report.problems]
        else:
            declared[name] = declare(read.name, read.top)
    gone = {*plan.changed, *plan.added, *(r.source for r in plan.removed if r.source in ours)}
    seen = {s: Declarations.from_json(r.details["declarations"]) for s, r in ours.items()}
    for name, failure in failures.items():
        if failure.get("declarations") is not None:
            seen[name] = Declarations.from_json(failure["declarations"])
    staying = {name for name in seen if name not in gone and (name in ours or name in failing)}
    plan.directory = Directory([*(seen[n] for n in sorted(staying)), *declared.values()])
    old = [seen[name] for name in gone if name in seen]
    kept = [r for s, r in ours.items() if s not in gone and s not in failing]
    plan.reached = sorted(
        s for s in _reached(old, list(declared.values()), kept) if Path(s).is_file()
    )
    for name in plan.reached:  # a CV the store holds from a folder not given this time
        hashes.setdefault(name, content_hash(Path(name)))
    _refuse_across_files(plan)
    return plan


def _under(source: str, scope: set[str]) -> bool:
    path = Path(source)
    return source in scope or str(path.parent) in scope


def _reached(
    old: Sequence[Declarations], new: Sequence[Declarations], kept: Iterable[GraphRecord]
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
    bylines: set[Ident] = set()
    owners: dict[str, str] = {}
    for source, record in plan.records.items():
        if source not in building and source not in plan.refused and source in plan.hashes:
            bylines.update((f, i) for f, i in record.details["depends"]["bylines"])
            owners.setdefault(record.details["owner"], source)
    for name in building:
        bylines |= bylines_of(plan.directory.files[name])
    for name in sorted(building):
        declared = plan.directory.files[name]
        report = FileReport(name)
        for spelling in declared.spellings:
            byline = parse_byline(spelling.written)
            if spelling.alias and byline is not None and byline.ident not in bylines:
                claim = Claim(spelling.key, spelling.written, spelling.line, spelling.path,
                              explicit=True, alias=True)  # fmt: skip
                report_unused_alias(report, claim)
        other = owners.setdefault(declared.owner or "", name) if declared.owner else None
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
