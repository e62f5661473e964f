"""What each file declares that every other file may use, so that a group's CVs make one dataset.

A group's CVs overlap: a colleague is one CV's owner and a byline in another's, a
supervisor is declared under ``people:`` in several, a paper two members wrote is listed
by both. Each file's ``Declarations`` (its people and the spellings that name them, its
organisations, the facts of its publications) are read before any file is built, and
the ``Directory`` of all of them resolves every file's bylines and references: anyone
declared anywhere is known everywhere, and one key is one resource across files.

Declarations are plain data (``to_json``/``from_json``): the store keeps each file's,
so that an incremental index builds a changed file against the unchanged ones without
reading them again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from operator import itemgetter
from typing import Any, Protocol

from ldcv.errors import Problem
from ldcv.load.identifiers import arxiv_mark, doi_mark
from ldcv.load.identity import parse_byline
from ldcv.model import Organization, Person, Source

# What two declarations of one person, organisation or publication must agree on, where
# both give it.
PERSON_FACTS = ("family_name", "given_name", "initials", "name", "honorific_prefix", "orcid")
# An owner declared as someone else's coauthor.
OWNER_FACTS = ("family_name", "given_name", "orcid")
ORGANIZATION_FACTS = ("name", "kind", "locality", "country", "parent", "url", "ror", "wikidata")
# The identifiers that name one person or organisation anywhere: two keys with one of
# them are one thing under two names. (An ISBN is no such mark for a work: every chapter
# of a book has the book's.)
PERSON_IDENTIFIERS = {"orcid": "ORCID iD"}
ORGANIZATION_IDENTIFIERS = {"ror": "ROR id", "wikidata": "Wikidata item"}
# The version of what ``to_json`` writes and of the loader reading the files: the store
# indexes again every file recorded under another (``is_current``).
DECLARATIONS_FORMAT = 2


def work_marks(identifiers: dict[str, str | None]) -> tuple[str, ...]:
    """What identifies a work anywhere, from its ``doi``, ``arxiv``, ``biorxiv``, ``medrxiv``.

    "doi:10.…" (case-folded: DOIs are case-insensitive), "arxiv:2109.04236" (without
    its version: v2 is the same work).
    """
    marks = []
    for name, value in identifiers.items():
        if value:
            if name == "doi":
                value = doi_mark(value)
            elif name == "arxiv":
                value = arxiv_mark(value)
            marks.append(f"{name}:{value}")
    return tuple(marks)


@dataclass(frozen=True)
class Spelling:
    """A spelling a file lets name a person: an alias, written initials, or derived ones."""

    key: str
    written: str
    line: int
    path: str
    explicit: bool
    alias: bool


@dataclass(frozen=True)
class PublicationFacts:
    """A publication as its file states it, for comparing the files that list it."""

    key: str
    line: int
    facts: tuple[tuple[str, str], ...]  # field → the value as written
    marks: tuple[str, ...] = ()  # "doi:10.…", "arxiv:2109.04236": what identifies it anywhere


@dataclass(frozen=True)
class Declarations:
    """Everything one file declares that other files may refer to."""

    file: str
    owner: str | None  # the owner's key
    people: tuple[Person, ...]  # the owner (as other files may name them) first, then people:
    spellings: tuple[Spelling, ...]
    organizations: tuple[Organization, ...]
    publications: tuple[PublicationFacts, ...]

    def to_json(self) -> dict[str, Any]:
        """Return these declarations as JSON-able data."""
        return {**asdict(self), "format": DECLARATIONS_FORMAT}

    @staticmethod
    def is_current(data: dict[str, Any] | None) -> bool:
        """Whether ``to_json`` wrote ``data`` in this format, for this loader."""
        return data is not None and data.get("format") == DECLARATIONS_FORMAT

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Declarations:
        """Read declarations written by ``to_json``."""
        return cls(
            file=data["file"],
            owner=data["owner"],
            people=tuple(person_from_json(p) for p in data["people"]),
            spellings=tuple(Spelling(**s) for s in data["spellings"]),
            organizations=tuple(organization_from_json(o) for o in data["organizations"]),
            publications=tuple(
                PublicationFacts(
                    key=p["key"],
                    line=p["line"],
                    facts=tuple(tuple(f) for f in p["facts"]),  # type: ignore[misc]
                    marks=tuple(p["marks"]),
                )
                for p in data["publications"]
            ),
        )


# What a directory looks up by key, each kind from every file's declarations
# (``entries_of``): a person, organisation or publication by its key, a publication by its
# marks, a person or organisation by an identifier, the spellings of a byline by its ident
# ("family\x1finitials"), and the file a person owns by the owner's key.
KINDS = (
    "people",
    "organizations",
    "publications",
    "marks",
    "people_by_id",
    "organizations_by_id",
    "spellings",
    "owners",
)


def ident_key(ident: tuple[str, str]) -> str:
    """The key the ``spellings`` of a byline's ident are looked up under."""
    return "\x1f".join(ident)


