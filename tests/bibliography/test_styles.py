"""Formatted citations: CSL styles by the names doi.org takes, from installed files."""

from __future__ import annotations

import json

import pytest

from ldcv.bibliography.styles import OFFERED_STYLES, CitationStyles, UnknownStyle, locale_name


@pytest.fixture(scope="module")
def styles() -> CitationStyles:
    return CitationStyles()


@pytest.fixture(scope="module")
def seed_items(seed_export) -> list[dict]:
    return json.loads(seed_export("csl-json"))


@pytest.mark.slow
@pytest.mark.parametrize("style", OFFERED_STYLES)
def test_every_offered_style_formats_every_seed_work(styles, seed_items, style):
    lines = styles.format(seed_items, style)
    assert len(lines) == len(seed_items)
    for item, line in zip(seed_items, lines, strict=True):
        assert item["title"].split(":")[0][:30].lower() in line.lower(), (style, line)
        assert str(item["issued"]["date-parts"][0][0]) in line


def test_apa_is_the_default_and_reads_like_apa(styles, seed_items):
    unmasking = next(i for i in seed_items if i["id"] == "lapuschkin2019unmasking")
    (line,) = styles.format([unmasking])
    assert line.startswith("Lapuschkin, S., Wäldchen, S., Binder, A., Montavon, G., Samek, W., &")
    assert "(2019). Unmasking Clever Hans Predictors" in line
    assert "Nature Communications, 10, 1069." in line


def test_ieee_numbers_and_a_locale_translates(styles, seed_items):
    unmasking = next(i for i in seed_items if i["id"] == "lapuschkin2019unmasking")
    (ieee,) = styles.format([unmasking], "ieee")
    assert ieee.startswith("[1]") and "S. Lapuschkin" in ieee
    (german,) = styles.format([unmasking], "ieee", "de-DE")
    assert "Bd. 10" in german  # "vol." in German


def test_an_unknown_style_or_locale_is_refused(styles, seed_items):
    with pytest.raises(UnknownStyle):
        styles.format(seed_items[:1], "no-such-style")
    with pytest.raises(UnknownStyle):
        styles.format(seed_items[:1], "../../etc/passwd")
    with pytest.raises(UnknownStyle):
        locale_name("xx-YY")
    assert locale_name("de") == "de-AT" and locale_name("en_GB") == "en-GB"


def test_a_locale_asked_again_in_another_spelling_is_the_same_and_unknown_stays_refused(
    seed_items,
):
    styles = CitationStyles()  # its own: what it worked out before is part of the test
    unmasking = next(i for i in seed_items if i["id"] == "lapuschkin2019unmasking")
    (german,) = styles.format([unmasking], "ieee", "de-DE")
    assert styles.format([unmasking], "ieee", " DE_de ") == [german]
    assert styles.style("ieee", "de_DE") is styles.style("ieee", "de-DE")
    for _ in range(2):
        with pytest.raises(UnknownStyle):
            styles.format([unmasking], "ieee", "xx-YY")


def test_an_author_date_entry_reads_the_same_alone_and_in_a_list(styles, seed_items):
    listed = styles.format(seed_items[:6], "apa")
    alone = [CitationStyles().format([item], "apa")[0] for item in seed_items[:6]]
    assert listed == alone


def test_a_numeric_style_numbers_the_entries_of_a_list(styles, seed_items):
    listed = styles.format(seed_items[:3], "ieee")
    assert [line[:3] for line in listed] == ["[1]", "[2]", "[3]"]


def test_formatted_entries_kept_stop_at_their_bound_in_characters(seed_items):
    bounded = CitationStyles(entries_kept=20_000)
    first = bounded.format(seed_items)
    assert 0 < bounded._entries.weight <= 20_000 < sum(len(json.dumps(i)) for i in seed_items)
    assert bounded.format(seed_items) == first  # made again where they went: the same
