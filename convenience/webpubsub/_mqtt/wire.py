"""MQTT's primitive encodings (MQTT 3.1.1 section 1.5, MQTT 5.0 section 1.5): big-endian
integers, the variable byte integer, and length-prefixed UTF-8 strings and binary data."""

from __future__ import annotations

MAX_VARIABLE_INTEGER = 268_435_455  # four 7-bit groups


class MalformedPacket(ValueError):
    """The bytes do not form a valid MQTT packet (MQTT 5.0 reason code 0x81)."""


def variable_integer(value: int) -> bytes:
    """Encode ``value`` (0 to 268,435,455) as a variable byte integer."""
    if not 0 <= value <= MAX_VARIABLE_INTEGER:
        raise ValueError(f"variable byte integer {value} is outside 0..{MAX_VARIABLE_INTEGER}")
    out = bytearray()
    while True:
        digit, value = value & 0x7F, value >> 7
        out.append(digit | (0x80 if value else 0))
        if not value:
            return bytes(out)


def string(text: str) -> bytes:
    """A UTF-8 string with its two-byte length (at most 65,535 bytes)."""
    return binary(text.encode("utf-8"))


def binary(data: bytes) -> bytes:
    """Binary data with its two-byte length (at most 65,535 bytes)."""
    if len(data) > 0xFFFF:
        raise ValueError(f"a length-prefixed field holds at most 65535 bytes, not {len(data)}")
    return len(data).to_bytes(2, "big") + data


class Reader:
    """Reads primitives from one packet's bytes; every overrun raises MalformedPacket."""

    def __init__(self, data: bytes, offset: int = 0) -> None:
        self._data = data
        self.offset = offset

    @property
    def remaining(self) -> int:
        return len(self._data) - self.offset

    def take(self, count: int) -> bytes:
        if count > self.remaining:
            raise MalformedPacket(f"packet ends {count - self.remaining} byte(s) too early")
        start = self.offset
        self.offset += count
        return self._data[start : self.offset]

    def rest(self) -> bytes:
        return self.take(self.remaining)

    def byte(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return int.from_bytes(self.take(2), "big")

    def u32(self) -> int:
        return int.from_bytes(self.take(4), "big")

    def variable_integer(self) -> int:
        value = 0
        for shift in (0, 7, 14, 21):
            digit = self.byte()
            value |= (digit & 0x7F) << shift
            if not digit & 0x80:
                return value
        raise MalformedPacket("variable byte integer is longer than four bytes")

    def binary(self) -> bytes:
        return self.take(self.u16())

    def string(self) -> str:
        raw = self.binary()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedPacket(f"string is not valid UTF-8: {exc.reason}") from exc
        if "\x00" in text:
            raise MalformedPacket("string contains the null character U+0000")
        return text
