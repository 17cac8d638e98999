"""When to retry a request and how long to wait first, following azure-core's RetryPolicy.

Only the decision lives here; the sync and async clients differ only in how they sleep.

What is retried (so a send is delivered twice only where azure-core would also resend it):

* a connection failure before the request was sent (connect error or timeout, no pooled
  connection): every method, since the service never saw the request;
* a failure after the request went out (read timeout, dropped connection): only idempotent
  methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE), never POST;
* a status in ``status_codes`` (408, 429, 500, 502, 503, 504): idempotent methods always;
  POST only on 500, 503 or 504, or when the answer carries ``Retry-After`` (the service asks
  for the retry). A POST the service performed before answering 500/503/504, or whose answer
  was lost to a 5xx from a proxy, is therefore sent again and can be delivered twice.
"""

# Public functions re-check argument types at run time for untyped callers. The package is
# under pyright's `strict`, which re-enables this rule whatever pyproject.toml sets.
# pyright: reportUnnecessaryIsInstance=false

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
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
#: Statuses on which azure-core retries a POST (or PATCH) even without ``Retry-After``.
_NON_IDEMPOTENT_RETRY_CODES = frozenset({500, 503, 504})
RETRY_MODES = ("exponential", "fixed")


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with jitter, honouring ``Retry-After``.

    Attributes:
        total: how many retries after the first attempt; ``0`` disables retrying.
        backoff_factor: seconds; the n-th retry waits ``backoff_factor * 2**(n-1)`` (±20%
            jitter) unless the response says how long to wait.
        backoff_max: seconds; upper bound of a computed backoff (not of ``Retry-After``).
        status_codes: HTTP statuses that are retried.
        mode: ``"exponential"`` (the default) or ``"fixed"`` (every retry waits
            ``backoff_factor``).
    """

    total: int = 3
    backoff_factor: float = 0.8
    backoff_max: float = 60.0
    status_codes: Collection[int] = RETRY_STATUS_CODES
    mode: str = "exponential"

    @classmethod
    def build(
        cls,
        total: int,
        backoff_factor: float,
        backoff_max: float,
        status_codes: Collection[int] | None,
        mode: object = "exponential",
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
        # azure.core.pipeline.policies.RetryMode is a str enum, so it passes as its value.
        mode_name = str(getattr(mode, "value", mode)).lower()
        if mode_name not in RETRY_MODES:
            raise InvalidArgumentError(
                f"retry_mode {mode!r} is invalid: it must be one of {', '.join(RETRY_MODES)}"
            )
        return cls(total, float(backoff_factor), float(backoff_max), codes, mode_name)

    def should_retry_response(self, retries_done: int, response: httpx.Response) -> bool:
        """Whether to resend after ``response`` (see the module docstring)."""
        status = response.status_code
        if retries_done >= self.total or status not in self.status_codes:
            return False
        if response.request.method in _IDEMPOTENT_METHODS:
            return True
        return (
            status in _NON_IDEMPOTENT_RETRY_CODES
            or retry_after_seconds(response.headers) is not None
        )

    def should_retry_error(
        self, retries_done: int, method: str, error: httpx.TransportError
    ) -> bool:
        """Connection failures before sending are always safe to retry; a failure after the
        request may have reached the service is retried only for idempotent methods, so a
        send is not delivered twice because of a dropped connection or a read timeout."""
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
        if self.mode == "fixed":
            backoff = self.backoff_factor
        else:
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
