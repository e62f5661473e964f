"""The CV format: its value types, and its field tables against the JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ldcv.load.cv_format import CV_FIELDS, parse_date
from ldcv.load.fields import Fields
from ldcv.model import CV, PartialDate

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "ldcv" / "load" / "cv.schema.json"


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "needle", "words"),
    [
        ("person.birth_date", "Oct 14", "not a date"),
        ("positions[0].start", "2014-13", "no such month"),
        ("positions[1].start", "2021-02-30", "no such month or day"),
        ("positions[3].end", "sometime", "present"),
    ],
)
def test_bad_dates_are_reported_with_the_accepted_forms(
    field: str, needle: str, words: str, yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("bad-dates")
    problem = problem_at(problems_of(path), field)
    assert problem.line == line_of(path, needle)
    assert words in problem.message
    if "not a date" in problem.message:
        assert "YYYY-MM-DD" in problem.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021", PartialDate(2021)),
        ("2014-10", PartialDate(2014, 10)),
        ("2021-07-28", PartialDate(2021, 7, 28)),
        ("2020-02-29", PartialDate(2020, 2, 29)),
        ("2021-02-29", None),
        ("2014-13", None),
        ("Oct 14", None),
        ("21", None),
    ],
)
def test_parse_date_accepts_year_month_and_day_only(
    text: str, expected: PartialDate | None
) -> None:
    assert parse_date(text) == expected


def test_dates_keep_the_precision_written(valid_cv: CV) -> None:
    translator, correspondent = valid_cv.positions
    assert correspondent.start == PartialDate(1843)
    assert correspondent.end is None  # present
    assert translator.start == PartialDate(1842, 10)
    assert translator.start.precision == "month"
    assert valid_cv.owner.birth_date == PartialDate(1815, 12, 10)
    assert valid_cv.patents[0].grants[0].granted.isoformat() == "1850-01-02"


# --- keys -------------------------------------------------------------------------------


def test_bad_key_slugs_are_reported_with_a_suggestion(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("bad-keys")
    problems = problems_of(path)
    owner = problem_at(problems, "person.key")
    assert owner.line == line_of(path, "key: Ada Lovelace")
    assert "'ada-lovelace'" in owner.message
    organization = problem_at(problems, "organizations[0].key")
    assert organization.line == line_of(path, "royal_society")


def test_a_key_that_is_no_text_is_one_problem_of_type(tmp_path: Path, problems_of) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text("person:\n  key: [ada]\n  given_name: Ada\n  family_name: Lovelace\n")
    (problem,) = problems_of(path)
    assert (problem.line, problem.field) == (2, "person.key")
    assert problem.message == "expected text, found a list"


# --- the tables and the JSON Schema -----------------------------------------------------


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def _nested_object(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any] | None:
    """The object a property holds, itself or as the items of a list; None for a value."""
    node = _resolve(schema, node)
    if node.get("type") == "array":
        node = _resolve(schema, node.get("items", {}))
    return node if node.get("type") == "object" else None


def _differences(
    schema: dict[str, Any], fields: Fields, obj: dict[str, Any], where: str
) -> list[str]:
    properties = obj.get("properties", {})
    found = [f"{where}: {n} only in the tables" for n in sorted(set(fields) - set(properties))]
    found += [f"{where}: {n} only in the schema" for n in sorted(set(properties) - set(fields))]
    required = {n for n, f in fields.items() if f.required}
    if required != set(obj.get("required", ())):
        found.append(
            f"{where}: required {sorted(required)} in the tables, "
            f"{sorted(obj.get('required', ()))} in the schema"
        )
    for name in sorted(set(fields) & set(properties)):
        field, path = fields[name], f"{where}.{name}".lstrip(".")
        nested = _nested_object(schema, properties[name])
        if (field.fields is None) != (nested is None):
            found.append(f"{path}: nested in only one of tables and schema")
        elif field.fields is not None and nested is not None:
            found += _differences(schema, field.fields, nested, path)
        enum = _resolve(schema, properties[name]).get("enum")
        if field.choices and list(field.choices) != enum:
            found.append(f"{path}: choices {list(field.choices)} in the tables, {enum} in schema")
    return found


def test_the_tables_and_the_json_schema_name_the_same_fields() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert _differences(schema, CV_FIELDS, schema, "") == []


def test_the_schema_check_notices_a_missing_field_and_a_missing_choice() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    del schema["$defs"]["thesis"]["properties"]["supervisors"]
    schema["$defs"]["publication"]["properties"]["kind"]["enum"].remove("preprint")
    differences = _differences(schema, CV_FIELDS, schema, "")
    assert len(differences) == 2, differences
    assert differences[0] == "education.thesis: supervisors only in the tables"
    assert differences[1].startswith("publications.kind: choices")
