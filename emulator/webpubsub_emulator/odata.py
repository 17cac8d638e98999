"""OData ``filter`` expressions over connections, as the service accepts on sends and group ops.

Supported grammar (keywords are case-insensitive)::

    expr       := term ("or" term)*
    term       := factor ("and" factor)*
    factor     := "not" factor | "(" expr ")" | comparison
    comparison := value ("eq"|"ne"|"lt"|"le"|"gt"|"ge") value
                | value "in" ("groups" | "(" literal ("," literal)* ")")
    value      := "userId" | "connectionId" | literal
    literal    := 'single quoted, '' escapes a quote' | null

``compile_filter`` turns the text into a predicate once, so a send evaluates a plain Python
closure per connection instead of re-walking a tree.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Collection
from typing import NoReturn, Protocol


class ODataError(ValueError):
    """The filter text is not a valid expression."""


class Subject(Protocol):
    """What a filter can look at on one connection (a live connection object fits)."""

    @property
    def user_id(self) -> str | None: ...
    @property
    def connection_id(self) -> str: ...
    @property
    def groups(self) -> Collection[str]: ...


Predicate = Callable[[Subject], bool]
_Value = Callable[[Subject], "str | None"]

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<sym>[(),]))"
)
_COMPARISONS: dict[str, Callable[[str, str], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
_FIELDS: dict[str, _Value] = {
    "userid": lambda s: s.user_id,
    "connectionid": lambda s: s.connection_id,
}


def compile_filter(text: str) -> Predicate:
    """Parse ``text``; raise ODataError naming the position and the problem."""
    parser = _Parser(text)
    predicate = parser.expr()
    if parser.peek() is not None:
        parser.fail(f"unexpected {parser.peek()!r}")
    return predicate


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []  # (kind, text, offset)
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            match = _TOKEN.match(text, pos)
            if match is None:
                raise ODataError(f"invalid filter {text!r}: unexpected character at {pos}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind), match.start(kind)))
            pos = match.end()
        self.index = 0

    def fail(self, problem: str) -> NoReturn:
        offset = self.tokens[self.index][2] if self.index < len(self.tokens) else len(self.text)
        raise ODataError(f"invalid filter {self.text!r}: {problem} at position {offset}")

    def peek(self) -> str | None:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else None

    def peek_keyword(self) -> str | None:
        if self.index < len(self.tokens) and self.tokens[self.index][0] == "word":
            return self.tokens[self.index][1].lower()
        return None

    def take(self) -> tuple[str, str]:
        if self.index >= len(self.tokens):
            self.fail("unexpected end of expression")
        kind, value, _ = self.tokens[self.index]
        self.index += 1
        return kind, value

    def expect(self, symbol: str) -> None:
        if self.peek() != symbol:
            self.fail(f"expected {symbol!r}")
        self.index += 1

    def expr(self) -> Predicate:
        parts = [self.term()]
        while self.peek_keyword() == "or":
            self.index += 1
            parts.append(self.term())
        if len(parts) == 1:
            return parts[0]
        return lambda s: any(p(s) for p in parts)

    def term(self) -> Predicate:
        parts = [self.factor()]
        while self.peek_keyword() == "and":
            self.index += 1
            parts.append(self.factor())
        if len(parts) == 1:
            return parts[0]
        return lambda s: all(p(s) for p in parts)

    def factor(self) -> Predicate:
        if self.peek_keyword() == "not":
            self.index += 1
            inner = self.factor()
            return lambda s: not inner(s)
        if self.peek() == "(":
            self.index += 1
            inner = self.expr()
            self.expect(")")
            return inner
        return self.comparison()

    def comparison(self) -> Predicate:
        left = self.value()
        op = self.peek_keyword()
        if op is None:
            self.fail("expected an operator (eq, ne, lt, le, gt, ge, in)")
        self.index += 1
        if op == "in":
            return self.membership(left)
        right = self.value()
        if op == "eq":
            return lambda s: left(s) == right(s)
        if op == "ne":
            return lambda s: left(s) != right(s)
        compare = _COMPARISONS.get(op or "")
        if compare is None:
            self.index -= 2
            self.fail(f"unknown operator {op!r}")
        return lambda s: _ordered(compare, left(s), right(s))

    def membership(self, left: _Value) -> Predicate:
        if self.peek_keyword() == "groups":
            self.index += 1
            return lambda s: left(s) in s.groups
        self.expect("(")
        choices = {self.literal()}
        while self.peek() == ",":
            self.index += 1
            choices.add(self.literal())
        self.expect(")")
        return lambda s: left(s) in choices

    def value(self) -> _Value:
        keyword = self.peek_keyword()
        if keyword in _FIELDS:
            self.index += 1
            return _FIELDS[keyword]
        if keyword == "groups":
            self.fail("'groups' can only appear on the right of 'in'")
        constant = self.literal()
        return lambda _s: constant

    def literal(self) -> str | None:
        kind, text = self.take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "word" and text.lower() == "null":
            return None
        self.index -= 1
        self.fail(f"expected userId, connectionId, a quoted string or null, got {text!r}")


def _ordered(compare: Callable[[str, str], bool], left: str | None, right: str | None) -> bool:
    if left is None or right is None:
        return False
    return compare(left, right)
