"""CSL macros looked up by name in a table: every entry reads as citeproc-py's own XPath
lookup of each macro makes it, in every offered style, for the seed's works and for a
generated institute's."""

from __future__ import annotations

import json

import pytest
from citeproc import CitationStylesStyle

from ldcv.bibliography.exports import owners_bibliography
from ldcv.bibliography.macros import index_macros
from ldcv.bibliography.styles import OFFERED_STYLES, CitationStyles, locale_name, style_path
from ldcv.generator import write_cvs
from ldcv.pipeline import prepare

# The CSL types and fields of a generated institute's works (two CVs of seed 1 have these).
INSTITUTE_TYPES = {"article", "article-journal", "chapter", "paper-conference", "patent", "thesis"}
INSTITUTE_FIELDS = {
    "DOI", "URL", "author", "authority", "collection-title", "container-title", "genre", "id",
    "issue", "issued", "number", "page", "publisher", "publisher-place", "title", "type",
    "volume",
}  # fmt: skip


class QueriedStyles(CitationStyles):
    """``CitationStyles`` whose parsed styles have no table: each macro is queried."""

    def style(self, name: str = "apa", locale: str = "en-US") -> CitationStylesStyle:
        return CitationStylesStyle(
            str(style_path(name)), locale=locale_name(locale), validate=False
        )


def entries(styles: CitationStyles, items: list[dict], style: str) -> list[str]:
    """Each item alone, then all in one list (a numeric style numbers them)."""
    return [styles._format([item], style, "en-US")[0] for item in items] + styles._format(
        items, style, "en-US"
    )


@pytest.fixture(scope="module")
def seed_items(seed_export) -> list[dict]:
    return json.loads(seed_export("csl-json"))


@pytest.fixture(scope="module")
def institute_items(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The works of two generated CVs (seed 1: shared papers, many coauthors), as CSL-JSON:
    some 60 of every type and with every field that twelve CVs' 313 have (six CVs of seed 3
    had 120 and took twice as long, the queried macros' 1.5 to 8 s a style)."""
    folder = tmp_path_factory.mktemp("institute")
    write_cvs(2, folder, seed=1)
    dataset = prepare([folder], "https://example.org")
    items = json.loads(owners_bibliography(dataset.graph, dataset.owners, "csl-json"))
    assert {item["type"] for item in items} == INSTITUTE_TYPES
    assert {field for item in items for field in item} == INSTITUTE_FIELDS
    return items


def test_a_style_s_table_holds_its_macros_by_name() -> None:
    style = CitationStylesStyle(str(style_path("apa")), locale="en-US", validate=False)
    index_macros(style)
    macro = style.root.get_macro("author-short")
    assert macro.get("name") == "author-short"
    with pytest.raises(IndexError):
        style.root.get_macro("no-such-macro")


def test_the_styles_parsed_are_indexed() -> None:
    assert isinstance(getattr(CitationStyles().style("apa").root, "ldcv_macros", None), dict)


# The default style in the quick subset; the others (a few seconds each) with the slow.
@pytest.mark.parametrize(
    "style",
    [s if s == "apa" else pytest.param(s, marks=pytest.mark.slow) for s in OFFERED_STYLES],
)
def test_seed_entries_read_as_with_queried_macros(seed_items: list[dict], style: str) -> None:
    made = entries(CitationStyles(), seed_items, style)
    assert made == entries(QueriedStyles(), seed_items, style)
    assert len(made) == 2 * len(seed_items) > 40


@pytest.mark.slow
@pytest.mark.parametrize("style", OFFERED_STYLES)
def test_generated_entries_read_as_with_queried_macros(
    institute_items: list[dict], style: str
) -> None:
    made = entries(CitationStyles(), institute_items, style)
    assert made == entries(QueriedStyles(), institute_items, style)
    assert len(made) == 2 * len(institute_items) > 100
