# pyright: reportUnnecessaryIsInstance=false
"""The asyncio client: one task reads the socket (and resumes or reconnects it), one runs the
listeners in order; ``send_to_group`` and friends return once the ack arrived."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Literal, overload

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.typing import Subprotocol

from .. import _common
from .._credential import AsyncWebPubSubClientCredential
from .._protocol import _messages as m
from .._protocol._sequence import ACK_INTERVAL
from .._protocol._session import (
    RECOVERY_RETRY_INTERVAL,
    RECOVERY_TIMEOUT,
    Answer,
    Notify,
    Output,
    Reconnect,
    Resume,
    Session,
    Settle,
    State,
)
from ..models import (
    AckMessageError,
    CallbackType,
    InvokeEventError,
    InvokeEventResult,
    OnConnectedArgs,
    OnDisconnectedArgs,
    OnGroupDataMessageArgs,
    OnRejoinGroupFailedArgs,
    OnServerDataMessageArgs,
    OpenClientError,
    RetryMode,
    SendMessageError,
    WebPubSubDataType,
    WebPubSubProtocolType,
)

_LOGGER = logging.getLogger("webpubsub.client")
#: What an ack waiter holds when ``ack_timeout`` passed before the ack.
_EXPIRED = object()


def _expire(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_result(_EXPIRED)


class _Done:
    """An awaitable that finishes at once: what ``subscribe`` and ``unsubscribe`` return, so
    code written for the official aio client (where they are coroutines) runs unchanged."""

    __slots__ = ()

    def __await__(self) -> Generator[None, None, None]:
        return
        yield


_DONE = _Done()
Listener = Callable[..., Any]
DataMessage = OnGroupDataMessageArgs | OnServerDataMessageArgs


class WebPubSubClient:
    """A Web PubSub client connection (asyncio), the drop-in for
    ``azure.messaging.webpubsubclient.aio.WebPubSubClient`` 1.1.0.

    Arguments, defaults and errors as ``webpubsub.client.WebPubSubClient``; ``credential``
    is a URL or a ``webpubsub.client.aio.WebPubSubClientCredential`` (async provider).
    Listeners may be plain functions or coroutine functions. ``async for message in client``
    yields every ``OnGroupDataMessageArgs`` / ``OnServerDataMessageArgs`` from the moment the
    iteration starts until the client stops.
    """

    def __init__(
        self,
        credential: AsyncWebPubSubClientCredential | str,
        *,
        message_retry_backoff_factor: float = _common.DEFAULT_BACKOFF_FACTOR,
        message_retry_backoff_max: float = _common.DEFAULT_BACKOFF_MAX,
        message_retry_mode: RetryMode | str = _common.DEFAULT_RETRY_MODE,
        message_retry_total: int = _common.DEFAULT_RETRY_TOTAL,
        protocol_type: WebPubSubProtocolType | str = _common.DEFAULT_PROTOCOL,
        reconnect_retry_backoff_factor: float = _common.DEFAULT_BACKOFF_FACTOR,
        reconnect_retry_backoff_max: float = _common.DEFAULT_BACKOFF_MAX,
        reconnect_retry_mode: RetryMode | str = _common.DEFAULT_RETRY_MODE,
        reconnect_retry_total: int = _common.DEFAULT_RETRY_TOTAL,
        auto_rejoin_groups: bool = True,
        logging_enable: bool = False,
        ack_timeout: float = _common.DEFAULT_ACK_TIMEOUT,
        start_timeout: float = _common.DEFAULT_START_TIMEOUT,
        user_agent: str | None = None,
        max_buffered_messages: int = _common.DEFAULT_MAX_BUFFERED_MESSAGES,
        **kwargs: Any,
    ) -> None:
        _common.reject_unknown(kwargs)
        if isinstance(credential, str):
            credential = AsyncWebPubSubClientCredential(_common.client_access_url(credential))
        elif not isinstance(credential, AsyncWebPubSubClientCredential):
            raise TypeError(
                "credential must be a client access URL (str) or a "
                "webpubsub.client.aio.WebPubSubClientCredential, "
                f"not {type(credential).__name__}"
            )
        self._credential = credential
        self._options = _common.options(
            protocol_type=protocol_type,
            reconnect=(
                reconnect_retry_total,
                reconnect_retry_backoff_factor,
                reconnect_retry_backoff_max,
                reconnect_retry_mode,
            ),
            message=(
                message_retry_total,
                message_retry_backoff_factor,
                message_retry_backoff_max,
                message_retry_mode,
            ),
            auto_rejoin_groups=auto_rejoin_groups,
            ack_timeout=ack_timeout,
            start_timeout=start_timeout,
        )
        self._user_agent = _common.user_agent(user_agent)
        self._logging_enable = bool(logging_enable)
        self._max_buffered = _common.max_buffered(max_buffered_messages)
        self._session: Session[asyncio.Future[Any]] = Session(self._options)
        self._listeners: dict[CallbackType, list[Listener]] = {kind: [] for kind in CallbackType}
        self._connection: ClientConnection | None = None
        self._stopping: asyncio.Event | None = None
        self._reader: asyncio.Task[None] | None = None
        self._calls: asyncio.Queue[tuple[CallbackType, Any] | None] | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        self._inboxes: list[asyncio.Queue[DataMessage | None]] = []
        self._background: set[asyncio.Task[None]] = set()
        self._stopped = True  # no reader: an iteration started now ends at once when empty

    def __repr__(self) -> str:
        return (
            f"WebPubSubClient(protocol={self._options.codec.protocol.value}, "
            f"state={self._session.state.value}, connection_id={self._session.connection_id!r})"
        )

    # -- lifecycle ----------------------------------------------------------------------------

    async def open(self) -> None:
        """Connect and wait for the service's ``connected`` message; raises
        ``OpenClientError`` as the sync client's ``open``."""
        if self._session.state is not State.STOPPED or self._reader is not None:
            raise OpenClientError(
                f"open() needs a stopped client; this one is {self._session.state.value}"
            )
        self._stopping = asyncio.Event()
        self._session.state = State.CONNECTING
        try:
            url = await self._credential.get_client_access_url()
            connection, outputs = await self._open_new(url)
        except BaseException:
            self._session.state = State.STOPPED
            raise
        self._calls = asyncio.Queue(self._max_buffered)
        self._dispatcher = asyncio.create_task(self._dispatch(self._calls))
        self._connection = connection
        await self._handle(outputs)
        self._stopped = False
        self._reader = asyncio.create_task(self._read(connection))

    async def close(self) -> None:
        """Close the connection and stop: DISCONNECTED then STOPPED listeners run before this
        returns. Nothing happens on a stopped client."""
        reader = self._reader
        if reader is None or self._stopping is None:
            return
        self._stopping.set()
        connection = self._connection
        if connection is not None:
            await connection.close()
        if reader is not asyncio.current_task():
            await reader
        dispatcher, calls = self._dispatcher, self._calls
        if (
            dispatcher is not None
            and calls is not None
            and dispatcher is not asyncio.current_task()
        ):
            await calls.put(None)
            await dispatcher
            self._dispatcher = None
            self._calls = None

    def is_connected(self) -> bool:
        """Whether the client has a live connection (False while resuming or reconnecting)."""
        stopping = self._stopping is not None and self._stopping.is_set()
        return self._session.is_connected and not stopping

    async def __aenter__(self) -> WebPubSubClient:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __aiter__(self) -> AsyncIterator[DataMessage]:
        """Every group and server message from now on, in arrival order, until the client
        stops. At most ``max_buffered_messages`` wait; beyond that the client stops reading
        the socket until the iteration catches up."""
        inbox: asyncio.Queue[DataMessage | None] = asyncio.Queue(self._max_buffered)
        self._inboxes.append(inbox)
        return self._drain(inbox)

    async def _drain(self, inbox: asyncio.Queue[DataMessage | None]) -> AsyncIterator[DataMessage]:
        try:
            while not (self._stopped and inbox.empty()):
                message = await inbox.get()
                if message is None:
                    return
                yield message
        finally:
            with contextlib.suppress(ValueError):
                self._inboxes.remove(inbox)

    # -- listeners ----------------------------------------------------------------------------

    @overload
    def subscribe(
        self, event: Literal[CallbackType.CONNECTED], listener: Callable[[OnConnectedArgs], Any]
    ) -> Awaitable[None]: ...
    @overload
    def subscribe(
        self,
        event: Literal[CallbackType.DISCONNECTED],
        listener: Callable[[OnDisconnectedArgs], Any],
    ) -> Awaitable[None]: ...
    @overload
    def subscribe(
        self, event: Literal[CallbackType.STOPPED], listener: Callable[[], Any]
    ) -> Awaitable[None]: ...
    @overload
    def subscribe(
        self,
        event: Literal[CallbackType.SERVER_MESSAGE],
        listener: Callable[[OnServerDataMessageArgs], Any],
    ) -> Awaitable[None]: ...
    @overload
    def subscribe(
        self,
        event: Literal[CallbackType.GROUP_MESSAGE],
        listener: Callable[[OnGroupDataMessageArgs], Any],
    ) -> Awaitable[None]: ...
    @overload
    def subscribe(
        self,
        event: Literal[CallbackType.REJOIN_GROUP_FAILED],
        listener: Callable[[OnRejoinGroupFailedArgs], Any],
    ) -> Awaitable[None]: ...
    @overload
    def subscribe(self, event: CallbackType | str, listener: Listener) -> Awaitable[None]: ...
    def subscribe(self, event: CallbackType | str, listener: Listener) -> Awaitable[None]:
        """As the sync client's ``subscribe``; ``listener`` may be a coroutine function.

        Registers at once; the result may be awaited (``await client.subscribe(...)``, as
        the official aio client's coroutine must be) or ignored."""
        kind = _common.callback_type(event)
        if not callable(listener):
            raise TypeError(f"listener must be callable, not {type(listener).__name__}")
        self._listeners[kind].append(listener)
        return _DONE

    def unsubscribe(self, event: CallbackType | str, listener: Listener) -> Awaitable[None]:
        """Stop calling ``listener`` for ``event`` (nothing happens if it was not subscribed);
        awaitable like ``subscribe``."""
        listeners = self._listeners[_common.callback_type(event)]
        if listener in listeners:
            listeners.remove(listener)
        return _DONE

    # -- messages -----------------------------------------------------------------------------

    async def join_group(self, group_name: str, *, ack_id: int | None = None) -> None:
        """Join ``group_name`` (``joinGroup``, acked); raises as the sync ``join_group``."""
        name = _common.group_name(group_name)
        await self._send_acked(lambda ack: m.JoinGroup(name, ack), _common.ack_id(ack_id))
        self._session.groups.add(name)

    async def leave_group(self, group_name: str, *, ack_id: int | None = None) -> None:
        """Leave ``group_name`` (``leaveGroup``, acked); raises as the sync ``join_group``."""
        name = _common.group_name(group_name)
        await self._send_acked(lambda ack: m.LeaveGroup(name, ack), _common.ack_id(ack_id))
        self._session.groups.discard(name)

    async def send_to_group(
        self,
        group_name: str,
        content: Any,
        data_type: WebPubSubDataType | str,
        *,
        no_echo: bool = False,
        ack: bool = True,
        ack_id: int | None = None,
    ) -> None:
        """Publish to a group (``sendToGroup``); as the sync ``send_to_group``."""
        name, data, kind, echo = _common.to_group(group_name, content, data_type, no_echo)
        if ack:
            await self._send_acked(
                lambda a: m.SendToGroup(name, kind, data, echo, a), _common.ack_id(ack_id)
            )
        else:
            await self._send_unacked(m.SendToGroup(name, kind, data, echo, None))

    async def send_event(
        self,
        event_name: str,
        content: Any,
        data_type: WebPubSubDataType | str,
        *,
        ack: bool = True,
        ack_id: int | None = None,
    ) -> None:
        """Send a user event to the event handler (``event``); as the sync ``send_event``."""
        name, data, kind = _common.event(event_name, content, data_type)
        if ack:
            await self._send_acked(
                lambda a: m.SendEvent(name, kind, data, a), _common.ack_id(ack_id)
            )
        else:
            await self._send_unacked(m.SendEvent(name, kind, data, None))

    async def invoke_event(
        self,
        event_name: str,
        content: Any,
        data_type: WebPubSubDataType | str,
        *,
        timeout: float | None = None,
    ) -> InvokeEventResult:
        """Send a user event and await the upstream's reply (``invoke``); as the sync
        ``invoke_event``."""
        name, data, kind = _common.event(event_name, content, data_type)
        if not self._options.codec.supports_invoke:
            raise ValueError("invoke_event needs a JSON subprotocol (protobuf has no invoke)")
        wait = _common.invoke_timeout(timeout, self._options.ack_timeout)
        connection = self._live_connection()
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        invocation_id = self._session.new_invocation(waiter)
        frame = self._session.encode(m.Invoke(invocation_id, name, kind, data))
        try:
            await self._write(connection, frame)
            response = await asyncio.wait_for(asyncio.shield(waiter), wait)
        except ConnectionClosed:
            self._session.forget_invocation(invocation_id)
            raise InvokeEventError("the connection was lost", invocation_id) from None
        except asyncio.TimeoutError:
            self._session.forget_invocation(invocation_id)
            with contextlib.suppress(ConnectionClosed):
                await self._write(
                    connection, self._session.encode(m.CancelInvocation(invocation_id))
                )
            raise InvokeEventError(
                f"no answer within {wait} s",
                invocation_id,
                _common.lost(_common.TIMEOUT, f"no invokeResponse within {wait} s"),
            ) from None
        return _common.invoke_result(response, invocation_id)

    # -- sending internals --------------------------------------------------------------------

    def _closed(self) -> bool:
        stopping = self._stopping is None or self._stopping.is_set()
        return stopping or self._session.state is State.STOPPED

    def _live_connection(self) -> ClientConnection:
        if self._closed():
            raise SendMessageError("The client is not open: call open() first.")
        connection = self._connection
        if connection is None or not self._session.is_connected:
            raise SendMessageError("The client is not connected (it is reconnecting).")
        return connection

    async def _write(self, connection: ClientConnection, frame: str | bytes) -> None:
        if self._logging_enable:
            _LOGGER.debug("send %s", _common.shown_frame(frame))
        await connection.send(frame)

    async def _wait_stopping(self, delay: float) -> bool:
        """Sleep ``delay`` seconds; True when ``close()`` came meanwhile."""
        stopping = self._stopping
        if stopping is None:
            return True
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stopping.wait(), delay)
        return stopping.is_set()

    async def _send_unacked(self, message: m.Upstream) -> None:
        frame = self._session.encode(message)
        attempt = 0
        while True:
            try:
                await self._write(self._live_connection(), frame)
                return
            except (SendMessageError, ConnectionClosed) as error:
                if self._closed():
                    raise SendMessageError("The client is not open: call open() first.") from None
                attempt += 1
                delay = self._options.message_policy.delay(attempt)
                if delay is None:
                    raise SendMessageError(f"Failed to send message: {error}") from None
                await self._wait_stopping(delay)

    async def _send_acked(self, build: Callable[[int], m.Upstream], ack_id: int | None) -> None:
        if self._closed():
            raise SendMessageError("The client is not open: call open() first.", ack_id)
        chosen = self._session.acks.next_id() if ack_id is None else ack_id
        frame = self._session.encode(build(chosen))
        attempt = 0
        while True:
            error = await self._attempt(frame, chosen)
            if error is None:
                return
            if error.name not in _common.RETRYABLE or self._closed():
                raise SendMessageError("Failed to send message.", chosen, error)
            attempt += 1
            delay = self._options.message_policy.delay(attempt)
            if delay is None:
                raise SendMessageError("Failed to send message.", chosen, error)
            _LOGGER.debug("re-sending ack id %s in %.1f s (%s)", chosen, delay, error.name)
            if await self._wait_stopping(delay):
                raise SendMessageError("The client was closed.", chosen, error)

    async def _attempt(self, frame: str | bytes, ack_id: int) -> AckMessageError | None:
        connection = self._connection
        if connection is None or not self._session.is_connected:
            return _common.lost(_common.NOT_CONNECTED, "the client is reconnecting")
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Any] = loop.create_future()
        self._session.acks.add(ack_id, waiter)
        # One timer handle per send instead of wait_for + shield (a timeout scope and a
        # second future each time): on expiry the waiter itself is told.
        timer = loop.call_later(self._options.ack_timeout, _expire, waiter)
        try:
            # On a lost connection the reader fails every pending ack.
            with contextlib.suppress(ConnectionClosed):
                await self._write(connection, frame)
            outcome: Any = await waiter
        except asyncio.CancelledError:
            self._session.acks.discard(ack_id)
            raise
        finally:
            timer.cancel()
        if outcome is _EXPIRED:
            self._session.acks.discard(ack_id)
            return _common.lost(_common.TIMEOUT, f"no ack within {self._options.ack_timeout} s")
        error: AckMessageError | None = outcome
        return error

    # -- connections --------------------------------------------------------------------------

    async def _dial(self, url: str) -> tuple[ClientConnection, list[Output[Any]]]:
        timeout = self._options.start_timeout
        deadline = time.monotonic() + timeout
        try:
            connection = await connect(
                url,
                subprotocols=[Subprotocol(self._options.codec.protocol.value)],
                additional_headers={"User-Agent": self._user_agent},
                user_agent_header=None,
                compression=None,
                open_timeout=timeout,
                max_size=None,
                max_queue=None,
            )
        except (InvalidHandshake, InvalidURI, OSError, asyncio.TimeoutError) as error:
            raise _common.refused(error) from None
        transport_socket = connection.transport.get_extra_info("socket")
        if transport_socket is not None:
            # Frames are small and each waits for an answer: Nagle's algorithm would hold them.
            with contextlib.suppress(OSError):  # already closed: recv says so
                transport_socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        outputs: list[Output[Any]] = []
        try:
            while not self._session.is_connected:
                frame = await asyncio.wait_for(
                    connection.recv(), max(0.0, deadline - time.monotonic())
                )
                if self._logging_enable:
                    _LOGGER.debug("receive %s", _common.shown_frame(frame))
                outputs.extend(self._session.receive(frame, time.monotonic()))
        except asyncio.TimeoutError:
            await connection.close()
            raise OpenClientError(
                f"Failed to open client: no connected message within {timeout} s"
            ) from None
        except ConnectionClosed as error:
            raise _common.closed_before_connected(error) from None
        return connection, outputs

    async def _open_new(self, url: str) -> tuple[ClientConnection, list[Output[Any]]]:
        self._session.start(_common.client_access_url(url))
        return await self._dial(url)

    async def _read(self, connection: ClientConnection) -> None:
        session = self._session
        ticker = asyncio.create_task(self._tick())
        try:
            while True:
                try:
                    # No timeout here (one per frame would cost more than the frame): the
                    # ticker task runs the session's timers.
                    frame = await connection.recv()
                except ConnectionClosed as closed:
                    code = closed.rcvd.code if closed.rcvd is not None else None
                    replacement = await self._after_loss(code)
                    if replacement is None:
                        return
                    connection = replacement
                    continue
                if self._logging_enable:
                    _LOGGER.debug("receive %s", _common.shown_frame(frame))
                try:
                    outputs = session.receive(frame, time.monotonic())
                except ValueError as error:
                    _LOGGER.warning("ignored a frame the subprotocol does not allow: %s", error)
                    continue
                await self._handle(outputs)
                due = session.next_deadline()
                if due is not None and time.monotonic() >= due:
                    await self._poll(connection)
        finally:
            ticker.cancel()
            self._reader = None
            self._stopped = True
            for inbox in list(self._inboxes):
                # Wakes a waiting iteration; a full one sees ``_stopped`` once drained.
                with contextlib.suppress(asyncio.QueueFull):
                    inbox.put_nowait(None)

    async def _tick(self) -> None:
        """Run the session's timers (the periodic ``sequenceAck``) while the reader lives."""
        while True:
            deadline = self._session.next_deadline()
            delay = ACK_INTERVAL if deadline is None else deadline - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            connection = self._connection
            if connection is not None:
                await self._poll(connection)
            elif deadline is not None and deadline <= time.monotonic():
                await asyncio.sleep(ACK_INTERVAL)  # between connections: nothing to send

    async def _poll(self, connection: ClientConnection) -> None:
        frame = self._session.poll(time.monotonic())
        if frame is not None:
            with contextlib.suppress(ConnectionClosed):  # the next recv sees it
                await self._write(connection, frame)

    async def _after_loss(self, close_code: int | None) -> ClientConnection | None:
        self._connection = None
        await self._handle(self._session.fail_pending())
        stopping = self._stopping is None or self._stopping.is_set()
        decision = self._session.connection_lost(stopping=stopping, close_code=close_code)
        if isinstance(decision, Resume):
            resumed = await self._resume(decision.url)
            if resumed is not None:
                return resumed
            decision = self._session.disconnected()
        await self._notify(self._session.disconnected_notification())
        if isinstance(decision, Reconnect):
            connection = await self._reconnect()
            if connection is not None:
                return connection
        await self._notify(self._session.stopped())
        return None

    async def _resume(self, url: str) -> ClientConnection | None:
        deadline = time.monotonic() + RECOVERY_TIMEOUT
        first = True
        while time.monotonic() < deadline:
            if not first and await self._wait_stopping(RECOVERY_RETRY_INTERVAL):
                return None
            first = False
            if self._closed():
                return None
            try:
                connection, outputs = await self._dial(url)
            except _common.HandshakeRefused as error:
                _LOGGER.debug("resume refused: %s", error)
                if error.final:
                    return None  # the service no longer knows this connection
                continue
            except Exception as error:  # the next attempt may succeed; the deadline bounds them
                _LOGGER.debug("resume attempt failed: %s", error)
                continue
            await self._adopt(connection, outputs)
            return connection
        return None

    async def _reconnect(self) -> ClientConnection | None:
        attempt = 0
        while not (self._stopping is None or self._stopping.is_set()):
            if attempt > 0:
                delay = self._options.reconnect_policy.delay(attempt)
                if delay is None or await self._wait_stopping(delay):
                    return None
            attempt += 1
            try:
                url = await self._credential.get_client_access_url()
                connection, outputs = await self._open_new(url)
            except Exception as error:
                _LOGGER.warning("reconnect attempt %d failed: %s", attempt, error)
                continue
            await self._adopt(connection, outputs)
            return connection
        return None

    async def _adopt(self, connection: ClientConnection, outputs: list[Output[Any]]) -> None:
        if self._stopping is None or self._stopping.is_set():
            await connection.close()  # close() came meanwhile: the reader sees the close
        self._connection = connection
        await self._handle(outputs)

    # -- outputs ------------------------------------------------------------------------------

    async def _handle(self, outputs: list[Output[Any]]) -> None:
        for output in outputs:
            if isinstance(output, Settle):
                if not output.waiter.done():
                    output.waiter.set_result(output.error)
            elif isinstance(output, Notify):
                await self._notify(output)
            elif isinstance(output, Answer):
                if not output.waiter.done():
                    output.waiter.set_result(output.response)
            else:
                task = asyncio.create_task(self._rejoin(output.groups))
                self._background.add(task)
                task.add_done_callback(self._background.discard)

    async def _rejoin(self, groups: tuple[str, ...]) -> None:
        for group in groups:
            try:
                ack_id = self._session.acks.next_id()
                error = await self._attempt(
                    self._session.encode(m.JoinGroup(group, ack_id)), ack_id
                )
                if error is not None:
                    raise SendMessageError("Failed to rejoin group.", ack_id, error)
            except Exception as error:
                await self._notify(
                    Notify(CallbackType.REJOIN_GROUP_FAILED, _common.rejoin_failed(group, error))
                )

    async def _notify(self, notification: Notify) -> None:
        # Both queues are bounded: when full, the reader waits here and stops reading the
        # socket until listeners and iterations catch up (bounded memory, nothing dropped).
        if notification.callback in (CallbackType.GROUP_MESSAGE, CallbackType.SERVER_MESSAGE):
            for inbox in list(self._inboxes):
                await self._offer(inbox, notification.args)
        calls = self._calls
        if calls is not None and self._listeners[notification.callback]:
            call = (notification.callback, notification.args)
            try:  # the common case, without a coroutine per message
                calls.put_nowait(call)
            except asyncio.QueueFull:
                await calls.put(call)

    async def _offer(self, inbox: asyncio.Queue[DataMessage | None], item: DataMessage) -> None:
        """Put ``item`` in an iteration's buffer, waiting while it is full; once ``close()``
        was called an iteration that stopped reading no longer holds the client up."""
        stopping = self._stopping
        if stopping is None or stopping.is_set():
            with contextlib.suppress(asyncio.QueueFull):
                inbox.put_nowait(item)
            return
        put = asyncio.ensure_future(inbox.put(item))
        stop = asyncio.ensure_future(stopping.wait())
        await asyncio.wait({put, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        put.cancel()

    async def _dispatch(self, calls: asyncio.Queue[tuple[CallbackType, Any] | None]) -> None:
        while True:
            call = await calls.get()
            if call is None:
                return
            kind, args = call
            for listener in list(self._listeners[kind]):
                try:
                    result = listener() if args is None else listener(args)
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    _LOGGER.exception("a %s listener raised", kind.value)
