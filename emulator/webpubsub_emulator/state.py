"""Service state: hubs, their connections, users, groups and permissions.

All mutation happens on the server's event loop (REST handlers and WebSocket handlers share
it), so no locks are needed there. The read helpers on ``Service`` are meant for tests on
other threads: they return copies built in one step, which the GIL makes safe to read.

Hub names are case-insensitive, as in the cloud service.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable, Iterator

from . import validation
from .connection import Connection, SocketWriter
from .frames import DataMessage
from .odata import Predicate
from .roles import JOIN_LEAVE_GROUP, SEND_TO_GROUP

# How long a reliable connection that dropped without a clean close keeps its id, groups,
# permissions and unacknowledged messages, waiting for the client to reconnect.
RECONNECT_GRACE_SECONDS = 60.0


def new_connection_id() -> str:
    return uuid.uuid4().hex


class NoSuchConnection(LookupError):
    """The operation needs a connection that the hub does not have."""


class NotPermitted(PermissionError):
    """The client's roles do not allow what it asked for."""


class Hub:
    """One hub's connections and the indexes that make targeted sends cheap."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.connections: dict[str, Connection] = {}
        self.users: dict[str, dict[str, Connection]] = {}
        self.groups: dict[str, dict[str, Connection]] = {}
        # Groups a user was added to via REST; the user's later connections join them too.
        self.user_groups: dict[str, set[str]] = {}
        # REST requests in progress on this hub (it must not be forgotten under them).
        self.requests = 0

    @property
    def empty(self) -> bool:
        """No connections, groups or users: nothing would be lost by forgetting the hub."""
        return not (
            self.connections or self.groups or self.users or self.user_groups or self.requests
        )

    # -- membership -------------------------------------------------------------------------

    def add(self, connection: Connection, initial_groups: Iterable[str]) -> None:
        self.connections[connection.connection_id] = connection
        connection.evict = self.close
        user = connection.user_id
        if user is not None:
            self.users.setdefault(user, {})[connection.connection_id] = connection
            for group in self.user_groups.get(user, ()):
                self.join(connection, group)
        for group in initial_groups:
            self.join(connection, group)

    def remove(self, connection: Connection) -> None:
        if self.connections.pop(connection.connection_id, None) is None:
            return
        for group in list(connection.groups):
            self.leave(connection, group)
        user = connection.user_id
        if user is not None:
            by_user = self.users.get(user)
            if by_user is not None:
                by_user.pop(connection.connection_id, None)
                if not by_user:
                    del self.users[user]

    def join(self, connection: Connection, group: str) -> None:
        connection.groups.add(group)
        self.groups.setdefault(group, {})[connection.connection_id] = connection

    def leave(self, connection: Connection, group: str) -> None:
        connection.groups.discard(group)
        members = self.groups.get(group)
        if members is not None:
            members.pop(connection.connection_id, None)
            if not members:
                del self.groups[group]

    def add_user_to_group(self, user: str, group: str) -> None:
        self.user_groups.setdefault(user, set()).add(group)
        for connection in self.users.get(user, {}).values():
            self.join(connection, group)

    def remove_user_from_group(self, user: str, group: str) -> None:
        groups = self.user_groups.get(user)
        if groups is not None:
            groups.discard(group)
            if not groups:
                del self.user_groups[user]
        for connection in list(self.users.get(user, {}).values()):
            self.leave(connection, group)

    def remove_user_from_all_groups(self, user: str) -> None:
        self.user_groups.pop(user, None)
        for connection in list(self.users.get(user, {}).values()):
            for group in list(connection.groups):
                self.leave(connection, group)

    def add_to_groups(self, groups: list[str], predicate: Predicate | None) -> None:
        for connection in self._matching(self.connections.values(), (), predicate):
            for group in groups:
                self.join(connection, group)

    def remove_from_groups(self, groups: list[str], predicate: Predicate | None) -> None:
        for connection in self._matching(self.connections.values(), (), predicate):
            for group in groups:
                if group in connection.groups:
                    self.leave(connection, group)

    def join_connection(self, connection_id: str, group: str) -> None:
        """Add a connection to a group; raise NoSuchConnection if it does not exist."""
        self.join(self._existing(connection_id), group)

    def leave_connection(self, connection_id: str, group: str | None) -> None:
        """Remove a connection from ``group`` (every group when None), if it exists."""
        connection = self.connections.get(connection_id)
        if connection is None:
            return
        for name in list(connection.groups) if group is None else [group]:
            if name in connection.groups:
                self.leave(connection, name)

    def members(self, group: str) -> list[Connection]:
        """The group's connections, ordered by connection id (the paging order)."""
        return sorted(self.groups.get(group, {}).values(), key=lambda c: c.connection_id)

    # -- requests from clients --------------------------------------------------------------

    def client_join(self, connection: Connection, group: str, *, join: bool) -> None:
        """A client's joinGroup (``join=True``) or leaveGroup request.

        Raises ServiceError (400) for an invalid group name, NotPermitted without the role.
        """
        validation.group_name(group)
        if not connection.permissions.may(JOIN_LEAVE_GROUP, group):
            verb = "join" if join else "leave"
            raise NotPermitted(f"the connection has no permission to {verb} {group!r}")
        if join:
            self.join(connection, group)
        else:
            self.leave(connection, group)

    def client_send_to_group(
        self, connection: Connection, group: str, message: DataMessage, no_echo: bool
    ) -> None:
        """A client's sendToGroup request (same errors as ``client_join``)."""
        validation.group_name(group)
        if not connection.permissions.may(SEND_TO_GROUP, group):
            raise NotPermitted(f"the connection has no permission to send to {group!r}")
        excluded = (connection.connection_id,) if no_echo else ()
        self.send_to_group(group, message, excluded, None)

    # -- permissions ------------------------------------------------------------------------

    def grant(self, connection_id: str, action: str, group: str | None) -> None:
        """Grant a permission; raise NoSuchConnection if the connection does not exist."""
        self._existing(connection_id).permissions.grant(action, group)

    def revoke(self, connection_id: str, action: str, group: str | None) -> None:
        connection = self.connections.get(connection_id)
        if connection is not None:
            connection.permissions.revoke(action, group)

    def has_permission(self, connection_id: str, action: str, group: str | None) -> bool:
        connection = self.connections.get(connection_id)
        return connection is not None and connection.permissions.holds(action, group)

    def _existing(self, connection_id: str) -> Connection:
        connection = self.connections.get(connection_id)
        if connection is None:
            raise NoSuchConnection(f"connection {connection_id!r} does not exist")
        return connection

    # -- sends ------------------------------------------------------------------------------

    def send_to_all(
        self, message: DataMessage, excluded: Iterable[str], predicate: Predicate | None
    ) -> None:
        if not excluded and predicate is None:
            _broadcast(list(self.connections.values()), message)
            return
        for connection in self._matching(self.connections.values(), excluded, predicate):
            connection.deliver(message)

    def send_to_user(self, user: str, message: DataMessage, predicate: Predicate | None) -> None:
        targets = self.users.get(user, {}).values()
        for connection in self._matching(targets, (), predicate):
            connection.deliver(message)

    def send_to_group(
        self,
        group: str,
        message: DataMessage,
        excluded: Iterable[str],
        predicate: Predicate | None,
    ) -> None:
        targets = self.groups.get(group, {}).values()
        for connection in self._matching(targets, excluded, predicate):
            connection.deliver(message)

    def send_to_connection(self, connection_id: str, message: DataMessage) -> None:
        connection = self.connections.get(connection_id)
        if connection is not None:
            connection.deliver(message)

    # -- closes -----------------------------------------------------------------------------

    def close_where(
        self, targets: Iterable[Connection], excluded: Iterable[str], reason: str | None
    ) -> None:
        for connection in list(self._matching(targets, excluded, None)):
            self.close(connection, reason)

    def close(self, connection: Connection, reason: str | None) -> None:
        self.remove(connection)
        connection.close(reason)

    def close_connection(self, connection_id: str, reason: str | None) -> None:
        connection = self.connections.get(connection_id)
        if connection is not None:
            self.close(connection, reason)

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _matching(
        targets: Iterable[Connection], excluded: Iterable[str], predicate: Predicate | None
    ) -> Iterator[Connection]:
        skip = frozenset(excluded)
        # Snapshot: delivering or closing must not trip over membership changes.
        for connection in list(targets):
            if connection.connection_id in skip:
                continue
            if predicate is not None and not predicate(connection):
                continue
            yield connection


