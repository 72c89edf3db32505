"""Every relative link and image of README.md and docs/ leads somewhere: the file exists,
and an ``#anchor`` is a heading of the page it names, as GitHub makes heading anchors."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.support.docs import Found, anchors, links, pages
from tests.support.processes import ROOT


def broken(link: Found) -> str | None:
    """Why a link leads nowhere, or None when it resolves (or is not ours to check)."""
    parts = urlsplit(link.text)
    if parts.scheme or parts.netloc:  # http(s), mailto: outside the repository
        return None
    target = (link.page.parent / unquote(parts.path)).resolve() if parts.path else link.page
    if not target.is_relative_to(ROOT):
        return f"{link.text} leaves the repository"
    if not target.exists():
        return f"{link.text}: no file {target.relative_to(ROOT)}"
    if parts.fragment:
        if target.suffix != ".md":
            return f"{link.text}: an anchor into {target.relative_to(ROOT)}, which is not a Markdown page"
        if unquote(parts.fragment) not in anchors(target):
            return f"{link.text}: {target.relative_to(ROOT)} has no heading with the anchor #{parts.fragment}"
    return None


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_and_image_resolves(page: Path) -> None:
    problems = [f"{link.where}: {why}" for link in links(page) if (why := broken(link))]
    assert not problems, "\n".join(problems)


def test_the_docs_pages_are_each_linked_from_the_readme_or_the_index() -> None:
    linked = {
        (link.page.parent / urlsplit(link.text).path).resolve()
        for index in (ROOT / "README.md", ROOT / "docs" / "README.md")
        for link in links(index)
        if not urlsplit(link.text).scheme
    }
    orphans = [p.relative_to(ROOT) for p in pages() if p not in linked and p.name != "README.md"]
    assert not orphans, f"pages no index links to: {orphans}"


def test_the_link_check_finds_a_broken_link_and_a_missing_anchor() -> None:
    """The check itself: a page under the repository with a dead link and a dead anchor."""
    page = ROOT / "docs" / "architecture.md"
    assert broken(Found(page, 1, "guarantees.md#the-fault-suite")) is None
    assert broken(Found(page, 1, "../README.md#the-two-commands")) is None
    assert broken(Found(page, 1, "#layers-and-the-tool-that-keeps-them")) is None
    assert broken(Found(page, 1, "https://example.com/nowhere")) is None
    assert "no file docs/nowhere.md" in (broken(Found(page, 1, "nowhere.md")) or "")
    assert "no heading with the anchor #guarantee" in (
        broken(Found(page, 1, "guarantees.md#guarantee")) or ""
    )
    assert "leaves the repository" in (broken(Found(page, 1, "../../etc/passwd")) or "")
