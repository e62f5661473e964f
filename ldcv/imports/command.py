"""``ldcv import FORMAT FILE [--into CV.yaml] [--dry-run]``: read, merge, report, write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ldcv.errors import EXIT_OK, EXIT_USAGE
from ldcv.imports.merge import ImportOutcome, import_alone, import_into, write_atomically
from ldcv.imports.works import ReadWorks


@dataclass(frozen=True)
class ImportFormat:
    """One format ``ldcv import`` reads: its name on the command line and its reader."""

    key: str
    label: str
    whole_cv: bool  # the format describes a person, not only works: it makes a whole CV


# The one table of import formats: the CLI's choices, the readers, the help text.
IMPORT_FORMATS = (
    ImportFormat("bibtex", "BibTeX or BibLaTeX (.bib)", whole_cv=False),
    ImportFormat("ris", "RIS (.ris)", whole_cv=False),
    ImportFormat("csl", "CSL-JSON, as Zotero and doi.org export it", whole_cv=False),
    ImportFormat("orcid", "an ORCID record's works, public API v3.0 JSON", whole_cv=False),
    ImportFormat("jsonresume", "a JSON Resume v1 document: a whole new CV", whole_cv=True),
)


def read_works(key: str, path: Path) -> ReadWorks:
    """Read ``path`` with the reader of format ``key``."""
    if key == "bibtex":
        from ldcv.imports.bibtex import read_bibtex

        return read_bibtex(path)
    if key == "ris":
        from ldcv.imports.ris import read_ris

        return read_ris(path)
    if key == "csl":
        from ldcv.imports.csl import read_csl

        return read_csl(path)
    if key == "orcid":
        from ldcv.imports.orcid import read_orcid

        return read_orcid(path)
    raise ValueError(f"no works reader for {key}")


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
    if key == "jsonresume":
        from ldcv.imports.jsonresume import run_jsonresume

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
        f"{verb} {len(outcome.added)} publication(s) to {where}; "
        f"{len(outcome.already)} already there, {len(outcome.skipped)} not imported, "
        f"{len(outcome.unplaced)} name(s) not placed"
        + (" (dry run: nothing written)" if dry_run else ""),
        file=err,
    )
