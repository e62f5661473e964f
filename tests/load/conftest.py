"""Fixtures of the loader's tests: the ``tests/fixtures/load-*.yaml`` files, lines, problems.

Requested by name like every fixture (the seed CV is ``seed_cv``, in ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ldcv.errors import InputError, Problem
from ldcv.load import load_file
from ldcv.model import CV

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _yaml_fixture(name: str) -> Path:
    return FIXTURES / f"load-{name}.yaml"


def _line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def _problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_file(path)
    return list(caught.value.problems)


def _problem_at(problems: list[Problem], field: str | None) -> Problem:
    found = [p for p in problems if p.field == field]
    assert len(found) == 1, f"expected one problem at {field}, got {problems}"
    return found[0]


@pytest.fixture(scope="session")
def yaml_fixture() -> Callable[[str], Path]:
    """A loader fixture's path: ``yaml_fixture("valid")`` is ``tests/fixtures/load-valid.yaml``."""
    return _yaml_fixture


@pytest.fixture(scope="session")
def line_of() -> Callable[..., int]:
    """``line_of(path, needle, occurrence=1)``: the 1-based line of the needle's n-th occurrence."""
    return _line_of


@pytest.fixture(scope="session")
def problems_of() -> Callable[[Path], list[Problem]]:
    """``problems_of(path)``: the problems the loader reports for a file it must refuse."""
    return _problems_of


@pytest.fixture(scope="session")
def problem_at() -> Callable[[list[Problem], str | None], Problem]:
    """``problem_at(problems, field)``: the one problem reported at ``field``."""
    return _problem_at


@pytest.fixture(scope="session")
def valid_cv() -> CV:
    """The CV of ``tests/fixtures/load-valid.yaml`` (Ada Lovelace's), loaded."""
    return load_file(_yaml_fixture("valid"))
