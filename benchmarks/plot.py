"""Draw results.png: one panel per benchmark and unit, median bars with min-max whiskers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from .results import BenchmarkResult, Check, Growth, Series

_COLOURS = {
    "webpubsub": "#2b7bba",
    "webpubsub on httpx": "#9ecae1",
    "official 1.3.0": "#d95f02",
    "raw httpx": "#7f7f7f",
    "raw httpx-aiohttp": "#3f3f3f",
    "webpubsub sync": "#2b7bba",
    "webpubsub aio": "#6baed6",
    "official 1.1.0 sync": "#d95f02",
    "official 1.1.0 aio": "#fdae6b",
}
_DEFAULT_COLOUR = "#1b9e77"
_COLUMNS = 3


def draw(results: Sequence[BenchmarkResult], path: Path) -> None:
    """Write a PNG of ``results`` to ``path`` (matplotlib's Agg backend, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = _panels(results)
    growths = [growth for result in results for growth in result.growth]
    count = len(panels) + len(growths)
    columns = min(_COLUMNS, count)
    rows = math.ceil(count / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(5.5 * columns, 2.8 * rows), squeeze=False)
    for axis in axes.flat[count:]:
        axis.set_visible(False)
    for axis, (result, group) in zip(axes.flat, panels, strict=False):
        _draw_panel(axis, result, group)
    for axis, growth in zip(axes.flat[len(panels) :], growths, strict=False):
        _draw_growth(axis, growth)
    figure.suptitle("webpubsub benchmarks (bar = median, whiskers = min-max, dots = rounds)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _panels(results: Sequence[BenchmarkResult]) -> list[tuple[BenchmarkResult, list[Series]]]:
    """Series grouped by (benchmark, unit), in the order they appear."""
    panels: list[tuple[BenchmarkResult, list[Series]]] = []
    for result in results:
        units: dict[str, list[Series]] = {}
        for series in result.series:
            units.setdefault(series.unit, []).append(series)
        panels.extend((result, group) for group in units.values())
    return panels


def _draw_panel(axis: object, result: BenchmarkResult, group: list[Series]) -> None:
    from matplotlib.axes import Axes

    assert isinstance(axis, Axes)
    positions = list(range(len(group)))
    medians = [s.summary.median for s in group]
    axis.barh(
        positions,
        medians,
        xerr=[
            [m - s.summary.low for m, s in zip(medians, group, strict=True)],
            [s.summary.high - m for m, s in zip(medians, group, strict=True)],
        ],
        color=[_COLOURS.get(s.contender, _DEFAULT_COLOUR) for s in group],
        capsize=3,
    )
    for position, series in zip(positions, group, strict=True):
        axis.plot(series.samples, [position] * len(series.samples), "k.", markersize=3)
    axis.set_yticks(positions, [s.contender for s in group])
    axis.invert_yaxis()
    axis.set_xlabel(
        f"{group[0].unit} ({'higher' if group[0].higher_is_better else 'lower'} is better)"
    )
    title = f"{result.name}: {group[0].unit}"
    if group[0].unit == result.series[0].unit:
        for check in result.checks:
            # Absolute targets (not ratios) in the headline unit are drawn as a line.
            if check.suffix != "x" and check.target > 0:
                axis.axvline(check.target, color="black", linestyle="--", linewidth=1)
        title += "".join(f"\n{_verdict(check)}" for check in result.checks)
    axis.set_title(title, fontsize=8)


def _verdict(check: Check) -> str:
    label = check.label.split(": ", 1)[-1]
    return f"{label} {check.value_text} ({check.target_text}) {'met' if check.met else 'MISSED'}"


def _draw_growth(axis: object, growth: Growth) -> None:
    """Median per work size, one line per contender, both axes logarithmic."""
    from matplotlib.axes import Axes

    assert isinstance(axis, Axes)
    for contender, values in growth.lines.items():
        points = [(x, y) for x, y in zip(growth.xs, values, strict=True) if not math.isnan(y)]
        if points:
            axis.plot(
                [x for x, _ in points],
                [y for _, y in points],
                marker="o",
                label=contender,
                color=_COLOURS.get(contender),
            )
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xticks(list(growth.xs), [f"{x:,}" for x in growth.xs])
    axis.set_xlabel(growth.x_label)
    axis.set_ylabel(
        f"{growth.unit} ({'higher' if growth.higher_is_better else 'lower'} is better)",
        fontsize=7,
    )
    axis.set_title(f"growth: {growth.title}", fontsize=8)
    axis.legend(fontsize=6)
