"""Render the HTML views: one page per document, made from the document's graph.

Every page reads the same triples the RDF variants serialize (the document's graph,
and the dataset graph for neighbours the document only names), so the HTML and the
RDF cannot disagree. Templates see resources through ``Node``: values by
schema.org term, a label and a link. Jinja's autoescape is on for every template;
the one JSON-LD block is escaped for the ``<script>`` context by ``jsonld_script``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import XSD
from rdflib.term import Identifier

from ldcv.formats import RDF_FORMATS, compact_jsonld
from ldcv.ids import parse_thing_iri
from ldcv.mapping import BYLINE_SEPARATOR
from ldcv.vocab import BIBO, DCTERMS, FOAF, LDCV, SDO

if TYPE_CHECKING:
    from ldcv.dataset import Dataset
    from ldcv.documents import Document

# Prefixes templates may use in term names; bare names are schema.org.
PREFIXES: dict[str, Namespace] = {
    "schema": SDO,
    "foaf": FOAF,
    "bibo": BIBO,
    "dcterms": DCTERMS,
    "ldcv": LDCV,
    "rdfs": Namespace(str(RDFS)),
}

_ENV = Environment(
    loader=PackageLoader("ldcv", "templates"),
    autoescape=select_autoescape(default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Publication groups on the profile, in the order a CV lists them.
PUBLICATION_GROUPS = (
    ("journal", "Journal articles"),
    ("conference", "Conference and workshop papers"),
    ("chapter", "Book chapters"),
    ("preprint", "Preprints"),
    ("other", "Other publications"),
)
_GENERIC_TYPES = frozenset({"Thing", "CreativeWork", "Organization", "Intangible", "Role"})
_ORGANIZATION_TYPES = (
    "Organization",
    "CollegeOrUniversity",
    "HighSchool",
    "ResearchOrganization",
    "EducationalOrganization",
    "School",
)
_PUBLICATION_TYPES = ("ScholarlyArticle", "Article", "Chapter", "bibo:AcademicArticle")


def term(name: str) -> URIRef:
    """Resolve ``name`` (``author``, ``foaf:name``) to an IRI; bare names are schema.org."""
    prefix, colon, local = name.partition(":")
    if not colon:
        return SDO[name]
    return URIRef(PREFIXES[prefix][local])


def _last_segment(iri: Identifier) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def _local_name(iri: str) -> str:
    for separator in ("#", "/"):
        if separator in iri.rstrip(separator):
            iri = iri.rstrip(separator).rsplit(separator, 1)[1]
    return iri


def humanize(name: str) -> str:
    """Turn a term's local name into a label: ``startDate`` → ``Start date``."""
    words: list[str] = []
    for char in _local_name(name).replace("_", " "):
        if char.isupper() and words and words[-1] != " ":
            words.append(" ")
            char = char.lower()
        words.append(char)
    text = "".join(words).strip()
    return text[:1].upper() + text[1:]


def paragraphs(value: Any) -> list[str]:
    """Split a text into the paragraphs its blank lines separate."""
    return [" ".join(p.split()) for p in str(value).split("\n\n") if p.strip()]


_LEAD_LABEL = re.compile(r"^([A-Z][A-Za-z]+(?: [a-z]+){0,2}): (.+)$", re.DOTALL)


def lead_label(paragraph: str) -> tuple[str | None, str]:
    """Split a paragraph's lead-in label ("Research focus: …") from its text."""
    match = _LEAD_LABEL.match(paragraph)
    return (match.group(1), match.group(2)) if match else (None, paragraph)


def predicate_label(predicate: URIRef) -> str:
    """Label a predicate for a table: ``Page end``, ``Page end (bibo)`` outside schema.org."""
    label = humanize(str(predicate))
    if str(predicate).startswith(str(SDO)):
        return label
    for prefix, namespace in PREFIXES.items():
        if str(predicate).startswith(str(namespace)):
            return f"{label} ({prefix})"
    return label


