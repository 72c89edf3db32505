"""``cleanup``: apply the retention period now, instead of waiting for the worker's sweep."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO

from asyncevents_svc.cli.database import open_database
from asyncevents_svc.cli.output import Progress, emit
from asyncevents_svc.deliveries import retention
from asyncevents_svc.settings import RetentionSettings, Settings


def cleanup(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(clean_up(settings, days=args.days, as_json=args.json))


async def clean_up(
    settings: Settings, *, days: float | None, as_json: bool = False, out: TextIO = sys.stdout
) -> int:
    """Apply the retention period now (``days`` overrides the setting)."""
    policy = settings.retention if days is None else RetentionSettings(days=days)
    removed_so_far = 0
    bar = Progress("rows deleted")  # the total is not known in advance: a running count

    def on_batch(count: int) -> None:
        nonlocal removed_so_far
        removed_so_far += count
        if count:
            bar(removed_so_far)

    async with open_database(settings) as sessions:
        removed = await retention.clean_up(sessions, policy, on_batch=on_batch)
    if removed_so_far:
        bar.close()
    text = (
        f"removed {removed.attempts} attempts, {removed.deliveries} deliveries, "
        f"{removed.events} events older than {policy.days:g} days"
    )
    emit({**vars(removed), "days": policy.days}, as_json=as_json, text=text, out=out)
    return 0
