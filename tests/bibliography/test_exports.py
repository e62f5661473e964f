"""Hostile text from the YAML stays text in every bibliographic export and in the Cite block."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import lxml.html
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from ldcv.documents.catalog import build_catalog
from ldcv.pipeline import prepare
from ldcv.rdf.formats import BY_KEY

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TITLE = "Paper </script><img src=x onerror=alert(1)> <!-- x"
JOURNAL = "Journal <script>alert(1)</script>"


def test_hostile_text_survives_every_format_and_the_cite_block_escapes_it(tmp_path):
    (tmp_path / "hostile.yaml").write_text(
        (FIXTURES / "html-hostile.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    catalog = build_catalog(prepare([tmp_path], "http://cv.example.org"), jobs=1)
    work = catalog.resources["/doc/publication/evil-paper"]

    def body(key: str) -> str:
        return work.representation(BY_KEY[key]).identity.body.decode("utf-8")

    (item,) = json.loads(body("csl-json"))
    assert (item["title"], item["container-title"]) == (TITLE, JOURNAL)
    (entry,) = bibtexparser.parse_string(
        body("bibtex"), append_middleware=[LatexDecodingMiddleware()]
    ).entries
    assert entry.fields_dict["journal"].value == JOURNAL
    (record,) = rispy.loads(body("ris"))
    assert record["title"] == TITLE
    page = lxml.html.document_fromstring(body("html"))
    (quote,) = page.xpath('//section[@class="cite"]//blockquote')
    assert TITLE in quote.text_content() and JOURNAL in quote.text_content()
    assert not page.xpath("//img") and not quote.xpath(".//script")


def test_the_items_kept_stop_at_their_bound_and_give_the_same_bibliography(seed_dataset):
    from ldcv.bibliography.exports import Bibliographies, item_weight

    owner = seed_dataset.owners[0]
    unbounded = Bibliographies(seed_dataset.graph).items(owner)
    bounded = Bibliographies(seed_dataset.graph, items_kept=100)
    assert bounded.items(owner) == unbounded
    assert sum(item_weight(owner, i) for i in unbounded) > 100  # more than it keeps
    assert 0 < bounded._items.weight <= 100
    assert bounded.keys._works.weight <= 100 and bounded.keys._by_year.weight <= 100
