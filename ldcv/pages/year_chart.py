"""The geometry of a bar chart of counts per year, drawn as inline SVG by the templates.

Every year from the first to the last gets a slot (a year without works is a gap, not
a missing bar), so the axis reads as time. The tallest bar fills the plot; the others
are in proportion. Many years get narrower slots and a year label every few years;
the chart's own width follows the number of years, and the stylesheet shrinks it to
the page, so one year is one small bar and forty years still fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PLOT_HEIGHT = 120.0  # user units of the tallest bar
TOP = 18.0  # room above the plot for the tallest bar's count
BOTTOM = 22.0  # room below it for the year labels
LEFT = 30.0  # room for the axis labels
RIGHT = 6.0
WIDE_SLOT = 34.0  # per year, up to MANY_YEARS
NARROW_SLOT = 22.0
MANY_YEARS = 16
BAR_SHARE = 0.7  # of a slot; the rest is the gap between bars
MAX_YEAR_LABELS = 12
_TICK_STEPS = (1, 2, 5)
MAX_TICKS = 5


@dataclass(frozen=True)
class Bar:
    """One year's bar: its count, rectangle, and where its labels sit."""

    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    centre: float  # x of the labels
    labelled: bool  # whether the axis names this year


@dataclass(frozen=True)
class Tick:
    """A value on the count axis and the height of its gridline."""

    value: int
    y: float


@dataclass(frozen=True)
class YearChart:
    """A chart of counts per year: its size in user units, bars, ticks and summary."""

    width: float
    height: float
    baseline: float  # y of the axis
    left: float
    right: float  # x where the plot ends
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]

    @property
    def first(self) -> int:
        return self.bars[0].year

    @property
    def last(self) -> int:
        return self.bars[-1].year

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)

    @property
    def span(self) -> str:
        """Name the years the chart covers: ``2014–2024``, or one year."""
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    def description(self) -> str:
        """Say the chart in words: each year's count, gaps included."""
        return "; ".join(f"{bar.year}: {bar.count}" for bar in self.bars) + "."


def tick_step(top: int) -> int:
    """Choose a round step (1, 2, 5, 10, 20, …): at most ``MAX_TICKS`` gridlines above zero."""
    scale = 1
    while True:
        for step in _TICK_STEPS:
            if top // (step * scale) < MAX_TICKS:
                return step * scale
        scale *= 10


def label_every(years: int) -> int:
    """Label every year, or every 2nd, 5th, 10th … year: at most ``MAX_YEAR_LABELS`` labels."""
    scale = 1
    while True:
        for step in _TICK_STEPS:
            if -(-years // (step * scale)) <= MAX_YEAR_LABELS:
                return step * scale
        scale *= 10


def year_chart(counts: Mapping[int, int]) -> YearChart | None:
    """Lay out bars for ``counts`` (year → works); ``None`` when there is nothing to draw."""
    dated = {year: count for year, count in counts.items() if count > 0}
    if not dated:
        return None
    first, last = min(dated), max(dated)
    years = list(range(first, last + 1))
    slot = WIDE_SLOT if len(years) <= MANY_YEARS else NARROW_SLOT
    bar_width = round(slot * BAR_SHARE, 2)
    top = max(dated.values())
    baseline = TOP + PLOT_HEIGHT
    every = label_every(len(years))
    bars = []
    for index, year in enumerate(years):
        count = dated.get(year, 0)
        height = round(PLOT_HEIGHT * count / top, 2)
        x = LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                year=year,
                count=count,
                x=round(x, 2),
                y=round(baseline - height, 2),
                width=bar_width,
                height=height,
                centre=round(LEFT + index * slot + slot / 2, 2),
                labelled=year % every == 0,
            )
        )
    step = tick_step(top)
    ticks = tuple(
        Tick(value, round(baseline - PLOT_HEIGHT * value / top, 2))
        for value in range(0, top + 1, step)
    )
    right = LEFT + len(years) * slot
    return YearChart(
        width=right + RIGHT,
        height=baseline + BOTTOM,
        baseline=baseline,
        left=LEFT,
        right=right,
        bars=tuple(bars),
        ticks=ticks,
    )
