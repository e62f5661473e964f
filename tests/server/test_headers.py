"""The headers every response carries (``ldcv.server.headers``): CORS and the security
headers, and pages that load nothing the policy would block."""

from __future__ import annotations

import requests

OWNER_DOC = "/doc/person/ada-lovelace"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_cors_preflight_is_answered(fixture_server):
    response = requests.options(
        fixture_server.url(OWNER_DOC + ".jsonld"),
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
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
