"""Draw results.png: one panel per benchmark and unit, median bars with min-max whiskers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from .results import BenchmarkResult, Check, Series

_COLOURS = {"webpubsub": "#2b7bba", "official 1.3.0": "#d95f02", "raw httpx": "#7f7f7f"}
_DEFAULT_COLOUR = "#1b9e77"
_COLUMNS = 3


def draw(results: Sequence[BenchmarkResult], path: Path) -> None:
    """Write a PNG of ``results`` to ``path`` (matplotlib's Agg backend, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = _panels(results)
    columns = min(_COLUMNS, len(panels))
    rows = math.ceil(len(panels) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(5.5 * columns, 2.8 * rows), squeeze=False)
    for axis in axes.flat[len(panels) :]:
        axis.set_visible(False)
    for axis, (result, group) in zip(axes.flat, panels, strict=False):
        _draw_panel(axis, result, group)
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
