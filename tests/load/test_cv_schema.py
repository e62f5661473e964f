"""The JSON Schema for the YAML format, and the seed CV written in that format."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "ldcv" / "load" / "cv.schema.json"
SEED_PATH = ROOT / "data" / "sebastian-lapuschkin.yaml"
FORMAT_DOC = ROOT / "docs" / "yaml-format.md"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class DatesAsTextLoader(yaml.SafeLoader):
    """Read YAML like the loader does: ``2021-07-28`` stays text, never a ``date``."""

    yaml_implicit_resolvers: ClassVar = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def seed_yaml() -> dict[str, Any]:
    """The seed CV's YAML file read as plain data, dates kept as text (as the loader reads it)."""
    return yaml.load(SEED_PATH.read_text(encoding="utf-8"), Loader=DatesAsTextLoader)


@pytest.fixture
def mutable_seed_yaml(seed_yaml: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``seed_yaml`` that a test may change."""
    return copy.deepcopy(seed_yaml)


def publication(cv: dict[str, Any], key: str) -> dict[str, Any]:
    return next(p for p in cv["publications"] if p["key"] == key)


def error_messages(validator: Draft202012Validator, cv: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(cv)]


def assert_rejected_only_at(
    validator: Draft202012Validator, cv: dict[str, Any], path: list[Any], reason: str
) -> None:
    """The CV is invalid for ``reason`` at ``path``, and for nothing else."""
    errors = [(list(e.absolute_path), e.message) for e in validator.iter_errors(cv)]
    assert errors, "accepted"
    assert {tuple(where) for where, _ in errors} == {tuple(path)}, errors
    assert any(reason in message for _, message in errors), errors


def index_of(cv: dict[str, Any], key: str) -> int:
    return next(i for i, p in enumerate(cv["publications"]) if p["key"] == key)


DEEP_TAYLOR = "montavon-2017-explaining-nonlinear-classification-decisions"
ECQX = "becking-2021-ecqx-explainability-driven-quantization"


# --- the schema itself ---------------------------------------------------------------


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_every_object_in_the_schema_forbids_unknown_keys(schema: dict[str, Any]) -> None:
    objects = [schema] + [d for d in schema["$defs"].values() if d.get("type") == "object"]
    assert len(objects) > 10
    assert all(o.get("additionalProperties") is False for o in objects)


def test_every_field_in_the_schema_is_documented(schema: dict[str, Any]) -> None:
    doc = FORMAT_DOC.read_text(encoding="utf-8")
    names = set(schema["properties"])
    for definition in schema["$defs"].values():
        names.update(definition.get("properties", {}))
    undocumented = sorted(n for n in names if f"`{n}`" not in doc)
    assert undocumented == []


# --- the seed validates ---------------------------------------------------------------


def test_seed_validates_against_the_schema(
    validator: Draft202012Validator, seed_yaml: dict[str, Any]
) -> None:
    assert error_messages(validator, seed_yaml) == []


def test_seed_also_validates_when_yaml_reads_full_dates_as_text_or_years_as_ints(
    validator: Draft202012Validator, seed_yaml: dict[str, Any]
) -> None:
    assert isinstance(seed_yaml["person"]["birth_date"], str)
    assert isinstance(seed_yaml["education"][0]["start"], int)
    assert validator.is_valid(seed_yaml)


def test_seed_starts_with_the_schema_modeline() -> None:
    first_line = SEED_PATH.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../ldcv/load/cv.schema.json"
    assert (SEED_PATH.parent / "../ldcv/load/cv.schema.json").resolve() == SCHEMA_PATH


# --- mutations the schema rejects -----------------------------------------------------


def test_typo_in_a_publication_key_is_rejected(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any]
) -> None:
    entry = publication(mutable_seed_yaml, DEEP_TAYLOR)
    entry["jounral"] = entry.pop("journal")
    messages = error_messages(validator, mutable_seed_yaml)
    assert any("jounral" in m for m in messages), messages


def test_typo_in_a_top_level_key_is_rejected(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any]
) -> None:
    mutable_seed_yaml["publication"] = mutable_seed_yaml.pop("publications")
    assert any("publication" in m for m in error_messages(validator, mutable_seed_yaml))


@pytest.mark.parametrize("bad_date", ["2014-13", "Oct '14", "2014-10-32", "14-10", 99])
def test_bad_date_is_rejected(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any], bad_date: object
) -> None:
    mutable_seed_yaml["positions"][2]["start"] = bad_date
    messages = error_messages(validator, mutable_seed_yaml)
    assert any(m.startswith("['positions', 2, 'start']") for m in messages), messages


def test_missing_title_is_rejected(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any]
) -> None:
    del publication(mutable_seed_yaml, DEEP_TAYLOR)["title"]
    messages = error_messages(validator, mutable_seed_yaml)
    assert any("'title' is a required property" in m for m in messages), messages


def test_unknown_publication_kind_is_rejected(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any]
) -> None:
    publication(mutable_seed_yaml, DEEP_TAYLOR)["kind"] = "journal-paper"
    messages = error_messages(validator, mutable_seed_yaml)
    assert any("'journal-paper' is not one of" in m for m in messages), messages


def test_key_that_is_not_a_slug_is_rejected(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any]
) -> None:
    publication(mutable_seed_yaml, DEEP_TAYLOR)["key"] = "Montavon_2017"
    where = ["publications", index_of(mutable_seed_yaml, "Montavon_2017"), "key"]
    assert_rejected_only_at(validator, mutable_seed_yaml, where, "does not match")


def test_preprint_with_two_repository_ids_is_rejected(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any]
) -> None:
    entry = publication(mutable_seed_yaml, "becking-2021-ecqx-explainability-driven-quantization")
    entry["biorxiv"] = "2021.06.25.449906"
    where = ["publications", index_of(mutable_seed_yaml, entry["key"])]
    assert_rejected_only_at(validator, mutable_seed_yaml, where, "is valid under each of")


def test_preprint_without_repository_id_is_rejected(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any]
) -> None:
    del publication(mutable_seed_yaml, ECQX)["arxiv"]
    where = ["publications", index_of(mutable_seed_yaml, ECQX)]
    assert_rejected_only_at(validator, mutable_seed_yaml, where, "is not valid under any")


def test_unquoted_arxiv_id_is_rejected(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any]
) -> None:
    # YAML reads 2109.04230 as a float and drops the trailing zero: ids must be quoted.
    publication(mutable_seed_yaml, ECQX)["arxiv"] = 2109.0423
    where = ["publications", index_of(mutable_seed_yaml, ECQX)]
    assert_rejected_only_at(
        validator, mutable_seed_yaml, [*where, "arxiv"], "is not of type 'string'"
    )


def test_bad_email_is_rejected(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any]
) -> None:
    mutable_seed_yaml["person"]["email"] = "sebastian at lapuschkin.com"
    assert_rejected_only_at(validator, mutable_seed_yaml, ["person", "email"], "is not a 'email'")


def test_publishing_a_field_that_is_not_private_by_default_is_rejected(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any]
) -> None:
    mutable_seed_yaml["person"]["public"] = ["bio"]
    assert_rejected_only_at(validator, mutable_seed_yaml, ["person", "public"], "['bio']")
    mutable_seed_yaml["person"]["public"] = ["birth_date"]
    assert validator.is_valid(mutable_seed_yaml)


# --- the seed is complete -------------------------------------------------------------


def test_seed_has_every_section_of_the_cv(seed_yaml: dict[str, Any]) -> None:
    counts = {section: len(seed_yaml[section]) for section in seed_yaml if section != "person"}
    assert counts["positions"] == 6
    assert counts["education"] == 4
    assert counts["awards"] == 5
    assert counts["patents"] == 1
    assert len(seed_yaml["patents"][0]["grants"]) == 5
    assert counts["projects"] == 3
    assert counts["languages"] == 2
    assert counts["publications"] == 39


def test_seed_publications_split_as_in_the_cv(seed_yaml: dict[str, Any]) -> None:
    kinds = Counter(p["kind"] for p in seed_yaml["publications"])
    assert kinds["journal-article"] == 15
    assert kinds["conference-paper"] + kinds["workshop-paper"] == 14
    assert kinds["book-chapter"] == 3
    assert kinds["preprint"] == 7


def test_seed_positions_split_between_hhi_and_tu_berlin(seed_yaml: dict[str, Any]) -> None:
    organizations = Counter(p["organization"] for p in seed_yaml["positions"])
    assert organizations == {"fraunhofer-hhi": 3, "tu-berlin": 3}


def test_seed_keys_are_unique_and_references_resolve(seed_yaml: dict[str, Any]) -> None:
    def keys(section: str) -> list[str]:
        return [entry["key"] for entry in seed_yaml[section]]

    for section in (
        "people",
        "organizations",
        "positions",
        "education",
        "awards",
        "projects",
        "publications",
    ):
        assert len(set(keys(section))) == len(keys(section)), section
    people, organizations = set(keys("people")), set(keys("organizations"))
    publications = set(keys("publications"))
    for entry in seed_yaml["positions"] + seed_yaml["education"]:
        assert entry["organization"] in organizations
        supervisors = entry.get("supervisors", []) + entry.get("thesis", {}).get("supervisors", [])
        assert set(supervisors) <= people, entry["key"]
    parents = {org["parent"] for org in seed_yaml["organizations"] if "parent" in org}
    assert parents and parents <= organizations
    awarded = {award["for"] for award in seed_yaml["awards"] if "for" in award}
    assert awarded == {DEEP_TAYLOR, "binder-2016-analyzing-and-validating-neural"}
    assert awarded <= publications


def test_publication_keys_follow_the_documented_pattern(seed_yaml: dict[str, Any]) -> None:
    from ldcv.load.slugs import slugify

    for entry in seed_yaml["publications"]:
        family = entry["authors"][0].split()[0]
        stem = f"{slugify(family)}-{entry['year']}-{slugify(entry['title'], max_words=4)}"
        assert entry["key"].startswith(stem), entry["key"]


def test_bylines_carry_no_markdown(seed_yaml: dict[str, Any]) -> None:
    bylines = [a for p in seed_yaml["publications"] for a in p["authors"]]
    assert all(re.fullmatch(r"[^\W\d_][\w'-]*( [A-Z]+(-[A-Z]+)*)+", a) for a in bylines), [
        a for a in bylines if not re.fullmatch(r"[^\W\d_][\w'-]*( [A-Z]+(-[A-Z]+)*)+", a)
    ]


# --- facts from the seed --------------------------------------------------------------


def test_deep_taylor_paper_is_transcribed_exactly(seed_yaml: dict[str, Any]) -> None:
    paper = publication(seed_yaml, DEEP_TAYLOR)
    assert paper["title"] == (
        "Explaining NonLinear Classification Decisions with Deep Taylor Decomposition"
    )
    assert paper["authors"] == ["Montavon G", "Lapuschkin S", "Binder A", "Samek W", "Müller K-R"]
    assert (paper["journal"], paper["volume"], paper["pages"]) == (
        "Pattern Recognition",
        65,
        "211-222",
    )
    award = next(a for a in seed_yaml["awards"] if a.get("for") == DEEP_TAYLOR)
    assert award["year"] == 2020


def test_ep_grant_keeps_its_own_title_number_and_date(seed_yaml: dict[str, Any]) -> None:
    grants = {g["office"]: g for g in seed_yaml["patents"][0]["grants"]}
    assert set(grants) == {"EP", "JP", "KR", "CA", "RU"}
    assert grants["EP"]["number"] == "3271863"
    assert grants["EP"]["granted"] == "2021-07-28"
    assert grants["EP"]["title"] == "Relevance Score Assignment for Artificial Neural Network"
    assert grants["KR"]["title"] == "Assignment of Relevance Scores for Artificial Neural Networks"


def test_owner_and_alias_spellings_are_declared(seed_yaml: dict[str, Any]) -> None:
    assert seed_yaml["person"]["aliases"] == ["Lapuschkin S", "Bach S"]
    assert seed_yaml["person"]["birth_date"] == "1986-12-16"
    aliases = {p["key"]: p.get("aliases", []) for p in seed_yaml["people"]}
    assert aliases["wojciech-samek"] == ["Wojciech S"]
    assert aliases["klaus-robert-mueller"] == ["Müller K"]
    rieckmann = publication(seed_yaml, "rieckmann-2020-causes-of-outcome-learning")
    assert rieckmann["authors"][4] == "Wojciech S"
    assert rieckmann["medrxiv"] == "2020.12.10.20225243"


def test_article_numbers_and_issues_are_split_from_volumes(seed_yaml: dict[str, Any]) -> None:
    plos = publication(seed_yaml, "bach-2015-on-pixel-wise-explanations")
    assert (plos["volume"], plos["issue"], plos["article_number"]) == (10, 7, "e0130140")
    gait = publication(seed_yaml, "horst-2020-explaining-automated-gender-classification")
    assert (gait["volume"], gait["issue"], gait["pages"]) == (81, "S1", "159-160")
    cvpr = publication(seed_yaml, "lapuschkin-2016-analyzing-classifiers-fisher-vectors")
    assert (cvpr["volume"], cvpr["pages"]) == (2016, "2912-2920")


def test_positions_have_month_precise_dates(seed_yaml: dict[str, Any]) -> None:
    month = re.compile(r"^\d{4}-\d{2}$")
    for position in seed_yaml["positions"]:
        assert month.match(position["start"]), position["key"]
        assert position["end"] == "present" or month.match(position["end"]), position["key"]
    head = next(p for p in seed_yaml["positions"] if p["title"] == "Head of XAI Group")
    assert (head["start"], head["end"]) == ("2021-01", "present")


# --- the reference page's examples ----------------------------------------------------


def yaml_examples() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", FORMAT_DOC.read_text(encoding="utf-8"), re.S)


def test_reference_page_has_an_example_for_every_section(schema: dict[str, Any]) -> None:
    shown: set[str] = set()
    for example in yaml_examples():
        parsed = yaml.load(example, Loader=DatesAsTextLoader)
        if isinstance(parsed, dict):
            shown.update(parsed)
    assert set(schema["properties"]) <= shown


@pytest.mark.parametrize("example", yaml_examples())
def test_reference_page_example_is_valid(schema: dict[str, Any], example: str) -> None:
    parsed = yaml.load(example, Loader=DatesAsTextLoader)
    assert isinstance(parsed, dict)
    for section in set(parsed) & set(schema["properties"]):
        section_schema = {"$defs": schema["$defs"], **schema["properties"][section]}
        section_validator = Draft202012Validator(
            section_schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        errors = [e.message for e in section_validator.iter_errors(parsed[section])]
        assert errors == [], (section, errors)


def test_single_text_counts_as_a_list_of_one(
    validator: Draft202012Validator, mutable_seed_yaml: dict[str, Any]
) -> None:
    mutable_seed_yaml["positions"][2]["supervisors"] = "wojciech-samek"
    mutable_seed_yaml["positions"][2]["description"] = (
        "Additional supervision by Dr. Wojciech Samek."
    )
    assert validator.is_valid(mutable_seed_yaml)
    mutable_seed_yaml["positions"][2]["supervisors"] = "Wojciech Samek"
    where = ["positions", 2, "supervisors"]
    assert_rejected_only_at(validator, mutable_seed_yaml, where, "'Wojciech Samek'")


# --- identifiers ------------------------------------------------------------------------

IDENTIFIERS_FIXTURE = ROOT / "tests" / "fixtures" / "load-identifiers.yaml"


def test_every_identifier_form_the_loader_takes_passes_the_schema(
    validator: Draft202012Validator,
) -> None:
    data = yaml.load(IDENTIFIERS_FIXTURE.read_text(encoding="utf-8"), Loader=DatesAsTextLoader)
    assert error_messages(validator, data) == []


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("person", "orcid", "0000-0002-1825"),
        ("person", "orcid", "https://example.org/0000-0002-1825-0097"),
        ("organizations", "ror", "02ibv0t02"),
        ("organizations", "wikidata", "Q0123"),
        ("publications", "doi", "11.1000/x"),
        ("publications", "isbn", "ISBN"),
        ("publications", "arxiv", "21.04236"),
        ("publications", "biorxiv", "2021.06.25.449906v1"),
    ],
)
def test_the_schema_refuses_a_malformed_identifier(
    validator: Draft202012Validator, section: str, field: str, value: str
) -> None:
    data = yaml.load(IDENTIFIERS_FIXTURE.read_text(encoding="utf-8"), Loader=DatesAsTextLoader)
    entry = data[section] if section == "person" else data[section][-1]
    entry[field] = value
    assert any(field in message for message in error_messages(validator, data))
