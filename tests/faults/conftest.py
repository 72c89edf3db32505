"""Collects each scenario's outcome and prints the table at the end of the run (and writes
it to ``$ASYNCEVENTS_FAULTS_REPORT`` when set)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.faults.scenario import HEADER, Outcome

OUTCOMES: list[Outcome] = []


@pytest.fixture
def record() -> list[Outcome]:
    return OUTCOMES


def table() -> str:
    return "\n".join([HEADER, *(o.row() for o in OUTCOMES)])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not OUTCOMES:
        return
    terminalreporter.section("fault suite")
    terminalreporter.write_line(table())
    report = os.environ.get("ASYNCEVENTS_FAULTS_REPORT")
    if report:
        Path(report).write_text(table() + "\n")
