"""Property tests: connection-string parsing (round trips, case-insensitive keys, first
occurrence wins, bad inputs raise the right error without leaking the key) and the emulator's
OData filter (against a small reference evaluator written here)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import attrs
import pytest
import webpubsub
from hypothesis import given, settings
from hypothesis import strategies as st
from webpubsub import InvalidConnectionStringError
from webpubsub._connection_string import parse_connection_string
from webpubsub_emulator.odata import ODataError, compile_filter

# -- connection strings -------------------------------------------------------------------

# Values are trimmed and ';' separates segments, so neither may sit in a value's edges/body.
key_chars = st.characters(
    min_codepoint=33, max_codepoint=126, blacklist_characters=";"
)  # printable ASCII without space
# At least 16 characters, so 'the key is not in that text' means something (real keys: 44).
access_keys = st.text(key_chars, min_size=16, max_size=60)
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){0,3}", fullmatch=True)
endpoints = st.builds(
    lambda scheme, host: f"{scheme}://{host}", st.sampled_from(["http", "https"]), hosts
)
ports = st.none() | st.integers(min_value=1, max_value=65535)


def any_case(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda flips: "".join(
            c.upper() if f else c.lower() for c, f in zip(word, flips, strict=True)
        )
    )


@st.composite
def connection_strings(draw: st.DrawFn) -> tuple[str, str, str, int | None]:
    endpoint, key, port = draw(endpoints), draw(access_keys), draw(ports)
    segments = [
        f"{draw(any_case('Endpoint'))}={endpoint}",
        f"{draw(any_case('AccessKey'))}={key}",
    ]
    if draw(st.booleans()):
        segments.append(f"{draw(any_case('Version'))}=1.0")
    if port is not None:
        segments.append(f"{draw(any_case('Port'))}={port}")
    if draw(st.booleans()):
        segments.append("Unknown=ignored")
    segments = draw(st.permutations(segments))
    spacer = draw(st.sampled_from(["", " "]))
    text = ";".join(f"{spacer}{s}{spacer}" for s in segments) + draw(st.sampled_from(["", ";"]))
    return text, endpoint, key, port


@given(connection_strings())
def test_connection_strings_round_trip_whatever_the_key_case_and_order(
    case: tuple[str, str, str, int | None],
) -> None:
    text, endpoint, key, port = case
    parsed = parse_connection_string(text)
    assert (parsed.endpoint, parsed.access_key, parsed.port) == (endpoint, key, port)
    assert key not in repr(parsed)


@settings(max_examples=30)
@given(connection_strings())
def test_clients_built_from_connection_strings_use_endpoint_and_port(
    case: tuple[str, str, str, int | None],
) -> None:
    text, endpoint, key, port = case
    client = webpubsub.WebPubSubServiceClient.from_connection_string(text, "hub")
    try:
        expected = endpoint if port is None else f"{endpoint}:{port}"
        # A default port (80 for http, 443 for https) may be normalised away.
        assert client.endpoint in (expected, endpoint)
        assert key not in repr(client)
    finally:
        client.close()


@given(access_keys, access_keys)
def test_the_first_occurrence_of_a_key_wins(first: str, second: str) -> None:
    text = f"Endpoint=http://a;AccessKey={first};accesskey={second}"
    assert parse_connection_string(text).access_key == first


@given(connection_strings(), st.sampled_from(["endpoint", "accesskey"]))
def test_a_missing_required_field_is_named(
    case: tuple[str, str, str, int | None], dropped: str
) -> None:
    text, _, key, _ = case
    kept = [s for s in text.split(";") if s.strip().split("=", 1)[0].lower() != dropped]
    with pytest.raises(InvalidConnectionStringError) as caught:
        parse_connection_string(";".join(kept))
    assert {"endpoint": "Endpoint", "accesskey": "AccessKey"}[dropped] in str(caught.value)
    assert key not in str(caught.value)


@given(connection_strings(), st.text(key_chars.filter(lambda c: c != "="), min_size=1))
def test_a_segment_without_equals_is_refused(
    case: tuple[str, str, str, int | None], junk: str
) -> None:
    text = case[0]
    with pytest.raises(InvalidConnectionStringError, match="key=value"):
        parse_connection_string(f"{text};{junk}")


@given(st.text(max_size=80))
def test_any_text_either_parses_or_raises_the_connection_string_error(text: str) -> None:
    try:
        parsed = parse_connection_string(text)
    except InvalidConnectionStringError:
        return
    assert parsed.endpoint and parsed.access_key


# -- OData filter -------------------------------------------------------------------------


@attrs.frozen
class Subject:
    user_id: str | None
    connection_id: str
    groups: frozenset[str]


NAMES = ["a", "b", "ab", "o'k", "Z", ""]
names = st.sampled_from(NAMES)
subjects = st.builds(
    Subject,
    user_id=st.none() | names,
    connection_id=names.filter(bool),
    groups=st.frozensets(names.filter(bool), max_size=3),
)

# An expression is a nested tuple; ("or", [terms]), ("and", [factors]), ("not", f),
# ("cmp", op, left, right), ("in_groups", value), ("in_list", value, [literals]),
# ("test", startswith|endswith|contains, value, value), ("length", op, value | None, int)
# (None: length(groups)). A value is ("field", "userId"|"connectionId"), ("lit", str | None)
# or ("case", tolower|toupper, value).
fields_and_literals = st.one_of(
    st.sampled_from([("field", "userId"), ("field", "connectionId")]),
    st.builds(lambda v: ("lit", v), st.none() | names),
)
values = st.one_of(
    fields_and_literals,
    st.builds(
        lambda f, v: ("case", f, v), st.sampled_from(["tolower", "toupper"]), fields_and_literals
    ),
)
OPS = ["eq", "ne", "lt", "le", "gt", "ge"]
comparisons = st.one_of(
    st.builds(lambda op, a, b: ("cmp", op, a, b), st.sampled_from(OPS), values, values),
    st.builds(
        lambda f, a, b: ("test", f, a, b),
        st.sampled_from(["startswith", "endswith", "contains"]),
        values,
        values,
    ),
    st.builds(
        lambda op, target, n: ("length", op, target, n),
        st.sampled_from(OPS),
        st.none() | values,
        st.integers(-1, 4),
    ),
    st.builds(lambda v: ("in_groups", v), values),
    st.builds(
        lambda v, items: ("in_list", v, items),
        values,
        st.lists(st.none() | names, min_size=1, max_size=3),
    ),
)


def _extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(lambda f: ("not", f), inner),
        st.builds(lambda fs: ("and", fs), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda ts: ("or", ts), st.lists(inner, min_size=2, max_size=3)),
    )


expressions = st.recursive(comparisons, _extend, max_leaves=8)


def render(node: Any, word: Callable[[str], str]) -> str:
    """Text for ``node``; and/or children are parenthesised only when precedence needs it."""
    kind = node[0]
    if kind == "cmp":
        return f"{render_value(node[2], word)} {word(node[1])} {render_value(node[3], word)}"
    if kind == "in_groups":
        return f"{render_value(node[1], word)} {word('in')} {word('groups')}"
    if kind == "in_list":
        items = ", ".join(render_value(("lit", v), word) for v in node[2])
        return f"{render_value(node[1], word)} {word('in')} ({items})"
    if kind == "test":
        args = f"{render_value(node[2], word)}, {render_value(node[3], word)}"
        return f"{word(node[1])}({args})"
    if kind == "length":
        target = word("groups") if node[2] is None else render_value(node[2], word)
        return f"{word('length')}({target}) {word(node[1])} {node[3]}"
    if kind == "not":
        return f"{word('not')} {wrap(node[1], word, ('and', 'or'))}"
    if kind == "and":
        return f" {word('and')} ".join(wrap(child, word, ("or",)) for child in node[1])
    return f" {word('or')} ".join(render(child, word) for child in node[1])


def wrap(node: Any, word: Callable[[str], str], looser: tuple[str, ...]) -> str:
    text = render(node, word)
    return f"({text})" if node[0] in looser else text


def render_value(value: Any, word: Callable[[str], str]) -> str:
    if value[0] == "field":
        return str(value[1])
    if value[0] == "case":
        return f"{word(value[1])}({render_value(value[2], word)})"
    if value[1] is None:
        return word("null")
    return "'" + str(value[1]).replace("'", "''") + "'"


ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def evaluate(node: Any, subject: Subject) -> bool:
    """The reference semantics: eq/ne compare values (null included), ordering with a null
    side is false, ``x in groups`` is membership."""
    kind = node[0]
    if kind == "or":
        return any(evaluate(child, subject) for child in node[1])
    if kind == "and":
        return all(evaluate(child, subject) for child in node[1])
    if kind == "not":
        return not evaluate(node[1], subject)
    if kind == "in_groups":
        return value_of(node[1], subject) in subject.groups
    if kind == "in_list":
        return value_of(node[1], subject) in node[2]
    if kind == "test":
        text, part = value_of(node[2], subject), value_of(node[3], subject)
        if text is None or part is None:
            return False
        return {"startswith": text.startswith, "endswith": text.endswith}.get(
            node[1], text.__contains__
        )(part)
    if kind == "length":
        counted = subject.groups if node[2] is None else value_of(node[2], subject)
        if counted is None:
            return node[1] == "ne"  # null length: eq false, ne true, ordering false
        return compare(node[1], len(counted), node[3])
    return compare(node[1], value_of(node[2], subject), value_of(node[3], subject))


def compare(op: str, left: Any, right: Any) -> bool:
    if op == "eq":
        return bool(left == right)
    if op == "ne":
        return bool(left != right)
    if left is None or right is None:
        return False
    return ORDER[op](left, right)


def value_of(value: Any, subject: Subject) -> str | None:
    if value[0] == "lit":
        return value[1]  # type: ignore[no-any-return]
    if value[0] == "case":
        inner = value_of(value[2], subject)
        if inner is None:
            return None
        return inner.lower() if value[1] == "tolower" else inner.upper()
    return subject.user_id if value[1] == "userId" else subject.connection_id


keyword_case = st.sampled_from([str.lower, str.upper, str.title])


@settings(max_examples=300)
@given(expressions, st.lists(subjects, min_size=1, max_size=5), keyword_case)
def test_filters_select_exactly_what_the_reference_evaluator_selects(
    expression: Any, population: list[Subject], word: Callable[[str], str]
) -> None:
    text = render(expression, word)
    predicate = compile_filter(text)
    for subject in population:
        assert predicate(subject) == evaluate(expression, subject), (text, subject)


@given(st.text(alphabet=st.sampled_from(list("ab' ()=,eqnotdgrsuIC")), max_size=40))
def test_any_filter_text_compiles_or_raises_odata_error(text: str) -> None:
    try:
        compile_filter(text)
    except ODataError as exc:
        assert repr(text) in str(exc)
