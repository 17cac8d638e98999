"""Summary statistics of repeated measurements (medians and spreads, no numpy needed)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import attrs


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` (0..1) quantile of ``values`` by linear interpolation.

    Raises:
        ValueError: ``values`` is empty or ``fraction`` is outside 0..1.
    """
    if not values:
        raise ValueError("percentile of an empty sequence")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction {fraction!r} must be within 0..1")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@attrs.frozen
class Summary:
    """Median, quartiles and extremes of one contender's per-round results."""

    median: float
    q1: float
    q3: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        """Summarise ``values``; raises ``ValueError`` when it is empty."""
        if not values:
            raise ValueError("cannot summarise zero measurements")
        return cls(
            median=statistics.median(values),
            q1=percentile(values, 0.25),
            q3=percentile(values, 0.75),
            low=min(values),
            high=max(values),
            count=len(values),
        )
