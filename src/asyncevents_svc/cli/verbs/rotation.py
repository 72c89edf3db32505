"""``rotate-encryption-key``: re-encrypt every stored secret under the first key of
``ASYNCEVENTS_ENCRYPTION_KEY``.

Run it after putting a new key first (keep the old ones after it); once it has finished,
the old keys can be removed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO

from asyncevents_svc.cli.database import open_database
from asyncevents_svc.cli.output import Progress, emit
from asyncevents_svc.crypto import cipher_from_settings
from asyncevents_svc.settings import Settings
from asyncevents_svc.subscriptions.reencryption import reencrypt_tokens


def rotate_encryption_key(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(reencrypt(settings, as_json=args.json))


async def reencrypt(
    settings: Settings, *, batch: int = 200, as_json: bool = False, out: TextIO = sys.stdout
) -> int:
    """Re-encrypt the subscriptions' tokens in batches, with a progress bar on stderr."""
    cipher = cipher_from_settings(settings)  # a malformed key fails before any connection
    async with open_database(settings) as sessions:
        bar = Progress("re-encrypting")
        done = await reencrypt_tokens(sessions, cipher, batch=batch, progress=bar)
        bar.close()
    text = f"re-encrypted {done} subscriptions under the first key"
    emit({"reencrypted": done}, as_json=as_json, text=text, out=out)
    return 0
