"""The pages of a sitemap updated for a change: each page belongs to its document."""

from __future__ import annotations

import pytest

from ldcv.documents.sitemap_update import _document_of


@pytest.mark.parametrize(
    ("page", "document"),
    [
        ("/", "/"),
        ("/doc/person/ada", "/doc/person/ada"),
        ("/doc/skill/git/page/12", "/doc/skill/git"),
        ("/doc/work/page/x", "/doc/work/page/x"),  # a slug, not a page number
    ],
)
def test_a_page_belongs_to_its_document(page: str, document: str) -> None:
    assert _document_of(page) == document
