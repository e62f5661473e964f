"""Loading files: YAML → model, every problem of every file with file, line and field."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from ldcv.errors import EXIT_INPUT, InputError
from ldcv.load import load_file, load_paths
from ldcv.model import CV, PartialDate

# --- problems ---------------------------------------------------------------------------


def test_malformed_yaml_is_one_problem_at_the_parsers_line(
    yaml_fixture, line_of, problems_of
) -> None:
    path = yaml_fixture("malformed")
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].file == str(path)
    assert problems[0].line == line_of(path, "title: Notes: on: engines")
    assert "malformed YAML" in problems[0].message


def test_empty_file_is_a_problem(tmp_path: Path, problems_of) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    assert "person" in problems_of(empty)[0].message


def test_every_problem_in_a_file_is_reported_in_one_run(yaml_fixture, problems_of) -> None:
    assert len(problems_of(yaml_fixture("dangling"))) == 5


def test_problems_of_every_file_are_reported_in_one_run(tmp_path: Path, yaml_fixture) -> None:
    for name in ("typos", "bad-dates", "valid"):
        shutil.copy(yaml_fixture(name), tmp_path / f"{name}.yaml")
    with pytest.raises(InputError) as caught:
        load_paths([tmp_path, tmp_path / "missing.yaml"])
    files = {Path(p.file).name for p in caught.value.problems}
    assert files == {"typos.yaml", "bad-dates.yaml", "missing.yaml"}
    assert caught.value.exit_code == EXIT_INPUT


def test_problems_print_as_file_line_field_message(yaml_fixture, line_of) -> None:
    path = yaml_fixture("bad-keys")
    with pytest.raises(InputError) as caught:
        load_file(path)
    first = str(caught.value).splitlines()[0]
    assert first.startswith(f"{path}:{line_of(path, 'key: Ada Lovelace')}: person.key: ")


def test_two_files_with_one_owner_are_reported(tmp_path: Path, yaml_fixture) -> None:
    shutil.copy(yaml_fixture("valid"), tmp_path / "a.yaml")
    shutil.copy(yaml_fixture("valid"), tmp_path / "b.yml")
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


def test_the_seed_has_every_section_complete(seed_cv: CV) -> None:
    assert len(seed_cv.positions) == 6
    assert len(seed_cv.education) == 4
    assert len(seed_cv.awards) == 5
    assert len(seed_cv.patents) == 1
    assert len(seed_cv.patents[0].grants) == 5
    assert len(seed_cv.projects) == 3
    assert len(seed_cv.publications) == 39


def test_the_seed_has_its_publications_by_kind(seed_cv: CV) -> None:
    kinds = Counter(p.kind for p in seed_cv.publications)
    assert kinds["journal-article"] == 15
    assert kinds["conference-paper"] + kinds["workshop-paper"] == 14
    assert kinds["book-chapter"] == 3
    assert kinds["preprint"] == 7


def test_the_seed_keeps_private_fields_private(seed_cv: CV) -> None:
    assert seed_cv.owner.private >= {"telephone", "address", "birth_date"}
    assert seed_cv.owner.birth_date == PartialDate(1986, 12, 16)
