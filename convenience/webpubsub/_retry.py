"""When to retry a request and how long to wait first.

Only the decision lives here; the sync and async clients differ only in how they sleep.
"""

from __future__ import annotations

import random
import time
from collections.abc import Collection
from email.utils import parsedate_to_datetime

import attrs
import httpx

from . import _validation as check
from .exceptions import InvalidArgumentError

RETRY_STATUS_CODES = frozenset({408, 429, 500, 502, 503, 504})
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with jitter, honouring ``Retry-After``.

    Attributes:
        total: how many retries after the first attempt; ``0`` disables retrying.
        backoff_factor: seconds; the n-th retry waits ``backoff_factor * 2**(n-1)`` (±20%
            jitter) unless the response says how long to wait.
        backoff_max: seconds; upper bound of a computed backoff (not of ``Retry-After``).
        status_codes: HTTP statuses that are retried.
    """

    total: int = 3
    backoff_factor: float = 0.8
    backoff_max: float = 60.0
    status_codes: Collection[int] = RETRY_STATUS_CODES

    @classmethod
    def build(
        cls,
        total: int,
        backoff_factor: float,
        backoff_max: float,
        status_codes: Collection[int] | None,
    ) -> RetryPolicy:
        """Validate user-supplied options.

        Raises:
            InvalidArgumentError / InvalidArgumentTypeError: a negative or non-numeric option.
        """
        check.bounded_int("retry_total", total, 0)
        for name, value in (
            ("retry_backoff_factor", backoff_factor),
            ("retry_backoff_max", backoff_max),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise InvalidArgumentError(
                    f"{name} {value!r} is invalid: it must be a number of seconds >= 0"
                )
        codes = RETRY_STATUS_CODES if status_codes is None else frozenset(status_codes)
        return cls(total, float(backoff_factor), float(backoff_max), codes)

    def should_retry_response(self, retries_done: int, response: httpx.Response) -> bool:
        return retries_done < self.total and response.status_code in self.status_codes

    def should_retry_error(
        self, retries_done: int, method: str, error: httpx.TransportError
    ) -> bool:
        """Connection failures are always safe to retry; a failure after the request may have
        reached the service is retried only for idempotent methods, so a send is never
        delivered twice because of a lost response."""
        if retries_done >= self.total:
            return False
        never_sent = isinstance(
            error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
        )
        return never_sent or method in _IDEMPOTENT_METHODS

    def delay(self, retries_done: int, response: httpx.Response | None) -> float:
        """Seconds to wait before retry number ``retries_done + 1``."""
        if response is not None:
            requested = retry_after_seconds(response.headers)
            if requested is not None:
                return requested
        backoff = self.backoff_factor * 2.0**retries_done
        return min(self.backoff_max, backoff) * random.uniform(0.8, 1.2)


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """The wait a response asks for, from ``retry-after-ms``, ``x-ms-retry-after-ms`` or
    ``Retry-After`` (seconds or an HTTP date); ``None`` if absent or unreadable."""
    for name in ("retry-after-ms", "x-ms-retry-after-ms"):
        value = headers.get(name)
        if value is not None:
            try:
                return max(0.0, float(value) / 1000)
            except ValueError:
                pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
