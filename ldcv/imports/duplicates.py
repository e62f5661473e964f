"""Tell an imported work the CV already lists: same DOI or preprint id, else same title and year."""

from __future__ import annotations

from collections.abc import Iterable

from ldcv.imports.works import ImportedWork
from ldcv.load.cv_format import REPOSITORIES
from ldcv.load.identifiers import arxiv_mark, doi_mark
from ldcv.load.slugs import slugify
from ldcv.model import Publication

Mark = tuple[str, str]


def marks_of(
    doi: str | None, preprint: tuple[str, str] | None, title: str, year: int
) -> list[Mark]:
    """What identifies a work anywhere: its DOI, its preprint id, its normalised title and year."""
    marks: list[Mark] = []
    if doi:
        marks.append(("doi", doi_mark(doi)))
    if preprint:
        # A versioned arXiv id (2109.04236v2) names the same paper as the bare one.
        server, identifier = preprint
        marks.append((server, arxiv_mark(identifier) if server == "arxiv" else identifier))
    # The loader's own test for "the same publication": the title's slug and the year.
    marks.append(("title", f"{slugify(title)} {year}"))
    return marks


def _imported_marks(work: ImportedWork) -> list[Mark]:
    preprint = next(((n, work.values[n]) for n in REPOSITORIES if work.get(n)), None)
    return marks_of(work.get("doi"), preprint, work.title, work.year)


def _publication_marks(publication: Publication) -> list[Mark]:
    preprint = (
        (publication.repository, publication.identifier)
        if publication.repository and publication.identifier
        else None
    )
    return marks_of(publication.doi, preprint, publication.title, publication.year.year)


class KnownWorks:
    """The works a CV lists and those imported so far, by every mark that identifies them."""

    def __init__(self, publications: Iterable[Publication]) -> None:
        self.by_mark: dict[Mark, str] = {}
        for publication in publications:
            for mark in _publication_marks(publication):
                self.by_mark.setdefault(mark, f"'{publication.key}'")

    def already(self, work: ImportedWork) -> str | None:
        """What lists ``work`` already (a key, or an earlier record of the import), or None."""
        return next((self.by_mark[m] for m in _imported_marks(work) if m in self.by_mark), None)

    def add(self, work: ImportedWork, named: str) -> None:
        """Remember ``work``, under ``named``, so that a second copy in the import is skipped."""
        for mark in _imported_marks(work):
            self.by_mark.setdefault(mark, named)


class SharedWorks:
    """The publications the dataset's other CVs list: an import of one joins that resource."""

    def __init__(self, publications: Iterable[Publication]) -> None:
        self.by_mark: dict[Mark, Publication] = {}
        for publication in publications:
            for mark in _publication_marks(publication):
                self.by_mark.setdefault(mark, publication)

    def find(self, work: ImportedWork) -> Publication | None:
        """The publication another CV lists that is ``work``, or None."""
        return next((self.by_mark[m] for m in _imported_marks(work) if m in self.by_mark), None)
