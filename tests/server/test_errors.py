"""Errors in the negotiated style (``ldcv.server.errors``): a page for browsers, plain text
for scripts, never a stack trace."""

from __future__ import annotations

import pytest
import requests

from ldcv.rdf.formats import FORMATS

OWNER_DOC = "/doc/person/ada-lovelace"
PAPER_DOC = "/doc/publication/lovelace-1843-notes"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


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
