"""Query text to tree (:mod:`.syntax`): recursive descent straight over the characters.

::

    query    = or_expr EOF
    or_expr  = and_expr { "OR" and_expr }
    and_expr = unary { ["AND"] unary }
    unary    = ("NOT" | "-") unary | primary
    primary  = "(" or_expr ")" | term
    term     = field ":" ( "(" or_expr ")" | value ) | UUID     -- at the top
             = value                                            -- inside field:( ... )
    value    = range | ( ">" | ">=" | "<" | "<=" ) scalar | scalar
    range    = ( "[" | "{" ) bound "TO" bound ( "]" | "}" )
    scalar   = phrase | word

Hand-written rather than generated. Both were tried on the 72 error cases the tests pin
(34 of them syntax errors; the rest are values and limits, checked on a tree either way):
luqum's Lucene grammar accepts 5 of the 34 (``status: dead``, ``- status:dead``,
``ab"c"``), reads the valid ``store_id:(-1 OR 0)`` as ``NOT 1`` and a time with an offset
as a nested field, and reports 15 of the rest at today's position, every one as "Syntax
error in input : unexpected ..."; a 33-line lark (LALR) grammar accepts 12 and reports 14
at today's position, as "Unexpected token". The rules that make errors precise are about
adjacency (no space after ``field:`` or ``-``; a ``-`` before a digit is a sign; a keyword
ends at a space, a parenthesis or a quote) and about where a construct began
(``unclosed '('`` at the parenthesis): a generated parser would need an error table per
state and a stack of open brackets, which is most of this module again. It is also 2-3
times faster: 1.4-1.9 ms for a 971-character query here, against 4.3 ms (luqum) and 4.7 ms
(lark) for the parse alone.

Each character is read once, except that :meth:`Scanner.keyword` and a term's field name
look a few characters ahead; nesting is bounded (``MAX_DEPTH``), so parsing is linear in
the query's length.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from asyncevents_svc.deliveries.search.errors import MAX_DEPTH, MAX_QUERY_LENGTH, SearchError
from asyncevents_svc.deliveries.search.fields import Field, field
from asyncevents_svc.deliveries.search.scanner import KEYWORDS, Scanner
from asyncevents_svc.deliveries.search.syntax import And, AnyId, Node, Not, Or
from asyncevents_svc.deliveries.search.values import check


def parse(q: str, *, now: datetime) -> Node:
    """The tree of ``q``, relative times resolved against ``now`` (timezone-aware).

    Raises :class:`SearchError` naming the first problem from the left and its position."""
    if len(q) > MAX_QUERY_LENGTH:
        raise SearchError(f"the query is longer than {MAX_QUERY_LENGTH} characters", MAX_QUERY_LENGTH)
    for index, char in enumerate(q):
        if unicodedata.category(char) in ("Cc", "Cs") and not char.isspace():
            raise SearchError(f"the query contains an invalid character (U+{ord(char):04X})", index)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return _Parser(q, now).query()


class _Parser(Scanner):
    """The grammar above; ``field`` is the field of an enclosing ``field:( ... )`` group."""

    def __init__(self, text: str, now: datetime) -> None:
        super().__init__(text)
        self.depth = 0
        self.now = now

    @contextmanager
    def _nested(self, position: int) -> Iterator[None]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SearchError(f"the query is nested more than {MAX_DEPTH} levels deep", position)
        try:
            yield
        finally:
            self.depth -= 1

    def _expect_operand(self, operator: str, position: int) -> None:
        """After ``operator`` (at ``position``) there must be a term."""
        self.skip_space()
        keyword = self.keyword()
        if keyword in ("AND", "OR"):
            raise SearchError(f"'{keyword}' cannot follow '{operator}'", self.pos)
        if self.at_end() or self.peek() == ")":
            raise SearchError(f"'{operator}' needs a term after it", position)

    def query(self) -> Node:
        self.skip_space()
        if self.at_end():
            raise SearchError("the query is empty", 0)
        expression = self._or(None)
        if not self.at_end():  # _or only stops early at a ')'
            raise SearchError("unbalanced ')': there is no '(' to close", self.pos)
        return expression

    def _or(self, field: Field | None) -> Node:
        parts = [self._and(field)]
        while self.keyword() == "OR":
            position = self.pos
            self.pos += 2
            self._expect_operand("OR", position)
            parts.append(self._and(field))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def _and(self, field: Field | None) -> Node:
        parts = [self._unary(field)]
        while True:
            self.skip_space()
            if self.at_end() or self.peek() == ")":
                break
            keyword = self.keyword()
            if keyword == "OR":
                break
            if keyword == "AND":
                position = self.pos
                self.pos += 3
                self._expect_operand("AND", position)
            parts.append(self._unary(field))
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def _unary(self, field: Field | None) -> Node:
        self.skip_space()
        position = self.pos
        if self.keyword() == "NOT":
            self.pos += 3
            self._expect_operand("NOT", position)
        elif self.peek() == "-" and not _is_digit(self.peek(1)):  # "-5" is a value, not NOT 5
            following = self.peek(1)
            if following is None or following.isspace() or following == ")":
                raise SearchError("'-' must be followed directly by a term", position)
            self.pos += 1
        else:
            return self._primary(field)
        with self._nested(position):
            return Not(self._unary(field))

    def _primary(self, field: Field | None) -> Node:
        self.skip_space()
        position = self.pos
        if self.peek() == "(":
            return self._group(field)
        if self.peek() == ")":
            raise SearchError("unbalanced ')': there is no '(' to close", position)
        keyword = self.keyword()
        if keyword is not None:  # NOT is handled by _unary, so only AND / OR get here
            raise SearchError(f"'{keyword}' needs a term before it", position)
        if field is not None:
            return check(field, self.value(field), self.now)
        return self._term()

    def _group(self, field: Field | None) -> Node:
        position = self.pos
        self.pos += 1
        with self._nested(position):
            self.skip_space()
            if self.peek() == ")":
                raise SearchError("empty parentheses", position)
            if self.at_end():
                raise SearchError("unclosed '(': missing ')'", position)
            expression = self._or(field)
            if self.at_end():
                raise SearchError("unclosed '(': missing ')'", position)
            self.pos += 1  # the ')'
        return expression

    def _term(self) -> Node:
        start = self.pos
        if self.peek() == '"':
            raise SearchError('a quoted phrase needs a field, as in event_name:"..."', start)
        end = start
        while end < len(self.text) and not self.text[end].isspace() and self.text[end] not in '():"':
            end += 1
        word = self.text[start:end]
        if end < len(self.text) and self.text[end] == ":":
            if not word:
                raise SearchError("expected a field name before ':'", start)
            named = field(word, start)
            self.pos = end + 1
            if self.peek() == "(":
                return self._group(named)
            return check(named, self.value(named), self.now)
        self.pos = end
        try:
            return AnyId(uuid.UUID(word))
        except ValueError:
            pass
        if word.upper() in KEYWORDS:
            raise SearchError(
                f"'{word}' is not an operator: operators are upper case ({word.upper()})", start
            )
        raise SearchError(f"'{word}' has no field: write field:value, e.g. event_name:{word}", start)


def _is_digit(char: str | None) -> bool:
    return char is not None and "0" <= char <= "9"
