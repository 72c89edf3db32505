"""The README's "Try it" block works as written: pasted into a shell beside a running
``serve`` and receiver, it makes a key, subscribes, publishes and shows the delivery."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.processes import ROOT, without_settings
from tests.support.serving import Start, free_port, until_up

pytestmark = pytest.mark.embedded


def readme_blocks() -> list[str]:
    """The shell blocks of the README's "Try it" paragraph, in order."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index("**Try it**")
    section = readme[start : readme.index("\n## ", start)]
    return re.findall(r"```sh\n(.*?)```", section, re.DOTALL)


def test_the_try_it_block_has_one_block_per_terminal() -> None:
    blocks = readme_blocks()
    assert [b.splitlines()[0] for b in blocks] == [
        "# terminal 1",
        "# terminal 2",
        '# terminal 3 (once terminal 1 prints "asyncevents-svc … is running")',
    ]
    assert blocks[0].splitlines()[1:] == ["make run"]


async def test_the_try_it_commands_work_as_written(serve: tuple[str, Start], tmp_path: Path) -> None:
    base, start = serve
    start()
    client = await until_up(base)
    await client.aclose()
    receiver_port = free_port()
    _, terminal_2, terminal_3 = readme_blocks()
    [command] = [line for line in terminal_2.splitlines() if not line.startswith("#")]
    receiver = subprocess.Popen(
        command.replace("9000", str(receiver_port)).replace("python3", sys.executable).split(),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        script = terminal_3.replace("localhost:8000", base.removeprefix("http://")).replace(
            "9000", str(receiver_port)
        )
        env = without_settings(ASYNCEVENTS_DATA_DIR=str(tmp_path / "var"))  # serve's folder
        done = await asyncio.to_thread(
            subprocess.run,
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        receiver.terminate()
        receiver.wait(10)
    assert done.returncode == 0, done.stderr
    assert '"subscription_id":1' in done.stdout
    assert '"status":"accepted"' in done.stdout
    assert '"last_status_code":501' in done.stdout, "the receiver's 501 is in the delivery's summary"
