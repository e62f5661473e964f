"""Reading YAML nodes against a field spec: unknown, repeated, missing and mistyped fields."""

from __future__ import annotations

import yaml

from ldcv.load.fields import (
    INVALID,
    Field,
    FileReport,
    choice_field,
    read_mapping,
    read_text,
    read_texts,
)
from ldcv.model import CV


def read(text: str, fields: dict[str, Field]) -> tuple[object, FileReport]:
    """Read ``text`` as one mapping against ``fields``."""
    report = FileReport("toy.yaml")
    return read_mapping(report, yaml.compose(text), "", fields), report


# --- against a spec of its own ----------------------------------------------------------


def test_values_stay_text_as_written_and_keep_their_lines() -> None:
    entry, report = read(
        "id: 2109.04230\ntags:\n  - 007\n  - 'x'\n",
        {"id": Field(read_text, required=True), "tags": Field(read_texts)},
    )
    assert report.problems == []
    assert entry.get("id") == "2109.04230"
    assert entry.texts("tags") == ("007", "x")
    assert [(i.line, i.path) for i in entry.items("tags")] == [(3, "tags[0]"), (4, "tags[1]")]
    assert entry.where("tags") == (3, "tags")


def test_a_choice_given_a_list_is_one_problem_of_type() -> None:
    entry, report = read("kind: [a]\n", {"kind": choice_field("a", "b")})
    (problem,) = report.problems
    assert (problem.line, problem.field) == (1, "kind")
    assert problem.message == "expected text, found a list"
    assert entry is not INVALID and "kind" in entry.invalid


def test_a_value_not_among_the_choices_suggests_the_closest() -> None:
    _, report = read("kind: alfa\n", {"kind": choice_field("alpha", "beta")})
    (problem,) = report.problems
    assert problem.message == "unknown value 'alfa'; did you mean 'alpha'?"


# --- in CV files ------------------------------------------------------------------------


def test_unknown_keys_anywhere_are_reported_with_the_closest_known_key(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("typos")
    problems = problems_of(path)
    owner = problem_at(problems, "person.famly_name")
    assert owner.line == line_of(path, "famly_name")
    assert "'family_name'" in owner.message
    nested = problem_at(problems, "education[0].thesis.titel")
    assert nested.line == line_of(path, "titel:")
    assert "'title'" in nested.message
    top = problem_at(problems, "publication")
    assert top.line == line_of(path, "publication:")
    assert "'publications'" in top.message


def test_a_misspelt_required_field_is_not_also_reported_missing(yaml_fixture, problems_of) -> None:
    problems = problems_of(yaml_fixture("typos"))
    assert all(p.field != "education[0].thesis.title" for p in problems)


def test_missing_required_fields_are_reported_at_their_entry(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("missing")
    problems = problems_of(path)
    family = problem_at(problems, "person.family_name")
    assert family.line == line_of(path, "given_name: Ada")
    start = problem_at(problems, "positions[0].start")
    assert start.line == line_of(path, "title: Correspondent")
    number = problem_at(problems, "patents[0].grants[0].number")
    assert number.line == line_of(path, "office: GB")
    assert "missing" in number.message


def test_blank_text_and_empty_lists_count_as_missing(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("missing")
    problems = problems_of(path)
    assert problem_at(problems, "publications[0].title").line == line_of(path, "kind: preprint")
    assert problem_at(problems, "publications[0].authors").line == line_of(path, "kind: preprint")


def test_wrong_types_are_reported(yaml_fixture, line_of, problems_of, problem_at) -> None:
    path = yaml_fixture("wrong-types")
    problems = problems_of(path)
    name = problem_at(problems, "person.name")
    assert name.line == line_of(path, "name: [Ada")
    assert "expected text" in name.message
    positions = problem_at(problems, "positions")
    assert positions.line == line_of(path, "title: Correspondent")
    assert "list" in positions.message
    authors = problem_at(problems, "publications[0].authors")
    assert authors.line == line_of(path, "authors: Lovelace A")
    entry = problem_at(problems, "publications[1]")
    assert entry.line == line_of(path, "just a string")


def test_a_field_given_twice_in_one_entry_is_reported(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("duplicates")
    problem = problem_at(problems_of(path), "positions[1].start")
    assert problem.line == line_of(path, "start: 1851")


def test_identifiers_and_numbers_stay_as_written(valid_cv: CV) -> None:
    preprint = valid_cv.publications[1]
    assert (preprint.repository, preprint.identifier) == ("arxiv", "1803.01230")
    assert valid_cv.publications[0].volume == "82"
    assert valid_cv.patents[0].grants[0].number == "123"
