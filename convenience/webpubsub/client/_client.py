# pyright: reportUnnecessaryIsInstance=false
"""The sync client: one thread reads the socket (and resumes or reconnects it), one runs the
listeners in order (started by the first call a listener has to run); calls like
``send_to_group`` block the caller until the ack arrives."""

from __future__ import annotations

import contextlib
import inspect
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, Literal, overload

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from . import _common
from ._credential import WebPubSubClientCredential
from ._protocol import _messages as m
from ._protocol._session import (
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
from .models import (
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
# websockets 17.1 wants connect() as a context manager unless told the connection is managed
# by hand (this client closes it itself); older versions have no such flag.
_MANAGED_BY_HAND: dict[str, Any] = (
    {"legacy": True} if "legacy" in inspect.signature(connect).parameters else {}
)
_connect: Callable[..., ClientConnection] = connect
Listener = Callable[..., Any]


class _Waiter:
    """One caller waiting for an ack or an invoke answer.

    A lock taken at birth is the signal: ``wake`` releases it, ``wait`` takes it. That is one
    C-level lock per send, where a ``threading.Event`` costs a Condition and a second lock
    per wait. Each waiter is woken at most once (the ack book and the invocation table hand
    it out once), so ``wake`` never releases an unlocked lock.
    """

    __slots__ = ("_signal", "error", "response")

    def __init__(self) -> None:
        self._signal = threading.Lock()
        self._signal.acquire()
        self.error: AckMessageError | None = None
        self.response: m.InvokeResponse | None = None

    def wake(self) -> None:
        """Let ``wait`` return (set ``error`` / ``response`` first)."""
        self._signal.release()

    def wait(self, timeout: float) -> bool:
        """Whether ``wake`` came within ``timeout`` seconds."""
        return self._signal.acquire(timeout=timeout)


class WebPubSubClient:
    """A Web PubSub client connection (sync), the drop-in for
    ``azure.messaging.webpubsubclient.WebPubSubClient`` 1.1.0.

    :param credential: the client access URL (``wss://<host>/client/hubs/<hub>?access_token=``)
        or a ``WebPubSubClientCredential``. Raises ``TypeError`` for anything else.
    :keyword protocol_type: the subprotocol (default ``json.reliable.webpubsub.azure.v1``);
        the protobuf ones need the ``protobuf`` package (``webpubsub[client]`` has it).
    :keyword auto_rejoin_groups: re-join the groups joined with ``join_group`` on a new
        connection (default True).
    :keyword reconnect_retry_total: new connections tried after one is lost for good
        (default 3; 0 turns reconnecting off). ``reconnect_retry_backoff_factor`` (0.8 s),
        ``reconnect_retry_backoff_max`` (120 s) and ``reconnect_retry_mode``
        (``RetryMode.Exponential`` or ``Fixed``) shape the delays.
    :keyword message_retry_total: re-sends of a message whose ack did not come (default 3,
        same ack id so the service de-duplicates); ``message_retry_*`` as above.
    :keyword ack_timeout: seconds to wait for each ack (default 30).
    :keyword start_timeout: seconds ``open()`` waits for the connection (default 30).
    :keyword logging_enable: log every frame at DEBUG on ``webpubsub.client`` (tokens hidden).
    :keyword user_agent: put in front of the ``User-Agent`` header.
    :keyword max_buffered_messages: messages waiting for listeners before the client stops
        reading the socket until they catch up (default 10,000; bounded memory).

    Raises ``ValueError`` / ``TypeError`` naming a bad argument; unknown keywords are errors.
    """

    def __init__(
        self,
        credential: WebPubSubClientCredential | str,
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
            credential = WebPubSubClientCredential(_common.client_access_url(credential))
        elif not isinstance(credential, WebPubSubClientCredential):
            raise TypeError(
                "credential must be a client access URL (str) or a WebPubSubClientCredential, "
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
        self._session: Session[_Waiter] = Session(self._options)
        self._lock = threading.RLock()
        self._listeners: dict[CallbackType, list[Listener]] = {kind: [] for kind in CallbackType}
        self._connection: ClientConnection | None = None
        self._stopping = threading.Event()
        self._reader: threading.Thread | None = None
        self._calls: queue.Queue[tuple[CallbackType, Any] | None] | None = None
        self._dispatcher: threading.Thread | None = None
        # The listener thread starts with the first notification that has a listener, so a
        # client nobody listens to runs no thread for it; only between open() and close().
        self._dispatcher_lock = threading.Lock()
        self._listening = False

    def __repr__(self) -> str:
        return (
            f"WebPubSubClient(protocol={self._options.codec.protocol.value}, "
            f"state={self._session.state.value}, connection_id={self._session.connection_id!r})"
        )

    # -- lifecycle ----------------------------------------------------------------------------

    def open(self) -> None:
        """Connect and wait for the service's ``connected`` message.

        Raises ``OpenClientError`` when the client is not stopped, when the handshake is
        refused (e.g. HTTP 401 for a bad token), when the service closes the socket, or when
        nothing arrives within ``start_timeout``.
        """
        with self._lock:
            if self._session.state is not State.STOPPED or self._reader is not None:
                raise OpenClientError(
                    f"open() needs a stopped client; this one is {self._session.state.value}"
                )
            self._stopping.clear()
            self._session.state = State.CONNECTING
        try:
            url = self._credential.get_client_access_url()
            connection, outputs = self._open_new(url)
        except Exception:
            with self._lock:
                self._session.state = State.STOPPED
            raise
        self._listening = True
        self._connection = connection
        self._handle(outputs)
        self._reader = threading.Thread(
            target=self._read, args=(connection,), name="webpubsub-client-reader", daemon=True
        )
        self._reader.start()

    def close(self) -> None:
        """Close the connection and stop: DISCONNECTED then STOPPED listeners run before this
        returns (unless called from a listener). Nothing happens on a stopped client."""
        with self._lock:
            reader = self._reader
            self._stopping.set()
            connection = self._connection
        if connection is not None:
            connection.close()
        if reader is not None and reader is not threading.current_thread():
            reader.join()
        with self._dispatcher_lock:
            self._listening = False
            dispatcher = self._dispatcher
            calls = self._calls
        if dispatcher is not None and dispatcher is not threading.current_thread():
            if calls is not None:
                calls.put(None)
            dispatcher.join()
            self._dispatcher = None
            self._calls = None

    def is_connected(self) -> bool:
        """Whether the client has a live connection (False while resuming or reconnecting)."""
        return self._session.is_connected and not self._stopping.is_set()

    def __enter__(self) -> WebPubSubClient:
        # The official client returns None here; returning the client is what ``with ... as``
        # users expect and changes nothing for ``with client:``.
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- listeners ----------------------------------------------------------------------------

    @overload
    def subscribe(
        self, event: Literal[CallbackType.CONNECTED], listener: Callable[[OnConnectedArgs], Any]
    ) -> None: ...
    @overload
    def subscribe(
        self,
        event: Literal[CallbackType.DISCONNECTED],
        listener: Callable[[OnDisconnectedArgs], Any],
    ) -> None: ...
    @overload
    def subscribe(
        self, event: Literal[CallbackType.STOPPED], listener: Callable[[], Any]
    ) -> None: ...
    @overload
    def subscribe(
        self,
        event: Literal[CallbackType.SERVER_MESSAGE],
        listener: Callable[[OnServerDataMessageArgs], Any],
    ) -> None: ...
    @overload
    def subscribe(
        self,
        event: Literal[CallbackType.GROUP_MESSAGE],
        listener: Callable[[OnGroupDataMessageArgs], Any],
    ) -> None: ...
    @overload
    def subscribe(
        self,
        event: Literal[CallbackType.REJOIN_GROUP_FAILED],
        listener: Callable[[OnRejoinGroupFailedArgs], Any],
    ) -> None: ...
    @overload
    def subscribe(self, event: CallbackType | str, listener: Listener) -> None: ...
    def subscribe(self, event: CallbackType | str, listener: Listener) -> None:
        """Call ``listener`` for ``event``: with an ``OnConnectedArgs``, ``OnDisconnectedArgs``,
        ``OnServerDataMessageArgs``, ``OnGroupDataMessageArgs`` or ``OnRejoinGroupFailedArgs``,
        and with no argument for ``STOPPED`` (as in the official client). Listeners run one at
        a time, in arrival order, on the client's listener thread. Raises ``ValueError`` for an
        unknown event."""
        kind = _common.callback_type(event)
        if not callable(listener):
            raise TypeError(f"listener must be callable, not {type(listener).__name__}")
        self._listeners[kind].append(listener)

    def unsubscribe(self, event: CallbackType | str, listener: Listener) -> None:
        """Stop calling ``listener`` for ``event`` (nothing happens if it was not subscribed)."""
        listeners = self._listeners[_common.callback_type(event)]
        if listener in listeners:
            listeners.remove(listener)

    # -- messages -----------------------------------------------------------------------------

    def join_group(self, group_name: str, *, ack_id: int | None = None) -> None:
        """Join ``group_name`` (``joinGroup``, acked). Raises ``ValueError`` for a bad name and
        ``SendMessageError`` when the service refuses it or the ack does not come."""
        name = _common.group_name(group_name)
        self._send_acked(lambda ack: m.JoinGroup(name, ack), _common.ack_id(ack_id))
        with self._lock:
            self._session.groups.add(name)

    def leave_group(self, group_name: str, *, ack_id: int | None = None) -> None:
        """Leave ``group_name`` (``leaveGroup``, acked); raises as ``join_group``."""
        name = _common.group_name(group_name)
        self._send_acked(lambda ack: m.LeaveGroup(name, ack), _common.ack_id(ack_id))
        with self._lock:
            self._session.groups.discard(name)

    def send_to_group(
        self,
        group_name: str,
        content: Any,
        data_type: WebPubSubDataType | str,
        *,
        no_echo: bool = False,
        ack: bool = True,
        ack_id: int | None = None,
    ) -> None:
        """Publish ``content`` to a group (``sendToGroup``). ``content`` is a ``str`` for text,
        a JSON value for json, bytes-like for binary. With ``ack`` (default) it returns once
        the service confirmed, re-sending on a lost ack; ``no_echo`` keeps it from this
        connection. Raises ``ValueError`` / ``TypeError`` before sending for a bad group name,
        data type or content, and ``SendMessageError`` when it cannot be confirmed."""
        name, data, kind, echo = _common.to_group(group_name, content, data_type, no_echo)
        if ack:
            self._send_acked(
                lambda a: m.SendToGroup(name, kind, data, echo, a), _common.ack_id(ack_id)
            )
        else:
            self._send_unacked(m.SendToGroup(name, kind, data, echo, None))

    def send_event(
        self,
        event_name: str,
        content: Any,
        data_type: WebPubSubDataType | str,
        *,
        ack: bool = True,
        ack_id: int | None = None,
    ) -> None:
        """Send a user event to the hub's event handler (``event``); arguments and errors as
        ``send_to_group``. The ack comes once the upstream answered (an error ack when it
        failed)."""
        name, data, kind = _common.event(event_name, content, data_type)
        if ack:
            self._send_acked(lambda a: m.SendEvent(name, kind, data, a), _common.ack_id(ack_id))
        else:
            self._send_unacked(m.SendEvent(name, kind, data, None))

    def invoke_event(
        self,
        event_name: str,
        content: Any,
        data_type: WebPubSubDataType | str,
        *,
        timeout: float | None = None,
    ) -> InvokeEventResult:
        """Send a user event and wait for the upstream's reply (``invoke`` /
        ``invokeResponse``, JSON subprotocols only). ``timeout`` in seconds defaults to
        ``ack_timeout``; on expiry a ``cancelInvocation`` goes out. Raises ``ValueError`` /
        ``TypeError`` for bad arguments or a protobuf subprotocol, ``InvokeEventError`` when
        the upstream fails, has no handler, or does not answer in time."""
        name, data, kind = _common.event(event_name, content, data_type)
        if not self._options.codec.supports_invoke:
            raise ValueError("invoke_event needs a JSON subprotocol (protobuf has no invoke)")
        wait = _common.invoke_timeout(timeout, self._options.ack_timeout)
        waiter = _Waiter()
        with self._lock:
            connection = self._live_connection()
            invocation_id = self._session.new_invocation(waiter)
            frame = self._session.encode(m.Invoke(invocation_id, name, kind, data))
        try:
            self._write(connection, frame)
        except ConnectionClosed:
            with self._lock:
                self._session.forget_invocation(invocation_id)
            raise InvokeEventError("the connection was lost", invocation_id) from None
        if not waiter.wait(wait):
            with self._lock:
                self._session.forget_invocation(invocation_id)
                cancel = self._session.encode(m.CancelInvocation(invocation_id))
            with contextlib.suppress(ConnectionClosed):
                self._write(connection, cancel)
            raise InvokeEventError(
                f"no answer within {wait} s",
                invocation_id,
                _common.lost(_common.TIMEOUT, f"no invokeResponse within {wait} s"),
            )
        return _common.invoke_result(waiter.response, invocation_id)

    # -- sending internals --------------------------------------------------------------------

    def _live_connection(self) -> ClientConnection:
        if self._stopping.is_set() or self._session.state is State.STOPPED:
            raise SendMessageError("The client is not open: call open() first.")
        connection = self._connection
        if connection is None or not self._session.is_connected:
            raise SendMessageError("The client is not connected (it is reconnecting).")
        return connection

    def _write(self, connection: ClientConnection, frame: str | bytes) -> None:
        if self._logging_enable:
            _LOGGER.debug("send %s", _common.shown_frame(frame))
        connection.send(frame)

    def _send_unacked(self, message: m.Upstream) -> None:
        frame = self._session.encode(message)
        attempt = 0
        while True:
            try:
                with self._lock:
                    connection = self._live_connection()
                self._write(connection, frame)
                return
            except (SendMessageError, ConnectionClosed) as error:
                if self._stopping.is_set() or self._session.state is State.STOPPED:
                    raise SendMessageError("The client is not open: call open() first.") from None
                attempt += 1
                delay = self._options.message_policy.delay(attempt)
                if delay is None:
                    raise SendMessageError(f"Failed to send message: {error}") from None
                self._stopping.wait(delay)

    def _send_acked(self, build: Callable[[int], m.Upstream], ack_id: int | None) -> None:
        with self._lock:
            if self._stopping.is_set() or self._session.state is State.STOPPED:
                raise SendMessageError("The client is not open: call open() first.", ack_id)
            chosen = self._session.acks.next_id() if ack_id is None else ack_id
        # The codec keeps no state: encoding outside the lock keeps other senders and the
        # reader from waiting on it.
        frame = self._session.encode(build(chosen))
        attempt = 0
        while True:
            error = self._attempt(frame, chosen)
            if error is None:
                return
            if error.name not in _common.RETRYABLE or self._stopping.is_set():
                raise SendMessageError("Failed to send message.", chosen, error)
            attempt += 1
            delay = self._options.message_policy.delay(attempt)
            if delay is None:
                raise SendMessageError("Failed to send message.", chosen, error)
            _LOGGER.debug("re-sending ack id %s in %.1f s (%s)", chosen, delay, error.name)
            if self._stopping.wait(delay):
                raise SendMessageError("The client was closed.", chosen, error)

    def _attempt(self, frame: str | bytes, ack_id: int) -> AckMessageError | None:
        waiter = _Waiter()
        with self._lock:
            connection = self._connection
            if connection is None or not self._session.is_connected:
                return _common.lost(_common.NOT_CONNECTED, "the client is reconnecting")
            self._session.acks.add(ack_id, waiter)
        # On a lost connection the reader fails every pending ack (NoAckMessageReceivedFromServer).
        with contextlib.suppress(ConnectionClosed):
            self._write(connection, frame)
        if not waiter.wait(self._options.ack_timeout):
            with self._lock:
                self._session.acks.discard(ack_id)
            return _common.lost(_common.TIMEOUT, f"no ack within {self._options.ack_timeout} s")
        return waiter.error

    # -- connections --------------------------------------------------------------------------

    def _dial(self, url: str) -> tuple[ClientConnection, list[Output[_Waiter]]]:
        """Connect to ``url`` and read up to the ``connected`` message."""
        timeout = self._options.start_timeout
        deadline = time.monotonic() + timeout
        try:
            connection = _connect(
                url,
                subprotocols=[Subprotocol(self._options.codec.protocol.value)],
                additional_headers={"User-Agent": self._user_agent},
                user_agent_header=None,
                compression=None,
                open_timeout=timeout,
                max_size=None,
                max_queue=None,
                **_MANAGED_BY_HAND,
            )
        except (InvalidHandshake, InvalidURI, OSError, TimeoutError) as error:
            raise _common.refused(error) from None
        # Frames are small and each waits for an answer: Nagle's algorithm would hold them.
        with contextlib.suppress(OSError):  # already closed by the service: recv says so
            connection.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        outputs: list[Output[_Waiter]] = []
        try:
            while not self._session.is_connected:
                frame = connection.recv(timeout=max(0.0, deadline - time.monotonic()))
                if self._logging_enable:
                    _LOGGER.debug("receive %s", _common.shown_frame(frame))
                with self._lock:
                    outputs.extend(self._session.receive(frame, time.monotonic()))
        except TimeoutError:
            connection.close()
            raise OpenClientError(
                f"Failed to open client: no connected message within {timeout} s"
            ) from None
        except ConnectionClosed as error:
            raise _common.closed_before_connected(error) from None
        return connection, outputs

    def _open_new(self, url: str) -> tuple[ClientConnection, list[Output[_Waiter]]]:
        with self._lock:
            self._session.start(_common.client_access_url(url))
        return self._dial(url)

    def _read(self, connection: ClientConnection) -> None:
        session = self._session
        while True:
            try:
                deadline = session.next_deadline()
                timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
                frame = connection.recv(timeout=timeout)
            except TimeoutError:
                self._poll(connection)
                continue
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd is not None else None
                replacement = self._after_loss(code)
                if replacement is None:
                    return
                connection = replacement
                continue
            if self._logging_enable:
                _LOGGER.debug("receive %s", _common.shown_frame(frame))
            with self._lock:
                try:
                    outputs = session.receive(frame, time.monotonic())
                except ValueError as error:
                    _LOGGER.warning("ignored a frame the subprotocol does not allow: %s", error)
                    continue
            self._handle(outputs)
            due = session.next_deadline()
            if due is not None and time.monotonic() >= due:
                self._poll(connection)

    def _poll(self, connection: ClientConnection) -> None:
        with self._lock:
            frame = self._session.poll(time.monotonic())
        if frame is not None:
            with contextlib.suppress(ConnectionClosed):  # the next recv sees it
                self._write(connection, frame)

    def _after_loss(self, close_code: int | None) -> ClientConnection | None:
        """Resume, reconnect or stop after the socket closed; the new connection or None."""
        with self._lock:
            self._connection = None
            self._handle(self._session.fail_pending())
            decision = self._session.connection_lost(
                stopping=self._stopping.is_set(), close_code=close_code
            )
        if isinstance(decision, Resume):
            resumed = self._resume(decision.url)
            if resumed is not None:
                return resumed
            with self._lock:
                decision = self._session.disconnected()
        self._notify(self._session.disconnected_notification())
        if isinstance(decision, Reconnect):
            connection = self._reconnect()
            if connection is not None:
                return connection
        with self._lock:
            stopped = self._session.stopped()
        self._notify(stopped)  # queued before close() can queue the end of the listeners
        with self._lock:
            self._reader = None
        return None

    def _resume(self, url: str) -> ClientConnection | None:
        deadline = time.monotonic() + RECOVERY_TIMEOUT
        first = True
        while time.monotonic() < deadline:
            if not first and self._stopping.wait(RECOVERY_RETRY_INTERVAL):
                return None
            first = False
            if self._stopping.is_set():
                return None
            try:
                connection, outputs = self._dial(url)
            except _common.HandshakeRefused as error:
                _LOGGER.debug("resume refused: %s", error)
                if error.final:
                    return None  # the service no longer knows this connection
                continue
            except Exception as error:  # the next attempt may succeed; the deadline bounds them
                _LOGGER.debug("resume attempt failed: %s", error)
                continue
            self._adopt(connection, outputs)
            return connection
        return None

    def _reconnect(self) -> ClientConnection | None:
        attempt = 0
        while not self._stopping.is_set():
            if attempt > 0:
                delay = self._options.reconnect_policy.delay(attempt)
                if delay is None or self._stopping.wait(delay):
                    return None
            attempt += 1
            try:
                url = self._credential.get_client_access_url()
                connection, outputs = self._open_new(url)
            except Exception as error:
                _LOGGER.warning("reconnect attempt %d failed: %s", attempt, error)
                continue
            self._adopt(connection, outputs)
            return connection
        return None

    def _adopt(self, connection: ClientConnection, outputs: list[Output[_Waiter]]) -> None:
        with self._lock:
            if self._stopping.is_set():
                connection.close()  # close() came meanwhile: the reader sees the close
            self._connection = connection
        self._handle(outputs)

    # -- outputs ------------------------------------------------------------------------------

    def _handle(self, outputs: list[Output[_Waiter]]) -> None:
        for output in outputs:
            if isinstance(output, Settle):
                output.waiter.error = output.error
                output.waiter.wake()
            elif isinstance(output, Notify):
                self._notify(output)
            elif isinstance(output, Answer):
                output.waiter.response = output.response
                output.waiter.wake()
            else:
                threading.Thread(
                    target=self._rejoin, args=(output.groups,), name="webpubsub-rejoin", daemon=True
                ).start()

    def _rejoin(self, groups: tuple[str, ...]) -> None:
        for group in groups:
            try:
                with self._lock:
                    ack_id = self._session.acks.next_id()
                    frame = self._session.encode(m.JoinGroup(group, ack_id))
                error = self._attempt(frame, ack_id)
                if error is not None:
                    raise SendMessageError("Failed to rejoin group.", ack_id, error)
            except Exception as error:
                self._notify(
                    Notify(
                        CallbackType.REJOIN_GROUP_FAILED,
                        _common.rejoin_failed(group, error),
                    )
                )

    def _start_dispatcher(self) -> queue.Queue[tuple[CallbackType, Any] | None] | None:
        """The listener thread's queue, starting the thread if needed; None once closed."""
        with self._dispatcher_lock:
            if self._calls is not None:
                return self._calls
            if not self._listening:
                return None
            calls: queue.Queue[tuple[CallbackType, Any] | None] = queue.Queue(self._max_buffered)
            self._calls = calls
            self._dispatcher = threading.Thread(
                target=self._dispatch,
                args=(calls,),
                name="webpubsub-client-listeners",
                daemon=True,
            )
            self._dispatcher.start()
            return calls

    def _notify(self, notification: Notify) -> None:
        if not self._listeners[notification.callback]:
            return
        calls = self._calls or self._start_dispatcher()
        if calls is not None:
            # Blocks when the listeners are max_buffered_messages behind: the reader then stops
            # reading the socket until they catch up (bounded memory, nothing dropped).
            calls.put((notification.callback, notification.args))

    def _dispatch(self, calls: queue.Queue[tuple[CallbackType, Any] | None]) -> None:
        while True:
            call = calls.get()
            if call is None:
                return
            kind, args = call
            for listener in list(self._listeners[kind]):
                try:
                    if args is None:
                        listener()
                    else:
                        listener(args)
                except Exception:
                    _LOGGER.exception("a %s listener raised", kind.value)
