"""Write a generated institute's CVs as YAML text, shaped like the seed, section by section.

Text is written directly, quoted only where YAML needs it. A paper's entry is written
once and listed, byte for byte, in every CV of its authors; a person or organisation
is written from one record, so every CV declares them alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import groupby

from ldcv.generator.career import Award, Career, Degree, Month, Patent, Role, draw_career
from ldcv.generator.model import KINDS, InstitutePlan, Member, Organization, Paper, Project
from ldcv.generator.people import Person
from ldcv.generator.words import STAGE_TITLES
from ldcv.load.slugs import slugify

_KIND_ORDER = {kind: position for position, kind in enumerate(KINDS)}
_KIND_HEADINGS = {
    "journal-article": "Journal articles",
    "conference-paper": "Conference papers",
    "workshop-paper": "Workshop papers",
    "book-chapter": "Book chapters",
    "preprint": "Preprints",
}
# Plain scalars YAML would read as something other than text, or could not read at all.
_RESOLVED = re.compile(r"(?i:y|n|yes|no|true|false|on|off|null|~)|[-+.]?[0-9][0-9_.:eE+-]*")
# What a plain scalar cannot start or end with or hold ("C#" could stay plain, but the
# seed quotes it); in a flow list ([a, b]) no comma or bracket either.
_UNSAFE = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`\s]|: |#|:$|\n|\s$")
_FLOW_UNSAFE = re.compile(_UNSAFE.pattern + r"|[,\[\]{}]")
_NUMBER = re.compile(r"[0-9]+(-[0-9]+)?")  # volumes, issues and pages stay unquoted

Pairs = list[tuple[str, str | None]]  # field → formatted value; None leaves it out


def cv_texts(plan: InstitutePlan) -> Iterator[tuple[str, str]]:
    """Each owner's key and CV text, in the order of the owners."""
    bylines: dict[str, str] = {}  # each byline as YAML: one person's recurs on every paper
    papers = {p.key: _paper_entry(p, bylines) for p in plan.papers}
    owners = {id(m.person) for m in plan.members}
    for member in plan.members:
        yield member.key, _CV(member, draw_career(member, plan.seed), papers, owners).yaml()


def _paper_entry(paper: Paper, bylines: dict[str, str]) -> str:
    """The paper's entry of a ``publications:`` list, the same in every CV."""
    authors = []
    for byline in paper.bylines():
        written = bylines.get(byline)
        if written is None:
            written = bylines[byline] = _scalar(byline, in_flow=True)
        authors.append(written)
    pairs: Pairs = [
        ("key", paper.key),
        ("kind", paper.kind),
        ("title", _scalar(paper.title)),
        ("authors", f"[{', '.join(authors)}]"),
        ("year", str(paper.year)),
    ]
    for name, value in paper.venue:
        plain = name in ("volume", "issue", "pages") and _NUMBER.fullmatch(value)
        pairs.append((name, value if plain else _scalar(value)))
    return _entry(pairs)


