"""Negotiation with the literal Accept headers real clients send, over real HTTP.

Each header is copied from the client's source or documentation (the ``source``
column), not guessed. Werkzeug's ``best_match`` gets several of these wrong (it
ranks by q alone and breaks ties by server order), hence our own negotiation.
"""

from __future__ import annotations

import pytest
import requests

from ldcv.rdf.formats import BY_KEY
from ldcv.rdf.negotiation import negotiate_format

CLIENTS = [
    # (client, Accept header, expected format, source)
    (
        "Chrome / Edge navigation",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
        "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
        "html",
        "Chromium's frame Accept value (kFrameAcceptHeaderValue), as sent by Chrome 120+",
    ),
    (
        "Firefox 92+ navigation",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "html",
        "MDN, List of default Accept values (Firefox 92 and later)",
    ),
    (
        "Firefox 66-71 / current Firefox default",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "html",
        "MDN, List of default Accept values",
    ),
    (
        "Safari",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "html",
        "MDN, List of default Accept values (Safari 5+)",
    ),
    (
        "Safari / Chrome (older)",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,image/apng,*/*;q=0.8",
        "html",
        "MDN, List of default Accept values",
    ),
    (
        "Opera (Presto)",
        "text/html, application/xml;q=0.9, application/xhtml+xml, image/png, image/webp, "
        "image/jpeg, image/gif, image/x-xbitmap, */*;q=0.1",
        "html",
        "MDN, List of default Accept values (Opera)",
    ),
    (
        "Googlebot (smartphone and desktop)",
        "text/html,application/xhtml+xml,application/signed-exchange;v=b3,application/xml;q=0.9,"
        "*/*;q=0.8",
        "html",
        "google/webpackager, cmd/webpkgserver/README.md, 'Content negotiation'",
    ),
    ("curl", "*/*", "turtle", "curl's default (lib/http.c: 'Accept: */*')"),
    ("python-requests", "*/*", "turtle", "requests.utils.default_headers()"),
    ("no Accept at all (wget -q --header=, scripts)", None, "turtle", "RFC 9110 §12.5.1"),
    (
        "rdflib Graph.parse(url) without format",
        "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
        "application/n-quads, application/trix, application/trig",
        "xml",
        "rdflib 7.x parser.URLInputSource: every registered parser media type, in order",
    ),
    (
        "rdflib format='turtle'",
        "text/turtle, application/x-turtle, */*;q=0.1",
        "turtle",
        "rdflib/parser.py URLInputSource",
    ),
    (
        "rdflib format='xml'",
        "application/rdf+xml, */*;q=0.1",
        "xml",
        "rdflib/parser.py URLInputSource",
    ),
    ("rdflib format='nt'", "text/plain, */*;q=0.1", "nt", "rdflib/parser.py URLInputSource"),
    (
        "rdflib format='json-ld'",
        "application/ld+json, application/json;q=0.9, */*;q=0.1",
        "json-ld",
        "rdflib/parser.py URLInputSource",
    ),
    (
        "rdflib format='n3'",
        "text/n3, */*;q=0.1",
        "turtle",
        "rdflib/parser.py URLInputSource (N3 is not offered; */* falls to our default)",
    ),
    (
        "Apache Jena RIOT (RDFDataMgr.read)",
        "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
        "application/rdf+xml;q=0.7,*/*;q=0.3",
        "turtle",
        "jena-arq org.apache.jena.riot.WebContent.defaultGraphAcceptHeader",
    ),
    (
        "Apache Jena RIOT, graph or dataset",
        "text/turtle,application/n-triples;q=0.9,application/rdf+xml;q=0.7,"
        "application/trig,application/n-quads;q=0.9,application/ld+json;q=0.8,*/*;q=0.5",
        "turtle",
        "jena-arq org.apache.jena.riot.WebContent.defaultRDFAcceptHeader",
    ),
    (
        "SPARQLWrapper CONSTRUCT, RDF/XML (its default)",
        "application/rdf+xml",
        "xml",
        "SPARQLWrapper/Wrapper.py _RDF_XML",
    ),
    (
        "SPARQLWrapper CONSTRUCT, TURTLE",
        "application/turtle,text/turtle",
        "turtle",
        "SPARQLWrapper/Wrapper.py _RDF_TURTLE",
    ),
    (
        "SPARQLWrapper CONSTRUCT, N3",
        "application/turtle,text/turtle,text/rdf+n3,application/n-triples,application/n3,text/n3",
        "turtle",
        "SPARQLWrapper/Wrapper.py _RDF_N3",
    ),
    (
        "SPARQLWrapper CONSTRUCT, JSONLD",
        "application/ld+json,application/x-json+ld",
        "json-ld",
        "SPARQLWrapper/Wrapper.py _RDF_JSONLD",
    ),
    (
        "SPARQLWrapper default (unknown return format)",
        "*/*",
        "turtle",
        "SPARQLWrapper/Wrapper.py _ALL",
    ),
    (
        "LDSpider",
        "application/rdf+xml, application/xml",
        "xml",
        "ldspider CrawlerConstants.HEADERS (MIMETYPES[0] + ', ' + MIMETYPES[1])",
    ),
    (
        "LDSpider (early versions)",
        "application/rdf+xml",
        "xml",
        "ldspider CrawlerConstants.HEADERS",
    ),
    (
        "JSON-LD processor asking for compacted form",
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted", '
        "application/json;q=0.5",
        "json-ld",
        "JSON-LD 1.1 Processing Algorithms §9.4 (profile parameter)",
    ),
]
IDS = [row[0] for row in CLIENTS]


@pytest.mark.parametrize(("client", "accept", "expected", "source"), CLIENTS, ids=IDS)
def test_negotiation_table(client, accept, expected, source):
    fmt = negotiate_format(accept)
    assert fmt is not None and fmt.key == expected, f"{client} ({source})"


@pytest.mark.parametrize(("client", "accept", "expected", "source"), CLIENTS, ids=IDS)
def test_each_client_gets_what_it_asks_for_over_http(
    fixture_server, client, accept, expected, source
):
    # Through the 303, as the client would: requests follows it with the same headers.
    headers = {} if accept is None else {"Accept": accept}
    response = requests.get(
        fixture_server.url("/id/person/ada-lovelace"), headers=headers, timeout=10
    )
    assert response.status_code == 200, client
    assert [r.status_code for r in response.history] == [303]
    fmt = BY_KEY[expected]
    assert response.headers["Content-Type"] == fmt.content_type, f"{client} ({source})"
    assert response.headers["Content-Location"].endswith(f".{fmt.suffix}")
    assert "Accept" in response.headers["Vary"]


def test_werkzeug_best_match_disagrees_where_the_rfc_is_clear():
    # Why we do not use werkzeug's best_match: it ignores the client's order on ties.
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    accept = "application/rdf+xml, text/turtle"  # equal q: the client listed RDF/XML first
    offers = ["text/turtle", "application/rdf+xml"]
    werkzeug = parse_accept_header(accept, MIMEAccept).best_match(offers)
    ours = negotiate_format(accept)
    assert ours is not None and ours.key == "xml"
    assert werkzeug != ours.media_type


def _serving(live, accept: str) -> str:
    response = requests.get(
        live.url("/doc/person/ada-lovelace"), headers={"Accept": accept}, timeout=10
    )
    return response.headers["Content-Type"]


def test_html_for_browsers_even_though_they_accept_xml(fixture_server):
    # Browsers list application/xml at q=0.9, which RDF/XML also answers: HTML must win.
    assert _serving(fixture_server, CLIENTS[0][1]).startswith("text/html")
