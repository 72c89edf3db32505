from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.subscription_created_ordering import SubscriptionCreatedOrdering
from ..models.subscription_created_payload_format import SubscriptionCreatedPayloadFormat
from ..models.subscription_created_signature import SubscriptionCreatedSignature
from ..models.subscription_created_status import SubscriptionCreatedStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.subscription_created_filter_type_0 import SubscriptionCreatedFilterType0
    from ..models.verification_out import VerificationOut


T = TypeVar("T", bound="SubscriptionCreated")


@_attrs_define
class SubscriptionCreated:
    """The create response: carries the token only when the service generated it.

    Attributes:
        application (str): The uid of the application it belongs to.
        description (None | str): Free text for operators.
        disabled_at (datetime.datetime | None): When the subscription was disabled.
        disabled_reason (None | str): Why the service disabled it (410 Gone, or failing for too long); null otherwise.
        event_name (str): The event's name, as declared in `events.xml`.
        filter_ (None | SubscriptionCreatedFilterType0): A payload filter: only events whose payload matches get a
            delivery.
        header_names (list[str]): Names of the custom headers; their values are never shown.
        max_in_flight (int | None): At most this many deliveries to this subscription at once.
        max_retries (int | None): Retries after the first attempt before the delivery is dead.
        metadata (str): The notifier that sends the deliveries (`GET /v1/notifiers`).
        modified (datetime.datetime): When the subscription last changed.
        ordering (SubscriptionCreatedOrdering): `fifo`: deliveries one at a time per key, in the order the events were
            accepted (a failing one holds those behind it); `none` (the default): concurrent.
        ordering_key (None | str): With `fifo`: a payload path (e.g. `entity_id`) whose value splits the order into
            lines, sent in parallel; none or a missing value: one line.
        payload_format (SubscriptionCreatedPayloadFormat): `data` sends `{"data": payload}` (the module's shape); `raw`
            the payload alone.
        rate_limit (float | None): At most this many deliveries per second to this subscription.
        recipient_url (str): Where deliveries are sent (for the `http` notifier, an HTTPS URL).
        retry_schedule (list[float] | None): Seconds before each retry.
        signature (SubscriptionCreatedSignature): What `webhook-signature` carries: `v1` (HMAC with the token), `v1a`
            (Ed25519 with the service's key, `GET /v1/signing-keys`) or `both`.
        status (SubscriptionCreatedStatus): `unverified`: waiting for its endpoint to echo a challenge (`verification`);
            it gets no deliveries meanwhile.
        store_id (int): The Magento store the event belongs to (0: all stores).
        subscribed_at (datetime.datetime): When the subscription was created.
        subscription_id (int): The subscription's id.
        timeout (float | None): Seconds to wait for the receiver's answer.
        verification (None | Unset | VerificationOut): Its endpoint's verification; null when none was ever asked of it.
        verification_token (None | str | Unset): The generated token, shown this once. Absent when you supplied one.
    """

    application: str
    description: None | str
    disabled_at: datetime.datetime | None
    disabled_reason: None | str
    event_name: str
    filter_: None | SubscriptionCreatedFilterType0
    header_names: list[str]
    max_in_flight: int | None
    max_retries: int | None
    metadata: str
    modified: datetime.datetime
    ordering: SubscriptionCreatedOrdering
    ordering_key: None | str
    payload_format: SubscriptionCreatedPayloadFormat
    rate_limit: float | None
    recipient_url: str
    retry_schedule: list[float] | None
    signature: SubscriptionCreatedSignature
    status: SubscriptionCreatedStatus
    store_id: int
    subscribed_at: datetime.datetime
    subscription_id: int
    timeout: float | None
    verification: None | Unset | VerificationOut = UNSET
    verification_token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.subscription_created_filter_type_0 import SubscriptionCreatedFilterType0  # noqa: PLC0415
        from ..models.verification_out import VerificationOut  # noqa: PLC0415

        application = self.application

        description: None | str
        description = self.description

        disabled_at: None | str
        if isinstance(self.disabled_at, datetime.datetime):
            disabled_at = self.disabled_at.isoformat()
        else:
            disabled_at = self.disabled_at

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        event_name = self.event_name

        filter_: dict[str, Any] | None
        if isinstance(self.filter_, SubscriptionCreatedFilterType0):
            filter_ = self.filter_.to_dict()
        else:
            filter_ = self.filter_

        header_names = self.header_names

        max_in_flight: int | None
        max_in_flight = self.max_in_flight

        max_retries: int | None
        max_retries = self.max_retries

        metadata = self.metadata

        modified = self.modified.isoformat()

        ordering = self.ordering.value

        ordering_key: None | str
        ordering_key = self.ordering_key

        payload_format = self.payload_format.value

        rate_limit: float | None
        rate_limit = self.rate_limit

        recipient_url = self.recipient_url

        retry_schedule: list[float] | None
        if isinstance(self.retry_schedule, list):
            retry_schedule = self.retry_schedule

        else:
            retry_schedule = self.retry_schedule

        signature = self.signature.value

        status = self.status.value

        store_id = self.store_id

        subscribed_at = self.subscribed_at.isoformat()

        subscription_id = self.subscription_id

        timeout: float | None
        timeout = self.timeout

        verification: dict[str, Any] | None | Unset
        if isinstance(self.verification, Unset):
            verification = UNSET
        elif isinstance(self.verification, VerificationOut):
            verification = self.verification.to_dict()
        else:
            verification = self.verification

        verification_token: None | str | Unset
        if isinstance(self.verification_token, Unset):
            verification_token = UNSET
        else:
            verification_token = self.verification_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application": application,
                "description": description,
                "disabled_at": disabled_at,
                "disabled_reason": disabled_reason,
                "event_name": event_name,
                "filter": filter_,
                "header_names": header_names,
                "max_in_flight": max_in_flight,
                "max_retries": max_retries,
                "metadata": metadata,
                "modified": modified,
                "ordering": ordering,
                "ordering_key": ordering_key,
                "payload_format": payload_format,
                "rate_limit": rate_limit,
                "recipient_url": recipient_url,
                "retry_schedule": retry_schedule,
                "signature": signature,
                "status": status,
                "store_id": store_id,
                "subscribed_at": subscribed_at,
                "subscription_id": subscription_id,
                "timeout": timeout,
            }
        )
        if verification is not UNSET:
            field_dict["verification"] = verification
        if verification_token is not UNSET:
            field_dict["verification_token"] = verification_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subscription_created_filter_type_0 import SubscriptionCreatedFilterType0  # noqa: PLC0415
        from ..models.verification_out import VerificationOut  # noqa: PLC0415

        d = dict(src_dict)
        application = d.pop("application")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        def _parse_disabled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disabled_at_type_0 = datetime.datetime.fromisoformat(data)

                return disabled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        disabled_at = _parse_disabled_at(d.pop("disabled_at"))

        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))

        event_name = d.pop("event_name")

        def _parse_filter_(data: object) -> None | SubscriptionCreatedFilterType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                filter_type_0 = SubscriptionCreatedFilterType0.from_dict(data)

                return filter_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubscriptionCreatedFilterType0, data)

        filter_ = _parse_filter_(d.pop("filter"))

        header_names = cast(list[str], d.pop("header_names"))

        def _parse_max_in_flight(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_in_flight = _parse_max_in_flight(d.pop("max_in_flight"))

        def _parse_max_retries(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_retries = _parse_max_retries(d.pop("max_retries"))

        metadata = d.pop("metadata")

        modified = datetime.datetime.fromisoformat(d.pop("modified"))

        ordering = SubscriptionCreatedOrdering(d.pop("ordering"))

        def _parse_ordering_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ordering_key = _parse_ordering_key(d.pop("ordering_key"))

        payload_format = SubscriptionCreatedPayloadFormat(d.pop("payload_format"))

        def _parse_rate_limit(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        rate_limit = _parse_rate_limit(d.pop("rate_limit"))

        recipient_url = d.pop("recipient_url")

        def _parse_retry_schedule(data: object) -> list[float] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                retry_schedule_type_0 = cast(list[float], data)

                return retry_schedule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float] | None, data)

        retry_schedule = _parse_retry_schedule(d.pop("retry_schedule"))

        signature = SubscriptionCreatedSignature(d.pop("signature"))

        status = SubscriptionCreatedStatus(d.pop("status"))

        store_id = d.pop("store_id")

        subscribed_at = datetime.datetime.fromisoformat(d.pop("subscribed_at"))

        subscription_id = d.pop("subscription_id")

        def _parse_timeout(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        timeout = _parse_timeout(d.pop("timeout"))

        def _parse_verification(data: object) -> None | Unset | VerificationOut:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                verification_type_0 = VerificationOut.from_dict(data)

                return verification_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | VerificationOut, data)

        verification = _parse_verification(d.pop("verification", UNSET))

        def _parse_verification_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        verification_token = _parse_verification_token(d.pop("verification_token", UNSET))

        subscription_created = cls(
            application=application,
            description=description,
            disabled_at=disabled_at,
            disabled_reason=disabled_reason,
            event_name=event_name,
            filter_=filter_,
            header_names=header_names,
            max_in_flight=max_in_flight,
            max_retries=max_retries,
            metadata=metadata,
            modified=modified,
            ordering=ordering,
            ordering_key=ordering_key,
            payload_format=payload_format,
            rate_limit=rate_limit,
            recipient_url=recipient_url,
            retry_schedule=retry_schedule,
            signature=signature,
            status=status,
            store_id=store_id,
            subscribed_at=subscribed_at,
            subscription_id=subscription_id,
            timeout=timeout,
            verification=verification,
            verification_token=verification_token,
        )

        subscription_created.additional_properties = d
        return subscription_created

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
