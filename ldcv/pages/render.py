"""Render the HTML pages: one per document, the home page of several CVs, error pages.

Every page reads the same triples the RDF variants serialize (the document's graph,
and the dataset graph for neighbours the document only names), so the HTML and the
RDF cannot disagree. Templates see resources through ``ldcv.pages.view.Node`` and
the CV's sections through ``ldcv.pages.cv_sections``. Jinja's autoescape is on for every
template; the one JSON-LD block is escaped for the ``<script>`` context by
``jsonld_script``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from ldcv.documents.paging import page_links
from ldcv.documents.people_index import ORDERS, PeopleIndex, PeoplePage, people_path
from ldcv.pages import cv_sections
from ldcv.pages.citations import Citation, authors, citation, highwire_tags, notes, printed_authors
from ldcv.pages.identifier_links import identifier_links
from ldcv.pages.publication_index import publication_index
from ldcv.pages.text import format_date, humanize, lead_label, paragraphs
from ldcv.pages.view import Node, Page
from ldcv.pages.year_chart import year_chart
from ldcv.rdf.formats import BIBLIOGRAPHIC_FORMATS, RDF_FORMATS
from ldcv.rdf.iris import document_path as document_path_for
from ldcv.rdf.jsonld import compact_jsonld
from ldcv.rdf.vocabulary import SDO

if TYPE_CHECKING:
    from ldcv.documents.selection import Document
    from ldcv.pipeline import Dataset

_ORGANIZATION_TYPES = (
    "Organization",
    "CollegeOrUniversity",
    "HighSchool",
    "ResearchOrganization",
    "EducationalOrganization",
    "School",
)
_DATE_TYPES = frozenset({XSD.date, XSD.gYear, XSD.gYearMonth, XSD.dateTime})

_ENV = Environment(
    loader=PackageLoader("ldcv.pages", "templates"),
    autoescape=select_autoescape(default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    # The templates ship inside the package: checking their files' times each time one is
    # looked up (a page looks up its macros once per work it lists) costs a stat apiece.
    auto_reload=False,
)
# Coordinates in the inline SVG: as short as they are exact (120.0 is written 120).
_ENV.filters["svg_number"] = lambda value: f"{value:g}"
_ENV.tests["node"] = lambda value: isinstance(value, Node)
_ENV.tests["date_literal"] = lambda v: isinstance(v, Literal) and v.datatype in _DATE_TYPES
_ENV.tests["url_literal"] = lambda v: (
    isinstance(v, Literal)
    and (v.datatype == XSD.anyURI or str(v).startswith(("https://", "http://")))
)


def _shared_citation(work: Node) -> Citation:
    """``citation``, worked out once per work for all the pages listing it."""
    return work.page.remember("citation", work.iri, lambda: citation(work))


def _macro(name: str) -> Any:
    return getattr(_ENV.get_template("macros.html").module, name)


def _shared_byline(work: Node) -> Markup:
    """The authors of a work, linked by their printed names; the page's people in bold."""
    links = work.page.remember(
        "byline",
        work.iri,
        lambda: [(a.iri, str(_macro("link")(a, printed))) for a, printed in printed_authors(work)],
    )
    focus = work.page.focus
    parts = []
    for index, (iri, link) in enumerate(links):
        parts.append(f'<strong class="focus">{link}</strong>' if iri in focus else link)
        if index == len(links) - 2:
            parts.append(" and ")
        elif index < len(links) - 1:
            parts.append(", ")
    # Every piece is escaped markup already: the link macro escapes the names.
    return Markup('<span class="byline">' + "".join(parts) + "</span>")


def _shared_work_details(work: Node) -> Markup:
    """Title, venue and links of a work, rendered once for all the pages listing it."""
    return work.page.remember("details", work.iri, lambda: _macro("work_details")(work))


_ENV.globals.update(
    shared_byline=_shared_byline,
    shared_work_details=_shared_work_details,
    authors=authors,
    citation=_shared_citation,
    identifier_links=identifier_links,
    notes=notes,
    format_date=format_date,
    paragraphs=paragraphs,
    lead_label=lead_label,
    grouped_publications=cv_sections.grouped_publications,
    publications_of=cv_sections.publications_of,
    positions=cv_sections.positions,
    people_of=cv_sections.people_of,
    education=cv_sections.education,
    languages=cv_sections.languages,
    skills=cv_sections.skills,
    awards=cv_sections.awards,
    patents=cv_sections.patents,
    projects=cv_sections.projects,
    publication_index=publication_index,
    year_chart=year_chart,
)


