"""SHACL validation: every shape can fail, warnings do not, and the report points at the YAML."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from ldcv.errors import EXIT_NOT_CONFORMANT, NotConformant
from ldcv.load import load_file
from ldcv.model import CV
from ldcv.rdf.iris import document_iri, thing_iri
from ldcv.rdf.mapping import map_cvs, source_index
from ldcv.rdf.validation import (
    ValidationResult,
    ensure_conforms,
    ldcv_shapes,
    schemaorg_shapes,
    validate,
    validate_schemaorg,
)
from ldcv.rdf.vocabulary import BIBO, DCTERMS, FOAF, LDCV, RDF, RDFS, SDO

ROOT = Path(__file__).resolve().parents[2]
BASE = "http://example.org"
SHAPES = Namespace("https://w3id.org/ldcv/shapes#")
# A plain Namespace: pytest probes module attributes, and rdflib's XSD warns on unknown ones.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def iri(kind: str, slug: str) -> URIRef:
    return thing_iri(BASE, kind, slug)


OWNER = iri("person", "ada-example")
COAUTHOR = iri("person", "grace-hopper")
ARTICLE = iri("publication", "example-2017-deep")  # journal article with volume and issue
PREPRINT = iri("publication", "example-2021-arxiv")
CHAPTER = iri("publication", "example-2019-chapter")


@pytest.fixture(scope="module")
def public_cv(make_sample_cv) -> CV:
    """The sample CV with nothing private, so that every shape has something to check."""
    return make_sample_cv(private=frozenset())


@pytest.fixture(scope="module")
def pristine(public_cv: CV) -> Graph:
    return map_cvs([public_cv], BASE)


@pytest.fixture
def mutable_graph(pristine: Graph) -> Graph:
    """A fresh copy of the sample graph to mutate."""
    copy = Graph()
    for prefix, namespace in pristine.namespaces():
        copy.bind(prefix, namespace)
    copy += pristine
    return copy


# -- helpers for mutations -----------------------------------------------------------------


def drop(graph: Graph, subject: URIRef, *predicates: URIRef) -> URIRef:
    for predicate in predicates:
        graph.remove((subject, predicate, None))
    return subject


def put(graph: Graph, subject: URIRef, predicate: URIRef, value) -> URIRef:
    graph.set((subject, predicate, value))
    return subject


def also(graph: Graph, subject: URIRef, predicate: URIRef, value) -> URIRef:
    graph.add((subject, predicate, value))
    return subject


def node_with(graph: Graph, predicate: URIRef, value) -> URIRef:
    return next(iter(graph.subjects(predicate, value)))


def identifier(graph: Graph, scheme: str) -> URIRef:
    return node_with(graph, SDO.propertyID, Literal(scheme))


def blank_person(graph: Graph) -> BNode:
    person = BNode()
    for triple in (
        (person, RDF.type, SDO.Person),
        (person, RDF.type, FOAF.Person),
        (person, SDO.name, Literal("Nobody")),
        (person, FOAF.name, Literal("Nobody")),
        (person, SDO.familyName, Literal("Nobody")),
        (person, FOAF.familyName, Literal("Nobody")),
    ):
        graph.add(triple)
    return person


def rename(graph: Graph, old: URIRef, new: URIRef) -> URIRef:
    for s, p, o in list(graph.triples((old, None, None))):
        graph.remove((s, p, o))
        graph.add((new, p, o))
    for s, p, o in list(graph.triples((None, None, old))):
        graph.remove((s, p, o))
        graph.add((s, p, new))
    return new


def short_author_list(graph: Graph) -> URIRef:
    head = graph.value(ARTICLE, BIBO.authorList)
    authors = list(Collection(graph, head))
    graph.remove((ARTICLE, BIBO.authorList, head))
    new_head = BNode()
    Collection(graph, new_head, authors[:-1])
    graph.add((ARTICLE, BIBO.authorList, new_head))
    return ARTICLE


@dataclass(frozen=True)
class Mutation:
    """Break the sample graph so that ``shape`` reports ``message`` on the node returned."""

    shape: str  # local name of the node shape expected to report
    name: str
    mutate: Callable[[Graph], URIRef | BNode]
    message: str  # a fragment of the sh:message expected
    severity: URIRef = SH.Violation


# One line per case reads as a table; ruff format would spread each over six lines.
# fmt: off
MUTATIONS = [
    # people
    Mutation("Person", "coauthor-without-name", lambda g: drop(g, COAUTHOR, SDO.name),
             "exactly one schema:name"),
    Mutation("Person", "two-family-names",
             lambda g: also(g, COAUTHOR, SDO.familyName, Literal("Hoppers")),
             "exactly one schema:familyName"),
    Mutation("Person", "foaf-name-disagrees",
             lambda g: put(g, COAUTHOR, FOAF.name, Literal("G. Hopper")),
             "foaf:name repeats schema:name"),
    Mutation("Person", "not-typed-foaf-person",
             lambda g: (g.remove((COAUTHOR, RDF.type, FOAF.Person)), COAUTHOR)[1],
             "typed foaf:Person"),
    Mutation("Person", "blank-node-person", blank_person, "A person is an IRI"),
    Mutation("Person", "slug-with-capitals",
             lambda g: rename(g, COAUTHOR, URIRef(f"{BASE}/id/person/Grace_Hopper")),
             "A person is an IRI {base}/id/person/{slug}"),
    Mutation("Person", "name-with-line-break",
             lambda g: put(g, COAUTHOR, SDO.givenName, Literal("Grace\nMurray")),
             "at most one schema:givenName, a one-line string"),
    Mutation("Owner", "owner-without-given-name", lambda g: drop(g, OWNER, SDO.givenName),
             "owner has a schema:givenName"),
    Mutation("Owner", "two-birth-dates",
             lambda g: also(g, OWNER, SDO.birthDate, Literal("1985-01-01", datatype=XSD.date)),
             "at most one schema:birthDate"),
    Mutation("Owner", "birth-date-as-plain-string",
             lambda g: put(g, OWNER, SDO.birthDate, Literal("1984-02-29")),
             "schema:birthDate, an xsd:date"),
    Mutation("Owner", "birth-date-out-of-range",
             lambda g: put(g, OWNER, SDO.birthDate, Literal("1784-02-29", datatype=XSD.date)),
             "schema:birthDate"),
    Mutation("Owner", "bad-email",
             lambda g: put(g, OWNER, SDO.email, Literal("mailto:ada(at)example.net")),
             "schema:email, an e-mail address"),
    Mutation("Owner", "telephone-with-letters",
             lambda g: put(g, OWNER, SDO.telephone, Literal("call me")),
             "schema:telephone"),
    Mutation("Owner", "works-for-a-literal",
             lambda g: also(g, OWNER, SDO.worksFor, Literal("Heinrich Hertz Institute")),
             "schema:worksFor is the IRI of a schema:EmployeeRole"),
    Mutation("Owner", "works-for-an-organization-directly",
             lambda g: also(g, OWNER, SDO.worksFor, iri("organization", "hhi")),
             "schema:worksFor is the IRI of a schema:EmployeeRole"),
    Mutation("Owner", "owner-without-bio", lambda g: drop(g, OWNER, SDO.description),
             "Recommended: a short bio", SH.Warning),
    Mutation("ProfilePage", "primary-topic-disagrees",
             lambda g: put(g, document_iri(BASE, "person", "ada-example"), FOAF.primaryTopic,
                           COAUTHOR),
             "foaf:primaryTopic repeats schema:mainEntity"),
    Mutation("ProfilePage", "not-typed-foaf-document",
             lambda g: (g.remove((document_iri(BASE, "person", "ada-example"), RDF.type,
                                  FOAF.PersonalProfileDocument)),
                        document_iri(BASE, "person", "ada-example"))[1],
             "typed foaf:PersonalProfileDocument"),
    Mutation("OnlineAccount", "account-without-label",
             lambda g: drop(g, iri("account", "ada-example-github"), RDFS.label),
             "exactly one rdfs:label"),
    Mutation("OnlineAccount", "account-without-service",
             lambda g: drop(g, iri("account", "ada-example-github"),
                            FOAF.accountServiceHomepage),
             "Recommended: one home page of the service", SH.Warning),
    # organizations, addresses, places
    Mutation("Organization", "organization-without-name",
             lambda g: drop(g, iri("organization", "acme"), SDO.name),
             "An organization has exactly one schema:name"),
    Mutation("Organization", "parent-as-literal",
             lambda g: put(g, iri("organization", "hhi-xai"), SDO.parentOrganization,
                           Literal("hhi")),
             "schema:parentOrganization, the IRI of an organization"),
    Mutation("PostalAddress", "address-without-locality-or-country",
             lambda g: drop(g, iri("address", "hhi"), SDO.addressLocality, SDO.addressCountry),
             "names at least a locality or a country"),
    Mutation("PostalAddress", "bad-postal-code",
             lambda g: put(g, iri("address", "ada-example"), SDO.postalCode,
                           Literal("10587 Berlin-Charlottenburg")),
             "schema:postalCode"),
    Mutation("AddressParts", "two-localities",
             lambda g: also(g, iri("address", "hhi"), SDO.addressLocality, Literal("Potsdam")),
             "at most one schema:addressLocality"),
    Mutation("Place", "place-without-name", lambda g: drop(g, iri("place", "cham"), SDO.name),
             "A place has exactly one schema:name"),
    # positions, education, languages, projects
    Mutation("EmployeeRole", "position-without-start",
             lambda g: drop(g, iri("role", "ada-example-hhi-head"), SDO.startDate),
             "A position has a schema:startDate"),
    Mutation("EmployeeRole", "position-at-a-person",
             lambda g: put(g, iri("role", "ada-example-hhi-head"), SDO.worksFor, COAUTHOR),
             "exactly one schema:worksFor, the IRI of an organization"),
    Mutation("OrganizationRole", "education-and-membership-at-once",
             lambda g: also(g, iri("role", "ada-example-tu-phd"), SDO.memberOf,
                            iri("project", "itobos")),
             "exactly one schema:alumniOf (education) or schema:memberOf"),
    Mutation("OrganizationRole", "membership-without-start",
             lambda g: drop(g, iri("role", "ada-example-itobos-member"), SDO.startDate),
             "Recommended: when the role began", SH.Warning),
    Mutation("EducationalOccupationalCredential", "credential-not-recognized",
             lambda g: drop(g, iri("credential", "ada-example-tu-phd"), SDO.recognizedBy),
             "exactly one schema:recognizedBy"),
    Mutation("EducationalOccupationalCredential", "credential-without-category",
             lambda g: drop(g, iri("credential", "ada-example-tu-phd"), SDO.credentialCategory),
             "Recommended: one kind of credential", SH.Warning),
    Mutation("Thesis", "thesis-author-as-literal",
             lambda g: put(g, iri("thesis", "ada-example-tu-phd-thesis"), SDO.author,
                           Literal("Ada Example")),
             "exactly one schema:author, the IRI of a schema:Person"),
    Mutation("Thesis", "thesis-in-support-of-a-node",
             lambda g: put(g, iri("thesis", "ada-example-tu-phd-thesis"), SDO.inSupportOf,
                           iri("credential", "ada-example-tu-phd")),
             "schema:inSupportOf, the degree's name as a string"),
    Mutation("Thesis", "thesis-without-supervisors",
             lambda g: drop(g, iri("thesis", "ada-example-tu-phd-thesis"),
                            LDCV.thesisSupervisor),
             "Recommended: the thesis's supervisors", SH.Warning),
    Mutation("Thesis", "thesis-with-two-grades",
             lambda g: also(g, also(g, iri("thesis", "ada-example-tu-phd-thesis"), LDCV.grade,
                                    Literal("1.0 / A")), LDCV.grade, Literal("1.3")),
             "A thesis has at most one ldcv:grade"),
    Mutation("LanguageRole", "language-without-level",
             lambda g: drop(g, iri("language-skill", "ada-example-german"),
                            LDCV.proficiencyLevel),
             "exactly one ldcv:proficiencyLevel"),
    Mutation("Language", "language-code-not-bcp47",
             lambda g: put(g, iri("language", "de"), SDO.alternateName, Literal("German")),
             "its BCP 47 code"),
    Mutation("ResearchProject", "project-not-typed-foaf-project",
             lambda g: (g.remove((iri("project", "itobos"), RDF.type, FOAF.Project)),
                        iri("project", "itobos"))[1],
             "typed foaf:Project"),
    # skills
    Mutation("Owner", "knows-about-a-literal",
             lambda g: also(g, OWNER, SDO.knowsAbout, Literal("python")),
             "schema:knowsAbout (a skill) is the IRI of a schema:DefinedTerm"),
    Mutation("Owner", "skill-group-a-literal",
             lambda g: also(g, OWNER, LDCV.skillGroup, Literal("Technical")),
             "ldcv:skillGroup is the IRI of a schema:DefinedTermSet"),
    Mutation("SkillSet", "skill-group-without-heading",
             lambda g: drop(g, iri("skill-set", "ada-example-technical"), SDO.name),
             "A skill group has exactly one schema:name"),
    Mutation("SkillSet", "skill-group-of-nobody",
             lambda g: (g.remove((OWNER, LDCV.skillGroup, None)),
                        iri("skill-set", "ada-example-technical"))[1],
             "A skill group belongs to one person"),
    Mutation("SkillSet", "skill-group-position-zero",
             lambda g: put(g, iri("skill-set", "ada-example-technical"), SDO.position,
                           Literal(0)),
             "at most one schema:position"),
    Mutation("SkillSet", "skill-group-without-skills",
             lambda g: (g.remove((iri("skill-set", "ada-example-technical"), SDO.hasDefinedTerm,
                                  None)),
                        g.remove((None, SDO.inDefinedTermSet, None)),
                        g.remove((None, RDF.type, SDO.DefinedTerm)),
                        g.remove((OWNER, SDO.knowsAbout, None)),
                        iri("skill-set", "ada-example-technical"))[-1],
             "Recommended: the skills of the group", SH.Warning),
    Mutation("Skill", "skill-with-two-names",
             lambda g: also(g, iri("skill", "python"), SDO.name, Literal("Python")),
             "A skill has exactly one schema:name"),
    Mutation("Skill", "skill-outside-any-group",
             lambda g: (g.remove((None, SDO.hasDefinedTerm, iri("skill", "python"))),
                        drop(g, iri("skill", "python"), SDO.inDefinedTermSet))[1],
             "A skill is in at least one skill group"),
    Mutation("Skill", "group-does-not-list-its-skill",
             lambda g: (g.remove((None, SDO.hasDefinedTerm, iri("skill", "python"))),
                        iri("skill", "python"))[1],
             "hasDefinedTerm mirrors the skill's schema:inDefinedTermSet"),
    Mutation("Skill", "skill-nobody-knows",
             lambda g: (g.remove((None, SDO.knowsAbout, iri("skill", "sparql"))),
                        iri("skill", "sparql"))[1],
             "A skill is known by a person"),
    Mutation("Skill", "skill-slug-with-plus",
             lambda g: rename(g, iri("skill", "python"), URIRef(f"{BASE}/id/skill/c++")),
             "A skill is an IRI {base}/id/skill/{slug}"),
    # awards and patents
    Mutation("AwardReceipt", "award-year-as-string",
             lambda g: put(g, iri("award", "ada-example-best-paper-2020"), DCTERMS.date,
                           Literal("2020")),
             "exactly one dcterms:date"),
    Mutation("AwardReceipt", "recipient-does-not-link-back",
             lambda g: (g.remove((OWNER, LDCV.received, None)),
                        iri("award", "ada-example-best-paper-2020"))[1],
             "mirrors the award's ldcv:recipient"),
    Mutation("CreativeWork", "patent-family-without-creator",
             lambda g: drop(g, iri("patent-family", "relevance-scores"), SDO.creator,
                            FOAF.maker),
             "at least one schema:creator"),
    Mutation("Patent", "patent-without-grant-date",
             lambda g: drop(g, iri("patent", "ep-3271863"), DCTERMS.issued),
             "exactly one dcterms:issued"),
    Mutation("Patent", "patent-additional-type-as-text",
             lambda g: put(g, iri("patent", "ep-3271863"), SDO.additionalType,
                           Literal("Patent")),
             "schema:additionalType bibo:Patent"),
    Mutation("PropertyValue", "scheme-with-space",
             lambda g: put(g, identifier(g, "EP"), SDO.propertyID, Literal("EP B1")),
             "exactly one schema:propertyID"),
    Mutation("PropertyValue", "identifier-without-value",
             lambda g: drop(g, identifier(g, "JP"), SDO.value),
             "exactly one schema:value"),
    Mutation("ArxivIdentifier", "arxiv-id-too-short",
             lambda g: put(g, identifier(g, "arXiv"), SDO.value, Literal("2109.423")),
             "An arXiv identifier"),
    Mutation("RxivIdentifier", "biorxiv-id-with-dashes",
             lambda g: put(g, identifier(g, "bioRxiv"), SDO.value,
                           Literal("2021-06-25.449906")),
             "A bioRxiv or medRxiv identifier"),
    Mutation("PatentNumber", "patent-number-with-office",
             lambda g: put(g, identifier(g, "EP"), SDO.value, Literal("EP3271863")),
             "patent number (schema:value) is digits only"),
    Mutation("DoiIdentifier", "doi-as-url",
             lambda g: put(g, identifier(g, "DOI"), SDO.value,
                           Literal("https://doi.org/10.1016/j.patcog.2016.11.008")),
             "A DOI (schema:value) is 10.NNNN/suffix"),
    Mutation("IsbnIdentifier", "isbn-with-hyphens",
             lambda g: put(g, identifier(g, "ISBN"), SDO.value, Literal("978-0-306-40615-7")),
             "An ISBN (schema:value)"),
    Mutation("OrcidIdentifier", "orcid-as-url",
             lambda g: put(g, identifier(g, "ORCID"), SDO.value,
                           Literal("https://orcid.org/0000-0002-1825-0097")),
             "An ORCID iD (schema:value)"),
    Mutation("RorIdentifier", "ror-id-with-a-letter-u",
             lambda g: put(g, identifier(g, "ROR"), SDO.value, Literal("05xmpu344")),
             "A ROR id (schema:value)"),
    Mutation("WikidataIdentifier", "wikidata-property-not-item",
             lambda g: put(g, identifier(g, "Wikidata"), SDO.value, Literal("P31")),
             "A Wikidata item (schema:value)"),
    # publications
    Mutation("AuthoredWork", "article-without-author-list",
             lambda g: drop(g, ARTICLE, BIBO.authorList),
             "exactly one bibo:authorList"),
    Mutation("AuthoredWork", "author-list-misses-an-author", short_author_list,
             "The bibo:authorList holds exactly the schema:author people"),
    Mutation("AuthoredWork", "date-published-as-plain-string",
             lambda g: put(g, ARTICLE, SDO.datePublished, Literal("2017")),
             "exactly one schema:datePublished"),
    Mutation("AuthoredWork", "month-thirteen",
             lambda g: put(g, ARTICLE, SDO.datePublished,
                           Literal("2017-13", datatype=XSD.gYearMonth)),
             "exactly one schema:datePublished"),
    Mutation("AuthoredWork", "article-without-byline",
             lambda g: drop(g, ARTICLE, LDCV.byline),
             "exactly one ldcv:byline"),
    Mutation("AuthoredWork", "byline-on-two-lines",
             lambda g: put(g, ARTICLE, LDCV.byline, Literal("Hopper G M,\nExample A")),
             "exactly one ldcv:byline"),
    Mutation("AuthoredWork", "author-as-literal",
             lambda g: also(g, ARTICLE, SDO.author, Literal("Hopper G M")),
             "at least one schema:author, each the IRI"),
    Mutation("AuthoredWork", "publication-iri-of-another-kind",
             lambda g: rename(g, ARTICLE, iri("paper", "example-2017-deep")),
             "A publication is an IRI {base}/id/publication/{slug}"),
    Mutation("ScholarlyArticle", "article-both-published-and-preprint",
             lambda g: also(g, ARTICLE, RDF.type, BIBO.Manuscript),
             "bibo:AcademicArticle (published) or bibo:Manuscript"),
    Mutation("PublishedArticle", "article-without-venue",
             lambda g: drop(g, ARTICLE, SDO.isPartOf),
             "Recommended: where the article appeared", SH.Warning),
    Mutation("PublishedArticle", "article-part-of-a-person",
             lambda g: put(g, ARTICLE, SDO.isPartOf, COAUTHOR),
             "part of an issue, a volume, a journal or proceedings"),
    Mutation("Preprint", "preprint-without-status",
             lambda g: drop(g, PREPRINT, SDO.creativeWorkStatus),
             "has schema:creativeWorkStatus \"Preprint\""),
    Mutation("Preprint", "preprint-without-identifier",
             lambda g: (g.remove((identifier(g, "arXiv"), None, None)),
                        drop(g, PREPRINT, SDO.identifier))[1],
             "Recommended: the preprint's arXiv", SH.Warning),
    Mutation("Chapter", "chapter-outside-a-book",
             lambda g: drop(g, CHAPTER, SDO.isPartOf),
             "A chapter is part of a book"),
    Mutation("Chapter", "chapter-without-pages",
             lambda g: drop(g, CHAPTER, SDO.pagination),
             "Recommended: the chapter's pages", SH.Warning),
    Mutation("BookType", "book-not-typed-bibo",
             lambda g: (g.remove((iri("book", "explainable-ai"), RDF.type, BIBO.Book)),
                        iri("book", "explainable-ai"))[1],
             "typed bibo:Book (a book) or bibo:Proceedings"),
    Mutation("Book", "book-typed-as-a-journal",
             lambda g: also(g, iri("book", "explainable-ai"), RDF.type, BIBO.Journal),
             "; nothing else"),
    Mutation("Book", "publisher-as-literal",
             lambda g: put(g, iri("book", "explainable-ai"), SDO.publisher, Literal("Springer")),
             "at most one schema:publisher, the IRI of an organization"),
    Mutation("BookSeries", "series-without-name",
             lambda g: drop(g, iri("series", "lecture-notes-in-computer-science"), SDO.name),
             "A book series has exactly one schema:name"),
    Mutation("Periodical", "journal-not-typed-bibo",
             lambda g: (g.remove((iri("periodical", "plos-one"), RDF.type, BIBO.Journal)),
                        iri("periodical", "plos-one"))[1],
             "typed bibo:Journal"),
    Mutation("PublicationVolume", "volume-without-number",
             lambda g: drop(g, iri("volume", "plos-one-10"), SDO.volumeNumber),
             "exactly one schema:volumeNumber"),
    Mutation("PublicationIssue", "issue-part-of-a-book",
             lambda g: put(g, iri("issue", "pattern-recognition-65-3"), SDO.isPartOf,
                           iri("book", "explainable-ai")),
             "An issue is part of exactly one volume or journal"),
    # values wherever they appear
    Mutation("Descriptions", "two-descriptions",
             lambda g: also(g, iri("project", "itobos"), SDO.description, Literal("Another")),
             "at most one schema:description"),
    Mutation("AlternateNames", "alternate-name-with-padding",
             lambda g: also(g, iri("organization", "hhi"), SDO.alternateName, Literal(" HHI ")),
             "schema:alternateName"),
    Mutation("Awards", "award-as-iri",
             lambda g: also(g, ARTICLE, SDO.award, iri("award", "ada-example-best-paper-2020")),
             "schema:award (an award's name"),
    Mutation("Addresses", "address-as-literal",
             lambda g: put(g, iri("organization", "acme"), SDO.address, Literal("Berlin")),
             "schema:address, the IRI of a schema:PostalAddress"),
    Mutation("Dates", "end-date-present",
             lambda g: put(g, iri("role", "ada-example-tu-assistant"), SDO.endDate,
                           Literal("present")),
             "at most one schema:endDate"),
    Mutation("WebLinks", "same-as-a-string",
             lambda g: also(g, OWNER, SDO.sameAs, Literal("https://github.com/ada-example")),
             "is an http(s) IRI, not a string"),
    Mutation("Makers", "maker-as-literal",
             lambda g: also(g, ARTICLE, FOAF.maker, Literal("Hopper")),
             "foaf:maker is the IRI of a foaf:Person"),
    Mutation("AuthoredMakers", "maker-missing",
             lambda g: (g.remove((ARTICLE, FOAF.maker, COAUTHOR)), ARTICLE)[1],
             "foaf:maker repeats schema:author"),
    Mutation("Identifiers", "identifier-as-string",
             lambda g: also(g, PREPRINT, SDO.identifier, Literal("arXiv:2109.04236")),
             "schema:identifier is the IRI of a schema:PropertyValue"),
    Mutation("Pages", "pages-with-prefix",
             lambda g: put(g, ARTICLE, SDO.pagination, Literal("pp. 211–222")),
             "at most one schema:pagination"),
    Mutation("Pages", "bibo-page-disagrees",
             lambda g: put(g, ARTICLE, BIBO.pageStart, Literal("212")),
             "bibo:pageStart repeats schema:pageStart"),
    Mutation("BibliographicNumbers", "two-volumes",
             lambda g: also(g, ARTICLE, BIBO.volume, Literal("66")),
             "at most one bibo:volume"),
    Mutation("Dois", "doi-with-scheme",
             lambda g: put(g, ARTICLE, BIBO.doi, Literal("doi:10.1016/j.patcog.2016.11.008")),
             "at most one bibo:doi"),
    Mutation("Isbns", "isbn13-with-hyphens",
             lambda g: put(g, CHAPTER, BIBO.isbn13, Literal("978-0-306-40615-7")),
             "at most one bibo:isbn13"),
    Mutation("Isbns", "isbn10-of-eleven-digits",
             lambda g: put(g, CHAPTER, BIBO.isbn10, Literal("03064061520")),
             "at most one bibo:isbn10"),
    Mutation("Isbns", "book-isbn-as-urn",
             lambda g: put(g, iri("book", "explainable-ai"), SDO.isbn,
                           Literal("urn:isbn:9780306406157")),
             "schema:isbn is an ISBN-13 or ISBN-10"),
    Mutation("Statuses", "unknown-status",
             lambda g: put(g, PREPRINT, SDO.creativeWorkStatus, Literal("Submitted")),
             "schema:creativeWorkStatus is \"Preprint\" or absent"),
    Mutation("Person", "made-a-literal",
             lambda g: also(g, COAUTHOR, FOAF.made, Literal("a paper")),
             "foaf:made is the IRI of a work"),
]
# fmt: on


@dataclass(frozen=True)
class Mutated:
    """The sample graph broken by one mutation, and what ``validate`` found in it."""

    mutation: Mutation
    graph: Graph  # read it only: the tests of one mutation share it
    focus: URIRef | BNode  # the node the mutation broke
    result: ValidationResult


@pytest.fixture(scope="module", params=MUTATIONS, ids=[m.name for m in MUTATIONS])
def mutated(request: pytest.FixtureRequest, pristine: Graph, shipped_shapes: Graph) -> Mutated:
    """A copy of the sample graph broken by one of ``MUTATIONS``, validated once for the
    tests of that mutation (the whole validation was most of each one's time)."""
    mutation: Mutation = request.param
    graph = Graph()
    for prefix, namespace in pristine.namespaces():
        graph.bind(prefix, namespace)
    graph += pristine
    focus = mutation.mutate(graph)
    return Mutated(mutation, graph, focus, validate(graph, shapes=shipped_shapes))


def _reported_by(report: Graph, result, shape: URIRef, shapes: Graph) -> bool:
    source = report.value(result, SH.sourceShape)
    return source == shape or (shape, SH.property, source) in shapes


# -- tests -----------------------------------------------------------------------------------


def test_the_sample_graph_conforms_without_warnings(pristine: Graph) -> None:
    result = validate(pristine)
    assert result.conforms, result.text
    assert (result.violations, result.warnings) == (0, 0), result.text


def test_every_identifier_form_the_loader_takes_conforms() -> None:
    # Old-style and versioned arXiv ids, six-digit medRxiv ids, an ISBN-10 ending in X …
    cv = load_file(ROOT / "tests" / "fixtures" / "load-identifiers.yaml")
    result = validate(map_cvs([cv], BASE))
    assert result.conforms, result.text


def test_the_seed_graph_conforms(seed_graph: Graph) -> None:
    result = validate(seed_graph)
    assert result.conforms, result.text
    assert result.violations == 0


@pytest.mark.slow
def test_each_shape_rejects_its_mutation(mutated: Mutated, shipped_shapes: Graph) -> None:
    mutation, focus, result = mutated.mutation, mutated.focus, mutated.result
    matching = [
        f
        for f in result.findings
        if f.focus == focus and mutation.message in f.message and f.severity == mutation.severity
    ]
    assert matching, f"expected {mutation.message!r} on {focus}; got:\n{result.text}"
    assert any(
        _reported_by(result.report_graph, r, SHAPES[mutation.shape], shipped_shapes)
        for r in result.report_graph.subjects(SH.focusNode, focus)
    ), result.text
    assert result.conforms is (mutation.severity != SH.Violation)


def test_every_shape_with_a_target_has_a_mutation_that_breaks_it() -> None:
    shapes = ldcv_shapes()
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    targeted = {str(s).removeprefix(str(SHAPES)) for t in targets for s in shapes.subjects(t)}
    assert targeted == {m.shape for m in MUTATIONS}


def test_every_constraint_carries_a_message() -> None:
    shapes = ldcv_shapes()
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)
    node_shapes = {s for t in targets for s in shapes.subjects(t)}
    property_shapes = {p for s in node_shapes for p in shapes.objects(s, SH.property)}
    node_level = {
        s
        for s in node_shapes
        if any((s, p, None) in shapes for p in (SH.nodeKind, SH.pattern, SH["or"], SH.xone))
    }
    silent = [s for s in property_shapes | node_level if (s, SH.message, None) not in shapes]
    assert not silent, [shapes.value(s, SH.path) for s in silent]


