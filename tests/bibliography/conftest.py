"""Fixtures of the bibliography tests: the seed's bibliography in every format, and what
the YAML says about each of its works (the 39 publications, the theses, the patents)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from ldcv.bibliography.exports import owners_bibliography
from ldcv.load.identity import parse_byline
from ldcv.model import CV
from ldcv.pipeline import Dataset


@dataclass(frozen=True)
class Expected:
    """What the YAML says about one work, as every export must repeat it."""

    kind: str  # journal-article … preprint, thesis-doctoral, thesis-master …, patent
    title: str
    bylines: tuple[tuple[str, str], ...]  # (family name, initials) as the CV prints them
    year: str
    venue: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None  # "261-295", or the article number
    arxiv: str | None = None
    doi: str | None = None
    number: str | None = None  # a patent's number
    office: str | None = None


def _byline(written: str) -> tuple[str, str]:
    parsed = parse_byline(written)
    return (written, "") if parsed is None else (parsed.family, parsed.initials)


def expected_works(cv: CV) -> list[Expected]:
    """Every work of ``cv`` with the fields an export must carry."""
    found = []
    for pub in cv.publications:
        doi = pub.doi
        if pub.repository in ("biorxiv", "medrxiv"):
            doi = f"10.1101/{pub.identifier}"
        found.append(
            Expected(
                kind=pub.kind,
                title=pub.title,
                bylines=tuple(_byline(a.written) for a in pub.authors),
                year=str(pub.year.year),
                venue=pub.journal or pub.proceedings or pub.book or pub.series,
                volume=pub.volume,
                issue=pub.issue,
                pages=pub.pages or pub.article_number,
                arxiv=pub.identifier if pub.repository == "arxiv" else None,
                doi=doi,
            )
        )
    owner = (cv.owner.family_name, "".join(p[0] for p in cv.owner.given_name.split()))
    for education in cv.education:
        if education.thesis is not None and education.end is not None:
            found.append(
                Expected(
                    kind=f"thesis-{education.level}",
                    title=education.thesis.title,
                    bylines=(owner,),
                    year=str(education.end.year),
                )
            )
    for family in cv.patents:
        for grant in family.grants:
            found.append(
                Expected(
                    kind="patent",
                    title=grant.title,
                    bylines=(owner,),
                    year=str(grant.granted.year),
                    number=grant.number,
                    office=grant.office,
                )
            )
    return found


@pytest.fixture(scope="session")
def seed_works(seed_cv: CV) -> list[Expected]:
    """What the seed's YAML says about each of its works."""
    works = expected_works(seed_cv)
    assert sum(1 for w in works if w.kind in _PUBLICATION_KINDS) == 39  # the seed's count
    return works


_PUBLICATION_KINDS = {
    "journal-article",
    "conference-paper",
    "workshop-paper",
    "book-chapter",
    "preprint",
}


@pytest.fixture(scope="session")
def seed_export(seed_dataset: Dataset) -> Callable[[str], bytes]:
    """The seed owner's whole bibliography in a format (``bibtex`` …), as the CLI writes it."""
    made: dict[str, bytes] = {}

    def export(fmt_key: str) -> bytes:
        if fmt_key not in made:
            made[fmt_key] = owners_bibliography(seed_dataset.graph, seed_dataset.owners, fmt_key)
        return made[fmt_key]

    return export


@pytest.fixture(scope="session")
def initials_agree() -> Callable[[str, str], bool]:
    """Whether an exported given name (full or initials) is the one the CV's initials print."""

    def agree(printed: str, given: str) -> bool:
        letters = "".join(c for c in printed if c.isalpha())
        written = "".join(part[0] for part in given.replace("-", " ").replace(".", " ").split())
        return bool(letters) and written.upper().startswith(letters.upper())

    return agree
