"""Loading files: YAML → model, every problem of every file with file, line and field."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from load_fixtures import fixture, line_of, load_seed, problems_of

from ldcv.errors import EXIT_INPUT, InputError
from ldcv.load import load_file, load_paths
from ldcv.model import CV, PartialDate


@pytest.fixture(scope="module")
def seed() -> CV:
    return load_seed()


# --- problems ---------------------------------------------------------------------------


def test_malformed_yaml_is_one_problem_at_the_parsers_line() -> None:
    path = fixture("malformed")
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].file == str(path)
    assert problems[0].line == line_of(path, "title: Notes: on: engines")
    assert "malformed YAML" in problems[0].message


def test_empty_file_is_a_problem(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    assert "person" in problems_of(empty)[0].message


def test_every_problem_in_a_file_is_reported_in_one_run() -> None:
    assert len(problems_of(fixture("dangling"))) == 5


def test_problems_of_every_file_are_reported_in_one_run(tmp_path: Path) -> None:
    for name in ("typos", "bad-dates", "valid"):
        shutil.copy(fixture(name), tmp_path / f"{name}.yaml")
    with pytest.raises(InputError) as caught:
        load_paths([tmp_path, tmp_path / "missing.yaml"])
    files = {Path(p.file).name for p in caught.value.problems}
    assert files == {"typos.yaml", "bad-dates.yaml", "missing.yaml"}
    assert caught.value.exit_code == EXIT_INPUT


def test_problems_print_as_file_line_field_message() -> None:
    path = fixture("bad-keys")
    with pytest.raises(InputError) as caught:
        load_file(path)
    first = str(caught.value).splitlines()[0]
    assert first.startswith(f"{path}:{line_of(path, 'key: Ada Lovelace')}: person.key: ")


def test_two_files_with_one_owner_are_reported(tmp_path: Path) -> None:
    shutil.copy(fixture("valid"), tmp_path / "a.yaml")
    shutil.copy(fixture("valid"), tmp_path / "b.yml")
    with pytest.raises(InputError) as caught:
        load_paths([tmp_path])
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "b.yml")
    assert problem.field == "person.key"


@pytest.mark.slow
def test_loading_does_not_import_rdflib() -> None:
    code = "import sys, ldcv.load; print('rdflib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- the seed CV ------------------------------------------------------------------------


def test_the_seed_has_every_section_complete(seed: CV) -> None:
    assert len(seed.positions) == 6
    assert len(seed.education) == 4
    assert len(seed.awards) == 5
    assert len(seed.patents) == 1
    assert len(seed.patents[0].grants) == 5
    assert len(seed.projects) == 3
    assert len(seed.publications) == 39


def test_the_seed_has_its_publications_by_kind(seed: CV) -> None:
    kinds = Counter(p.kind for p in seed.publications)
    assert kinds["journal-article"] == 15
    assert kinds["conference-paper"] + kinds["workshop-paper"] == 14
    assert kinds["book-chapter"] == 3
    assert kinds["preprint"] == 7


def test_the_seed_keeps_private_fields_private(seed: CV) -> None:
    assert seed.owner.private >= {"telephone", "address", "birth_date"}
    assert seed.owner.birth_date == PartialDate(1986, 12, 16)
