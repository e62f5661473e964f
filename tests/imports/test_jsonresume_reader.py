"""A JSON Resume v1 document as a whole CV: what maps, and what is reported as left out."""

from __future__ import annotations

import pytest
import yaml

from ldcv.errors import InputError
from ldcv.imports.jsonresume_reader import read_resume


def test_basics_become_the_owner_with_private_fields_where_the_format_keeps_them(imports):
    cv = read_resume(imports / "jsonresume.json").cv
    person = cv["person"]
    assert (person["given_name"], person["family_name"]) == ("Ada", "Lovelace")
    assert person["telephone"] == "+44 20 1234"  # private by default: the loader keeps it home
    assert person["address"]["locality"] == "London"
    assert person["profiles"][0] == {
        "site": "GitHub",
        "url": "https://github.com/ada",
        "username": "ada",
    }
    assert person["orcid"] == "0000-0002-1825-0097"  # from the ORCID profile


def test_work_and_education_share_one_organisation_table(imports):
    cv = read_resume(imports / "jsonresume.json").cv
    assert [o["key"] for o in cv["organizations"]] == [
        "analytical-engine-project",
        "university-of-london",
    ]
    (position,) = cv["positions"]
    assert position["organization"] == "analytical-engine-project"
    assert position["tasks"] == ["Note G", "Bernoulli numbers"]
    (degree,) = cv["education"]
    assert (degree["degree"], degree["level"]) == ("Master in Mathematics", "master")


def test_the_yaml_text_reads_back_as_the_same_cv(imports):
    made = read_resume(imports / "jsonresume.json")
    text = made.yaml_text(imports / "jsonresume.json")
    assert text.startswith("# Made by `ldcv import jsonresume` from jsonresume.json.\n")
    read = yaml.safe_load(text)
    assert read["person"]["name"] == "Ada Lovelace"
    assert read["awards"][0]["awarded_by"] == "Royal Society"


def test_what_has_no_place_is_listed_not_dropped_silently(imports):
    left_out = read_resume(imports / "jsonresume.json").not_imported
    assert any(line.startswith("volunteer (1)") for line in left_out)
    assert any("Klingon" in line for line in left_out)


def test_a_one_word_name_is_refused(tmp_path):
    resume = tmp_path / "cher.json"
    resume.write_text('{"basics": {"name": "Cher"}}', encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_resume(resume)
    assert error.value.problems[0].field == "basics.name"