def entries_of(declared: Declarations) -> Iterator[tuple[str, str, Any, tuple[str, int] | None]]:
    """Every ``(kind, key, entry, place)`` a file's declarations let other files look up.

    ``place`` is where the entry is in ``to_json``'s data: its section and position.
    """
    if declared.owner:
        yield "owners", declared.owner, None, None
    for number, person in enumerate(declared.people):
        yield "people", person.key, person, ("people", number)
        for mark in _marks(person, PERSON_IDENTIFIERS):
            yield "people_by_id", mark, person, ("people", number)
    for number, organization in enumerate(declared.organizations):
        place = ("organizations", number)
        yield "organizations", organization.key, organization, place
        for mark in _marks(organization, ORGANIZATION_IDENTIFIERS):
            yield "organizations_by_id", mark, organization, place
    for number, publication in enumerate(declared.publications):
        yield "publications", publication.key, publication, ("publications", number)
        for mark in publication.marks:
            yield "marks", mark, publication, ("publications", number)
    for number, spelling in enumerate(declared.spellings):
        byline = parse_byline(spelling.written)
        if byline is not None:
            yield "spellings", ident_key(byline.ident), spelling, ("spellings", number)


class DeclaredElsewhere(Protocol):
    """The declarations of files not in memory (the store's tables), looked up by key."""

    def entries(self, kind: str, key: str) -> list[tuple[str, Any]]:
        """The ``(file, entry)`` of ``kind`` under ``key``, by file name (``entries_of``)."""
        ...

    def keys(self, kind: str) -> Iterable[tuple[str, str]]:
        """Every ``(key, file)`` of ``kind``."""
        ...


