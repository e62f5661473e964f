"""Building the CV: cross-references, periods, repeated publications and the owner's privacy."""

from __future__ import annotations

from pathlib import Path

from ldcv.load import load_file
from ldcv.model import CV

# --- problems across entries ------------------------------------------------------------


def test_a_period_that_ends_before_it_starts_is_reported(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("bad-dates")
    problem = problem_at(problems_of(path), "positions[2].end")
    assert problem.line == line_of(path, "end: 1843-09")
    assert "before it starts" in problem.message


def test_the_same_publication_twice_is_reported(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("duplicates")
    problem = problem_at(problems_of(path), "publications[1]")
    assert problem.line == line_of(path, "key: notes-b")
    assert "publications[0]" in problem.message


def test_references_that_point_nowhere_are_reported(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("dangling")
    problems = problems_of(path)
    expected = {
        "organizations[0].parent": "parent: analytical-society",
        "positions[0].organization": "royal-societyy",
        "positions[0].supervisors[0]": "charles-babage",
        "education[0].thesis.supervisors[0]": "augustus-de-morgan",
        "awards[0].for": "for: lovelace-1843-notes",
    }
    for field, needle in expected.items():
        assert problem_at(problems, field).line == line_of(path, needle)
    assert "'charles-babbage'" in problem_at(problems, "positions[0].supervisors[0]").message


def test_privacy_lists_must_name_owner_fields(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("privacy-bad")
    problems = problems_of(path)
    unknown = problem_at(problems, "person.public[0]")
    assert unknown.line == line_of(path, "public:")
    assert "'telephone'" in unknown.message
    both = problem_at(problems, "person.public[1]")
    assert "both" in both.message
    not_private = problem_at(problems, "person.public[2]")
    assert "public already" in not_private.message


# --- the model --------------------------------------------------------------------------


def test_entries_remember_file_and_line(valid_cv: CV, yaml_fixture, line_of) -> None:
    path = yaml_fixture("valid")
    position = valid_cv.positions[0]
    assert position.source is not None
    assert position.source.file == str(path)
    assert position.source.line == line_of(path, "title: Translator")


def test_cross_references_are_kept_as_keys(valid_cv: CV) -> None:
    assert valid_cv.organizations[1].parent == "analytical-society"
    assert valid_cv.positions[0].supervisors == ("charles-babbage",)
    assert valid_cv.education[0].thesis is not None
    assert valid_cv.education[0].thesis.supervisors == ("charles-babbage",)
    assert valid_cv.awards[0].for_work == valid_cv.publications[0].key


def test_a_thesis_keeps_its_own_grade_apart_from_the_degrees(tmp_path: Path, yaml_fixture) -> None:
    text = yaml_fixture("valid").read_text(encoding="utf-8")
    needle = "      title: On numbers\n"
    assert needle in text
    path = tmp_path / "graded.yaml"
    path.write_text(text.replace(needle, needle + "      grade: 1.0 / A\n"), encoding="utf-8")
    (study,) = load_file(path).education
    assert study.thesis is not None
    assert study.thesis.grade == "1.0 / A"
    assert study.grade is None


def test_telephone_address_and_birth_date_are_private_by_default(valid_cv: CV) -> None:
    assert valid_cv.owner.private == {"telephone", "address", "birth_date"}
    assert not valid_cv.owner.is_public("telephone")
    assert valid_cv.owner.is_public("email")


def test_public_and_private_override_the_defaults(yaml_fixture) -> None:
    owner = load_file(yaml_fixture("privacy")).owner
    assert owner.private == {"telephone", "address", "email"}
    assert owner.is_public("birth_date")
