"""The OData filter language the service accepts, evaluated against connections."""

from __future__ import annotations

from collections.abc import Collection

import attrs
import pytest
from webpubsub_emulator.odata import ODataError, compile_filter


@attrs.frozen
class Conn:
    user_id: str | None
    connection_id: str
    groups: Collection[str] = ()


ALICE = Conn("alice", "c1", {"admins", "it's"})
BOB = Conn("bob", "c2", {"users"})
ANON = Conn(None, "c3")


def matches(text: str) -> list[str]:
    predicate = compile_filter(text)
    return [c.connection_id for c in (ALICE, BOB, ANON) if predicate(c)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("userId eq 'alice'", ["c1"]),
        ("userId ne 'alice'", ["c2", "c3"]),
        ("connectionId eq 'c2'", ["c2"]),
        ("'admins' in groups", ["c1"]),
        ("not ('admins' in groups)", ["c2", "c3"]),
        ("'it''s' in groups", ["c1"]),
        ("userId eq 'alice' or userId eq 'bob'", ["c1", "c2"]),
        ("userId eq 'alice' and 'users' in groups", []),
        ("(userId eq 'bob' or userId eq 'alice') and not (connectionId eq 'c1')", ["c2"]),
        ("userId eq null", ["c3"]),
        ("userId ne null", ["c1", "c2"]),
        ("userId in ('bob', 'zed')", ["c2"]),
        ("userId gt 'alice'", ["c2"]),
        ("USERID EQ 'alice' OR NOT 'users' IN GROUPS", ["c1", "c3"]),
        ("userId eq 'alice' or userId eq 'bob' and 'admins' in groups", ["c1"]),
        ("  userId   eq   'bob'  ", ["c2"]),
    ],
)
def test_filters_select_the_expected_connections(text: str, expected: list[str]) -> None:
    assert matches(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "userId",
        "userId eq",
        "userId eq 'unterminated",
        "userId equals 'a'",
        "groups eq 'a'",
        "'a' in grps",
        "(userId eq 'a'",
        "userId eq 'a')",
        "userId eq 'a' and",
        'userId eq "a"',
        "userId eq 'a' userId eq 'b'",
    ],
)
def test_invalid_filters_are_rejected_with_the_text_in_the_message(text: str) -> None:
    with pytest.raises(ODataError) as error:
        compile_filter(text)
    assert repr(text) in str(error.value)
