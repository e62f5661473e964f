"""RIS as Mendeley writes it (CRLF lines too), and records without a type."""

from __future__ import annotations

import pytest

from ldcv.errors import InputError
from ldcv.imports.ris_reader import read_ris


def test_mendeley_records_become_works(imports):
    read = read_ris(imports / "mendeley.ris")
    by_kind = {w.kind: w for w in read.works}
    article = by_kind["journal-article"]
    assert (
        article.title
        == "Explain and improve: LRP-inference fine-tuning for image captioning models"
    )
    assert [a.byline for a in article.authors] == [
        "Sun J",
        "Lapuschkin S",
        "Samek W",
        "Binder A",
    ]
    assert article.year == 2021
    assert article.values["journal"] == "Information Fusion"
    assert article.values["pages"] == "233-246"
    assert article.values["doi"] == "10.1016/j.inffus.2021.07.008"
    assert by_kind["preprint"].values == {
        "arxiv": "2211.11426",
        "url": "https://arxiv.org/abs/2211.11426",
    }
    # N1 "arXiv: 2211.11426" is a bibliography's note, not the CV's remark: not imported.
    assert by_kind["book-chapter"].values["book"].startswith("Explainable AI")
    conference = by_kind["conference-paper"]
    assert conference.values["series"] == "Lecture Notes in Computer Science"
    assert conference.values["isbn"] == "9783031144622"
    assert "isbn" not in article.values  # its SN is the journal's ISSN
    assert (
        conference.values["proceedings"]
        == "Machine Learning and Knowledge Extraction (CD-MAKE 2022)"
    )


def test_a_thesis_is_reported_not_imported(imports):
    read = read_ris(imports / "mendeley.ris")
    assert [(s.origin, s.reason) for s in read.skipped] == [
        ("line 67 (record 5, THES)", "TY THES has no publication kind in the CV")
    ]


def test_a_record_without_a_type_names_its_line(imports):
    with pytest.raises(InputError) as error:
        read_ris(imports / "no-type.ris")
    (problem,) = error.value.problems
    assert problem.line == 8
    assert "record 2 starts with AU, not TY" in problem.message