class Directory:
    """Every file's declarations, looked up from any one file.

    ``declarations`` are held in memory; with ``elsewhere``, the other files' are looked
    up there, except those of the files in ``hidden`` (and of the files held here).
    """

    def __init__(
        self,
        declarations: Iterable[Declarations],
        elsewhere: DeclaredElsewhere | None = None,
        hidden: Iterable[str] = (),
    ) -> None:
        self.files: dict[str, Declarations] = {d.file: d for d in declarations}
        self._elsewhere = elsewhere
        self._hidden = frozenset(hidden) | self.files.keys()
        self._own: dict[str, dict[str, list[tuple[str, Any]]]] = {
            kind: defaultdict(list) for kind in KINDS
        }
        # In file order: "the first file declaring it" is the first by name.
        for name in sorted(self.files):
            for kind, key, entry, _ in entries_of(self.files[name]):
                self._own[kind][key].append((name, entry))

    def _declared(self, kind: str, key: str) -> list[tuple[str, Any]]:
        """The ``(file, entry)`` of ``kind`` under ``key`` in every file, by file name."""
        own = self._own[kind].get(key, [])
        if self._elsewhere is None:
            return own
        hidden = self._hidden
        below = [(n, e) for n, e in self._elsewhere.entries(kind, key) if n not in hidden]
        if not below:
            return own
        return sorted([*below, *own], key=itemgetter(0)) if own else below

    def _keys(self, kind: str) -> set[str]:
        """Every key of ``kind`` some file declares."""
        keys = {key for key, found in self._own[kind].items() if found}
        if self._elsewhere is not None:
            hidden = self._hidden
            keys.update(key for key, name in self._elsewhere.keys(kind) if name not in hidden)
        return keys

    def spellings_of(self, ident: tuple[str, str], file: str) -> list[tuple[str, Spelling]]:
        """The spellings other files declare for the byline ``ident``, with their files."""
        declared = self._declared("spellings", ident_key(ident))
        return [(name, spelling) for name, spelling in declared if name != file]

    def person_keys_elsewhere(self, file: str) -> Mapping[str, str]:
        """The keys of the people other files declare, each with the first file declaring it.

        Looked up key by key: a file asks about the few keys it would give.
        """
        return _KeysElsewhere(self, file)

    def person(self, key: str) -> Person | None:
        """The person declared under ``key``: as the owner's file has them, else the first file."""
        declared = self._declared("people", key)
        if not declared:
            return None
        owners = {name for name, _ in self._declared("owners", key)}
        for name, person in declared:
            if name in owners:
                return person
        return declared[0][1]

    def organization(self, key: str) -> Organization | None:
        """The organisation declared under ``key``, as the first file declaring it has it."""
        declared = self._declared("organizations", key)
        return declared[0][1] if declared else None

    def organization_keys(self) -> Collection[str]:
        """The keys of every file's organisations (looked up one by one when asked about one)."""
        return _DeclaredKeys(self, "organizations")

    def conflicts(self, file: str) -> list[Problem]:
        """What ``file`` declares differently from another file: same key, other facts."""
        problems: list[Problem] = []
        declared = self.files.get(file)
        if declared is None:
            return problems
        for person in declared.people:
            facts = OWNER_FACTS if person.key in self._owners_of(person.key) else PERSON_FACTS
            for name, other in self._declared("people", person.key):
                if name != file:
                    differing = _differing(person, other, facts)
                    if differing:
                        problems.append(
                            _disagreement(
                                file,
                                person.source,
                                "person",
                                person.key,
                                name,
                                other.source,
                                differing,
                            )
                        )
                        break
        for organization in declared.organizations:
            for name, other in self._declared("organizations", organization.key):
                if name != file:
                    differing = _differing(organization, other, ORGANIZATION_FACTS)
                    if differing:
                        problems.append(
                            _disagreement(
                                file,
                                organization.source,
                                "organization",
                                organization.key,
                                name,
                                other.source,
                                differing,
                            )
                        )
                        break
        for publication in declared.publications:
            problems.extend(self._publication_conflicts(file, publication))
        for person in declared.people:
            problems.extend(
                _same_identifier(file, person, "person", PERSON_IDENTIFIERS, self, "people_by_id")
            )
        for organization in declared.organizations:
            problems.extend(
                _same_identifier(
                    file,
                    organization,
                    "organization",
                    ORGANIZATION_IDENTIFIERS,
                    self,
                    "organizations_by_id",
                )
            )
        return problems

    def _owners_of(self, key: str) -> set[str]:
        """``{key}`` if some file's owner has ``key``, else nothing."""
        return {key} if self._declared("owners", key) else set()

    def _publication_conflicts(self, file: str, publication: PublicationFacts) -> list[Problem]:
        problems = []
        mine = dict(publication.facts)
        for name, other in self._declared("publications", publication.key):
            if name == file:
                continue
            theirs = dict(other.facts)
            differing = sorted(f for f in mine.keys() & theirs.keys() if mine[f] != theirs[f])
            if differing:
                detail = "; ".join(
                    f"{f}: {_shown(mine[f])} here, {_shown(theirs[f])} there" for f in differing
                )
                problems.append(
                    Problem(
                        file,
                        publication.line,
                        "publications",
                        f"'{publication.key}' is also listed in {name}:{other.line}, "
                        f"differently ({detail}); one paper must be described alike in every CV",
                    )
                )
                break
        for mark in publication.marks:
            for name, other in self._declared("marks", mark):
                if other.key != publication.key:
                    problems.append(
                        Problem(
                            file,
                            publication.line,
                            "publications",
                            f"'{publication.key}' has the same {mark.split(':', 1)[0]} as "
                            f"'{other.key}' in {name}:{other.line}; one paper needs one key: "
                            f"use '{other.key}' here too",
                        )
                    )
                    break
        return problems


