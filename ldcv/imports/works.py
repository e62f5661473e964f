"""What every reader produces: works and names as the source states them, format-free."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ldcv.load import identifiers
from ldcv.load.cv_format import PUBLICATION_FIELDS
from ldcv.load.identity import parse_byline
from ldcv.load.slugs import initials_of


@dataclass(frozen=True)
class ImportedName:
    """An author as the source names them: family name, given name(s) or initials, ORCID iD."""

    family: str
    given: str | None = None
    orcid: str | None = None  # the bare iD: 0000-0002-1825-0097

    @property
    def initials(self) -> str:
        """Given names as bylines write them: ``Klaus-Robert`` → ``K-R``, ``C. J.`` → ``C J``."""
        # A hyphen joins the initials of one name ("K.-R."), a dot or a space parts ("C.J.").
        given = (self.given or "").replace(".-", "-").replace(".", " ")
        return " ".join(
            "-".join(initials_of(h) for h in part.split("-") if h) for part in given.split()
        )

    @property
    def byline(self) -> str:
        """``Family Initials``, the form the YAML's ``authors`` take."""
        return f"{self.family} {self.initials}".strip()

    def __str__(self) -> str:
        return f"{self.given} {self.family}" if self.given else self.family


# The publication kinds' venue field: where each kind names what it appeared in.
VENUE_FIELD = {
    "journal-article": "journal",
    "conference-paper": "proceedings",
    "workshop-paper": "proceedings",
    "book-chapter": "book",
    "preprint": None,
}

# The kinds that appear in a book, whose ISBN the YAML's ``isbn`` gives.
IN_A_BOOK = ("book-chapter", "conference-paper", "workshop-paper")

# A publication's YAML fields beyond key, kind, title, authors and year, in the order the
# loader's table has them. Imports write no ``note``: the CV's remark ("Best paper award
# winner"), not a bibliography's (Zotero's "arXiv: 2109.04236", an exporter's "Preprint").
OPTIONAL_FIELDS = tuple(
    name for name in PUBLICATION_FIELDS if name not in ("key", "kind", "title", "authors", "year")
)


@dataclass
class ImportedWork:
    """One publication read from a source, in the CV format's terms, and where it was read."""

    origin: str  # "line 12 (@article{mueller2017})", "record 3": for every message about it
    kind: str
    title: str
    authors: list[ImportedName]
    year: int
    values: dict[str, str] = field(default_factory=dict)  # OPTIONAL_FIELDS → text

    def get(self, name: str) -> str | None:
        """The value of an optional field, or None."""
        return self.values.get(name)


@dataclass(frozen=True)
class Skipped:
    """A record the reader could not take, and why: it is reported, not imported."""

    origin: str
    reason: str


@dataclass
class ReadWorks:
    """What a reader made of a file: the works it took and the records it left out."""

    works: list[ImportedWork] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)  # imported, with something to know


def clean_pages(text: str) -> str:
    """Write a page range with one hyphen: ``211--222`` and ``211–222`` become ``211-222``."""
    return re.sub(r"\s*(?:-+|–|—)\s*", "-", text.strip())


def _checked(read: Callable[[str], str], text: str | None) -> str | None:
    """``text`` as the loader's identifier reader stores it, or None where it is no such id."""
    try:
        return read(text) if text else None
    except ValueError:
        return None


def arxiv_id(text: str) -> str | None:
    """The arXiv id in ``text`` (``arXiv:2109.04236v2``, ``hep-th/9901001``), or None."""
    return _checked(identifiers.arxiv, re.sub(r"(?i)^https?://arxiv\.org/pdf/|\.pdf$", "", text))


def clean_doi(text: str) -> str | None:
    """The bare DOI in ``text`` (``https://doi.org/10.…``, ``doi:10.…``), or None if none."""
    return _checked(identifiers.doi, text)


def rxiv_id(doi: str) -> str | None:
    """The bioRxiv/medRxiv id a ``10.1101/…`` DOI carries (a version dropped), or None."""
    if not doi.startswith("10.1101/"):
        return None
    return _checked(identifiers.rxiv, re.sub(r"v\d+$", "", doi))


def checked_isbn(text: str | None) -> str | None:
    """The first valid ISBN in ``text`` (sources list several: ``978…; 978…``), or None."""
    for part in re.split(r"[;,]|\s(?=97[89])", text or ""):
        found = _checked(identifiers.isbn, part)
        if found:
            return found
    return None


def checked_orcid(text: str | None) -> str | None:
    """The ORCID iD in ``text`` (``https://orcid.org/…`` too), check digit verified, or None."""
    return _checked(identifiers.orcid, text)


def is_workshop(venue: str | None) -> bool:
    """Whether a proceedings title names a workshop: the CV lists those apart."""
    return bool(venue) and "workshop" in venue.casefold()


def year_of(text: str | None) -> int | None:
    """The four-digit year at the start of a date (``2017``, ``2017///``, ``2017-05-02``)."""
    match = re.match(r"\s*(\d{4})", text or "")
    return int(match.group(1)) if match else None


def split_name(text: str, orcid: str | None = None) -> ImportedName:
    """Read ``Family, Given``, a byline ``Müller K-R``, or ``Given Family`` as a name."""
    text = " ".join(text.split())
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 2)[:2])
        return ImportedName(family, given or None, orcid)
    byline = parse_byline(text)
    if byline is not None:
        return ImportedName(byline.family, byline.initials, orcid)
    given, _, family = text.rpartition(" ")
    return ImportedName(family, given or None, orcid)


def is_preprint_server(text: str | None) -> bool:
    """Whether a venue names a preprint server (arXiv, bioRxiv, medRxiv)."""
    return bool(text) and re.search(r"arxiv|biorxiv|medrxiv", text, re.IGNORECASE) is not None


_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
_ARXIV_IN_TEXT = re.compile(
    r"arxiv(?:\.org/(?:abs|pdf)/|:\s*|\s+|\s+preprint\s+arxiv:\s*)(\d{4}\.\d{4,5}(?:v\d+)?)",
    re.IGNORECASE,
)


def find_preprint(doi: str | None, *texts: str | None) -> tuple[str, str] | None:
    """The preprint server and id a DOI, venue, note or URL gives: ``("arxiv", "2109.04236")``."""
    in_doi = _ARXIV_DOI.fullmatch(doi or "")
    if in_doi and arxiv_id(in_doi.group(1)):
        return "arxiv", in_doi.group(1)
    for text in texts:
        found = _ARXIV_IN_TEXT.search(text or "")
        if found and arxiv_id(found.group(1)):
            return "arxiv", found.group(1)
    if doi and rxiv_id(doi):
        server = "medrxiv" if any("medrxiv" in (t or "").casefold() for t in texts) else "biorxiv"
        return server, rxiv_id(doi) or ""
    return None
