"""``ldcv import FORMAT FILE [--into CV.yaml] [--dry-run]``: read, merge, report, write."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TextIO

from ldcv.errors import EXIT_OK, EXIT_USAGE
from ldcv.imports.merge import ImportOutcome, import_alone, import_into, write_atomically
from ldcv.imports.readers import import_format
from ldcv.imports.works import ReadWorks


def read_works(key: str, path: Path) -> ReadWorks:
    """Read ``path`` with the reader the format table names for ``key``."""
    module, function = import_format(key).reader.split(":")
    read = getattr(importlib.import_module(f"ldcv.imports.{module}"), function)
    return read(path)


def run_import(
    key: str,
    source: Path,
    into: Path | None,
    dry_run: bool,
    base_uri: str,
    out: TextIO,
    err: TextIO,
) -> int:
    """Run one import; data (YAML, diff) to ``out``, the report to ``err``; the exit code."""
    if not source.is_file():
        print(f"error: {source}: no such file", file=err)
        return EXIT_USAGE
    if import_format(key).whole_cv:
        from ldcv.imports.jsonresume_reader import run_jsonresume

        return run_jsonresume(source, into, dry_run, base_uri, out, err)
    read = read_works(key, source)
    if into is None:
        outcome = import_alone(read)
        out.write(outcome.after)
        report(outcome, source, err)
        return EXIT_OK
    if not into.is_file():
        print(f"error: {into}: no such CV file (--into names an existing CV)", file=err)
        return EXIT_USAGE
    outcome = import_into(read, into, base_uri)
    if dry_run:
        out.write(outcome.diff())
    elif outcome.after != outcome.before:
        write_atomically(into, outcome.after)
    report(outcome, source, err, dry_run=dry_run)
    return EXIT_OK


def report(outcome: ImportOutcome, source: Path, err: TextIO, dry_run: bool = False) -> None:
    """Tell what was imported, what was there already, what was left out, who is unplaced."""
    for work, listed in outcome.already:
        print(f"already there: {source}: {work.origin}: “{work.title}” is {listed}", file=err)
    for work, publication in outcome.shared:
        where = publication.source.file if publication.source else "another CV"
        print(
            f"listed elsewhere: {source}: {work.origin}: “{work.title}” is '{publication.key}' "
            f"in {where}; added as that file writes it",
            file=err,
        )
    for note in outcome.notes:
        print(f"note: {source}: {note.origin}: {note.reason}", file=err)
    for skipped in outcome.skipped:
        print(f"not imported: {source}: {skipped.origin}: {skipped.reason}", file=err)
    for placement in outcome.unplaced:
        hint = f"; it may be {placement.looks_like}" if placement.looks_like else ""
        print(
            f"not placed: '{placement.written}' ({placement.name}) is nobody the dataset "
            f"knows: a new coauthor known by this byline{hint}",
            file=err,
        )
    for placement in outcome.new_aliases:
        print(
            f"owner: '{placement.written}' ({placement.name}) is the owner's name; "
            "added to person.aliases",
            file=err,
        )
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=err)
    where = outcome.target or "stdout"
    verb = "would add" if dry_run else "added"
    if outcome.target is None:
        verb = "wrote"
    print(
        f"{verb} {len(outcome.added) + len(outcome.shared)} publication(s) to {where}; "
        f"{len(outcome.already)} already there, {len(outcome.skipped)} not imported, "
        f"{len(outcome.unplaced)} name(s) not placed"
        + (" (dry run: nothing written)" if dry_run else ""),
        file=err,
    )