def compile_templates() -> None:
    """Compile every page template now, rather than in the first request for each kind of page."""
    for name in _ENV.list_templates(filter_func=lambda name: name.endswith(".html")):
        _ENV.get_template(name)


def jsonld_script(data: dict) -> Markup:
    """Return one ``<script type="application/ld+json">`` block holding ``data``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where their ``\\uXXXX``
    escapes mean the same; without them no text from the data can close the
    script (``</script>``) or open a comment (``<!--``).
    """
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup('<script type="application/ld+json">\n' + text + "\n</script>")


def _subject_paths(documents: Mapping[str, Document]) -> tuple[Mapping[URIRef, str], Any]:
    """Each document's path by its subject, and a memo shared by the pages of ``documents``.

    ``Documents`` (and a store's documents, which look paths up on demand) make both once,
    for all their pages; another mapping gets them afresh.
    """
    page_index = getattr(documents, "page_index", None)
    if page_index is not None:
        return page_index()
    whole = {doc.subject: doc.path for doc in documents.values() if "/page/" not in doc.path}
    return whole, {}


def _page(graph: Graph, dataset: Dataset, documents: Mapping[str, Document]) -> Page:
    """A view of ``graph`` in the dataset, with the CV owners in focus."""
    subjects, shared = _subject_paths(documents)
    return Page(
        graph=graph,
        dataset_graph=dataset.graph,
        base_uri=dataset.base_uri,
        subjects=subjects,
        # One set for all pages: at 10,000 CVs a set of the owners is 256 KiB, and the
        # shared memo keeps pages alive through what it remembers.
        focus=dataset.owner_set,
        shared=shared,
    )


def site_name(dataset: Dataset) -> str:
    """What the header calls the site: the owner's name, or "Curricula vitae" for several.

    Without CV models (a dataset read from a store), the one owner's ``schema:name``.
    """
    if len(dataset.cvs) == 1:
        return dataset.cvs[0].owner.name
    if not dataset.cvs and len(dataset.owners) == 1:
        names = sorted(str(n) for n in dataset.graph.objects(dataset.owners[0], SDO.name))
        if names:
            return names[0]
    return "Curricula vitae"


def _template_for(subject: Node, owners: frozenset[Identifier]) -> str:
    if subject.iri in owners:
        return "profile.html"
    if cv_sections.is_publication(subject):
        return "publication.html"
    if subject.is_a("Person", "foaf:Person"):
        return "person.html"
    if subject.is_a(*_ORGANIZATION_TYPES):
        return "organization.html"
    return "resource.html"


def document_node_first(data: dict, document_iri: str) -> dict:
    """Put the document's own node (the ProfilePage) first in ``@graph``: the top node."""
    nodes = data.get("@graph")
    if not isinstance(nodes, list):
        return data

    # the schema.org context aliases @id as "id"; a new list: the .jsonld keeps its order
    def is_document(node: object) -> bool:
        return isinstance(node, dict) and document_iri in (node.get("@id"), node.get("id"))

    return {**data, "@graph": sorted(nodes, key=lambda n: 0 if is_document(n) else 1)}


def _description(subject: Node, template: str) -> str:
    if template == "publication.html":
        people = authors(subject)
        names = ", ".join(a.label for a in people[:3])
        more = " et al." if len(people) > 3 else ""
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


def _og_type(template: str) -> str:
    if template in ("profile.html", "person.html"):
        return "profile"
    return "article" if template == "publication.html" else "website"


def render_document(
    document: Document,
    dataset: Dataset,
    documents: Mapping[str, Document],
    jsonld: dict | None = None,
    sparql_endpoint: str | None = None,
    citation: str | None = None,
) -> str:
    """Render the HTML page of one document: the view, its JSON-LD, links and meta tags.

    ``jsonld`` is the document's ``compact_jsonld``, when the caller has it already;
    ``sparql_endpoint`` the URL of a SPARQL endpoint for this data (none: no link);
    ``citation`` a work's formatted citation, for its Cite block.
    """
    page = _page(document.graph, dataset, documents)
    document_iri = dataset.base_uri + document.path
    pager = page_links(document.graph, URIRef(document_iri))
    if pager:  # one page of a long document: only what links here on this page
        linking = {s for s, _ in document.graph.subject_predicates(document.subject)}
        page.listed = (document.subject, frozenset(linking))
    subject = Node(document.subject, page)
    template = _template_for(subject, page.focus)
    if template == "person.html":
        page.focus = frozenset({document.subject})
    document_path = page.base_path + document.path
    compacted = compact_jsonld(document.graph) if jsonld is None else jsonld
    data = document_node_first(compacted, document_iri)
    return _ENV.get_template(template).render(
        page=page,
        base_path=page.base_path,
        sparql_href=sparql_href(dataset.base_uri, sparql_endpoint),
        site_name=site_name(dataset),
        subject=subject,
        document=document,
        title=document.title or subject.label,
        description=_description(subject, template),
        canonical=document_iri,
        og_type=_og_type(template),
        alternates=[
            (f.media_type, f.label, f"{document_iri}.{f.suffix}", f"{document_path}.{f.suffix}")
            for f in RDF_FORMATS
        ],
        jsonld=jsonld_script(data),
        highwire=highwire_tags(subject) if template == "publication.html" else [],
        formatted_citation=citation,
        bibliography=[
            (f.label, f.media_type, f"{document_path}.{f.suffix}")
            for f in BIBLIOGRAPHIC_FORMATS
            if f.applies_to(document.kind) and document.path == document_path_of(document)
        ],
        pager={
            k: _local(dataset.base_uri, page.base_path, pager[k]) if k in pager else None
            for k in ("first", "previous", "next", "last")
        },
    )