def test_every_class_the_mapping_produces_has_a_shape(pristine: Graph, seed_graph: Graph) -> None:
    shapes = ldcv_shapes()
    targeted = set(shapes.objects(None, SH.targetClass))
    # Second types are checked by the shape of the first: foaf:Person by ldcvsh:Person …
    required_alongside = {
        o
        for s in shapes.subjects(SH.path, RDF.type)
        for p in (SH.hasValue, SH["in"])
        for o in (shapes.items(shapes.value(s, p)) if p == SH["in"] else shapes.objects(s, p))
        if shapes.value(s, p) is not None
    }
    produced = set(pristine.objects(None, RDF.type)) | set(seed_graph.objects(None, RDF.type))
    assert produced - targeted - required_alongside == set()


def test_warnings_do_not_fail_conformance(mutable_graph: Graph, public_cv: CV) -> None:
    drop(mutable_graph, OWNER, SDO.description)
    result = validate(mutable_graph)
    assert result.conforms and result.violations == 0 and result.warnings == 1
    warnings = ensure_conforms(mutable_graph, [public_cv], BASE)
    assert len(warnings) == 1 and warnings[0].startswith("Warning: ")


def test_the_report_names_the_yaml_file_and_line(mutable_graph: Graph, public_cv: CV) -> None:
    drop(mutable_graph, ARTICLE, BIBO.authorList)
    result = validate(mutable_graph, source_index([public_cv], BASE))
    entry = next(p for p in public_cv.publications if p.key == "example-2017-deep")
    line = next(line for line in result.text.splitlines() if "bibo:authorList" in line)
    assert line.startswith(f"Violation: {entry.source}: <{ARTICLE}> bibo:authorList: ")
    assert "data/sample.yaml:" in line