def format_date(value: Any) -> str:
    """Render a date at its precision: ``2021``, ``Oct 2014``, ``28 Jul 2021``."""
    if value is None:
        return ""
    text = str(value)
    parts = text.split("-")
    try:
        if len(parts) == 1:
            return f"{int(parts[0]):04d}"
        if len(parts) == 2:
            return f"{_MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
        if len(parts) == 3:
            day = date.fromisoformat(text[:10])
            return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    except (ValueError, IndexError):
        pass
    return text


def citation_date(value: Any) -> str | None:
    """Render a date as Google Scholar wants it: ``YYYY``, ``YYYY/MM`` or ``YYYY/MM/DD``."""
    return str(value).replace("-", "/") if value is not None else None


def jsonld_script(data: dict) -> Markup:
    """Return one ``<script type="application/ld+json">`` block holding ``data``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where their ``\\uXXXX``
    escapes mean the same; without them no text from the data can close the
    script (``</script>``) or open a comment (``<!--``).
    """
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup('<script type="application/ld+json">\n' + text + "\n</script>")


# -- resources as templates see them --------------------------------------------


class Node:
    """One resource of the graph, as the templates read it."""

    __slots__ = ("iri", "page")

    def __init__(self, iri: Identifier, page: Page) -> None:
        self.iri = iri
        self.page = page

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and other.iri == self.iri

    def __hash__(self) -> int:
        return hash(self.iri)

    def __repr__(self) -> str:
        return f"Node({self.iri!s})"

    def all(self, *names: str) -> list[Any]:
        """Values of any of the terms: ``Node`` for resources, ``Literal`` for text."""
        values: list[Any] = []
        for name in names:
            for value in self.page.objects(self.iri, term(name)):
                wrapped = self.page.wrap(value)
                if wrapped not in values:
                    values.append(wrapped)
        return values

    def get(self, *names: str) -> Any:
        """The first value of the first term that has one, or ``None``."""
        for name in names:
            values = self.page.objects(self.iri, term(name))
            if values:
                return self.page.wrap(values[0])
        return None

    def list(self, name: str) -> list[Node] | None:
        """Members of the ``rdf:List`` the term points to, in order; ``None`` without one."""
        head = self.get(name)
        if not isinstance(head, Node):
            return None
        return [self.page.wrap(item) for item in Collection(self.page.dataset_graph, head.iri)]

    def referrers(self, name: str, *types: str) -> list[Node]:
        """Resources that point here through the term, optionally of one of the types."""
        found = [self.page.wrap(s) for s in self.page.dataset_graph.subjects(term(name), self.iri)]
        if types:
            found = [n for n in found if n.is_a(*types)]
        return sorted(set(found), key=lambda n: n.sort_key)

    @property
    def types(self) -> frozenset[str]:
        """Local names of the resource's types (``Person``, ``bibo:Patent`` for non-schema)."""
        return self.page.types_of(self.iri)

    def is_a(self, *names: str) -> bool:
        return bool(self.types.intersection(names))

    @property
    def label(self) -> str:
        """A human name: name, role name, volume or issue number, or the IRI's last segment."""
        for name in ("name", "foaf:name", "rdfs:label", "roleName", "headline", "dcterms:title"):
            value = self.get(name)
            if isinstance(value, Literal):
                return str(value)
        if self.is_a("PostalAddress"):
            parts = ("streetAddress", "postalCode", "addressLocality", "addressCountry")
            text = ", ".join(str(v) for v in (self.get(p) for p in parts) if v is not None)
            if text:
                return text
        if (number := self.get("volumeNumber")) is not None:
            return f"Volume {number}"
        if (number := self.get("issueNumber")) is not None:
            return f"Issue {number}"
        if (value := self.get("value")) is not None:
            prefix = self.get("propertyID")
            return f"{prefix} {value}" if prefix else str(value)
        return _local_name(str(self.iri)) if isinstance(self.iri, URIRef) else ""

    @property
    def href(self) -> str | None:
        return self.page.href(self.iri)

    @property
    def kind(self) -> str:
        """The resource's kind for a heading: its most specific schema.org types."""
        names = sorted(t for t in self.types if ":" not in t)
        specific = [n for n in names if n not in _GENERIC_TYPES] or names
        return ", ".join(humanize(n) for n in specific) or "Resource"

    @property
    def start_key(self) -> str:
        return str(self.get("startDate") or "")

    @property
    def is_focus(self) -> bool:
        return self.iri in self.page.focus

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.label.casefold(), str(self.iri))

    def statements(self) -> list[tuple[str, URIRef, list[Any]]]:
        """Everything the document says about this resource: (label, predicate, values)."""
        graph = (
            self.page.graph
            if (self.iri, None, None) in self.page.graph
            else (self.page.dataset_graph)
        )
        predicates = {p for p in graph.predicates(self.iri) if p != RDF.type}
        rows = [(predicate_label(p), p, self._expanded(p)) for p in predicates]
        return sorted(rows, key=lambda row: (row[0], str(row[1])))

    def _expanded(self, predicate: URIRef) -> list[Any]:
        """Values of a predicate, with an ``rdf:List`` replaced by its members."""
        values: list[Any] = []
        graph = self.page.dataset_graph
        for value in self.page.objects(self.iri, predicate):
            if isinstance(value, BNode) and (value, RDF.first, None) in graph:
                values.extend(self.page.wrap(item) for item in Collection(graph, value))
            else:
                values.append(self.page.wrap(value))
        return values

    def referenced_by(self, skip: Iterable[str] = ()) -> list[tuple[str, URIRef, list[Node]]]:
        """Resources in the dataset that point here: (label, predicate, subjects)."""
        skipped = {term(name) for name in skip} | {RDF.first}
        by_predicate: dict[URIRef, set[Node]] = {}
        for s, p in self.page.dataset_graph.subject_predicates(self.iri):
            if isinstance(s, URIRef) and p not in skipped:
                by_predicate.setdefault(p, set()).add(self.page.wrap(s))
        rows = [
            (predicate_label(p), p, sorted(nodes, key=lambda n: n.sort_key))
            for p, nodes in by_predicate.items()
        ]
        return sorted(rows, key=lambda row: (row[0], str(row[1])))


