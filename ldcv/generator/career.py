"""Draw what one generated CV says of its owner alone: roles, degrees, awards, contact.

Each owner's draws come from a random generator seeded with the plan's seed and the
owner's key, so a CV does not change when another one is added. Dates follow one
career: school, bachelor, master, PhD, then the roles of the owner's stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from ldcv.generator.model import CURRENT_YEAR, Member, Organization, Project
from ldcv.generator.people import Person
from ldcv.generator.words import (
    AWARDS,
    CULTURES,
    FIELDS_OF_STUDY,
    LEVELS,
    METHODS,
    PATENT_OFFICES,
    SKILL_GROUPS,
    STAGE_TITLES,
    STREETS,
    TASKS,
)
from ldcv.load.slugs import slugify

Month = tuple[int, int]  # year, month


@dataclass(frozen=True)
class Role:
    title: str
    organization: Organization
    start: Month
    end: Month | None  # None: ongoing
    supervisors: tuple[Person, ...]
    focus: str


@dataclass(frozen=True)
class Degree:
    name: str
    organization: Organization
    start: int
    end: int | None
    level: str
    category: str = "degree"
    field_of_study: str | None = None
    distinction: str | None = None
    thesis: str | None = None
    grade: str | None = None
    supervisor: Person | None = None


@dataclass(frozen=True)
class Award:
    name: str
    year: int
    rank: str | None = None
    description: str | None = None
    language: str | None = None
    paper: str | None = None  # the key of the paper it was given for


@dataclass(frozen=True)
class Grant:
    office: str
    number: str
    title: str | None  # where it differs from the family's
    granted: str  # YYYY-MM-DD


@dataclass(frozen=True)
class Patent:
    key: str
    title: str
    grants: tuple[Grant, ...]


@dataclass(frozen=True)
class Membership:
    project: Project
    start: Month
    end: Month | None


@dataclass(frozen=True)
class Contact:
    birth_date: str
    email: str
    telephone: str | None  # private by default, like the address
    address: tuple[str, str, str, str] | None  # street, postal code, locality, country
    homepage: str | None
    public: tuple[str, ...]
    private: tuple[str, ...]


@dataclass
class Career:
    """Everything a CV says of its owner alone."""

    contact: Contact
    bio: str
    roles: list[Role]  # newest first
    degrees: list[Degree]  # newest first
    skills: list[tuple[str, str | None, list[str]]]  # category, summary, items
    languages: list[tuple[str, str, str]]  # name, code, level
    awards: list[Award] = field(default_factory=list)
    patents: list[Patent] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)


def draw_career(member: Member, seed: int) -> Career:
    """Draw the sections only ``member``'s CV has, the same for the same seed."""
    return _Drawing(member, Random(f"{seed}:{member.key}")).career()