def test_a_blank_node_is_located_at_the_entry_that_links_to_it(
    mutable_graph: Graph, public_cv: CV
) -> None:
    person = blank_person(mutable_graph)
    mutable_graph.add((ARTICLE, SDO.author, person))
    result = validate(mutable_graph, source_index([public_cv], BASE))
    entry = next(p for p in public_cv.publications if p.key == "example-2017-deep")
    blank = [f for f in result.findings if f.focus == person]
    assert blank and all(f.source == entry.source for f in blank), result.text


def test_ensure_conforms_raises_with_the_readable_report(
    mutable_graph: Graph, public_cv: CV
) -> None:
    drop(mutable_graph, COAUTHOR, SDO.name, FOAF.name)
    with pytest.raises(NotConformant) as raised:
        ensure_conforms(mutable_graph, [public_cv])  # the base is recovered from the owner's IRI
    person = next(p for p in public_cv.people if p.key == "grace-hopper")
    assert raised.value.exit_code == EXIT_NOT_CONFORMANT
    assert f"Violation: {person.source}: <{COAUTHOR}> schema:name: " in raised.value.report
    assert raised.value.report.splitlines()[-1] == "1 violation(s), 0 warning(s)"


def test_validation_uses_the_shapes_its_caller_holds(
    mutable_graph: Graph, public_cv: CV, shipped_shapes: Graph
) -> None:
    # The shapes are the caller's value, not a copy kept by the module: shapes without
    # the Person shape's name constraint let a nameless co-author through.
    drop(mutable_graph, COAUTHOR, SDO.name, FOAF.name)
    assert not validate(mutable_graph, shapes=shipped_shapes).conforms
    lenient = Graph()
    lenient += shipped_shapes
    for constraint in list(lenient.subjects(SH.path, SDO.name)):
        lenient.remove((None, SH.property, constraint))
    assert validate(mutable_graph, shapes=lenient).conforms
    ensure_conforms(mutable_graph, [public_cv], BASE, shapes=lenient)
    with pytest.raises(NotConformant):
        ensure_conforms(mutable_graph, [public_cv], BASE, shapes=shipped_shapes)
    assert not validate(mutable_graph).conforms  # parsed afresh when none is given


