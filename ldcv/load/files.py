"""Read CV YAML files into the typed model, reporting every problem with file, line and field.

The YAML is composed, never constructed: each value is read from its node's raw
text, so dates stay text (``2021-07-28`` is not a timestamp, ``2109.04230`` keeps
its last zero) and every node keeps its line. Every file is read to the end, so one
run reports everything wrong with every file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from ldcv.errors import InputError, Problem
from ldcv.load.builder import build_cv
from ldcv.load.cv_format import (
    CV_FIELDS,
    DEFAULT_PRIVATE,
    PRIVACY_FIELDS,
    PUBLICATION_KINDS,
    parse_date,
)
from ldcv.load.fields import INVALID, FileReport, read_mapping
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


def _read(path: Path) -> tuple[CV | None, list[Problem]]:
    f = FileReport(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        f.problem(None, None, f"cannot read: {error}")
        return None, f.problems
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = "; ".join(p for p in (error.problem, error.context) if p)
        f.problem(mark.line + 1 if mark else None, None, f"malformed YAML: {message}")
        return None, f.problems
    except yaml.YAMLError as error:
        f.problem(None, None, f"malformed YAML: {error}")
        return None, f.problems
    if node is None:
        f.problem(1, None, "the file is empty; a CV needs at least person:")
        return None, f.problems
    top = read_mapping(f, node, "", CV_FIELDS)
    cv = build_cv(f, top) if top is not INVALID else None
    return cv, sorted(f.problems, key=lambda p: p.line or 0)


def load_file(path: Path) -> CV:
    """Load one CV file; raise ``InputError`` with every problem in it."""
    cv, problems = _read(Path(path))
    if problems or cv is None:
        raise InputError(problems)
    return cv


def _files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
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
    """Load every CV under ``paths`` (a directory means its YAML files, sorted).

    Return the CVs and the files read; raise ``InputError`` with every problem in every file.
    """
    files, problems = _files(paths)
    cvs: list[CV] = []
    owners: dict[str, str] = {}
    for path in files:
        cv, found = _read(path)
        problems.extend(found)
        if cv is None:
            continue
        earlier = owners.get(cv.owner.key)
        if earlier is not None:
            line = cv.owner.source.line if cv.owner.source else None
            problems.append(
                Problem(
                    str(path),
                    line,
                    "person.key",
                    f"'{cv.owner.key}' is also the owner of {earlier}",
                )
            )
        owners.setdefault(cv.owner.key, str(path))
        cvs.append(cv)
    if problems:
        raise InputError(problems)
    return cvs, files