def document_path_of(document: Document) -> str:
    """The path of the whole document (a further page of a long one has another)."""
    return document_path_for(document.kind, document.slug)


def _local(base_uri: str, base_path: str, iri: str) -> str:
    """The site-relative link to ``iri`` (one of ours)."""
    return base_path + iri[len(base_uri) :] if iri.startswith(base_uri) else iri


@dataclass(frozen=True)
class _Row:
    node: Node
    publications: int


def render_people(
    listing: PeoplePage,
    dataset: Dataset,
    documents: Mapping[str, Document],
    sparql_endpoint: str | None = None,
    path: str | None = None,
) -> str:
    """Render one page of the index of the people whose CVs these are.

    ``path`` is where the page is served (the home page is the first page by name).
    """
    page = _page(dataset.graph, dataset, documents)
    base_path = page.base_path
    path = listing.path if path is None else path
    canonical = dataset.base_uri + path
    links = {
        "previous": listing.path_of(listing.number - 1),
        "next": listing.path_of(listing.number + 1),
    }
    suffixed = "/?format=" if path == "/" else path + "."
    return _ENV.get_template("index.html").render(
        page=page,
        base_path=base_path,
        sparql_href=sparql_href(dataset.base_uri, sparql_endpoint),
        site_name=site_name(dataset),
        listing=listing,
        rows=[_Row(Node(o.iri, page), o.publications) for o in listing.people],
        sort_links={o: base_path + people_path(o) for o in ORDERS},
        pager={k: None if v is None else base_path + v for k, v in links.items()},
        alternates=[
            (f.media_type, f.label, f"{dataset.base_uri}{suffixed}{f.suffix}") for f in RDF_FORMATS
        ],
        title="Curricula vitae",
        description=f"Curricula vitae of {listing.total} researchers, as linked data.",
        canonical=canonical,
    )


def render_index(
    dataset: Dataset, documents: Mapping[str, Document], sparql_endpoint: str | None = None
) -> str:
    """Render the home page of a dataset holding several CVs: the first page of its people."""
    people = PeopleIndex(dataset.graph, sorted(dataset.owners))
    listing = people.page(ORDERS[0], 1)
    assert listing is not None
    return render_people(listing, dataset, documents, sparql_endpoint, "/")


def sparql_href(base_uri: str, sparql_endpoint: str | None) -> str | None:
    """The link to the SPARQL endpoint from a page: a path on our own site, else the URL."""
    if sparql_endpoint is None:
        return None
    base_path = urlsplit(base_uri).path.rstrip("/")
    if sparql_endpoint.startswith(base_uri.rstrip("/") + "/"):
        return base_path + sparql_endpoint[len(base_uri.rstrip("/")) :]
    return sparql_endpoint


def render_sparql_page(
    *,
    query: str,
    examples: Sequence[tuple[str, str]],
    table: Mapping[str, Any] | None,
    error: str | None,
    endpoint: str,
    sparql_href: str,
    max_rows: int,
    timeout: float,
) -> str:
    """Render the SPARQL query page: the form, the example queries as links, the results."""
    return _ENV.get_template("sparql.html").render(
        title="SPARQL query",
        base_path="",
        query=query,
        examples=examples,
        table=table,
        error=error,
        endpoint=endpoint,
        sparql_href=sparql_href,
        max_rows=max_rows,
        timeout=timeout,
    )


def render_error(status: int, message: str, sparql_href: str | None = None) -> str:
    """Render an error page; it names the status and the reason, never a stack trace."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return _ENV.get_template("error.html").render(
        status=status, phrase=phrase, message=message, base_path="", sparql_href=sparql_href
    )