# -- schema.org's own shapes ----------------------------------------------------------------


@pytest.mark.slow
def test_the_seed_graph_passes_schemaorg_shapes(seed_graph: Graph) -> None:
    # Exception, explained in shapes/schemaorg-repairs.ttl: the published shapes reject
    # every literal and recurse through linked nodes; we validate with them repaired.
    result = validate_schemaorg(seed_graph)
    assert result.conforms, result.text


@pytest.mark.slow
def test_schemaorg_shapes_can_fail() -> None:
    graph = Graph()
    work, person = URIRef(f"{BASE}/id/publication/w"), URIRef(f"{BASE}/id/person/p")
    graph.add((work, RDF.type, SDO.ScholarlyArticle))
    graph.add((work, SDO.author, Literal("Hopper G")))  # a class-valued property as text
    graph.add((work, SDO.datePublished, Literal("2017")))  # a Date as a plain string
    graph.add((person, RDF.type, SDO.Person))
    graph.add((person, SDO.name, person))  # Text as an IRI
    result = validate_schemaorg(graph)
    failed = {(f.focus, f.path) for f in result.findings}
    assert failed == {
        (work, "schema:author"),
        (work, "schema:datePublished"),
        (person, "schema:name"),
    }, result.text


@pytest.mark.slow
def test_the_published_schemaorg_shapes_reject_every_literal() -> None:
    # Why the repair exists: unrepaired, a plain schema:givenName already fails.
    published = Graph().parse(ROOT / "shapes" / "schemaorg-shapes-30.0.shacl.ttl")
    graph = Graph()
    person = URIRef(f"{BASE}/id/person/p")
    graph.add((person, RDF.type, SDO.Person))
    graph.add((person, SDO.givenName, Literal("Ada")))
    from pyshacl import validate as pyshacl_validate

    conforms, _, text = pyshacl_validate(graph, shacl_graph=published, inference="none")
    assert not conforms and "Node Kind sh:BlankNodeOrIRI" in text
    repaired, _ = schemaorg_shapes()
    assert pyshacl_validate(graph, shacl_graph=repaired, inference="none")[0]


