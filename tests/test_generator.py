"""The generator: a research institute's overlapping CVs, deterministic for a seed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from ldcv.generator import plan_institute, write_cvs
from ldcv.generator.plan import InstitutePlan
from ldcv.pipeline import prepare

BASE = "https://example.org"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """Each generated file's YAML, by file name."""
    return {p.name: yaml.load(p.read_text(encoding="utf-8"), Loader=_Loader) for p in paths}


@pytest.fixture(scope="module")
def institute(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """60 generated CVs (five groups), read back from their files (read them only)."""
    return _read(write_cvs(60, tmp_path_factory.mktemp("cvs"), seed=11))


@pytest.fixture(scope="module")
def plan() -> InstitutePlan:
    """The plan of a 200-member institute of seed 11 (read it only)."""
    return plan_institute(200, seed=11)


def _listings(cvs: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Every publication entry, by key: one entry per CV listing it."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for cv in cvs.values():
        for publication in cv.get("publications", ()):
            found[publication["key"]].append(publication)
    return found


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    first = write_cvs(30, tmp_path / "first", seed=5)
    again = write_cvs(30, tmp_path / "again", seed=5)
    assert [p.name for p in first] == [p.name for p in again]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]


@pytest.mark.slow
def test_another_seed_writes_other_cvs(tmp_path):
    five = write_cvs(30, tmp_path / "five", seed=5)
    six = write_cvs(30, tmp_path / "six", seed=6)
    assert {p.name for p in five} != {p.name for p in six}
    assert _listings(_read(five)).keys() != _listings(_read(six)).keys()


@pytest.mark.slow
def test_the_bytes_do_not_depend_on_the_hash_seed_of_the_process(tmp_path):
    # String hashing is randomized per process: iterating a set of strings would show here.
    script = (
        "import sys, pathlib; from ldcv.generator import write_cvs; "
        "write_cvs(20, pathlib.Path(sys.argv[1]), seed=3)"
    )
    for name, hash_seed in (("a", "1"), ("b", "2")):
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / name)], check=True, env=environment
        )
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )


def test_each_file_is_named_by_its_owners_key(tmp_path):
    for name, cv in _read(write_cvs(10, tmp_path, seed=2)).items():
        assert name == f"{cv['person']['key']}.yaml"


@pytest.mark.slow
def test_every_generated_cv_validates_on_its_own_without_warnings(tmp_path):
    paths = write_cvs(12, tmp_path, seed=4)
    assert max(len(entries) for entries in _listings(_read(paths)).values()) >= 2  # overlap
    for path in paths:
        assert prepare([path], BASE).warnings == (), path.name


@pytest.mark.slow
def test_the_generated_directory_loads_as_one_dataset(tmp_path):
    paths = write_cvs(12, tmp_path, seed=4)
    dataset = prepare([tmp_path], BASE)
    assert len(dataset.cvs) == len(paths)
    assert dataset.warnings == ()


def test_publications_per_cv_have_a_heavy_tail_around_the_seeds_mean(plan):
    counts = [len(m.papers) for m in plan.members]
    assert max(counts) >= 100  # a group head
    assert min(counts) <= 5  # a PhD student
    assert 30 <= sum(counts) / len(counts) <= 48  # the seed lists 39


def test_the_mean_number_of_publications_can_be_chosen():
    counts = [len(m.papers) for m in plan_institute(100, seed=1, mean_publications=5).members]
    assert 3 <= sum(counts) / len(counts) <= 7


def test_some_papers_have_three_or_more_owners(plan):
    assert max(len(p.members) for p in plan.papers) >= 3


def test_coauthors_have_a_long_tail(plan):
    per_byline = Counter(b for p in plan.papers for b in p.bylines())
    assert per_byline.most_common(1)[0][1] >= 100  # someone on many papers
    assert sum(1 for n in per_byline.values() if n == 1) >= 200  # many on one


def test_owners_appear_in_each_others_bylines_under_their_declared_aliases(plan):
    aliases = {a: m for m in plan.members for a in (m.person.byline, m.person.birth_byline) if a}
    named_elsewhere = {
        aliases[byline]
        for member in plan.members
        for paper in member.papers
        for byline in paper.bylines()
        if byline in aliases and aliases[byline] is not member
    }
    assert len(named_elsewhere) >= 100


def test_bylines_and_names_carry_diacritics(plan):
    assert any(not b.isascii() for p in plan.papers for b in p.bylines())
    assert any(not m.person.name.isascii() for m in plan.members)


@pytest.mark.slow
def test_a_paper_of_several_owners_is_listed_alike_in_each_of_their_cvs(institute):
    listings = _listings(institute)
    assert max(len(entries) for entries in listings.values()) >= 3
    for key, entries in listings.items():
        assert all(entry == entries[0] for entry in entries), key


def test_every_publication_kind_appears_and_preprints_carry_identifiers(institute):
    papers = [entries[0] for entries in _listings(institute).values()]
    kinds = Counter(p["kind"] for p in papers)
    assert set(kinds) == {
        "journal-article",
        "conference-paper",
        "workshop-paper",
        "book-chapter",
        "preprint",
    }
    preprints = [p for p in papers if p["kind"] == "preprint"]
    assert any("arxiv" in p for p in preprints)
    assert all({"arxiv", "biorxiv", "medrxiv"} & p.keys() for p in preprints)


def test_people_and_organisations_are_declared_alike_in_every_cv(institute):
    cvs = institute
    for section in ("people", "organizations"):
        declared: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for cv in cvs.values():
            for entry in cv.get(section, ()):
                declared[entry["key"]].append(entry)
        assert max(len(entries) for entries in declared.values()) >= 3, section
        for key, entries in declared.items():
            assert all(entry == entries[0] for entry in entries), (section, key)


def test_every_alias_rule_of_the_format_is_used(institute):
    cvs = institute
    people = [p for cv in cvs.values() for p in cv.get("people", ())]
    bylines = {b for cv in cvs.values() for p in cv.get("publications", ()) for b in p["authors"]}
    assert any("-" in p.get("initials", "") for p in people)  # written initials: "K-R"
    assert any("initials" not in p and "given_name" in p for p in people)  # derived ones
    aliases = [a for p in people for a in p.get("aliases", ())]
    assert any(a.split()[0] != p["family_name"] for p in people for a in p.get("aliases", ()))
    assert aliases and all(a in bylines for a in aliases)  # declared where a byline needs it
    # An owner's birth name in their old bylines ("Bach S"), and initials written two ways.
    renamed = [cv["person"] for cv in cvs.values() if "birth_family_name" in cv["person"]]
    assert renamed and all(len(p["aliases"]) == 2 for p in renamed)
    assert all(p["aliases"][1] in bylines for p in renamed)
    squeezed = {b.replace("-", "").replace(" ", "") for b in bylines}
    assert len(squeezed) < len(bylines)


@pytest.mark.slow
def test_some_owners_keep_a_telephone_and_address_that_stay_private(institute):
    owners = [cv["person"] for cv in institute.values()]
    private = [p for p in owners if "telephone" in p and "telephone" not in p.get("public", ())]
    assert private and any("address" in p for p in private)
    assert any("telephone" not in p for p in owners)
