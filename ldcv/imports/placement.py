"""Place imported authors among the people the dataset knows: by ORCID iD, else by byline."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ldcv.imports.works import ImportedName
from ldcv.load.identity import parse_byline
from ldcv.load.slugs import initials_of, slugify
from ldcv.model import CV, Owner, Person

Ident = tuple[str, str]


def _ident(written: str) -> Ident | None:
    byline = parse_byline(written)
    return byline.ident if byline else None


@dataclass(frozen=True)
class Placement:
    """Where an imported name went: the byline written and the person it names, if known."""

    name: ImportedName
    written: str
    key: str | None  # None: nobody the dataset knows; the byline makes a new coauthor
    by_orcid: bool = False
    looks_like: str | None = None  # for an unplaced name: who it may be, and what to do
    new_owner_alias: bool = False  # the owner's full name, in a spelling to add to aliases


class KnownPeople:
    """Every spelling and ORCID iD that names someone in the dataset, from its loaded CVs."""

    def __init__(self, cvs: Iterable[CV], owner: str | None = None) -> None:
        """``owner``: the key of the CV imported into, whose aliases an import may extend."""
        self.owner = owner
        self.owner_names: set[tuple[str, str]] = set()  # (given slug, family slug)
        self.by_ident: dict[Ident, str] = {}
        self.spelling: dict[str, str] = {}  # key → a byline that names them
        self.by_orcid: dict[str, str] = {}
        # Every CV's owner: (initials of the given name, family slug, key), for the hints.
        self.owners: list[tuple[str, str, str]] = []
        for cv in cvs:
            owner = cv.owner
            self._orcid(owner, owner.key)
            for family in filter(None, (owner.family_name, owner.birth_family_name)):
                self.owners.append((initials_of(owner.given_name), slugify(family), owner.key))
            if owner.key == self.owner:
                for family in (owner.family_name, owner.birth_family_name):
                    if family:
                        self.owner_names.add((slugify(owner.given_name), slugify(family)))
            for alias in owner.aliases:
                self._claim(alias, owner.key)
            for person in cv.people:
                self._orcid(person, person.key)
                if person.initials:
                    self._claim(f"{person.family_name} {person.initials}", person.key)
                if person.given_name:
                    self._claim(
                        f"{person.family_name} {initials_of(person.given_name)}", person.key
                    )
                for alias in person.aliases:
                    self._claim(alias, person.key)
            for publication in cv.publications:
                for author in publication.authors:
                    self._claim(author.written, author.person)

    def _orcid(self, person: Owner | Person, key: str) -> None:
        if person.orcid:
            self.by_orcid.setdefault(person.orcid, key)

    def _claim(self, written: str, key: str) -> None:
        ident = _ident(written)
        if ident is not None:
            self.by_ident.setdefault(ident, key)
            self.spelling.setdefault(key, written)

    def add_orcid(self, orcid: str, key: str) -> None:
        """Let ``orcid`` name ``key``: for callers that know iDs the model does not carry."""
        self.by_orcid[orcid] = key

    def place(self, name: ImportedName) -> Placement:
        """The byline to write for ``name`` and the person it names, if the dataset knows them."""
        written = name.byline
        ident = _ident(written)
        if name.orcid and name.orcid in self.by_orcid:
            key = self.by_orcid[name.orcid]
            # The source's spelling where it already names them, else one that does.
            if ident is None or self.by_ident.get(ident) != key:
                written = self.spelling.get(key, written)
            return Placement(name, written, key, by_orcid=True)
        if ident is not None and ident in self.by_ident:
            return Placement(name, written, self.by_ident[ident])
        if self.owner and (slugify(name.given or ""), slugify(name.family)) in self.owner_names:
            # The owner's own full name: the spelling joins their aliases, and names them.
            self._claim(written, self.owner)
            return Placement(name, written, self.owner, new_owner_alias=True)
        return Placement(name, written, None, looks_like=self._look_alike(name, ident))

    def _look_alike(self, name: ImportedName, ident: Ident | None) -> str | None:
        if ident is None:
            return None
        family = slugify(name.family)
        for initials, owner_family, key in self.owners:
            # "Lapuschkin, S." may be the owner, or another S. Lapuschkin: the owner decides.
            if family == owner_family and ident[1] == initials.casefold():
                where = "person.aliases" if key == self.owner else "person.aliases of their CV"
                return f"the owner {key}: if so, add '{name.byline}' to {where}"
        for (known_family, letters), key in self.by_ident.items():
            if known_family != family or letters == ident[1]:
                continue
            shorter, longer = sorted((letters, ident[1]), key=len)
            if longer.startswith(shorter):
                spelled = self.spelling.get(key, key)
                return f"'{spelled}' ({key}): if so, add '{name.byline}' to their aliases"
        return None
