"""The official client's keyword arguments: constructor options and per-call options.

Per-call options (``client.send_to_all(msg, headers=..., retry_total=0)``) are applied at run
time: the client makes them current for the duration of the call (a context variable, so the
I/O-free exchange in :mod:`webpubsub._core` reads them without a new parameter) and the
exchange calls :meth:`CallOptions.prepare` on its request before signing it.

Keywords that name azure-core machinery this package does not have (``cls``, ``error_map``,
pipeline policies, azure-core transports) are refused with an error that says what to use.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Collection, Generator, Mapping
from contextlib import contextmanager
from typing import Any, cast

import attrs
import httpx

from ._narrowing import is_mapping
from ._retry import RetryPolicy
from ._user_agent import compose
from .exceptions import InvalidArgumentError, InvalidArgumentTypeError

REQUEST_ID_HEADER = "x-ms-client-request-id"

#: azure-core keywords without an equivalent here -> what to do instead.
_REFUSED: dict[str, str] = {
    "api_version": "pass api_version= to the client's constructor",
    "cls": "use the return value, or send_request() for the raw httpx.Response",
    "error_map": "catch the webpubsub exception for the status (e.g. ResourceNotFoundError)",
    "stream": "use send_request(), which returns the httpx.Response",
    "raw_request_hook": "pass http_client=httpx.Client(event_hooks={'request': [...]})",
    "raw_response_hook": "pass http_client=httpx.Client(event_hooks={'response': [...]})",
    "retry_connect": "webpubsub counts every retry against retry_total; use retry_total",
    "retry_read": "webpubsub counts every retry against retry_total; use retry_total",
    "retry_status": "webpubsub counts every retry against retry_total; use retry_total",
    "retry_on_methods": "POST is retried as azure-core does (see the README); use retry_total=0 "
    "to disable retries",
    "proxies": "pass http_client=httpx.Client(proxy=...)",
    "tracing_attributes": "webpubsub has no tracing pipeline; use an httpx event hook",
    "network_span_namer": "webpubsub has no tracing pipeline; use an httpx event hook",
    "logger": "configure the 'webpubsub' logger with logging.getLogger('webpubsub')",
}
_POLICIES = (
    "policies",
    "per_call_policies",
    "per_retry_policies",
    "authentication_policy",
    "headers_policy",
    "user_agent_policy",
    "retry_policy",
    "logging_policy",
    "http_logging_policy",
    "proxy_policy",
    "redirect_policy",
    "custom_hook_policy",
    "distributed_tracing_policy",
    "request_id_policy",
    "sensitive_header_cleanup_policy",
)
_POLICY_ADVICE = (
    "webpubsub has no azure-core pipeline; use the keyword the policy reads (headers=, "
    "user_agent=, retry_total=, logging_enable=...) or an httpx.Client with event hooks "
    "(http_client=)"
)
_RETRY_KEYWORDS = {
    "retry_total": "total",
    "retry_backoff_factor": "backoff_factor",
    "retry_backoff_max": "backoff_max",
    "retry_on_status_codes": "status_codes",
    "retry_mode": "mode",
}
_CALL_KEYWORDS = frozenset(
    {
        "headers",
        "params",
        "logging_enable",
        "user_agent",
        "user_agent_overwrite",
        "request_id",
        "timeout",
        "connection_timeout",
        "read_timeout",
        *_RETRY_KEYWORDS,
    }
)


def refuse_unsupported(kwargs: Mapping[str, Any], where: str) -> None:
    """Raise for the first keyword that is azure-core machinery or unknown.

    Raises:
        InvalidArgumentTypeError: naming the keyword and what to use instead.
    """
    for name in kwargs:
        if name in _REFUSED:
            advice = _REFUSED[name]
        elif name in _POLICIES or name.endswith("_policy"):
            advice = _POLICY_ADVICE
        else:
            continue
        raise InvalidArgumentTypeError(
            f"{where}: keyword {name!r} (azure-core machinery or a constructor option) is not "
            f"supported here: {advice}"
        )


def _headers(name: str, value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not is_mapping(value) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidArgumentTypeError(f"{name} must be a dict of str to str")
    return dict(value)


def _seconds(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise InvalidArgumentError(
            f"{name} {value!r} is invalid: it must be a number of seconds > 0"
        )
    return float(value)


def with_timeouts(base: httpx.Timeout, options: Mapping[str, Any]) -> httpx.Timeout:
    """``base`` overridden by ``timeout`` (every phase), ``connection_timeout`` (connect) and
    ``read_timeout`` (read), each in seconds."""
    timeout = base
    if "timeout" in options:
        whole = options["timeout"]
        timeout = (
            whole if isinstance(whole, httpx.Timeout) else httpx.Timeout(_seconds("timeout", whole))
        )
    connect = _seconds("connection_timeout", options.get("connection_timeout"))
    read = _seconds("read_timeout", options.get("read_timeout"))
    if connect is None and read is None:
        return timeout
    return httpx.Timeout(
        connect=timeout.connect if connect is None else connect,
        read=timeout.read if read is None else read,
        write=timeout.write,
        pool=timeout.pool,
    )


def with_retry(base: RetryPolicy, options: Mapping[str, Any]) -> RetryPolicy:
    """``base`` with any ``retry_*`` option of ``options`` replacing its field."""
    given = {field: options[name] for name, field in _RETRY_KEYWORDS.items() if name in options}
    if not given:
        return base
    merged = {**attrs.asdict(base, recurse=False), **given}
    codes = merged["status_codes"]
    return RetryPolicy.build(
        merged["total"],
        merged["backoff_factor"],
        merged["backoff_max"],
        None if codes is None else _codes(codes),
        merged["mode"],
    )


def _codes(codes: object) -> Collection[int]:
    if not isinstance(codes, Collection) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in cast("Collection[object]", codes)
    ):
        raise InvalidArgumentTypeError("retry_on_status_codes must be a collection of int")
    return cast("Collection[int]", codes)


class CallOptions:
    """What one call adds to each of its requests.

    Attributes:
        headers: set on every request (before ``User-Agent`` and the request id).
        params: query parameters added to the first request of the call.
        user_agent: the ``User-Agent`` value, unless ``headers`` sets one.
        request_id: ``x-ms-client-request-id``; ``None`` draws a fresh one per call.
        timeout: per-request httpx timeout, or ``None`` for the HTTP client's own.
        retry: the retry policy, or ``None`` for the client's.
        logging_enable: log headers at DEBUG; ``None`` for the client's setting.
    """

    __slots__ = (
        "headers",
        "logging_enable",
        "params",
        "request_id",
        "retry",
        "timeout",
        "user_agent",
    )

    def __init__(
        self,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        user_agent: str | None = None,
        request_id: str | None = None,
        timeout: httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
        logging_enable: bool | None = None,
    ) -> None:
        self.headers = headers or {}
        self.params = params or {}
        self.user_agent = user_agent or compose(None)
        self.request_id = request_id
        self.timeout = timeout
        self.retry = retry
        self.logging_enable = logging_enable

    def prepare(self, request: httpx.Request) -> None:
        """Add this call's headers, query parameters, timeout and request id to ``request``
        (once, before it is signed and sent)."""
        if self.params:
            request.url = request.url.copy_merge_params(self.params)
        headers = request.headers
        if self.headers:
            headers.update(self.headers)
        if "user-agent" not in headers:
            headers["User-Agent"] = self.user_agent
        headers[REQUEST_ID_HEADER] = self.request_id or _new_request_id()
        if self.timeout is not None:
            request.extensions = {**request.extensions, "timeout": self.timeout.as_dict()}


def _new_request_id() -> str:
    """A random (version 4) UUID string; formatted directly, as ``uuid`` costs milliseconds
    to import and microseconds per id."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


