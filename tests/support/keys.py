"""API keys for tests that check what a scope (or a resource) lets a caller do."""

from __future__ import annotations

from asyncevents_svc.auth.keys import create_key
from asyncevents_svc.runtime import Runtime


async def key_with(runtime: Runtime, *scopes: str, **extra: object) -> str:
    """A real key in the database holding ``scopes`` and every catalogue resource;
    ``extra`` goes to :func:`create_key` (``expires_at=...``, say)."""
    async with runtime.sessions() as session:
        _, key = await create_key(
            session,
            name="t",
            scopes=list(scopes),
            resources=runtime.catalogue.resources(),
            **extra,  # type: ignore[arg-type]
        )
        await session.commit()
    return key


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
