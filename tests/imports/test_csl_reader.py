"""CSL-JSON as doi.org and Zotero give it; JSON that is not CSL-JSON."""

from __future__ import annotations

import pytest

from ldcv.errors import InputError
from ldcv.imports.csl_reader import read_csl


def test_doi_org_item_becomes_a_journal_article_with_the_orcid(imports):
    (work,) = read_csl(imports / "doi-org.csl.json").works
    assert work.kind == "journal-article"
    assert work.year == 2021
    assert work.values == {
        "journal": "Information Fusion",
        "pages": "233-246",
        "volume": "77",
        "publisher": "Elsevier BV",
        "doi": "10.1016/j.inffus.2021.07.008",
        "url": "http://dx.doi.org/10.1016/j.inffus.2021.07.008",
    }
    assert work.authors[1].orcid == "0000-0002-0762-7258"


def test_zotero_items_keep_kinds_preprint_ids_and_places(imports):
    read = read_csl(imports / "zotero.csl.json")
    kinds = {w.kind: w for w in read.works}
    assert kinds["journal-article"].values["issue"] == "9"
    preprint = kinds["preprint"]
    assert preprint.values["arxiv"] == "2109.04236"
    assert "publisher" not in preprint.values  # "arXiv" is the server, not a publisher
    assert "article_number" not in preprint.values
    workshop = kinds["workshop-paper"]
    assert workshop.values["place"] == "Paris, France"
    assert workshop.values["isbn"] == "9798350307443"  # the first of the two given
    assert [s.reason for s in read.skipped] == ["type dataset has no publication kind"]


def test_an_item_without_a_type_is_not_csl_json(imports):
    with pytest.raises(InputError) as error:
        read_csl(imports / "not-csl.json")
    (problem,) = error.value.problems
    assert problem.field == "item 2"
    assert "string 'type'" in problem.message


def test_broken_json_names_its_line(imports):
    with pytest.raises(InputError) as error:
        read_csl(imports / "broken.json")
    assert error.value.problems[0].line == 4