def _marks(entry: Any, identifiers: dict[str, str]) -> list[str]:
    return [f"{name}:{getattr(entry, name)}" for name in identifiers if getattr(entry, name)]


def _same_identifier(
    file: str,
    entry: Person | Organization,
    what: str,
    identifiers: dict[str, str],
    directory: Directory,
    kind: str,
) -> list[Problem]:
    """Report another file's declaration under another key with one of ``entry``'s identifiers.

    Within one file the builder reports it, at the entry's field.
    """
    problems = []
    for mark in _marks(entry, identifiers):
        for name, other in directory._declared(kind, mark):
            if name != file and other.key != entry.key:
                where = f"{name}:{other.source.line}" if other.source else name
                scheme, value = mark.split(":", 1)
                problems.append(
                    Problem(
                        file,
                        entry.source.line if entry.source else None,
                        scheme,
                        f"{what} '{entry.key}' has the {identifiers[scheme]} {value} of "
                        f"'{other.key}' in {where}; one {what} needs one key: use "
                        f"key: {other.key} here too",
                    )
                )
                break
    return problems


class _KeysElsewhere(Mapping[str, str]):
    """``Directory.person_keys_elsewhere``: the first file declaring each key, one by one."""

    def __init__(self, directory: Directory, file: str) -> None:
        self.directory = directory
        self.file = file

    def __getitem__(self, key: str) -> str:
        declared = self.directory._declared("people", key)
        if not any(name != self.file for name, _ in declared):
            raise KeyError(key)
        return declared[0][0]

    def __iter__(self) -> Iterator[str]:
        return (key for key in sorted(self.directory._keys("people")) if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _DeclaredKeys(Collection[str]):
    """The keys of ``kind`` every file declares, looked up one by one."""

    def __init__(self, directory: Directory, kind: str) -> None:
        self.directory = directory
        self.kind = kind

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self.directory._declared(self.kind, key))

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.directory._keys(self.kind)))

    def __len__(self) -> int:
        return len(self.directory._keys(self.kind))


def _differing(a: Any, b: Any, names: Iterable[str]) -> list[tuple[str, Any, Any]]:
    """The facts both give, differently: one file may say what another leaves out."""
    pairs = [(n, getattr(a, n), getattr(b, n)) for n in names]
    return [(n, x, y) for n, x, y in pairs if x is not None and y is not None and x != y]


def _shown(value: Any) -> str:
    return "nothing" if value is None else f"'{value}'"


def _disagreement(
    file: str,
    source: Source | None,
    what: str,
    key: str,
    other_file: str,
    other_source: Source | None,
    differing: list[tuple[str, Any, Any]],
) -> Problem:
    detail = "; ".join(
        f"{n}: {_shown(mine)} here, {_shown(theirs)} there" for n, mine, theirs in differing
    )
    where = f"{other_file}:{other_source.line}" if other_source else other_file
    return Problem(
        file,
        source.line if source else None,
        None,
        f"{what} '{key}' is also declared in {where}, differently ({detail}); "
        f"declare them alike or give one another key",
    )


def _source(data: dict[str, Any] | None) -> Source | None:
    return Source(**data) if data else None


def person_from_json(data: dict[str, Any]) -> Person:
    """Read a person as ``to_json`` wrote them."""
    values = {f.name: data.get(f.name) for f in fields(Person) if f.name in data}
    values["aliases"] = tuple(data.get("aliases", ()))
    values["source"] = _source(data.get("source"))
    return Person(**values)


def organization_from_json(data: dict[str, Any]) -> Organization:
    """Read an organisation as ``to_json`` wrote it."""
    values = {f.name: data.get(f.name) for f in fields(Organization) if f.name in data}
    values["alternate_names"] = tuple(data.get("alternate_names", ()))
    values["source"] = _source(data.get("source"))
    return Organization(**values)
