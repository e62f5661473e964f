"""The catalog of prepared representations (``ldcv.documents.catalog``)."""

from __future__ import annotations

import json

from ldcv.rdf.formats import BY_KEY

OWNER_DOC = "/doc/person/ada-lovelace"


def test_a_page_and_its_jsonld_variant_carry_the_same_data_whichever_renders_first(
    make_fixture_dataset,
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


def test_a_catalog_reads_the_json_ld_context_once_not_for_each_document(
    make_fixture_dataset, monkeypatch
):
    from ldcv.documents.catalog import build_catalog
    from ldcv.rdf import jsonld

    # Two CVs: the home page and the pages of the index of the people compact too.
    catalog = build_catalog(make_fixture_dataset("http://cv.example.org", "cv", "second-cv"), False)

    def no_context_read():  # 50 ms for each document
        raise AssertionError("the schema.org context was read again to render a document")

    monkeypatch.setattr(jsonld, "schema_context", no_context_read)
    assert catalog.pages
    for resource in {id(r): r for r in catalog.resources.values()}.values():
        for key in ("json-ld", "html"):
            if BY_KEY[key] in resource.formats:
                assert resource.render(BY_KEY[key])
