"""OData ``filter`` expressions over connections, as the service accepts on sends and group ops.

Supported grammar (keywords and function names are case-insensitive)::

    expr     := and ("or" and)*
    and      := unary ("and" unary)*
    unary    := "not" unary | compare
    compare  := operand [("eq"|"ne"|"gt"|"ge"|"lt"|"le") operand
                        | "in" ("groups" | "(" literal ("," literal)* ")")]
    operand  := "(" expr ")" | call | "userId" | "connectionId" | "groups" | literal
    call     := name "(" operand ("," operand)* ")"
    literal  := 'single quoted, '' escapes a quote' | integer | true | false | null

Functions (``s`` a string, ``n`` an integer):

============================  ========  ==============================================
function                      result    meaning
============================  ========  ==============================================
``startswith(s, prefix)``     boolean   ``s`` begins with ``prefix``
``endswith(s, suffix)``       boolean   ``s`` ends with ``suffix``
``contains(s, part)``         boolean   ``part`` occurs in ``s``
``tolower(s)``                string    lower-cased ``s``
``toupper(s)``                string    upper-cased ``s``
``substring(s, n[, count])``  string    ``s`` from index ``n`` (0-based), ``count`` chars
``indexof(s, part)``          integer   first index of ``part`` in ``s``, -1 if absent
``length(s)``                 integer   characters in ``s``
``length(groups)``            integer   groups the connection is in
============================  ========  ==============================================

A function of a null ``userId`` is null; an ordering comparison (``gt ge lt le``) with a null
side is false; ``eq``/``ne`` compare nulls as values. Operands of a comparison must have the
same type (string, integer or boolean). Nesting is limited to ``MAX_DEPTH`` levels.

``compile_filter`` turns the text into a predicate once, so a send evaluates a plain Python
closure per connection instead of re-walking a tree.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Collection
from typing import Any, NoReturn, Protocol

# Parentheses, "not" and function calls nested deeper than this are refused: a bound the
# service's own parser has too, and far below Python's recursion limit.
MAX_DEPTH = 64


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
Value = str | int | bool | Collection[str] | None
_Eval = Callable[[Subject], Value]

# Static types of operands; "null" fits any of the scalar ones.
_STR, _INT, _BOOL, _GROUPS, _NULL = "string", "integer", "boolean", "groups", "null"

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<int>-?[0-9]+)|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<sym>[(),]))"
)
_ORDERED: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
_OPERATORS = ("eq", "ne", *_ORDERED)


def compile_filter(text: str) -> Predicate:
    """Parse ``text``; raise ODataError naming the position and the problem."""
    parser = _Parser(text)
    kind, evaluate = parser.expr(0)
    if parser.peek() is not None:
        parser.fail(f"unexpected {parser.peek()!r}")
    if kind != _BOOL:
        parser.fail(f"the filter must be a boolean expression, not a {kind}")
    return lambda subject: evaluate(subject) is True


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

    def deeper(self, depth: int) -> int:
        if depth >= MAX_DEPTH:
            self.fail(f"expression nested deeper than {MAX_DEPTH} levels")
        return depth + 1

    def boolean(self, depth: int, step: Callable[[int], tuple[str, _Eval]]) -> _Eval:
        kind, evaluate = step(depth)
        if kind not in (_BOOL, _NULL):
            self.index -= 1
            self.fail(f"expected a boolean operand, got a {kind}")
        return evaluate

    def expr(self, depth: int) -> tuple[str, _Eval]:
        first_kind, first = self.conjunction(depth)
        if self.peek_keyword() != "or":
            return first_kind, first
        parts = [self._as_bool(first_kind, first)]
        while self.peek_keyword() == "or":
            self.index += 1
            parts.append(self.boolean(depth, self.conjunction))
        return _BOOL, lambda s: any(p(s) is True for p in parts)

    def conjunction(self, depth: int) -> tuple[str, _Eval]:
        first_kind, first = self.unary(depth)
        if self.peek_keyword() != "and":
            return first_kind, first
        parts = [self._as_bool(first_kind, first)]
        while self.peek_keyword() == "and":
            self.index += 1
            parts.append(self.boolean(depth, self.unary))
        return _BOOL, lambda s: all(p(s) is True for p in parts)

    def _as_bool(self, kind: str, evaluate: _Eval) -> _Eval:
        if kind not in (_BOOL, _NULL):
            self.fail(f"'and'/'or' need boolean operands, got a {kind}")
        return evaluate

    def unary(self, depth: int) -> tuple[str, _Eval]:
        if self.peek_keyword() == "not":
            self.index += 1
            inner = self.boolean(self.deeper(depth), self.unary)
            return _BOOL, lambda s: inner(s) is not True
        return self.comparison(depth)

    def comparison(self, depth: int) -> tuple[str, _Eval]:
        left_kind, left = self.operand(depth)
        op = self.peek_keyword()
        if op == "in":
            self.index += 1
            return _BOOL, self.membership(left_kind, left)
        if op not in _OPERATORS:
            return left_kind, left
        self.index += 1
        right_kind, right = self.operand(depth)
        kinds = {left_kind, right_kind} - {_NULL}
        if _GROUPS in kinds or len(kinds) > 1:
            self.index -= 1
            self.fail(f"cannot compare a {left_kind} with a {right_kind}")
        if op == "eq":
            return _BOOL, lambda s: left(s) == right(s)
        if op == "ne":
            return _BOOL, lambda s: left(s) != right(s)
        compare = _ORDERED[op or ""]
        return _BOOL, lambda s: _ordered(compare, left(s), right(s))

    def membership(self, left_kind: str, left: _Eval) -> _Eval:
        if left_kind not in (_STR, _NULL):
            self.fail(f"'in' needs a string on its left, got a {left_kind}")
        if self.peek_keyword() == "groups":
            self.index += 1
            return lambda s: left(s) in s.groups
        self.expect("(")
        choices = {self.literal()[1]}
        while self.peek() == ",":
            self.index += 1
            choices.add(self.literal()[1])
        self.expect(")")
        return lambda s: left(s) in choices

    def operand(self, depth: int) -> tuple[str, _Eval]:
        if self.peek() == "(":
            self.index += 1
            result = self.expr(self.deeper(depth))
            self.expect(")")
            return result
        keyword = self.peek_keyword()
        if keyword == "userid":
            self.index += 1
            return _STR, lambda s: s.user_id
        if keyword == "connectionid":
            self.index += 1
            return _STR, lambda s: s.connection_id
        if keyword == "groups":
            self.index += 1
            return _GROUPS, lambda s: s.groups
        if keyword in _FUNCTIONS:
            return self.call(keyword or "", self.deeper(depth))
        kind, constant = self.literal()
        return kind, lambda _s: constant

    def call(self, name: str, depth: int) -> tuple[str, _Eval]:
        self.index += 1
        self.expect("(")
        args = [self.operand_expr(depth)]
        while self.peek() == ",":
            self.index += 1
            args.append(self.operand_expr(depth))
        self.expect(")")
        signatures, result, function = _FUNCTIONS[name]
        given = [kind for kind, _ in args]
        for expected in signatures:
            if len(expected) == len(given) and all(
                g in (e, _NULL) for g, e in zip(given, expected, strict=True)
            ):
                break
        else:
            self.index -= 1
            allowed = " or ".join(f"{name}({', '.join(e)})" for e in signatures)
            self.fail(f"{name}() takes {allowed}, got {name}({', '.join(given)})")
        evaluators = [evaluate for _, evaluate in args]
        return result, lambda s: function(*(e(s) for e in evaluators))

    def operand_expr(self, depth: int) -> tuple[str, _Eval]:
        # A function argument is any expression (a comparison makes no sense there, but an
        # operand with parentheses or another call does).
        return self.comparison(depth)

    def literal(self) -> tuple[str, Value]:
        kind, text = self.take()
        if kind == "str":
            return _STR, text[1:-1].replace("''", "'")
        if kind == "int":
            return _INT, int(text)
        word = text.lower() if kind == "word" else ""
        if word == "null":
            return _NULL, None
        if word in ("true", "false"):
            return _BOOL, word == "true"
        self.index -= 1
        self.fail(
            "expected userId, connectionId, groups, a function, a quoted string, an integer, "
            f"true, false or null, got {text!r}"
        )


def _ordered(compare: Callable[[Any, Any], bool], left: Value, right: Value) -> bool:
    if left is None or right is None:
        return False
    return compare(left, right)


def _null_safe(function: Callable[..., Value]) -> Callable[..., Value]:
    def call(*args: Value) -> Value:
        if any(arg is None for arg in args):
            return None
        return function(*args)

    return call


def _substring(text: str, start: int, count: int | None = None) -> str:
    start = max(start, 0)
    return text[start:] if count is None else text[start : start + max(count, 0)]


_FUNCTIONS: dict[str, tuple[list[tuple[str, ...]], str, Callable[..., Value]]] = {
    "startswith": ([(_STR, _STR)], _BOOL, _null_safe(str.startswith)),
    "endswith": ([(_STR, _STR)], _BOOL, _null_safe(str.endswith)),
    "contains": ([(_STR, _STR)], _BOOL, _null_safe(lambda s, part: part in s)),
    "tolower": ([(_STR,)], _STR, _null_safe(str.lower)),
    "toupper": ([(_STR,)], _STR, _null_safe(str.upper)),
    "substring": ([(_STR, _INT), (_STR, _INT, _INT)], _STR, _null_safe(_substring)),
    "indexof": ([(_STR, _STR)], _INT, _null_safe(str.find)),
    "length": ([(_STR,), (_GROUPS,)], _INT, _null_safe(len)),
}