# -- packaging --------------------------------------------------------------------------------


# -- parallel validation --------------------------------------------------------------------


def test_forked_processes_report_exactly_what_one_process_reports(
    mutable_graph: Graph, public_cv: CV, monkeypatch: pytest.MonkeyPatch, shipped_shapes: Graph
) -> None:
    import ldcv.rdf.validation

    drop(mutable_graph, COAUTHOR, SDO.name, FOAF.name)  # a violation
    drop(mutable_graph, OWNER, SDO.description)  # a warning
    mutable_graph.add((ARTICLE, SDO.author, blank_person(mutable_graph)))  # located through a link
    monkeypatch.setattr(ldcv.rdf.validation, "PARALLEL_FROM", 1)
    assert ldcv.rdf.validation._may_fork(mutable_graph, 2)
    shares = ldcv.rdf.validation._shares(mutable_graph, shipped_shapes, 2)
    assert len(shares) == 2 and not set(shares[0]) & set(shares[1])
    reports = []
    for jobs in (1, 2):
        with pytest.raises(NotConformant) as raised:
            ensure_conforms(mutable_graph, [public_cv], BASE, jobs=jobs)
        reports.append(raised.value.report)
    assert reports[0] == reports[1]
    assert "Warning: " in reports[0] and reports[0].count("Violation: ") >= 2


