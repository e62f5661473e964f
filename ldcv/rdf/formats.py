"""THE table of formats, and serialization driven by it.

One row per format: its key, file suffix, media types (the first is what we send)
and rdflib plugin name. Negotiation (``ldcv.rdf.negotiation``), the CLI's ``--format``
choices, URL suffixes, the static build and the round-trip tests all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from ldcv.rdf.jsonld import compact_jsonld, jsonld_bytes, standalone_jsonld
from ldcv.rdf.turtle import turtle_bytes


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

    @property
    def content_type(self) -> str:
        """The Content-Type we send: the media type, with ``charset=utf-8`` where it has one."""
        return with_charset(self.media_type)


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
    if media_type.startswith("text/") or xml:
        return f"{media_type}; charset=utf-8"
    return media_type


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


def serialize(graph: Graph, fmt: Format) -> bytes:
    """Serialize ``graph`` in an RDF format of the table, as UTF-8 bytes."""
    if fmt.key == "json-ld":
        return jsonld_bytes(standalone_jsonld(compact_jsonld(graph)))
    if fmt.key == "turtle":
        return turtle_bytes(graph)  # ldcv's own writer: several times faster than rdflib's
    if fmt.rdflib_name is None:
        raise ValueError(f"{fmt.label} is not an RDF serialization")
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
