"""Identifiers: each scheme's syntax and check digits, the forms taken, errors at their line."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ldcv.load import identifiers, load_file
from ldcv.load.identifiers import orcid_check_digit, ror_check_digits


@pytest.mark.parametrize(
    ("read", "written", "stored"),
    [
        (identifiers.doi, "10.1371/journal.pone.0130140", "10.1371/journal.pone.0130140"),
        (
            identifiers.doi,
            "https://doi.org/10.1016/J.PATCOG.2016.11.008",
            "10.1016/J.PATCOG.2016.11.008",
        ),
        (
            identifiers.doi,
            "http://dx.doi.org/10.1038/s41467-019-08987-4",
            "10.1038/s41467-019-08987-4",
        ),
        (identifiers.doi, "doi:10.1109/CVPR.2016.318", "10.1109/CVPR.2016.318"),
        (identifiers.isbn, "978-0-306-40615-7", "9780306406157"),
        (identifiers.isbn, "ISBN 978 0 306 40615 7", "9780306406157"),
        (identifiers.isbn, "ISBN-13: 978-0-306-40615-7", "9780306406157"),
        (identifiers.isbn, "isbn-10 0306406152", "0306406152"),
        (identifiers.isbn, "0-306-40615-2", "0306406152"),
        (identifiers.isbn, "0-8044-2957-x", "080442957X"),
        (identifiers.isbn, "979-10-90636-07-1", "9791090636071"),
        (identifiers.arxiv, "2109.04236", "2109.04236"),
        (identifiers.arxiv, "1412.6980", "1412.6980"),
        (identifiers.arxiv, "0704.0001", "0704.0001"),
        (identifiers.arxiv, "arXiv:2109.04236v2", "2109.04236v2"),
        (identifiers.arxiv, "https://arxiv.org/abs/1912.07737", "1912.07737"),
        (identifiers.arxiv, "hep-th/9901001", "hep-th/9901001"),
        (identifiers.arxiv, "math.GT/0309136", "math.GT/0309136"),
        (identifiers.arxiv, "cs/0112017v1", "cs/0112017v1"),
        (identifiers.rxiv, "2021.06.25.449906", "2021.06.25.449906"),
        (identifiers.rxiv, "10.1101/2020.12.10.20225243", "2020.12.10.20225243"),
        (identifiers.rxiv, "https://doi.org/10.1101/123456", "123456"),
        (identifiers.orcid, "0000-0002-1825-0097", "0000-0002-1825-0097"),
        (identifiers.orcid, "https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        (identifiers.orcid, "http://orcid.org/0000-0002-1694-233x", "0000-0002-1694-233X"),
        (identifiers.ror, "02jbv0t02", "02jbv0t02"),
        (identifiers.ror, "https://ror.org/05gq02987", "05gq02987"),
        (identifiers.ror, "00F54P054", "00f54p054"),
        (identifiers.wikidata, "Q42", "Q42"),
        (identifiers.wikidata, "http://www.wikidata.org/entity/Q1133630", "Q1133630"),
        (identifiers.wikidata, "https://www.wikidata.org/wiki/Q4115189", "Q4115189"),
        (identifiers.web_url, "https://example.org/a?b=c", "https://example.org/a?b=c"),
    ],
)
def test_each_scheme_takes_its_forms_and_keeps_the_bare_identifier(
    read: Callable[[str], str], written: str, stored: str
) -> None:
    assert read(written) == stored


@pytest.mark.parametrize(
    ("read", "written", "words"),
    [
        (identifiers.doi, "11.1000/x", "not a DOI"),
        (identifiers.doi, "10.12/x", "not a DOI"),  # the registrant has 4 to 9 digits
        (identifiers.doi, "https://doi.org/10.1000/x y", "not a DOI"),
        (
            identifiers.isbn,
            "978-0-306-40615-8",
            "check digit is 8, but the digits before it need 7",
        ),
        (identifiers.isbn, "0-306-40615-3", "need 2"),
        (identifiers.isbn, "977-0-306-40615-7", "not an ISBN;"),  # 977 is an ISSN prefix
        (identifiers.isbn, "12345", "not an ISBN;"),
        (identifiers.isbn, "X-306-40615-2", "not an ISBN;"),
        (identifiers.arxiv, "1513.00001", "not an arXiv"),  # month 13
        (identifiers.arxiv, "1401.00001", "not an arXiv"),  # five digits only from 2015
        (identifiers.arxiv, "1501.0001", "not an arXiv"),  # four digits only until 2014
        (identifiers.arxiv, "0703.0001", "not an arXiv"),  # new style began in April 2007
        (identifiers.arxiv, "21.04236", "not an arXiv"),
        (identifiers.arxiv, "hep-th/0813001", "not an arXiv"),
        (identifiers.arxiv, "2109.04236v0", "not an arXiv"),
        (identifiers.rxiv, "2021.02.30.449906", "not a bioRxiv"),
        (identifiers.rxiv, "2021.06.25.449906v1", "without a version"),
        (identifiers.rxiv, "12345", "not a bioRxiv"),
        (
            identifiers.orcid,
            "0000-0002-1825-0098",
            "its check digit is 8, but the digits before it need 7",
        ),
        (identifiers.orcid, "0000-0002-1825", "four groups of four digits"),
        (identifiers.orcid, "https://example.org/0000-0002-1825-0097", "not an ORCID iD"),
        (identifiers.ror, "02jbv0t03", "it ends in 03, but the characters before need 02"),
        (identifiers.ror, "02ibv0t02", "no i, l, o or u"),
        (identifiers.ror, "12jbv0t02", "not a ROR id"),
        (identifiers.wikidata, "Q0123", "not a Wikidata item"),
        (identifiers.wikidata, "P31", "not a Wikidata item"),
        (identifiers.web_url, "example.org/notes", "not a URL"),
        (identifiers.web_url, "https:///lovelace", "not a URL"),
        (identifiers.web_url, "ftp://example.org/", "not a URL"),
    ],
)
def test_a_wrong_identifier_is_refused_saying_what_is_wrong(
    read: Callable[[str], str], written: str, words: str
) -> None:
    with pytest.raises(ValueError) as refused:
        read(written)
    assert words in str(refused.value)
    assert f"'{written}'" in str(refused.value)


@pytest.mark.parametrize(
    ("first15", "check"),
    [("000000021825009", "7"), ("000000015109370", "0"), ("000000021694233", "X")],
)
def test_orcid_check_digit_is_iso_7064_mod_11_2(first15: str, check: str) -> None:
    # ORCID's documented examples: 0000-0002-1825-0097, 0000-0001-5109-3700, 0000-0002-1694-233X
    assert orcid_check_digit(first15) == check


@pytest.mark.parametrize(
    "ror_id",
    # Real ROR ids: LBNL, Brown, Stanford, MIT, Harvard, UC Berkeley, CDL, HU Berlin.
    ["02jbv0t02", "05gq02987", "00f54p054", "042nb2s44", "03vek6s52", "01an7q238", "03yrm5c26",
     "01hcx6992"],
)  # fmt: skip
def test_ror_check_digits_agree_with_real_ror_ids(ror_id: str) -> None:
    assert ror_check_digits(ror_id[1:7]) == ror_id[7:]


def test_arxiv_and_doi_marks_ignore_version_and_case() -> None:
    assert identifiers.arxiv_mark("2109.04236v2") == identifiers.arxiv_mark("2109.04236")
    assert identifiers.arxiv_mark("hep-th/9901001v3") == "hep-th/9901001"
    assert identifiers.doi_mark("10.1/ABC") == identifiers.doi_mark("10.1/abc")


def test_a_cv_gives_every_identifier_and_keeps_it_bare(yaml_fixture) -> None:
    cv = load_file(yaml_fixture("identifiers"))
    assert cv.owner.orcid == "0000-0002-1825-0097"
    assert [(p.key, p.orcid) for p in cv.people] == [("charles-babbage", "0000-0002-1694-233X")]
    assert [(o.key, o.ror, o.wikidata) for o in cv.organizations] == [
        ("example-society", "05xmpn344", "Q4115189"),
        ("lbnl", "02jbv0t02", "Q1133630"),
    ]
    found = {p.key: p for p in cv.publications}
    assert (found["notes"].doi, found["notes"].isbn) == ("10.5555/Notes.1843", "9780306406157")
    assert found["tables"].isbn == "080442957X"
    assert (found["engines"].repository, found["engines"].identifier) == ("arxiv", "1501.00001v2")
    assert found["old-engines"].identifier == "math.GT/9901001"
    assert (found["cells"].repository, found["cells"].identifier) == (
        "biorxiv",
        "2021.06.25.449906",
    )
    assert (found["old-cells"].repository, found["old-cells"].identifier) == ("medrxiv", "123456")


@pytest.mark.parametrize(
    ("field", "needle", "words"),
    [
        ("person.orcid", "1825-0098", "check digit is 8"),
        ("person.homepage", "https:///lovelace", "not a URL"),
        ("people[0].orcid", "    orcid: 0000-0002-1825", "not an ORCID iD"),
        ("people[2].orcid", "orcid.org/0000-0002-1694-233X", "people[1] (line 13) has this"),
        ("organizations[0].ror", "05xmpn345", "need 44"),
        ("organizations[0].wikidata", "Q0123", "not a Wikidata item"),
        ("organizations[1].ror", "02ibv0t02", "not a ROR id"),
        ("organizations[3].wikidata", "entity/Q1133630", "organizations[2] (line 27) has this"),
        ("publications[0].doi", "11.1000", "not a DOI"),
        ("publications[0].isbn", "40615-8", "need 7"),
        ("publications[0].url", "example.org/notes", "not a URL"),
        ("publications[1].arxiv", "1513.00001", "not an arXiv identifier"),
        ("publications[2].arxiv", "1401.00001", "YYMM.NNNN before 2015"),
        ("publications[3].biorxiv", "2021.02.30", "not a bioRxiv or medRxiv identifier"),
        ("publications[4].isbn", '"12345"', "not an ISBN"),
    ],
)  # fmt: skip
def test_a_wrong_identifier_is_reported_at_its_file_line_and_field(
    field: str, needle: str, words: str, yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("identifiers-bad")
    problem = problem_at(problems_of(path), field)
    assert problem.file == str(path)
    assert problem.line == line_of(path, needle)
    assert words in problem.message


def test_every_wrong_identifier_is_reported_in_one_run(yaml_fixture, problems_of) -> None:
    assert len(problems_of(yaml_fixture("identifiers-bad"))) == 15


def test_an_orcid_profile_naming_another_id_than_orcid_is_reported(
    tmp_path, problems_of, problem_at
) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text(
        "person:\n  given_name: Ada\n  family_name: Lovelace\n  orcid: 0000-0002-1825-0097\n"
        "  profiles:\n    - site: ORCID\n      url: https://orcid.org/0000-0001-5109-3700\n"
        "    - site: GitHub\n      url: https://github.com/ada\n",
        encoding="utf-8",
    )
    problem = problem_at(problems_of(path), "person.profiles[0].url")
    assert problem.line == 7
    assert "is not the ORCID iD 0000-0002-1825-0097 that person.orcid gives (line 4)" in (
        problem.message
    )


def test_an_orcid_profile_with_the_same_id_is_fine(tmp_path) -> None:
    path = tmp_path / "cv.yaml"
    path.write_text(
        "person:\n  given_name: Ada\n  family_name: Lovelace\n  orcid: 0000-0002-1825-0097\n"
        "  profiles:\n    - site: ORCID\n      url: https://orcid.org/0000-0002-1825-0097\n",
        encoding="utf-8",
    )
    assert load_file(path).owner.profiles[0].url == "https://orcid.org/0000-0002-1825-0097"
