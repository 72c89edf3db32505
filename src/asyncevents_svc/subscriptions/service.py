"""Subscription rules, shared by the native ``/v1`` and the Magento ``/V1`` routes.

Validation at create and update (SPEC §3): the event name exists in the catalogue or the
pattern matches at least one event; the notifier key is installed; the recipient fits the
notifier; a payload filter is well formed (:mod:`.filters`); custom headers do not replace
the service's own. Tokens and custom headers are encrypted before they reach the database
and never come back out through here except to the dispatcher.

Every change (update, status, delete) first passes the ``<resources>`` of the event the
subscription has now (:mod:`asyncevents_svc.auth.resources`), and an update that names a
new event passes that event's too: a key without an event's resources can neither
subscribe to it nor take over a subscription that receives it. Custom headers are the
receiver's credentials, so they do not follow a subscription to another recipient or
notifier: an update that re-points it drops them unless it sets ``headers`` itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.applications.scope import within
from asyncevents_svc.auth.resources import ResourceGuard
from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.catalogue.patterns import is_pattern, is_valid_pattern
from asyncevents_svc.crypto import TokenCipher, generate_token
from asyncevents_svc.db.models import DEFAULT_APPLICATION_ID, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import ordering
from asyncevents_svc.deliveries.policy import PLAIN_POLICY_FIELDS, SendPolicy
from asyncevents_svc.errors import Conflict, NotFound, ValidationFailed
from asyncevents_svc.notifiers.http import RESERVED_HEADERS, HttpNotifier
from asyncevents_svc.notifiers.registry import NotifierRegistry
from asyncevents_svc.subscriptions import filters, queries, verification
from asyncevents_svc.subscriptions.schemas import DeliveryPolicy, SubscriptionOut
from asyncevents_svc.subscriptions.status import SubscriptionStatus
from asyncevents_svc.types import PageCount


@dataclass(frozen=True)
class SubscriptionFields:
    """Plain values for a create or update; ``None`` means "leave as is" on update."""

    event_name: str | None = None
    recipient_url: str | None = None
    verification_token: str | None = None
    notifier: str | None = None
    status: str | None = None
    store_id: int | None = None
    description: str | None = None
    filter: dict[str, Any] | None = None
    payload_format: str | None = None
    signature: str | None = None
    ordering: str | None = None  # "none" | "fifo" (deliveries/ordering.py)
    ordering_key: str | None = None  # a payload path, with "fifo" only
    headers: dict[str, str] | None = None
    timeout: float | None = None
    retry_schedule: list[float] | None = None
    max_retries: int | None = None
    max_in_flight: int | None = None
    rate_limit: float | None = None
    cleared: frozenset[str] = frozenset()  # policy fields an update sets back to the default


def _check_policy_fields() -> None:
    """The policy fields are named once (:data:`PLAIN_POLICY_FIELDS`); the typed declarations
    that must carry each of them are checked against it at import, so a new field cannot be
    forgotten in one of them."""
    declared = {
        "SubscriptionFields": {f.name for f in dataclasses.fields(SubscriptionFields)},
        "SendPolicy": {f.name for f in dataclasses.fields(SendPolicy)},
        "DeliveryPolicy": set(DeliveryPolicy.model_fields),
        "SubscriptionOut": set(SubscriptionOut.model_fields),
    }
    for name, present in declared.items():
        missing = set(PLAIN_POLICY_FIELDS) - present
        if missing:  # pragma: no cover - a developer's slip
            raise TypeError(f"{name} lacks the policy fields {sorted(missing)}")


_check_policy_fields()


@dataclass(frozen=True)
class Updated:
    """An updated subscription and the custom headers the update dropped (re-pointed)."""

    subscription: Subscription
    dropped_headers: list[str]


class SubscriptionService:
    """Creates, changes and finds subscriptions inside one session (the caller commits)."""

    def __init__(
        self,
        session: AsyncSession,
        catalogue: Catalogue,
        notifiers: NotifierRegistry,
        cipher: TokenCipher,
        *,
        prefix: str = "",
        scopes: frozenset[str] | None = None,
        rotation_overlap: float = 86400.0,
        application_id: int | None = None,
        verify_endpoints: bool = False,
    ) -> None:
        self.session = session
        self.catalogue = catalogue
        self.notifiers = notifiers
        self.cipher = cipher
        self.prefix = prefix  # how field names are shown in errors ("asyncEvent." for /V1)
        self.scopes = scopes  # the caller's scopes; None only for trusted callers (the CLI)
        self.guard = ResourceGuard(catalogue, scopes)
        self.rotation_overlap = rotation_overlap
        # The application the caller reaches (a bound key's); None: every one (an operator).
        # Every read below filters by it, so another application's rows are never found.
        self.application_id = application_id
        self.verify_endpoints = verify_endpoints  # security.verify_endpoints

    def _verifies(self, notifier_key: str) -> bool:
        """Whether a subscription with this notifier must echo a challenge before it gets
        deliveries: with ``security.verify_endpoints``, every HTTP notifier's."""
        return self.verify_endpoints and isinstance(self.notifiers.get(notifier_key), HttpNotifier)

    def _set_status(self, sub: Subscription, status: str) -> None:
        """A status set by hand; turning a subscription back on forgets why it was disabled and
        restarts its endpoint-health clock. "active" never skips a verification: a
        subscription waiting for one stays ``unverified``, and one enabled whose recipient
        was never verified starts a challenge round."""
        verifies, was = self._verifies(sub.notifier), sub.status
        if status == SubscriptionStatus.ACTIVE and was == SubscriptionStatus.UNVERIFIED and verifies:
            return
        _set_status(sub, status)
        if status == SubscriptionStatus.DISABLED or was == SubscriptionStatus.UNVERIFIED:
            verification.end_round(sub)
        elif was == SubscriptionStatus.DISABLED and verifies and sub.verified_at is None:
            verification.start_round(sub, utcnow())

    def _check_event_name(self, name: str) -> None:
        if is_pattern(name):
            if not is_valid_pattern(name):
                raise ValidationFailed(
                    self.prefix + "event_name",
                    "a wildcard must be a whole segment: `sales.*`, `*.created`, `*`",
                )
            if not self.catalogue.matching(name):
                raise ValidationFailed(
                    self.prefix + "event_name",
                    f"pattern {name!r} matches no event in the catalogue",
                )
        elif name not in self.catalogue:
            raise ValidationFailed(self.prefix + "event_name", f"event {name!r} is not in the catalogue")
        self._check_resources(name)

    def _check_resources(self, name: str) -> None:
        """The caller must hold every ``<resource>`` of every event the name or pattern selects."""
        self.guard.require([name], f"subscribing to {name!r}")

    def _check_change(self, subs: list[Subscription]) -> None:
        """The caller must hold the resources of the events these subscriptions receive now."""
        refused = sorted(sub.id for sub in subs if self.guard.missing([sub.event_name]))
        if refused:
            which = f"subscription {refused[0]}" if len(refused) == 1 else f"subscriptions {refused}"
            self.guard.require([sub.event_name for sub in subs], f"changing {which}")

    def _apply_policy(self, sub: Subscription, fields: SubscriptionFields) -> None:
        """Set (or, for ``fields.cleared``, remove) the filter, the payload format and the
        delivery policy."""
        if fields.payload_format is not None:
            sub.payload_format = fields.payload_format
        if fields.signature is not None:
            sub.signature = fields.signature
        self._apply_ordering(sub, fields)
        if fields.filter is not None:
            filters.parse(fields.filter, self.prefix + "filter")
            sub.filter = fields.filter
        if fields.headers is not None:
            reserved = sorted(name for name in fields.headers if name.lower() in RESERVED_HEADERS)
            if reserved:
                raise ValidationFailed(self.prefix + "headers", f"set by the service itself: {reserved}")
            if len({name.lower() for name in fields.headers}) != len(fields.headers):
                raise ValidationFailed(self.prefix + "headers", "a header name appears twice")
            sub.headers_encrypted = self.cipher.encrypt(orjson.dumps(fields.headers).decode())
            sub.header_names = sorted(fields.headers)
        for name in PLAIN_POLICY_FIELDS:
            value = getattr(fields, name)
            if value is not None:
                setattr(sub, name, value)
        for name in fields.cleared:
            if name == "headers":
                sub.headers_encrypted = sub.header_names = None
            else:
                setattr(sub, name, None)

    def _apply_ordering(self, sub: Subscription, fields: SubscriptionFields) -> None:
        """``ordering`` and its ``ordering_key`` path (a filter's path syntax): a key only
        with ``fifo``; ``none`` drops the key."""
        if fields.ordering is not None:
            sub.ordering = fields.ordering
        if fields.ordering_key is not None:
            if sub.ordering != ordering.FIFO:
                raise ValidationFailed(self.prefix + "ordering_key", 'only with "ordering": "fifo"')
            filters.parse_path(fields.ordering_key, self.prefix + "ordering_key")
            sub.ordering_key = fields.ordering_key
        elif "ordering_key" in fields.cleared or sub.ordering != ordering.FIFO:
            sub.ordering_key = None

    async def _check_target(self, notifier_key: str, recipient: str) -> None:
        notifier = self.notifiers.get(notifier_key)
        if notifier is None and notifier_key in self.notifiers.unavailable:
            raise ValidationFailed(
                self.prefix + "metadata",
                f"notifier {notifier_key!r} is not available in this installation: "
                f"{self.notifiers.unavailable[notifier_key]}",
            )
        if notifier is None:
            raise ValidationFailed(
                self.prefix + "metadata",
                f"notifier {notifier_key!r} is not installed; installed: {', '.join(self.notifiers.keys())}",
            )
        problem = await notifier.check_recipient(recipient)
        if problem:
            raise ValidationFailed(self.prefix + "recipient_url", f"{problem} (notifier {notifier_key!r})")

    async def create(
        self, fields: SubscriptionFields, *, application_id: int | None = None
    ) -> tuple[Subscription, str | None]:
        """Store a new subscription in ``application_id`` (by default the caller's own
        application, or ``default`` for an operator); returns it and the generated token, if
        one was generated."""
        assert fields.event_name is not None
        owner = application_id if application_id is not None else self.application_id
        if self.application_id is not None and owner != self.application_id:
            # The routers resolve the body's uid first (applications.scope.target); this is
            # the last line, with the same answer as theirs.
            raise ValidationFailed(
                self.prefix + "application", "a key bound to an application creates in it only"
            )
        assert fields.recipient_url is not None
        notifier = fields.notifier or "http"
        self._check_event_name(fields.event_name)
        await self._check_target(notifier, fields.recipient_url)
        generated = None if fields.verification_token else generate_token()
        token = fields.verification_token or generated
        assert token is not None
        now = utcnow()
        sub = Subscription(
            event_name=fields.event_name,
            recipient_url=fields.recipient_url,
            token_encrypted=self.cipher.encrypt(token),
            notifier=notifier,
            status=fields.status or SubscriptionStatus.ACTIVE,
            store_id=fields.store_id or 0,
            description=fields.description,
            application_id=DEFAULT_APPLICATION_ID if owner is None else owner,
            subscribed_at=now,
            modified=now,
        )
        self._apply_policy(sub, fields)
        if sub.status == SubscriptionStatus.ACTIVE and self._verifies(notifier):
            verification.start_round(sub, now)
        self.session.add(sub)
        try:
            await self.session.flush()
        except IntegrityError:
            # The application went between the key's check and now (deleted by another
            # process while this one still trusted its cached key): a 404, not a 500.
            raise NotFound("the application of this subscription does not exist") from None
        return sub, generated

    async def find_one(self, subscription_id: int) -> Subscription | None:
        """The subscription with this id if the caller reaches its application, else ``None``
        (another application's is not told apart from one that does not exist)."""
        found: Subscription | None = await self.session.scalar(
            select(Subscription).where(
                Subscription.id == subscription_id, *within(Subscription.application_id, self.application_id)
            )
        )
        return found

    async def get(self, subscription_id: int) -> Subscription:
        """:meth:`find_one`, or a 404."""
        sub = await self.find_one(subscription_id)
        if sub is None:
            raise NotFound(f"subscription {subscription_id} does not exist")
        return sub

    async def update(self, sub: Subscription, fields: SubscriptionFields) -> Updated:
        """Apply the given fields; re-validates the event name and the notifier/recipient pair.

        Needs the resources of the subscription's event, old and new. A new recipient or
        notifier drops the custom headers unless ``fields`` sets (or clears) them too.
        """
        self._check_change([sub])
        if fields.event_name is not None:
            self._check_event_name(fields.event_name)
            sub.event_name = fields.event_name
        notifier = fields.notifier if fields.notifier is not None else sub.notifier
        recipient = fields.recipient_url if fields.recipient_url is not None else sub.recipient_url
        if fields.notifier is not None or fields.recipient_url is not None:
            await self._check_target(notifier, recipient)
        repointed = (notifier, recipient) != (sub.notifier, sub.recipient_url)
        sets_headers = fields.headers is not None or "headers" in fields.cleared
        dropped: list[str] = []
        if repointed and not sets_headers and sub.headers_encrypted is not None:
            dropped = list(sub.header_names or [])
            sub.headers_encrypted = sub.header_names = None
        sub.notifier, sub.recipient_url = notifier, recipient
        if repointed:
            # Like the custom headers, a verification never follows a changed recipient.
            sub.verified_at = None
        if fields.verification_token is not None and fields.verification_token != self.cipher.decrypt(
            sub.token_encrypted
        ):
            # The old token keeps signing beside the new one for the overlap window.
            sub.previous_token_encrypted = sub.token_encrypted
            sub.previous_token_expires_at = utcnow() + timedelta(seconds=self.rotation_overlap)
            sub.token_encrypted = self.cipher.encrypt(fields.verification_token)
        if fields.status is not None:
            self._set_status(sub, fields.status)
        if repointed and sub.status != SubscriptionStatus.DISABLED:
            if self._verifies(notifier):
                verification.start_round(sub, utcnow())
            elif sub.status == SubscriptionStatus.UNVERIFIED:  # no verification for this notifier
                verification.end_round(sub)
                sub.status = SubscriptionStatus.ACTIVE
        if fields.store_id is not None:
            sub.store_id = fields.store_id
        if fields.description is not None:
            sub.description = fields.description
        was_ordered = sub.ordering == ordering.FIFO
        self._apply_policy(sub, fields)
        sub.modified = utcnow()
        await self.session.flush()
        if was_ordered and sub.ordering != ordering.FIFO:
            await ordering.unorder(self.session, sub.id, sub.modified)
        return Updated(sub, dropped)

    async def restart_verification(self, sub: Subscription) -> None:
        """Send the challenge again: a new round, due now (the worker sends it). Needs the
        resources of the subscription's event like any change."""
        self._check_change([sub])
        if not self._verifies(sub.notifier):
            raise Conflict(
                "endpoint verification is off"
                if not self.verify_endpoints
                else f"notifier {sub.notifier!r} is not verified: only HTTP endpoints are"
            )
        if sub.status != SubscriptionStatus.UNVERIFIED:
            why = "its endpoint is verified" if sub.status == SubscriptionStatus.ACTIVE else "enable it first"
            raise Conflict(f"subscription {sub.id} is {sub.status}: {why}")
        verification.start_round(sub, utcnow())
        sub.modified = utcnow()
        await self.session.flush()

    async def delete(self, sub: Subscription) -> None:
        """Delete; needs the resources of the subscription's event like any change."""
        self._check_change([sub])
        await self.session.delete(sub)
        await self.session.flush()

    async def find(self, *, filters: dict[str, Any], after_id: int | None, limit: int) -> list[Subscription]:
        """Subscriptions of the caller's application(s) in id order, after a cursor, filtered
        by column equality (an ``application_id`` filter narrows an operator's list)."""
        return await queries.find(
            self.session, filters=filters, after_id=after_id, limit=limit, application_id=self.application_id
        )

    async def count(self, *, filters: dict[str, Any]) -> PageCount:
        """How many subscriptions :meth:`find` would list with ``filters``, up to a cap."""
        return await queries.count(self.session, filters=filters, application_id=self.application_id)

    async def set_status(self, ids: list[int], status: str) -> list[int]:
        """Set ``status`` on every existing id; returns the ids that exist.

        All or nothing: one subscription whose event needs a resource the caller lacks
        refuses the whole request, naming it."""
        reached = within(Subscription.application_id, self.application_id)
        subs = list(
            (await self.session.scalars(select(Subscription).where(Subscription.id.in_(ids), *reached))).all()
        )
        self._check_change(subs)
        now = utcnow()
        for sub in subs:
            self._set_status(sub, status)
            sub.modified = now
        await self.session.flush()
        return sorted(sub.id for sub in subs)


def _set_status(sub: Subscription, status: str) -> None:
    """A status set by hand; turning a subscription back on forgets why it was disabled and
    restarts its endpoint-health clock."""
    if status == SubscriptionStatus.ACTIVE and sub.status != SubscriptionStatus.ACTIVE:
        sub.disabled_reason = sub.disabled_at = sub.failing_since = None
    sub.status = status
