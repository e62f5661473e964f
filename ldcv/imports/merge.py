"""Merge imported works into a CV file: place authors, skip duplicates, check, then write.

The dataset is the CV's folder, as ``ldcv validate`` reads it: every person any of its
files declares or names can be placed, a paper another file lists is listed as it does,
and the result must load with all of them and the changed CV conform to the shapes.
Nothing is written unless it does; the write replaces the file in one rename.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldcv.errors import InputError, NotConformant, Problem
from ldcv.imports.duplicates import KnownWorks, SharedWorks
from ldcv.imports.placement import KnownPeople, Placement
from ldcv.imports.works import OPTIONAL_FIELDS, ImportedWork, ReadWorks, Skipped, clean_doi
from ldcv.imports.yaml_edit import (
    CannotInsert,
    add_owner_aliases,
    insert_publications,
    render_entry,
)
from ldcv.load.directory import Declarations
from ldcv.load.files import load_read_files, read_file
from ldcv.load.identity import parse_byline
from ldcv.load.slugs import slugify
from ldcv.model import CV, Publication


@dataclass
class ImportOutcome:
    """What an import did, or would do: the text before and after, and what it reports."""

    target: Path | None
    before: str
    after: str
    added: list[tuple[str, ImportedWork]] = field(default_factory=list)  # (key, work)
    already: list[tuple[ImportedWork, str]] = field(default_factory=list)  # (work, listed as)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)
    unplaced: list[Placement] = field(default_factory=list)  # one per byline written
    new_aliases: list[Placement] = field(default_factory=list)  # added to person.aliases
    shared: list[tuple[ImportedWork, Publication]] = field(default_factory=list)  # elsewhere
    warnings: list[str] = field(default_factory=list)  # new loader/SHACL warnings

    def diff(self) -> str:
        """The change as a unified diff of the CV file."""
        name = str(self.target) if self.target else "publications.yaml"
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=name,
                tofile=name,
            )
        )


def dataset_files(target: Path) -> list[Path]:
    """The CV files ``ldcv validate`` reads with ``target``: its folder's YAML files."""
    folder = target.parent
    siblings = sorted(
        p
        for p in folder.iterdir()
        if p.suffix in (".yaml", ".yml") and p.is_file() and p.resolve() != target.resolve()
    )
    return [*siblings, target] if target.exists() else siblings


@dataclass
class Folder:
    """A CV's folder, loaded once: its CVs, and what checking a new version of the CV needs."""

    target: Path
    cvs: list[CV] = field(default_factory=list)
    elsewhere: list[Declarations] = field(default_factory=list)  # the other files'
    used: set[tuple[str, tuple[str, str]]] = field(default_factory=set)  # their bylines'
    owners: dict[str, str] = field(default_factory=dict)  # the other files' owner → file

    @property
    def target_cv(self) -> CV | None:
        """The CV of the target file, if it exists."""
        target = str(self.target.resolve())
        return next(
            (cv for cv in self.cvs if cv.source and str(Path(cv.source.file).resolve()) == target),
            None,
        )


def load_folder(target: Path) -> Folder:
    """Load ``target``'s folder as one dataset; raise ``InputError`` if it does not load."""
    loaded = load_read_files([read_file(p) for p in dataset_files(target)])
    problems = [p for f in loaded for p in f.problems]
    if problems:
        hint = Problem(str(target.parent), None, None, "does not load before the import; fix it")
        raise InputError([*problems, hint])
    folder = Folder(target, [f.cv for f in loaded if f.cv is not None])
    for f in loaded:
        if f.path.resolve() == target.resolve():
            continue
        if f.declarations is not None:
            folder.elsewhere.append(f.declarations)
        folder.used |= f.used
        if f.cv is not None:
            folder.owners[f.cv.owner.key] = str(f.path)
    return folder


def _unique_key(work: ImportedWork, first_family: str, taken: set[str]) -> str:
    """The loader's default key (first author, year, four title words), made unique."""
    words = slugify(work.title).split("-")
    for count in range(4, max(len(words), 4) + 1):
        key = "-".join(p for p in (slugify(first_family), str(work.year), *words[:count]) if p)
        if key not in taken:
            return key
    number = 2
    while f"{key}-{number}" in taken:
        number += 1
    return f"{key}-{number}"


def entry_fields(work: ImportedWork, key: str, bylines: list[str]) -> dict[str, Any]:
    """The YAML fields of an imported work, in the order the format documents them."""
    fields: dict[str, Any] = {
        "key": key,
        "kind": work.kind,
        "title": work.title,
        "authors": bylines,
        "year": work.year,
    }
    for name in OPTIONAL_FIELDS:
        value = work.get(name)
        if name == "url" and value and work.get("doi") and clean_doi(value) == work.get("doi"):
            continue  # a doi.org link says no more than the DOI
        if value:
            fields[name] = value
    return fields


def publication_fields(publication: Publication) -> dict[str, Any]:
    """A publication of the model as the YAML writes it: to list another CV's paper as it is."""
    year = publication.year
    fields: dict[str, Any] = {
        "key": publication.key,
        "kind": publication.kind,
        "title": publication.title,
        "authors": [a.written for a in publication.authors],
        "year": year.year if year.precision == "year" else year.isoformat(),
    }
    for name in OPTIONAL_FIELDS:
        value = getattr(publication, name, None)
        if name == publication.repository:
            value = publication.identifier
        if value:
            fields[name] = value
    return fields


