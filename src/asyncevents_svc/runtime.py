"""The parts one process shares: catalogue, notifiers, cipher, database, publisher.

Built from the settings by :func:`build_runtime` (the catalogue and notifier registry are
loaded strictly, so a bad ``events.xml`` or plugin stops start-up, as does a malformed
fetch allow-list) and opened by the API lifespan or the worker. Nothing here exists at
import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from asyncevents_svc.auth.keys import KeyVerifier
from asyncevents_svc.auth.throttle import FailureLimiter
from asyncevents_svc.catalogue.fetch import fetch_policy
from asyncevents_svc.catalogue.loader import load_catalogue
from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.crypto import TokenCipher, cipher_from_settings
from asyncevents_svc.db.engine import SessionFactory, create_engine, session_factory
from asyncevents_svc.events.committer import GroupCommitter
from asyncevents_svc.messaging.dbqueue import READY_CHANNEL
from asyncevents_svc.messaging.publisher import EventPublisher, NullPublisher
from asyncevents_svc.notifiers.base import NotifierContext
from asyncevents_svc.notifiers.registry import NotifierRegistry
from asyncevents_svc.notifiers.ssrf import RecipientPolicy
from asyncevents_svc.observability.metrics import Metrics
from asyncevents_svc.observability.tracing import Tracing
from asyncevents_svc.settings import Settings
from asyncevents_svc.signing.keyring import Keyring
from asyncevents_svc.subscriptions.health import operational_events
from asyncevents_svc.subscriptions.service import SubscriptionService


@dataclass
class Runtime:
    settings: Settings
    catalogue: Catalogue
    notifiers: NotifierRegistry
    cipher: TokenCipher
    engine: AsyncEngine
    sessions: SessionFactory
    keys: KeyVerifier
    ingest: GroupCommitter
    metrics: Metrics
    tracing: Tracing
    #: The SSRF guard of ``asyncevents.http_fetch`` (``security.fetch_allowlist``).
    fetch_policy: RecipientPolicy
    #: The service's Ed25519 keys (``v1a`` signatures, ``GET /v1/signing-keys``).
    keyring: Keyring
    publisher: EventPublisher = field(default_factory=NullPublisher)

    def subscription_service(
        self,
        session: AsyncSession,
        scopes: frozenset[str],
        *,
        prefix: str = "",
        application_id: int | None = None,
    ) -> SubscriptionService:
        """The subscription service for one API request (the native and the Magento routes),
        reaching the caller's application only (``application_id``; ``None``: an operator)."""
        return SubscriptionService(
            session,
            self.catalogue,
            self.notifiers,
            self.cipher,
            prefix=prefix,
            scopes=scopes,
            rotation_overlap=self.settings.security.token_rotation_overlap,
            application_id=application_id,
            verify_endpoints=self.settings.security.verify_endpoints,
        )

    async def close(self) -> None:
        await self.ingest.close()
        await self.publisher.close()
        await self.notifiers.close()
        await self.engine.dispose()
        await self.tracing.close()


def _notifies(settings: Settings, engine: AsyncEngine) -> bool:
    return settings.broker_url is None and engine.dialect.name == "postgresql"


def build_runtime(settings: Settings, *, catalogue: Catalogue | None = None) -> Runtime:
    """Load the catalogue and plugins and create (not yet connect) the engine.

    ``catalogue``, when given, is the already loaded ``settings.events_file`` (the test suite
    loads it once per run instead of once per test).
    """
    if catalogue is None:
        catalogue = load_catalogue(settings.events_file)
    if settings.endpoint_health.publish_event:
        catalogue = catalogue.with_events(operational_events())
    notifiers = NotifierRegistry.discover(NotifierContext(settings))
    engine = create_engine(settings)
    sessions = session_factory(engine)
    metrics = Metrics()
    cipher = cipher_from_settings(settings)
    return Runtime(
        settings=settings,
        catalogue=catalogue,
        notifiers=notifiers,
        cipher=cipher,
        engine=engine,
        sessions=sessions,
        keys=KeyVerifier(
            sessions,
            FailureLimiter(
                budget=settings.security.auth_failure_budget,
                window=settings.security.auth_failure_window,
                max_clients=settings.security.auth_failure_clients,
            ),
        ),
        # The database queue on PostgreSQL: ingest NOTIFYs the workers (see messaging/dbqueue.py).
        ingest=GroupCommitter(
            sessions, READY_CHANNEL if _notifies(settings, engine) else None, metrics=metrics
        ),
        metrics=metrics,
        tracing=Tracing(settings.tracing),
        fetch_policy=fetch_policy(
            settings.security, settings.env, resolve_timeout=settings.http.connect_timeout
        ),
        keyring=Keyring(sessions, cipher, settings.security),
    )
