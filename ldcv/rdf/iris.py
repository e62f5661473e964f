"""Mint slugs and IRIs: deterministic, ASCII, flat (only the last segment varies)."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # rdflib is heavy; the loader needs only the slugs, so IRIs import it on first use.
    from rdflib import URIRef

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


def thing_iri(base: str, kind: str, slug: str) -> URIRef:
    """The IRI of a thing: ``{base}/id/{kind}/{slug}``."""
    from rdflib import URIRef

    return URIRef(f"{base.rstrip('/')}/id/{kind}/{slug}")


def document_path(kind: str, slug: str) -> str:
    """The path of the document describing a thing: ``/doc/{kind}/{slug}``."""
    return f"/doc/{kind}/{slug}"


def document_iri(base: str, kind: str, slug: str) -> URIRef:
    """The IRI of the document describing a thing."""
    from rdflib import URIRef

    return URIRef(base.rstrip("/") + document_path(kind, slug))


def parse_thing_iri(base: str, iri: str) -> tuple[str, str] | None:
    """Return ``(kind, slug)`` if ``iri`` is a thing IRI minted under ``base``."""
    prefix = base.rstrip("/") + "/id/"
    if not iri.startswith(prefix):
        return None
    kind, _, slug = iri[len(prefix) :].partition("/")
    if not kind or not SLUG.match(slug):
        return None
    return kind, slug


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
