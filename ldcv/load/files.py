"""Read CV YAML files into the typed model, reporting every problem with file, line and field.

The YAML is composed, never constructed: each value is read from its node's raw
text, so dates stay text (``2021-07-28`` is not a timestamp, ``2109.04230`` keeps
its last zero) and every node keeps its line. Every file is read to the end, so one
run reports everything wrong with every file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ldcv.errors import InputError, Problem
from ldcv.load.builder import build_file, declare
from ldcv.load.cv_format import (
    CV_FIELDS,
    DEFAULT_PRIVATE,
    PRIVACY_FIELDS,
    PUBLICATION_KINDS,
    parse_date,
)
from ldcv.load.directory import Declarations, Directory
from ldcv.load.fields import INVALID, Entry, FileReport, read_mapping
from ldcv.load.identity import Byline, parse_byline
from ldcv.model import CV

__all__ = [
    "DEFAULT_PRIVATE",
    "PRIVACY_FIELDS",
    "PUBLICATION_KINDS",
    "Byline",
    "load_file",
    "load_paths",
    "parse_byline",
    "parse_date",
]

# The C composer is several times faster and gives the same marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class ReadFile:
    """A file's YAML read against the format; ``top`` is None if it could not be read."""

    path: Path
    report: FileReport
    top: Entry | None

    @property
    def name(self) -> str:
        return self.report.name


@dataclass
class LoadedFile:
    """A file loaded against every file's declarations: its CV, or its problems."""

    path: Path
    cv: CV | None
    problems: list[Problem]
    declarations: Declarations | None
    used: set[tuple[str, tuple[str, str]]] = field(default_factory=set)  # spellings it used


def read_file(path: Path) -> ReadFile:
    """Read one file's YAML into entries, recording what is wrong with it."""
    f = FileReport(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        f.problem(None, None, f"cannot read: {error}")
        return ReadFile(path, f, None)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = "; ".join(p for p in (error.problem, error.context) if p)
        f.problem(mark.line + 1 if mark else None, None, f"malformed YAML: {message}")
        return ReadFile(path, f, None)
    except yaml.YAMLError as error:
        f.problem(None, None, f"malformed YAML: {error}")
        return ReadFile(path, f, None)
    if node is None:
        f.problem(1, None, "the file is empty; a CV needs at least person:")
        return ReadFile(path, f, None)
    top = read_mapping(f, node, "", CV_FIELDS)
    return ReadFile(path, f, top if top is not INVALID else None)


def load_read_files(
    files: Sequence[ReadFile],
    elsewhere: Iterable[Declarations] = (),
    used_elsewhere: set[tuple[str, tuple[str, str]]] | None = None,
) -> list[LoadedFile]:
    """Build the CVs of ``files`` as one dataset with the files declaring ``elsewhere``.

    Anyone declared in any file is known to all; a key declared differently in two files,
    and an alias no byline of any file uses (``used_elsewhere``: the other files'), is a
    problem of each file at fault.
    """
    declared = {f.name: declare(f.name, f.top) for f in files if f.top is not None}
    directory = Directory([*(d for d in elsewhere if d.file not in declared), *declared.values()])
    built = {f.name: build_file(f.report, f.top, directory) for f in files if f.top is not None}
    used = set(used_elsewhere or ())
    for made in built.values():
        used |= made.used
    loaded = []
    for f in files:
        made = built.get(f.name)
        if made is not None:
            made.report_unused_aliases(used)
            f.report.problems.extend(directory.conflicts(f.name))
        problems = sorted(f.report.problems, key=lambda p: p.line or 0)
        cv = made.cv if made is not None and not problems else None
        loaded.append(
            LoadedFile(f.path, cv, problems, declared.get(f.name), made.used if made else set())
        )
    return loaded


def load_file(path: Path) -> CV:
    """Load one CV file; raise ``InputError`` with every problem in it."""
    (loaded,) = load_read_files([read_file(Path(path))])
    if loaded.problems or loaded.cv is None:
        raise InputError(loaded.problems)
    return loaded.cv


def find_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """The CV files under ``paths`` (a directory: its YAML files, sorted), and what is missing."""
    files: list[Path] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
            )
            if not found:
                problems.append(Problem(str(path), None, None, "no *.yaml or *.yml files here"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), None, None, "no such file or directory"))
    return files, problems


def load_paths(paths: Iterable[str | Path]) -> tuple[list[CV], list[Path]]:
    """Load every CV under ``paths`` (a directory means its YAML files, sorted) as one dataset.

    Return the CVs and the files read; raise ``InputError`` with every problem in every file.
    """
    files, problems = find_files(paths)
    cvs: list[CV] = []
    owners: dict[str, str] = {}
    for loaded in load_read_files([read_file(path) for path in files]):
        problems.extend(loaded.problems)
        cv = loaded.cv
        if cv is None:
            continue
        earlier = owners.get(cv.owner.key)
        if earlier is not None:
            line = cv.owner.source.line if cv.owner.source else None
            problems.append(
                Problem(
                    str(loaded.path),
                    line,
                    "person.key",
                    f"'{cv.owner.key}' is also the owner of {earlier}",
                )
            )
        owners.setdefault(cv.owner.key, str(loaded.path))
        cvs.append(cv)
    if problems:
        raise InputError(problems)
    return cvs, files
