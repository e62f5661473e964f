"""Identity across files: a group's overlapping CVs load as one dataset."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from ldcv.errors import InputError
from ldcv.load import load_paths
from ldcv.load.directory import Declarations
from ldcv.load.files import load_read_files, read_file
from ldcv.pipeline import prepare
from ldcv.rdf.vocabulary import SDO

ADA = """\
person:
  given_name: Ada
  family_name: Lovelace
  aliases: [Lovelace A]
people:
  - given_name: Klaus-Robert
    family_name: Müller
    initials: K-R
    aliases: [Müller K]
organizations:
  - key: royal-society
    name: Royal Society
publications:
  - key: engines
    kind: preprint
    title: On engines
    authors: [Lovelace A, Babbage C, Müller K-R]
    year: 2015
    arxiv: "1501.00001"
"""

CHARLES = """\
person:
  given_name: Charles
  family_name: Babbage
  aliases: [Babbage C]
positions:
  - title: Fellow
    organization: royal-society
    start: 2010
publications:
  - key: engines
    kind: preprint
    title: On engines
    authors: [Lovelace A, Babbage C, Müller K-R]
    year: 2015
    arxiv: "1501.00001"
  - key: difference
    kind: preprint
    title: The difference engine
    authors: [Babbage C, Müller K]
    year: 2012
