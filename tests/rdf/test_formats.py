"""The format table: negotiation by RFC 9110 §12.5.1, and serialization."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ldcv.rdf.formats import BY_KEY, FORMATS, RDF_FORMATS, format_named, serialize, with_charset
from ldcv.rdf.jsonld import SCHEMA_CONTEXT_URL, compact_jsonld, schema_context
from ldcv.rdf.negotiation import negotiate, negotiate_format, parse_accept
from ldcv.rdf.vocabulary import SDO, XSD


def chosen(accept: str | None) -> str | None:
    fmt = negotiate_format(accept)
    return None if fmt is None else fmt.key


@pytest.mark.parametrize("accept", [None, "", "*/*", "*", " */* "])
def test_no_accept_or_bare_wildcard_gets_turtle(accept):
    assert chosen(accept) == "turtle"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html;q=0.5, text/turtle;q=0.8, application/ld+json", "json-ld"),
        ("text/html;q=0.9, application/rdf+xml", "xml"),
        ("application/n-triples;q=0.2, text/turtle;q=0.1", "nt"),
        ("text/plain", "nt"),
        ("application/json", "json-ld"),
        ("application/xml", "xml"),
        ("application/xhtml+xml", "html"),
        ("application/x-turtle", "turtle"),
    ],
)
def test_highest_q_wins(accept, expected):
    assert chosen(accept) == expected


def test_specific_type_beats_subtype_wildcard_beats_any():
    # text/turtle's own q of 0.1 counts for Turtle, not text/*'s 0.9; text/plain (N-Triples)
    # and text/html tie at 0.9 under text/*, and our table's order breaks the tie.
    assert chosen("text/turtle;q=0.1, text/*;q=0.9") == "nt"
    assert chosen("application/*;q=0.5, */*;q=0.9") == "turtle"
    assert chosen("text/*, */*;q=0.1") == "turtle"


def test_more_specific_range_overrides_a_broader_one_for_the_same_type():
    assert chosen("*/*;q=1, text/turtle;q=0.2, application/ld+json;q=0.3") == "nt"


def test_q_zero_means_never():
    assert chosen("text/turtle;q=0, */*") == "json-ld"
    assert chosen("text/turtle;q=0") is None


def test_q_zero_on_one_alias_refuses_the_whole_format():
    assert chosen("text/turtle;q=0, application/x-turtle, application/ld+json;q=0.5") == "json-ld"


def test_parameters_do_not_break_a_match():
    accept = 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"'
    assert chosen(accept) == "json-ld"
    assert chosen("text/turtle; charset=utf-8") == "turtle"


def test_media_types_match_case_insensitively():
    assert chosen("TEXT/HTML") == "html"
    assert chosen("Application/LD+JSON;Q=1") == "json-ld"


def test_ties_go_to_the_clients_order():
    assert chosen("application/rdf+xml, text/turtle") == "xml"
    assert chosen("text/turtle, application/rdf+xml") == "turtle"
    assert chosen("application/n-triples;q=0.5, application/ld+json;q=0.5") == "nt"


@pytest.mark.parametrize(("q", "expected"), [(".5", 0.5), ("0.", 0.0), ("1.000", 1.0)])
def test_lenient_q_values_are_read(q, expected):
    (media_range,) = parse_accept(f"text/turtle;q={q}")
    assert media_range.q == expected


def test_lenient_q_keeps_the_entry_and_ranks_it():
    assert chosen("text/html;q=.5, text/turtle;q=.6") == "turtle"
    assert chosen("text/html;q=.7, text/turtle;q=.6") == "html"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("abc", "json-ld"),
        ("", "json-ld"),
        ("NaN", "json-ld"),
        ('"0.3"', "turtle"),
        ("2", "json-ld"),
        ("-1", "turtle"),
    ],
)
def test_malformed_q_never_crashes_and_is_read_leniently(q, expected):
    # Unreadable is 1 (kept, as a browser would); out of range is clamped: 2 → 1, -1 → 0.
    fmt = negotiate_format(f"application/ld+json;q={q}, text/turtle;q=0.4")
    assert fmt is not None and fmt.key == expected


def test_malformed_entries_are_skipped():
    assert chosen("garbage, text/, /html, application/rdf+xml") == "xml"


def test_nothing_acceptable_is_none():
    assert chosen("image/png, application/pdf") is None
    assert negotiate("image/png", ["text/turtle"]) is None


def test_negotiate_picks_among_offers_in_our_order_for_wildcards():
    assert negotiate("*/*", ["text/plain", "text/html"]) == "text/plain"
    assert negotiate("text/html, */*;q=0.8", ["text/plain", "text/html"]) == "text/html"
    assert negotiate(None, ["text/html"]) == "text/html"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("turtle", "turtle"),
        ("ttl", "turtle"),
        ("text/turtle", "turtle"),
        ("JSONLD", "json-ld"),
        ("rdf", "xml"),
        ("nt", "nt"),
        ("html", "html"),
        (" application/ld+json ", "json-ld"),
    ],
)
def test_format_named_by_key_suffix_or_media_type(name, key):
    fmt = format_named(name)
    assert fmt is not None and fmt.key == key


def test_format_named_unknown_is_none():
    assert format_named("pdf") is None


def test_table_has_one_row_per_suffix_and_media_type():
    suffixes = [f.suffix for f in FORMATS]
    media = [m for f in FORMATS for m in f.media_types]
    assert len(set(suffixes)) == len(suffixes)
    assert len(set(media)) == len(media)
    assert FORMATS[0].key == "turtle"


def _small_graph() -> Graph:
    graph = Graph()
    person = URIRef("http://cv.example.org/id/person/ada")
    graph.add((person, SDO.name, Literal("Ada “Ü” Lovelace")))
    graph.add((person, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), SDO.Person))
    graph.add((person, SDO.knowsLanguage, Literal("de")))
    return graph


@pytest.mark.parametrize(
    ("media_type", "content_type"),
    [
        ("text/turtle", "text/turtle; charset=utf-8"),
        ("text/html", "text/html; charset=utf-8"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("application/xml", "application/xml; charset=utf-8"),
        ("application/rdf+xml", "application/rdf+xml; charset=utf-8"),
        ("application/sparql-results+xml", "application/sparql-results+xml; charset=utf-8"),
        ("application/ld+json", "application/ld+json"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/gzip", "application/gzip"),
    ],
)
def test_charset_is_sent_with_text_and_xml_types_only(media_type, content_type):
    assert with_charset(media_type) == content_type


def test_each_format_is_sent_with_the_one_charset_rule():
    assert [f.content_type for f in FORMATS] == [
        "text/turtle; charset=utf-8",
        "application/ld+json",
        "application/n-triples",
        "application/rdf+xml; charset=utf-8",
        "text/html; charset=utf-8",
    ]


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.key)
def test_serialize_round_trips_every_rdf_format(fmt, no_network):
    graph = _small_graph()
    data = serialize(graph, fmt)
    parsed = Graph().parse(data=data, format=fmt.rdflib_name)
    assert isomorphic(parsed, graph)


def test_the_schema_org_context_url_cannot_be_read_without_the_network(no_network):
    # What a client without internet access meets with "@context": "https://schema.org".
    remote = json.dumps({"@context": SCHEMA_CONTEXT_URL, "@id": "http://x.org/a", "name": "A"})
    with pytest.raises(Exception, match="no network here"):
        Graph().parse(data=remote, format="json-ld")


def test_the_json_ld_format_carries_only_the_context_terms_it_uses():
    document = json.loads(serialize(_small_graph(), BY_KEY["json-ld"]))
    context = document["@context"]
    assert context["@vocab"] == "http://schema.org/"
    assert "knowsLanguage" not in context  # @vocab covers a term defined by its IRI alone
    assert "sameAs" not in context and "Book" not in context  # not used here
    assert len(json.dumps(context)) < 1000
    (node,) = document["@graph"]
    assert node["name"] == "Ada “Ü” Lovelace" and node["type"] == "Person"


def test_the_inline_context_keeps_each_coercion_the_body_relies_on():
    graph = _small_graph()
    person = next(iter(graph.subjects()))
    graph.add((person, SDO.sameAs, URIRef("https://orcid.org/0000-0002-1825-0097")))
    graph.add((person, SDO.birthDate, Literal("1815-12-10", datatype=XSD.date)))
    document = json.loads(serialize(graph, BY_KEY["json-ld"]))
    assert document["@context"]["sameAs"] == {"@id": "schema:sameAs", "@type": "@id"}
    assert document["@context"]["schema"] == "http://schema.org/"
    assert isomorphic(Graph().parse(data=json.dumps(document), format="json-ld"), graph)


def test_serialize_refuses_html():
    with pytest.raises(ValueError, match="not an RDF"):
        serialize(_small_graph(), BY_KEY["html"])


def test_compact_jsonld_names_the_schema_context_by_url_and_uses_its_terms():
    document = compact_jsonld(_small_graph())
    context = document["@context"]
    assert context == SCHEMA_CONTEXT_URL or context[0] == SCHEMA_CONTEXT_URL
    (node,) = document["@graph"]
    assert node["name"] == "Ada “Ü” Lovelace"
    assert node["type"] == "Person"


def test_compact_jsonld_matches_rdflibs_own_serializer_with_the_local_context():
    # compact_jsonld reuses one parsed context instead of re-reading it per call; the
    # output must be what rdflib's serializer gives with the same context.
    from ldcv.rdf.jsonld import JsonLdContext, _extra_context

    graph = _small_graph()
    local = {**schema_context(), **_extra_context(schema_context())}
    assert local == JsonLdContext.read().full
    reference = json.loads(graph.serialize(format="json-ld", context=local))
    reference.pop("@context")
    ours = compact_jsonld(graph)
    ours.pop("@context")
    if "@graph" not in reference:
        reference = {"@graph": [reference]}
    assert ours == reference
