from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.subscription_create_ordering import SubscriptionCreateOrdering
from ..models.subscription_create_payload_format import SubscriptionCreatePayloadFormat
from ..models.subscription_create_signature import SubscriptionCreateSignature
from ..models.subscription_create_status import SubscriptionCreateStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.subscription_create_filter_type_0 import SubscriptionCreateFilterType0
    from ..models.subscription_create_headers_type_0 import SubscriptionCreateHeadersType0


T = TypeVar("T", bound="SubscriptionCreate")


@_attrs_define
class SubscriptionCreate:
    """A new subscription. Omit ``verification_token`` to have one generated (returned once).

    Attributes:
        event_name (str): An event name from the catalogue, or a pattern (`sales.order.*`, `*.created`, `*`).
        recipient_url (str): Where deliveries are sent (for the `http` notifier, an HTTPS URL).
        application (None | str | Unset): The application (uid) it belongs to.
        description (None | str | Unset): Free text for operators.
        filter_ (None | SubscriptionCreateFilterType0 | Unset): A payload filter: only events whose payload matches get
            a delivery.
        headers (None | SubscriptionCreateHeadersType0 | Unset): Extra HTTP headers sent with each delivery (never shown
            again: only `header_names`).
        max_in_flight (int | None | Unset): At most this many deliveries to this subscription at once.
        max_retries (int | None | Unset): Retries after the first attempt before the delivery is dead.
        metadata (str | Unset): Notifier key (`GET /v1/notifiers`). Default: 'http'.
        ordering (SubscriptionCreateOrdering | Unset): `fifo`: deliveries one at a time, in the order the events were
            accepted, per `ordering_key` (README, "Ordering"); a failing delivery holds the ones behind it until it is
            delivered, dead or cancelled. `none`: concurrent, in no set order. Default: SubscriptionCreateOrdering.NONE.
        ordering_key (None | str | Unset): With `fifo`: a payload path (e.g. `entity_id`) whose value splits the order
            into lines, sent in parallel; none or a missing value: one line.
        payload_format (SubscriptionCreatePayloadFormat | Unset): `data`: the module's `{"data": payload}`;
            `cloudevents`: a CloudEvents 1.0 structured-mode JSON event (`application/cloudevents+json`). Default:
            SubscriptionCreatePayloadFormat.DATA.
        rate_limit (float | None | Unset): At most this many deliveries per second to this subscription.
        retry_schedule (list[float] | None | Unset): Seconds before each retry.
        signature (SubscriptionCreateSignature | Unset): What `webhook-signature` carries (Standard Webhooks): `v1`,
            HMAC-SHA256 with the verification token; `v1a`, Ed25519 with the service's signing key, verified with its public
            key from `GET /v1/signing-keys`; `both`, the two space-separated (`v1,… v1a,…`). `x-magento-signature` (HMAC) is
            sent in every case. Default: SubscriptionCreateSignature.V1.
        status (SubscriptionCreateStatus | Unset): The status. Default: SubscriptionCreateStatus.ACTIVE.
        store_id (int | Unset): 0 = all stores; otherwise only that store's events. Default: 0.
        timeout (float | None | Unset): Seconds to wait for the receiver's answer.
        verification_token (None | str | Unset): The HMAC key of the signatures; omit it on create to get one generated.
    """

    event_name: str
    recipient_url: str
    application: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    filter_: None | SubscriptionCreateFilterType0 | Unset = UNSET
    headers: None | SubscriptionCreateHeadersType0 | Unset = UNSET
    max_in_flight: int | None | Unset = UNSET
    max_retries: int | None | Unset = UNSET
    metadata: str | Unset = "http"
    ordering: SubscriptionCreateOrdering | Unset = SubscriptionCreateOrdering.NONE
    ordering_key: None | str | Unset = UNSET
    payload_format: SubscriptionCreatePayloadFormat | Unset = SubscriptionCreatePayloadFormat.DATA
    rate_limit: float | None | Unset = UNSET
    retry_schedule: list[float] | None | Unset = UNSET
    signature: SubscriptionCreateSignature | Unset = SubscriptionCreateSignature.V1
    status: SubscriptionCreateStatus | Unset = SubscriptionCreateStatus.ACTIVE
    store_id: int | Unset = 0
    timeout: float | None | Unset = UNSET
    verification_token: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.subscription_create_filter_type_0 import SubscriptionCreateFilterType0  # noqa: PLC0415
        from ..models.subscription_create_headers_type_0 import SubscriptionCreateHeadersType0  # noqa: PLC0415

        event_name = self.event_name

        recipient_url = self.recipient_url

        application: None | str | Unset
        if isinstance(self.application, Unset):
            application = UNSET
        else:
            application = self.application

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        filter_: dict[str, Any] | None | Unset
        if isinstance(self.filter_, Unset):
            filter_ = UNSET
        elif isinstance(self.filter_, SubscriptionCreateFilterType0):
            filter_ = self.filter_.to_dict()
        else:
            filter_ = self.filter_

        headers: dict[str, Any] | None | Unset
        if isinstance(self.headers, Unset):
            headers = UNSET
        elif isinstance(self.headers, SubscriptionCreateHeadersType0):
            headers = self.headers.to_dict()
        else:
            headers = self.headers

        max_in_flight: int | None | Unset
        if isinstance(self.max_in_flight, Unset):
            max_in_flight = UNSET
        else:
            max_in_flight = self.max_in_flight

        max_retries: int | None | Unset
        if isinstance(self.max_retries, Unset):
            max_retries = UNSET
        else:
            max_retries = self.max_retries

        metadata = self.metadata

        ordering: str | Unset = UNSET
        if not isinstance(self.ordering, Unset):
            ordering = self.ordering.value

        ordering_key: None | str | Unset
        if isinstance(self.ordering_key, Unset):
            ordering_key = UNSET
        else:
            ordering_key = self.ordering_key

        payload_format: str | Unset = UNSET
        if not isinstance(self.payload_format, Unset):
            payload_format = self.payload_format.value

        rate_limit: float | None | Unset
        if isinstance(self.rate_limit, Unset):
            rate_limit = UNSET
        else:
            rate_limit = self.rate_limit

        retry_schedule: list[float] | None | Unset
        if isinstance(self.retry_schedule, Unset):
            retry_schedule = UNSET
        elif isinstance(self.retry_schedule, list):
            retry_schedule = self.retry_schedule

        else:
            retry_schedule = self.retry_schedule

        signature: str | Unset = UNSET
        if not isinstance(self.signature, Unset):
            signature = self.signature.value

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        store_id = self.store_id

        timeout: float | None | Unset
        if isinstance(self.timeout, Unset):
            timeout = UNSET
        else:
            timeout = self.timeout

        verification_token: None | str | Unset
        if isinstance(self.verification_token, Unset):
            verification_token = UNSET
        else:
            verification_token = self.verification_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event_name": event_name,
                "recipient_url": recipient_url,
            }
        )
        if application is not UNSET:
            field_dict["application"] = application
        if description is not UNSET:
            field_dict["description"] = description
        if filter_ is not UNSET:
            field_dict["filter"] = filter_
        if headers is not UNSET:
            field_dict["headers"] = headers
        if max_in_flight is not UNSET:
            field_dict["max_in_flight"] = max_in_flight
        if max_retries is not UNSET:
            field_dict["max_retries"] = max_retries
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if ordering is not UNSET:
            field_dict["ordering"] = ordering
        if ordering_key is not UNSET:
            field_dict["ordering_key"] = ordering_key
        if payload_format is not UNSET:
            field_dict["payload_format"] = payload_format
        if rate_limit is not UNSET:
            field_dict["rate_limit"] = rate_limit
        if retry_schedule is not UNSET:
            field_dict["retry_schedule"] = retry_schedule
        if signature is not UNSET:
            field_dict["signature"] = signature
        if status is not UNSET:
            field_dict["status"] = status
        if store_id is not UNSET:
            field_dict["store_id"] = store_id
        if timeout is not UNSET:
            field_dict["timeout"] = timeout
        if verification_token is not UNSET:
            field_dict["verification_token"] = verification_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subscription_create_filter_type_0 import SubscriptionCreateFilterType0  # noqa: PLC0415
        from ..models.subscription_create_headers_type_0 import SubscriptionCreateHeadersType0  # noqa: PLC0415

        d = dict(src_dict)
        event_name = d.pop("event_name")

        recipient_url = d.pop("recipient_url")

        def _parse_application(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        application = _parse_application(d.pop("application", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_filter_(data: object) -> None | SubscriptionCreateFilterType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                filter_type_0 = SubscriptionCreateFilterType0.from_dict(data)

                return filter_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubscriptionCreateFilterType0 | Unset, data)

        filter_ = _parse_filter_(d.pop("filter", UNSET))

        def _parse_headers(data: object) -> None | SubscriptionCreateHeadersType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                headers_type_0 = SubscriptionCreateHeadersType0.from_dict(data)

                return headers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubscriptionCreateHeadersType0 | Unset, data)

        headers = _parse_headers(d.pop("headers", UNSET))

        def _parse_max_in_flight(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_in_flight = _parse_max_in_flight(d.pop("max_in_flight", UNSET))

        def _parse_max_retries(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_retries = _parse_max_retries(d.pop("max_retries", UNSET))

        metadata = d.pop("metadata", UNSET)

        _ordering = d.pop("ordering", UNSET)
        ordering: SubscriptionCreateOrdering | Unset
        if isinstance(_ordering, Unset):
            ordering = UNSET
        else:
            ordering = SubscriptionCreateOrdering(_ordering)

        def _parse_ordering_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ordering_key = _parse_ordering_key(d.pop("ordering_key", UNSET))

        _payload_format = d.pop("payload_format", UNSET)
        payload_format: SubscriptionCreatePayloadFormat | Unset
        if isinstance(_payload_format, Unset):
            payload_format = UNSET
        else:
            payload_format = SubscriptionCreatePayloadFormat(_payload_format)

        def _parse_rate_limit(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        rate_limit = _parse_rate_limit(d.pop("rate_limit", UNSET))

        def _parse_retry_schedule(data: object) -> list[float] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                retry_schedule_type_0 = cast(list[float], data)

                return retry_schedule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float] | None | Unset, data)

        retry_schedule = _parse_retry_schedule(d.pop("retry_schedule", UNSET))

        _signature = d.pop("signature", UNSET)
        signature: SubscriptionCreateSignature | Unset
        if isinstance(_signature, Unset):
            signature = UNSET
        else:
            signature = SubscriptionCreateSignature(_signature)

        _status = d.pop("status", UNSET)
        status: SubscriptionCreateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = SubscriptionCreateStatus(_status)

        store_id = d.pop("store_id", UNSET)

        def _parse_timeout(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        timeout = _parse_timeout(d.pop("timeout", UNSET))

        def _parse_verification_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        verification_token = _parse_verification_token(d.pop("verification_token", UNSET))

        subscription_create = cls(
            event_name=event_name,
            recipient_url=recipient_url,
            application=application,
            description=description,
            filter_=filter_,
            headers=headers,
            max_in_flight=max_in_flight,
            max_retries=max_retries,
            metadata=metadata,
            ordering=ordering,
            ordering_key=ordering_key,
            payload_format=payload_format,
            rate_limit=rate_limit,
            retry_schedule=retry_schedule,
            signature=signature,
            status=status,
            store_id=store_id,
            timeout=timeout,
            verification_token=verification_token,
        )

        return subscription_create
