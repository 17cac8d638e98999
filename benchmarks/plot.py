"""Draw results.png: one panel per benchmark, median bars with min-max whiskers and rounds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from .results import BenchmarkResult

_COLOURS = {"webpubsub": "#2b7bba", "official 1.3.0": "#d95f02", "raw httpx": "#7f7f7f"}
_DEFAULT_COLOUR = "#1b9e77"


def draw(results: Sequence[BenchmarkResult], path: Path) -> None:
    """Write a PNG of ``results`` to ``path`` (matplotlib's Agg backend, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = 2 if len(results) > 1 else 1
    rows = math.ceil(len(results) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(7 * columns, 3.2 * rows), squeeze=False)
    for axis in axes.flat[len(results) :]:
        axis.set_visible(False)
    for axis, result in zip(axes.flat, results, strict=False):
        headline = [s for s in result.series if s.unit == result.series[0].unit]
        names = [s.contender for s in headline]
        medians = [s.summary.median for s in headline]
        lows = [s.summary.median - s.summary.low for s in headline]
        highs = [s.summary.high - s.summary.median for s in headline]
        positions = list(range(len(headline)))
        axis.barh(
            positions,
            medians,
            xerr=[lows, highs],
            color=[_COLOURS.get(n, _DEFAULT_COLOUR) for n in names],
            capsize=4,
        )
        for position, series in zip(positions, headline, strict=True):
            axis.plot(series.samples, [position] * len(series.samples), "k.", markersize=3)
        axis.set_yticks(positions, names)
        axis.invert_yaxis()
        better = "higher" if headline[0].higher_is_better else "lower"
        axis.set_xlabel(f"{headline[0].unit} ({better} is better)")
        for check in result.checks:
            # Absolute targets (not ratios) in the headline unit are drawn as a line.
            if check.suffix != "x" and check.target > 0:
                axis.axvline(check.target, color="black", linestyle="--", linewidth=1)
        verdicts = "; ".join(
            f"{c.value_text} ({c.target_text}) {'met' if c.met else 'MISSED'}"
            for c in result.checks
        )
        others = "; ".join(
            f"{s.contender} {s.unit}: {s.summary.median:,.1f}"
            for s in result.series
            if s not in headline
        )
        axis.set_title(f"{result.name}: {verdicts}" + (f"\n{others}" if others else ""), fontsize=8)
    figure.suptitle("webpubsub benchmarks (median, whiskers min-max, dots = rounds)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
