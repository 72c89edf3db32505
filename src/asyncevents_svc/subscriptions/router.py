"""Native subscription routes: ``/v1/subscriptions``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status

from asyncevents_svc.api.cursors import decode_id, encode_id
from asyncevents_svc.api.deps import CallerDep, RuntimeDep, SessionDep, authorize
from asyncevents_svc.api.problems import PROBLEM_RESPONSES, problem_responses
from asyncevents_svc.applications import scope
from asyncevents_svc.applications.service import uids
from asyncevents_svc.db.models import DEFAULT_APPLICATION_ID, Subscription
from asyncevents_svc.deliveries.policy import PLAIN_POLICY_FIELDS
from asyncevents_svc.subscriptions.schemas import (
    POLICY_FIELDS,
    BulkStatus,
    BulkStatusResult,
    ShownStatus,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionOut,
    SubscriptionPage,
    SubscriptionUpdate,
    SubscriptionUpdated,
    VerificationOut,
)
from asyncevents_svc.subscriptions.service import SubscriptionFields, SubscriptionService
from asyncevents_svc.subscriptions.status import SubscriptionStatus
from asyncevents_svc.textchecks import Line
from asyncevents_svc.types import COUNT_DESCRIPTION

router = APIRouter(
    prefix="/v1/subscriptions",
    tags=["subscriptions"],
    dependencies=[Depends(authorize)],
    responses=PROBLEM_RESPONSES,
)


async def service(session: SessionDep, runtime: RuntimeDep, caller: CallerDep) -> SubscriptionService:
    return runtime.subscription_service(session, caller.scopes, application_id=caller.application_id)


ServiceDep = Annotated[SubscriptionService, Depends(service)]
SubscriptionId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def to_out(sub: Subscription, names: dict[int, str]) -> SubscriptionOut:
    """The API's view; ``names``: the uid of each application id (:func:`named`)."""
    return SubscriptionOut(
        subscription_id=sub.id,
        application=names.get(sub.application_id, f"#{sub.application_id}"),
        event_name=sub.event_name,
        recipient_url=sub.recipient_url,
        metadata=sub.notifier,
        status=_shown_status(sub.status),
        store_id=sub.store_id,
        description=sub.description,
        filter=sub.filter,
        payload_format="cloudevents" if sub.payload_format == "cloudevents" else "data",
        signature=sub.signature if sub.signature in ("v1a", "both") else "v1",
        ordering="fifo" if sub.ordering == "fifo" else "none",
        ordering_key=sub.ordering_key if sub.ordering == "fifo" else None,
        header_names=sub.header_names or [],
        **{name: getattr(sub, name) for name in PLAIN_POLICY_FIELDS},
        disabled_reason=sub.disabled_reason,
        disabled_at=sub.disabled_at,
        verification=verification_of(sub),
        subscribed_at=sub.subscribed_at,
        modified=sub.modified,
    )


def _shown_status(status: str) -> ShownStatus:
    if status == SubscriptionStatus.ACTIVE:
        return "active"
    return "unverified" if status == SubscriptionStatus.UNVERIFIED else "disabled"


def verification_of(sub: Subscription) -> VerificationOut | None:
    """The ``verification`` object (never the challenge); None if none was ever asked."""
    if sub.verification_started_at is None and sub.verified_at is None:
        return None
    if sub.status == SubscriptionStatus.UNVERIFIED:
        state: Literal["pending", "expired", "verified", "stopped"] = (
            "pending" if sub.verification_due_at is not None else "expired"
        )
    else:
        state = "verified" if sub.verified_at is not None else "stopped"
    return VerificationOut(
        state=state,
        started_at=sub.verification_started_at,
        attempts=sub.verification_attempts or 0,
        last_attempt_at=sub.verification_last_at,
        next_attempt_at=sub.verification_due_at,
        last_error=sub.verification_error,
        verified_at=sub.verified_at,
    )


async def named(svc: SubscriptionService, *subs: Subscription) -> dict[int, str]:
    """The uids of these subscriptions' applications (one query)."""
    return await uids(svc.session, {sub.application_id for sub in subs})


def _fields(body: SubscriptionCreate | SubscriptionUpdate) -> SubscriptionFields:
    token = body.verification_token.get_secret_value() if body.verification_token else None
    return SubscriptionFields(
        event_name=body.event_name,
        recipient_url=body.recipient_url,
        verification_token=token,
        notifier=body.metadata,
        status=body.status,
        store_id=body.store_id,
        description=body.description,
        filter=body.filter,
        payload_format=body.payload_format,
        signature=body.signature,
        ordering=body.ordering,
        ordering_key=body.ordering_key,
        headers=body.headers,
        **{name: getattr(body, name) for name in PLAIN_POLICY_FIELDS},
        cleared=frozenset(
            name
            for name in (*POLICY_FIELDS, "ordering_key")
            if name in body.model_fields_set and getattr(body, name) is None
        ),
    )


