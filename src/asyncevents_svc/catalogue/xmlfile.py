"""A small, safe XML reader that keeps line numbers.

``events.xml`` is read with expat directly: any DOCTYPE is refused, so no entity can be
declared, expanded or fetched (the classic XML bombs and XXE), and each element remembers
the line it starts on so that errors can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from asyncevents_svc.errors import CatalogueError


@dataclass
class Element:
    """One XML element: tag, attributes, text, children and the line it starts on."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def find_all(self, tag: str) -> list[Element]:
        return [child for child in self.children if child.tag == tag]


def parse_file(path: Path) -> Element:
    """Parse ``path`` into a tree of :class:`Element`; refuse DTDs and entities."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogueError(str(path), None, f"cannot read file: {exc.strerror}") from exc
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    roots: list[Element] = []

    def refuse_doctype(*_: object) -> None:
        raise CatalogueError(str(path), parser.CurrentLineNumber, "DOCTYPE and entities are not allowed")

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = Element(tag, dict(attrs), parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(_: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].text += data

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise CatalogueError(str(path), exc.lineno, f"malformed XML: {expat.ErrorString(exc.code)}") from exc
    return roots[0]