@dataclass
class Page:
    """What one rendering needs: the graphs, links to documents and the people in focus."""

    graph: Graph  # the document's graph
    dataset_graph: Graph
    base_uri: str
    subjects: Mapping[URIRef, str]  # subject IRI → document path
    focus: frozenset[Identifier] = field(default_factory=frozenset)
    _types: dict[Identifier, frozenset[str]] = field(default_factory=dict, repr=False)

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_uri).path.rstrip("/")

    def objects(self, subject: Identifier, predicate: URIRef) -> list[Identifier]:
        """Objects in a stable order.

        Read from the dataset graph first: the document holds every triple about its
        subject, but only labels and dates of the neighbours it links to, and a
        byline needs a neighbour's whole author list.
        """
        values = list(self.dataset_graph.objects(subject, predicate))
        if not values:  # documents about things outside the dataset (the vocabulary)
            values = list(self.graph.objects(subject, predicate))
        return sorted(values, key=lambda v: (str(v).casefold(), str(v)))

    def types_of(self, iri: Identifier) -> frozenset[str]:
        """Type names of a resource: schema.org local names, ``prefix:name`` for others."""
        cached = self._types.get(iri)
        if cached is None:
            names = set()
            for t in self.objects(iri, RDF.type):
                text = str(t)
                if text.startswith(str(SDO)):
                    names.add(text[len(SDO) :])
                    continue
                for prefix, ns in PREFIXES.items():
                    if text.startswith(str(ns)):
                        names.add(f"{prefix}:{text[len(ns) :]}")
            cached = self._types[iri] = frozenset(names)
        return cached

    def wrap(self, value: Identifier) -> Any:
        return value if isinstance(value, Literal) else Node(value, self)

    def href(self, iri: Identifier) -> str | None:
        """Link to a resource: its document here, or itself if it lives elsewhere."""
        if not isinstance(iri, URIRef):
            return None
        if iri in self.subjects:
            return self.base_path + self.subjects[iri]
        if parse_thing_iri(self.base_uri, str(iri)) is not None:
            return self.base_path + str(iri)[len(self.base_uri) :]  # answers 303 to its document
        if str(iri).startswith(("http://", "https://", "mailto:", "tel:")):
            return str(iri)
        return None

    def static(self, name: str) -> str:
        return f"{self.base_path}/static/{name}"


