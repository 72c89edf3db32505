"""The characters of a query, read one value at a time: words, phrases, comparisons, ranges.

:class:`Scanner` holds the cursor the parser (:mod:`.parser`) moves; it reads what follows a
``field:`` and counts wildcards across the whole query (the caps in :mod:`.errors`). There is
no separate token stream: a value's end depends on where it is (``)`` ends a word, ``]`` ends
one only inside a range, ``:`` ends a field name but not a value), so the parser asks for
what it expects next, and each character is looked at a bounded number of times.
"""

from __future__ import annotations

from typing import Literal

from asyncevents_svc.deliveries.search.errors import (
    MAX_WILDCARD_VALUE_LENGTH,
    MAX_WILDCARDS_PER_QUERY,
    MAX_WILDCARDS_PER_VALUE,
    SearchError,
)
from asyncevents_svc.deliveries.search.fields import Field
from asyncevents_svc.deliveries.search.syntax import LIKE_ESCAPE
from asyncevents_svc.deliveries.search.values import Raw, RawCompare, RawRange, Scalar

KEYWORDS = ("AND", "OR", "NOT")


class Scanner:
    """A cursor over ``text`` (``pos``) with the query's wildcard count so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.wildcards = 0

    def peek(self, offset: int = 0) -> str | None:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else None

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def keyword(self) -> str | None:
        """The operator keyword starting here, if any (a keyword ends at a space, paren or quote)."""
        for keyword in KEYWORDS:
            if self.text.startswith(keyword, self.pos):
                after = self.pos + len(keyword)
                if after == len(self.text) or self.text[after].isspace() or self.text[after] in '()"':
                    return keyword
        return None

    # -- what follows "field:"

    def value(self, field: Field) -> Raw:
        start = self.pos
        char = self.peek()
        if char is None or char.isspace() or char == ")":
            raise SearchError(f"'{field.name}:' needs a value", start)
        if char in "[{":
            return self._range()
        if char in "<>":
            op: Literal[">", ">=", "<", "<="] = ">" if char == ">" else "<"
            self.pos += 1
            if self.peek() == "=":
                op = ">=" if op == ">" else "<="
                self.pos += 1
            following = self.peek()
            if following is None or following.isspace() or following in "()":
                raise SearchError(f"'{op}' needs a value right after it", start)
            return RawCompare(op, self._scalar("()"), start)
        return RawCompare("=", self._scalar("()"), start)

    def _range(self) -> RawRange:
        start = self.pos
        low_inclusive = self.text[start] == "["
        self.pos += 1
        self.skip_space()
        low = self._bound(start, "a lower")
        before_to = self.pos
        self.skip_space()
        if not (self.pos > before_to and self.text.startswith("TO", self.pos)):
            self._unclosed_range(start)
            raise SearchError("expected ' TO ' between the ends of the range", self.pos)
        self.pos += 2
        following = self.peek()
        if following is not None and not following.isspace():
            raise SearchError("expected ' TO ' between the ends of the range", self.pos - 2)
        self.skip_space()
        high = self._bound(start, "an upper")
        self.skip_space()
        self._unclosed_range(start)
        closing = self.text[self.pos]
        if closing not in "]}":
            raise SearchError("expected ']' or '}' to close the range", self.pos)
        self.pos += 1
        return RawRange(low, low_inclusive, high, closing == "]", start)

    def _unclosed_range(self, start: int) -> None:
        if self.at_end():
            raise SearchError("unclosed range: missing ']' or '}'", start)

    def _bound(self, start: int, which: str) -> Scalar | None:
        char = self.peek()
        if char is None or char.isspace() or char in "]}":
            self._unclosed_range(start)
            raise SearchError(f"the range needs {which} end (use * to leave it open)", self.pos)
        value = self._scalar("]}()")
        return None if value.is_any else value

    def _scalar(self, stops: str) -> Scalar:
        return self._phrase(stops) if self.peek() == '"' else self._word(stops)

    def _phrase(self, stops: str) -> Scalar:
        start = self.pos
        self.pos += 1
        chars: list[str] = []
        while True:
            char = self.peek()
            if char is None:
                raise SearchError('unclosed quote: missing "', start)
            self.pos += 1
            if char == '"':
                break
            if char == "\\":
                escaped = self.peek()
                if escaped is None:
                    raise SearchError('unclosed quote: missing "', start)
                chars.append(escaped)
                self.pos += 1
            else:
                chars.append(char)
        following = self.peek()
        if following is not None and not following.isspace() and following not in stops:
            raise SearchError("expected a space or ')' after the closing quote", self.pos)
        return Scalar("".join(chars), None, True, start)

    def _word(self, stops: str) -> Scalar:
        start = self.pos
        chars: list[str] = []
        pattern: list[str] = []
        wild: list[int] = []  # where the wildcards are
        while not self.at_end():
            char = self.text[self.pos]
            if char.isspace() or char in stops:
                break
            if char == '"':
                raise SearchError('a quote inside a value: quote the whole value or write \\"', self.pos)
            if char == "\\":
                if self.peek(1) is None:
                    raise SearchError("'\\' at the end of the query escapes nothing", self.pos)
                char = self.text[self.pos + 1]
                self.pos += 2
                chars.append(char)
                pattern.append(_like_literal(char))
                continue
            self.pos += 1
            chars.append(char)
            if char in "*?":
                wild.append(self.pos - 1)
                pattern.append("%" if char == "*" else "_")
            else:
                pattern.append(_like_literal(char))
        value = Scalar("".join(chars), "".join(pattern) if wild else None, False, start)
        if wild and not value.is_any:
            self._count_wildcards(value, wild)
        return value

    def _count_wildcards(self, value: Scalar, wild: list[int]) -> None:
        """Keep a ``LIKE``'s cost bounded (see "Limits" in the package doc): refuse a value or
        a query with too many wildcards, or a value with wildcards that is too long."""
        if len(wild) > MAX_WILDCARDS_PER_VALUE:
            raise SearchError(
                f"a value may have at most {MAX_WILDCARDS_PER_VALUE} wildcards (* or ?)",
                wild[MAX_WILDCARDS_PER_VALUE],
            )
        if len(value.text) > MAX_WILDCARD_VALUE_LENGTH:
            raise SearchError(
                f"a value with wildcards may be at most {MAX_WILDCARD_VALUE_LENGTH} characters long",
                value.position,
            )
        room = MAX_WILDCARDS_PER_QUERY - self.wildcards
        if len(wild) > room:
            raise SearchError(
                f"a query may have at most {MAX_WILDCARDS_PER_QUERY} wildcards (* or ?) in all", wild[room]
            )
        self.wildcards += len(wild)


def _like_literal(char: str) -> str:
    return LIKE_ESCAPE + char if char in ("%", "_", LIKE_ESCAPE) else char
