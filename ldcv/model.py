"""Frozen dataclasses for a CV: what the loader produces and the mapping consumes.

Every entry carries the ``Source`` (file and line) it was read from, so that a
SHACL report or a later error can point back to the YAML. Cross-references
between entries (an author, a supervisor, an organisation) are by key, the
slug that also ends the entry's IRI; the loader has already checked they resolve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Source:
    """Where an entry was written: file and 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date at the precision the CV gives: a year, a month or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Literal["year", "month", "day"]:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def isoformat(self) -> str:
        """Render as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def __str__(self) -> str:
        return self.isoformat()


@dataclass(frozen=True)
class Address:
    street: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    region: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Profile:
    """An account or page about the owner elsewhere (GitHub, ORCID, Scholar …)."""

    key: str
    site: str
    url: str | None = None
    username: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Person:
    """A real person other than the owner: coauthor, supervisor.

    ``aliases`` are the spellings under which this person appears in author
    lists ("Müller K-R", "Müller K"); ``initials`` as written in bylines.
    """

    key: str
    family_name: str
    given_name: str | None = None
    initials: str | None = None
    name: str | None = None
    honorific_prefix: str | None = None
    aliases: tuple[str, ...] = ()
    source: Source | None = None
    orcid: str | None = None  # "0000-0002-1825-0097", checked

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.given_name:
            return f"{self.given_name} {self.family_name}"
        return f"{self.family_name} {self.initials}" if self.initials else self.family_name


@dataclass(frozen=True)
class Owner:
    """The person whose CV this is.

    ``private`` names the fields that must never leave the machine; the loader
    fills it from the defaults (telephone, address, birth_date) and the YAML's
    ``private:``/``public:`` lists.
    """

    key: str
    name: str
    given_name: str
    family_name: str
    honorific_prefix: str | None = None
    birth_name: str | None = None
    birth_family_name: str | None = None
    birth_date: PartialDate | None = None
    email: str | None = None
    telephone: str | None = None
    address: Address | None = None
    homepage: str | None = None
    orcid: str | None = None  # "0000-0002-1825-0097", checked
    profiles: tuple[Profile, ...] = ()
    bio: str | None = None
    aliases: tuple[str, ...] = ()
    private: frozenset[str] = frozenset()
    source: Source | None = None

    @property
    def display_name(self) -> str:
        return self.name

    def is_public(self, field_name: str) -> bool:
        return field_name not in self.private


OrganizationKind = Literal["organization", "university", "school", "research", "group"]


@dataclass(frozen=True)
class Organization:
    key: str
    name: str
    kind: OrganizationKind = "organization"
    alternate_names: tuple[str, ...] = ()
    locality: str | None = None
    country: str | None = None
    parent: str | None = None  # key of the parent organization
    url: str | None = None
    source: Source | None = None
    ror: str | None = None  # "02jbv0t02", checked
    wikidata: str | None = None  # "Q42"


@dataclass(frozen=True)
class Position:
    """A role held at an organisation (schema:EmployeeRole)."""

    key: str
    title: str
    organization: str  # key
    start: PartialDate
    end: PartialDate | None = None  # None: to the present
    research_focus: str | None = None
    description: tuple[str, ...] = ()  # paragraphs as the CV gives them
    tasks: tuple[str, ...] = ()
    other_work: tuple[str, ...] = ()
    supervisors: tuple[str, ...] = ()  # person keys
    source: Source | None = None


@dataclass(frozen=True)
class Thesis:
    key: str
    title: str
    supervisors: tuple[str, ...] = ()  # person keys
    grade: str | None = None  # "1.0 / A", where the CV grades the thesis
    source: Source | None = None


@dataclass(frozen=True)
class Education:
    """A degree or school-leaving qualification and the time spent earning it."""

    key: str
    degree: str  # "PhD in Machine Learning"
    organization: str  # key
    start: PartialDate
    end: PartialDate | None = None
    category: str | None = None  # "degree", "certificate"
    level: str | None = None  # "doctoral", "master", "bachelor", "secondary"
    field_of_study: str | None = None
    distinction: str | None = None  # "with distinction / “summa cum laude”"
    grade: str | None = None  # "1.0 / A", where the CV grades the degree
    research_focus: str | None = None
    description: tuple[str, ...] = ()
    thesis: Thesis | None = None
    source: Source | None = None


@dataclass(frozen=True)
class SkillGroup:
    key: str
    category: str  # "Technical"
    summary: str | None = None
    items: tuple[str, ...] = ()
    source: Source | None = None


@dataclass(frozen=True)
class LanguageSkill:
    key: str
    name: str  # "German"
    code: str  # BCP 47: "de"
    level: str  # "mother tongue"
    source: Source | None = None


@dataclass(frozen=True)
class Award:
    key: str
    name: str
    year: PartialDate
    rank: str | None = None  # "1st place", "finalist"
    awarded_by: str | None = None  # as the CV names it
    description: str | None = None
    description_language: str | None = None  # BCP 47 of ``description``
    for_work: str | None = None  # publication key
    source: Source | None = None


@dataclass(frozen=True)
class PatentGrant:
    """One national grant of a patent family ("EP 3271863")."""

    key: str
    office: str  # "EP", "JP", …
    number: str
    title: str
    granted: PartialDate
    source: Source | None = None


@dataclass(frozen=True)
class PatentFamily:
    key: str
    title: str
    grants: tuple[PatentGrant, ...] = ()
    source: Source | None = None


@dataclass(frozen=True)
class Project:
    key: str
    name: str  # acronym as the CV gives it: "iToBoS"
    description: str | None = None  # "Intelligent Total Body Scanner"
    start: PartialDate | None = None
    end: PartialDate | None = None
    url: str | None = None
    source: Source | None = None


PublicationKind = Literal[
    "journal-article", "conference-paper", "workshop-paper", "book-chapter", "preprint"
]


@dataclass(frozen=True)
class Author:
    """One byline entry: the spelling in the CV and the person it resolves to."""

    written: str  # "Müller K-R"
    person: str  # person key, or the owner's key


@dataclass(frozen=True)
class Publication:
    key: str
    kind: PublicationKind
    title: str
    authors: tuple[Author, ...]
    year: PartialDate
    journal: str | None = None  # journal articles
    proceedings: str | None = None  # conference/workshop: proceedings or workshop title
    book: str | None = None  # book chapters: the book's title
    series: str | None = None  # "Lecture Notes in Computer Science"
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None  # "261-295" or a single page
    article_number: str | None = None  # "e0130140", "107899"
    publisher: str | None = None
    place: str | None = None  # publisher's place: "Cham"
    repository: Literal["arxiv", "biorxiv", "medrxiv"] | None = None  # preprints
    identifier: str | None = None  # id in that repository: "2109.04236"
    doi: str | None = None
    url: str | None = None
    note: str | None = None  # "Best paper award winner"
    source: Source | None = None
    isbn: str | None = None  # ISBN-10 or -13, digits only: "9783030289546"

    @property
    def page_start(self) -> str | None:
        return self.pages.split("-")[0] if self.pages else None

    @property
    def page_end(self) -> str | None:
        if self.pages and "-" in self.pages:
            return self.pages.split("-", 1)[1]
        return None


@dataclass(frozen=True)
class CV:
    """Everything one YAML file says."""

    owner: Owner
    people: tuple[Person, ...] = ()
    organizations: tuple[Organization, ...] = ()
    positions: tuple[Position, ...] = ()
    education: tuple[Education, ...] = ()
    skills: tuple[SkillGroup, ...] = ()
    languages: tuple[LanguageSkill, ...] = ()
    awards: tuple[Award, ...] = ()
    patents: tuple[PatentFamily, ...] = ()
    projects: tuple[Project, ...] = ()
    publications: tuple[Publication, ...] = ()
    source: Source | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)
