"""The README's deployment recipe for several servers: nginx caching two ldcv servers on one store.

Real parts throughout: ``oxigraph serve`` holds the store ``ldcv publish`` wrote, two ldcv
apps read it, and nginx runs ``docs/deploy/nginx-shared-store.conf`` as the README prints it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from ldcv.store.remote_publish import publish_paths
from ldcv.store.sparql_protocol import SparqlClient

pytestmark = [pytest.mark.slow, pytest.mark.nginx]

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "docs" / "deploy" / "nginx-shared-store.conf"
BASE = "https://cv.example.org"
ADA = "/doc/person/ada-lovelace"
CHARLES = "/doc/person/charles-babbage"


def test_the_readme_prints_the_recipe_the_tests_run() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert RECIPE.read_text(encoding="utf-8") in readme


@pytest.fixture(scope="module")
def site(sparql_engines, start_server, nginx, tmp_path_factory) -> Iterator[object]:
    """nginx on the recipe in front of two ldcv apps sharing one oxigraph serve."""
    from ldcv.server import create_app, stop_background

    tmp = tmp_path_factory.mktemp("deployment")
    data = Path(shutil.copytree(ROOT / "tests" / "fixtures" / "overlapping-cvs", tmp / "data"))
    apps = []
    with ExitStack() as stack:
        engine = stack.enter_context(sparql_engines.oxigraph())
        publish_paths([data], SparqlClient(engine.query_url, engine.update_url), BASE, root=tmp)

        def make_app(base: str):
            apps.append(create_app({"LDCV_SPARQL_STORE": engine.query_url,
                                    "LDCV_STORE_TIMEOUT": 1.0}))  # fmt: skip
            return apps[-1]

        servers = [stack.enter_context(start_server.app(make_app)) for _ in range(2)]

        def site_for_port(port: int) -> Path:
            text = RECIPE.read_text(encoding="utf-8")
            for name, value in (("@CACHE@", str(tmp / "cache")), ("@LISTEN@", f"127.0.0.1:{port}"),
                                ("@APP1@", servers[0].base[len("http://"):]),
                                ("@APP2@", servers[1].base[len("http://"):])):  # fmt: skip
                text = text.replace(name, value)
            conf = tmp / "site.conf"
            conf.write_text(text, encoding="utf-8")
            return conf

        live = stack.enter_context(nginx.serve(tmp, site_for_port))
        live.engine = engine
        yield live
        for app in apps:
            stop_background(app)


def get(site, path: str, accept: str) -> requests.Response:
    return requests.get(site.url(path), headers={"Accept": accept}, timeout=30)


def test_each_negotiated_variant_is_cached_apart(site) -> None:
    first_turtle = get(site, ADA, "text/turtle")
    first_html = get(site, ADA, "text/html")
    turtle, html = get(site, ADA, "text/turtle"), get(site, ADA, "text/html")

    assert first_turtle.headers["X-Cache-Status"] == first_html.headers["X-Cache-Status"] == "MISS"
    assert turtle.headers["X-Cache-Status"] == html.headers["X-Cache-Status"] == "HIT"
    assert turtle.content == first_turtle.content and turtle.headers["Content-Type"].startswith(
        "text/turtle"
    )
    assert html.content == first_html.content and html.headers["Content-Type"].startswith(
        "text/html"
    )
    assert "Accept" in turtle.headers["Vary"]


def test_sparql_and_health_are_never_cached(site) -> None:
    for _ in range(2):
        answer = requests.get(site.url("/sparql"), params={"query": "ASK {}"}, timeout=30)
        assert answer.headers.get("X-Cache-Status") in (None, "MISS", "BYPASS", "EXPIRED")
        assert requests.get(site.url("/healthz"), timeout=30).json()["status"] == "ok"


def test_with_the_store_down_nginx_serves_what_it_cached(site) -> None:
    cached = get(site, CHARLES, "application/ld+json")
    assert get(site, CHARLES, "application/ld+json").headers["X-Cache-Status"] == "HIT"
    site.engine.stop()
    try:
        again = get(site, CHARLES, "application/ld+json")
        uncached = get(site, "/doc/organization/royal-society", "application/n-triples")
    finally:
        site.engine.start_again()

    assert again.status_code == 200 and again.content == cached.content
    assert uncached.status_code == 503 and int(uncached.headers["Retry-After"]) >= 1
