"""The people of a generated institute, each with bylines nobody else has or nearly has.

Every spelling is checked against the loader's rules before it is given out: one
spelling names one person; the same family name with one set of initials a prefix of
the other, or the same initials with family names one letter apart, looks alike; a
byline whose family name is a named person's given name looks swapped. Keys are unique
too, so no byline-only coauthor gets the key of a declared person.
"""

from __future__ import annotations

from bisect import bisect
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from random import Random

from ldcv.generator.words import CULTURES, Culture
from ldcv.load.identity import Byline, parse_byline
from ldcv.load.slugs import coauthor_key, initials_letters, initials_of, person_key, slugify


@dataclass(eq=False)
class Person:
    """Someone who writes papers, as bylines and ``people:`` entries know them."""

    family: str
    initials: str  # as bylines write them: "K-R", "C J"
    given: str | None = None
    honorific: str | None = None
    alias: str | None = None  # another spelling, declared under ``aliases``
    variant: str | None = None  # the initials written otherwise: "Raberger AM" for "A-M"
    written_initials: bool = False  # ``initials:`` written in the people entry
    birth_family: str | None = None  # an owner's family name in their old bylines
    renamed: int | None = None  # the first year under ``family``

    @cached_property
    def key(self) -> str:
        """The key of the person where a CV declares them (given and family name).

        Asked once the name is settled: ``Spellings.take`` asks it first.
        """
        return person_key(self.family, self.given) if self.given else self.coauthor_key

    @property
    def coauthor_key(self) -> str:
        return coauthor_key(self.family, self.initials)

    @property
    def byline(self) -> str:
        return f"{self.family} {self.initials}"

    @property
    def birth_byline(self) -> str | None:
        return f"{self.birth_family} {self.initials}" if self.birth_family else None

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"

    def spellings(self) -> list[tuple[str, str]]:
        """Every (family name, initials) bylines may write this person with."""
        found = [(self.family, self.initials)]
        for other in (self.alias, self.variant):
            if other:
                byline = _byline(other)
                found.append((byline.family, byline.initials))
        if self.birth_family:
            found.append((self.birth_family, self.initials))
        return found

    def written(self, year: int, form: str) -> str:
        """The byline of a paper of ``year`` in ``form`` (main, alias or variant)."""
        if self.renamed is not None and year < self.renamed and self.birth_byline:
            return self.birth_byline
        if form == "alias" and self.alias:
            return self.alias
        if form == "variant" and self.variant:
            return self.variant
        return self.byline


_INITIALS_COUNTS = tuple(accumulate((70, 25, 5)))  # of one, two, three initials
_HYPHENATED = ("de", "fr", "ko")  # cultures with hyphenated given names: Klaus-Robert


