"""The static build writes the bibliographic variants of works and people, and its nginx
configuration negotiates them as ``ldcv serve`` does (the default citation style only)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from ldcv.build.site import build_site
from ldcv.build.webserver import negotiate_suffix
from ldcv.pipeline import Dataset, prepare
from ldcv.rdf.formats import BIBLIOGRAPHIC_FORMATS, FORMATS, formats_for

ROOT = Path(__file__).resolve().parents[2]
WORK = "/doc/publication/lapuschkin-2019-unmasking-clever-hans-predictors"
PERSON = "/doc/person/sebastian-lapuschkin"
ORGANIZATION = "/doc/organization/tu-berlin"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TYPES = {
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "csl.json": "application/vnd.citationstyles.csl+json",
    "cite.txt": "text/x-bibliography",
}


def _seed(base: str) -> Dataset:
    return prepare([ROOT / "data"], base)


@pytest.mark.slow
def test_works_and_people_are_written_in_every_bibliographic_format(tmp_path, seed_dataset):
    build_site(seed_dataset, tmp_path / "site")
    site = tmp_path / "site"
    for path in (WORK, PERSON, "/doc/thesis/sebastian-lapuschkin-tu-berlin-phd-thesis"):
        for fmt in BIBLIOGRAPHIC_FORMATS:
            assert (site / f"{path[1:]}.{fmt.suffix}").stat().st_size > 100, (path, fmt.key)
    assert not list(site.glob("doc/organization/*.bib"))
    assert not list(site.glob("index.bib"))
    assert (site / f"{WORK[1:]}.bib").read_text().startswith("@article{lapuschkin2019unmasking,")


def test_the_rules_give_works_the_named_formats_and_never_a_wildcard():
    work = formats_for("publication")
    assert negotiate_suffix("application/x-bibtex", work) == "bib"
    assert negotiate_suffix("text/x-bibliography; style=apa", work) == "cite.txt"
    assert negotiate_suffix("*/*", work) == "ttl"
    assert negotiate_suffix("text/*", work) == "ttl"
    assert negotiate_suffix(FIREFOX, work) == "html"
    assert negotiate_suffix("application/x-bibtex", FORMATS) is None


@pytest.mark.nginx
@pytest.mark.slow
def test_nginx_negotiates_the_bibliographic_formats_of_works_only(tmp_path, nginx):
    def site_for_port(port: int) -> Path:
        build_site(_seed(f"http://127.0.0.1:{port}"), tmp_path / "site")
        return tmp_path / "site" / "nginx.conf"

    with nginx.serve(tmp_path, site_for_port) as live:

        def get(path: str, accept: str | None = None) -> requests.Response:
            headers = {} if accept is None else {"Accept": accept}
            return requests.get(live.url(path), headers=headers, timeout=10)

        for suffix, media_type in TYPES.items():
            negotiated = get(WORK, media_type)
            assert negotiated.status_code == 200, suffix
            assert negotiated.headers["Content-Type"].split(";")[0] == media_type
            assert negotiated.headers["Content-Location"] == live.url(f"{WORK}.{suffix}")
            fixed = get(f"{WORK}.{suffix}")
            assert fixed.headers["Content-Type"].split(";")[0] == media_type
            assert fixed.content == negotiated.content
            assert f'<{live.url(WORK)}.{suffix}>; rel="alternate"' in get(WORK).headers["Link"]
        person = get(PERSON, "application/x-research-info-systems")
        assert person.text.count("ER  - ") > 39
        assert get(WORK, "text/x-bibliography; style=apa").text.startswith("Lapuschkin, S.")
        for accept, media_type in [("*/*", "text/turtle"), (FIREFOX, "text/html")]:
            for path in (WORK, PERSON, "/", ORGANIZATION):
                served = get(path, accept).headers["Content-Type"].split(";")[0]
                assert served == media_type, (path, accept)
        assert get(ORGANIZATION, "application/x-bibtex").status_code == 406
        assert get(f"{ORGANIZATION}.bib").status_code == 404
        assert get("/", "application/x-bibtex").status_code == 406
        assert get("/robots.txt").headers["Content-Type"].startswith("text/plain")
        assert get("/doc/person/nobody.txt", "*/*").headers["Content-Type"].startswith("text/plain")


@pytest.fixture(scope="module")
def apache_seed(apache_serving):
    """Apache 2.4 serving the seed's static build with its .htaccess, on a free local port."""
    with apache_serving(_seed) as base:
        yield base


@pytest.mark.apache2
@pytest.mark.slow
def test_apache_negotiates_the_bibliographic_formats_of_works_only(apache_seed):
    def get(path: str, accept: str | None = None) -> requests.Response:
        headers = {} if accept is None else {"Accept": accept}
        return requests.get(apache_seed + path, headers=headers, timeout=10)

    for suffix, media_type in TYPES.items():
        negotiated = get(WORK, media_type)
        assert negotiated.status_code == 200, suffix
        assert negotiated.headers["Content-Type"].split(";")[0] == media_type, suffix
        fixed = get(f"{WORK}.{suffix}")
        assert fixed.headers["Content-Type"].split(";")[0] == media_type, suffix
        assert fixed.content == negotiated.content
    for accept, media_type in [("*/*", "text/turtle"), (FIREFOX, "text/html")]:
        for path in (WORK, PERSON, ORGANIZATION):
            served = get(path, accept).headers["Content-Type"].split(";")[0]
            assert served == media_type, (path, accept)
    assert get(ORGANIZATION, "application/x-bibtex").status_code == 406
    assert get(f"{ORGANIZATION}.bib").status_code == 404
    assert get("/robots.txt").headers["Content-Type"].startswith("text/plain")
