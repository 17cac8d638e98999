"""Retry delays for reconnecting and for re-sending unconfirmed messages (the official
client's policy: fixed, or exponential doubling from the backoff factor up to the maximum)."""

from __future__ import annotations

import math

import attrs

from ..models import RetryMode


@attrs.frozen
class RetryPolicy:
    """``total`` retries after the first attempt; delays in seconds."""

    total: int
    backoff_factor: float
    backoff_max: float
    mode: RetryMode

    @classmethod
    def build(
        cls, name: str, total: object, backoff_factor: object, backoff_max: object, mode: object
    ) -> RetryPolicy:
        """Raises ``ValueError`` naming the ``<name>_retry_*`` argument that is out of range."""
        if not isinstance(total, int) or isinstance(total, bool) or total < 0:
            raise ValueError(f"{name}_retry_total must be an int >= 0, not {total!r}")
        factor = _positive(f"{name}_retry_backoff_factor", backoff_factor)
        maximum = _positive(f"{name}_retry_backoff_max", backoff_max)
        try:
            retry_mode = RetryMode(getattr(mode, "value", mode))
        except ValueError:
            raise ValueError(
                f"{name}_retry_mode must be RetryMode.Exponential or RetryMode.Fixed, not {mode!r}"
            ) from None
        return cls(total, factor, maximum, retry_mode)

    def delay(self, attempt: int) -> float | None:
        """Seconds to wait before retry number ``attempt`` (1-based); None once exhausted."""
        if attempt > self.total:
            return None
        if self.mode is RetryMode.Fixed:
            return self.backoff_factor
        # factor * 2 ** (attempt - 1), capped; compared in log space so that a huge attempt
        # number never builds a huge integer.
        if (attempt - 1) >= math.log2(self.backoff_max / self.backoff_factor):
            return self.backoff_max
        return float(min(self.backoff_max, self.backoff_factor * (1 << (attempt - 1))))


def _positive(name: str, value: object) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a number > 0, not {value!r}")
    return float(value)
