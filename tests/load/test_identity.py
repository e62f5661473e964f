"""People identity: bylines parsed, every spelling resolved to one person, look-alikes warned."""

from __future__ import annotations

import random

import pytest

from ldcv.load import load_file
from ldcv.load.identity import Byline, _look_alike, _look_alike_candidates, parse_byline
from ldcv.model import CV

# --- bylines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "family", "initials"),
    [
        ("Müller K-R", "Müller", "K-R"),
        ("Anders C J", "Anders", "C J"),
        ("Goh G S W", "Goh", "G S W"),
        ("De Morgan A", "De Morgan", "A"),
        ("Lapuschkin S.", "Lapuschkin", "S."),
    ],
)
def test_parse_byline_splits_family_name_and_initials(
    text: str, family: str, initials: str
) -> None:
    byline = parse_byline(text)
    assert byline is not None
    assert (byline.family, byline.initials) == (family, initials)


@pytest.mark.parametrize("text", ["Menabrea", "S Lapuschkin", "K-R"])
def test_parse_byline_rejects_text_without_trailing_initials(text: str) -> None:
    assert parse_byline(text) is None


def test_a_byline_without_initials_is_reported(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("aliases-bad")
    problem = problem_at(problems_of(path), "publications[0].authors[2]")
    assert problem.line == line_of(path, "Menabrea]")
    assert "family name then initials" in problem.message


# --- resolving spellings ----------------------------------------------------------------


def test_every_spelling_of_one_person_resolves_to_one_key(yaml_fixture) -> None:
    cv = load_file(yaml_fixture("aliases"))
    keys: dict[str, set[str]] = {}
    for publication in cv.publications:
        for author in publication.authors:
            family = author.written.split()[0]
            keys.setdefault(family, set()).add(author.person)
    # The owner under her name and her birth name; an explicit alias; initials written
    # with hyphens, spaces, dots or nothing between them.
    assert keys == {
        "Lovelace": {"ada-lovelace"},
        "Byron": {"ada-lovelace"},
        "Müller": {"klaus-robert-mueller"},
        "Anders": {"anders-cj"},
        "Raberger": {"raberger-am"},
    }
    assert cv.warnings == ()


def test_coauthors_are_created_once_with_the_first_spelling(yaml_fixture) -> None:
    cv = load_file(yaml_fixture("aliases"))
    coauthors = {p.key: p for p in cv.people if p.given_name is None}
    assert set(coauthors) == {"anders-cj", "raberger-am"}
    raberger = coauthors["raberger-am"]
    assert (raberger.family_name, raberger.initials) == ("Raberger", "AM")
    assert raberger.aliases == ("Raberger A-M", "Raberger A. M.")


def test_explicit_owner_aliases_resolve_to_the_owner(valid_cv: CV) -> None:
    byron = [a for p in valid_cv.publications for a in p.authors if a.written == "Byron A"]
    assert [a.person for a in byron] == [valid_cv.owner.key]


def test_the_owner_is_only_who_the_aliases_say(yaml_fixture) -> None:
    cv = load_file(yaml_fixture("lookalike"))
    by_written = {a.written: a.person for p in cv.publications for a in p.authors}
    assert by_written["Lovelace A"] == cv.owner.key
    assert by_written["Byron A"] == "byron-a"


# --- problems and warnings --------------------------------------------------------------


def test_alias_problems_are_reported(yaml_fixture, line_of, problems_of, problem_at) -> None:
    path = yaml_fixture("aliases-bad")
    problems = problems_of(path)
    nowhere = problem_at(problems, "person.aliases[1]")
    assert nowhere.line == line_of(path, "Lovelace AA")
    assert "matches no author" in nowhere.message
    twice = problem_at(problems, "people[0].aliases[0]")
    assert twice.line == line_of(path, "aliases: [Lovelace A]")
    assert "ada-lovelace" in twice.message
    assert "charles-babbage" in twice.message
    unparseable = problem_at(problems, "people[1].aliases[0]")
    assert unparseable.line == line_of(path, "A De Morgan")


def test_an_alias_that_is_another_entrys_own_byline_is_reported(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("ambiguous")
    problem = problem_at(problems_of(path), "people[3].aliases[0]")
    assert problem.line == line_of(path, "aliases: [Babbage C]")
    assert "charles-babbage" in problem.message


def test_a_byline_two_people_share_is_reported_where_it_is_used(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("ambiguous")
    problems = problems_of(path)
    problem = problem_at(problems, "publications[0].authors[1]")
    assert problem.line == line_of(path, "Samek W")
    assert "wojciech-samek" in problem.message and "wolfgang-samek" in problem.message
    assert len(problems) == 2


def test_look_alike_spellings_not_merged_are_warned_about(yaml_fixture, line_of) -> None:
    path = yaml_fixture("lookalike")
    cv = load_file(path)

    def warning_about(written: str) -> str:
        found = [w for w in cv.warnings if f"author '{written}'" in w]
        assert len(found) == 1, cv.warnings
        return found[0]

    prefix = warning_about("Müller K")
    assert prefix.startswith(f"{path}:{line_of(path, '- Müller K', occurrence=2)}:")
    assert "'Müller K-R'" in prefix
    one_letter = warning_about("Hägele M")
    assert one_letter.startswith(f"{path}:{line_of(path, '- Hägele M')}:")
    assert "'Hagele M'" in one_letter
    swapped = warning_about("Wojciech S")
    assert swapped.startswith(f"{path}:{line_of(path, 'Wojciech S')}:")
    assert "wojciech-samek" in swapped
    owner = warning_about("Byron A")
    assert owner.startswith(f"{path}:{line_of(path, 'Byron A')}:")
    assert "person.aliases" in owner
    assert len(cv.warnings) == 4


# --- the seed CV ------------------------------------------------------------------------


def test_every_byline_of_the_seed_owner_resolves_to_the_owner(seed_cv: CV) -> None:
    owner_bylines = {
        a.written for p in seed_cv.publications for a in p.authors if a.person == seed_cv.owner.key
    }
    assert owner_bylines == {"Lapuschkin S", "Bach S"}
    for publication in seed_cv.publications:
        assert seed_cv.owner.key in {a.person for a in publication.authors}, publication.key


def test_the_seed_names_each_coauthor_once(seed_cv: CV) -> None:
    by_written = {a.written: a.person for p in seed_cv.publications for a in p.authors}
    assert by_written["Müller K"] == by_written["Müller K-R"] == "klaus-robert-mueller"
    assert by_written["Wojciech S"] == by_written["Samek W"] == "wojciech-samek"
    assert by_written["Raberger AM"] == by_written["Raberger A-M"]
    people = [p.key for p in seed_cv.people]
    assert len(people) == len(set(people))
    assert seed_cv.warnings == ()


def test_look_alike_candidates_are_every_pair_that_looks_alike() -> None:
    # Grouping by keys must find exactly the pairs comparing every pair finds.
    rng = random.Random(7)
    families = ["Müller", "Muller", "Mueller", "Miller", "Meier", "Maier", "Mayer", "Lee", "Le"]
    initials = ["K", "KR", "K-R", "S", "SK", "J"]
    bylines = [Byline(rng.choice(families), rng.choice(initials)) for _ in range(120)]
    every_pair = [
        (i, j)
        for i in range(len(bylines))
        for j in range(i + 1, len(bylines))
        if _look_alike(bylines[i], bylines[j])
    ]
    candidates = _look_alike_candidates(bylines)
    assert [p for p in candidates if _look_alike(*(bylines[k] for k in p))] == every_pair
    assert every_pair  # the sample has look-alikes to find
