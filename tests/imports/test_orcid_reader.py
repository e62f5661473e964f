"""The works of an ORCID record, as the public API v3.0 gives them."""

from __future__ import annotations

import pytest

from ldcv.errors import InputError
from ldcv.imports.orcid_reader import read_orcid


def test_full_works_give_contributors_with_their_orcid(imports):
    read = read_orcid(imports / "orcid-works.json")
    article, _ = read.works
    assert article.kind == "journal-article"
    assert [a.byline for a in article.authors] == [
        "Yeom S-K",
        "Seegerer P",
        "Lapuschkin S",
        "Binder A",
        "Wiedemann S",
        "Müller K-R",
        "Samek W",
    ]
    assert article.authors[2].orcid == "0000-0002-0762-7258"
    assert article.values["doi"] == "10.1016/j.patcog.2021.107899"
    assert article.values["journal"] == "Pattern Recognition"


def test_a_work_without_contributors_takes_its_bibtex_citations_authors(imports):
    _, preprint = read_orcid(imports / "orcid-works.json").works
    assert preprint.kind == "preprint"
    assert preprint.values["arxiv"] == "2308.12053"
    assert preprint.authors[0].byline == "Weber L"
    assert len(preprint.authors) == 6


def test_a_patent_is_reported_not_imported(imports):
    read = read_orcid(imports / "orcid-works.json")
    assert [s.reason for s in read.skipped] == ["type patent has no publication kind"]


def test_a_summary_without_authors_is_skipped_with_what_to_save_instead(imports):
    read = read_orcid(imports / "orcid-summary.json")
    assert read.works == []
    assert "/works/{put-codes}" in read.skipped[0].reason


def test_a_resume_is_not_an_orcid_document(imports):
    with pytest.raises(InputError) as error:
        read_orcid(imports / "jsonresume.json")
    assert "not an ORCID v3.0 works document" in error.value.problems[0].message
