"""The linked-data server over real HTTP: app factory, dereferencing, headers, errors, reload."""

from __future__ import annotations

import gzip
import json
import shutil
import time
from collections import deque
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ldcv.errors import InputError, LdcvError
from ldcv.rdf.formats import BY_KEY, FORMATS, RDF_FORMATS
from ldcv.rdf.iris import parse_thing_iri
from ldcv.rdf.jsonld import used_context
from ldcv.rdf.vocabulary import LDCV, RDF, RDFS, SDO
from ldcv.server import create_app

OWNER_DOC = "/doc/person/ada-lovelace"
PAPER_DOC = "/doc/publication/lovelace-1843-notes"
DATA = Path(__file__).resolve().parents[2] / "data"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def owner_iri(live) -> URIRef:
    return URIRef(live.url("/id/person/ada-lovelace"))


# -- the app factory -----------------------------------------------------------------


def test_configuration_comes_from_defaults_then_environment_then_argument(
    monkeypatch, make_fixture_dataset
):
    monkeypatch.setenv("LDCV_MAX_AGE", "60")
    monkeypatch.setenv("LDCV_HOST", "0.0.0.0")
    dataset = make_fixture_dataset("http://cv.example.org")
    app = create_app({"LDCV_DATASET": dataset, "LDCV_HOST": "127.0.0.2"})
    assert app.config["LDCV_MAX_AGE"] == 60  # environment over the default of 300
    assert app.config["LDCV_HOST"] == "127.0.0.2"  # argument over environment
    response = app.test_client().get(OWNER_DOC)
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_environment_names_the_data_and_the_base(monkeypatch, tmp_path):
    shutil.copy(next(DATA.glob("*.yaml")), tmp_path / "cv.yaml")
    monkeypatch.setenv("LDCV_DATA", f"{tmp_path / 'cv.yaml'}")
    monkeypatch.setenv("LDCV_BASE_URI", "https://cv.example.net/")
    app = create_app()
    dataset = app.extensions["ldcv"]
    assert dataset.base_uri == "https://cv.example.net"
    response = app.test_client().get(f"/id/person/{dataset.cvs[0].owner.key}")
    assert response.headers["Location"].startswith("https://cv.example.net/doc/person/")


