"""Build a CV from one file's read entries, checking keys and cross-references.

Entries arrive read against the format's tables, so each value has the right type; what
is left to check spans entries: keys unique in their section, references to keys that
exist, bylines that name people, and the owner's privacy lists.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ldcv.load import identifiers
from ldcv.load.cv_format import DEFAULT_PRIVATE, PRIVACY_FIELDS, REPOSITORIES
from ldcv.load.directory import (
    ORGANIZATION_IDENTIFIERS,
    PERSON_IDENTIFIERS,
    Declarations,
    Directory,
    PublicationFacts,
    Spelling,
    work_marks,
)
from ldcv.load.fields import Entry, FileReport, closest, unknown
from ldcv.load.identity import Byline, Claim, Identities, parse_byline
from ldcv.load.keys import SectionKeys, derive_key
from ldcv.load.slugs import initials_of, person_key, publication_key, slugify
from ldcv.model import (
    CV,
    Address,
    Author,
    Award,
    Education,
    LanguageSkill,
    Organization,
    Owner,
    PartialDate,
    PatentFamily,
    PatentGrant,
    Person,
    Position,
    Profile,
    Project,
    Publication,
    SkillGroup,
    Thesis,
)


def build_cv(f: FileReport, top: Entry, directory: Directory | None = None) -> CV | None:
    """The CV of a file's top-level entry; None if ``f`` has any problem.

    With the ``directory`` of every file's declarations, bylines and references resolve
    across files too, and the aliases no byline uses are left for the caller to report
    (``BuiltFile.report_unused_aliases``), once every file's bylines are known.
    """
    return build_file(f, top, directory).cv


@dataclass
class BuiltFile:
    """A file's CV and the spellings its bylines used, for checks across files."""

    cv: CV | None
    identities: Identities

    @property
    def used(self) -> set[tuple[str, tuple[str, str]]]:
        return self.identities.used

    def report_unused_aliases(self, used: set[tuple[str, tuple[str, str]]]) -> None:
        """Report this file's aliases that no byline of any file uses (``used``: all files')."""
        self.identities.check_unused_aliases(used)


def build_file(f: FileReport, top: Entry, directory: Directory | None = None) -> BuiltFile:
    """Build a file's CV against ``directory``; see ``build_cv``."""
    builder = _Builder(f, top, directory)
    cv = builder.build()
    return BuiltFile(cv, builder.ids)


def declare(name: str, top: Entry) -> Declarations:
    """What the file ``name`` declares for other files: its people, organisations, papers.

    Problems are not reported here: building the file reports them.
    """
    return _Builder(FileReport(name), top).declarations()


# What a publication listed in several files must agree on (besides its byline).
PUBLICATION_FACTS = (
    "kind",
    "title",
    "year",
    "journal",
    "proceedings",
    "book",
    "series",
    "volume",
    "issue",
    "pages",
    "article_number",
    "publisher",
    "place",
    "doi",
    "isbn",
    "url",
    "note",
    *REPOSITORIES,
)


class _AnyOf(Collection[str]):
    """The keys any of ``parts`` holds, asked about one by one (iterated only for a hint)."""

    def __init__(self, *parts: Collection[str]) -> None:
        self.parts = parts

    def __contains__(self, key: object) -> bool:
        return any(key in part for part in self.parts)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(set().union(*self.parts)))

    def __len__(self) -> int:
        return len(set().union(*self.parts))


def _by(*names: str) -> Callable[[Entry], str | None]:
    """Derive a key from these fields of an entry."""
    return lambda e: derive_key(*(e.get(n) for n in names))


def _award_key(e: Entry) -> str | None:
    year = e.get("year")
    return derive_key(e.get("name"), str(year.year) if year else None)


