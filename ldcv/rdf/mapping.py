"""Map CV models to one rdflib graph: schema.org first, FOAF alongside, BIBO/DCTERMS/ldcv for gaps.

The mapping follows ``vocabulary.md``: every node gets a flat, stable IRI
(``{base}/id/{kind}/{slug}``), the only blank nodes are the cells of the
``bibo:authorList`` lists, dates keep the precision the CV gives, and no field
the owner keeps private is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ldcv.errors import InputError, Problem
from ldcv.load.slugs import slugify
from ldcv.model import (
    CV,
    Address,
    Author,
    Award,
    Education,
    LanguageSkill,
    Organization,
    PartialDate,
    PatentFamily,
    Person,
    Position,
    Project,
    Publication,
    SkillGroup,
    Source,
)
from ldcv.rdf.identifiers import SCHEMES
from ldcv.rdf.iris import document_iri, thing_iri
from ldcv.rdf.vocabulary import BIBO, DCTERMS, FOAF, LDCV, RDF, RDFS, SDO, XSD, new_graph

_DATE_TYPES = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}

ORGANIZATION_CLASSES = {
    "organization": SDO.Organization,
    "university": SDO.CollegeOrUniversity,
    "school": SDO.HighSchool,
    "research": SDO.ResearchOrganization,
    "group": SDO.Organization,
}

# Home pages of services a profile may name without a link ("Google Scholar").
SERVICE_HOMEPAGES = {
    "github": "https://github.com/",
    "gitlab": "https://gitlab.com/",
    "google scholar": "https://scholar.google.com/",
    "linkedin": "https://www.linkedin.com/",
    "orcid": "https://orcid.org/",
    "researchgate": "https://www.researchgate.net/",
    "dblp": "https://dblp.org/",
}

# Between the names of ldcv:byline, as CVs print author lists ("Bach S, Binder A").
BYLINE_SEPARATOR = ", "

_PUBLICATION_CLASSES = {
    "journal-article": (SDO.ScholarlyArticle, BIBO.AcademicArticle),
    "conference-paper": (SDO.ScholarlyArticle, BIBO.AcademicArticle),
    "workshop-paper": (SDO.ScholarlyArticle, BIBO.AcademicArticle),
    "book-chapter": (SDO.Chapter, BIBO.Chapter),
    "preprint": (SDO.ScholarlyArticle, BIBO.Manuscript),
}


def date_literal(date: PartialDate) -> Literal:
    """Return ``date`` as an xsd:gYear, xsd:gYearMonth or xsd:date literal."""
    return Literal(date.isoformat(), datatype=_DATE_TYPES[date.precision])


def map_cvs(cvs: Sequence[CV], base_uri: str) -> Graph:
    """Map every CV into one graph under ``base_uri``."""
    return _map(cvs, base_uri).graph


def map_cv(cv: CV, base_uri: str) -> Graph:
    """Map one CV into a graph under ``base_uri``."""
    return map_cvs([cv], base_uri)


def map_located(cvs: Sequence[CV], base_uri: str) -> tuple[Graph, dict[URIRef, Source]]:
    """Map every CV into one graph; return it with the Source of every IRI minted."""
    mapper = _map(cvs, base_uri)
    return mapper.graph, {iri: source for iri, source in mapper.sources.items() if source}


def source_index(cvs: Sequence[CV], base_uri: str) -> dict[URIRef, Source]:
    """Return, for every IRI the mapping mints, the Source of the entry it came from."""
    return {iri: source for iri, source in _map(cvs, base_uri).sources.items() if source}


def _map(cvs: Sequence[CV], base_uri: str) -> _Mapper:
    mapper = _Mapper(base_uri.rstrip("/"))
    for cv in cvs:
        _CVMapper(mapper, cv).run()
    return mapper


@dataclass
class _Mapper:
    """The graph under construction and where each minted IRI came from."""

    base: str
    graph: Graph = field(default_factory=new_graph)
    sources: dict[URIRef, Source | None] = field(default_factory=dict)
    # IRIs that belong to one entry only (roles, credentials …): minting one twice is a clash.
    exclusive: set[URIRef] = field(default_factory=set)
    author_lists: set[URIRef] = field(default_factory=set)
    # Coauthors, venues and organisations are described again by every entry naming
    # them: a set answers "seen it" several times faster than rdflib's store adds.
    _added: set[tuple[Node, Node, Node]] = field(default_factory=set, repr=False)

    def put(self, triple: tuple[Node, Node, Node]) -> None:
        """Add ``triple`` to the graph unless it is there already."""
        if triple not in self._added:
            self._added.add(triple)
            self.graph.add(triple)

    def mint(
        self, kind: str, slug: str, source: Source | None, *types: URIRef, exclusive: bool = False
    ) -> URIRef:
        """Return the IRI of a thing, typed ``types``; remember the first source it came from."""
        iri = thing_iri(self.base, kind, slug)
        if exclusive and iri in self.sources:
            raise InputError([_clash(iri, source, self.sources[iri])])
        if exclusive:
            self.exclusive.add(iri)
        elif iri in self.exclusive:
            raise InputError([_clash(iri, source, self.sources[iri])])
        self.sources.setdefault(iri, source)
        for rdf_type in types:
            self.put((iri, RDF.type, rdf_type))
        return iri

    def add(self, subject: Node, predicate: URIRef, value: Node | str | None) -> None:
        """Add one triple; a ``None`` value adds nothing, a ``str`` becomes a plain literal."""
        if value is None or value == "":
            return
        # URIRef and Literal are str subclasses: only a bare str becomes a literal.
        obj = value if isinstance(value, Node) else Literal(value)
        self.put((subject, predicate, obj))

    def add_all(self, subject: Node, predicate: URIRef, values: Iterable[Node | str]) -> None:
        for value in values:
            self.add(subject, predicate, value)


def _clash(iri: URIRef, source: Source | None, first: Source | None) -> Problem:
    return Problem(
        file=source.file if source else "<unknown>",
        line=source.line if source else None,
        field="key",
        message=f"two entries map to the same IRI {iri} (the other one at {first}); "
        "give one of them another key",
    )


class _CVMapper:
    """Map one CV into the shared graph."""

    def __init__(self, mapper: _Mapper, cv: CV) -> None:
        self.m = mapper
        self.cv = cv
        self.owner = cv.owner
        self.owner_key = cv.owner.key
        self.people = {p.key: p for p in cv.people}
        self.organizations = {o.key: o for o in cv.organizations}
        self.publications = {p.key: p for p in cv.publications}
        self.person_iri = thing_iri(mapper.base, "person", self.owner_key)

    # -- helpers ---------------------------------------------------------------

    def own_slug(self, key: str) -> str:
        """Prefix an entry's key with the owner's, so that two CVs cannot collide."""
        return f"{self.owner_key}-{key}"

    def public(self, field_name: str) -> bool:
        return self.owner.is_public(field_name)

    def run(self) -> None:
        self.map_owner()
        self.map_profile_document()
        for organization in self.cv.organizations:
            self.map_organization(organization)
        for person in self.cv.people:
            self.map_person(person)
        for position in self.cv.positions:
            self.map_position(position)
        for education in self.cv.education:
            self.map_education(education)
        for position, group in enumerate(self.cv.skills, start=1):
            self.map_skill_group(group, position)
        for language in self.cv.languages:
            self.map_language(language)
        for publication in self.cv.publications:
            self.map_publication(publication)
        for award in self.cv.awards:
            self.map_award(award)
        for family in self.cv.patents:
            self.map_patent_family(family)
        for project in self.cv.projects:
            self.map_project(project)

    # -- the owner -------------------------------------------------------------

    def map_owner(self) -> None:
        owner, m = self.owner, self.m
        me = m.mint("person", self.owner_key, owner.source, SDO.Person, FOAF.Person)
        m.add(me, SDO.name, owner.name)
        m.add(me, FOAF.name, owner.name)
        m.add(me, SDO.givenName, owner.given_name)
        m.add(me, FOAF.givenName, owner.given_name)
        m.add(me, SDO.familyName, owner.family_name)
        m.add(me, FOAF.familyName, owner.family_name)
        if self.public("honorific_prefix"):
            m.add(me, SDO.honorificPrefix, owner.honorific_prefix)
        if self.public("birth_name"):
            m.add(me, SDO.alternateName, owner.birth_name)
        if self.public("birth_family_name"):
            m.add(me, LDCV.birthFamilyName, owner.birth_family_name)
        if self.public("birth_date") and owner.birth_date:
            m.add(me, SDO.birthDate, date_literal(owner.birth_date))
        if self.public("email") and owner.email:
            # schema.org's own examples write the address as a mailto: text; FOAF wants the IRI.
            m.add(me, SDO.email, f"mailto:{owner.email}")
            m.add(me, FOAF.mbox, URIRef(f"mailto:{owner.email}"))
        if self.public("telephone"):
            m.add(me, SDO.telephone, owner.telephone)
        if self.public("address") and owner.address:
            address = self.map_address(self.owner_key, owner.address, owner.source, exclusive=True)
            m.add(me, SDO.address, address)
        if self.public("homepage") and owner.homepage:
            m.add(me, SDO.url, URIRef(owner.homepage))
            m.add(me, FOAF.homepage, URIRef(owner.homepage))
        if self.public("orcid"):
            self.identify(me, "orcid", owner.orcid, owner.source)
        if self.public("profiles"):
            for profile in owner.profiles:
                if profile.url:
                    m.add(me, SDO.sameAs, URIRef(profile.url))
                account = m.mint(
                    "account",
                    self.own_slug(profile.key),
                    profile.source or owner.source,
                    FOAF.OnlineAccount,
                    exclusive=True,
                )
                m.add(me, FOAF.account, account)
                m.add(account, RDFS.label, profile.site)
                m.add(account, FOAF.accountName, profile.username)
                homepage = _service_homepage(profile.site, profile.url)
                if homepage:
                    m.add(account, FOAF.accountServiceHomepage, URIRef(homepage))
                if profile.url:
                    m.add(account, FOAF.page, URIRef(profile.url))
        if self.public("bio"):
            m.add(me, SDO.description, owner.bio)
        if self.public("aliases"):
            m.add_all(me, LDCV.bylineName, owner.aliases)

    def map_profile_document(self) -> None:
        doc = document_iri(self.m.base, "person", self.owner_key)
        self.m.sources.setdefault(doc, self.owner.source)
        graph = self.m.graph
        graph.add((doc, RDF.type, FOAF.PersonalProfileDocument))
        graph.add((doc, RDF.type, SDO.ProfilePage))
        graph.add((doc, FOAF.primaryTopic, self.person_iri))
        graph.add((doc, SDO.mainEntity, self.person_iri))
        graph.add((doc, FOAF.maker, self.person_iri))

    def map_address(
        self, slug: str, address: Address, source: Source | None, exclusive: bool
    ) -> URIRef:
        iri = self.m.mint("address", slug, source, SDO.PostalAddress, exclusive=exclusive)
        self.m.add(iri, SDO.streetAddress, address.street)
        self.m.add(iri, SDO.postalCode, address.postal_code)
        self.m.add(iri, SDO.addressLocality, address.locality)
        self.m.add(iri, SDO.addressRegion, address.region)
        self.m.add(iri, SDO.addressCountry, address.country)
        return iri

    # -- other people and organisations --------------------------------------

    def person(self, key: str) -> URIRef:
        """The IRI of the owner or of another person, by key."""
        return thing_iri(self.m.base, "person", key)

    def map_person(self, person: Person, spellings: Iterable[str] = ()) -> URIRef:
        m = self.m
        iri = m.mint("person", person.key, person.source, SDO.Person, FOAF.Person)
        m.add(iri, SDO.name, person.display_name)
        m.add(iri, FOAF.name, person.display_name)
        m.add(iri, SDO.givenName, person.given_name)
        m.add(iri, FOAF.givenName, person.given_name)
        m.add(iri, SDO.familyName, person.family_name)
        m.add(iri, FOAF.familyName, person.family_name)
        m.add(iri, SDO.honorificPrefix, person.honorific_prefix)
        if person.initials:
            m.add(iri, LDCV.bylineName, f"{person.family_name} {person.initials}")
        m.add_all(iri, LDCV.bylineName, person.aliases)
        m.add_all(iri, LDCV.bylineName, spellings)
        self.identify(iri, "orcid", person.orcid, person.source)
        m.add(self.person_iri, FOAF.knows, iri)
        return iri

    def map_organization(self, org: Organization) -> URIRef:
        m = self.m
        iri = m.mint("organization", org.key, org.source, ORGANIZATION_CLASSES[org.kind])
        m.add(iri, RDF.type, FOAF.Organization)
        m.add(iri, SDO.name, org.name)
        m.add(iri, FOAF.name, org.name)
        m.add_all(iri, SDO.alternateName, org.alternate_names)
        if org.locality or org.country:
            address = self.map_address(
                org.key,
                Address(locality=org.locality, country=org.country),
                org.source,
                exclusive=False,  # two CVs may describe the same organisation
            )
            m.add(iri, SDO.address, address)
        if org.parent:
            m.add(iri, SDO.parentOrganization, self.organization(org.parent))
        if org.url:
            m.add(iri, SDO.url, URIRef(org.url))
            m.add(iri, FOAF.homepage, URIRef(org.url))
        self.identify(iri, "ror", org.ror, org.source)
        self.identify(iri, "wikidata", org.wikidata, org.source)
        return iri

    def organization(self, key: str) -> URIRef:
        return thing_iri(self.m.base, "organization", key)

    def named_organization(self, name: str, source: Source | None) -> URIRef:
        """An organisation known by its name only (a publisher)."""
        iri = self.m.mint("organization", slugify(name), source, SDO.Organization)
        self.m.add(iri, RDF.type, FOAF.Organization)
        self.m.add(iri, SDO.name, name)
        self.m.add(iri, FOAF.name, name)
        return iri

    # -- positions and education ---------------------------------------------

    def map_position(self, position: Position) -> None:
        m = self.m
        role = m.mint(
            "role", self.own_slug(position.key), position.source, SDO.EmployeeRole, exclusive=True
        )
        org = self.organization(position.organization)
        m.add(self.person_iri, SDO.worksFor, role)
        m.add(role, SDO.worksFor, org)
        m.add(role, SDO.roleName, position.title)
        m.add(role, SDO.startDate, date_literal(position.start))
        if position.end:
            m.add(role, SDO.endDate, date_literal(position.end))
        m.add(
            role,
            SDO.description,
            _paragraphs(
                position.research_focus,
                position.description,
                ("Tasks", position.tasks),
                ("Other work", position.other_work),
            ),
        )
        for key in position.supervisors:
            m.add(role, LDCV.supervisor, self.person(key))
        url = self.organizations[position.organization].url
        if url:
            m.add(self.person_iri, FOAF.workplaceHomepage, URIRef(url))

    def map_education(self, education: Education) -> None:
        m = self.m
        slug = self.own_slug(education.key)
        org = self.organization(education.organization)
        role = m.mint("role", slug, education.source, SDO.OrganizationRole, exclusive=True)
        m.add(self.person_iri, SDO.alumniOf, role)
        m.add(role, SDO.alumniOf, org)
        m.add(role, SDO.startDate, date_literal(education.start))
        if education.end:
            m.add(role, SDO.endDate, date_literal(education.end))
        m.add(role, SDO.description, _paragraphs(education.research_focus, education.description))

        credential = m.mint(
            "credential",
            slug,
            education.source,
            SDO.EducationalOccupationalCredential,
            exclusive=True,
        )
        m.add(self.person_iri, SDO.hasCredential, credential)
        m.add(credential, SDO.name, education.degree)
        m.add(credential, SDO.credentialCategory, education.category)
        m.add(credential, SDO.educationalLevel, education.level)
        m.add(credential, SDO.recognizedBy, org)
        # A credential is a schema:CreativeWork since schema.org 30.0, so schema:award fits.
        m.add(credential, SDO.award, education.distinction)
        m.add(credential, LDCV.grade, education.grade)
        m.add(credential, LDCV.fieldOfStudy, education.field_of_study)

        thesis = education.thesis
        if thesis:
            iri = m.mint(
                "thesis",
                self.own_slug(thesis.key),
                thesis.source or education.source,
                SDO.Thesis,
                BIBO.Thesis,
                exclusive=True,
            )
            m.add(iri, SDO.name, thesis.title)
            m.add(iri, SDO.author, self.person_iri)
            m.add(iri, FOAF.maker, self.person_iri)
            m.add(self.person_iri, FOAF.made, iri)
            m.add(iri, SDO.inSupportOf, education.degree)
            m.add(iri, SDO.sourceOrganization, org)
            m.add(iri, LDCV.grade, thesis.grade)
            for key in thesis.supervisors:
                m.add(iri, LDCV.thesisSupervisor, self.person(key))

    # -- skills, languages, awards, patents, projects --------------------------

    def map_skill_group(self, group: SkillGroup, position: int) -> None:
        m, source = self.m, group.source or self.owner.source
        skill_set = m.mint(
            "skill-set", self.own_slug(group.key), source, SDO.DefinedTermSet, exclusive=True
        )
        m.add(self.person_iri, LDCV.skillGroup, skill_set)
        m.add(skill_set, SDO.name, group.category)
        m.add(skill_set, SDO.description, group.summary)
        # The CV's order of its groups; a DefinedTermSet is a CreativeWork, so position fits.
        m.add(skill_set, SDO.position, Literal(position))
        for item in group.items:
            skill = self.skill(item, source)
            m.add(skill_set, SDO.hasDefinedTerm, skill)
            m.add(skill, SDO.inDefinedTermSet, skill_set)
            m.add(self.person_iri, SDO.knowsAbout, skill)

    def skill(self, name: str, source: Source | None) -> URIRef:
        """The DefinedTerm of a skill, shared by every CV that names it."""
        slug = skill_slug(name)
        if not slug:
            raise InputError(
                [
                    Problem(
                        file=source.file if source else "<unknown>",
                        line=source.line if source else None,
                        field="skills.items",
                        message=f"skill '{name}' has no letter or digit to name its IRI by",
                    )
                ]
            )
        m = self.m
        iri = m.mint("skill", slug, source, SDO.DefinedTerm)
        first = m.graph.value(iri, SDO.name)
        if first is None:
            m.add(iri, SDO.name, name)
        elif str(first) != name:
            # Another CV (or group) spells the same skill otherwise ("Python"): keep both.
            m.add(iri, SDO.alternateName, name)
        return iri

    def map_language(self, skill: LanguageSkill) -> None:
        m = self.m
        language = m.mint("language", slugify(skill.code), skill.source, SDO.Language)
        m.add(language, SDO.name, skill.name)
        m.add(language, SDO.alternateName, skill.code)
        # The schema.org Role pattern: the role stands between person and language
        # and carries what qualifies the relation, here the level.
        role = m.mint(
            "language-skill", self.own_slug(skill.key), skill.source, SDO.Role, exclusive=True
        )
        m.add(self.person_iri, SDO.knowsLanguage, role)
        m.add(role, SDO.knowsLanguage, language)
        m.add(role, LDCV.proficiencyLevel, skill.level)

    def map_award(self, award: Award) -> None:
        m = self.m
        iri = m.mint(
            "award", self.own_slug(award.key), award.source, LDCV.AwardReceipt, exclusive=True
        )
        m.add(iri, SDO.name, award.name)
        m.add(iri, DCTERMS.date, date_literal(award.year))
        m.add(iri, LDCV.rank, award.rank)
        m.add(iri, LDCV.awardedBy, award.awarded_by)
        if award.description:
            m.add(iri, SDO.description, Literal(award.description, lang=award.description_language))
        m.add(iri, LDCV.recipient, self.person_iri)
        m.add(self.person_iri, LDCV.received, iri)
        m.add(self.person_iri, SDO.award, award.name)
        if award.for_work:
            work = self.publication(award.for_work)
            m.add(iri, LDCV.awardedFor, work)
            m.add(work, SDO.award, award.name)

    def map_patent_family(self, family: PatentFamily) -> None:
        m = self.m
        family_iri = m.mint("patent-family", family.key, family.source, SDO.CreativeWork)
        m.add(family_iri, SDO.name, family.title)
        m.add(family_iri, SDO.creator, self.person_iri)
        m.add(family_iri, FOAF.maker, self.person_iri)
        m.add(self.person_iri, FOAF.made, family_iri)
        for grant in family.grants:
            source = grant.source or family.source
            iri = m.mint("patent", grant.key, source, SDO.CreativeWork, BIBO.Patent)
            m.add(iri, SDO.additionalType, BIBO.Patent)
            m.add(iri, SDO.name, grant.title)
            m.add(iri, SDO.creator, self.person_iri)
            m.add(iri, FOAF.maker, self.person_iri)
            m.add(self.person_iri, FOAF.made, iri)
            m.add(iri, SDO.identifier, self.identifier(grant.office, grant.number, source))
            m.add(iri, DCTERMS.issued, date_literal(grant.granted))
            m.add(iri, SDO.isPartOf, family_iri)
            m.add(family_iri, SDO.hasPart, iri)

    def identify(
        self, thing: URIRef, field_name: str, value: str | None, source: Source | None
    ) -> None:
        """Give ``thing`` the identifier a YAML field gives: PropertyValue and resolvable IRI."""
        if not value:
            return
        scheme = SCHEMES[field_name]
        self.m.add(thing, SDO.identifier, self.identifier(scheme.property_id, value, source))
        same_as = scheme.iri(value)
        if same_as:
            self.m.add(thing, SDO.sameAs, URIRef(same_as))

    def identifier(self, scheme: str, value: str, source: Source | None) -> URIRef:
        """A schema:PropertyValue node for an identifier in a scheme ("EP", "arXiv", "DOI")."""
        iri = self.m.mint("identifier", slugify(f"{scheme} {value}"), source, SDO.PropertyValue)
        self.m.add(iri, SDO.propertyID, scheme)
        self.m.add(iri, SDO.value, value)
        return iri

    def map_project(self, project: Project) -> None:
        m = self.m
        iri = m.mint("project", project.key, project.source, SDO.ResearchProject, FOAF.Project)
        m.add(iri, SDO.name, project.name)
        m.add(iri, SDO.description, project.description)
        if project.url:
            m.add(iri, SDO.url, URIRef(project.url))
        # A CV's project dates are the owner's involvement, so they go on the membership
        # role, not on the project another CV may date differently.
        role = m.mint(
            "role",
            self.own_slug(f"{project.key}-member"),
            project.source,
            SDO.OrganizationRole,
            exclusive=True,
        )
        m.add(self.person_iri, SDO.memberOf, role)
        m.add(role, SDO.memberOf, iri)
        if project.start:
            m.add(role, SDO.startDate, date_literal(project.start))
        if project.end:
            m.add(role, SDO.endDate, date_literal(project.end))
        m.add(self.person_iri, FOAF.pastProject if project.end else FOAF.currentProject, iri)

    # -- publications --------------------------------------------------------

    def publication(self, key: str) -> URIRef:
        return thing_iri(self.m.base, "publication", key)

    def author(self, author: Author, source: Source | None) -> URIRef:
        if author.person == self.owner_key:
            return self.person_iri
        person = self.people.get(author.person)
        if person is None:
            # A coauthor known only by this byline ("Family Initials").
            family, _, initials = author.written.rpartition(" ")
            person = Person(
                key=author.person,
                family_name=family or author.written,
                initials=initials if family else None,
                source=source,
            )
        return self.map_person(person, spellings=[author.written])

    def map_publication(self, pub: Publication) -> None:
        m = self.m
        iri = m.mint("publication", pub.key, pub.source, *_PUBLICATION_CLASSES[pub.kind])
        m.add(iri, SDO.name, pub.title)
        m.add(iri, SDO.datePublished, date_literal(pub.year))
        authors = [self.author(a, pub.source) for a in pub.authors]
        for person in authors:
            m.add(iri, SDO.author, person)
            m.add(iri, FOAF.maker, person)
            m.add(person, FOAF.made, iri)
        if authors and iri not in m.author_lists:
            # Once per paper, even when two CVs list it: two lists would disagree on order.
            m.author_lists.add(iri)
            m.add(iri, BIBO.authorList, _author_list(m.graph, pub.key, authors))
            # The names as this paper prints them ("Bach S" before the owner's name change).
            m.add(iri, LDCV.byline, BYLINE_SEPARATOR.join(a.written for a in pub.authors))

        if pub.kind == "journal-article" and pub.journal:
            m.add(iri, SDO.isPartOf, self.journal_part(pub))
        elif pub.kind in ("conference-paper", "workshop-paper") and pub.proceedings:
            proceedings = m.mint(
                "book", slugify(pub.proceedings), pub.source, SDO.Book, BIBO.Proceedings
            )
            m.add(proceedings, SDO.name, pub.proceedings)
            # A paper's ISBN is its proceedings'; schema:isbn is a property of a Book.
            m.add(proceedings, SDO.isbn, pub.isbn)
            m.add(iri, SDO.isPartOf, proceedings)
        elif pub.kind == "book-chapter" and (pub.book or pub.series):
            m.add(iri, SDO.isPartOf, self.book(pub))

        m.add(iri, BIBO.volume, pub.volume)
        m.add(iri, BIBO.issue, pub.issue)
        if pub.pages:
            m.add(iri, SDO.pagination, pub.pages)
            m.add(iri, SDO.pageStart, pub.page_start)
            m.add(iri, SDO.pageEnd, pub.page_end)
            m.add(iri, BIBO.pageStart, pub.page_start)
            m.add(iri, BIBO.pageEnd, pub.page_end)
        if pub.article_number:
            # Article numbers stand where page numbers would; bibo:locator is the exact term.
            m.add(iri, BIBO.locator, pub.article_number)
            if not pub.pages:
                m.add(iri, SDO.pagination, pub.article_number)

        if pub.kind == "preprint":
            m.add(iri, SDO.creativeWorkStatus, "Preprint")
        if pub.repository:
            self.identify(iri, pub.repository, pub.identifier, pub.source)
        if pub.doi:
            m.add(iri, BIBO.doi, pub.doi)
            self.identify(iri, "doi", pub.doi, pub.source)
        if pub.isbn:
            m.add(iri, BIBO.isbn13 if len(pub.isbn) == 13 else BIBO.isbn10, pub.isbn)
            self.identify(iri, "isbn", pub.isbn, pub.source)
        if pub.url:
            m.add(iri, SDO.url, URIRef(pub.url))
        # Notes in a CV's publication list are awards ("Best paper award winner").
        m.add(iri, SDO.award, pub.note)

    def journal_part(self, pub: Publication) -> URIRef:
        """The most specific container of a journal article: issue, volume or journal."""
        m, journal = self.m, pub.journal or ""
        slug = slugify(journal)
        container = m.mint("periodical", slug, pub.source, SDO.Periodical, BIBO.Journal)
        m.add(container, SDO.name, journal)
        if pub.volume:
            slug = f"{slug}-{slugify(pub.volume)}"
            volume = m.mint("volume", slug, pub.source, SDO.PublicationVolume)
            m.add(volume, SDO.volumeNumber, pub.volume)
            m.add(volume, SDO.isPartOf, container)
            container = volume
        if pub.issue:
            slug = f"{slug}-{slugify(pub.issue)}"
            issue = m.mint("issue", slug, pub.source, SDO.PublicationIssue, BIBO.Issue)
            m.add(issue, SDO.issueNumber, pub.issue)
            m.add(issue, SDO.isPartOf, container)
            container = issue
        return container

    def book(self, pub: Publication) -> URIRef:
        """The book a chapter is in; a volume of its series where the CV numbers it."""
        m = self.m
        if pub.book:
            name, slug = pub.book, slugify(pub.book)
        else:
            # Only the series and volume are known: "Lecture Notes in Computer Science 9887".
            name = f"{pub.series} {pub.volume}" if pub.volume else pub.series or ""
            slug = slugify(name)
        book = m.mint("book", slug, pub.source, SDO.Book, BIBO.Book)
        m.add(book, SDO.name, name)
        m.add(book, SDO.isbn, pub.isbn)  # a chapter's ISBN is its book's
        if pub.publisher:
            m.add(book, SDO.publisher, self.named_organization(pub.publisher, pub.source))
        if pub.place:
            place = m.mint("place", slugify(pub.place), pub.source, SDO.Place)
            m.add(place, SDO.name, pub.place)
            m.add(book, SDO.locationCreated, place)
        if pub.series:
            series = m.mint("series", slugify(pub.series), pub.source, SDO.BookSeries, BIBO.Series)
            m.add(series, SDO.name, pub.series)
            m.add(book, SDO.isPartOf, series)
            if pub.volume:
                m.add(book, RDF.type, SDO.PublicationVolume)
                m.add(book, SDO.volumeNumber, pub.volume)
        return book


def skill_slug(name: str) -> str:
    """The slug of a skill: ``"C++"`` is ``c-plus-plus``, ``"C#"`` ``c-sharp``, not ``c``."""
    return slugify(name.replace("+", " plus ").replace("#", " sharp "))


def _author_list(graph: Graph, key: str, authors: Sequence[URIRef]) -> BNode:
    """Write ``authors`` as an rdf:List and return its head.

    The cells are the only blank nodes in the graph; ids derived from the
    publication's key (not rdflib's random ones) keep every serialization, and so
    every ETag, the same from run to run.
    """
    cells = [BNode(f"{key}-author-{index + 1}") for index in range(len(authors))]
    for cell, following, person in zip(cells, [*cells[1:], RDF.nil], authors, strict=True):
        graph.add((cell, RDF.first, person))
        graph.add((cell, RDF.rest, following))
    return cells[0]


def _paragraphs(
    focus: str | None, paragraphs: Sequence[str], *labelled: tuple[str, Sequence[str]]
) -> str | None:
    """Join a research focus, paragraphs and labelled paragraph groups into one text."""
    parts = [f"Research focus: {focus}"] if focus else []
    parts.extend(paragraphs)
    for label, group in labelled:
        if group:
            parts.append(f"{label}: {group[0]}")
            parts.extend(group[1:])
    return "\n\n".join(parts) or None


def _service_homepage(site: str, url: str | None) -> str | None:
    if url:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}/"
    return SERVICE_HOMEPAGES.get(site.strip().lower())
