"""The static build: every document in every format, crawler files, server config."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ldcv.build.site import MARKER, BuildError, build_site, build_store_site, embed_snippet
from ldcv.build.webserver import exact_accepts, htaccess, negotiate_suffix, nginx_conf
from ldcv.cli import main
from ldcv.documents.crawler_files import DUMPS, void_dataset_iri
from ldcv.documents.selection import build_documents
from ldcv.errors import EXIT_USAGE, LdcvError
from ldcv.rdf.formats import FORMATS, RDF_FORMATS
from ldcv.rdf.jsonld import expand_context
from ldcv.rdf.negotiation import negotiate_format
from ldcv.rdf.vocabulary import SDO, VOID

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "site-cv.ttl"
BASE = "http://cv.example.org"
OWNER = "grace-hopper"
MODIFIED = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NAVY_ALIAS = '<id/organization/us-navy> <http://schema.org/alternateName> "USN" .'


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its inode and mtime."""
    return {
        str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def built(make_site_dataset, tmp_path: Path) -> Path:
    outdir = tmp_path / "site"
    build_site(make_site_dataset(), outdir)
    return outdir


def test_every_document_is_written_in_every_format(
    make_site_dataset, built: Path, no_network: None
) -> None:
    documents = build_documents(make_site_dataset())
    assert len(documents) >= 5
    for path, document in documents.items():
        for fmt in FORMATS:
            assert (built / f"{path.lstrip('/')}.{fmt.suffix}").is_file(), (path, fmt.suffix)
        turtle = Graph().parse(built / f"{path.lstrip('/')}.ttl", format="turtle")
        assert isomorphic(turtle, document.graph), path
        jsonld = json.loads((built / f"{path.lstrip('/')}.jsonld").read_text(encoding="utf-8"))
        expanded = Graph().parse(data=json.dumps(jsonld), format="json-ld")
        assert isomorphic(expanded, document.graph), path


def test_the_site_holds_home_page_crawler_files_dumps_and_server_config(built: Path) -> None:
    expected = ["robots.txt", "sitemap.xml", "nginx.conf", ".htaccess", "404.html", "404.txt"]
    expected += [f"index.{f.suffix}" for f in FORMATS]
    expected += [f".well-known/void.{f.suffix}" for f in RDF_FORMATS]
    expected += [f"vocab.{f.suffix}" for f in RDF_FORMATS]
    expected += [d.path.lstrip("/") for d in DUMPS]
    for name in expected:
        assert (built / name).is_file(), name
    home = (built / "index.html").read_text(encoding="utf-8")
    assert f"{BASE}/doc/person/{OWNER}" in home


def test_static_assets_are_copied(built: Path) -> None:
    from importlib.resources import files

    shipped = [p.name for p in files("ldcv.pages").joinpath("static").iterdir() if p.is_file()]
    for name in shipped:
        assert (built / "static" / name).is_file(), name


def test_the_nginx_config_roots_the_absolute_output_and_listens_on_the_base(built: Path) -> None:
    conf = (built / "nginx.conf").read_text(encoding="utf-8")
    assert f"root {built.resolve()};" in conf
    assert "listen 80;" in conf and "server_name cv.example.org;" in conf


@pytest.mark.slow
@pytest.mark.nginx
def test_the_nginx_config_is_accepted_by_nginx(built: Path, tmp_path: Path, nginx) -> None:
    wrapper = nginx.wrapper(tmp_path, built / "nginx.conf")
    result = subprocess.run(
        ["nginx", "-t", "-c", str(wrapper), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_an_https_base_listens_with_tls(tmp_path: Path) -> None:
    conf = nginx_conf("https://cv.example.org", tmp_path)
    assert "listen 443 ssl;" in conf


def test_rebuilding_unchanged_data_rewrites_nothing_and_keeps_mtimes(
    make_site_dataset, built: Path
) -> None:
    before = snapshot(built)
    report = build_site(make_site_dataset(), built)  # parsed again: fresh blank-node labels
    assert report.written == ()
    assert report.unchanged == len(before)
    assert snapshot(built) == before


def test_a_change_to_one_resource_rewrites_only_what_changed(
    make_site_dataset, built: Path
) -> None:
    before = snapshot(built)
    changed = make_site_dataset(extra=NAVY_ALIAS)
    report = build_site(changed, built)
    written = set(report.written)
    assert "doc/organization/us-navy.ttl" in written
    assert "doc/person/grace-hopper.ttl" not in written
    assert {d.path.lstrip("/") for d in DUMPS} <= written  # the whole graph changed
    assert 0 < len(written) < len(before) / 2
    after = snapshot(built)
    for name in set(before) - written - {MARKER}:
        assert after[name] == before[name], name


def test_a_failed_build_leaves_the_previous_output_untouched(
    make_site_dataset, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(built)
    import ldcv.pages.render

    calls = {"n": 0}
    real = ldcv.pages.render.render_document

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full, say")
        return real(*args, **kwargs)

    monkeypatch.setattr(ldcv.pages.render, "render_document", failing)
    changed = make_site_dataset(extra=NAVY_ALIAS)
    with pytest.raises(RuntimeError, match="disk full"):
        build_site(changed, built)
    assert snapshot(built) == before
    assert sorted(p.name for p in built.parent.iterdir()) == ["site"]  # no staging left behind


def test_parallel_workers_write_the_same_site_as_one_process(
    make_site_dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ldcv.build.site

    # One dataset for both builds: parsing the Turtle fixture again would label its
    # list cells afresh, and the dumps would differ for that reason alone.
    dataset = make_site_dataset()
    serial = build_site(dataset, tmp_path / "serial", jobs=1)
    monkeypatch.setattr(ldcv.build.site, "_PARALLEL_FROM", 1)
    parallel = build_site(dataset, tmp_path / "parallel", jobs=2)
    assert sorted(parallel.written) == sorted(serial.written)
    for name in serial.written:
        if name not in ("nginx.conf", ".htaccess"):  # they name their own root
            assert (tmp_path / "parallel" / name).read_bytes() == (
                tmp_path / "serial" / name
            ).read_bytes(), name


def test_a_directory_that_is_not_a_build_is_never_replaced(
    make_site_dataset, tmp_path: Path
) -> None:
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(BuildError, match="not empty"):
        build_site(make_site_dataset(), precious)
    assert (precious / "thesis.tex").read_text() == "years of work"


def test_an_invalid_cv_writes_nothing(tmp_path: Path) -> None:
    outdir = tmp_path / "site"
    bad = Path(__file__).resolve().parents[1] / "fixtures" / "load-missing.yaml"
    code = main(["build", str(outdir), str(bad), "--base-uri", BASE])
    assert code != 0
    assert not outdir.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_build_files_are_world_readable(built: Path) -> None:
    for path in built.rglob("*"):
        assert path.stat().st_mode & 0o004, path


# -- negotiation rules of the generated configuration ---------------------------------------


def test_the_nginx_rules_agree_with_rfc_negotiation_for_real_clients(real_clients) -> None:
    for name, (accept, _expected) in real_clients.items():
        rfc = negotiate_format(accept)
        assert rfc is not None
        assert negotiate_suffix(accept) == rfc.suffix, name


def test_the_nginx_rules_refuse_what_names_only_unsupported_types() -> None:
    assert negotiate_suffix("image/png, application/pdf") is None
    assert negotiate_suffix("") == FORMATS[0].suffix


def test_the_nginx_map_holds_every_rule_of_the_format_table(built: Path) -> None:
    conf = (built / "nginx.conf").read_text(encoding="utf-8")
    for fmt in FORMATS:
        assert f"{fmt.media_type} {fmt.suffix};" in conf  # the types { } block
        assert re.search(
            rf'"~\*[^"]*{re.escape(re.escape(fmt.media_type))}[^"]*" {fmt.suffix};',
            conf.replace("\\\\", "\\"),
        ), fmt.key


def test_the_exact_accept_entries_answer_as_rfc_negotiation_does(built: Path) -> None:
    conf = (built / "nginx.conf").read_text(encoding="utf-8")
    for formats in (FORMATS, RDF_FORMATS):
        entries = exact_accepts(formats)
        assert ("text/turtle", "ttl") in entries and ("*/*", formats[0].suffix) in entries
        for accept, suffix in entries:
            assert negotiate_format(accept, formats).suffix == suffix, accept
            assert f'"{accept}" {suffix};' in conf
    assert ("text/html", "html") not in exact_accepts(RDF_FORMATS)


@pytest.mark.nginx
@pytest.mark.slow
def test_a_site_under_a_path_is_served_there_by_nginx(
    make_site_dataset, tmp_path: Path, nginx
) -> None:
    import requests

    def site_for_port(port: int) -> Path:
        build_site(make_site_dataset(f"http://127.0.0.1:{port}/cv"), tmp_path / "site")
        return tmp_path / "site" / "nginx.conf"

    with nginx.serve(tmp_path, site_for_port) as live:
        base = live.url("/cv")
        doc = f"{base}/doc/person/{OWNER}"
        thing = requests.get(f"{base}/id/person/{OWNER}", allow_redirects=False, timeout=10)
        assert (thing.status_code, thing.headers["Location"]) == (303, doc)
        turtle = requests.get(doc, headers={"Accept": "text/turtle"}, timeout=10)
        assert turtle.headers["Content-Type"].startswith("text/turtle")
        assert turtle.headers["Content-Location"] == f"{doc}.ttl"
        assert f"<{doc}.jsonld>" in turtle.headers["Link"]
        fixed = requests.get(f"{doc}.jsonld", headers={"Accept": "text/html"}, timeout=10)
        assert fixed.headers["Content-Type"].startswith("application/ld+json")
        missing = requests.get(f"{base}/doc/person/nobody", headers={"Accept": "*/*"}, timeout=10)
        assert missing.status_code == 404
        assert missing.headers["Content-Type"].startswith("text/plain")
        home = requests.get(f"{base}/", headers={"Accept": "text/html"}, timeout=10)
        assert home.status_code == 200 and doc in home.text
        robots = requests.get(f"{base}/robots.txt", timeout=10)
        assert f"Sitemap: {base}/sitemap.xml" in robots.text


def test_the_htaccess_rules_use_the_same_patterns_and_types() -> None:
    rules = htaccess(BASE)
    for fmt in FORMATS:
        assert f'AddType "{fmt.media_type}; charset=utf-8" .{fmt.suffix}' in rules
    patterns = re.findall(r'RewriteCond %\{HTTP:Accept\} "([^"]+)" \[NC\]', rules)
    assert patterns
    for pattern in patterns:
        re.compile(pattern)  # Apache's PCRE reads what Python's re reads here
    assert "[R=303,L]" in rules and "[R=406,L]" in rules
    assert "RemoveEncoding .gz" in rules


# -- the embed snippet -----------------------------------------------------------------------


def test_the_embed_snippet_is_one_safe_json_ld_block_about_the_owner(make_site_dataset) -> None:
    snippet = embed_snippet(make_site_dataset())
    assert snippet.count("<script") == 1
    assert snippet.startswith('<script type="application/ld+json">')
    body = snippet[snippet.index(">") + 1 : snippet.rindex("</script>")]
    assert "</script" not in body.lower()
    data = json.loads(body)
    graph = Graph().parse(data=json.dumps(expand_context(data)), format="json-ld")
    owner = URIRef(f"{BASE}/id/person/{OWNER}")
    assert graph.value(owner, SDO.name) == Literal("Grace Hopper")
    assert "</script>" in str(graph.value(owner, SDO.description))
    top = data["@graph"][0]  # the ProfilePage first, as on the profile page itself
    assert top["id"] == f"{BASE}/doc/person/{OWNER}" and "ProfilePage" in top["type"]


def test_the_embed_snippet_of_another_resource(make_site_dataset) -> None:
    snippet = embed_snippet(make_site_dataset(), f"{BASE}/id/organization/us-navy")
    assert "United States Navy" in snippet


def test_the_embed_snippet_refuses_an_iri_from_elsewhere(make_site_dataset) -> None:
    with pytest.raises(BuildError, match="not an IRI minted"):
        embed_snippet(make_site_dataset(), "https://elsewhere.example/id/person/x")


# -- the .htaccess under a real Apache -------------------------------------------------------


@pytest.fixture(scope="module")
def apache(make_site_dataset, apache_serving):
    """Apache 2.4 serving the built fixture site with its .htaccess, on a free local port."""
    with apache_serving(make_site_dataset) as base:
        yield base


@pytest.mark.apache2
@pytest.mark.slow
def test_apache_answers_303_from_a_thing_with_vary(apache: str) -> None:
    import requests

    response = requests.get(f"{apache}/id/person/{OWNER}", allow_redirects=False, timeout=10)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{apache}/doc/person/{OWNER}"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.apache2
@pytest.mark.slow
def test_apache_negotiates_like_nginx_for_real_clients(apache: str, real_clients) -> None:
    import requests

    for name, (accept, expected) in real_clients.items():
        headers = {"Accept": accept if accept is not None else ""}
        response = requests.get(f"{apache}/doc/person/{OWNER}", headers=headers, timeout=10)
        assert response.status_code == 200, name
        assert response.headers["Content-Type"].split(";")[0] == expected, name
        assert "Accept" in response.headers["Vary"], name


@pytest.mark.apache2
@pytest.mark.slow
def test_apache_answers_406_and_serves_suffixes_void_and_dumps(apache: str) -> None:
    import requests

    refused = requests.get(
        f"{apache}/doc/person/{OWNER}", headers={"Accept": "image/png"}, timeout=10
    )
    assert refused.status_code == 406 and "Accept" in refused.headers["Vary"]
    for fmt in FORMATS:
        variant = requests.get(f"{apache}/doc/person/{OWNER}.{fmt.suffix}", timeout=10)
        assert variant.headers["Content-Type"].split(";")[0] == fmt.media_type
    void = requests.get(f"{apache}/.well-known/void", headers={"Accept": ""}, timeout=10)
    assert void.headers["Content-Type"].split(";")[0] == "text/turtle"
    for dump in DUMPS:
        response = requests.get(apache + dump.path, timeout=10, stream=True)
        assert response.headers["Content-Type"] == "application/gzip"
        assert "Content-Encoding" not in response.headers


@pytest.mark.slow
def test_builds_in_processes_with_different_hash_seeds_write_the_same_bytes(
    tmp_path: Path,
) -> None:
    # rdflib's default store iterates in an order set by the hash seed: the VoID and
    # vocabulary files, like the documents, must not depend on it.
    import os
    import sys

    # A process of its own, with tests/ alone on its path: conftest is tests/conftest.py.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from pathlib import Path\n"
        "from conftest import build_site_dataset\n"
        "from ldcv.build.site import build_site\n"
        "build_site(build_site_dataset(), Path(sys.argv[2]), jobs=1)\n"
    )
    for seed in ("1", "2"):
        subprocess.run(
            [
                sys.executable,
                "-c",
                script,
                str(Path(__file__).resolve().parents[1]),
                str(tmp_path / seed),
            ],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
    first, second = tmp_path / "1", tmp_path / "2"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert Path("vocab.nt") in files and Path(".well-known/void.nt") in files
    for name in files:
        if name.name != "nginx.conf":  # it names its own root
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_site_holds_the_bytes_the_server_sends(make_site_dataset, tmp_path: Path) -> None:
    from ldcv.documents.catalog import build_catalog

    dataset = make_site_dataset()
    build_site(dataset, tmp_path / "site", jobs=1)
    catalog = build_catalog(dataset)
    for path, resource in catalog.resources.items():
        stem = "index" if path == "/" else path.lstrip("/")
        # the site has the vocabulary in RDF only, and the home page no bibliography
        formats = {"/vocab": RDF_FORMATS, "/": FORMATS}.get(path, resource.formats)
        for fmt in formats:
            written = (tmp_path / "site" / f"{stem}.{fmt.suffix}").read_bytes()
            assert written == resource.representation(fmt).identity.body, (path, fmt.key)


@pytest.mark.slow
def test_the_catalog_rendered_in_forked_processes_equals_one_rendered_in_one(
    make_site_dataset,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ldcv.documents.catalog
    import ldcv.forking
    from ldcv.documents.catalog import build_catalog

    dataset = make_site_dataset()
    serial = build_catalog(dataset, jobs=1)
    monkeypatch.setattr(ldcv.documents.catalog, "PARALLEL_FROM", 1)
    assert ldcv.forking.may_fork(2)
    forked = build_catalog(dataset, jobs=2)
    assert serial.resources.keys() == forked.resources.keys()
    for path, resource in serial.resources.items():
        other = forked.resources[path]
        for fmt in resource.formats:
            if fmt.kinds is not None:  # a bibliographic format: made on first use
                continue
            assert fmt.key in other._cache  # made by a worker, kept here
            mine, theirs = resource.representation(fmt), other.representation(fmt)
            assert theirs.fmt is fmt and theirs.identity == mine.identity, (path, fmt.key)
            assert theirs.gzip == mine.gzip and theirs.location == mine.location


def test_a_build_without_an_endpoint_offers_no_sparql(built: Path) -> None:
    import lxml.html

    pages = list(built.rglob("*.html"))
    links = {h for p in pages for h in lxml.html.parse(str(p)).xpath("//a/@href | //link/@href")}
    assert len(pages) > 5 and len(links) > 50
    assert not [h for h in links if "sparql" in h.lower()]
    void = Graph().parse(built / ".well-known" / "void.ttl", format="turtle")
    assert not list(void.objects(None, URIRef("http://rdfs.org/ns/void#sparqlEndpoint")))


@pytest.mark.slow
def test_a_build_may_name_an_external_sparql_endpoint(tmp_path: Path) -> None:
    endpoint = "https://query.example.net/sparql"
    assert (
        main(
            [
                "build",
                str(tmp_path / "site"),
                str(ROOT / "data"),
                "--base-uri",
                BASE,
                "--sparql-endpoint",
                endpoint,
            ]
        )
        == 0
    )
    profile = (tmp_path / "site" / "doc" / "person" / "sebastian-lapuschkin.html").read_text()
    assert f'href="{endpoint}"' in profile
    void = Graph().parse(tmp_path / "site" / ".well-known" / "void.ttl", format="turtle")
    named = set(void.objects(None, URIRef("http://rdfs.org/ns/void#sparqlEndpoint")))
    assert named == {URIRef(endpoint)}


# -- the site of a store ---------------------------------------------------------------------

# What a build from a store writes otherwise than a build from YAML: nginx.conf names its
# own root; the dumps are pyoxigraph's serializations (the same triples), and so the
# manifest records no graph digest for them.
STORE_BUILD_DIFFERS = {"nginx.conf", MARKER, *(d.path.lstrip("/") for d in DUMPS)}


def site_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.slow
def test_a_build_from_a_store_of_the_seed_is_the_build_from_its_yaml(
    seed_yaml_site: Path, seed_store_copy, seed_dataset, tmp_path: Path
) -> None:
    outdir = tmp_path / "site"
    assert main(["build", str(outdir), "--store", str(seed_store_copy.path)]) == 0
    assert site_files(outdir) == site_files(seed_yaml_site)
    for name in site_files(outdir):
        if name not in STORE_BUILD_DIFFERS:
            assert (outdir / name).read_bytes() == (seed_yaml_site / name).read_bytes(), name
    void = Graph().parse(outdir / ".well-known" / "void.ttl", format="turtle")
    triples = void.value(void_dataset_iri(BASE), VOID.triples).toPython()
    for dump in DUMPS:
        data = gzip.decompress((outdir / dump.path.lstrip("/")).read_bytes())
        parsed = Graph().parse(data=data, format=dump.format.rdflib_name)
        assert isomorphic(parsed, seed_dataset.graph), dump.name
        if dump.format.key == "nt":
            assert len(data.splitlines()) == triples == len(seed_dataset.graph)


@pytest.mark.slow
def test_a_build_from_a_store_of_overlapping_cvs_is_the_build_from_their_yaml(
    tmp_path: Path,
) -> None:
    from ldcv.generator import write_cvs
    from ldcv.pipeline import prepare
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.index import index_paths

    data = tmp_path / "data"
    write_cvs(2, data, seed=1)  # two people of one institute: shared works, an index page
    store = StoreDirectory(tmp_path / "store")
    index_paths([data], store, BASE, jobs=1)
    from_yaml, from_store = tmp_path / "yaml-site", tmp_path / "store-site"
    build_site(prepare([data], BASE), from_yaml, jobs=1)
    build_store_site(store, from_store, jobs=1)
    assert site_files(from_store) == site_files(from_yaml)
    for name in site_files(from_yaml):
        if name not in STORE_BUILD_DIFFERS:
            assert (from_store / name).read_bytes() == (from_yaml / name).read_bytes(), name


@pytest.mark.slow
def test_a_store_build_shares_the_dumps_of_the_store_and_rebuilds_nothing_unchanged(
    seed_store_copy, tmp_path: Path
) -> None:
    outdir = tmp_path / "site"
    build_store_site(seed_store_copy, outdir, jobs=1)
    crawler = seed_store_copy.path / "crawler" / str(seed_store_copy.generation())
    for dump in DUMPS:
        assert (outdir / dump.path.lstrip("/")).samefile(crawler / dump.name), dump.name
    before = snapshot(outdir)
    report = build_store_site(seed_store_copy, outdir, jobs=1)
    assert report.written == () and report.unchanged == len(before)
    assert snapshot(outdir) == before


@pytest.mark.slow
def test_a_failed_store_build_leaves_the_previous_output_untouched(
    seed_store_copy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ldcv.pages.render

    outdir = tmp_path / "out" / "site"
    build_store_site(seed_store_copy, outdir, jobs=1)
    before = snapshot(outdir)
    real = ldcv.pages.render.render_document
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full, say")
        return real(*args, **kwargs)

    monkeypatch.setattr(ldcv.pages.render, "render_document", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        build_store_site(seed_store_copy, outdir, jobs=1)
    assert snapshot(outdir) == before
    assert [p.name for p in outdir.parent.iterdir()] == ["site"]  # no staging left behind


@pytest.mark.slow
def test_a_store_build_in_forked_workers_writes_what_one_process_writes(
    seed_store_copy, tmp_path: Path
) -> None:
    # A process of its own: a test process that opened a store before has RocksDB's
    # threads and may not fork. Each chunk of documents written names its process.
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "import ldcv.build.site as site\n"
        "from ldcv.forking import may_fork\n"
        "from ldcv.store.disk import StoreDirectory\n"
        "assert may_fork(2)\n"
        "site._PARALLEL_FROM = 1\n"
        "write_chunk = site._write_document_chunk\n"
        "def named_chunk(paths):\n"
        "    Path(sys.argv[3], str(os.getpid())).touch()\n"
        "    return write_chunk(paths)\n"
        "site._write_document_chunk = named_chunk\n"
        "site.build_store_site(StoreDirectory(Path(sys.argv[1])), Path(sys.argv[2]), jobs=2)\n"
        "print(os.getpid())\n"
    )
    forked, serial, writers = tmp_path / "forked", tmp_path / "serial", tmp_path / "writers"
    writers.mkdir()
    builder = subprocess.run(
        [sys.executable, "-c", script, str(seed_store_copy.path), str(forked), str(writers)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    workers = {p.name for p in writers.iterdir()}
    assert workers and builder.stdout.strip() not in workers  # written by forked workers
    build_store_site(seed_store_copy, serial, jobs=1)
    assert site_files(forked) == site_files(serial)
    for name in site_files(serial):
        if name != "nginx.conf":
            assert (forked / name).read_bytes() == (serial / name).read_bytes(), name


def test_a_store_build_takes_no_yaml_paths(tmp_path: Path) -> None:
    outdir = tmp_path / "site"
    code = main(["build", str(outdir), str(ROOT / "data"), "--store", str(tmp_path / "store")])
    assert code == EXIT_USAGE
    assert not outdir.exists()


def test_a_store_build_of_an_empty_store_says_what_to_run(tmp_path: Path) -> None:
    from ldcv.store.disk import StoreDirectory

    with pytest.raises(LdcvError, match="ldcv index"):
        build_store_site(StoreDirectory(tmp_path / "store"), tmp_path / "site")
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_a_store_build_refuses_another_base_uri(seed_store_copy, tmp_path: Path) -> None:
    with pytest.raises(LdcvError, match=r"minted under http://cv\.example\.org"):
        build_store_site(seed_store_copy, tmp_path / "site", base_uri="https://elsewhere.org")
    assert not (tmp_path / "site").exists()


# -- sitemap parts ---------------------------------------------------------------------------


def test_past_the_limit_the_build_writes_a_sitemap_index_and_its_parts(
    make_site_dataset, tmp_path: Path
) -> None:
    outdir = tmp_path / "site"
    build_site(make_site_dataset(), outdir, sitemap_limit=3)
    index = etree.fromstring((outdir / "sitemap.xml").read_bytes())
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [s.findtext(f"{SITEMAP}loc") for s in index.iter(f"{SITEMAP}sitemap")]
    assert len(parts) > 1
    assert sorted(p.name for p in outdir.glob("sitemap*.xml")) == sorted(
        ["sitemap.xml", *(part.rsplit("/", 1)[1] for part in parts)]
    )
    listed = []
    for part in parts:
        root = etree.fromstring((outdir / part.removeprefix(BASE + "/")).read_bytes())
        listed += [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]
    pages = ["/", *sorted(build_documents(make_site_dataset()))]
    assert listed == [BASE + page for page in pages]
    robots = (outdir / "robots.txt").read_text()
    assert f"Sitemap: {BASE}/sitemap.xml" in robots


@pytest.mark.nginx
@pytest.mark.slow
def test_nginx_serves_the_sitemap_index_and_its_parts(
    make_site_dataset, tmp_path: Path, nginx
) -> None:
    import requests

    def site_for_port(port: int) -> Path:
        base = f"http://127.0.0.1:{port}"
        build_site(make_site_dataset(base), tmp_path / "site", sitemap_limit=3)
        return tmp_path / "site" / "nginx.conf"

    with nginx.serve(tmp_path, site_for_port) as live:
        index = requests.get(live.url("/sitemap.xml"), timeout=10)
        assert index.status_code == 200
        assert index.headers["Content-Type"].split(";")[0] == "application/xml"
        parts = [
            s.findtext(f"{SITEMAP}loc")
            for s in etree.fromstring(index.content).iter(f"{SITEMAP}sitemap")
        ]
        assert len(parts) > 1
        for part in parts:
            response = requests.get(part, timeout=10)
            assert response.status_code == 200, part
            assert response.headers["Content-Type"].split(";")[0] == "application/xml"
            assert etree.fromstring(response.content).tag == f"{SITEMAP}urlset"