class _CV:
    """One owner's CV: whom and what it must declare, gathered while writing its sections."""

    def __init__(self, member: Member, career: Career, papers: dict[str, str], owners: set[int]):
        self.m = member
        self.career = career
        self.papers = papers
        self.owners = owners  # ids of the owners' persons
        self.people: dict[str, Person] = {}  # to declare, by key, in order of first need
        self.organizations: dict[str, Organization] = {}

    def yaml(self) -> str:
        """The CV as YAML text, its sections in the seed's order."""
        m, career = self.m, self.career
        # The sections first: they decide whom and what the CV must declare.
        sections = [
            ("positions", [self._role(r) for r in career.roles]),
            ("education", [self._degree(d) for d in career.degrees]),
            ("skills", [_skill(*s) for s in career.skills]),
            ("languages", [_language(*spoken) for spoken in career.languages]),
            ("awards", [_award(a) for a in career.awards]),
            ("patents", [_patent(p) for p in career.patents]),
            ("projects", [_membership(x.project, x.start, x.end) for x in career.memberships]),
            ("publications", self._publications()),
        ]
        self._coauthors()
        lines = [
            f"# A generated CV (ldcv generate), nobody's real one: {m.person.name}, "
            f"{STAGE_TITLES[m.stage].lower()} in the {m.group.organization.name}.",
            "",
            "person:",
            self._owner(),
        ]
        if self.people:
            lines += ["", "people:", *(_person(p) for p in self.people.values())]
        lines += ["", "organizations:"]
        lines += [_organization(o) for o in self.organizations.values()]
        for name, entries in sections:
            if entries:
                lines += ["", f"{name}:", *entries]
        return "\n".join(lines) + "\n"

    def _owner(self) -> str:
        p, contact = self.m.person, self.career.contact
        address = None
        if contact.address:
            street, postal_code, locality, country = contact.address
            address = _mapping(
                [
                    ("street", _scalar(street)),
                    ("postal_code", json.dumps(postal_code)),
                    ("locality", _scalar(locality)),
                    ("country", _scalar(country)),
                ],
                "    ",
            )
        profiles = [
            [
                ("key", "github"),
                ("site", "GitHub"),
                ("url", f"https://github.com/{self.m.key}"),
                ("username", self.m.key),
            ],
            [("key", "google-scholar"), ("site", "Google Scholar")],
        ]
        pairs: Pairs = [
            ("key", self.m.key),
            ("name", _scalar(p.name)),
            ("given_name", _scalar(p.given or "")),
            ("family_name", _scalar(p.family)),
            ("honorific_prefix", p.honorific),
            ("birth_name", _scalar(f"{p.given} {p.birth_family}") if p.birth_family else None),
            ("birth_family_name", _optional(p.birth_family)),
            ("birth_date", contact.birth_date),
            ("email", contact.email),
            ("telephone", json.dumps(contact.telephone) if contact.telephone else None),
            ("address", address),
            ("homepage", contact.homepage),
            ("profiles", "".join("\n" + _entry(e, "    ") for e in profiles)),
            ("bio", _scalar(self.career.bio)),
            ("aliases", _flow([s for s in (p.byline, p.birth_byline) if s])),
            ("public", _flow(list(contact.public)) if contact.public else None),
            ("private", _flow(list(contact.private)) if contact.private else None),
        ]
        return _mapping(pairs, "  ")[1:]

    # -- what the sections refer to

    def _declare(self, person: Person) -> str:
        self.people.setdefault(person.key, person)
        return person.key

    def _refer(self, org: Organization) -> str:
        if org.parent and org.parent not in self.organizations:
            # Only groups have parents, and a CV names its own group only.
            self.organizations[org.parent] = self.m.group.institute.organization
        self.organizations.setdefault(org.key, org)
        return org.key

    def _coauthors(self) -> None:
        """Declare the named coauthors; one with an alias only where a byline uses it."""
        aliased = {
            id(person)
            for paper in self.m.papers
            for person, form in paper.authors
            if form == "alias"
        }
        for paper in self.m.papers:
            for person, _ in paper.authors:
                if not person.given or id(person) in self.owners:
                    continue  # a colleague's own CV declares them
                if person.alias is None or id(person) in aliased:
                    self._declare(person)

    # -- the sections

    def _role(self, role: Role) -> str:
        supervisors = [self._declare(p) for p in role.supervisors]
        return _entry(
            [
                ("key", slugify(f"{role.organization.key} {role.title} {role.start[0]}")),
                ("title", _scalar(role.title)),
                ("organization", self._refer(role.organization)),
                ("start", _month(role.start)),
                ("end", _month(role.end) if role.end else "present"),
                ("research_focus", _scalar(role.focus)),
                ("supervisors", _flow(supervisors) if supervisors else None),
            ]
        )

    def _degree(self, degree: Degree) -> str:
        thesis = None
        if degree.thesis and degree.supervisor:
            thesis = _mapping(
                [
                    ("title", _scalar(degree.thesis)),
                    ("grade", _optional(degree.grade)),
                    ("supervisors", _flow([self._declare(degree.supervisor)])),
                ],
                "      ",
            )
        return _entry(
            [
                ("key", slugify(f"{degree.organization.key} {degree.name}")),
                ("degree", _scalar(degree.name)),
                ("organization", self._refer(degree.organization)),
                ("start", str(degree.start)),
                ("end", str(degree.end) if degree.end else "present"),
                ("category", degree.category),
                ("level", degree.level),
                (
                    "field_of_study",
                    _optional(degree.field_of_study),
                ),
                ("distinction", _optional(degree.distinction)),
                ("thesis", thesis),
            ]
        )

    def _publications(self) -> list[str]:
        """The papers by kind, newest first, each kind under a heading like the seed's."""
        listed = sorted(self.m.papers, key=lambda p: (_KIND_ORDER[p.kind], -p.year, p.key))
        entries = []
        for kind, papers in groupby(listed, key=lambda p: p.kind):
            entry_texts = [self.papers[p.key] for p in papers]
            entries.append(f"  # ---- {_KIND_HEADINGS[kind]} ({len(entry_texts)}) ----")
            entries += entry_texts
        return entries