_CURRENT: contextvars.ContextVar[CallOptions | None] = contextvars.ContextVar(
    "webpubsub_call_options", default=None
)


def current() -> CallOptions:
    """The options of the call being run (neutral ones outside a client call)."""
    return _CURRENT.get() or CallOptions()


@contextmanager
def active(options: CallOptions) -> Generator[None, None, None]:
    """Make ``options`` current while a call runs."""
    token = _CURRENT.set(options)
    try:
        yield
    finally:
        _CURRENT.reset(token)


class ClientOptions:
    """The constructor's azure-core style keywords, resolved once per client.

    Attributes:
        defaults: the options of a call without keywords (the User-Agent, including
            ``$AZURE_HTTP_USER_AGENT``, is composed once, when the client is created).
    """

    __slots__ = (
        "defaults",
        "headers",
        "logging_enable",
        "retry",
        "timeout",
        "user_agent",
        "user_agent_overwrite",
    )

    def __init__(
        self,
        *,
        headers: Mapping[str, str],
        user_agent: str | None,
        user_agent_overwrite: bool,
        logging_enable: bool,
        retry: RetryPolicy,
        timeout: httpx.Timeout,
    ) -> None:
        self.headers = headers
        self.user_agent = user_agent
        self.user_agent_overwrite = user_agent_overwrite
        self.logging_enable = logging_enable
        self.retry = retry
        self.timeout = timeout
        self.defaults = CallOptions(headers=headers, user_agent=self._user_agent(None, None))

    def for_call(self, kwargs: Mapping[str, Any]) -> CallOptions:
        """The options of one call: the client's, overridden by the call's keywords.

        Raises:
            InvalidArgumentTypeError: an azure-core keyword without an equivalent here, or a
                keyword the official client does not take either.
            InvalidArgumentError: a bad value (e.g. a negative timeout).
        """
        if not kwargs:
            return CallOptions(headers=self.headers, user_agent=self._user_agent(None, None))
        refuse_unsupported(kwargs, "this call")
        unknown = sorted(set(kwargs) - _CALL_KEYWORDS)
        if unknown:
            raise InvalidArgumentTypeError(f"unexpected keyword argument {unknown[0]!r}")
        call_headers = _headers("headers", kwargs.get("headers"))
        if any(name.lower() == "content-type" for name in call_headers):
            raise InvalidArgumentError(
                "headers must not set Content-Type: pass content_type= to the send method"
            )
        params: object = kwargs.get("params") or {}
        if not is_mapping(params):
            raise InvalidArgumentTypeError("params must be a dict of query parameters")
        request_id = kwargs.get("request_id")
        if request_id is not None and not isinstance(request_id, str):
            raise InvalidArgumentTypeError("request_id must be a str")
        timeout_keys = {"timeout", "connection_timeout", "read_timeout"} & set(kwargs)
        logging_enable = kwargs.get("logging_enable")
        return CallOptions(
            headers={**self.headers, **call_headers},
            params=dict(params),
            user_agent=self._user_agent(
                kwargs.get("user_agent"), kwargs.get("user_agent_overwrite")
            ),
            request_id=request_id,
            timeout=with_timeouts(self.timeout, kwargs) if timeout_keys else None,
            retry=with_retry(self.retry, kwargs),
            logging_enable=None if logging_enable is None else bool(logging_enable),
        )

    def _user_agent(self, per_call: object, overwrite: object) -> str:
        if per_call is not None and not isinstance(per_call, str):
            raise InvalidArgumentTypeError("user_agent must be a str")
        if per_call:
            prefix = f"{per_call} {self.user_agent}" if self.user_agent else per_call
            return compose(
                prefix if not overwrite else per_call,
                overwrite=bool(overwrite) or (overwrite is None and self.user_agent_overwrite),
            )
        return compose(self.user_agent, overwrite=self.user_agent_overwrite)


