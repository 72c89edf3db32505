"""The repository's Markdown pages (README.md and docs/), read as GitHub renders them.

markdown-it-py (CommonMark, with GitHub's tables) parses each page, and mdit-py-plugins'
anchors plugin gives every heading the id GitHub gives it (lower case, punctuation dropped,
spaces to hyphens, ``-1``, ``-2`` for repeats), so a link's ``#anchor`` is checked against
the anchors GitHub would make. Everything found carries its page and line, so a failure says
``docs/api.md:42``. The tests of tests/docs/ assert on what this module finds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from tests.support.processes import ROOT


@dataclass(frozen=True)
class Found:
    """Something a page says (a link target, a command), and where."""

    page: Path
    line: int  # 1-based
    text: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


@dataclass(frozen=True)
class Page:
    path: Path
    lines: tuple[str, ...]
    tokens: tuple[Token, ...]

    def line_of(self, token: Token, needle: str) -> int:
        """The line of ``needle`` inside a block token's lines (its first line if not found:
        an inline code span may wrap across lines)."""
        start, end = token.map or (0, len(self.lines))
        first = needle.split()[0] if needle.split() else needle
        for number in range(start, end):
            if needle in self.lines[number]:
                return number + 1
        for number in range(start, end):
            if first in self.lines[number]:
                return number + 1
        return start + 1

    def found(self, token: Token, text: str, needle: str | None = None) -> Found:
        return Found(self.path, self.line_of(token, needle or text), text)


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(anchors_plugin, min_level=1, max_level=6)


def pages() -> list[Path]:
    """README.md and every page under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@cache
def read(path: Path) -> Page:
    text = path.read_text()
    return Page(path, tuple(text.splitlines()), tuple(_markdown().parse(text)))


def anchors(path: Path) -> set[str]:
    """The ids of a page's headings, as GitHub makes them."""
    return {str(t.attrGet("id")) for t in read(path).tokens if t.type == "heading_open"}


def _inline_children(doc: Page) -> Iterator[tuple[Token, Token]]:
    """(block inline token, child token) for every inline child of a page."""
    for token in doc.tokens:
        if token.type == "inline":
            for child in token.children or []:
                yield token, child


def links(path: Path) -> Iterator[Found]:
    """Every link target and image source, in order."""
    doc = read(path)
    for block, child in _inline_children(doc):
        if child.type == "link_open":
            target = str(child.attrGet("href"))
            yield doc.found(block, target, f"]({target}")
        elif child.type == "image":
            target = str(child.attrGet("src"))
            yield doc.found(block, target, f"]({target}")


def code(path: Path) -> Iterator[Found]:
    """Every line of a fenced or indented code block, and every inline code span."""
    doc = read(path)
    for token in doc.tokens:
        if token.type in ("fence", "code_block") and token.map:
            first = token.map[0] + (1 if token.type == "fence" else 0)
            for offset, line in enumerate(token.content.splitlines()):
                yield Found(path, first + offset + 1, line)
    for block, child in _inline_children(doc):
        if child.type == "code_inline":
            yield doc.found(block, child.content)


def table_rows(path: Path, first_header: str) -> Iterator[list[tuple[Token, list[str]]]]:
    """The body rows of each table whose first column is headed ``first_header``: per cell,
    its inline token and the code spans in it."""
    tokens = read(path).tokens
    header: str | None = None
    row: list[tuple[Token, list[str]]] = []
    in_body = False
    for index, token in enumerate(tokens):
        if token.type == "thead_open":
            header = tokens[index + 3].content  # thead_open, tr_open, th_open, inline
        elif token.type == "tbody_open":
            in_body = header == first_header
        elif token.type == "tbody_close":
            in_body = False
        elif in_body and token.type == "tr_open":
            row = []
        elif in_body and token.type == "inline":
            row.append((token, [c.content for c in token.children or [] if c.type == "code_inline"]))
        elif in_body and token.type == "tr_close":
            yield row
