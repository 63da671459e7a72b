"""Charts as SVG drawn on the server with leather (a small MIT-licensed charting library with no
dependencies): the page carries the picture inline, so it shows with no JavaScript and no
connection to anything but this server. Why leather and not another library: docs/dashboard.md.

Every chart sits beside a table with the same figures, for screen readers and for copying.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import date
from itertools import cycle

import leather
from markupsafe import Markup

WIDTH = 400  # user units: a phone draws the chart at about 0.85 of this, so labels stay readable
ROW_HEIGHT = 28
FONT = "DejaVu Sans, system-ui, sans-serif"
COLOURS = ["#1d6fa5", "#c0392b", "#2e7d32", "#8e44ad", "#e67e22"]

leather.theme.background_color = "#ffffff"
leather.theme.margin = 0.05
for _part in ("title", "legend", "axis_title", "tick"):
    setattr(leather.theme, f"{_part}_font_family", FONT)
leather.theme.tick_font_size = 13
leather.theme.tick_font_char_width = 7
leather.theme.label_color = "#444444"
leather.theme.tick_color = "#e3e3e3"
leather.theme.default_series_colors = COLOURS

_LONG_DECIMALS = re.compile(r"(\d\.\d{2})\d+")


def _svg(chart: leather.Chart, height: int, label: str) -> Markup:
    """The chart as an inline <svg> that scales to its container (no fixed pixel size)."""
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {height}",
            "class": "chart",
            "role": "img",
            "aria-label": label,
            "preserveAspectRatio": "xMinYMin meet",
        },
    )
    root.append(chart.to_svg_group(WIDTH, height))
    # ElementTree escapes every label; shortening leather's 28-digit coordinates only trims size.
    return Markup(_LONG_DECIMALS.sub(r"\1", ET.tostring(root, encoding="unicode")))


def count_ticks(counts: Sequence[float]) -> list[int]:
    """Whole-number ticks for a scale of counts: about five, in steps of 1, 2 or 5 times a power
    of ten, from 0 to at least the largest count (and at least 4, so that nothing still draws)."""
    largest = max([*counts, 4])
    step, growth = 1, cycle((2, 2.5, 2))  # 1, 2, 5, 10, 20, 50, 100 ...
    while largest / step > 5:
        step = int(step * next(growth))
    top = -(-int(largest) // step) * step
    return list(range(0, top + 1, step))


def _whole(value: float, index: int, count: int) -> str:
    return str(int(value))


def bars(rows: Sequence[tuple[str, float]], label: str, percent: bool = False) -> Markup | None:
    """Horizontal bars, one per labelled row, top to bottom in the order given."""
    if not rows:
        return None
    chart = leather.Chart()
    if percent:
        chart.add_x_scale(0, 1)
        chart.add_x_axis(ticks=[0, 0.25, 0.5, 0.75, 1], tick_formatter=lambda v, i, n: f"{round(v * 100)}%")
    else:
        ticks = count_ticks([value for _, value in rows])
        chart.add_x_scale(0, ticks[-1])
        chart.add_x_axis(ticks=ticks, tick_formatter=_whole)
    chart.add_bars([(value, name) for name, value in rows])
    return _svg(chart, 50 + ROW_HEIGHT * len(rows), label)


def columns(rows: Sequence[tuple[str, float]], label: str, height: int = 240) -> Markup | None:
    """Vertical columns, for a few categories (stages, weeks, streak lengths)."""
    if not rows:
        return None
    chart = leather.Chart()
    ticks = count_ticks([value for _, value in rows])
    chart.add_y_scale(0, ticks[-1])
    chart.add_y_axis(ticks=ticks, tick_formatter=_whole)
    chart.add_columns([(name, value) for name, value in rows])
    return _svg(chart, height, label)


def daily(points: Sequence[tuple[date, int]], label: str, day_label: Callable[[date], str]) -> Markup | None:
    """A line over consecutive days, a tick a week."""
    if not points:
        return None
    chart = leather.Chart()
    chart.add_x_scale(points[0][0], points[-1][0])
    counts = count_ticks([value for _, value in points])
    chart.add_y_scale(0, counts[-1])
    chart.add_y_axis(ticks=counts, tick_formatter=_whole)
    ticks = [day for n, (day, _) in enumerate(points) if (len(points) - 1 - n) % 7 == 0]
    chart.add_x_axis(ticks=ticks, tick_formatter=lambda d, i, n: day_label(d))
    chart.add_line(list(points), width=2)
    return _svg(chart, 240, label)