def _person(p: Person) -> str:
    return _entry(
        [
            ("key", p.key),
            ("given_name", _scalar(p.given or "")),
            ("family_name", _scalar(p.family)),
            ("initials", _scalar(p.initials) if p.written_initials else None),
            ("honorific_prefix", p.honorific),
            ("aliases", _flow([p.alias]) if p.alias else None),
        ]
    )


def _organization(org: Organization) -> str:
    return _entry(
        [
            ("key", org.key),
            ("name", _scalar(org.name)),
            ("alternate_names", _flow(list(org.alternate_names)) if org.alternate_names else None),
            ("kind", org.kind),
            ("parent", org.parent),
            ("locality", _scalar(org.locality)),
            ("country", _scalar(org.country)),
            ("url", org.url),
        ]
    )


def _skill(category: str, summary: str | None, items: list[str]) -> str:
    return _entry(
        [
            ("key", slugify(category)),
            ("category", _scalar(category)),
            ("summary", _optional(summary)),
            ("items", "".join(f"\n      - {_scalar(item)}" for item in items)),
        ]
    )


def _language(name: str, code: str, level: str) -> str:
    return _entry([("key", code), ("name", name), ("code", code), ("level", _scalar(level))])


def _award(award: Award) -> str:
    return _entry(
        [
            ("key", slugify(f"{award.name} {award.year}")),
            ("name", _scalar(award.name)),
            ("year", str(award.year)),
            ("rank", _optional(award.rank)),
            ("description", _optional(award.description)),
            ("description_language", award.language),
            ("for", award.paper),
        ]
    )


def _patent(patent: Patent) -> str:
    grants = [
        _entry(
            [
                ("key", slugify(f"{grant.office} {grant.number}")),
                ("office", grant.office),
                ("number", json.dumps(grant.number)),
                ("title", _optional(grant.title)),
                ("granted", grant.granted),
            ],
            "      ",
        )
        for grant in patent.grants
    ]
    return _entry(
        [
            ("key", patent.key),
            ("title", _scalar(patent.title)),
            ("grants", "".join("\n" + g for g in grants)),
        ]
    )


def _membership(project: Project, start: Month, end: Month | None) -> str:
    return _entry(
        [
            ("key", project.key),
            ("name", _scalar(project.name)),
            ("description", _scalar(project.description)),
            ("start", _month(start)),
            ("end", _month(end) if end else None),
        ]
    )


# -- YAML text ------------------------------------------------------------------------------


def _scalar(value: str, in_flow: bool = False) -> str:
    """``value`` as a YAML scalar: plain where that reads back as the same text."""
    unsafe = _FLOW_UNSAFE if in_flow else _UNSAFE
    if value and not unsafe.search(value) and not _RESOLVED.fullmatch(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _optional(value: str | None) -> str | None:
    """``value`` as a YAML scalar; None (the field left out) if there is none."""
    return None if value is None else _scalar(value)


def _flow(values: list[str]) -> str:
    return "[" + ", ".join(_scalar(v, in_flow=True) for v in values) + "]"


def _field(name: str, value: str) -> str:
    """``name: value``; a value on lines of its own (a nested list or mapping) starts one."""
    return f"{name}:{value}" if value.startswith("\n") else f"{name}: {value}"


def _entry(pairs: Pairs, indent: str = "  ") -> str:
    """A list entry of ``pairs``."""
    fields = [_field(name, value) for name, value in pairs if value is not None]
    return f"{indent}- " + f"\n{indent}  ".join(fields)


def _mapping(pairs: Pairs, indent: str) -> str:
    """A nested mapping, as the value of a field: one field a line."""
    return "".join(f"\n{indent}{_field(k, v)}" for k, v in pairs if v is not None)


def _month(month: Month) -> str:
    return f"{month[0]}-{month[1]:02d}"
