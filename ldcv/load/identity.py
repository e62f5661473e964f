"""Tell who each byline names: parse bylines, resolve them to people, warn about look-alikes.

A spelling names a person if the owner's or a people entry's aliases say so, or if it
matches the initials of a people entry. Any other byline is a coauthor known by that
byline only, created on first use. Spellings of different people that differ by an
initial or a letter earn a warning: they may be one person missing an alias.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ldcv.load.fields import FileReport
from ldcv.load.slugs import coauthor_key, initials_letters, slugify
from ldcv.model import Person


@dataclass(frozen=True)
class Byline:
    """One author as a byline writes them: family name, then initials."""

    family: str
    initials: str

    @property
    def ident(self) -> tuple[str, str]:
        """What two spellings of one person share: family slug, initials without separators."""
        return slugify(self.family), initials_letters(self.initials).casefold()

    def __str__(self) -> str:
        return f"{self.family} {self.initials}"


def _is_initials(token: str) -> bool:
    letters = initials_letters(token)
    return (
        bool(letters) and token[0].isalpha() and all(c.isalpha() and c.isupper() for c in letters)
    )


def parse_byline(text: str) -> Byline | None:
    """Split ``"Müller K-R"`` into family name and initials; None if it has no initials."""
    tokens = text.split()
    cut = len(tokens)
    while cut > 1 and _is_initials(tokens[cut - 1]):
        cut -= 1
    if cut == len(tokens):
        return None
    return Byline(" ".join(tokens[:cut]), " ".join(tokens[cut:]))


@dataclass
class Claim:
    """A spelling that names one person: an alias, written initials, or derived ones."""

    key: str
    written: str
    line: int
    path: str
    explicit: bool  # written in the YAML (alias, initials), not derived from a given name
    alias: bool  # an alias entry, which must match some byline
    used: bool = False
    file: str | None = None  # another file's, for a spelling declared there

    def where(self) -> str:
        """Where the claim was written, for a message in another entry's file."""
        place = f"{self.path}, line {self.line}"
        return f"{self.file}: {place}" if self.file else place


@dataclass
class _Coauthor:
    key: str
    byline: Byline
    line: int
    spellings: list[str]


