"""Client roles and the group permissions they grant.

A client token's ``role`` claim and the REST permission operations use these role strings:

* ``webpubsub.sendToGroup`` / ``webpubsub.joinLeaveGroup``: the action on every group;
* ``webpubsub.sendToGroup.<group>`` / ``webpubsub.joinLeaveGroup.<group>``: on that group;
* ``webpubsub.sendToGroups.<pattern>`` / ``webpubsub.joinLeaveGroups.<pattern>``: on every
  group whose name matches ``<pattern>``, where ``*`` matches within one dot-separated
  segment, ``**`` matches across segments and ``?`` matches one character.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

SEND_TO_GROUP = "sendToGroup"
JOIN_LEAVE_GROUP = "joinLeaveGroup"
_PREFIX = "webpubsub."


@functools.lru_cache(maxsize=1024)
def _pattern(text: str) -> re.Pattern[str]:
    parts = []
    index = 0
    while index < len(text):
        if text.startswith("**", index):
            parts.append(".*")
            index += 2
        elif text[index] == "*":
            parts.append("[^.]*")
            index += 1
        elif text[index] == "?":
            parts.append(".")
            index += 1
        else:
            parts.append(re.escape(text[index]))
            index += 1
    return re.compile("".join(parts), re.DOTALL)


_NO_ROLES: frozenset[str] = frozenset()


class Permissions:
    """The role strings one connection holds, and what they allow."""

    def __init__(self, roles: Iterable[str]) -> None:
        # Immutable, replaced on change: changes are rare, and connections without roles
        # share one empty frozenset instead of a set each (about 200 bytes).
        self._roles: frozenset[str] = frozenset(roles) or _NO_ROLES

    def roles(self) -> set[str]:
        """A copy of the role strings."""
        return set(self._roles)

    def may(self, action: str, group: str) -> bool:
        """Whether ``action`` (``sendToGroup`` or ``joinLeaveGroup``) is allowed on ``group``."""
        general = _PREFIX + action
        if general in self._roles or f"{general}.{group}" in self._roles:
            return True
        wildcard = f"{general}s."
        return any(
            _pattern(role[len(wildcard) :]).fullmatch(group) is not None
            for role in self._roles
            if role.startswith(wildcard)
        )

    def holds(self, action: str, group: str | None) -> bool:
        """The REST ``checkPermission`` answer: for all groups when ``group`` is None."""
        if group is None:
            return _PREFIX + action in self._roles
        return self.may(action, group)

    def grant(self, action: str, group: str | None) -> None:
        self._roles = self._roles | {_role(action, group)}

    def add_roles(self, roles: Iterable[str]) -> None:
        """Hold ``roles`` (role strings, as in a token or a connect answer) as well."""
        self._roles = self._roles.union(roles)

    def revoke(self, action: str, group: str | None) -> None:
        """Take ``action`` away on ``group``, or on every group (all its roles) when None."""
        if group is not None:
            self._roles = self._roles - {_role(action, group)}
            return
        general = _PREFIX + action
        self._roles = frozenset(
            role
            for role in self._roles
            if role != general
            and not role.startswith(general + ".")
            and not role.startswith(general + "s.")
        )


def _role(action: str, group: str | None) -> str:
    return _PREFIX + action if group is None else f"{_PREFIX}{action}.{group}"
