"""Encryption of stored secrets (verification tokens) with Fernet.

``ASYNCEVENTS_ENCRYPTION_KEY`` holds one or more Fernet keys separated by commas; the first
encrypts, all decrypt (MultiFernet), so keys can be rotated. Outside production a missing
key is generated once into ``<data_dir>/encryption.key`` (mode 0600); in production a
missing key stops start-up.
"""

from __future__ import annotations

import os
import secrets
from collections import OrderedDict
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from asyncevents_svc.db.private_files import private_folder
from asyncevents_svc.settings import Settings


class EncryptionKeyError(Exception):
    """No usable encryption key."""


class TokenCipher:
    """Encrypts and decrypts verification tokens."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise EncryptionKeyError("at least one encryption key is needed")
        try:
            self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys])
        except ValueError as exc:
            raise EncryptionKeyError(
                "ASYNCEVENTS_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes), comma separated"
            ) from exc

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def rotate(self, token: str) -> str:
        """Re-encrypt a stored secret under the first (newest) key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise EncryptionKeyError("stored secret cannot be decrypted with the configured keys") from exc

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise EncryptionKeyError("stored secret cannot be decrypted with the configured keys") from exc


class DecryptedSecrets:
    """The plaintexts of the secrets one process decrypts again and again (a worker sends
    many deliveries per subscription), for at most ``size`` ciphertexts, least recently used
    out first. Keyed by the ciphertext, so a rotated token (a new ciphertext) is never served
    stale; a Fernet decryption is ~0.1 ms of CPU, a few per cent of a worker's per-send cost."""

    def __init__(self, cipher: TokenCipher, size: int = 1024) -> None:
        self.cipher = cipher
        self.size = size
        self._plain: OrderedDict[str, str] = OrderedDict()

    def decrypt(self, token: str) -> str:
        plain = self._plain.get(token)
        if plain is None:
            plain = self._plain[token] = self.cipher.decrypt(token)
            if len(self._plain) > self.size:
                self._plain.popitem(last=False)
        else:
            self._plain.move_to_end(token)
        return plain


def generate_token() -> str:
    """A new verification token: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def cipher_from_settings(settings: Settings) -> TokenCipher:
    """The cipher for these settings, generating a development key file when needed."""
    if settings.encryption_key is not None:
        keys = [k for k in settings.encryption_key.get_secret_value().split(",") if k.strip()]
        return TokenCipher(keys)
    if settings.env == "production":
        raise EncryptionKeyError(
            "ASYNCEVENTS_ENCRYPTION_KEY is required in production; create one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
        )
    return TokenCipher([_key_file(settings.data_dir)])


def _key_file(data_dir: Path) -> str:
    path = data_dir / "encryption.key"
    if path.exists():
        return path.read_text().strip()
    private_folder(data_dir)
    key = Fernet.generate_key().decode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