class Identities:
    """Resolve bylines to person keys: owner, people entries, else coauthors on the fly."""

    def __init__(
        self,
        f: FileReport,
        owner_key: str | None,
        elsewhere: Callable[[tuple[str, str]], Iterable[Claim]] | None = None,
        keys_elsewhere: Mapping[str, str] | None = None,
    ) -> None:
        """``elsewhere``: the claims other files declare for an ident; ``keys_elsewhere``:
        their people's keys."""
        self.f = f
        self.owner_key = owner_key
        # Filled per ident on first use, other files' claims first: a file looks up only
        # the bylines it prints, however many files the dataset has.
        self.claims: dict[tuple[str, str], list[Claim]] = {}
        self._elsewhere = elsewhere or (lambda ident: ())
        # key → where it is defined, for clash messages: this file's keys in the first map,
        # other files' looked up in theirs, never copied nor counted (a dataset's worth).
        elsewhere_keys: Mapping[str, str] = {} if keys_elsewhere is None else keys_elsewhere
        self.person_keys: ChainMap[str, str] = ChainMap({}, elsewhere_keys)  # type: ignore[arg-type]
        # (key, spelling) of every claim a byline of this file used: an alias declared in
        # one file may be used only in another's bylines.
        self.used: set[tuple[str, tuple[str, str]]] = set()
        self.coauthors: dict[tuple[str, str], _Coauthor] = {}
        # written spelling → (key, line, byline) of its first use, for the look-alike warnings
        self.seen: dict[str, tuple[str, int, Byline]] = {}
        self.given_names: list[tuple[str, str, str]] = []  # (given, family, key)
        self.owner_forms: set[tuple[str, str]] = set()  # idents of the owner's own names

    def _byline(self, written: str, line: int, path: str) -> Byline | None:
        byline = parse_byline(written)
        if byline is None:
            self.f.problem(
                line,
                path,
                f"'{written}' is not a byline; write family name then initials, e.g. 'Müller K-R'",
            )
        return byline

    def claim(self, claim: Claim) -> None:
        """Let ``claim.written`` name ``claim.key``; report a spelling two people claim."""
        byline = self._byline(claim.written, claim.line, claim.path)
        if byline is None:
            return
        claims = self._claims(byline.ident)
        for other in claims:
            # Two given-name initials may coincide harmlessly (supervisors who never
            # publish); that is reported only if a byline needs it.
            if other.key != claim.key and (other.explicit or claim.explicit):
                self.f.problem(
                    claim.line,
                    claim.path,
                    f"'{claim.written}' names both '{claim.key}' and '{other.key}' "
                    f"({other.where()}); remove one",
                )
                return
        claims.append(claim)

    def _claims(self, ident: tuple[str, str]) -> list[Claim]:
        claims = self.claims.get(ident)
        if claims is None:
            claims = self.claims[ident] = list(self._elsewhere(ident))
        return claims

    def resolve(self, written: str, line: int, path: str) -> str | None:
        """The key of the person a byline names; None once the reason is reported."""
        byline = self._byline(written, line, path)
        if byline is None:
            return None
        key = self._match(byline, written, line, path)
        if key is not None and written not in self.seen:
            self.seen[written] = (key, line, byline)
        return key

    def _match(self, byline: Byline, written: str, line: int, path: str) -> str | None:
        candidates = self._claims(byline.ident)
        keys = sorted({c.key for c in candidates})
        if len(keys) > 1:
            self.f.problem(
                line,
                path,
                f"'{written}' could be any of {', '.join(keys)}, whose given names have the "
                "same initials; write the right one's initials: as this byline does",
            )
            return None
        if keys:
            for c in candidates:
                c.used = True
            self.used.add((keys[0], byline.ident))
            return keys[0]
        coauthor = self.coauthors.get(byline.ident)
        if coauthor is None:
            key = coauthor_key(byline.family, byline.initials)
            if key in self.person_keys:
                self.f.problem(
                    line,
                    path,
                    f"'{written}' would get the key '{key}', which {self.person_keys[key]} "
                    "already has; add the byline to that entry's aliases or give it another key",
                )
                return None
            coauthor = _Coauthor(key, byline, line, [])
            self.coauthors[byline.ident] = coauthor
        if written not in coauthor.spellings:
            coauthor.spellings.append(written)
        return coauthor.key

    def people(self) -> tuple[Person, ...]:
        """The coauthors known by their bylines only, each under its first spelling."""
        return tuple(
            Person(
                key=c.key,
                family_name=c.byline.family,
                initials=c.byline.initials,
                aliases=tuple(c.spellings[1:]),
                source=self.f.source(c.line),
            )
            for c in self.coauthors.values()
        )

    def unused_aliases(self) -> list[tuple[str, tuple[str, str], Claim]]:
        """This file's aliases no byline of this file used: (key, spelling, claim)."""
        return [
            (c.key, ident, c)
            for ident, claims in self.claims.items()
            for c in claims
            if c.alias and not c.used and c.file is None
        ]

    def check_unused_aliases(self, used: set[tuple[str, tuple[str, str]]] | None = None) -> None:
        """Report every alias of this file that no byline used (here, or in ``used``)."""
        for key, ident, c in self.unused_aliases():
            if (key, ident) not in (used or ()):
                report_unused_alias(self.f, c)

    def warn_look_alikes(self) -> None:
        """Warn about bylines of different people that differ by an initial or a letter."""
        spellings = sorted(self.seen.items(), key=lambda item: item[1][1])
        warned: set[tuple[str, str]] = set()
        for i, j in _look_alike_candidates([byline for _, (_, _, byline) in spellings]):
            written_a, (key_a, line_a, a) = spellings[i]
            written_b, (key_b, line_b, b) = spellings[j]
            pair = (min(key_a, key_b), max(key_a, key_b))
            if key_a != key_b and pair not in warned and _look_alike(a, b):
                warned.add(pair)
                self.f.warn(
                    line_b,
                    f"author '{written_b}' ({key_b}) looks like '{written_a}' ({key_a}, line "
                    f"{line_a}) but they are different people; if they are one, add an alias",
                )
        for written, (key, line, byline) in spellings:
            if key != self.owner_key and byline.ident in self.owner_forms:
                self.f.warn(
                    line,
                    f"author '{written}' ({key}) looks like the owner ({self.owner_key}); "
                    "if it is, add it to person.aliases",
                )
            for given, family, other in self.given_names:
                if key == other or slugify(byline.family) != slugify(given):
                    continue
                letters = initials_letters(byline.initials).casefold()
                if letters and slugify(family).startswith(letters[0]):
                    self.f.warn(
                        line,
                        f"author '{written}' ({key}) looks like {given} {family} ({other}) "
                        "with given and family name swapped; if so, add it to their aliases",
                    )


def report_unused_alias(f: FileReport, claim: Claim) -> None:
    """Report that no byline uses the alias ``claim``."""
    f.problem(
        claim.line,
        claim.path,
        f"alias '{claim.written}' of '{claim.key}' matches no author of any publication",
    )


def _look_alike_candidates(bylines: list[Byline]) -> list[tuple[int, int]]:
    """The pairs (i < j) of ``bylines`` that may look alike, in order; the rest cannot.

    Look-alikes share a family slug, or their initials and a one-letter deletion of
    their family names (a deletion of one of two names one edit apart equals a
    deletion, or all, of the other): grouping by those keys replaces comparing every
    pair, which a professor's thousand coauthors make slow.
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, byline in enumerate(bylines):
        family_slug, initials = byline.ident
        groups.setdefault(("slug", family_slug), []).append(i)
        family = byline.family.casefold()
        for variant in {family, *(family[:k] + family[k + 1 :] for k in range(len(family)))}:
            groups.setdefault(("edit", initials, variant), []).append(i)
    pairs = {
        (members[x], members[y])
        for members in groups.values()
        for x in range(len(members))
        for y in range(x + 1, len(members))
    }
    return sorted(pairs)


def _look_alike(a: Byline, b: Byline) -> bool:
    family_a, initials_a = a.ident
    family_b, initials_b = b.ident
    if family_a == family_b and initials_a != initials_b:
        shorter, longer = sorted((initials_a, initials_b), key=len)
        return longer.startswith(shorter)
    return initials_a == initials_b and _one_edit_apart(a.family.casefold(), b.family.casefold())


def _one_edit_apart(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
