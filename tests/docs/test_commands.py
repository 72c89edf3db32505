"""The commands README.md and docs/ tell people to type still exist: every ``make <target>``
is a Makefile target, every ``asyncevents-svc <verb> --flag`` parses with the real CLI
parser, every ``ASYNCEVENTS_*`` variable is a setting (or a listed test variable), and every
``python -m <module>`` names a module. Each failure names the page and the line."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import re
import shlex
from pathlib import Path

import pytest

from asyncevents_svc.cli.parser import build_parser
from asyncevents_svc.settings_doc import rows
from tests.support.docs import Found, code, pages, read, table_rows
from tests.support.processes import ROOT

PAGES = pages()
PAGE_IDS = [str(p.relative_to(ROOT)) for p in PAGES]

#: Variables the pages mention that are not settings: each is read by the tests or the bench.
TEST_VARIABLES = {
    "ASYNCEVENTS_TEST_BACKEND": "Makefile",  # which backend the suite runs on
    "ASYNCEVENTS_SCREENSHOTS": "tests/console/test_browser.py",  # refresh docs/console/
    "ASYNCEVENTS_PORTAL_SCREENSHOTS": "tests/portal/test_browser.py",  # refresh docs/portal/
}

MAKE = re.compile(r"(?<![\w$(-])make\s+([a-z][\w-]*)")
#: ``asyncevents-svc`` run as a command: at the start, after a space, ``$(`` or a folder.
CLI = re.compile(r"(?:^|(?<=[\s(/]))asyncevents-svc(?=\s)(.*)$")
#: Where the command's own arguments end: a pipe, a list, a comment, a redirection, ``)``.
CLI_END = re.compile(r"\s(?:\|\|?|&&|;|#|2?>)(?:\s|$)|\)")
VARIABLE = re.compile(r"ASYNCEVENTS_[A-Z0-9_]*[A-Z0-9](?:__)?(\*)?")
#: A nested setting written without its prefix, as the pages often do: ``WORKER__LEASE_SECONDS``.
SHORT_VARIABLE = re.compile(r"(?<![A-Za-z0-9_])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*__[A-Z0-9]+(?:_[A-Z0-9]+)*)")
PYTHON_M = re.compile(r"python3?\s+-m\s+([A-Za-z_][\w.]*)")
PLACEHOLDER = re.compile(r"[<>\[\]…|]|\.\.\.")


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return {t for t in re.findall(r"^([a-z][\w-]*)\s*:(?!=)", makefile, re.MULTILINE)}


def settings() -> set[str]:
    return {variable for variable, _, _ in rows()}


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return None


def check_cli(
    tokens: list[str], parser: argparse.ArgumentParser
) -> tuple[str | None, argparse.ArgumentParser]:
    """Walk the verbs and flags of ``tokens`` through the real parser (placeholders such as
    ``<uuid>`` or ``[--days N]`` allowed): the first unknown verb or flag, and the
    sub-command's parser reached."""
    tokens = list(tokens)
    while tokens:
        bare = tokens.pop(0).strip("[]")
        if not bare or bare in ("…", "..."):
            continue
        if bare.startswith("-"):
            flag = bare.split("=", 1)[0]
            action = parser._option_string_actions.get(flag)
            if action is None:
                return f"{parser.prog} has no option {flag}", parser
            if action.nargs != 0 and "=" not in bare and tokens:
                tokens.pop(0)  # the option's value
            continue
        verbs = subcommands(parser)
        if verbs is None:
            continue  # a positional argument
        if bare.startswith("<"):
            return None, parser  # a placeholder verb (<command>): nothing more to check
        if bare not in verbs:
            return f"{parser.prog} has no command {bare!r} (it has {', '.join(verbs)})", parser
        parser = verbs[bare]
    return None, parser