class _Builder:
    """Turn one file's entries into a CV, checking keys and cross-references."""

    def __init__(self, f: FileReport, top: Entry, directory: Directory | None = None) -> None:
        self.f = f
        self.top = top
        self.directory = directory
        # Cross-references (key, line, path), checked once every section is read.
        self.organization_refs: list[tuple[str, int, str]] = []
        self.person_refs: list[tuple[str, int, str]] = []
        self.publication_refs: list[tuple[str, int, str]] = []
        # Keys of entries with other problems: a reference to one is not dangling.
        self.unbuilt: dict[str, set[str]] = {"organizations": set(), "publications": set()}
        self.unbuilt_people: set[str] = set()

    def build(self) -> CV | None:
        top = self.top
        owner_entry = top.get("person")
        owner_key = self._owner_key(owner_entry) if owner_entry else None
        self.ids = self._identities(owner_key)
        # The owner first, so a spelling both claim is reported at the later entry.
        owner = self._owner(owner_entry, owner_key) if owner_entry else None
        people = self._people(top.get("people", ()), owner_key)
        organizations = self._section(
            "organizations", "organization", _by("name"), "name", self._organization
        )
        positions = self._section(
            "positions",
            "position",
            _by("organization", "title"),
            "organization and title",
            self._position,
        )
        education = self._education(top.get("education", ()))
        skills = self._section("skills", "skill", _by("category"), "category", self._skill)
        languages = self._section("languages", "language", _by("code"), "code", self._language)
        awards = self._section("awards", "award", _award_key, "name and year", self._award)
        patents = self._patents(top.get("patents", ()))
        projects = self._section("projects", "project", _by("name"), "name", self._project)
        publications = self._publications(top.get("publications", ()))
        self._check_one_entry_per_identifier()
        coauthors = self.ids.people()
        if self.directory is None:
            self.ids.check_unused_aliases()
        self.ids.warn_look_alikes()

        own_organizations = {o.key for o in organizations} | self.unbuilt["organizations"]
        own_people = {p.key for p in (*people, *coauthors)} | self.unbuilt_people
        organization_keys: Collection[str] = own_organizations
        person_keys: Collection[str] = own_people
        if self.directory is not None:
            # Every file's keys, asked about one by one: never all of them gathered.
            organization_keys = _AnyOf(organization_keys, self.directory.organization_keys())
            person_keys = _AnyOf(person_keys, self.ids.person_keys.keys())
        publication_keys = {p.key for p in publications} | self.unbuilt["publications"]
        for ref, line, path in self.organization_refs:
            self._check_ref(ref, line, path, organization_keys, "organization")
        for ref, line, path in self.person_refs:
            self._check_ref(ref, line, path, person_keys, "person")
        for ref, line, path in self.publication_refs:
            self._check_ref(ref, line, path, publication_keys, "publication")
        if self.f.problems or owner is None:
            return None
        known = {owner.key, *(p.key for p in (*people, *coauthors))}
        referenced = [a.person for p in publications for a in p.authors]
        referenced += [k for p in positions for k in p.supervisors]
        referenced += [k for e in education if e.thesis for k in e.thesis.supervisors]
        organizations += self._organizations_elsewhere(
            organizations,
            [*(p.organization for p in positions), *(e.organization for e in education)],
        )
        return CV(
            owner=owner,
            people=(*people, *coauthors, *self._people_elsewhere(referenced, known)),
            organizations=organizations,
            positions=positions,
            education=education,
            skills=skills,
            languages=languages,
            awards=awards,
            patents=patents,
            projects=projects,
            publications=publications,
            source=self.f.source(1),
            warnings=tuple(self.f.warnings),
        )

    # -- across files

    def _identities(self, owner_key: str | None) -> Identities:
        directory, name = self.directory, self.f.name
        if directory is None:
            return Identities(self.f, owner_key)

        def elsewhere(ident: tuple[str, str]) -> list[Claim]:
            return [
                Claim(s.key, s.written, s.line, s.path, s.explicit, s.alias, file=other)
                for other, s in directory.spellings_of(ident, name)
            ]

        return Identities(self.f, owner_key, elsewhere, directory.person_keys_elsewhere(name))

    def _people_elsewhere(self, referenced: list[str], known: set[str]) -> tuple[Person, ...]:
        """The people other files declare that this file names: described here too."""
        if self.directory is None:
            return ()
        found = (self.directory.person(k) for k in dict.fromkeys(referenced) if k not in known)
        return tuple(p for p in found if p is not None)

    def _organizations_elsewhere(
        self, own: tuple[Organization, ...], referenced: list[str]
    ) -> tuple[Organization, ...]:
        """The organisations other files declare that this file names, with their parents."""
        if self.directory is None:
            return ()
        known = {o.key for o in own}
        pending = [*referenced, *(o.parent for o in own if o.parent)]
        found: list[Organization] = []
        while pending:
            key = pending.pop(0)
            organization = None if key in known else self.directory.organization(key)
            known.add(key)
            if organization is not None:
                found.append(organization)
                if organization.parent:
                    pending.append(organization.parent)
        return tuple(found)

    def declarations(self) -> Declarations:
        top = self.top
        owner_entry = top.get("person")
        owner_key = self._owner_key(owner_entry) if owner_entry else None
        self.ids = Identities(self.f, owner_key)
        owner = self._owner(owner_entry, owner_key) if owner_entry else None
        people = self._people(top.get("people", ()), owner_key)
        organizations = self._section(
            "organizations", "organization", _by("name"), "name", self._organization
        )
        declared_people = list(people)
        if owner is not None:
            declared_people.insert(
                0,
                Person(
                    key=owner.key,
                    family_name=owner.family_name,
                    given_name=owner.given_name,
                    name=owner.name,
                    honorific_prefix=owner.honorific_prefix
                    if owner.is_public("honorific_prefix")
                    else None,
                    aliases=owner.aliases if owner.is_public("aliases") else (),
                    source=owner.source,
                    orcid=owner.orcid if owner.is_public("orcid") else None,
                ),
            )
        spellings = tuple(
            Spelling(c.key, c.written, c.line, c.path, c.explicit, c.alias)
            for claims in self.ids.claims.values()
            for c in claims
            if c.key
        )
        return Declarations(
            file=self.f.name,
            owner=owner_key,
            people=tuple(declared_people),
            spellings=spellings,
            organizations=organizations,
            publications=self._publication_facts(top.get("publications", ())),
        )

    def _publication_facts(self, entries: tuple[Entry, ...]) -> tuple[PublicationFacts, ...]:
        keys = SectionKeys(FileReport(self.f.name), "publication")
        found = []
        for e in entries:
            authors = e.items("authors")
            first = parse_byline(authors[0].value) if authors else None
            year, title = e.get("year"), e.get("title")
            derived = (
                publication_key(first.family, year.year, title)
                if first and year and title
                else None
            )
            key = keys.claim(e, derived, "first author, year and title")
            if key is None:
                continue
            facts = [("authors", "; ".join(i.value for i in authors))]
            for name in PUBLICATION_FACTS:
                value = e.get(name)
                if value is not None:
                    facts.append((name, str(value)))
            marks = work_marks({name: e.get(name) for name in ("doi", *REPOSITORIES)})
            found.append(PublicationFacts(key, e.line, tuple(facts), marks))
        return tuple(found)

    def _check_ref(self, ref: str, line: int, path: str, keys: Collection[str], what: str) -> None:
        if ref in keys:
            return
        close = closest(ref, keys)
        hint = f"; did you mean '{close}'?" if close else ""
        self.f.problem(line, path, f"'{ref}' is not the key of any {what}{hint}")

    def _ref(self, refs: list[tuple[str, int, str]], entry: Entry, name: str) -> str | None:
        value = entry.get(name)
        if value is not None:
            refs.append((value, *entry.where(name)))
        return value

    def _refs(self, refs: list[tuple[str, int, str]], entry: Entry, name: str) -> tuple[str, ...]:
        for item in entry.items(name):
            refs.append((item.value, item.line, item.path))
        return entry.texts(name)

    def _section(
        self,
        name: str,
        what: str,
        derive: Callable[[Entry], str | None],
        derived_from: str,
        build: Callable[[Entry, str], Any],
    ) -> tuple:
        keys = SectionKeys(self.f, what)
        built = []
        for entry in self.top.get(name, ()):
            key = keys.claim(entry, derive(entry), derived_from)
            if key is None:
                continue
            try:
                built.append(build(entry, key))
            except _Incomplete:
                self.unbuilt.setdefault(name, set()).add(key)
        return tuple(built)

    # -- owner and people

    def _owner_key(self, e: Entry) -> str | None:
        if e.get("key") or "key" in e.invalid:
            return e.get("key")
        name = e.get("name") or derive_key(e.get("given_name"), e.get("family_name"))
        key = slugify(name) if name else None
        if key == "":
            self.f.problem(e.line, e.where("key")[1], "cannot derive a key from name; add key:")
        return key or None

    def _owner(self, e: Entry, key: str | None) -> Owner | None:
        for item in e.items("aliases"):
            self.ids.claim(
                Claim(key or "", item.value, item.line, item.path, explicit=True, alias=True)
            )
        given, family = e.get("given_name"), e.get("family_name")
        if key and given:
            self.ids.given_names.append((given, family or "", key))
            # Not claims: the owner is only who ``aliases`` says; these spellings earn a warning.
            for fam in (family, e.get("birth_family_name")):
                if fam:
                    self.ids.owner_forms.add(Byline(fam, initials_of(given)).ident)
        profiles = self._profiles(e.get("profiles", ()))
        self._check_orcid_profiles(e)
        private = self._privacy(e)
        if key is None or given is None or family is None:
            return None
        address = e.get("address")
        return Owner(
            key=key,
            name=e.get("name") or f"{given} {family}",
            given_name=given,
            family_name=family,
            honorific_prefix=e.get("honorific_prefix"),
            birth_name=e.get("birth_name"),
            birth_family_name=e.get("birth_family_name"),
            birth_date=e.get("birth_date"),
            email=e.get("email"),
            telephone=e.get("telephone"),
            address=Address(**address.values) if address else None,
            homepage=e.get("homepage"),
            orcid=e.get("orcid"),
            profiles=profiles,
            bio=e.get("bio"),
            aliases=e.texts("aliases"),
            private=private,
            source=self.f.source(e.line),
        )

    def _privacy(self, e: Entry) -> frozenset[str]:
        public = e.items("public")
        private = e.items("private")
        for item in public:
            if item.value in PRIVACY_FIELDS and item.value not in DEFAULT_PRIVATE:
                self.f.problem(
                    item.line,
                    item.path,
                    f"'{item.value}' is public already; public: lifts only the private "
                    f"defaults {', '.join(sorted(DEFAULT_PRIVATE))}",
                )
        for item in (*public, *private):
            if item.value not in PRIVACY_FIELDS:
                self.f.problem(item.line, item.path, unknown(item.value, PRIVACY_FIELDS, "field"))
        private_names = {item.value for item in private}
        for item in public:
            if item.value in private_names:
                self.f.problem(
                    item.line, item.path, f"'{item.value}' is listed in both public and private"
                )
        return frozenset((DEFAULT_PRIVATE - {i.value for i in public}) | private_names)

    def _check_orcid_profiles(self, e: Entry) -> None:
        """Report an ORCID profile whose address names another iD than ``orcid:``."""
        orcid = e.get("orcid")
        for profile in e.get("profiles", ()) if orcid else ():
            url = profile.get("url")
            if url is None or urlsplit(url).hostname not in ("orcid.org", "www.orcid.org"):
                continue
            try:
                named = identifiers.orcid(url)
            except ValueError:
                named = None
            if named != orcid:
                line, path = profile.where("url")
                self.f.problem(
                    line,
                    path,
                    f"'{url}' is not the ORCID iD {orcid} that person.orcid gives "
                    f"(line {e.where('orcid')[0]}); one of them has a typo",
                )

    def _profiles(self, entries: tuple[Entry, ...]) -> tuple[Profile, ...]:
        keys = SectionKeys(self.f, "profile")
        profiles = []
        for e in entries:
            key = keys.claim(e, derive_key(e.get("site")), "site")
            if key and e.get("site"):
                profiles.append(
                    Profile(
                        key=key,
                        site=e.get("site"),
                        url=e.get("url"),
                        username=e.get("username"),
                        source=self.f.source(e.line),
                    )
                )
        return tuple(profiles)

    def _people(self, entries: tuple[Entry, ...], owner_key: str | None) -> tuple[Person, ...]:
        keys = SectionKeys(self.f, "person")
        if owner_key and self.top.get("person"):
            keys.first[owner_key] = self.top.get("person")
            self.ids.person_keys[owner_key] = "person"
        people = []
        for e in entries:
            family, given, initials = e.get("family_name"), e.get("given_name"), e.get("initials")
            derived = person_key(family, given, initials) if family else None
            key = keys.claim(e, derived, "given_name and family_name")
            if key is None:
                continue
            self.ids.person_keys[key] = e.path
            if family is None:
                self.unbuilt_people.add(key)
                continue
            if given:
                self.ids.given_names.append((given, family, key))
            if initials or given:
                written = f"{family} {initials or initials_of(given)}"
                line, path = e.where("initials") if initials else e.where("given_name")
                self.ids.claim(
                    Claim(key, written, line, path, explicit=bool(initials), alias=False)
                )
            for item in e.items("aliases"):
                self.ids.claim(
                    Claim(key, item.value, item.line, item.path, explicit=True, alias=True)
                )
            people.append(
                Person(
                    key=key,
                    family_name=family,
                    given_name=given,
                    initials=initials,
                    name=e.get("name"),
                    honorific_prefix=e.get("honorific_prefix"),
                    aliases=e.texts("aliases"),
                    source=self.f.source(e.line),
                    orcid=e.get("orcid"),
                )
            )
        return tuple(people)

    # -- organisations, positions, education

    def _organization(self, e: Entry, key: str) -> Organization:
        self._ref(self.organization_refs, e, "parent")
        return Organization(
            key=key,
            name=_need(e, "name"),
            kind=e.get("kind", "organization"),
            alternate_names=e.texts("alternate_names"),
            locality=e.get("locality"),
            country=e.get("country"),
            parent=e.get("parent"),
            url=e.get("url"),
            source=self.f.source(e.line),
            ror=e.get("ror"),
            wikidata=e.get("wikidata"),
        )

    def _check_period(self, e: Entry) -> None:
        start, end = e.get("start"), e.get("end")
        if start is not None and end is not None and _before(end, start):
            line, path = e.where("end")
            self.f.problem(line, path, f"ends ({end}) before it starts ({start})")

    def _position(self, e: Entry, key: str) -> Position:
        self._check_period(e)
        organization = self._ref(self.organization_refs, e, "organization")
        supervisors = self._refs(self.person_refs, e, "supervisors")
        return Position(
            key=key,
            title=_need(e, "title"),
            organization=_need_value(organization),
            start=_need(e, "start"),
            end=e.get("end"),
            research_focus=e.get("research_focus"),
            description=e.texts("description"),
            tasks=e.texts("tasks"),
            other_work=e.texts("other_work"),
            supervisors=supervisors,
            source=self.f.source(e.line),
        )

    def _education(self, entries: tuple[Entry, ...]) -> tuple[Education, ...]:
        keys = SectionKeys(self.f, "education")
        thesis_keys = SectionKeys(self.f, "thesis")
        built = []
        for e in entries:
            key = keys.claim(
                e, derive_key(e.get("organization"), e.get("degree")), "organization and degree"
            )
            if key is None:
                continue
            self._check_period(e)
            organization = self._ref(self.organization_refs, e, "organization")
            thesis = None
            thesis_entry = e.get("thesis")
            if thesis_entry is not None:
                thesis_key = thesis_keys.claim(thesis_entry, f"{key}-thesis", "the education key")
                supervisors = self._refs(self.person_refs, thesis_entry, "supervisors")
                if thesis_key and thesis_entry.get("title"):
                    thesis = Thesis(
                        key=thesis_key,
                        title=thesis_entry.get("title"),
                        supervisors=supervisors,
                        grade=thesis_entry.get("grade"),
                        source=self.f.source(thesis_entry.line),
                    )
            if not (e.get("degree") and organization and e.get("start")):
                continue
            built.append(
                Education(
                    key=key,
                    degree=e.get("degree"),
                    organization=organization,
                    start=e.get("start"),
                    end=e.get("end"),
                    category=e.get("category"),
                    level=e.get("level"),
                    field_of_study=e.get("field_of_study"),
                    distinction=e.get("distinction"),
                    grade=e.get("grade"),
                    research_focus=e.get("research_focus"),
                    description=e.texts("description"),
                    thesis=thesis,
                    source=self.f.source(e.line),
                )
            )
        return tuple(built)

    # -- skills, languages, awards, patents, projects

    def _skill(self, e: Entry, key: str) -> SkillGroup:
        return SkillGroup(
            key=key,
            category=_need(e, "category"),
            summary=e.get("summary"),
            items=e.texts("items"),
            source=self.f.source(e.line),
        )

    def _language(self, e: Entry, key: str) -> LanguageSkill:
        return LanguageSkill(
            key=key,
            name=_need(e, "name"),
            code=_need(e, "code"),
            level=_need(e, "level"),
            source=self.f.source(e.line),
        )

    def _award(self, e: Entry, key: str) -> Award:
        for_work = self._ref(self.publication_refs, e, "for")
        return Award(
            key=key,
            name=_need(e, "name"),
            year=_need(e, "year"),
            rank=e.get("rank"),
            awarded_by=e.get("awarded_by"),
            description=e.get("description"),
            description_language=e.get("description_language"),
            for_work=for_work,
            source=self.f.source(e.line),
        )

    def _patents(self, entries: tuple[Entry, ...]) -> tuple[PatentFamily, ...]:
        keys = SectionKeys(self.f, "patent")
        grant_keys = SectionKeys(self.f, "patent grant")
        families = []
        for e in entries:
            key = keys.claim(e, derive_key(e.get("title")), "title")
            grants = []
            for g in e.get("grants", ()):
                grant_key = grant_keys.claim(
                    g, derive_key(g.get("office"), g.get("number")), "office and number"
                )
                title = g.get("title") or e.get("title")
                if grant_key and title and g.get("office") and g.get("number") and g.get("granted"):
                    grants.append(
                        PatentGrant(
                            key=grant_key,
                            office=g.get("office"),
                            number=g.get("number"),
                            title=title,
                            granted=g.get("granted"),
                            source=self.f.source(g.line),
                        )
                    )
            if key and e.get("title"):
                families.append(
                    PatentFamily(
                        key=key,
                        title=e.get("title"),
                        grants=tuple(grants),
                        source=self.f.source(e.line),
                    )
                )
        return tuple(families)

    def _project(self, e: Entry, key: str) -> Project:
        self._check_period(e)
        return Project(
            key=key,
            name=_need(e, "name"),
            description=e.get("description"),
            start=e.get("start"),
            end=e.get("end"),
            url=e.get("url"),
            source=self.f.source(e.line),
        )

    # -- publications

    def _publications(self, entries: tuple[Entry, ...]) -> tuple[Publication, ...]:
        keys = SectionKeys(self.f, "publication")
        same: dict[tuple[str, ...], Entry] = {}
        built = []
        for e in entries:
            authors = tuple(
                (item, self.ids.resolve(item.value, item.line, item.path))
                for item in e.items("authors")
            )
            first = parse_byline(authors[0][0].value) if authors else None
            year, title = e.get("year"), e.get("title")
            derived = (
                publication_key(first.family, year.year, title)
                if first and year and title
                else None
            )
            key = keys.claim(e, derived, "first author, year and title")
            if key is None:
                continue
            if self._same_publication(e, same):
                self.unbuilt["publications"].add(key)
                continue
            repository, identifier = self._repository(e)
            if not (title and year and e.get("kind") and authors and all(k for _, k in authors)):
                self.unbuilt["publications"].add(key)
                continue
            built.append(
                Publication(
                    key=key,
                    kind=e.get("kind"),
                    title=title,
                    authors=tuple(Author(written=i.value, person=k) for i, k in authors),
                    year=year,
                    journal=e.get("journal"),
                    proceedings=e.get("proceedings"),
                    book=e.get("book"),
                    series=e.get("series"),
                    volume=e.get("volume"),
                    issue=e.get("issue"),
                    pages=e.get("pages"),
                    article_number=e.get("article_number"),
                    publisher=e.get("publisher"),
                    place=e.get("place"),
                    repository=repository,
                    identifier=identifier,
                    doi=e.get("doi"),
                    url=e.get("url"),
                    note=e.get("note"),
                    source=self.f.source(e.line),
                    isbn=e.get("isbn"),
                )
            )
        return tuple(built)

    def _same_publication(self, e: Entry, seen: dict[tuple[str, ...], Entry]) -> bool:
        """Report a publication listed twice: same title and year, same DOI or preprint id."""
        year = e.get("year")
        marks: list[tuple[str, ...]] = []
        if e.get("title") and year:
            marks.append(("title", slugify(e.get("title")), str(year.year)))
        known_as = work_marks({name: e.get(name) for name in ("doi", *REPOSITORIES)})
        marks.extend(tuple(mark.split(":", 1)) for mark in known_as)
        for mark in marks:
            earlier = seen.get(mark)
            if earlier is not None:
                self.f.problem(
                    e.line,
                    e.path,
                    f"the same publication as {earlier.path} on line {earlier.line} "
                    f"(same {'title and year' if mark[0] == 'title' else mark[0]})",
                )
                return True
        for mark in marks:
            seen[mark] = e
        return False

    def _check_one_entry_per_identifier(self) -> None:
        """Report two people with one ORCID iD, two organisations with one ROR id or item."""
        people = [self.top.get("person"), *self.top.get("people", ())]
        self._one_entry_per(people, PERSON_IDENTIFIERS, "person")
        organizations = self.top.get("organizations", ())
        self._one_entry_per(organizations, ORGANIZATION_IDENTIFIERS, "organization")

    def _one_entry_per(
        self, entries: Iterable[Entry | None], names: dict[str, str], what: str
    ) -> None:
        seen: dict[tuple[str, str], Entry] = {}
        for e in entries:
            if e is None:
                continue
            for name in names:
                value = e.get(name)
                if value is None:
                    continue
                earlier = seen.setdefault((name, value), e)
                if earlier is not e:
                    line, path = e.where(name)
                    self.f.problem(
                        line,
                        path,
                        f"{earlier.path} (line {earlier.line}) has this {names[name]} too; "
                        f"one {what} needs one entry: merge the two",
                    )

    def _repository(self, e: Entry) -> tuple[Any, str | None]:
        given = [name for name in REPOSITORIES if e.get(name)]
        for extra in given[1:]:
            line, path = e.where(extra)
            self.f.problem(line, path, f"give only one of {', '.join(REPOSITORIES)}")
        return (given[0], e.get(given[0])) if given else (None, None)


class _Incomplete(Exception):
    """An entry lacks a required value; its problem is already reported."""


def _need(e: Entry, name: str) -> Any:
    return _need_value(e.get(name))


def _need_value(value: Any) -> Any:
    if value is None:
        raise _Incomplete
    return value


def _before(a: PartialDate, b: PartialDate) -> bool:
    """Whether ``a`` is before ``b`` at the coarser of their two precisions."""
    parts_a = [p for p in (a.year, a.month, a.day) if p is not None]
    parts_b = [p for p in (b.year, b.month, b.day) if p is not None]
    depth = min(len(parts_a), len(parts_b))
    return parts_a[:depth] < parts_b[:depth]