# -- building blocks of the CV ------------------------------------------------------


def publication_group(pub: Node) -> str:
    """Which group of the profile a publication belongs to."""
    status = pub.get("creativeWorkStatus")
    if (status is not None and str(status).lower() == "preprint") or pub.is_a("bibo:Manuscript"):
        return "preprint"
    if pub.is_a("Chapter", "bibo:Chapter"):
        return "chapter"
    container = venue_chain(pub)
    if any(n.is_a("Periodical", "bibo:Journal") for n in container):
        return "journal"
    if any(n.is_a("Book", "Event", "bibo:Proceedings") for n in container) or pub.get(
        "bibo:presentedAt"
    ):
        return "conference"
    return "other"


def venue_chain(pub: Node) -> list[Node]:
    """The containers a work is part of, innermost first (issue, volume, periodical)."""
    chain: list[Node] = []
    current = pub.get("isPartOf")
    while isinstance(current, Node) and current not in chain and len(chain) < 6:
        chain.append(current)
        current = current.get("isPartOf")
    return chain


def authors(pub: Node) -> list[Node]:
    """The authors in byline order (``bibo:authorList``), else sorted by name."""
    ordered = pub.list("bibo:authorList")
    if ordered:
        return ordered
    found = [n for n in pub.all("author", "creator") if isinstance(n, Node)]
    return sorted(found, key=lambda n: n.sort_key)


def printed_authors(pub: Node) -> list[tuple[Node, str]]:
    """Each author with the name as this work prints it (``ldcv:byline``), in byline order.

    The owner appears as "Bach S" on the papers written under the birth name; where
    the printed byline does not line up with the author list, fall back to each
    person's usual byline name.
    """
    people = authors(pub)
    printed = str(pub.get("ldcv:byline") or "").split(BYLINE_SEPARATOR)
    if len(printed) != len(people):
        printed = [byline_name(person) for person in people]
    return list(zip(people, printed, strict=True))


def _arxiv_id(pub: Node) -> str | None:
    for same in pub.all("sameAs", "url"):
        parts = urlsplit(str(same.iri if isinstance(same, Node) else same))
        if parts.hostname in ("arxiv.org", "www.arxiv.org") and parts.path.startswith("/abs/"):
            return parts.path[len("/abs/") :]
    for ident in pub.all("identifier"):
        if isinstance(ident, Node):
            if str(ident.get("propertyID") or "").lower() == "arxiv":
                return str(ident.get("value"))
        elif str(ident).lower().startswith("arxiv:"):
            return str(ident)[len("arxiv:") :]
    return None


@dataclass(frozen=True)
class Citation:
    """What a bibliography line and the Highwire tags say about one work."""

    venue: Node | None
    venue_kind: str  # journal | conference | book | ""
    series: str | None
    volume: str | None
    volume_in_venue: bool  # the venue is that volume ("Lecture Notes in … 9887")
    issue: str | None
    first_page: str | None
    last_page: str | None
    pagination: str | None
    publisher: str | None
    place: str | None
    date: Any
    arxiv: str | None
    doi: str | None
    repository: str | None  # "bioRxiv" etc. for preprints elsewhere
    links: tuple[tuple[str, str], ...]  # (label, url)


