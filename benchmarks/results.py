"""What a benchmark hands back: per-contender samples, ratio checks against targets, notes."""

from __future__ import annotations

import attrs

from .stats import Summary

OURS = "webpubsub"
OFFICIAL = "official 1.3.0"
RAW = "raw httpx"


@attrs.frozen
class Series:
    """One contender's per-round measurements, all in ``unit``."""

    contender: str
    unit: str
    samples: tuple[float, ...]
    higher_is_better: bool = True

    @property
    def summary(self) -> Summary:
        return Summary.of(self.samples)


@attrs.frozen
class Check:
    """A ratio (or absolute value) compared with its target.

    ``at_least`` True means the value must be >= ``target``; False means <= ``target``.
    ``suffix`` is how the number is printed ("x" for ratios, a unit otherwise).
    """

    label: str
    value: float
    target: float
    at_least: bool
    suffix: str = "x"

    @property
    def met(self) -> bool:
        return self.value >= self.target if self.at_least else self.value <= self.target

    @property
    def target_text(self) -> str:
        target = f"{self.target:.2f}" if self.suffix == "x" else _number(self.target)
        return f"{'>=' if self.at_least else '<='} {target}{self.suffix}"

    @property
    def value_text(self) -> str:
        # Ratios get a third decimal so a value just past its target never prints as equal.
        value = f"{self.value:.3f}" if self.suffix == "x" else _number(self.value)
        return f"{value}{self.suffix}"

    @property
    def shortfall_text(self) -> str:
        """How far the value is from its target, as a percentage of the target ("" if met)."""
        if self.met:
            return ""
        if self.target == 0:
            return f"{_number(abs(self.value))} off target"
        gap = abs(self.value - self.target) / self.target * 100
        shown = f"{gap:.1f}" if gap < 10 else f"{gap:.0f}"
        return f"{shown}% {'below' if self.at_least else 'above'} target"


@attrs.frozen
class Growth:
    """How a measure changes with the amount of work: one line per contender.

    ``xs`` are the work sizes (e.g. requests in flight, clients); ``lines[contender][i]`` is
    the median measurement at ``xs[i]`` in ``unit`` (NaN where it was not measured).
    """

    title: str
    x_label: str
    xs: tuple[int, ...]
    unit: str
    lines: dict[str, tuple[float, ...]]
    higher_is_better: bool = True


@attrs.frozen
class BenchmarkResult:
    """The outcome of one benchmark; ``series[0].unit`` is the headline unit for plots."""

    name: str
    title: str
    series: tuple[Series, ...]
    checks: tuple[Check, ...]
    notes: tuple[str, ...] = ()
    growth: tuple[Growth, ...] = ()

    def median(self, contender: str, unit: str | None = None) -> float:
        """Median of ``contender``'s series (the first one with ``unit`` if given).

        Raises KeyError if there is no such series.
        """
        for series in self.series:
            if series.contender == contender and unit in (None, series.unit):
                return series.summary.median
        raise KeyError(f"{self.name}: no series for {contender!r} in {unit!r}")


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1000:
        return str(int(value))
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.2f}"