def test_the_app_holds_every_setting_typed(monkeypatch, make_fixture_dataset):
    # The reading rules themselves are tested in tests/test_config.py.
    monkeypatch.setenv("LDCV_SPARQL_TIMEOUT", "2.5")
    monkeypatch.setenv("LDCV_SPARQL_WORKERS", "3")
    monkeypatch.setenv("LDCV_LICENSE", "https://creativecommons.org/publicdomain/zero/1.0/")
    dataset = make_fixture_dataset("http://cv.example.org")
    app = create_app({"LDCV_DATASET": dataset, "TESTING": True})
    assert app.config["LDCV_SPARQL_TIMEOUT"] == 2.5
    assert app.config["LDCV_SPARQL_WORKERS"] == 3
    assert app.config["LDCV_SPARQL_MAX_ROWS"] == 10_000
    assert app.config["LDCV_LICENSE"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert app.config["TESTING"] is True  # Flask's own settings pass through


def test_a_bad_environment_value_stops_start_up_naming_the_variable(
    monkeypatch, make_fixture_dataset
):
    monkeypatch.setenv("LDCV_MAX_AGE", "five")
    with pytest.raises(ValueError, match="LDCV_MAX_AGE"):
        create_app({"LDCV_DATASET": make_fixture_dataset("http://cv.example.org")})


def test_invalid_cv_stops_start_up_with_the_report(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("person:\n  name: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        create_app({"LDCV_DATA": [str(bad)], "LDCV_BASE_URI": "http://cv.example.org"})
    assert "bad.yaml" in str(caught.value)


def test_app_holds_the_dataset_for_other_blueprints(make_fixture_dataset):
    dataset = make_fixture_dataset("http://cv.example.org")
    app = create_app({"LDCV_DATASET": dataset})
    assert app.extensions["ldcv"] is dataset


def test_no_request_serializes_or_renders(monkeypatch, make_fixture_app):
    app = make_fixture_app("http://cv.example.org")

    def refuse(*args, **kwargs):
        raise AssertionError("a request serialized a graph")

    import ldcv.documents.catalog
    import ldcv.pages.render
    import ldcv.rdf.formats

    monkeypatch.setattr(Graph, "serialize", refuse)
    monkeypatch.setattr(ldcv.rdf.formats, "compact_jsonld", refuse)
    monkeypatch.setattr(ldcv.documents.catalog, "serialize", refuse)
    monkeypatch.setattr(ldcv.pages.render, "render_document", refuse)
    monkeypatch.setattr(ldcv.pages.render, "render_index", refuse)
    client = app.test_client()
    catalog = app.extensions["ldcv.catalog"]
    for path in [*catalog.documents, "/", "/vocab"]:
        for fmt in FORMATS:
            assert client.get(path, headers={"Accept": fmt.media_type}).status_code == 200


# -- dereferencing ------------------------------------------------------------------


def test_thing_iri_answers_303_to_its_document(fixture_server):
    response = fixture_server.get("/id/person/ada-lovelace", Accept="text/turtle")
    assert response.status_code == 303
    assert response.headers["Location"] == fixture_server.url(OWNER_DOC)
    assert "Accept" in response.headers["Vary"]


def test_303_keeps_the_query_string(fixture_server):
    response = fixture_server.get("/id/person/ada-lovelace?format=nt")
    assert response.headers["Location"] == fixture_server.url(OWNER_DOC + "?format=nt")


@pytest.mark.parametrize("path", ["/id/person/nobody", "/id/person/ada-lovelace.ttl",
                                  "/doc/person/nobody", "/doc/person/ada-lovelace.pdf",
                                  "/doc/person", "/nothing/here", "/vocab.pdf"])
def test_unknown_paths_are_404(fixture_server, path):
    assert fixture_server.get(path).status_code == 404


@pytest.mark.parametrize("fmt", [None, "turtle", "xml", "nt", "json-ld"])
def test_rdflib_parse_follows_the_303_and_gets_the_document(fixture_server, no_network, fmt):
    subject = owner_iri(fixture_server)
    graph = Graph().parse(str(subject), format=fmt)
    expected = fixture_server.app.extensions["ldcv.catalog"].documents[OWNER_DOC].graph
    assert (subject, RDF.type, SDO.Person) in graph
    assert isomorphic(graph, expected)


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.key)
def test_suffix_variant_answers_its_fixed_format_whatever_the_accept(fixture_server, fmt):
    response = fixture_server.get(f"{PAPER_DOC}.{fmt.suffix}", Accept="text/html")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == fmt.content_type
    assert response.headers["Content-Location"] == fixture_server.url(f"{PAPER_DOC}.{fmt.suffix}")
    vary = {v.strip() for v in response.headers.get("Vary", "").split(",")}
    assert "Accept" not in vary


@pytest.mark.parametrize("value", ["ttl", "turtle", "text/turtle"])
def test_format_parameter_wins_over_accept(fixture_server, value):
    response = fixture_server.get(f"{PAPER_DOC}?format={value}", Accept="text/html")
    assert response.headers["Content-Type"] == BY_KEY["turtle"].content_type


def test_unknown_format_parameter_is_400_naming_the_formats(fixture_server):
    response = fixture_server.get(f"{PAPER_DOC}?format=pdf")
    assert response.status_code == 400
    assert "json-ld" in response.text


def test_html_variant_is_the_page(fixture_server):
    response = fixture_server.get(f"{OWNER_DOC}.html")
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Ada Lovelace" in response.text


def _minted(live, graph: Graph) -> set[URIRef]:
    return {
        t
        for triple in graph
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(live.base + "/")
    }


def crawl(live) -> tuple[set[str], set[URIRef]]:
    """Follow your nose from the home page: every IRI under the base must dereference.

    Returns the documents reached and the thing IRIs dereferenced.
    """
    session = requests.Session()
    session.headers["Accept"] = "text/turtle"
    home = session.get(live.url("/"), timeout=10)
    assert home.status_code == 200
    graph = Graph().parse(data=home.text, format="turtle")
    queue, seen = deque(_minted(live, graph)), set()
    documents: set[str] = set()
    things: set[URIRef] = set()
    while queue:
        iri = queue.popleft()
        if iri in seen:
            continue
        seen.add(iri)
        response = session.get(str(iri), allow_redirects=False, timeout=10)
        if "/id/" in iri:
            assert response.status_code == 303, iri
            assert response.headers["Vary"] == "Accept"
            things.add(iri)
            response = session.get(response.headers["Location"], timeout=10)
        assert response.status_code == 200, iri
        assert response.headers["Content-Type"].startswith("text/turtle"), iri
        document = Graph().parse(data=response.text, format="turtle")
        if "/id/" in iri:
            assert (iri, None, None) in document, f"{iri} is not a subject of its document"
        documents.add(response.url.removeprefix(live.base))
        queue.extend(_minted(live, document) - seen)
    return documents, things


def test_follow_your_nose_from_home_reaches_every_document(fixture_server):
    documents, things = crawl(fixture_server)
    catalog = fixture_server.app.extensions["ldcv.catalog"]
    assert set(catalog.documents) <= documents
    assert {d.subject for d in catalog.documents.values()} == things


def test_follow_your_nose_over_the_seed_cv(seed_server):
    documents, things = crawl(seed_server)
    catalog = seed_server.app.extensions["ldcv.catalog"]
    assert set(catalog.documents) <= documents
    minted = {
        s for s in catalog.dataset.graph.subjects()
        if isinstance(s, URIRef) and parse_thing_iri(catalog.dataset.base_uri, str(s))
    }
    assert minted == things


# -- the home page and the vocabulary ---------------------------------------------------


def test_home_is_the_owners_profile_with_a_canonical_link(fixture_server):
    response = fixture_server.get("/", Accept=BROWSER)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert f'<{fixture_server.url(OWNER_DOC)}>; rel="canonical"' in response.headers["Link"]
    assert response.headers["Content-Location"] == fixture_server.url(OWNER_DOC + ".html")
    assert "Ada Lovelace" in response.text


def test_home_negotiates_data_for_scripts(fixture_server):
    response = fixture_server.get("/", Accept="*/*")
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert (owner_iri(fixture_server), RDF.type, SDO.Person) in graph


def test_home_of_several_cvs_is_an_index(two_cv_server):
    page = two_cv_server.get("/", Accept=BROWSER)
    assert page.status_code == 200
    assert "Ada Lovelace" in page.text and "Grace Hopper" in page.text
    data = Graph().parse(data=two_cv_server.get("/", Accept="text/turtle").text, format="turtle")
    home = URIRef(two_cv_server.url("/"))
    about = set(data.objects(home, SDO.about))
    assert about == {
        URIRef(two_cv_server.url("/id/person/ada-lovelace")),
        URIRef(two_cv_server.url("/id/person/grace-hopper")),
    }
    assert (URIRef(two_cv_server.url("/id/person/grace-hopper")), SDO.name,
            Literal("Grace Hopper")) in data


def test_index_variants_are_addressable(two_cv_server):
    response = two_cv_server.get("/?format=nt", Accept=BROWSER)
    assert response.headers["Content-Type"] == "application/n-triples"
    assert response.headers["Content-Location"] == two_cv_server.url("/?format=nt")


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_vocabulary_dereferences_in_rdf(fixture_server, no_network, accept):
    response = fixture_server.get("/vocab", Accept=accept)
    assert response.status_code == 200
    fmt = "turtle" if accept == "text/turtle" else "json-ld"
    graph = Graph().parse(data=response.content, format=fmt)
    assert (LDCV.AwardReceipt, RDFS.label, None) in graph


def test_vocabulary_has_suffix_variants_and_a_page(fixture_server):
    assert fixture_server.get("/vocab.ttl").headers["Content-Type"].startswith("text/turtle")
    page = fixture_server.get("/vocab", Accept=BROWSER)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"


# -- HTTP headers -----------------------------------------------------------------------


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
    tags = {f.key: fixture_server.get(PAPER_DOC, Accept=f.media_type).headers["ETag"]
            for f in FORMATS}
    assert len(set(tags.values())) == len(FORMATS)
    assert fixture_server.get(PAPER_DOC, Accept="text/turtle").headers["ETag"] == tags["turtle"]


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", "W/{etag}", '"other", {etag}', "*", '"x" ,  W/{etag}'],
)
def test_if_none_match_gives_304(fixture_server, if_none_match):
    first = fixture_server.get(PAPER_DOC, Accept="text/turtle")
    etag = first.headers["ETag"]
    response = fixture_server.get(PAPER_DOC, Accept="text/turtle",
                                  **{"If-None-Match": if_none_match.format(etag=etag)})
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
    response = fixture_server.get(PAPER_DOC,
                                  **{"If-None-Match": '"stale"', "If-Modified-Since": at})
    assert response.status_code == 200


@pytest.mark.parametrize("path", [PAPER_DOC, "/", f"{OWNER_DOC}.jsonld", "/vocab"])
@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_head_is_get_without_a_body(fixture_server, path, accept):
    got = fixture_server.get(path, Accept=accept, **{"Accept-Encoding": "identity"})
    head = requests.head(fixture_server.url(path), timeout=10,
                         headers={"Accept": accept, "Accept-Encoding": "identity"})
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
    plain, plain_body = _raw(fixture_server, OWNER_DOC, Accept="text/turtle",
                             **{"Accept-Encoding": "identity"})
    packed, packed_body = _raw(fixture_server, OWNER_DOC, Accept="text/turtle",
                               **{"Accept-Encoding": "gzip, deflate, br"})
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


def test_cors_preflight_is_answered(fixture_server):
    response = requests.options(
        fixture_server.url(OWNER_DOC + ".jsonld"),
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "if-none-match"},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


def test_html_carries_a_strict_content_security_policy(fixture_server):
    headers = fixture_server.get(OWNER_DOC, Accept=BROWSER).headers
    policy = headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["style-src"] == "'self'"
    assert "script-src" not in directives  # falls back to default-src 'none'
    assert "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


def test_page_loads_nothing_the_policy_would_block(fixture_server):
    # Only same-origin stylesheets and no scripts but the JSON-LD data block.
    page = fixture_server.get(OWNER_DOC, Accept=BROWSER).text
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(page)
    for script in tree.iter("script"):
        assert script.get("type") == "application/ld+json" and not script.get("src")
    for link in tree.xpath("//link[@rel='stylesheet']"):
        href = link.get("href")
        assert href.startswith("/") and not href.startswith("//")
    assert not tree.xpath("//*[@style]")


# -- errors -------------------------------------------------------------------------------


def test_404_is_a_page_for_browsers(fixture_server):
    response = fixture_server.get("/doc/person/nobody", Accept=BROWSER)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    assert "<html" in response.text.lower()


@pytest.mark.parametrize("accept", [None, "*/*", "text/turtle", "application/json"])
def test_404_is_plain_text_for_scripts(fixture_server, accept):
    headers = {} if accept is None else {"Accept": accept}
    response = fixture_server.get("/doc/person/nobody", **headers)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text.startswith("404 Not Found")


def test_405_names_the_allowed_methods(fixture_server):
    response = requests.post(fixture_server.url(OWNER_DOC), data="x", timeout=10)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "Traceback" not in response.text


def test_406_lists_the_alternatives(fixture_server):
    response = fixture_server.get(PAPER_DOC, Accept="image/png, application/pdf")
    assert response.status_code == 406
    assert response.headers["Vary"] == "Accept"
    for fmt in FORMATS:
        assert fmt.media_type in response.text
        assert fixture_server.url(f"{PAPER_DOC}.{fmt.suffix}") in response.text


def test_500_has_no_stack_trace(monkeypatch, make_fixture_app):
    import ldcv.pages.render

    app = make_fixture_app("http://cv.example.org", LDCV_PRERENDER=False)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(ldcv.pages.render, "render_document", broken)
    for accept in (BROWSER, "*/*"):
        response = app.test_client().get(OWNER_DOC + ".html", headers={"Accept": accept})
        assert response.status_code == 500
        text = response.get_data(as_text=True)
        assert "secret internals" not in text and "Traceback" not in text


# -- reloading ----------------------------------------------------------------------------


def _reloading_app(tmp_path: Path, interval: float):
    source = next(DATA.glob("*.yaml"))
    target = tmp_path / source.name
    shutil.copy(source, target)
    app = create_app({"LDCV_DATA": [str(tmp_path)], "LDCV_BASE_URI": "http://cv.example.org",
                      "LDCV_RELOAD": True, "LDCV_RELOAD_INTERVAL": interval})
    return app, target


def _owner_name(app) -> str:
    dataset = app.extensions["ldcv"]
    return dataset.cvs[0].owner.name


def _rename_owner(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert f"name: {old}" in text
    path.write_text(text.replace(f"name: {old}", f"name: {new}", 1), encoding="utf-8")


@pytest.mark.slow
def test_reload_serves_changed_data_and_keeps_the_last_good_data_on_error(tmp_path, caplog):
    app, yaml_file = _reloading_app(tmp_path, interval=3600)  # we call check() ourselves
    watcher = app.extensions["ldcv.watcher"]
    try:
        old = _owner_name(app)
        client = app.test_client()
        owner_doc = f"/doc/person/{app.extensions['ldcv'].cvs[0].owner.key}.ttl"

        _rename_owner(yaml_file, old, old + " Renamed")
        assert watcher.check() is True
        assert (old + " Renamed") in client.get(owner_doc).get_data(as_text=True)

        good = client.get(owner_doc).get_data()
        yaml_file.write_text(yaml_file.read_text(encoding="utf-8") + "\nnot_a_section: 1\n",
                             encoding="utf-8")
        assert watcher.check() is False
        assert watcher.last_error and yaml_file.name in watcher.last_error
        assert "still serving the last good data" in caplog.text
        assert client.get(owner_doc).get_data() == good
        assert watcher.check() is False  # nothing changed since: no second attempt
    finally:
        watcher.stop()


@pytest.mark.slow
def test_reload_watches_in_the_background(tmp_path):
    app, yaml_file = _reloading_app(tmp_path, interval=0.05)
    watcher = app.extensions["ldcv.watcher"]
    try:
        old = _owner_name(app)
        _rename_owner(yaml_file, old, old + " Again")
        deadline = time.monotonic() + 30
        while _owner_name(app) == old and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _owner_name(app) == old + " Again"
    finally:
        watcher.stop()


def test_reload_failure_is_an_ldcv_error(tmp_path):
    # The watcher only swallows LdcvError: a bug elsewhere must not pass for bad data.
    bad = tmp_path / "cv.yaml"
    bad.write_text("{", encoding="utf-8")
    from ldcv.pipeline import prepare

    with pytest.raises(LdcvError):
        prepare([bad], "http://cv.example.org")


def test_json_ld_document_is_compacted_with_an_inline_schema_org_context(fixture_server):
    data = json.loads(fixture_server.get(OWNER_DOC, Accept="application/ld+json").text)
    assert data["@context"] == used_context({k: v for k, v in data.items() if k != "@context"})
    owner = next(n for n in data["@graph"] if n.get("id") == str(owner_iri(fixture_server)))
    assert owner["name"] == "Ada Lovelace"  # schema.org terms without a prefix


# -- the response memo ------------------------------------------------------------------


def _counting_app(make_fixture_app, base: str = "http://cv.example.org"):
    """The fixture app, and the list of paths for which Flask itself ran."""
    app = make_fixture_app(base)
    memo = app.wsgi_app
    flask_app, ran = memo.app, []

    def counting(environ, start_response):
        ran.append(environ["PATH_INFO"])
        return flask_app(environ, start_response)

    memo.app = counting
    return app, ran


def _same_answer(first, second) -> None:
    assert second.status_code == first.status_code
    assert second.get_data() == first.get_data()
    assert list(second.headers.items()) == list(first.headers.items())


def test_memo_replays_a_repeated_document_request_without_running_flask(make_fixture_app):
    app, ran = _counting_app(make_fixture_app)
    client = app.test_client()
    headers = {"Accept": "text/turtle", "Accept-Encoding": "gzip"}
    first = client.get(PAPER_DOC, headers=headers)
    again = client.get(PAPER_DOC, headers=headers)
    assert ran == [PAPER_DOC]
    _same_answer(first, again)
    assert again.headers["Content-Encoding"] == "gzip"
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    # another Accept is another answer, made by Flask
    page = client.get(PAPER_DOC, headers={"Accept": "text/html"})
    assert ran == [PAPER_DOC, PAPER_DOC]
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in page.headers
    assert "Content-Security-Policy" not in first.headers


def test_memo_replays_304s_per_validator_and_200s_for_others(fixture_modified, make_fixture_app):
    app, ran = _counting_app(make_fixture_app)
    client = app.test_client()
    etag = client.get(PAPER_DOC, headers={"Accept": "text/turtle"}).headers["ETag"]
    conditional = {"Accept": "text/turtle", "If-None-Match": etag}
    first = client.get(PAPER_DOC, headers=conditional)
    again = client.get(PAPER_DOC, headers=conditional)
    assert first.status_code == 304 and again.get_data() == b""
    _same_answer(first, again)
    assert len(ran) == 2  # the 200 and the first 304
    stale = client.get(PAPER_DOC, headers={"Accept": "text/turtle", "If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.headers["ETag"] == etag
    at = format_datetime(fixture_modified, usegmt=True)
    before = format_datetime(fixture_modified - timedelta(seconds=1), usegmt=True)
    for _ in range(2):
        assert client.get(PAPER_DOC, headers={"If-Modified-Since": at}).status_code == 304
        assert client.get(PAPER_DOC, headers={"If-Modified-Since": before}).status_code == 200
    assert len(ran) == 5


def test_memo_passes_other_preconditions_and_non_document_answers_to_flask(make_fixture_app):
    app, ran = _counting_app(make_fixture_app)
    client = app.test_client()
    for _ in range(2):
        client.get(PAPER_DOC, headers={"Accept": "text/turtle", "If-Match": '"x"'})
        assert client.get("/doc/person/nobody").status_code == 404
        client.get(PAPER_DOC, headers={"Accept": "image/png"})  # a 406
        client.post(PAPER_DOC)
    assert len(ran) == 8


def test_memo_forgets_when_the_catalog_is_replaced(make_fixture_dataset, make_fixture_app):
    from ldcv.documents.catalog import build_catalog
    from ldcv.server import install_catalog

    app, ran = _counting_app(make_fixture_app)
    client = app.test_client()
    client.get(PAPER_DOC, headers={"Accept": "text/turtle"})
    client.get(PAPER_DOC, headers={"Accept": "text/turtle"})
    dataset = make_fixture_dataset("http://cv.example.org")
    graph = dataset.graph
    paper = URIRef("http://cv.example.org/id/publication/lovelace-1843-notes")
    graph.set((paper, SDO.name, Literal("Renamed notes")))
    install_catalog(app, build_catalog(dataset))
    renamed = client.get(PAPER_DOC, headers={"Accept": "text/turtle"})
    assert len(ran) == 2
    assert "Renamed notes" in renamed.get_data(as_text=True)


def test_a_page_and_its_jsonld_variant_carry_the_same_data_whichever_renders_first(
    make_fixture_dataset
):
    from ldcv.documents.catalog import build_catalog

    dataset = make_fixture_dataset("http://cv.example.org")
    html, jsonld = BY_KEY["html"], BY_KEY["json-ld"]
    fresh = build_catalog(dataset, prerender=False).resources[OWNER_DOC]
    expected = fresh.render(jsonld)
    page_first = build_catalog(dataset, prerender=False).resources[OWNER_DOC]
    page = page_first.render(html).decode()
    assert page_first.render(jsonld) == expected
    assert page_first.render(jsonld) == expected  # rendered again, made again
    embedded = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    data = json.loads(embedded)
    assert data["@graph"][0]["id"].endswith(OWNER_DOC)  # the ProfilePage first on the page
    order = lambda nodes: sorted(json.dumps(n, sort_keys=True) for n in nodes)  # noqa: E731
    assert order(data["@graph"]) == order(json.loads(expected)["@graph"])
