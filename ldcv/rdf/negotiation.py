"""Content negotiation as RFC 9110 §12.5.1 says: q-values, wildcards, specificity, 406."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ldcv.rdf.formats import FORMATS, Format


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    position: int  # order in the client's header: breaks ties

    @property
    def specificity(self) -> int:
        if self.type == "*":
            return 0
        return 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        offered_type, _, offered_subtype = media_type.partition("/")
        if self.type == "*":
            return True
        if self.type != offered_type:
            return False
        return self.subtype in ("*", offered_subtype)


def _lenient_q(text: str) -> float:
    """Read a q-value as a browser would: ``.5`` is 0.5, garbage is 1, clamp to 0..1."""
    try:
        value = float(text)
    except ValueError:
        return 1.0
    if value != value:  # NaN
        return 1.0
    return min(max(value, 0.0), 1.0)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header into media ranges; malformed entries are skipped, never fatal."""
    ranges: list[MediaRange] = []
    if not header:
        return ranges
    for position, item in enumerate(header.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        media = media.lower()
        type_, slash, subtype = media.partition("/")
        if not slash or not type_ or not subtype:
            if media == "*":  # a common slip for */*
                type_, subtype = "*", "*"
            else:
                continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = _lenient_q(value.strip().strip('"'))
        ranges.append(MediaRange(type_, subtype, q, position))
    return ranges


def _offer_score(ranges: Sequence[MediaRange], offer: str) -> tuple[float, int, int] | None:
    """Score one offered media type: the q, specificity and position of its best range."""
    matching = [r for r in ranges if r.matches(offer)]
    if not matching:
        return None
    most_specific = max(matching, key=lambda r: (r.specificity, -r.position))
    return most_specific.q, most_specific.specificity, -most_specific.position


def _choose(ranges: Sequence[MediaRange], offers: Sequence[Sequence[str]]) -> int | None:
    """Index of the best group of equivalent media types, or ``None`` if none is acceptable.

    A group is refused when any of its types gets q=0 by name ("text/turtle;q=0"
    also refuses application/x-turtle). Otherwise it takes the score of its most
    specifically matched type: "*/*, text/turtle;q=0.2" ranks Turtle at 0.2 even
    though its alias application/x-turtle falls under "*/*". Scores compare q, then
    specificity, then the client's order, then ours.
    """
    best: tuple[float, int, int, int] | None = None
    chosen: int | None = None
    for rank, group in enumerate(offers):
        scores = [s for s in (_offer_score(ranges, m) for m in group) if s is not None]
        if not scores or any(q <= 0 and specificity == 2 for q, specificity, _ in scores):
            continue
        q, specificity, position = max(scores, key=lambda s: (s[1], s[0], s[2]))
        if q <= 0:
            continue
        score = (q, specificity, position, -rank)
        if best is None or score > best:
            best, chosen = score, rank
    return chosen


def negotiate(header: str | None, offers: Sequence[str]) -> str | None:
    """Choose among ``offers`` (media types, in our order of preference) for an Accept header.

    No header, or one with no readable entry, means "anything": the first offer.
    ``None`` when nothing is acceptable (a 406).
    """
    ranges = parse_accept(header)
    if not ranges:
        return offers[0] if offers else None
    index = _choose(ranges, [(offer,) for offer in offers])
    return None if index is None else offers[index]


def _named(ranges: Sequence[MediaRange], fmt: Format) -> bool:
    return any(r.specificity == 2 and r.matches(m) for r in ranges for m in fmt.media_types)


def media_type_parameters(header: str | None, media_type: str) -> dict[str, str]:
    """The parameters (other than q) the Accept header gives ``media_type`` by name.

    ``text/x-bibliography; style=ieee; locale=de-DE`` gives ``{"style": "ieee",
    "locale": "de-DE"}``: names lower-cased, values as sent (quotes removed).
    """
    for item in (header or "").split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if media.lower() != media_type:
            continue
        found = {}
        for param in params:
            name, _, value = param.partition("=")
            name = name.strip().lower()
            if name and name != "q":
                found[name] = value.strip().strip('"')
        return found
    return {}


def negotiate_format(header: str | None, formats: Sequence[Format] = FORMATS) -> Format | None:
    """Choose a format from the table for an Accept header; ``None`` means 406.

    A format offered to those who name it (``named_only``: BibTeX, RIS …) is a candidate
    only when the header names one of its media types: ``*/*`` and ``text/*`` never
    choose it over Turtle or HTML, nor instead of a 406.
    """
    ranges = parse_accept(header)
    if not ranges:
        return formats[0] if formats else None
    formats = [f for f in formats if not f.named_only or _named(ranges, f)]
    index = _choose(ranges, [f.media_types for f in formats])
    return None if index is None else formats[index]
