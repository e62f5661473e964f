"""Answering with a prepared representation (``ldcv.server.http``): what a 200 carries,
ETags, conditional requests, HEAD and gzip."""

from __future__ import annotations

import gzip
from datetime import timedelta
from email.utils import format_datetime

import pytest
import requests

from ldcv.rdf.formats import FORMATS

OWNER_DOC = "/doc/person/ada-lovelace"
PAPER_DOC = "/doc/publication/lovelace-1843-notes"


def test_a_200_says_what_it_is_where_its_variants_are_and_how_to_cache_it(
    fixture_server, fixture_modified
):
    response = fixture_server.get(PAPER_DOC, Accept="text/turtle")
    headers = response.headers
    assert headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert headers["Content-Location"] == fixture_server.url(PAPER_DOC + ".ttl")
    links = headers["Link"]
    for fmt in FORMATS:
        variant = f'<{fixture_server.url(f"{PAPER_DOC}.{fmt.suffix}")}>; rel="alternate"'
        assert (variant in links) == (fmt.key != "turtle"), fmt.key
    assert f'<{fixture_server.url(PAPER_DOC)}>; rel="canonical"' in links
    assert headers["ETag"].startswith('"') and headers["ETag"].endswith('"')
    assert headers["Last-Modified"] == format_datetime(fixture_modified, usegmt=True)
    assert headers["Cache-Control"] == "public, max-age=300"
    assert {v.strip() for v in headers["Vary"].split(",")} >= {"Accept", "Accept-Encoding"}
    assert headers["Access-Control-Allow-Origin"] == "*"
    exposed = {v.strip() for v in headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Link", "ETag", "Content-Location"} <= exposed


def test_etag_differs_between_formats_and_is_stable(fixture_server):
    tags = {
        f.key: fixture_server.get(PAPER_DOC, Accept=f.media_type).headers["ETag"] for f in FORMATS
    }
    assert len(set(tags.values())) == len(FORMATS)
    assert fixture_server.get(PAPER_DOC, Accept="text/turtle").headers["ETag"] == tags["turtle"]


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", "W/{etag}", '"other", {etag}', "*", '"x" ,  W/{etag}'],
)
def test_if_none_match_gives_304(fixture_server, if_none_match):
    first = fixture_server.get(PAPER_DOC, Accept="text/turtle")
    etag = first.headers["ETag"]
    response = fixture_server.get(
        PAPER_DOC, Accept="text/turtle", **{"If-None-Match": if_none_match.format(etag=etag)}
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Vary"] == first.headers["Vary"]


def test_if_none_match_for_another_variant_gives_200(fixture_server):
    html_etag = fixture_server.get(PAPER_DOC, Accept="text/html").headers["ETag"]
    response = fixture_server.get(PAPER_DOC, Accept="text/turtle", **{"If-None-Match": html_etag})
    assert response.status_code == 200


def test_if_modified_since_gives_304_unless_modified_later(fixture_server, fixture_modified):
    at = format_datetime(fixture_modified, usegmt=True)
    before = format_datetime(fixture_modified - timedelta(seconds=1), usegmt=True)
    assert fixture_server.get(PAPER_DOC, **{"If-Modified-Since": at}).status_code == 304
    assert fixture_server.get(PAPER_DOC, **{"If-Modified-Since": before}).status_code == 200
    assert fixture_server.get(PAPER_DOC, **{"If-Modified-Since": "yesterday"}).status_code == 200


def test_if_none_match_takes_precedence_over_if_modified_since(fixture_server, fixture_modified):
    at = format_datetime(fixture_modified, usegmt=True)
    response = fixture_server.get(
        PAPER_DOC, **{"If-None-Match": '"stale"', "If-Modified-Since": at}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("path", [PAPER_DOC, "/", f"{OWNER_DOC}.jsonld", "/vocab"])
@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_head_is_get_without_a_body(fixture_server, path, accept):
    got = fixture_server.get(path, Accept=accept, **{"Accept-Encoding": "identity"})
    head = requests.head(
        fixture_server.url(path),
        timeout=10,
        headers={"Accept": accept, "Accept-Encoding": "identity"},
    )
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    ignore = {"date"}
    assert {k.lower(): v for k, v in head.headers.items() if k.lower() not in ignore} == {
        k.lower(): v for k, v in got.headers.items() if k.lower() not in ignore
    }
    assert int(head.headers["Content-Length"]) == len(got.content)


def _raw(live, path: str, **headers: str) -> tuple[requests.Response, bytes]:
    response = requests.get(live.url(path), headers=headers, stream=True, timeout=10)
    return response, response.raw.read(decode_content=False)


def test_gzip_when_the_client_accepts_it(fixture_server):
    plain, plain_body = _raw(
        fixture_server, OWNER_DOC, Accept="text/turtle", **{"Accept-Encoding": "identity"}
    )
    packed, packed_body = _raw(
        fixture_server, OWNER_DOC, Accept="text/turtle", **{"Accept-Encoding": "gzip, deflate, br"}
    )
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed_body) == plain_body
    assert len(packed_body) < len(plain_body)
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert "Accept-Encoding" in plain.headers["Vary"]


@pytest.mark.parametrize("accept_encoding", ["gzip;q=0", "br", "identity", "*;q=0"])
def test_no_gzip_unless_allowed(fixture_server, accept_encoding):
    response, _ = _raw(fixture_server, OWNER_DOC, **{"Accept-Encoding": accept_encoding})
    assert "Content-Encoding" not in response.headers