class _Drawing:
    def __init__(self, member: Member, rng: Random) -> None:
        self.m = member
        self.rng = rng
        self.subject = rng.choice(FIELDS_OF_STUDY)
        self.bachelor = member.phd_start - 5
        self.phd_start = (member.phd_start, rng.randint(1, 12))
        # For PhD students the PhD is ongoing; roles and degrees agree on the others' end.
        self.phd_end = (
            min(member.phd_start + rng.randint(3, 5), CURRENT_YEAR - 1),
            rng.randint(1, 12),
        )

    def career(self) -> Career:
        return Career(
            contact=self._contact(),
            bio=self._bio(),
            roles=self._roles(),
            degrees=self._degrees(),
            skills=self._skills(),
            languages=self._languages(),
            awards=self._awards(),
            patents=self._patents(),
            memberships=self._memberships(),
        )

    def _contact(self) -> Contact:
        m, rng = self.m, self.rng
        institute = m.group.institute
        birth = f"{self.bachelor - 19}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        telephone = address = None
        if rng.random() < 0.7:
            phone = CULTURES[institute.culture].phone
            telephone = f"{phone} {rng.randint(30, 899)} {rng.randint(100_000, 9_999_999)}"
            street = rng.choice(STREETS.get(institute.culture, ("Hauptstraße",)))
            where = institute.organization
            address = (
                f"{street} {rng.randint(1, 120)}",
                str(rng.randint(10_000, 99_999)),
                where.locality,
                where.country,
            )
        homepage = f"https://{institute.domain}/people/{m.key}" if rng.random() < 0.4 else None
        return Contact(
            birth_date=birth,
            email=f"{m.key}@{institute.domain}",
            telephone=telephone,
            address=address,
            homepage=homepage,
            public=("birth_date",) if rng.random() < 0.1 else (),
            private=("email",) if rng.random() < 0.05 else (),
        )

    def _bio(self) -> str:
        m = self.m
        topics = [t.lower() for t in self.rng.sample(TASKS, 3)]
        return (
            f"{m.person.name} is a {STAGE_TITLES[m.stage].lower()} in the "
            f"{m.group.organization.name} at the {m.group.institute.organization.name}, "
            f"working on {topics[0]}, {topics[1]} and {topics[2]}. {m.person.name} studied "
            f"{self.subject} at {m.universities['bsc'].name} from {self.bachelor}."
        )

    def _supervisors(self) -> tuple[Person, ...]:
        """Who supervises a member in their group: its head, for PhD students a senior too."""
        m = self.m
        seniors = [s for s in m.group.members if s.stage == "senior"]
        if m.stage == "phd" and seniors and self.rng.random() < 0.5:
            return m.group.head.person, seniors[0].person
        return (m.group.head.person,)

    def _roles(self) -> list[Role]:
        m, rng = self.m, self.rng
        group, phd_university = m.group.organization, m.universities["phd"]
        roles = []  # oldest first
        role = self._role
        if rng.random() < 0.5:
            assistant = ((self.bachelor + 3, 4), (self.bachelor + 4, 3))
            roles.append(
                role(
                    "Student Assistant", m.universities["msc"], *assistant, (m.supervisors["msc"],)
                )
            )
        if m.stage == "phd":
            roles.append(
                role(STAGE_TITLES["phd"], group, self.phd_start, None, self._supervisors())
            )
        else:
            phd = (m.supervisors["phd"],)
            roles.append(
                role("Research Associate", phd_university, self.phd_start, self.phd_end, phd)
            )
            postdoc = _after(self.phd_end)
            until = max(
                (min(self.phd_end[0] + rng.randint(2, 4), CURRENT_YEAR - 1), rng.randint(1, 12)),
                postdoc,
            )
            title = STAGE_TITLES["postdoc"]
            if m.stage == "postdoc":
                roles.append(role(title, group, postdoc, None, self._supervisors()))
            elif m.stage == "senior":
                roles.append(role(title, group, postdoc, until, self._supervisors()))
                roles.append(role(STAGE_TITLES["senior"], group, _after(until), None))
            else:
                roles += self._head_roles(postdoc, until)
        return roles[::-1]

    def _role(
        self,
        title: str,
        organization: Organization,
        start: Month,
        end: Month | None,
        supervisors: tuple[Person, ...] = (),
    ) -> Role:
        rng = self.rng
        focus = f"Research on {rng.choice(METHODS)} for {rng.choice(TASKS).lower()}."
        return Role(title, organization, start, end, supervisors, focus)

    def _head_roles(self, postdoc: Month, until: Month) -> list[Role]:
        """A group head's way up: a postdoc at their university, senior years, the group."""
        m, rng = self.m, self.rng
        roles = [self._role(STAGE_TITLES["postdoc"], m.universities["phd"], postdoc, until)]
        low = min(until[0] + 1, CURRENT_YEAR)
        head_since = max(
            (rng.randint(low, max(low, CURRENT_YEAR - 1)), rng.randint(1, 12)), _after(until)
        )
        if _after(until) < _before(head_since):
            institute = m.group.institute.organization
            roles.append(
                self._role(STAGE_TITLES["senior"], institute, _after(until), _before(head_since))
            )
        title = f"Head of the {m.group.organization.name}"
        roles.append(self._role(title, m.group.organization, head_since, None))
        return roles

    def _degrees(self) -> list[Degree]:
        m, rng, subject, bachelor = self.m, self.rng, self.subject, self.bachelor
        degrees = []
        for degree, name, start, end, level, thesis in (
            ("phd", f"PhD in {subject}", m.phd_start, self.phd_end[0], "doctoral", True),
            ("msc", f"Master of Science in {subject}", bachelor + 3, bachelor + 5, "master", True),
            (
                "bsc",
                f"Bachelor of Science in {subject}",
                bachelor,
                bachelor + 3,
                "bachelor",
                rng.random() < 0.6,
            ),
        ):
            ongoing = degree == "phd" and m.stage == "phd"
            written = thesis and not ongoing
            degrees.append(
                Degree(
                    name,
                    m.universities[degree],
                    start,
                    None if ongoing else end,
                    level,
                    field_of_study=subject,
                    distinction="with distinction"
                    if level == "doctoral" and not ongoing and rng.random() < 0.3
                    else None,
                    thesis=f"{rng.choice(METHODS)} for {rng.choice(TASKS)}" if written else None,
                    grade=rng.choice(("1.0 / A", "1.3", "summa cum laude"))
                    if written and rng.random() < 0.5
                    else None,
                    supervisor=m.supervisors[degree] if written else None,
                )
            )
        assert m.school is not None
        degree = CULTURES[m.culture].school_degree
        degrees.append(
            Degree(degree, m.school, bachelor - 9, bachelor, "secondary", category="certificate")
        )
        return degrees

    def _skills(self) -> list[tuple[str, str | None, list[str]]]:
        rng = self.rng
        skills = []
        for category in rng.sample(list(SKILL_GROUPS), rng.randint(1, 3)):
            items = rng.sample(SKILL_GROUPS[category], rng.randint(3, 9))
            summary = f"Experience with {', '.join(items)}." if category == "Technical" else None
            skills.append((category, summary, items))
        return skills

    def _languages(self) -> list[tuple[str, str, str]]:
        m, rng = self.m, self.rng
        native = CULTURES[m.culture].language
        spoken = [(*native, "mother tongue")]
        if native[1] != "en":
            spoken.append(("English", "en", rng.choice(LEVELS[:2])))
        local = CULTURES[m.group.institute.culture].language
        if local not in (native, ("English", "en")) and rng.random() < 0.6:
            spoken.append((*local, rng.choice(LEVELS)))
        return spoken

    def _awards(self) -> list[Award]:
        m, rng = self.m, self.rng
        low, high = {"head": (1, 4), "senior": (0, 3), "postdoc": (0, 2), "phd": (0, 1)}[m.stage]
        awards: dict[tuple[str, int], Award] = {}
        for _ in range(rng.randint(low, high)):
            if rng.random() < 0.3:
                paper = rng.choice(m.papers)
                award = Award(
                    "Best Paper Award", min(paper.year + 1, CURRENT_YEAR), paper=paper.key
                )
            else:
                name, description, language, rank = rng.choice(AWARDS)
                year = rng.randint(min(m.phd_start + 1, CURRENT_YEAR), CURRENT_YEAR)
                award = Award(name, year, rank, description, language)
            awards.setdefault((award.name, award.year), award)  # one a year of each
        return list(awards.values())

    def _patents(self) -> list[Patent]:
        m, rng = self.m, self.rng
        if m.stage not in ("head", "senior") or rng.random() > 0.15:
            return []
        title = f"Method and System for {rng.choice(TASKS)} Using {rng.choice(METHODS)}"
        grants = tuple(
            Grant(
                office,
                # Numbers unique across the institute: the owner's index is in them.
                str(2_000_000 + m.index * 10 + number),
                title.replace("Method and System", "Apparatus") if rng.random() < 0.3 else None,
                f"{rng.randint(max(m.phd_start, 2010), CURRENT_YEAR)}-"
                f"{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            )
            for number, office in enumerate(rng.sample(PATENT_OFFICES, rng.randint(1, 5)))
        )
        return [Patent(f"{slugify(title, 6)}-{m.index}", title, grants)]

    def _memberships(self) -> list[Membership]:
        m, rng = self.m, self.rng
        projects = m.group.projects
        if m.stage != "head":
            projects = rng.sample(projects, rng.randint(0, min(2, len(projects))))
        found = []
        for project in projects:
            start = min(max(project.start, (m.phd_start, 1)), (CURRENT_YEAR, 12))
            end = None
            if rng.random() < 0.3 and start[0] < CURRENT_YEAR:
                end = (rng.randint(start[0] + 1, CURRENT_YEAR), rng.randint(1, 12))
            found.append(Membership(project, start, end))
        return found


def _after(month: Month) -> Month:
    year, number = month
    return (year + 1, 1) if number == 12 else (year, number + 1)


def _before(month: Month) -> Month:
    year, number = month
    return (year - 1, 12) if number == 1 else (year, number - 1)
