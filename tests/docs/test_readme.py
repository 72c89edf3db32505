"""The README is the short page: the two commands CI runs, and links; the settings table is
in docs/configuration.md, generated from the code."""

from __future__ import annotations

from asyncevents_svc.settings_doc import PAGE, markdown, rows
from tests.support.processes import ROOT


def test_the_configuration_page_settings_table_matches_the_code() -> None:
    page = (ROOT / PAGE).read_text()
    assert markdown() in page, "regenerate with: make docs"
    assert len(list(rows())) > 20


def test_readme_names_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert "make run" in readme
    assert "make image-smoke" in readme
    commands = [line for line in ci.splitlines() if line.startswith("make ")]
    assert commands == ["make test", "make image-smoke"]


def test_the_readme_stays_a_short_page() -> None:
    readme = (ROOT / "README.md").read_bytes()
    assert len(readme) < 10_000, "the README is the quick start: move the rest into docs/"
