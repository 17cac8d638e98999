"""A mergeable latency histogram with 1% wide logarithmic buckets.

Load-generator processes each fill one and send it to the parent as a small JSON object, so
percentiles over every delivery come out without shipping every sample between processes.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

_GROWTH = 1.01
_LOG_GROWTH = math.log(_GROWTH)
# Latencies below a microsecond (clock granularity) all land in bucket 0.
_FLOOR_SECONDS = 1e-6


def bucket_of(seconds: float) -> int:
    """The bucket index of a latency in seconds."""
    return max(0, round(math.log(max(seconds, _FLOOR_SECONDS) / _FLOOR_SECONDS) / _LOG_GROWTH))


def seconds_of(bucket: int) -> float:
    """The representative latency (seconds) of bucket ``bucket``, within 1% of its members."""
    return _FLOOR_SECONDS * _GROWTH**bucket


def histogram(latencies: Iterable[float]) -> Counter[int]:
    """Count ``latencies`` (seconds) per bucket."""
    return Counter(bucket_of(latency) for latency in latencies)


def merge(parts: Iterable[Mapping[int, int]]) -> Counter[int]:
    """Add several histograms together."""
    total: Counter[int] = Counter()
    for part in parts:
        total.update(part)
    return total


def quantile(counts: Mapping[int, int], fraction: float) -> float:
    """The ``fraction`` (0..1) quantile in seconds. Raises ``ValueError`` if ``counts`` is empty."""
    population = sum(counts.values())
    if population == 0:
        raise ValueError("quantile of an empty histogram")
    rank = fraction * (population - 1)
    seen = 0
    for bucket in sorted(counts):
        seen += counts[bucket]
        if seen > rank:
            return seconds_of(bucket)
    return seconds_of(max(counts))