def citation(pub: Node) -> Citation:
    """Collect venue, volume, issue, pages and identifiers of a work from its graph."""
    chain = venue_chain(pub)
    volume = pub.get("volumeNumber", "bibo:volume")
    issue = pub.get("issueNumber", "bibo:issue")
    venue: Node | None = None
    series = None
    for node in chain:
        if node.is_a("PublicationIssue"):
            issue = issue or node.get("issueNumber")
        elif node.is_a("PublicationVolume") and not node.is_a("Book"):
            volume = volume or node.get("volumeNumber")
        elif venue is None:
            venue = node
        elif series is None:
            series = node.label
    group = publication_group(pub)
    kind = {"journal": "journal", "conference": "conference", "chapter": "book"}.get(group, "")
    publisher = pub.get("publisher") or (venue.get("publisher") if venue else None)
    if isinstance(publisher, Node):
        publisher = publisher.label
    place = venue.get("locationCreated") if venue else None
    arxiv = _arxiv_id(pub)
    doi = pub.get("bibo:doi")
    links: list[tuple[str, str]] = []
    if doi:
        links.append(("DOI", f"https://doi.org/{doi}"))
    if arxiv:
        links.append(("arXiv", f"https://arxiv.org/abs/{arxiv}"))
    for same in pub.all("sameAs", "url"):
        url = str(same.iri if isinstance(same, Node) else same)
        if url.startswith(("http://", "https://")) and all(url != u for _, u in links):
            host = urlsplit(url).hostname or url
            links.append(("DOI" if host == "doi.org" else host.removeprefix("www."), url))
    repository = None
    if group == "preprint" and not arxiv:
        for ident in pub.all("identifier"):
            if isinstance(ident, Node) and str(ident.get("propertyID")) != "DOI":
                repository = ident.label
    volume_text = str(volume) if volume is not None else None
    volume_in_venue = bool(
        venue is not None and volume_text and venue.label.endswith(f" {volume_text}")
    )
    if volume_in_venue and venue is not None and series and venue.label.startswith(series):
        series = None
    return Citation(
        venue=venue,
        volume_in_venue=volume_in_venue,
        venue_kind=kind,
        series=series,
        volume=volume_text,
        issue=str(issue) if issue is not None else None,
        first_page=_str(pub.get("pageStart", "bibo:pageStart")),
        last_page=_str(pub.get("pageEnd", "bibo:pageEnd")),
        pagination=_str(pub.get("pagination")),
        publisher=_str(publisher),
        place=place.label if isinstance(place, Node) else _str(place),
        date=pub.get("datePublished", "dcterms:issued"),
        arxiv=arxiv,
        doi=_str(doi),
        repository=repository,
        links=tuple(links),
    )


def notes(work: Node) -> list[Any]:
    """Awards noted on a work, without those another note already says in full."""
    texts = work.all("award")
    return [t for t in texts if not any(str(t) != str(o) and str(t) in str(o) for o in texts)]


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def byline_name(person: Node) -> str:
    """How bylines write the person ("Müller K-R"): their fullest byline under their family name."""
    family = person.get("familyName")
    spellings = [str(n) for n in person.all("ldcv:bylineName")]
    if family is not None:
        own = [s for s in spellings if s.startswith(f"{family} ")]
        if own:
            return max(own, key=lambda s: (len(s), s))
        if (given := person.get("givenName")) is not None:
            initials = "-".join(part[:1] for part in str(given).split("-"))
            return f"{family} {initials}"
    return person.label


def citation_author(person: Node) -> str:
    """An author as Highwire tags want them: "Family, Given", else "Family, Initials"."""
    family, given = person.get("familyName"), person.get("givenName")
    if family is not None and given is not None:
        return f"{family}, {given}"
    written = byline_name(person)
    if family is not None and written.startswith(f"{family} "):
        return f"{family}, {written[len(str(family)) + 1 :]}"
    return person.label


def highwire_tags(pub: Node) -> list[tuple[str, str]]:
    """Google Scholar's ``citation_*`` meta tags for a work, authors in byline order."""
    cite = citation(pub)
    tags = [("citation_title", pub.label)]
    tags.extend(("citation_author", citation_author(author)) for author in authors(pub))
    if cite.date is not None:
        tags.append(("citation_publication_date", citation_date(cite.date) or ""))
    if cite.venue is not None:
        venue_tag = {
            "journal": "citation_journal_title",
            "conference": "citation_conference_title",
            "book": "citation_inbook_title",
        }.get(cite.venue_kind)
        if venue_tag:
            tags.append((venue_tag, cite.venue.label))
    for name, value in (
        ("citation_volume", cite.volume),
        ("citation_issue", cite.issue),
        ("citation_firstpage", cite.first_page),
        ("citation_lastpage", cite.last_page),
        ("citation_doi", cite.doi),
        ("citation_arxiv_id", cite.arxiv),
        ("citation_publisher", cite.publisher),
    ):
        if value:
            tags.append((name, value))
    return tags


