"""BibTeX as Zotero and JabRef write it: kinds, LaTeX, preprints, what is left out, bad syntax."""

from __future__ import annotations

import pytest

from ldcv.errors import InputError
from ldcv.imports.bibtex_reader import parse_bibtex, read_bibtex


def test_zotero_entries_become_works_with_decoded_text(imports):
    read = read_bibtex(imports / "zotero.bib")
    by_title = {w.title: w for w in read.works}
    chapter = by_title["Erklärbare KI in der Praxis – ein Überblick"]
    assert chapter.kind == "book-chapter"
    assert [a.byline for a in chapter.authors] == ["Kohlbrenner M", "Mařík O", "Lapuschkin S"]
    assert chapter.values == {
        "book": "Künstliche Intelligenz: Grundlagen und Anwendungen",
        "series": "Informatik Aktuell",
        "pages": "12-34",
        "publisher": "Springer Vieweg",
        "place": "Wiesbaden",
        "isbn": "9783031144622",
    }
    unmasking = by_title[
        "Unmasking Clever Hans predictors and assessing what machines really learn"
    ]
    assert unmasking.kind == "journal-article"
    assert unmasking.get("doi") == "10.1038/s41467-019-08987-4"
    assert [a.family for a in unmasking.authors][:2] == ["Lapuschkin", "Wäldchen"]


def test_an_arxiv_eprint_is_a_preprint_with_its_version_as_written(imports):
    read = read_bibtex(imports / "zotero.bib")
    (preprint,) = [w for w in read.works if w.kind == "preprint"]
    assert preprint.get("arxiv") == "1807.03418v2"


def test_a_workshop_in_the_booktitle_makes_a_workshop_paper(imports):
    read = read_bibtex(imports / "zotero.bib")
    kinds = {w.title.split(":")[0]: w.kind for w in read.works}
    assert kinds["From “Where” to “What”"] == "workshop-paper"


def test_types_without_a_kind_are_reported_with_their_line(imports):
    read = read_bibtex(imports / "zotero.bib")
    reasons = {s.origin: s.reason for s in read.skipped}
    assert reasons == {
        "line 55 (@book{samek_explainable_2019})": "@book has no publication kind in the CV format",
        "line 62 (@misc{zennit_software})": "a @misc with no arXiv, bioRxiv or medRxiv id",
    }


def test_a_syntax_error_names_the_file_and_the_entry_line(imports):
    with pytest.raises(InputError) as error:
        read_bibtex(imports / "syntax-error.bib")
    (problem,) = error.value.problems
    assert problem.file.endswith("syntax-error.bib")
    assert problem.line == 8
    assert "BibTeX syntax error" in problem.message


def test_and_others_leaves_the_named_authors_and_a_note():
    read = parse_bibtex(
        "@article{a, author={Doe, Jane and Roe, R. and others}, title={T}, journal={J}, year=2020}",
        "others.bib",
    )
    assert [a.byline for a in read.works[0].authors] == ["Doe J", "Roe R"]
    assert [n.reason for n in read.notes] == [
        "'and others' ends the byline: only the named authors"
    ]
