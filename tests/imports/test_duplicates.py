"""A work the CV lists already: same DOI or preprint id, else same normalised title and year."""

from __future__ import annotations

from ldcv.imports.duplicates import KnownWorks
from ldcv.imports.works import ImportedName, ImportedWork


def _work(title: str, year: int, **values: str) -> ImportedWork:
    return ImportedWork("line 1", "preprint", title, [ImportedName("Doe", "J")], year, values)


def test_the_same_arxiv_id_is_the_same_work_whatever_the_title(seed_cv):
    known = KnownWorks(seed_cv.publications)
    listed = known.already(_work("Another Title", 2030, arxiv="2109.04236"))
    assert listed == "'becking-2021-ecqx-explainability-driven-quantization'"


def test_the_same_title_in_other_case_and_punctuation_and_year_is_the_same_work(seed_cv):
    known = KnownWorks(seed_cv.publications)
    work = _work("layer-wise relevance propagation - an overview", 2019)
    assert known.already(work) == "'montavon-2019-layer-wise-relevance-propagation'"
    assert known.already(_work("Layer-wise relevance propagation: An Overview", 2020)) is None


def test_a_second_copy_in_the_import_is_a_duplicate_of_the_first():
    known = KnownWorks(())
    first = _work("A Title", 2020, doi="10.1000/ABC")
    assert known.already(first) is None
    known.add(first, "line 1 of the import")
    assert known.already(_work("Other", 2021, doi="10.1000/abc")) == "line 1 of the import"


def test_a_versioned_arxiv_id_is_the_same_work_as_the_bare_one():
    known = KnownWorks(())
    known.add(_work("A Title", 2020, arxiv="2109.04236"), "line 1")
    assert known.already(_work("Other", 2021, arxiv="2109.04236v3")) == "line 1"