def _by_date_desc(nodes: Iterable[Node], *names: str) -> list[Node]:
    def key(node: Node) -> tuple[str, str, str]:
        when = node.get(*names)
        # ongoing roles (no end) come before finished ones that started the same time
        end = node.get("endDate")
        return (str(when or ""), "9999" if end is None else str(end), node.label)

    return sorted(nodes, key=key, reverse=True)


def publications_of(person: Node) -> list[Node]:
    """Works that name the person as author or creator, newest first."""
    works = set(person.referrers("author")) | set(person.referrers("creator"))
    works |= {n for n in person.all("foaf:made") if isinstance(n, Node)}
    works = {w for w in works if w.is_a(*_PUBLICATION_TYPES) and not is_patent(w)}
    return _by_date_desc(works, "datePublished", "dcterms:issued")


def is_patent(node: Node) -> bool:
    if node.is_a("bibo:Patent", "Patent"):
        return True
    return any("patent" in str(t).lower() for t in node.all("additionalType"))


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


_ROLE_TYPES = ("EmployeeRole", "OrganizationRole", "PerformanceRole", "LinkRole")


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


# -- pages ---------------------------------------------------------------------------


_INDEX_CACHE: dict[int, tuple[Mapping[str, Any], dict[URIRef, str]]] = {}


def _subject_paths(documents: Mapping[str, Document]) -> dict[URIRef, str]:
    """Map each document's subject to the document's path, once per mapping of documents."""
    cached = _INDEX_CACHE.get(id(documents))
    if cached is not None and cached[0] is documents:
        return cached[1]
    paths = {doc.subject: doc.path for doc in documents.values()}
    _INDEX_CACHE.clear()  # one documents mapping is live at a time; keep memory flat
    _INDEX_CACHE[id(documents)] = (documents, paths)
    return paths


def site_name(dataset: Dataset) -> str:
    """What the header calls the site: the owner's name, or "CVs" for several owners."""
    if len(dataset.cvs) == 1:
        return dataset.cvs[0].owner.name
    return "Curricula vitae"


def owner_iris(dataset: Dataset) -> frozenset[Identifier]:
    """The IRIs of the people whose CVs the dataset holds."""
    from ldcv.ids import thing_iri

    return frozenset(thing_iri(dataset.base_uri, "person", cv.owner.key) for cv in dataset.cvs)


def _template_for(subject: Node, owners: frozenset[Identifier]) -> str:
    if subject.iri in owners:
        return "profile.html"
    if subject.is_a(*_PUBLICATION_TYPES) and not is_patent(subject):
        return "publication.html"
    if subject.is_a("Person", "foaf:Person"):
        return "person.html"
    if subject.is_a(*_ORGANIZATION_TYPES):
        return "organization.html"
    return "resource.html"


def _document_node_first(data: dict, document_iri: str) -> dict:
    """Put the document's own node (the ProfilePage) first in ``@graph``: the top node."""
    nodes = data.get("@graph")
    if isinstance(nodes, list):
        # the schema.org context aliases @id as "id"
        nodes.sort(
            key=lambda n: (
                0 if isinstance(n, dict) and document_iri in (n.get("@id"), n.get("id")) else 1
            )
        )
    return data


