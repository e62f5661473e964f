"""The CV's sections as the templates list them: works, positions, education, skills, …

Each section is read from the graph around the person (their roles, credentials,
skill groups, the works that name them) and sorted the way a CV reads: latest first.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib.term import Identifier

from ldcv.pages.citations import PUBLICATION_GROUPS, publication_group
from ldcv.pages.view import Node

_PUBLICATION_TYPES = ("ScholarlyArticle", "Article", "Chapter", "bibo:AcademicArticle")
_ROLE_TYPES = ("EmployeeRole", "OrganizationRole", "PerformanceRole", "LinkRole")


def _last_segment(iri: Identifier) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def _by_date_desc(nodes: Iterable[Node], *names: str) -> list[Node]:
    def key(node: Node) -> tuple[str, str, str, str]:
        when = node.get(*names)
        # ongoing roles (no end) come before finished ones that started the same time;
        # the IRI settles the rest, so every process renders the same bytes
        end = node.get("endDate")
        return (str(when or ""), "9999" if end is None else str(end), node.label, str(node.iri))

    return sorted(nodes, key=key, reverse=True)


def publications_of(person: Node) -> list[Node]:
    """Works that name the person as author or creator, newest first.

    On a page of a long document (a prolific coauthor's), the works of that page.
    """
    works = set(person.referrers("author")) | set(person.referrers("creator"))
    works |= set(person.shown_here(n for n in person.all("foaf:made") if isinstance(n, Node)))
    _read_ahead_works(person, works)
    works = {w for w in works if is_publication(w)}
    return _by_date_desc(works, "datePublished", "dcterms:issued")


def _read_ahead_works(person: Node, works: Iterable[Node]) -> None:
    """Have each work's byline and venue chain read together, not work by work."""
    person.page.read_ahead(sorted(works, key=lambda w: str(w.iri)), follow=("isPartOf",))


def is_patent(node: Node) -> bool:
    """Whether the resource is a patent: typed as one, or with "patent" in an additional type."""
    if node.is_a("bibo:Patent", "Patent"):
        return True
    return any("patent" in str(t).lower() for t in node.all("additionalType"))


def is_publication(node: Node) -> bool:
    """Whether the resource is a work the CV lists as a publication; patents are apart."""
    return node.is_a(*_PUBLICATION_TYPES) and not is_patent(node)


def grouped_publications(works: Iterable[Node]) -> list[tuple[str, str, list[Node]]]:
    """Works grouped by kind, in CV order: ``(key, heading, works)`` for non-empty groups."""
    groups: dict[str, list[Node]] = {key: [] for key, _ in PUBLICATION_GROUPS}
    for work in works:
        groups[publication_group(work)].append(work)
    return [(key, heading, groups[key]) for key, heading in PUBLICATION_GROUPS if groups[key]]


def roles_by_organization(roles: Iterable[Node], link: str) -> list[tuple[Node | None, list[Node]]]:
    """Roles grouped by their organisation, the most recent first in both levels."""
    groups: dict[Node | None, list[Node]] = {}
    for role in _by_date_desc(roles, "startDate"):
        org = role.get(link)
        groups.setdefault(org if isinstance(org, Node) else None, []).append(role)
    return list(groups.items())


@dataclass(frozen=True)
class Study:
    """One stint of education: the alumni role, the credential earned and its thesis."""

    role: Node | None
    credential: Node | None
    thesis: Node | None

    @property
    def start(self) -> Any:
        return self.role.get("startDate") if self.role else None

    @property
    def end(self) -> Any:
        return self.role.get("endDate") if self.role else None

    @property
    def title(self) -> str:
        if self.credential is not None:
            return self.credential.label
        return self.role.label if self.role is not None else ""


def _roles(person: Node, link: str) -> list[Node]:
    return [v for v in person.all(link) if isinstance(v, Node) and v.is_a("Role", *_ROLE_TYPES)]


def people_of(organization: Node) -> list[Node]:
    """The people who hold or held a role at ``organization`` (a position, studies), by name."""
    people: set[Node] = set()
    for link in ("worksFor", "alumniOf", "memberOf"):
        for role in organization.referrers(link, "Role", "EmployeeRole", "OrganizationRole"):
            people.update(role.referrers(link))
    return sorted(people, key=lambda n: n.sort_key)


def positions(person: Node) -> list[tuple[Node | None, list[Node]]]:
    """The person's positions (``worksFor`` roles) grouped by organisation, latest first."""
    return roles_by_organization(_roles(person, "worksFor"), "worksFor")


def _thesis_for(credential: Node | None, theses: list[Node]) -> Node | None:
    if credential is None:
        return None
    for thesis in theses:
        supports = thesis.all("inSupportOf")
        if credential in supports or any(str(s) == credential.label for s in supports):
            return thesis
    return None


def education(person: Node) -> list[tuple[Node | None, list[Study]]]:
    """Studies grouped by institution: alumni roles matched to credentials and theses."""
    credentials = [c for c in person.all("hasCredential") if isinstance(c, Node)]
    theses = [t for t in person.referrers("author", "Thesis")]
    used: set[Node] = set()
    groups: list[tuple[Node | None, list[Study]]] = []
    for org, roles in roles_by_organization(_roles(person, "alumniOf"), "alumniOf"):
        studies = []
        for role in roles:
            credential = _credential_for(role, org, credentials, used)
            studies.append(Study(role, credential, _thesis_for(credential, theses)))
        groups.append((org, studies))
    rest = [c for c in credentials if c not in used]
    if rest:
        groups.append((None, [Study(None, c, _thesis_for(c, theses)) for c in rest]))
    return groups


def _credential_for(
    role: Node, org: Node | None, credentials: list[Node], used: set[Node]
) -> Node | None:
    """The credential a study led to: linked, minted with the same slug, or of the same name."""
    candidates = [c for c in role.all("hasCredential", "award") if isinstance(c, Node)]
    candidates += [c for c in credentials if _last_segment(c.iri) == _last_segment(role.iri)]
    candidates += [
        c
        for c in credentials
        if c.label == role.label and (org is None or org in c.all("recognizedBy"))
    ]
    for credential in candidates:
        if credential not in used:
            used.add(credential)
            return credential
    return None


@dataclass(frozen=True)
class LanguageSkill:
    """A language the person knows and, where the CV says, how well."""

    language: Any
    level: Any


def languages(person: Node) -> list[LanguageSkill]:
    """Languages the person knows, with the level where a role qualifies them."""
    found = []
    for value in person.all("knowsLanguage"):
        if isinstance(value, Node) and value.is_a("Role"):
            found.append(
                LanguageSkill(value.get("knowsLanguage"), value.get("ldcv:proficiencyLevel"))
            )
        else:
            found.append(LanguageSkill(value, None))
    return found


def skills(person: Node) -> list[tuple[Node | None, list[Any]]]:
    """The person's skill groups in CV order with their skills; other topics last, ungrouped."""

    def place(group: Node) -> tuple[int, tuple[str, str]]:
        position = group.get("position")
        try:
            return int(str(position)), group.sort_key
        except ValueError:
            return sys.maxsize, group.sort_key

    own = sorted((g for g in person.all("ldcv:skillGroup") if isinstance(g, Node)), key=place)
    groups: dict[Node | None, list[Any]] = {
        group: sorted(group.all("hasDefinedTerm"), key=_label_key) for group in own
    }
    listed = {item for items in groups.values() for item in items}
    # Topics outside the person's groups (a graph made elsewhere): by their own term set.
    for value in person.all("knowsAbout"):
        if value not in listed:
            group = value.get("inDefinedTermSet") if isinstance(value, Node) else None
            groups.setdefault(group if isinstance(group, Node) else None, []).append(value)
    ungrouped = groups.pop(None, [])
    return [*groups.items(), *([(None, ungrouped)] if ungrouped else [])]


def _label_key(value: Any) -> tuple[str, str]:
    return value.sort_key if isinstance(value, Node) else (str(value).casefold(), str(value))


def awards(person: Node) -> list[Any]:
    """Award receipts of the person, newest first; the plain award names if there are none."""
    receipts = [a for a in person.all("ldcv:received") if isinstance(a, Node)]
    receipts += [a for a in person.referrers("ldcv:recipient") if a not in receipts]
    if receipts:
        return _by_date_desc(receipts, "dcterms:date", "startDate")
    return person.all("award")


def patents(person: Node) -> list[tuple[Node | None, list[Node]]]:
    """Patents of the person grouped by family, the most recently granted first."""
    works = set(person.referrers("author")) | set(person.referrers("creator"))
    works |= set(person.referrers("foaf:maker")) | set(person.referrers("dcterms:creator"))
    _read_ahead_works(person, works)
    families: dict[Node | None, list[Node]] = {}
    for grant in _by_date_desc(
        (w for w in works if is_patent(w)), "dcterms:issued", "datePublished", "dateCreated"
    ):
        family = grant.get("isPartOf")
        families.setdefault(family if isinstance(family, Node) else None, []).append(grant)
    return list(families.items())


@dataclass(frozen=True)
class Membership:
    """A project and the role (with its dates) the person had in it."""

    project: Node
    role: Node | None

    @property
    def start(self) -> Any:
        return (self.role or self.project).get("startDate", "foundingDate")

    @property
    def end(self) -> Any:
        return (self.role or self.project).get("endDate", "dissolutionDate")


def projects(person: Node) -> list[Membership]:
    """Research projects the person works in, the latest first."""
    found: dict[Node, Membership] = {}
    for value in person.all("memberOf", "foaf:currentProject", "foaf:pastProject"):
        role = value if isinstance(value, Node) and value.is_a(*_ROLE_TYPES, "Role") else None
        project = role.get("memberOf") if role else value
        is_project = isinstance(project, Node) and project.is_a(
            "ResearchProject", "Project", "foaf:Project"
        )
        if is_project and (project not in found or found[project].role is None):
            found[project] = Membership(project, role)
    return sorted(found.values(), key=lambda m: (str(m.start or ""), m.project.label), reverse=True)
