"""THE table of formats, and negotiation and serialization driven by it.

One row per format: its key, file suffix, media types (the first is what we send)
and rdflib plugin name. Negotiation, the CLI's ``--format`` choices, URL suffixes,
the static build and the round-trip tests all read this table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from rdflib import Graph
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import Context

from ldcv.turtle import turtle_bytes

SCHEMA_CONTEXT_URL = "https://schema.org"


@dataclass(frozen=True)
class Format:
    key: str  # CLI name and ?format= value
    suffix: str  # the variant's file suffix, without the dot
    media_types: tuple[str, ...]  # the first is the one we send
    label: str
    rdflib_name: str | None  # None: not an RDF serialization (HTML)

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def is_rdf(self) -> bool:
        return self.rdflib_name is not None


# Order matters: it breaks ties the client leaves open, and the first row is the
# default for clients that send no Accept (curl and scripts get data).
FORMATS: tuple[Format, ...] = (
    Format("turtle", "ttl", ("text/turtle", "application/x-turtle"), "Turtle", "turtle"),
    Format("json-ld", "jsonld", ("application/ld+json", "application/json"), "JSON-LD", "json-ld"),
    Format("nt", "nt", ("application/n-triples", "text/plain"), "N-Triples", "nt"),
    Format("xml", "rdf", ("application/rdf+xml", "application/xml"), "RDF/XML", "xml"),
    Format("html", "html", ("text/html", "application/xhtml+xml"), "HTML", None),
)
RDF_FORMATS: tuple[Format, ...] = tuple(f for f in FORMATS if f.is_rdf)
BY_KEY: dict[str, Format] = {f.key: f for f in FORMATS}
BY_SUFFIX: dict[str, Format] = {f.suffix: f for f in FORMATS}
BY_MEDIA_TYPE: dict[str, Format] = {m: f for f in FORMATS for m in f.media_types}


def format_named(name: str) -> Format | None:
    """Find a format by key, suffix or media type (``turtle``, ``ttl``, ``text/turtle``)."""
    name = name.strip().lower()
    return BY_KEY.get(name) or BY_SUFFIX.get(name) or BY_MEDIA_TYPE.get(name)


# -- negotiation (RFC 9110 §12.5.1) ------------------------------------------------


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


def negotiate_format(header: str | None, formats: Sequence[Format] = FORMATS) -> Format | None:
    """Choose a format from the table for an Accept header; ``None`` means 406."""
    ranges = parse_accept(header)
    if not ranges:
        return formats[0] if formats else None
    index = _choose(ranges, [f.media_types for f in formats])
    return None if index is None else formats[index]


# -- serialization ------------------------------------------------------------------


@cache
def schema_context() -> dict:
    """The schema.org JSON-LD context, read from the copy shipped with ldcv (never fetched)."""
    text = files("ldcv").joinpath("schemaorg-context.jsonld").read_text(encoding="utf-8")
    return json.loads(text)["@context"]


def _extra_context() -> dict[str, str]:
    """Prefixes our graph uses that the schema.org context does not define."""
    from ldcv.vocab import PREFIXES

    known = schema_context()
    return {p: str(ns) for p, ns in PREFIXES.items() if p not in known and p != "schema"}


@cache
def _compaction_context() -> Context:
    """The local schema.org context plus our prefixes, read once (never changed after)."""
    return Context({**schema_context(), **_extra_context()})


def compact_jsonld(graph: Graph) -> dict:
    """Compact ``graph`` as JSON-LD with the schema.org context, ``@graph`` with ``@id`` links.

    The output names the context by URL (what consumers and Google expect) plus
    our extra prefixes; the compaction itself runs on the local copy.
    """
    extra = _extra_context()
    # Reading the ~2,500-term context costs ~50 ms; read it once and convert with it
    # directly (what rdflib's serializer does inside, minus re-reading and re-dumping).
    result = Converter(_compaction_context(), use_native_types=False, use_rdf_type=False).convert(
        graph
    )
    # Through JSON and back: plain str for every IRI (rdflib's URIRef never equals a str).
    document = json.loads(json.dumps(result if isinstance(result, dict) else {"@graph": result}))
    body = {k: v for k, v in document.items() if k != "@context"}
    if "@graph" not in body:
        body = {"@graph": [body]} if body else {"@graph": []}
    # rdflib walks the subjects of a set, in an order that changes with Python's hash
    # seed; a fixed order gives the same bytes (and ETags) in every process.
    body["@graph"] = sorted((_ordered_node(n) for n in body["@graph"]), key=_json_key)
    return {"@context": [SCHEMA_CONTEXT_URL, extra] if extra else SCHEMA_CONTEXT_URL, **body}


_NODE_HEAD = ("@id", "id", "@type", "type")


def _json_key(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _ordered_node(node: object) -> object:
    """A node object with id and type first, the other keys sorted, value arrays sorted.

    Arrays inside ``@list`` keep their order: they are not property value arrays.
    """
    if not isinstance(node, dict):
        return node
    keys = [k for k in _NODE_HEAD if k in node]
    keys += sorted(k for k in node if k not in _NODE_HEAD)
    return {
        k: sorted(node[k], key=_json_key) if isinstance(node[k], list) and k != "@list" else node[k]
        for k in keys
    }


def standalone_jsonld(document: dict) -> dict:
    """The same document with an inline context holding just the terms it uses.

    Our ``.jsonld`` documents must be readable offline by any JSON-LD processor,
    so they cannot name the schema.org context by URL (processors must fetch it,
    and schema.org serves it only through a ``Link`` header several do not follow).
    The whole context is 200 KB; the terms one document uses, with the prefixes
    and terms their definitions refer to, are a few dozen lines and expand the
    body exactly as the full context does.
    """
    body = {k: v for k, v in document.items() if k != "@context"}
    return {"@context": used_context(body), **body}


def used_context(body: object) -> dict:
    """The definitions of the compaction context that ``body`` needs to expand."""
    full = {**schema_context(), **_extra_context()}
    vocab = full["@vocab"]
    needed: dict = {"@vocab": vocab}
    pending = list(_strings(body))
    while pending:
        text = pending.pop()
        for name in (text, text.partition(":")[0] if ":" in text else None):
            if not name or name not in full or name in needed or _vocab_says(full, name):
                continue
            needed[name] = full[name]
            pending.extend(_strings(full[name]))
    return dict(sorted(needed.items()))


def _vocab_says(context: dict, term: str) -> bool:
    """Whether ``@vocab`` alone expands ``term`` as its definition does (``Person``, ``name``).

    Such definitions only matter where a term is expanded against the vocabulary
    (keys and ``@type`` values), and there ``@vocab`` gives the same IRI.
    """
    prefix, _, name = str(
        context[term].get("@id", "") if isinstance(context[term], dict) else ""
    ).partition(":")
    return (
        isinstance(context[term], dict)
        and set(context[term]) == {"@id"}
        and name == term
        and context.get(prefix) == context["@vocab"]
    )


def _strings(value: object):
    """Every key and string value in a JSON value, keywords excepted."""
    if isinstance(value, str):
        if not value.startswith("@"):
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def expand_context(document: dict) -> dict:
    """Replace the context URL in a document of ours by the local copy, for offline parsing."""
    context = document.get("@context")
    items = context if isinstance(context, list) else [context]
    local: dict = {}
    for item in items:
        local.update(schema_context() if item == SCHEMA_CONTEXT_URL else item)
    return {**document, "@context": local}


def jsonld_bytes(data: dict) -> bytes:
    """The bytes of a JSON-LD document as we serve it (from ``compact_jsonld``)."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def serialize(graph: Graph, fmt: Format) -> bytes:
    """Serialize ``graph`` in an RDF format of the table, as UTF-8 bytes."""
    if fmt.key == "json-ld":
        return jsonld_bytes(standalone_jsonld(compact_jsonld(graph)))
    if fmt.key == "turtle":
        return turtle_bytes(graph)  # ldcv's own writer: several times faster than rdflib's
    if fmt.rdflib_name is None:
        raise ValueError(f"{fmt.label} is not an RDF serialization")
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
