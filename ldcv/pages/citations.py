"""How a work is cited: its group in the CV, its byline, venue and identifiers.

The bibliography lines of the pages and the Highwire ``citation_*`` meta tags Google
Scholar reads both come from ``citation``, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ldcv.load.identity import parse_byline
from ldcv.pages.view import Node
from ldcv.rdf.mapping import BYLINE_SEPARATOR

# Publication groups on the profile, in the order a CV lists them.
PUBLICATION_GROUPS = (
    ("journal", "Journal articles"),
    ("conference", "Conference and workshop papers"),
    ("chapter", "Book chapters"),
    ("preprint", "Preprints"),
    ("other", "Other publications"),
)


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
    isbn: str | None
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
        isbn=_str(pub.get("bibo:isbn13", "bibo:isbn10")),
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


def citation_author(printed: str) -> str:
    """Write a name as the byline prints it the Highwire way: "Bach S" as "Bach, S"."""
    # Google Scholar matches a work's authors against its printed byline: the tag carries
    # the name as printed ("Bach S" on the papers of the birth name), never a fuller name
    # the byline does not print; a name that is no "Family Initials" byline stays as it is.
    byline = parse_byline(printed)
    return f"{byline.family}, {byline.initials}" if byline else printed


def highwire_tags(pub: Node) -> list[tuple[str, str]]:
    """Google Scholar's ``citation_*`` meta tags for a work, authors as its byline prints them."""
    cite = citation(pub)
    tags = [("citation_title", pub.label)]
    tags.extend(("citation_author", citation_author(name)) for _, name in printed_authors(pub))
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
        ("citation_isbn", cite.isbn),
        ("citation_arxiv_id", cite.arxiv),
        ("citation_publisher", cite.publisher),
    ):
        if value:
            tags.append((name, value))
    return tags


def citation_date(value: Any) -> str | None:
    """Render a date as Google Scholar wants it: ``YYYY``, ``YYYY/MM`` or ``YYYY/MM/DD``."""
    return str(value).replace("-", "/") if value is not None else None
