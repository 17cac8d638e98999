"""The client's state machine, free of I/O.

A face (sync or asyncio) owns the socket and the clock. It tells the session what happened
(``start``, ``receive``, ``connection_lost``, ...) and gets back what to do: callbacks to run,
waiters to wake, groups to re-join, and after a lost connection whether to resume it
(reliable subprotocols: same connection id via ``awps_connection_id`` and
``awps_reconnection_token``), open a new one, or stop. Timers are deadlines the face polls.
The semantics are those of azure-messaging-webpubsubclient 1.1.0.
"""

from __future__ import annotations

import enum
import logging
import urllib.parse
from typing import Any, Generic, TypeVar

import attrs

from ..models import (
    AckMessageError,
    CallbackType,
    OnConnectedArgs,
    OnDisconnectedArgs,
    OnGroupDataMessageArgs,
    OnServerDataMessageArgs,
)
from . import _messages as m
from ._acks import AckBook, connection_lost_error
from ._codec import Codec
from ._retry import RetryPolicy
from ._sequence import ACK_EVERY, ACK_INTERVAL, SequenceTracker

_LOGGER = logging.getLogger("webpubsub.client")
W = TypeVar("W")

#: Seconds a lost reliable connection keeps trying to resume before a new one is opened.
RECOVERY_TIMEOUT = 30.0
#: Seconds between two resume attempts.
RECOVERY_RETRY_INTERVAL = 1.0
#: The close code after which the connection is not resumed (policy violation, e.g. an
#: expired token: a new connection with a fresh URL is opened instead).
POLICY_VIOLATION = 1008


class State(enum.Enum):
    STOPPED = "Stopped"
    CONNECTING = "Connecting"
    CONNECTED = "Connected"
    RECOVERING = "Recovering"
    DISCONNECTED = "Disconnected"


@attrs.frozen
class Options:
    """The settings a client was built with, checked."""

    codec: Codec
    auto_reconnect: bool
    auto_rejoin_groups: bool
    reconnect_policy: RetryPolicy
    message_policy: RetryPolicy
    ack_timeout: float
    start_timeout: float


# -- what the face must do ------------------------------------------------------------------


@attrs.frozen
class Notify:
    """Run the listeners of ``callback`` with ``args`` (no argument when None: STOPPED)."""

    callback: CallbackType
    args: Any


@attrs.frozen
class Settle(Generic[W]):
    """Wake an ack waiter: ``error`` None means confirmed."""

    waiter: W
    error: AckMessageError | None


@attrs.frozen
class Answer(Generic[W]):
    """Wake an ``invoke_event`` waiter with the upstream's answer."""

    waiter: W
    response: m.InvokeResponse


@attrs.frozen
class Rejoin:
    """Join these groups again on the new connection (each with an ack)."""

    groups: tuple[str, ...]


Output = Notify | Settle[W] | Answer[W] | Rejoin


@attrs.frozen
class Resume:
    """Reconnect to ``url`` (same connection) until ``RECOVERY_TIMEOUT`` has passed."""

    url: str = attrs.field(repr=False)


@attrs.frozen
class Reconnect:
    """Open a new connection (a new URL from the credential), with the reconnect policy."""


@attrs.frozen
class Stop:
    """Nothing more to try: report STOPPED."""


Decision = Resume | Reconnect | Stop


