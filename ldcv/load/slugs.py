"""Slugs and default keys: deterministic, ASCII, the same across runs and reorderings."""

from __future__ import annotations

import re
import unicodedata

# German transliteration first: "Müller" is "mueller" to its owner, not "muller".
_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "ae", "Ö": "oe", "Ü": "ue", "ß": "ss"}
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, max_words: int | None = None) -> str:
    """Turn any text into a lower-case ASCII slug; keep at most ``max_words`` words."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
        .encode("ascii", "ignore")
        .decode("ascii")
        .lower()
    )
    words = [w for w in _NOT_SLUG.split(ascii_text) if w]
    if max_words is not None:
        words = words[:max_words]
    return "-".join(words)


# Initials compare without the separators bylines put between them: "K-R" = "K R" = "KR".
_INITIAL_SEPARATORS = re.compile(r"[\s.\-\u2010\u2011]+")


def initials_letters(initials: str) -> str:
    """Drop the separators from written initials: ``"K-R"`` and ``"K. R."`` become ``"KR"``."""
    return _INITIAL_SEPARATORS.sub("", initials)


def initials_of(given_name: str) -> str:
    """The initials of a given name without separators: ``"Klaus-Robert"`` gives ``"KR"``."""
    return "".join(part[0].upper() for part in _INITIAL_SEPARATORS.split(given_name) if part)


def coauthor_key(family_name: str, initials: str) -> str:
    """The key of a person known by a byline only: ``("Anders", "C J")`` gives ``anders-cj``."""
    return slugify(f"{family_name} {initials_letters(initials)}")


def person_key(family_name: str, given_name: str | None = None, initials: str | None = None) -> str:
    """The default key of a person: given + family name, else family name + initials."""
    if given_name:
        return slugify(f"{given_name} {family_name}")
    if initials:
        return coauthor_key(family_name, initials)
    return slugify(family_name)


def publication_key(first_author_family: str, year: int, title: str) -> str:
    """The default key of a publication: first author's family name, year, first title words."""
    return "-".join(
        part for part in (slugify(first_author_family), str(year), slugify(title, 4)) if part
    )
