"""The chart of publications per year: its geometry, and the SVG on the profile."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from ldcv.pages.year_chart import (
    MAX_TICKS,
    MAX_YEAR_LABELS,
    PLOT_HEIGHT,
    label_every,
    tick_step,
    year_chart,
)

PROFILE = "/doc/person/sebastian-lapuschkin"
QUERIES = Path(__file__).resolve().parents[2] / "ldcv" / "sparql" / "queries"


# -- the geometry ---------------------------------------------------------------------------


def test_bar_heights_are_in_proportion_to_the_counts_and_stand_on_the_axis() -> None:
    counts = {2014: 1, 2016: 9, 2017: 4, 2021: 8, 2022: 2}
    chart = year_chart(counts)
    assert chart is not None
    top = max(counts.values())
    for bar in chart.bars:
        assert bar.height == pytest.approx(PLOT_HEIGHT * bar.count / top, abs=0.01)
        assert bar.y + bar.height == pytest.approx(chart.baseline)
    tallest = max(chart.bars, key=lambda b: b.height)
    assert (tallest.count, tallest.height) == (9, PLOT_HEIGHT)


def test_every_year_from_first_to_last_has_a_slot_in_order_gaps_at_zero() -> None:
    chart = year_chart({2016: 3, 2013: 2, 2019: 1})
    assert [b.year for b in chart.bars] == list(range(2013, 2020))
    assert [b.count for b in chart.bars] == [2, 0, 0, 3, 0, 0, 1]
    assert [b.height for b in chart.bars if b.count == 0] == [0, 0, 0, 0]
    assert (chart.first, chart.last, chart.span, chart.total) == (2013, 2019, "2013–2019", 6)


def test_bars_do_not_overlap_and_fit_inside_the_chart() -> None:
    chart = year_chart({year: year % 7 + 1 for year in range(1985, 2025)})
    for left, right in pairwise(chart.bars):
        assert left.x + left.width < right.x
        assert left.centre < right.centre
    assert chart.left <= chart.bars[0].x and chart.bars[-1].x + chart.bars[-1].width <= chart.right
    assert chart.right <= chart.width
    assert all(0 <= b.y <= chart.baseline < chart.height for b in chart.bars)


def test_one_year_is_one_labelled_bar() -> None:
    chart = year_chart({2020: 3})
    (bar,) = chart.bars
    assert (bar.year, bar.count, bar.height, bar.labelled) == (2020, 3, PLOT_HEIGHT, True)
    assert chart.span == "2020" and chart.description() == "2020: 3."
    assert chart.width < 100  # one small bar, not a bar as wide as the page


def test_forty_years_get_narrower_slots_and_a_label_every_few_years() -> None:
    few = year_chart({2010: 1, 2014: 2})
    many = year_chart({year: 1 for year in range(1985, 2025)})
    assert many.bars[0].width < few.bars[0].width
    labelled = [b.year for b in many.bars if b.labelled]
    assert 1 < len(labelled) <= MAX_YEAR_LABELS
    assert all(year % 5 == 0 for year in labelled)
    assert [b.year for b in few.bars if b.labelled] == list(range(2010, 2015))


def test_the_description_says_each_years_count_gaps_included() -> None:
    chart = year_chart({2021: 8, 2019: 5})
    assert chart.description() == "2019: 5; 2020: 0; 2021: 8."


def test_nothing_to_draw_is_no_chart() -> None:
    assert year_chart({}) is None
    assert year_chart({2020: 0}) is None


@pytest.mark.parametrize(
    ("top", "step"), [(1, 1), (4, 1), (5, 2), (9, 2), (10, 5), (24, 5), (25, 10), (99, 20)]
)
def test_gridlines_fall_on_round_steps_at_most_max_ticks_above_zero(top: int, step: int) -> None:
    assert tick_step(top) == step
    chart = year_chart({2020: top})
    values = [t.value for t in chart.ticks]
    assert values == list(range(0, top + 1, step)) and len(values) <= MAX_TICKS + 1
    assert chart.ticks[0].y == chart.baseline  # zero is the axis
    for tick in chart.ticks:
        assert tick.y == pytest.approx(chart.baseline - PLOT_HEIGHT * tick.value / top, abs=0.01)


@pytest.mark.parametrize(("years", "every"), [(1, 1), (12, 1), (13, 2), (24, 2), (25, 5), (60, 5)])
def test_year_labels_thin_out_to_at_most_a_dozen(years: int, every: int) -> None:
    assert label_every(years) == every


# -- on the profile -------------------------------------------------------------------------


def _chart(seed_pages, parse_html):
    (svg,) = parse_html(seed_pages[PROFILE]).xpath("//figure[@class='year-chart']/svg")
    return svg


def test_profile_chart_is_an_image_named_and_described_by_its_own_text(
    seed_pages, parse_html
) -> None:
    svg = _chart(seed_pages, parse_html)
    assert svg.get("role") == "img"
    (title,) = svg.xpath(f"./title[@id='{svg.get('aria-labelledby')}']")
    (desc,) = svg.xpath(f"./desc[@id='{svg.get('aria-describedby')}']")
    assert re.fullmatch(r"Publications per year, \d{4}–\d{4}", title.text_content())
    assert desc.text_content()


def test_profile_chart_and_its_text_alternatives_say_the_counts_of_the_yaml(
    seed_dataset, seed_pages, parse_html
) -> None:
    (cv,) = seed_dataset.cvs
    counts = Counter(p.year.year for p in cv.publications)
    every_year = {y: counts.get(y, 0) for y in range(min(counts), max(counts) + 1)}
    root = parse_html(seed_pages[PROFILE])
    svg = _chart(seed_pages, parse_html)
    described = dict(
        map(int, item.split(": ")) for item in svg.xpath("./desc")[0].text.rstrip(".").split("; ")
    )
    assert described == every_year
    listed = {
        int(a.text_content()): int(a.getparent().xpath("./span")[0].text.strip("()"))
        for a in root.xpath("//ol[@class='year-counts']/li/a")
    }
    assert listed == counts  # the visible text: each year with works, and its count
    # the bars: one per year with works, heights in proportion, the count written above
    bars = svg.xpath("./rect[@class='bar']")
    values = [int(t.text) for t in svg.xpath("./text[@class='value']")]
    assert values == [c for c in every_year.values() if c]
    heights = [float(r.get("height")) for r in bars]
    assert heights == pytest.approx([PLOT_HEIGHT * v / max(values) for v in values], abs=0.01)
    xs = [float(r.get("x")) for r in bars]
    assert xs == sorted(xs)  # oldest on the left
    assert [int(t.text) for t in svg.xpath("./text[@class='year']")] == list(every_year)


def test_profile_chart_is_drawn_with_classes_for_the_stylesheet(seed_pages, parse_html) -> None:
    svg = _chart(seed_pages, parse_html)
    assert not svg.xpath(".//@style | .//@fill | .//@stroke")
    assert {e.get("class") for e in svg.xpath("./*[not(self::title or self::desc)]")} == {
        "grid axis",
        "grid",
        "tick",
        "bar",
        "value",
        "year",
    }


def test_profile_chart_says_what_the_example_query_publications_by_year_answers(
    seed_dataset, seed_pages, parse_html
) -> None:
    # SPARQL over the graph, not the page's code: the same counts by another road
    query = (QUERIES / "1-publications-by-year.rq").read_text(encoding="utf-8")
    answered = Counter(int(str(row.year)) for row in seed_dataset.graph.query(query))
    svg = _chart(seed_pages, parse_html)
    years = [int(t.text) for t in svg.xpath("./text[@class='year']")]
    values = [int(t.text) for t in svg.xpath("./text[@class='value']")]
    assert dict(zip([y for y in years if answered.get(y)], values, strict=True)) == answered
