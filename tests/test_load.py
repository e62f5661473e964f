"""The loader: YAML → model, every problem with file, line and field, identities resolved."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from ldcv.errors import EXIT_INPUT, InputError, Problem
from ldcv.load import load_file, load_paths, parse_byline, parse_date
from ldcv.model import CV, PartialDate

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).parents[1] / "data" / "sebastian-lapuschkin.yaml"


def fixture(name: str) -> Path:
    return FIXTURES / f"load-{name}.yaml"


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based line on which ``needle`` occurs for the ``occurrence``-th time."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_file(path)
    return list(caught.value.problems)


def problem_at(problems: list[Problem], field: str | None) -> Problem:
    found = [p for p in problems if p.field == field]
    assert len(found) == 1, f"expected one problem at {field}, got {problems}"
    return found[0]


# --- errors -----------------------------------------------------------------------------


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


def test_unknown_keys_anywhere_are_reported_with_the_closest_known_key() -> None:
    path = fixture("typos")
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


def test_a_misspelt_required_field_is_not_also_reported_missing() -> None:
    problems = problems_of(fixture("typos"))
    assert all(p.field != "education[0].thesis.title" for p in problems)


def test_missing_required_fields_are_reported_at_their_entry() -> None:
    path = fixture("missing")
    problems = problems_of(path)
    family = problem_at(problems, "person.family_name")
    assert family.line == line_of(path, "given_name: Ada")
    start = problem_at(problems, "positions[0].start")
    assert start.line == line_of(path, "title: Correspondent")
    number = problem_at(problems, "patents[0].grants[0].number")
    assert number.line == line_of(path, "office: GB")
    assert "missing" in number.message


def test_blank_text_and_empty_lists_count_as_missing() -> None:
    path = fixture("missing")
    problems = problems_of(path)
    assert problem_at(problems, "publications[0].title").line == line_of(path, "kind: preprint")
    assert problem_at(problems, "publications[0].authors").line == line_of(path, "kind: preprint")


def test_wrong_types_are_reported() -> None:
    path = fixture("wrong-types")
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


@pytest.mark.parametrize(
    ("field", "needle", "words"),
    [
        ("person.birth_date", "Oct 14", "not a date"),
        ("positions[0].start", "2014-13", "no such month"),
        ("positions[1].start", "2021-02-30", "no such month or day"),
        ("positions[3].end", "sometime", "present"),
        ("positions[2].end", "end: 1843-09", "before it starts"),
    ],
)
def test_bad_dates_are_reported_with_the_accepted_forms(
    field: str, needle: str, words: str
) -> None:
    path = fixture("bad-dates")
    problem = problem_at(problems_of(path), field)
    assert problem.line == line_of(path, needle)
    assert words in problem.message
    if "not a date" in problem.message:
        assert "YYYY-MM-DD" in problem.message


def test_bad_key_slugs_are_reported_with_a_suggestion() -> None:
    path = fixture("bad-keys")
    problems = problems_of(path)
    owner = problem_at(problems, "person.key")
    assert owner.line == line_of(path, "key: Ada Lovelace")
    assert "'ada-lovelace'" in owner.message
    organization = problem_at(problems, "organizations[0].key")
    assert organization.line == line_of(path, "royal_society")


def test_duplicate_keys_given_or_derived_are_reported() -> None:
    path = fixture("duplicates")
    problems = problems_of(path)
    given = problem_at(problems, "organizations[1].key")
    assert given.line == line_of(path, "key: royal-society", occurrence=2)
    assert "organizations[0]" in given.message
    derived = problem_at(problems, "positions[1]")
    assert derived.line == line_of(path, "title: Correspondent", occurrence=2)
    assert "royal-society-correspondent" in derived.message
    assert "derived" in derived.message


def test_a_field_given_twice_in_one_entry_is_reported() -> None:
    path = fixture("duplicates")
    problem = problem_at(problems_of(path), "positions[1].start")
    assert problem.line == line_of(path, "start: 1851")


def test_the_same_publication_twice_is_reported() -> None:
    path = fixture("duplicates")
    problem = problem_at(problems_of(path), "publications[1]")
    assert problem.line == line_of(path, "key: notes-b")
    assert "publications[0]" in problem.message


def test_references_that_point_nowhere_are_reported() -> None:
    path = fixture("dangling")
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


def test_alias_problems_are_reported() -> None:
    path = fixture("aliases-bad")
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


def test_a_byline_without_initials_is_reported() -> None:
    path = fixture("aliases-bad")
    problem = problem_at(problems_of(path), "publications[0].authors[2]")
    assert problem.line == line_of(path, "Menabrea]")
    assert "family name then initials" in problem.message


def test_privacy_lists_must_name_owner_fields() -> None:
    path = fixture("privacy-bad")
    problems = problems_of(path)
    unknown = problem_at(problems, "person.public[0]")
    assert unknown.line == line_of(path, "public:")
    assert "'telephone'" in unknown.message
    both = problem_at(problems, "person.public[1]")
    assert "both" in both.message
    not_private = problem_at(problems, "person.public[2]")
    assert "public already" in not_private.message


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


# --- the model --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def valid() -> CV:
    return load_file(fixture("valid"))


def test_dates_keep_the_precision_written(valid: CV) -> None:
    translator, correspondent = valid.positions
    assert correspondent.start == PartialDate(1843)
    assert correspondent.end is None  # present
    assert translator.start == PartialDate(1842, 10)
    assert translator.start.precision == "month"
    assert valid.owner.birth_date == PartialDate(1815, 12, 10)
    assert valid.patents[0].grants[0].granted.isoformat() == "1850-01-02"


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


def test_identifiers_and_numbers_stay_as_written(valid: CV) -> None:
    preprint = valid.publications[1]
    assert (preprint.repository, preprint.identifier) == ("arxiv", "1843.01230")
    assert valid.publications[0].volume == "82"
    assert valid.patents[0].grants[0].number == "123"


def test_default_keys_are_derived_from_content(valid: CV) -> None:
    assert valid.owner.key == "ada-lovelace"
    assert [o.key for o in valid.organizations] == ["analytical-society", "royal-society"]
    assert valid.positions[0].key == "analytical-society-translator"
    assert valid.education[0].key == "royal-society-private-tuition-in-mathematics"
    assert valid.publications[0].key == "menabrea-1842-sketch-of-the-analytical"
    assert valid.awards[0].key == "honorary-mention-1844"
    assert valid.patents[0].key == "engine"
    assert valid.patents[0].grants[0].key == "gb-123"
    assert valid.languages[0].key == "en"
    assert valid.skills[0].key == "mathematics"
    assert valid.owner.profiles[0].key == "github"


def _reversed_sections(path: Path, target: Path) -> None:
    """Write ``path`` with every list in it reversed (dates kept as text)."""

    class TextLoader(yaml.SafeLoader):
        pass

    # Keep dates as text so the copy says exactly what the original says.
    TextLoader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def reverse(value: object) -> object:
        if isinstance(value, dict):
            return {k: (v if k == "authors" else reverse(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [reverse(v) for v in reversed(value)]
        return value

    data = yaml.load(path.read_text(encoding="utf-8"), Loader=TextLoader)
    target.write_text(yaml.safe_dump(reverse(data), allow_unicode=True), encoding="utf-8")


def test_default_keys_do_not_depend_on_the_order_of_entries(valid: CV, tmp_path: Path) -> None:
    reordered_path = tmp_path / "reordered.yaml"
    _reversed_sections(fixture("valid"), reordered_path)
    reordered = load_file(reordered_path)
    assert [p.title for p in reordered.positions] == [p.title for p in valid.positions][::-1]
    for section in ("people", "organizations", "positions", "education", "publications"):
        assert {e.key for e in getattr(reordered, section)} == {
            e.key for e in getattr(valid, section)
        }
    assert {a.written: a.person for p in reordered.publications for a in p.authors} == {
        a.written: a.person for p in valid.publications for a in p.authors
    }


def test_entries_remember_file_and_line(valid: CV) -> None:
    path = fixture("valid")
    position = valid.positions[0]
    assert position.source is not None
    assert position.source.file == str(path)
    assert position.source.line == line_of(path, "title: Translator")


def test_cross_references_are_kept_as_keys(valid: CV) -> None:
    assert valid.organizations[1].parent == "analytical-society"
    assert valid.positions[0].supervisors == ("charles-babbage",)
    assert valid.education[0].thesis is not None
    assert valid.education[0].thesis.supervisors == ("charles-babbage",)
    assert valid.awards[0].for_work == valid.publications[0].key


# --- people -----------------------------------------------------------------------------


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


def test_every_spelling_of_one_person_resolves_to_one_key() -> None:
    cv = load_file(fixture("aliases"))
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


def test_coauthors_are_created_once_with_the_first_spelling() -> None:
    cv = load_file(fixture("aliases"))
    coauthors = {p.key: p for p in cv.people if p.given_name is None}
    assert set(coauthors) == {"anders-cj", "raberger-am"}
    raberger = coauthors["raberger-am"]
    assert (raberger.family_name, raberger.initials) == ("Raberger", "AM")
    assert raberger.aliases == ("Raberger A-M", "Raberger A. M.")


def test_explicit_owner_aliases_resolve_to_the_owner(valid: CV) -> None:
    byron = [a for p in valid.publications for a in p.authors if a.written == "Byron A"]
    assert [a.person for a in byron] == [valid.owner.key]


def test_look_alike_spellings_not_merged_are_warned_about() -> None:
    path = fixture("lookalike")
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


def test_the_owner_is_only_who_the_aliases_say() -> None:
    cv = load_file(fixture("lookalike"))
    by_written = {a.written: a.person for p in cv.publications for a in p.authors}
    assert by_written["Lovelace A"] == cv.owner.key
    assert by_written["Byron A"] == "byron-a"


def test_an_alias_that_is_another_entrys_own_byline_is_reported() -> None:
    path = fixture("ambiguous")
    problem = problem_at(problems_of(path), "people[3].aliases[0]")
    assert problem.line == line_of(path, "aliases: [Babbage C]")
    assert "charles-babbage" in problem.message


def test_a_byline_two_people_share_is_reported_where_it_is_used() -> None:
    path = fixture("ambiguous")
    problems = problems_of(path)
    problem = problem_at(problems, "publications[0].authors[1]")
    assert problem.line == line_of(path, "Samek W")
    assert "wojciech-samek" in problem.message and "wolfgang-samek" in problem.message
    assert len(problems) == 2


# --- privacy ----------------------------------------------------------------------------


def test_telephone_address_and_birth_date_are_private_by_default(valid: CV) -> None:
    assert valid.owner.private == {"telephone", "address", "birth_date"}
    assert not valid.owner.is_public("telephone")
    assert valid.owner.is_public("email")


def test_public_and_private_override_the_defaults() -> None:
    owner = load_file(fixture("privacy")).owner
    assert owner.private == {"telephone", "address", "email"}
    assert owner.is_public("birth_date")


# --- the seed CV ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> CV:
    cvs, files = load_paths([SEED.parent])
    assert SEED in files
    return next(cv for cv, path in zip(cvs, files, strict=True) if path == SEED)


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


def test_every_byline_of_the_seed_owner_resolves_to_the_owner(seed: CV) -> None:
    owner_bylines = {
        a.written for p in seed.publications for a in p.authors if a.person == seed.owner.key
    }
    assert owner_bylines == {"Lapuschkin S", "Bach S"}
    for publication in seed.publications:
        assert seed.owner.key in {a.person for a in publication.authors}, publication.key


def test_the_seed_names_each_coauthor_once(seed: CV) -> None:
    by_written = {a.written: a.person for p in seed.publications for a in p.authors}
    assert by_written["Müller K"] == by_written["Müller K-R"] == "klaus-robert-mueller"
    assert by_written["Wojciech S"] == by_written["Samek W"] == "wojciech-samek"
    assert by_written["Raberger AM"] == by_written["Raberger A-M"]
    people = [p.key for p in seed.people]
    assert len(people) == len(set(people))
    assert seed.warnings == ()


def test_the_seed_keeps_private_fields_private(seed: CV) -> None:
    assert seed.owner.private >= {"telephone", "address", "birth_date"}
    assert seed.owner.birth_date == PartialDate(1986, 12, 16)