def parse_cli(tokens: list[str]) -> str | None:
    """A complete command line (no placeholder) must parse as it is written."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            build_parser().parse_args(tokens)
        except SystemExit as stop:
            if stop.code not in (0, None):
                return err.getvalue().strip()
    return None


def cli_commands(page: Path) -> list[tuple[Found, list[str]]]:
    commands = []
    for snippet in code(page):
        for line in snippet.text.splitlines():
            match = CLI.search(line)
            if match is None:
                continue
            arguments = CLI_END.split(match.group(1), maxsplit=1)[0]
            tokens = shlex.split(arguments)
            if tokens:
                commands.append((snippet, tokens))
    return commands


def cli_problems(page: Path) -> list[str]:
    problems = []
    for found, tokens in cli_commands(page):
        why, _ = check_cli(tokens, build_parser())
        if why is None and not any(PLACEHOLDER.search(token) for token in tokens):
            why = parse_cli(tokens)
        if why:
            problems.append(f"{found.where}: asyncevents-svc {' '.join(tokens)}: {why}")
    # The command reference tables name verbs without the program's name, and options in
    # spans of their own: each span goes on from the command the previous one named.
    for row in table_rows(page, "command"):
        cell, spans = row[0]
        parser = build_parser()
        for span in spans:
            tokens = shlex.split(span.replace("\\|", "|"))
            start = parser if tokens and tokens[0].lstrip("[").startswith("-") else build_parser()
            why, parser = check_cli(tokens, start)
            if why:
                line = read(page).line_of(cell, span)
                problems.append(f"{page.relative_to(ROOT)}:{line}: `{span}`: {why}")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_make_target_exists(page: Path) -> None:
    targets = make_targets()
    problems = [
        f"{found.where}: make {target}: no such target in the Makefile"
        for found in code(page)
        for target in MAKE.findall(found.text)
        if target not in targets
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_command_line_parses(page: Path) -> None:
    problems = cli_problems(page)
    assert not problems, "\n".join(problems)


def unknown_variables(line: str) -> list[str]:
    """The variables of a line that are neither settings nor listed test variables."""
    known = settings() | set(TEST_VARIABLES)
    unknown = []
    for match in VARIABLE.finditer(line):
        name = match.group(0).rstrip("*")
        if not (any(k.startswith(name) for k in known) if match.group(1) else name in known):
            unknown.append(match.group(0))
    for short in SHORT_VARIABLE.findall(line):
        if not short.startswith("ASYNCEVENTS_") and f"ASYNCEVENTS_{short}" not in known:
            unknown.append(short)
    return unknown


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_variable_is_a_setting(page: Path) -> None:
    problems = [
        f"{page.relative_to(ROOT)}:{number}: {name}: no such setting (ASYNCEVENTS_ is the prefix)"
        for number, line in enumerate(page.read_text().splitlines(), start=1)
        for name in unknown_variables(line)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_python_module_exists(page: Path) -> None:
    problems = [
        f"{found.where}: python -m {module}: no such module"
        for found in code(page)
        for module in PYTHON_M.findall(found.text)
        if not module_exists(module)
    ]
    assert not problems, "\n".join(problems)


def module_exists(module: str) -> bool:
    path = module.replace(".", "/")
    for folder in (ROOT, ROOT / "src"):
        if (folder / f"{path}.py").is_file() or (folder / path / "__main__.py").is_file():
            return True
    try:
        return importlib.util.find_spec(module) is not None  # the standard library's (http.server)
    except ModuleNotFoundError:
        return False


def test_the_listed_test_variables_are_read_where_they_say() -> None:
    for variable, where in TEST_VARIABLES.items():
        assert variable in (ROOT / where).read_text(), f"{variable} is not read in {where}"


def test_the_checks_catch_a_stale_command() -> None:
    """The checks themselves, on made-up lines: each catches what it is for."""
    assert check_cli(["keys", "create", "--name", "N", "--expires", "30d"], build_parser())[0] is None
    assert "no command 'key'" in (check_cli(["key", "list"], build_parser())[0] or "")
    assert "no option --days" in (check_cli(["replay", "--days", "3"], build_parser())[0] or "")
    assert parse_cli(["serve", "--port", "9000"]) is None
    assert "--port" in (parse_cli(["serve", "--port", "99999"]) or "")
    assert "bench" in make_targets()
    assert "benchmark" not in make_targets()
    assert MAKE.findall("SCALE_ARGS=--quick make bench-scale") == ["bench-scale"]
    assert unknown_variables("`ASYNCEVENTS_RETRY__*`, ASYNCEVENTS_PORT, `WORKER__LEASE_SECONDS`") == []
    assert unknown_variables("`ASYNCEVENTS_RETRIES__*`, ASYNCEVENTS_PORTS, `WORKER__LEASE`") == [
        "ASYNCEVENTS_RETRIES__*",
        "ASYNCEVENTS_PORTS",
        "WORKER__LEASE",
    ]
    assert module_exists("bench.http_clients")
    assert module_exists("http.server")
    assert not module_exists("bench.nowhere")
    assert not module_exists("nowhere.at_all")