class Spellings:
    """The byline spellings and keys given out, indexed by what makes two look alike."""

    def __init__(self) -> None:
        self.idents: dict[tuple[str, str], Person] = {}
        # (family, initials) → who has longer initials starting with them: "K" → "K-R"
        self.longer: dict[tuple[str, str], list[Person]] = {}
        self.near: dict[tuple[str, str], list[tuple[str, Person]]] = {}  # one letter deleted
        self.swaps: dict[tuple[str, str], list[Person]] = {}  # (given, family's initial)
        self.swappable: dict[tuple[str, str], list[Person]] = {}  # (family, first initial)
        self.keys: dict[str, Person] = {}
        self.slugs: dict[str, str] = {}  # names and initials → slug: they recur, slugs cost

    def take(self, person: Person) -> bool:
        """Give ``person`` their spellings and keys if none clashes; say whether."""
        found = []
        for family, initials in person.spellings():
            slug, letters = self._slug(family), initials_letters(initials)
            # The key of a byline-only coauthor, as ``coauthor_key`` makes it.
            key = "-".join(part for part in (slug, self._slug(letters)) if part)
            found.append((slug, letters.casefold(), family.casefold(), key))
        keys = [key for *_, key in found]
        if person.given:
            keys.append(person.key)
        swap = _swap(person)
        if not self._free(person, found, keys, swap):
            return False
        for family, letters, folded, _ in found:
            self.idents[family, letters] = person
            for end in range(1, len(letters)):
                self.longer.setdefault((family, letters[:end]), []).append(person)
            for deleted in _deletions(folded):
                self.near.setdefault((letters, deleted), []).append((folded, person))
            self.swappable.setdefault((family, letters[:1]), []).append(person)
        if swap:
            self.swaps.setdefault(swap, []).append(person)
        for key in keys:
            self.keys[key] = person
        return True

    def _slug(self, text: str) -> str:
        slug = self.slugs.get(text)
        if slug is None:
            slug = self.slugs[text] = slugify(text)
        return slug

    def _free(
        self,
        person: Person,
        found: list[tuple[str, str, str, str]],
        keys: list[str],
        swap: tuple[str, str] | None,
    ) -> bool:
        for family, letters, folded, _ in found:
            if self.idents.get((family, letters), person) is not person:
                return False
            # One set of initials a prefix of the other's, under one family name.
            for end in range(1, len(letters)):
                if self.idents.get((family, letters[:end]), person) is not person:
                    return False
            if any(o is not person for o in self.longer.get((family, letters), ())):
                return False
            for deleted in _deletions(folded):
                for other_family, other in self.near.get((letters, deleted), ()):
                    if other is not person and _one_edit_apart(folded, other_family):
                        return False
            if any(o is not person for o in self.swaps.get((family, letters[:1]), ())):
                return False
        if swap and any(o is not person for o in self.swappable.get(swap, ())):
            return False
        return all(self.keys.get(k, person) is person for k in keys)


class People:
    """Draw people of a culture whose spellings nobody else has."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.spellings = Spellings()
        self.cultures = list(CULTURES)
        self.weights = list(accumulate(CULTURES[c].weight for c in self.cultures))
        self.chairs: dict[str, list[Person]] = {}  # a university's professors
        # Per culture, the first letters of its given names: a byline-only coauthor's initials.
        self.letters = {code: [g[0] for g in c.given] for code, c in CULTURES.items()}

    def culture(self) -> str:
        """A culture, as often as researchers of it work here."""
        return self.cultures[bisect(self.weights, self.rng.random() * self.weights[-1])]

    def named(
        self,
        culture: str,
        honorific: str | None = None,
        *,
        alias: bool = False,
        variant: bool = False,
        birth_name: bool = False,
        written_initials: bool = False,
    ) -> Person:
        """A person with a given name, and the extra spellings asked for."""
        rng = self.rng
        for attempt in range(100_000):
            # A culture whose names are all given out lends its place to another.
            c = CULTURES[culture if attempt < 20 else self.culture()]
            given = self._given(c)
            if variant:  # "Klaus-Robert": written "K-R", and "KR" in some bylines
                hyphenated = [g for g in c.given if "-" in g]
                given = rng.choice(hyphenated) if hyphenated else f"{given}-{rng.choice(c.given)}"
            family = self._family(c, attempt)
            letters = initials_of(given)
            person = Person(family, _styled(rng, given, letters), given, honorific)
            person.written_initials = written_initials
            if alias and not _add_alias(person, letters):
                continue
            if variant:
                person.written_initials = True
                person.initials = "-".join(letters)
                person.variant = f"{family} {letters}"
            if birth_name:
                person.birth_family = self._family(c, 0)
                if _look_alike(_byline(person.byline), _byline(person.birth_byline or "")):
                    continue
            if self.spellings.take(person):
                return person
        raise RuntimeError("no free name left")

    def byline_only(self) -> Person:
        """A coauthor known by a byline only."""
        rng = self.rng
        for attempt in range(100_000):
            culture = self.culture()
            count = 1 + bisect(_INITIALS_COUNTS, rng.random() * _INITIALS_COUNTS[-1])
            letters = "".join(rng.choice(self.letters[culture]) for _ in range(count))
            person = Person(self._family(CULTURES[culture], attempt), _styled(rng, "", letters))
            if self.spellings.take(person):
                return person
        raise RuntimeError("no free name left")

    def seed_coauthor(self) -> Person:
        """The seed CV's most frequent coauthor, under the seed's swapped alias "Wojciech S".

        The example SPARQL queries ask for papers with Samek: every generated institute
        has some, so that they answer (and can be benchmarked) on any generated data.
        """
        person = Person("Samek", "W", "Wojciech", "Dr.", alias="Wojciech S")
        if not self.spellings.take(person):
            raise RuntimeError("the seed's coauthor must be the first person drawn")
        return person

    def circle(self, culture: str, size: int, top: Person | None = None) -> list[Person]:
        """A group's frequent coauthors, most frequent first: three named, then bylines."""
        named = [
            top or self.named(culture, "Prof. Dr.", alias=True),
            self.named(self.rng.choice(_HYPHENATED), "Dr.", variant=True),
            self.named(self.culture(), "Dr."),
        ]
        return [*named, *(self.byline_only() for _ in range(size - len(named)))]

    def professor(self, university: str, culture: str) -> Person:
        """A professor of ``university``; a few per university, shared by their students."""
        chairs = self.chairs.setdefault(university, [])
        if len(chairs) < 4 and (not chairs or self.rng.random() < 0.3):
            chairs.append(
                self.named(culture, "Prof. Dr.", written_initials=self.rng.random() < 0.3)
            )
        return self.rng.choice(chairs)

    def _given(self, c: Culture) -> str:
        rng = self.rng
        if c.syllables and rng.random() < 0.7:
            first, second = rng.sample(c.syllables, 2)
            return first + c.joiner + (second.lower() if not c.joiner else second)
        return rng.choice(c.given)

    def _family(self, c: Culture, attempt: int) -> str:
        """A family name: common, or made of a stem and a suffix; double-barrelled once a
        simpler one has clashed, so that even ten thousand CVs find free names fast."""
        rng = self.rng
        made = [
            rng.choice(c.stems) + rng.choice(c.suffixes)
            if c.stems and (attempt > 0 or rng.random() < 0.7)
            else rng.choice(c.family)
            for _ in range(2 if attempt > 0 else 1)
        ]
        return "-".join(dict.fromkeys(made))