#: Constructor keywords that configure the HTTP client the class creates.
_HTTP_CLIENT_KEYWORDS = (
    "transport",
    "connection_verify",
    "connection_cert",
    "connection_timeout",
    "read_timeout",
)


def client_options(
    kwargs: dict[str, Any],
    *,
    retry: RetryPolicy,
    timeout: httpx.Timeout,
    logging_enable: bool,
    own_http_client: bool = True,
) -> tuple[ClientOptions, dict[str, Any]]:
    """Split the constructor's extra keywords into client options and ``httpx.Client``
    arguments (``transport``, ``verify``, ``cert``); ``kwargs`` is consumed.

    Raises:
        InvalidArgumentTypeError: an azure-core keyword without an equivalent, or unknown.
        InvalidArgumentError: a bad value, or an HTTP client keyword together with the
            caller's own ``http_client``.
    """
    refuse_unsupported(kwargs, "WebPubSubServiceClient()")
    if not own_http_client:
        for name in _HTTP_CLIENT_KEYWORDS:
            if name in kwargs:
                raise InvalidArgumentError(
                    f"{name} configures the HTTP client this class creates; with "
                    "http_client=, set it on your httpx client instead"
                )
    http_args: dict[str, Any] = {}
    transport = kwargs.pop("transport", None)
    if transport is not None:
        if not isinstance(transport, (httpx.BaseTransport, httpx.AsyncBaseTransport)):
            raise InvalidArgumentTypeError(
                f"transport of type {type(transport).__name__} is not an httpx transport: "
                "azure-core transports are not supported; pass an httpx.HTTPTransport / "
                "httpx.AsyncHTTPTransport, or http_client=httpx.Client(...)"
            )
        http_args["transport"] = transport
    if "connection_verify" in kwargs:
        http_args["verify"] = kwargs.pop("connection_verify")
    if "connection_cert" in kwargs:
        http_args["cert"] = kwargs.pop("connection_cert")
    user_agent = kwargs.pop("user_agent", None)
    if user_agent is not None and not isinstance(user_agent, str):
        raise InvalidArgumentTypeError("user_agent must be a str")
    options = ClientOptions(
        headers=_headers("headers", kwargs.pop("headers", None)),
        user_agent=user_agent,
        user_agent_overwrite=bool(kwargs.pop("user_agent_overwrite", False)),
        logging_enable=logging_enable,
        retry=with_retry(retry, {"retry_mode": kwargs.pop("retry_mode", retry.mode)}),
        timeout=with_timeouts(
            timeout,
            {k: kwargs.pop(k) for k in ("connection_timeout", "read_timeout") if k in kwargs},
        ),
    )
    if kwargs:
        raise InvalidArgumentTypeError(f"unexpected keyword argument {sorted(kwargs)[0]!r}")
    return options, http_args


def one_or_many(value: Any) -> Any:
    """``roles`` / ``groups`` as the official client accepts them: a single ``str`` is one
    item. Anything else is passed on for validation."""
    return [value] if isinstance(value, str) else value