"""


def write(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_paths([folder])
    return [str(p) for p in caught.value.problems]


def test_a_person_declared_in_one_cv_is_known_to_every_cv(tmp_path: Path) -> None:
    ada, charles = load_paths([write(tmp_path, ada=ADA, charles=CHARLES)])[0]

    (engines,) = [p for p in charles.publications if p.key == "engines"]
    # Ada is the other file's owner; Müller is declared under the other file's people:.
    assert [a.person for a in engines.authors] == [
        "ada-lovelace",
        "charles-babbage",
        "klaus-robert-mueller",
    ]
    (difference,) = [p for p in charles.publications if p.key == "difference"]
    assert difference.authors[1].person == "klaus-robert-mueller"  # Ada's alias "Müller K"
    described = {p.key: p for p in charles.people}
    assert described["klaus-robert-mueller"].given_name == "Klaus-Robert"
    assert described["ada-lovelace"].family_name == "Lovelace"
    # Ada's file names Babbage by his own file's alias.
    (shared,) = ada.publications
    assert shared.authors[1].person == "charles-babbage"


def test_an_organisation_declared_in_one_cv_is_known_to_every_cv(tmp_path: Path) -> None:
    _, charles = load_paths([write(tmp_path, ada=ADA, charles=CHARLES)])[0]

    assert [o.key for o in charles.organizations] == ["royal-society"]
    assert charles.organizations[0].name == "Royal Society"


def test_a_publication_in_two_cvs_is_one_resource_with_one_author_list(tmp_path: Path) -> None:
    dataset = prepare([write(tmp_path, ada=ADA, charles=CHARLES)], "https://example.org")

    work = "https://example.org/id/publication/engines"
    lists = list(dataset.graph.query(f"SELECT ?l WHERE {{ <{work}> bibo:authorList ?l }}"))
    assert len(lists) == 1
    authors = {str(a) for a in dataset.graph.objects(URIRef(work), SDO.author)}
    assert authors == {
        "https://example.org/id/person/ada-lovelace",
        "https://example.org/id/person/charles-babbage",
        "https://example.org/id/person/klaus-robert-mueller",
    }


def test_an_alias_used_only_in_another_cv_is_used(tmp_path: Path) -> None:
    # Ada's alias "Müller K" matches no byline of hers, only one of Charles's.
    cvs, _ = load_paths([write(tmp_path, ada=ADA, charles=CHARLES)])
    assert len(cvs) == 2


def test_an_alias_no_cv_uses_is_reported_in_its_file(tmp_path: Path) -> None:
    unused = CHARLES.replace("Müller K]", "Müller K-R]")
    found = problems(write(tmp_path, ada=ADA, charles=unused))

    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'ada.yaml'}:9:")
    assert "alias 'Müller K'" in found[0]


def test_one_paper_described_differently_names_both_files_and_lines(tmp_path: Path) -> None:
    other = CHARLES.replace("title: On engines", "title: On the engines")
    found = problems(write(tmp_path, ada=ADA, charles=other))

    ada, charles = tmp_path / "ada.yaml", tmp_path / "charles.yaml"
    assert len(found) == 2
    assert found[0].startswith(f"{ada}:14: publications:")
    assert f"also listed in {charles}:10" in found[0]
    assert "title: 'On engines' here, 'On the engines' there" in found[0]
    assert found[1].startswith(f"{charles}:10: publications:")
    assert f"also listed in {ada}:14" in found[1]


def test_one_paper_under_two_keys_is_refused(tmp_path: Path) -> None:
    other = CHARLES.replace("key: engines", "key: analytical-engine")
    found = problems(write(tmp_path, ada=ADA, charles=other))

    assert any(
        "'analytical-engine' has the same arxiv as 'engines'" in p
        and p.startswith(str(tmp_path / "charles.yaml"))
        for p in found
    )


def test_one_person_declared_differently_names_both_files(tmp_path: Path) -> None:
    also_mueller = CHARLES.replace(
        "positions:",
        "people:\n  - key: klaus-robert-mueller\n    given_name: Klaus\n    family_name: Müller\n"
        "positions:",
    )
    found = problems(write(tmp_path, ada=ADA, charles=also_mueller))

    mine = [p for p in found if p.startswith(str(tmp_path / "charles.yaml"))]
    assert any(
        "person 'klaus-robert-mueller' is also declared in" in p
        and "given_name: 'Klaus' here, 'Klaus-Robert' there" in p
        for p in mine
    ), found


def test_a_spelling_two_cvs_give_two_people_is_refused(tmp_path: Path) -> None:
    clash = CHARLES.replace(
        "positions:",
        "people:\n  - key: karl-mueller\n    given_name: Karl\n    family_name: Müller\n"
        "    aliases: [Müller K]\npositions:",
    )
    found = problems(write(tmp_path, ada=ADA, charles=clash))

    assert any("'Müller K' names both" in p and str(tmp_path / "ada.yaml") in p for p in found)


def test_declarations_survive_json(tmp_path: Path) -> None:
    write(tmp_path, ada=ADA)
    (loaded,) = load_read_files([read_file(tmp_path / "ada.yaml")])
    declared = loaded.declarations
    assert declared is not None

    assert Declarations.from_json(declared.to_json()) == declared


def test_a_file_loads_against_declarations_it_did_not_read(tmp_path: Path) -> None:
    write(tmp_path, ada=ADA, charles=CHARLES)
    (ada,) = load_read_files([read_file(tmp_path / "ada.yaml")])
    (charles,) = load_read_files(
        [read_file(tmp_path / "charles.yaml")],
        elsewhere=[ada.declarations],
        used_elsewhere=ada.used,
    )

    assert charles.problems == []
    (engines, _) = charles.cv.publications
    assert engines.authors[2].person == "klaus-robert-mueller"


# -- identifiers: one ORCID iD is one person, one ROR id one organisation, one DOI one work


def with_orcid(text: str, after: str, orcid: str, indent: str = "  ") -> str:
    return text.replace(after, f"{after}\n{indent}orcid: {orcid}", 1)


def test_one_orcid_under_two_keys_in_two_files_names_both_files_and_lines(tmp_path: Path) -> None:
    ada = with_orcid(ADA, "  family_name: Lovelace", "0000-0002-1825-0097")
    charles = CHARLES.replace(
        "positions:",
        "people:\n  - key: countess-of-lovelace\n    given_name: Augusta Ada\n"
        "    family_name: King\n    orcid: https://orcid.org/0000-0002-1825-0097\npositions:",
    )
    found = problems(write(tmp_path, ada=ada, charles=charles))

    mine = [p for p in found if p.startswith(f"{tmp_path / 'charles.yaml'}:6:")]
    assert any(
        "person 'countess-of-lovelace' has the ORCID iD 0000-0002-1825-0097 of 'ada-lovelace' "
        f"in {tmp_path / 'ada.yaml'}:2"
        in p
        and "use key: ada-lovelace here too" in p
        for p in mine
    ), found


def test_one_orcid_under_one_key_in_two_files_is_one_person(tmp_path: Path) -> None:
    ada = with_orcid(ADA, "    initials: K-R", "0000-0002-1694-233X", indent="    ")
    charles = CHARLES.replace(
        "positions:",
        "people:\n  - key: klaus-robert-mueller\n    family_name: Müller\n"
        "    orcid: 0000-0002-1694-233X\npositions:",
    )
    cvs, _ = load_paths([write(tmp_path, ada=ada, charles=charles)])

    assert {p.orcid for cv in cvs for p in cv.people if p.key == "klaus-robert-mueller"} == {
        "0000-0002-1694-233X"
    }


def test_one_key_with_two_orcids_is_a_disagreement(tmp_path: Path) -> None:
    ada = with_orcid(ADA, "    initials: K-R", "0000-0002-1694-233X", indent="    ")
    charles = CHARLES.replace(
        "positions:",
        "people:\n  - key: klaus-robert-mueller\n    family_name: Müller\n"
        "    orcid: 0000-0001-5109-3700\npositions:",
    )
    found = problems(write(tmp_path, ada=ada, charles=charles))

    assert any(
        "person 'klaus-robert-mueller' is also declared in" in p
        and "orcid: '0000-0001-5109-3700' here, '0000-0002-1694-233X' there" in p
        for p in found
    ), found


def test_an_owner_named_with_their_orcid_under_another_key_is_refused(tmp_path: Path) -> None:
    ada = with_orcid(ADA, "    initials: K-R", "0000-0002-1694-233X", indent="    ")
    klaus = (
        "person:\n  key: kr-mueller\n  given_name: Klaus-Robert\n  family_name: Müller\n"
        "  orcid: 0000-0002-1694-233X\n"
    )
    found = problems(write(tmp_path, ada=ada, klaus=klaus))

    assert any(
        p.startswith(str(tmp_path / "klaus.yaml"))
        and "'kr-mueller' has the ORCID iD 0000-0002-1694-233X of 'klaus-robert-mueller'" in p
        for p in found
    ), found


def test_one_ror_id_under_two_keys_in_two_files_is_refused(tmp_path: Path) -> None:
    ada = ADA.replace("    name: Royal Society", "    name: Royal Society\n    ror: 05xmpn344")
    charles = CHARLES.replace(
        "positions:",
        "organizations:\n  - key: the-royal-society\n    name: The Royal Society\n"
        "    ror: https://ror.org/05xmpn344\npositions:",
    )
    found = problems(write(tmp_path, ada=ada, charles=charles))

    assert any(
        p.startswith(str(tmp_path / "charles.yaml"))
        and "organization 'the-royal-society' has the ROR id 05xmpn344 of 'royal-society'" in p
        for p in found
    ), found


def test_one_wikidata_item_with_two_values_for_one_key_is_a_disagreement(tmp_path: Path) -> None:
    ada = ADA.replace("    name: Royal Society", "    name: Royal Society\n    wikidata: Q123")
    charles = CHARLES.replace(
        "positions:",
        "organizations:\n  - key: royal-society\n    name: Royal Society\n"
        "    wikidata: Q124\npositions:",
    )
    found = problems(write(tmp_path, ada=ada, charles=charles))

    assert any("wikidata: 'Q124' here, 'Q123' there" in p for p in found), found


def test_one_arxiv_id_in_two_versions_under_two_keys_is_refused(tmp_path: Path) -> None:
    other = CHARLES.replace("key: engines", "key: analytical-engine").replace(
        'arxiv: "1501.00001"', 'arxiv: "arXiv:1501.00001v3"'
    )
    found = problems(write(tmp_path, ada=ADA, charles=other))

    assert any("'analytical-engine' has the same arxiv as 'engines'" in p for p in found), found


def test_one_doi_written_two_ways_under_two_keys_is_refused(tmp_path: Path) -> None:
    ada = ADA.replace('    arxiv: "1501.00001"', "    doi: 10.5555/Engines")
    other = CHARLES.replace("key: engines", "key: analytical-engine").replace(
        '    arxiv: "1501.00001"', "    doi: https://doi.org/10.5555/ENGINES", 1
    )
    found = problems(write(tmp_path, ada=ada, charles=other))

    assert any("'analytical-engine' has the same doi as 'engines'" in p for p in found), found


def test_declarations_with_identifiers_survive_json(tmp_path: Path) -> None:
    ada = with_orcid(ADA, "  family_name: Lovelace", "0000-0002-1825-0097")
    ada = ada.replace("    name: Royal Society", "    name: Royal Society\n    ror: 05xmpn344")
    write(tmp_path, ada=ada)
    (loaded,) = load_read_files([read_file(tmp_path / "ada.yaml")])
    declared = loaded.declarations
    assert declared is not None
    assert declared.people[0].orcid == "0000-0002-1825-0097"

    data = declared.to_json()
    assert Declarations.from_json(data) == declared
    assert Declarations.is_current(data)
    assert not Declarations.is_current({k: v for k, v in data.items() if k != "format"})


def test_a_private_orcid_is_not_declared_to_other_files(tmp_path: Path) -> None:
    ada = with_orcid(ADA, "  family_name: Lovelace", "0000-0002-1825-0097")
    write(tmp_path, ada=ada.replace("  aliases:", "  private: [orcid]\n  aliases:", 1))
    (loaded,) = load_read_files([read_file(tmp_path / "ada.yaml")])

    assert loaded.declarations is not None
    assert loaded.declarations.people[0].orcid is None
