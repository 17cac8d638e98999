"""Sequence tracking on the reliable subprotocols.

Every data message carries a ``sequenceId``. The client acknowledges the highest one it has
seen (``sequenceAck``) once a second, as the official client does, and also as soon as
``ACK_EVERY`` new ids arrived: the service keeps un-acknowledged messages for a resume and
ends a connection that lets too many pile up (the emulator at 1000), which a busy stream
reaches within a second; after a resume the service replays what was not acknowledged, and ids not
above the highest seen are dropped here, so the app sees each message exactly once.
"""

from __future__ import annotations

#: Seconds between two ``sequenceAck`` messages while new ids arrive.
ACK_INTERVAL = 1.0
#: New ids after which a ``sequenceAck`` goes out without waiting for the interval.
ACK_EVERY = 256


class SequenceTracker:
    def __init__(self) -> None:
        self.highest = 0
        self._unacked = False
        self.since_ack = 0
        #: New ids since the last ``take_ack``.
        self.since_ack = 0

    def accept(self, sequence_id: int) -> bool:
        """Whether a message with this id is new (deliver it) rather than a replay."""
        # A replay is acknowledged again too: the service re-sent it because it missed the ack.
        self._unacked = True
        if sequence_id > self.highest:
            self.highest = sequence_id
            self.since_ack += 1
            return True
        return False

    def take_ack(self) -> int | None:
        """The id to acknowledge now, or None when nothing new arrived since the last one."""
        if not self._unacked:
            return None
        self._unacked = False
        self.since_ack = 0
        return self.highest

    def reset(self) -> None:
        """A new connection (not a resume) starts counting again."""
        self.highest = 0
        self._unacked = False
        self.since_ack = 0
