"""The plan of a generated institute: its groups, the owners of CVs, their papers.

Plain records, drawn by ``plan`` and ``papers`` and written out by ``yaml_text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ldcv.generator.people import Person

CURRENT_YEAR = 2024  # a fixed "now": the same seed gives the same bytes every year
KINDS = ("journal-article", "conference-paper", "workshop-paper", "book-chapter", "preprint")


@dataclass(frozen=True)
class Organization:
    """An organisation several CVs may declare, always alike."""

    key: str
    name: str
    kind: str
    locality: str
    country: str
    alternate_names: tuple[str, ...] = ()
    parent: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Project:
    key: str
    name: str
    description: str
    start: tuple[int, int]  # year, month


@dataclass(eq=False)
class Institute:
    organization: Organization
    culture: str
    domain: str
    partner: Organization  # the university its PhD students graduate from
    pool: dict[int, Person] = field(default_factory=dict)  # by rank, drawn on first use


@dataclass(eq=False)
class Group:
    organization: Organization
    institute: Institute
    topic: str
    members: list[Member] = field(default_factory=list)
    circle: list[Person] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)

    @property
    def head(self) -> Member:
        return next(m for m in self.members if m.stage == "head")


@dataclass(eq=False)
class Member:
    """The owner of a CV: a person with a place in a group, a career and papers."""

    index: int
    person: Person
    culture: str
    stage: str  # phd, postdoc, senior, head
    target: int  # publications to list
    phd_start: int
    group: Group = field(init=False)
    universities: dict[str, Organization] = field(default_factory=dict)  # bsc, msc, phd
    supervisors: dict[str, Person] = field(default_factory=dict)  # a professor per degree
    school: Organization | None = None
    papers: list[Paper] = field(default_factory=list)
    remaining: int = 0  # publications still to draw

    @property
    def key(self) -> str:
        return self.person.key


@dataclass(eq=False)
class Paper:
    """One publication: every CV listing it writes the same ``key`` and fields."""

    kind: str
    title: str
    year: int
    authors: list[tuple[Person, str]]  # each person and the form of their byline
    venue: list[tuple[str, str]]  # field → value, in the order written
    members: list[Member]
    key: str = ""

    def bylines(self) -> list[str]:
        return [person.written(self.year, form) for person, form in self.authors]


@dataclass
class InstitutePlan:
    """Everything drawn for one seed: the owners, their papers, the groups."""

    seed: int
    members: list[Member]
    papers: list[Paper]
    groups: list[Group]