@router.post(
    "",
    operation_id="createSubscription",
    status_code=status.HTTP_201_CREATED,
    response_model=SubscriptionCreated,
    responses=problem_responses(413),
)
async def create_subscription(body: SubscriptionCreate, svc: ServiceDep) -> SubscriptionCreated:
    """Subscribe a recipient to an event (or pattern). A generated token is returned once.

    It belongs to the key's application (a bound key), or to `application` (an operator key;
    `default` without it)."""
    owner = await scope.target(
        svc.session, svc.application_id, body.application, default=DEFAULT_APPLICATION_ID
    )
    sub, generated = await svc.create(_fields(body), application_id=owner)
    names = await named(svc, sub)
    await svc.session.commit()
    return SubscriptionCreated(**to_out(sub, names).model_dump(), verification_token=generated)


@router.get("", operation_id="listSubscriptions", response_model=SubscriptionPage)
async def list_subscriptions(
    svc: ServiceDep,
    event_name: Annotated[Line | None, Query(max_length=255)] = None,
    status_: Annotated[ShownStatus | None, Query(alias="status")] = None,
    store_id: Annotated[int | None, Query(ge=0, le=2_147_483_647)] = None,
    metadata: Annotated[Line | None, Query(max_length=64)] = None,
    application: Annotated[
        str | None,
        Query(max_length=64, description="Only this application's (its uid); an operator key's filter."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    count: Annotated[bool, Query(description=COUNT_DESCRIPTION)] = False,
) -> SubscriptionPage:
    """Subscriptions in creation order, filtered; follow ``next_cursor`` for more. A key
    bound to an application lists that application's only."""
    filters = {
        "event_name": event_name,
        "status": status_,
        "store_id": store_id,
        "notifier": metadata,
        "application_id": await scope.reach(svc.session, svc.application_id, application),
    }
    after = decode_id("s", cursor) if cursor else None
    subs = await svc.find(filters=filters, after_id=after, limit=limit + 1)
    more = len(subs) > limit
    subs = subs[:limit]
    names = await named(svc, *subs)
    return SubscriptionPage(
        items=[to_out(s, names) for s in subs],
        next_cursor=encode_id("s", subs[-1].id) if more and subs else None,
        count=await svc.count(filters=filters) if count else None,
    )


@router.post(
    "/bulk-status",
    operation_id="setSubscriptionsStatus",
    response_model=BulkStatusResult,
    responses=problem_responses(413),
)
async def bulk_status(body: BulkStatus, svc: ServiceDep) -> BulkStatusResult:
    """Enable or disable many subscriptions at once; all or nothing: one whose event needs a
    `<resource>` the key lacks refuses the request (403 naming it)."""
    updated = await svc.set_status(body.ids, body.status)
    await svc.session.commit()
    return BulkStatusResult(updated=updated, not_found=sorted(set(body.ids) - set(updated)))


@router.get(
    "/{subscription_id}",
    operation_id="getSubscription",
    response_model=SubscriptionOut,
    responses=problem_responses(404),
)
async def get_subscription(subscription_id: SubscriptionId, svc: ServiceDep) -> SubscriptionOut:
    sub = await svc.get(subscription_id)
    return to_out(sub, await named(svc, sub))


@router.patch(
    "/{subscription_id}",
    operation_id="updateSubscription",
    response_model=SubscriptionUpdated,
    responses=problem_responses(404, 413),
)
async def update_subscription(
    subscription_id: SubscriptionId, body: SubscriptionUpdate, svc: ServiceDep
) -> SubscriptionUpdated:
    """Change any field; a new ``verification_token`` replaces the old one.

    Needs the `<resources>` of the subscription's event (and of a new `event_name`). A new
    `recipient_url` or `metadata` drops the custom headers unless `headers` is set too; the
    answer's `dropped_headers` names them."""
    updated = await svc.update(await svc.get(subscription_id), _fields(body))
    names = await named(svc, updated.subscription)
    await svc.session.commit()
    return SubscriptionUpdated(
        **to_out(updated.subscription, names).model_dump(), dropped_headers=updated.dropped_headers
    )


@router.delete(
    "/{subscription_id}",
    operation_id="deleteSubscription",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
)
async def delete_subscription(subscription_id: SubscriptionId, svc: ServiceDep) -> Response:
    """Delete; needs the `<resources>` of the subscription's event."""
    await svc.delete(await svc.get(subscription_id))
    await svc.session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{subscription_id}/verification",
    operation_id="resendVerification",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SubscriptionOut,
    responses=problem_responses(404, 409),
)
async def resend_verification(subscription_id: SubscriptionId, svc: ServiceDep) -> SubscriptionOut:
    """Send the endpoint's challenge again (`security.verify_endpoints`): a new round of
    challenges starts now, sent by the worker; the answer shows it `pending`. A 409 when the
    subscription is not `unverified` (already verified, or disabled) or verification is off.
    Needs the `<resources>` of the subscription's event, like any change."""
    sub = await svc.get(subscription_id)
    await svc.restart_verification(sub)
    names = await named(svc, sub)
    await svc.session.commit()
    return to_out(sub, names)
