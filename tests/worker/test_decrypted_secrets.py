"""The worker decrypts a subscription's secrets once, not for every delivery, and never
serves a rotated secret's old value."""

from __future__ import annotations

from cryptography.fernet import Fernet

from asyncevents_svc.crypto import DecryptedSecrets, TokenCipher


class CountingCipher(TokenCipher):
    def __init__(self) -> None:
        super().__init__([Fernet.generate_key().decode()])
        self.decryptions = 0

    def decrypt(self, token: str) -> str:
        self.decryptions += 1
        return super().decrypt(token)


def test_a_secret_is_decrypted_once_for_many_sends() -> None:
    cipher = CountingCipher()
    secrets = DecryptedSecrets(cipher)
    stored = cipher.encrypt("whsec-one")

    assert [secrets.decrypt(stored) for _ in range(100)] == ["whsec-one"] * 100
    assert cipher.decryptions == 1


def test_a_rotated_secret_is_a_new_ciphertext_and_decrypted_anew() -> None:
    cipher = CountingCipher()
    secrets = DecryptedSecrets(cipher)
    secrets.decrypt(cipher.encrypt("old"))

    assert secrets.decrypt(cipher.encrypt("new")) == "new"
    assert cipher.decryptions == 2


def test_at_most_size_secrets_are_kept_least_recently_used_out_first() -> None:
    cipher = CountingCipher()
    secrets = DecryptedSecrets(cipher, size=2)
    a, b, c = (cipher.encrypt(name) for name in "abc")
    secrets.decrypt(a)
    secrets.decrypt(b)
    secrets.decrypt(a)  # a is now the most recent
    secrets.decrypt(c)  # b goes

    before = cipher.decryptions
    assert (secrets.decrypt(a), secrets.decrypt(c)) == ("a", "c")
    assert cipher.decryptions == before
    secrets.decrypt(b)
    assert cipher.decryptions == before + 1