def test_forked_processes_return_the_same_warnings(
    mutable_graph: Graph, public_cv: CV, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ldcv.rdf.validation

    drop(mutable_graph, OWNER, SDO.description)
    monkeypatch.setattr(ldcv.rdf.validation, "PARALLEL_FROM", 1)
    serial = ensure_conforms(mutable_graph, [public_cv], BASE, jobs=1)
    parallel = ensure_conforms(mutable_graph, [public_cv], BASE, jobs=2)
    assert parallel == serial and len(serial) == 1


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2], ids=["one-process", "forked"])
def test_meanwhile_runs_once_whether_the_graph_conforms_or_not(
    mutable_graph: Graph, public_cv: CV, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    import ldcv.rdf.validation

    monkeypatch.setattr(ldcv.rdf.validation, "PARALLEL_FROM", 1)
    calls: list[int] = []
    ensure_conforms(mutable_graph, [public_cv], BASE, jobs=jobs, meanwhile=lambda: calls.append(1))
    drop(mutable_graph, COAUTHOR, SDO.name, FOAF.name)  # a violation
    with pytest.raises(NotConformant):
        ensure_conforms(
            mutable_graph, [public_cv], BASE, jobs=jobs, meanwhile=lambda: calls.append(2)
        )
    assert calls == [1, 2]


@pytest.mark.slow
def test_the_shares_of_the_shapes_together_find_what_all_the_shapes_find(
    mutated: Mutated, shipped_shapes: Graph
) -> None:
    # What each forked process runs, run here share by share: every mutation is still
    # found when the shapes are split as two processes split them (jobs × 3 shares).
    from ldcv.rdf.validation import _ldcv_report, _shares, _unlocated

    graph, focus, message = mutated.graph, mutated.focus, mutated.mutation.message
    whole = _unlocated(mutated.result.report_graph, graph)  # all the shapes at once
    shares = _shares(graph, shipped_shapes, 6)
    found = [_unlocated(_ldcv_report(graph, shipped_shapes, share), graph) for share in shares]
    assert len(shares) == 6 and sum(map(len, shares)) == len({s for p in shares for s in p})
    assert set().union(*found) == whole
    assert any(f.focus == focus and message in f.message for f in whole)
