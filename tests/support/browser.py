"""Headless Chromium for the browser tests (Debian's package, driven by Playwright), and the
screenshots they save for docs/ (docs/console/, docs/portal/)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, Request, async_playwright

CHROMIUM = os.environ.get("ASYNCEVENTS_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
async def chromium() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: .ci/run installs Debian's chromium package")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        await browser.close()


class Screens:
    """Saves full-page screenshots when the environment variable ``variable`` names a folder."""

    def __init__(self, variable: str = "ASYNCEVENTS_SCREENSHOTS") -> None:
        folder = os.environ.get(variable)
        self.folder = Path(folder) if folder else None

    async def take(self, page: Page, name: str) -> None:
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(self.folder / f"{name}.png"), full_page=True)


def watch(page: Page) -> list[str]:
    """What must not happen on ``page``, as it happens: a console error or warning, an
    uncaught page error, a request to a host other than this machine. A test asserts the
    list empty at its end."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"{message.type}: {message.text} ({page.url})")

    def on_request(request: Request) -> None:
        if urlsplit(request.url).hostname not in ("127.0.0.1", "localhost", None):
            problems.append(f"request off the machine: {request.url}")

    page.on("console", on_console)
    page.on("request", on_request)
    page.on("pageerror", lambda error: problems.append(f"page error: {error} ({page.url})"))
    return problems
