"""Helpers for the loader's tests: the ``load-*.yaml`` fixtures, their lines and problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldcv.errors import InputError, Problem
from ldcv.load import load_file, load_paths
from ldcv.model import CV

FIXTURES = Path(__file__).parents[1] / "fixtures"
SEED = Path(__file__).parents[2] / "data" / "sebastian-lapuschkin.yaml"


def fixture(name: str) -> Path:
    return FIXTURES / f"load-{name}.yaml"


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based line on which ``needle`` occurs for the ``occurrence``-th time."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_file(path)
    return list(caught.value.problems)


def problem_at(problems: list[Problem], field: str | None) -> Problem:
    found = [p for p in problems if p.field == field]
    assert len(found) == 1, f"expected one problem at {field}, got {problems}"
    return found[0]


def load_seed() -> CV:
    """The seed CV, loaded with the rest of ``data/``."""
    cvs, files = load_paths([SEED.parent])
    assert SEED in files
    return next(cv for cv, path in zip(cvs, files, strict=True) if path == SEED)
