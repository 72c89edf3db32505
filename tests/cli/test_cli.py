"""The CLI for people and scripts: tables for lists, ``--json`` that parses, progress on
stderr only, and a completion script generated from the parser."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import subprocess
import sys
from typing import Any

import httpx
import pytest

from asyncevents_svc.cli.main import VERBS, load_verb
from asyncevents_svc.cli.output import Progress, table
from asyncevents_svc.cli.parser import build_parser
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings
from tests.support import processes
from tests.support.helpers import TOKEN, subscribe
from tests.support.rows import aged_delivery


async def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    done = await asyncio.to_thread(processes.run_cli, settings, *args)
    assert done.returncode == 0, done.stderr
    return done


def test_a_table_aligns_its_columns_under_headings() -> None:
    rows: list[dict[str, Any]] = [
        {"id": 1, "name": "erp", "scopes": ["a", "b"]},
        {"id": 22, "name": None, "scopes": []},
    ]
    assert table(rows, [("id", "id"), ("name", "name"), ("scopes", "scopes")]).splitlines() == [
        "ID  NAME  SCOPES",
        "1   erp   a,b",
        "22",
    ]
    assert table([], [("id", "id")]).splitlines() == ["ID", "(none)"]


def test_progress_draws_a_bar_or_a_count() -> None:
    stream = io.StringIO()
    bar = Progress("replaying", stream=stream, width=10)
    bar(5, 10)
    bar(7)
    assert stream.getvalue().splitlines() == ["replaying [#####.....] 5/10", "replaying: 7"]


async def test_lists_print_tables_and_json_without_secrets(
    api: httpx.AsyncClient, runtime: Runtime, settings: Settings
) -> None:
    sub = await subscribe(api, "https://example.com/hook", "example.ping")
    await aged_delivery(runtime, age_days=0, status="dead")

    listed = await cli(settings, "subscriptions")
    header, row = listed.stdout.splitlines()[:2]
    assert header.split() == [
        "ID",
        "APPLICATION",
        "EVENT",
        "NOTIFIER",
        "RECIPIENT",
        "STORE",
        "STATUS",
        "SUBSCRIBED",
    ]
    assert row.split()[:7] == [
        str(sub["subscription_id"]),
        "default",
        "example.ping",
        "http",
        "https://example.com/hook",
        "0",
        "active",
    ]
    assert TOKEN not in listed.stdout

    as_json = json.loads((await cli(settings, "subscriptions", "--json", "--status", "active")).stdout)
    assert [s["id"] for s in as_json] == [sub["subscription_id"]]
    assert (await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})).status_code == 201
    only_erp = json.loads((await cli(settings, "subscriptions", "--json", "--application", "erp")).stdout)
    only_default = json.loads(
        (await cli(settings, "subscriptions", "--json", "--application", "default")).stdout
    )
    assert (only_erp, [s["application"] for s in only_default]) == ([], ["default"])

    dead = json.loads((await cli(settings, "deliveries", "--status", "dead", "--json")).stdout)
    assert [d["status"] for d in dead] == ["dead"]
    table_text = (await cli(settings, "deliveries", "--status", "dead")).stdout
    assert table_text.splitlines()[0].split()[:3] == ["CREATED", "ID", "EVENT"]

    keys = json.loads((await cli(settings, "keys", "list", "--json")).stdout)
    assert all("key" not in k for k in keys)


async def test_bulk_verbs_report_in_json_and_show_progress_on_stderr(
    api: httpx.AsyncClient, runtime: Runtime, settings: Settings
) -> None:
    await subscribe(api, "https://example.com/hook")
    for _ in range(3):
        await aged_delivery(runtime, age_days=1, status="dead")

    counted = await cli(settings, "replay", "--dry-run", "--json")
    assert json.loads(counted.stdout) == {"dry_run": True, "count": 3}
    replayed = await cli(settings, "replay", "--json")
    assert json.loads(replayed.stdout)["replayed"] == 3
    assert "replaying [" in replayed.stderr
    cleaned = json.loads((await cli(settings, "cleanup", "--days", "30", "--json")).stdout)
    assert cleaned == {"attempts": 0, "minutes": 0, "deliveries": 0, "events": 0, "days": 30.0}


def commands_of(parser: argparse.ArgumentParser) -> set[str]:
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(sub.choices)


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_knows_every_command_and_its_options(shell: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "asyncevents_svc.cli", "completion", shell],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    script = done.stdout
    for command in commands_of(build_parser()):
        assert command in script, command
    for word in ("--dry-run", "--expires", "--log-level", "revoke"):
        assert word in script, word
    if shell == "zsh":
        assert script.startswith("#compdef asyncevents-svc")  # autoloaded from fpath only so
    if shell == "bash":  # the one shell every machine of the project has
        checked = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True, check=False)
        assert checked.returncode == 0, checked.stderr


def test_every_command_but_completion_runs_a_verb() -> None:
    commands = commands_of(build_parser())
    assert commands - set(VERBS) == {"completion"}
    assert set(VERBS) <= commands
    for command in VERBS:
        assert callable(load_verb(command)), command


def test_help_imports_nothing_of_the_service() -> None:
    probe = (
        "import sys\n"
        "from asyncevents_svc.cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: asyncevents-svc")
    loaded = set(done.stderr.split())
    assert "asyncevents_svc.cli.parser" in loaded  # the probe did load the command
    for heavy in ("sqlalchemy", "fastapi", "pydantic", "asyncevents_svc.settings", "asyncevents_svc.db"):
        assert heavy not in loaded, heavy