def _description(subject: Node, template: str) -> str:
    if template == "publication.html":
        names = ", ".join(a.label for a in authors(subject)[:3])
        more = " et al." if len(authors(subject)) > 3 else ""
        cite = citation(subject)
        venue = f" In: {cite.venue.label}." if cite.venue else ""
        when = f" ({format_date(cite.date)})" if cite.date is not None else ""
        return f"{names}{more}{when}. {subject.label}.{venue}".strip()
    bio = subject.get("description")
    if isinstance(bio, Literal):
        text = " ".join(str(bio).split())
        return text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…"
    kind = ", ".join(sorted(t for t in subject.types if ":" not in t)) or "Resource"
    return f"{subject.label} — {humanize(kind)}"


def render_document(document: Document, dataset: Dataset, documents: Mapping[str, Document]) -> str:
    """Render the HTML page of one document: the view, its JSON-LD, links and meta tags."""
    owners = owner_iris(dataset)
    page = Page(
        graph=document.graph,
        dataset_graph=dataset.graph,
        base_uri=dataset.base_uri,
        subjects=_subject_paths(documents),
        focus=owners,
    )
    subject = Node(document.subject, page)
    template = _template_for(subject, owners)
    if template == "person.html":
        page.focus = frozenset({document.subject})
    document_iri = dataset.base_uri + document.path
    document_path = page.base_path + document.path
    data = _document_node_first(compact_jsonld(document.graph), document_iri)
    return _ENV.get_template(template).render(
        page=page,
        base_path=page.base_path,
        site_name=site_name(dataset),
        subject=subject,
        document=document,
        title=document.title or subject.label,
        description=_description(subject, template),
        canonical=document_iri,
        og_type="profile"
        if template in ("profile.html", "person.html")
        else ("article" if template == "publication.html" else "website"),
        alternates=[
            (f.media_type, f.label, f"{document_iri}.{f.suffix}", f"{document_path}.{f.suffix}")
            for f in RDF_FORMATS
        ],
        jsonld=jsonld_script(data),
        highwire=highwire_tags(subject) if template == "publication.html" else [],
        **_HELPERS,
    )


def render_index(dataset: Dataset, documents: Mapping[str, Document]) -> str:
    """Render the home page of a dataset holding several CVs: one card per person."""
    page = Page(
        graph=dataset.graph,
        dataset_graph=dataset.graph,
        base_uri=dataset.base_uri,
        subjects=_subject_paths(documents),
        focus=owner_iris(dataset),
    )
    people = sorted((Node(iri, page) for iri in page.focus), key=lambda n: n.sort_key)
    return _ENV.get_template("index.html").render(
        page=page,
        base_path=page.base_path,
        site_name=site_name(dataset),
        people=people,
        title="Curricula vitae",
        description=f"Curricula vitae of {len(people)} researchers, as linked data.",
        canonical=dataset.base_uri + "/",
        **_HELPERS,
    )


def render_error(status: int, message: str) -> str:
    """Render an error page; it names the status and the reason, never a stack trace."""
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return _ENV.get_template("error.html").render(
        status=status, phrase=phrase, message=message, base_path=""
    )


_DATE_TYPES = frozenset({XSD.date, XSD.gYear, XSD.gYearMonth, XSD.dateTime})
_ENV.tests["node"] = lambda value: isinstance(value, Node)
_ENV.tests["date_literal"] = lambda v: isinstance(v, Literal) and v.datatype in _DATE_TYPES
_ENV.tests["url_literal"] = lambda v: (
    isinstance(v, Literal)
    and (v.datatype == XSD.anyURI or str(v).startswith(("https://", "http://")))
)

_HELPERS: dict[str, Any] = {
    "authors": authors,
    "citation": citation,
    "byline_name": byline_name,
    "printed_authors": printed_authors,
    "notes": notes,
    "format_date": format_date,
    "paragraphs": paragraphs,
    "lead_label": lead_label,
    "humanize": humanize,
    "grouped_publications": grouped_publications,
    "publications_of": publications_of,
    "roles_by_organization": roles_by_organization,
    "is_patent": is_patent,
    "positions": positions,
    "education": education,
    "languages": languages,
    "skills": skills,
    "awards": awards,
    "patents": patents,
    "projects": projects,
    "Node": Node,
    "Literal": Literal,
    "BNode": BNode,
    "XSD": XSD,
}
