"""The README documents every setting with its default (the table is generated from code)."""

from __future__ import annotations

from asyncevents_svc.settings_doc import markdown, rows
from tests.support.processes import ROOT


def test_readme_settings_table_matches_the_code() -> None:
    readme = (ROOT / "README.md").read_text()
    assert markdown() in readme, "regenerate with: uv run python -m asyncevents_svc.settings_doc"
    assert len(list(rows())) > 20


def test_readme_names_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert "make run" in readme
    assert ci.strip().endswith("make test")