def _add_alias(person: Person, letters: str) -> bool:
    """Give ``person`` a spelling that needs an alias; say whether one fits."""
    if len(letters) >= 2:  # one initial only: "Müller K" for "Müller K-R"
        person.alias = f"{person.family} {letters[0]}"
        return True
    given = person.given or ""
    if " " in given or "-" in given or not slugify(person.family):
        return False
    # Given and family name swapped: "Wojciech S" for "Samek W".
    person.alias = f"{given} {person.family[0].upper()}"
    parsed = parse_byline(person.alias)
    return parsed is not None and parsed.family == given


def _styled(rng: Random, given: str, letters: str) -> str:
    """Initials as bylines write them: "K-R" for Klaus-Robert, "C J" or "CJ" for two names."""
    if len(letters) == 1:
        return letters
    if "-" in given:
        return "-".join(letters)
    return rng.choice((" ".join(letters), letters))


def _byline(written: str) -> Byline:
    byline = parse_byline(written)
    if byline is None:
        raise ValueError(f"not a byline: {written!r}")
    return byline


def _swap(person: Person) -> tuple[str, str] | None:
    """How a byline with the given and family name swapped would be indexed."""
    if not person.given:
        return None
    return slugify(person.given), slugify(person.family)[:1]


def _look_alike(a: Byline, b: Byline) -> bool:
    (family_a, letters_a), (family_b, letters_b) = a.ident, b.ident
    if family_a == family_b:
        return True
    return letters_a == letters_b and _one_edit_apart(a.family.casefold(), b.family.casefold())


def _deletions(text: str) -> list[str]:
    """The text and every text one letter shorter: two spellings one edit apart share one."""
    return [text, *(text[:i] + text[i + 1 :] for i in range(len(text)))]


def _one_edit_apart(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