def plan_import(
    read: ReadWorks, cvs: Sequence[CV], target_cv: CV | None
) -> tuple[list[dict[str, Any]], ImportOutcome]:
    """Decide what to add: the new entries' fields, and the outcome without the text."""
    people = KnownPeople(cvs, target_cv.owner.key if target_cv else None)
    works = KnownWorks(target_cv.publications if target_cv else ())
    # One paper is one resource across the dataset: listed by another CV, it is added as
    # that CV writes it (its key, its facts), which the loader requires of a shared paper.
    shared = SharedWorks(p for cv in cvs if cv is not target_cv for p in cv.publications)
    taken = {p.key for cv in cvs for p in cv.publications}
    outcome = ImportOutcome(None, "", "", skipped=list(read.skipped), notes=list(read.notes))
    unplaced: dict[str, Placement] = {}
    entries = []
    for work in read.works:
        listed = works.already(work)
        if listed is not None:
            outcome.already.append((work, listed))
            continue
        publication = shared.find(work)
        if publication is not None:
            works.add(work, f"{work.origin} of the import")
            entries.append(publication_fields(publication))
            outcome.shared.append((work, publication))
            continue
        placements = [people.place(name) for name in work.authors]
        bylines = [p.written for p in placements]
        first = parse_byline(bylines[0])
        key = _unique_key(work, first.family if first else work.authors[0].family, taken)
        taken.add(key)
        works.add(work, f"{work.origin} of the import")
        for placement in placements:
            if placement.key is None and cvs:
                unplaced.setdefault(placement.written, placement)
            if placement.new_owner_alias:
                outcome.new_aliases.append(placement)
        entries.append(entry_fields(work, key, bylines))
        outcome.added.append((key, work))
    outcome.unplaced = list(unplaced.values())
    return entries, outcome


@contextmanager
def beside(target: Path, text: str) -> Iterator[Path]:
    """A temporary file beside ``target`` holding ``text``: to check, then rename or drop."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".import", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def check(folder: Folder, temporary: Path, base_uri: str, label: str | None = None) -> list[str]:
    """Check ``temporary`` as the new version of ``folder.target``, as ``ldcv validate`` would.

    It is loaded against what the folder's other files declare (one person, one paper
    across files), as the incremental index loads a changed file; then mapped and
    validated against the shapes, since each CV validates on its own and the others have
    not changed. Return its warnings; raise ``InputError`` or ``NotConformant`` naming the
    target (or ``label``, for a CV that has no file yet).
    """
    from ldcv.rdf.mapping import map_located
    from ldcv.rdf.validation import ensure_conforms

    name = label or str(folder.target)
    (loaded,) = load_read_files([read_file(temporary)], folder.elsewhere, set(folder.used))
    problems = list(loaded.problems)
    cv = loaded.cv
    if cv is not None and cv.owner.key in folder.owners:
        line = cv.owner.source.line if cv.owner.source else None
        why = f"'{cv.owner.key}' is also the owner of {folder.owners[cv.owner.key]}"
        problems.append(Problem(str(temporary), line, "person.key", why))
    if problems or cv is None:
        raise InputError(
            [Problem(name if p.file == str(temporary) else p.file, *_rest(p)) for p in problems]
        )
    # One mapping serves the check and the location of its findings in the YAML.
    graph, sources = map_located([cv], base_uri)
    try:
        warnings = [*cv.warnings, *ensure_conforms(graph, [cv], base_uri, sources=sources)]
    except NotConformant as error:
        raise NotConformant(error.report.replace(str(temporary), name)) from None
    return [w.replace(str(temporary), name) for w in warnings]


def _rest(problem: Problem) -> tuple[int | None, str | None, str]:
    return problem.line, problem.field, problem.message


def write_atomically(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` in one rename: readers see the old file or the new."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            os.chmod(name, target.stat().st_mode & 0o7777)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def import_into(read: ReadWorks, target: Path, base_uri: str) -> ImportOutcome:
    """Add ``read``'s works to the CV file ``target``; check the result; write nothing yet."""
    folder = load_folder(target)
    entries, outcome = plan_import(read, folder.cvs, folder.target_cv)
    before = target.read_bytes().decode("utf-8")  # as it is: CR LF line ends too
    try:
        after = insert_publications(before, entries)
        after = add_owner_aliases(after, [p.written for p in outcome.new_aliases])
    except CannotInsert as error:
        raise InputError([Problem(str(target), None, None, str(error))]) from None
    outcome.target, outcome.before, outcome.after = target, before, after
    if entries:
        earlier = {w for cv in folder.cvs for w in cv.warnings}
        with beside(target, after) as temporary:
            warnings = check(folder, temporary, base_uri)
        outcome.warnings = [w for w in warnings if w not in earlier]
    return outcome


def import_alone(read: ReadWorks) -> ImportOutcome:
    """The works as a ``publications:`` list, for a CV not given: no placement, no check."""
    entries, outcome = plan_import(read, (), None)
    outcome.after = "publications:\n" + "".join(render_entry(e, "  - ") for e in entries)
    return outcome
