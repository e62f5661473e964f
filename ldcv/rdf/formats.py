"""THE table of formats, and serialization driven by it.

One row per format: its key, file suffix, media types (the first is what we send),
rdflib plugin name, and the document kinds it applies to (``FORMATS``: every
document's; ``BIBLIOGRAPHIC_FORMATS``: works' and people's only). Negotiation
(``ldcv.rdf.negotiation``), the CLI's ``--format`` choices, URL suffixes, the static
build and the round-trip tests all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from ldcv.rdf.jsonld import JsonLdContext, compact_jsonld, jsonld_bytes, standalone_jsonld
from ldcv.rdf.turtle import PrefixedNames, turtle_bytes


@dataclass(frozen=True)
class Format:
    key: str  # CLI name and ?format= value
    suffix: str  # the variant's file suffix, without the dot
    media_types: tuple[str, ...]  # the first is the one we send
    label: str
    rdflib_name: str | None  # None: not an RDF serialization (HTML, the bibliographic formats)
    # The document kinds it applies to (``/doc/{kind}/…``); None: every document.
    kinds: frozenset[str] | None = None
    # Only a client that names its media type gets it: a wildcard never picks it.
    named_only: bool = False

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def is_rdf(self) -> bool:
        return self.rdflib_name is not None

    @property
    def content_type(self) -> str:
        """The Content-Type we send: the media type, with ``charset=utf-8`` where it has one."""
        return with_charset(self.media_type)

    def applies_to(self, kind: str | None) -> bool:
        """Whether documents of ``kind`` (None: not a document of a thing) come in this format."""
        return self.kinds is None or kind in self.kinds


def with_charset(media_type: str) -> str:
    """The Content-Type of UTF-8 bytes of ``media_type``: the one charset rule of every response.

    ``text/*`` types have a charset parameter, and so do XML types: application/xml and,
    with the same meaning, every ``+xml`` type (RFC 7303; the registrations of
    application/rdf+xml and application/sparql-results+xml define it so). Software that
    does not parse XML (a proxy, a browser showing the source) learns the encoding only
    from it. JSON types and N-Triples have no such parameter (UTF-8 is their only
    encoding), so they are sent bare.
    """
    xml = media_type == "application/xml" or media_type.endswith("+xml")
    if media_type.startswith("text/") or xml or media_type in TEXT_WITHOUT_TEXT_TYPE:
        return f"{media_type}; charset=utf-8"
    return media_type


# Text formats registered outside text/*: BibTeX and RIS files have no encoding of their
# own, so the charset says ours.
TEXT_WITHOUT_TEXT_TYPE = frozenset({"application/x-bibtex", "application/x-research-info-systems"})
# The documents a bibliography applies to: works and people (not organisations, the
# home page, VoID …).
BIBLIOGRAPHY_KINDS = frozenset({"publication", "thesis", "patent", "person"})

# Order matters: it breaks ties the client leaves open, and the first row is the
# default for clients that send no Accept (curl and scripts get data).
TABLE: tuple[Format, ...] = (
    Format("turtle", "ttl", ("text/turtle", "application/x-turtle"), "Turtle", "turtle"),
    Format("json-ld", "jsonld", ("application/ld+json", "application/json"), "JSON-LD", "json-ld"),
    Format("nt", "nt", ("application/n-triples", "text/plain"), "N-Triples", "nt"),
    Format("xml", "rdf", ("application/rdf+xml", "application/xml"), "RDF/XML", "xml"),
    Format("html", "html", ("text/html", "application/xhtml+xml"), "HTML", None),
    # Bibliographic formats, as doi.org negotiates them; rendered by ldcv.bibliography.
    Format("bibtex", "bib", ("application/x-bibtex",), "BibTeX", None, BIBLIOGRAPHY_KINDS, True),
    Format(
        "ris",
        "ris",
        ("application/x-research-info-systems",),
        "RIS",
        None,
        BIBLIOGRAPHY_KINDS,
        True,
    ),
    Format(
        "csl-json",
        "csl.json",
        ("application/vnd.citationstyles.csl+json",),
        "CSL-JSON",
        None,
        BIBLIOGRAPHY_KINDS,
        True,
    ),
    # A formatted citation (APA unless the Accept header's style parameter says otherwise).
    Format(
        "citation",
        "cite.txt",
        ("text/x-bibliography",),
        "Formatted citation",
        None,
        BIBLIOGRAPHY_KINDS,
        True,
    ),
)
# Every document's formats: RDF and HTML (the home page, organisations, VoID …).
FORMATS: tuple[Format, ...] = tuple(f for f in TABLE if f.kinds is None)
RDF_FORMATS: tuple[Format, ...] = tuple(f for f in TABLE if f.is_rdf)
# The formats of works' and people's documents only.
BIBLIOGRAPHIC_FORMATS: tuple[Format, ...] = tuple(f for f in TABLE if f.kinds is not None)
HTML: Format = next(f for f in TABLE if f.key == "html")
BY_KEY: dict[str, Format] = {f.key: f for f in TABLE}
BY_SUFFIX: dict[str, Format] = {f.suffix: f for f in TABLE}
BY_MEDIA_TYPE: dict[str, Format] = {m: f for f in TABLE for m in f.media_types}


def formats_for(kind: str | None) -> tuple[Format, ...]:
    """The formats a document of ``kind`` comes in (``None``: no thing's document)."""
    return tuple(f for f in TABLE if f.applies_to(kind))


def split_suffix(name: str) -> tuple[str, Format | None] | None:
    """Split ``slug.ttl`` or ``slug.csl.json`` into the stem and its format.

    ``(name, None)`` without a suffix; ``None`` for a suffix the table does not know.
    Slugs have no dots, so everything after the first dot is the suffix.
    """
    stem, dot, suffix = name.partition(".")
    if not dot:
        return name, None
    fmt = BY_SUFFIX.get(suffix)
    return None if fmt is None else (stem, fmt)


def format_named(name: str) -> Format | None:
    """Find a format by key, suffix or media type (``turtle``, ``ttl``, ``text/turtle``)."""
    name = name.strip().lower()
    return BY_KEY.get(name) or BY_SUFFIX.get(name) or BY_MEDIA_TYPE.get(name)


@dataclass(frozen=True)
class Serializers:
    """What the writers keep from one document to the next, held by whoever writes many."""

    jsonld: JsonLdContext  # the schema.org context, read once (~50 ms)
    turtle: PrefixedNames  # the prefixed names of the IRIs written so far

    @classmethod
    def make(cls) -> Serializers:
        """Read the JSON-LD context and start with no names: once for a catalog."""
        return cls(JsonLdContext.read(), PrefixedNames())


def serialize(graph: Graph, fmt: Format, held: Serializers | None = None) -> bytes:
    """Serialize ``graph`` in an RDF format of the table, as UTF-8 bytes.

    ``held``: what its holder's writers kept (else JSON-LD reads its context for this graph).
    """
    if fmt.key == "json-ld":
        context = JsonLdContext.read() if held is None else held.jsonld
        return jsonld_bytes(standalone_jsonld(compact_jsonld(graph, context), context))
    if fmt.key == "turtle":
        # ldcv's own writer: several times faster than rdflib's.
        return turtle_bytes(graph, None if held is None else held.turtle)
    if fmt.rdflib_name is None:
        raise ValueError(f"{fmt.label} is not an RDF serialization")
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