def _broadcast(connections: list[Connection], message: DataMessage) -> None:
    """Deliver to every connection of a snapshot, with nothing to filter: the fan-out hot loop
    (one bound-method lookup, no generator, per recipient)."""
    for connection in connections:
        connection.deliver(message)


class Service:
    """Every hub of one emulator instance, plus read helpers for tests."""

    def __init__(self, access_key: str, reconnect_grace_seconds: float) -> None:
        self.access_key = access_key
        self.reconnect_grace_seconds = reconnect_grace_seconds
        self._hubs: dict[str, Hub] = {}

    def __repr__(self) -> str:
        # Never show the access key.
        return f"Service(hubs={sorted(self._hubs)!r})"

    def hub(self, name: str) -> Hub:
        key = name.lower()
        hub = self._hubs.get(key)
        if hub is None:
            hub = self._hubs[key] = Hub(key)
        return hub

    def release(self, hub: Hub) -> None:
        """Forget ``hub`` if it is empty, so that hub names used once do not stay forever."""
        if hub.empty and self._hubs.get(hub.name) is hub:
            del self._hubs[hub.name]

    def hub_count(self) -> int:
        """How many hubs are held (read helper for tests)."""
        return len(self._hubs)

    def expire_later(self, hub: Hub, connection: Connection) -> None:
        """Drop a detached reliable connection unless it reconnects within the grace period."""
        loop = asyncio.get_running_loop()
        connection.expiry = loop.call_later(
            self.reconnect_grace_seconds, self._expire, hub, connection
        )

    def _expire(self, hub: Hub, connection: Connection) -> None:
        if connection.writer is None:
            hub.remove(connection)
            self.release(hub)

    def close_everything(self, reason: str) -> list[SocketWriter]:
        """Close every connection of every hub; return the writers still sending."""
        writers = []
        for hub in list(self._hubs.values()):
            for connection in list(hub.connections.values()):
                if connection.writer is not None:
                    writers.append(connection.writer)
                hub.close(connection, reason)
        return writers

    # -- read helpers for tests (safe from other threads) -----------------------------------

    def _peek(self, hub: str) -> Hub | None:
        return self._hubs.get(hub.lower())

    def connection_ids(self, hub: str) -> list[str]:
        """Ids of the hub's connections, in connection order."""
        found = self._peek(hub)
        return [] if found is None else list(found.connections)

    def groups_of(self, hub: str, connection_id: str) -> set[str]:
        """Groups the connection is in (empty if it does not exist)."""
        connection = self._connection(hub, connection_id)
        return set() if connection is None else set(connection.groups)

    def connection_user(self, hub: str, connection_id: str) -> str | None:
        """The connection's user id, or None (also when it does not exist)."""
        connection = self._connection(hub, connection_id)
        return None if connection is None else connection.user_id

    def permissions_of(self, hub: str, connection_id: str) -> set[str]:
        """Role strings the connection holds, e.g. ``webpubsub.sendToGroup.g1``."""
        connection = self._connection(hub, connection_id)
        return set() if connection is None else connection.permissions.roles()

    def group_members(self, hub: str, group: str) -> list[str]:
        """Connection ids in the group."""
        found = self._peek(hub)
        return [] if found is None else list(found.groups.get(group, {}))

    def user_connections(self, hub: str, user: str) -> list[str]:
        """Connection ids of the user."""
        found = self._peek(hub)
        return [] if found is None else list(found.users.get(user, {}))

    def _connection(self, hub: str, connection_id: str) -> Connection | None:
        found = self._peek(hub)
        return None if found is None else found.connections.get(connection_id)