class Session(Generic[W]):
    """One client's protocol state across all its connections."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.codec = options.codec
        self.state = State.STOPPED
        self.acks: AckBook[W] = AckBook()
        self.sequence = SequenceTracker()
        self.connection_id: str | None = None
        self.user_id: str | None = None
        #: Groups joined through ``join_group`` (re-joined on a new connection).
        self.groups: set[str] = set()
        self._invocations: dict[str, W] = {}
        self._last_invocation = 0
        self._url = ""
        self._reconnection_token: str | None = None
        self._announced = False
        self._disconnected_message: str | None = None
        self._sequence_ack_due: float | None = None

    def __repr__(self) -> str:
        # The URL and the reconnection token are credentials: never shown.
        return (
            f"Session(state={self.state.value}, protocol={self.codec.protocol.value}, "
            f"connection_id={self.connection_id!r})"
        )

    # -- connections ------------------------------------------------------------------------

    def start(self, url: str) -> None:
        """A new connection to ``url`` (the credential's client access URL) is being opened."""
        self.state = State.CONNECTING
        self._url = url
        self.sequence.reset()
        self.connection_id = None
        self._reconnection_token = None
        self._announced = False
        self._disconnected_message = None
        self._sequence_ack_due = None

    def receive(self, frame: str | bytes, now: float) -> list[Output[W]]:
        """What one frame from the service asks for. Raises ``ValueError`` on a frame the
        subprotocol does not allow."""
        message = self.codec.decode(frame)
        if isinstance(message, (m.GroupData, m.ServerData)):
            if message.sequence_id:
                if not self.sequence.accept(message.sequence_id):
                    return []  # a replay after a resume: already delivered
                if self.sequence.since_ack >= ACK_EVERY and self._sequence_ack_due is not None:
                    self._sequence_ack_due = now  # the face's next poll sends it
            return [_data_notification(message)]
        if isinstance(message, m.Ack):
            settled = self.acks.settle(message)
            return [] if settled is None else [Settle(*settled)]
        if isinstance(message, m.Connected):
            return self._connected(message, now)
        if isinstance(message, m.Disconnected):
            self._disconnected_message = message.message
            return []
        if isinstance(message, m.InvokeResponse):
            waiter = self._invocations.pop(message.invocation_id, None)
            return [] if waiter is None else [Answer(waiter, message)]
        return []

    def _connected(self, message: m.Connected, now: float) -> list[Output[W]]:
        self.state = State.CONNECTED
        self.connection_id = message.connection_id
        self.user_id = message.user_id
        self._reconnection_token = message.reconnection_token
        if self.codec.reliable:
            self._sequence_ack_due = now + ACK_INTERVAL
        if self._announced:
            _LOGGER.debug("connection %s resumed", message.connection_id)
            return []
        self._announced = True
        outputs: list[Output[W]] = []
        if self.options.auto_rejoin_groups and self.groups:
            outputs.append(Rejoin(tuple(sorted(self.groups))))
        outputs.append(
            Notify(CallbackType.CONNECTED, OnConnectedArgs(message.connection_id, message.user_id))
        )
        return outputs

    @property
    def is_connected(self) -> bool:
        return self.state is State.CONNECTED

    def connection_lost(self, *, stopping: bool, close_code: int | None) -> Decision:
        """The socket is gone. Pending acks and invocations are failed by ``fail_pending``;
        this says what comes next."""
        self._sequence_ack_due = None
        if stopping:
            return Stop()
        # A connection the service ended on purpose (a ``disconnected`` message came first,
        # e.g. a REST closeConnection) or for a policy violation cannot be resumed: the
        # attempts would only be refused, so a new connection is opened at once.
        if (
            close_code != POLICY_VIOLATION
            and self._disconnected_message is None
            and self.codec.reliable
            and self.connection_id
            and self._reconnection_token
        ):
            self.state = State.RECOVERING
            return Resume(self._resume_url())
        return self.disconnected()

    def disconnected(self) -> Reconnect | Stop:
        """The connection is lost for good (not resumable, or resuming failed)."""
        self.state = State.DISCONNECTED
        return Reconnect() if self.options.auto_reconnect else Stop()

    def disconnected_notification(self) -> Notify:
        return Notify(
            CallbackType.DISCONNECTED,
            OnDisconnectedArgs(self.connection_id, self._disconnected_message),
        )

    def stopped(self) -> Notify:
        self.state = State.STOPPED
        self._sequence_ack_due = None
        return Notify(CallbackType.STOPPED, None)

    def fail_pending(self) -> list[Output[W]]:
        """Wake every waiter of the lost connection: acks with ``NoAckMessageReceivedFromServer``
        (their sender re-sends with the same ack id), invocations with the same error."""
        lost = connection_lost_error()
        outputs: list[Output[W]] = [Settle(waiter, lost) for waiter in self.acks.drain()]
        for invocation_id, waiter in self._invocations.items():
            outputs.append(Answer(waiter, m.InvokeResponse(invocation_id, False, None, None, lost)))
        self._invocations.clear()
        return outputs

    def _resume_url(self) -> str:
        parts = urllib.parse.urlsplit(self._url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        query["awps_connection_id"] = self.connection_id or ""
        query["awps_reconnection_token"] = self._reconnection_token or ""
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))

    # -- sending ------------------------------------------------------------------------------

    def encode(self, message: m.Upstream) -> str | bytes:
        return self.codec.encode(message)

    def new_invocation(self, waiter: W) -> str:
        self._last_invocation += 1
        invocation_id = str(self._last_invocation)
        self._invocations[invocation_id] = waiter
        return invocation_id

    def forget_invocation(self, invocation_id: str) -> None:
        self._invocations.pop(invocation_id, None)

    # -- timers -------------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        """When ``poll`` must run next (``time.monotonic()`` seconds), None for never."""
        return self._sequence_ack_due

    def poll(self, now: float) -> str | bytes | None:
        """A frame to send now (a due ``sequenceAck``), if any."""
        due = self._sequence_ack_due
        if due is None or now < due:
            return None
        self._sequence_ack_due = now + ACK_INTERVAL
        sequence_id = self.sequence.take_ack()
        if sequence_id is None:
            return None
        return self.codec.encode(m.SequenceAck(sequence_id))


def _data_notification(message: m.GroupData | m.ServerData) -> Notify:
    if isinstance(message, m.GroupData):
        return Notify(
            CallbackType.GROUP_MESSAGE,
            OnGroupDataMessageArgs(
                data_type=message.data_type,
                data=message.data,
                group=message.group,
                from_user_id=message.from_user_id,
                sequence_id=message.sequence_id,
            ),
        )
    return Notify(
        CallbackType.SERVER_MESSAGE,
        OnServerDataMessageArgs(message.data_type, message.data, message.sequence_id),
    )
