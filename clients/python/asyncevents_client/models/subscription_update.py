from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.subscription_update_ordering_type_0 import SubscriptionUpdateOrderingType0
from ..models.subscription_update_payload_format_type_0 import SubscriptionUpdatePayloadFormatType0
from ..models.subscription_update_signature_type_0 import SubscriptionUpdateSignatureType0
from ..models.subscription_update_status_type_0 import SubscriptionUpdateStatusType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.subscription_update_filter_type_0 import SubscriptionUpdateFilterType0
    from ..models.subscription_update_headers_type_0 import SubscriptionUpdateHeadersType0


T = TypeVar("T", bound="SubscriptionUpdate")


@_attrs_define
class SubscriptionUpdate:
    """A partial update; ``verification_token`` rotates the token. ``null`` for `filter`,
    `ordering_key` or a
    delivery-policy field (`headers`, `timeout`, `retry_schedule`, `max_retries`,
    `max_in_flight`, `rate_limit`) removes it (back to the service's default).

        Attributes:
            description (None | str | Unset): Free text for operators.
            event_name (None | str | Unset): The event's name, as declared in `events.xml`.
            filter_ (None | SubscriptionUpdateFilterType0 | Unset): A payload filter: only events whose payload matches get
                a delivery.
            headers (None | SubscriptionUpdateHeadersType0 | Unset): Extra HTTP headers sent with each delivery (never shown
                again: only `header_names`).
            max_in_flight (int | None | Unset): At most this many deliveries to this subscription at once.
            max_retries (int | None | Unset): Retries after the first attempt before the delivery is dead.
            metadata (None | str | Unset): The notifier that sends the deliveries (`GET /v1/notifiers`).
            ordering (None | SubscriptionUpdateOrderingType0 | Unset): `fifo`: deliveries one at a time per key, in the
                order the events were accepted (a failing one holds those behind it); `none` (the default): concurrent.
            ordering_key (None | str | Unset): With `fifo`: a payload path (e.g. `entity_id`) whose value splits the order
                into lines, sent in parallel; none or a missing value: one line.
            payload_format (None | SubscriptionUpdatePayloadFormatType0 | Unset): `data` sends `{"data": payload}` (the
                module's shape); `raw` the payload alone.
            rate_limit (float | None | Unset): At most this many deliveries per second to this subscription.
            recipient_url (None | str | Unset): Where deliveries are sent (for the `http` notifier, an HTTPS URL).
            retry_schedule (list[float] | None | Unset): Seconds before each retry.
            signature (None | SubscriptionUpdateSignatureType0 | Unset): What `webhook-signature` carries: `v1` (HMAC with
                the token), `v1a` (Ed25519 with the service's key, `GET /v1/signing-keys`) or `both`.
            status (None | SubscriptionUpdateStatusType0 | Unset): The status.
            store_id (int | None | Unset): The Magento store the event belongs to (0: all stores).
            timeout (float | None | Unset): Seconds to wait for the receiver's answer.
            verification_token (None | str | Unset): The HMAC key of the signatures; omit it on create to get one generated.
    """

    description: None | str | Unset = UNSET
    event_name: None | str | Unset = UNSET
    filter_: None | SubscriptionUpdateFilterType0 | Unset = UNSET
    headers: None | SubscriptionUpdateHeadersType0 | Unset = UNSET
    max_in_flight: int | None | Unset = UNSET
    max_retries: int | None | Unset = UNSET
    metadata: None | str | Unset = UNSET
    ordering: None | SubscriptionUpdateOrderingType0 | Unset = UNSET
    ordering_key: None | str | Unset = UNSET
    payload_format: None | SubscriptionUpdatePayloadFormatType0 | Unset = UNSET
    rate_limit: float | None | Unset = UNSET
    recipient_url: None | str | Unset = UNSET
    retry_schedule: list[float] | None | Unset = UNSET
    signature: None | SubscriptionUpdateSignatureType0 | Unset = UNSET
    status: None | SubscriptionUpdateStatusType0 | Unset = UNSET
    store_id: int | None | Unset = UNSET
    timeout: float | None | Unset = UNSET
    verification_token: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.subscription_update_filter_type_0 import SubscriptionUpdateFilterType0  # noqa: PLC0415
        from ..models.subscription_update_headers_type_0 import SubscriptionUpdateHeadersType0  # noqa: PLC0415

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        event_name: None | str | Unset
        if isinstance(self.event_name, Unset):
            event_name = UNSET
        else:
            event_name = self.event_name

        filter_: dict[str, Any] | None | Unset
        if isinstance(self.filter_, Unset):
            filter_ = UNSET
        elif isinstance(self.filter_, SubscriptionUpdateFilterType0):
            filter_ = self.filter_.to_dict()
        else:
            filter_ = self.filter_

        headers: dict[str, Any] | None | Unset
        if isinstance(self.headers, Unset):
            headers = UNSET
        elif isinstance(self.headers, SubscriptionUpdateHeadersType0):
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

        metadata: None | str | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        else:
            metadata = self.metadata

        ordering: None | str | Unset
        if isinstance(self.ordering, Unset):
            ordering = UNSET
        elif isinstance(self.ordering, SubscriptionUpdateOrderingType0):
            ordering = self.ordering.value
        else:
            ordering = self.ordering

        ordering_key: None | str | Unset
        if isinstance(self.ordering_key, Unset):
            ordering_key = UNSET
        else:
            ordering_key = self.ordering_key

        payload_format: None | str | Unset
        if isinstance(self.payload_format, Unset):
            payload_format = UNSET
        elif isinstance(self.payload_format, SubscriptionUpdatePayloadFormatType0):
            payload_format = self.payload_format.value
        else:
            payload_format = self.payload_format

        rate_limit: float | None | Unset
        if isinstance(self.rate_limit, Unset):
            rate_limit = UNSET
        else:
            rate_limit = self.rate_limit

        recipient_url: None | str | Unset
        if isinstance(self.recipient_url, Unset):
            recipient_url = UNSET
        else:
            recipient_url = self.recipient_url

        retry_schedule: list[float] | None | Unset
        if isinstance(self.retry_schedule, Unset):
            retry_schedule = UNSET
        elif isinstance(self.retry_schedule, list):
            retry_schedule = self.retry_schedule

        else:
            retry_schedule = self.retry_schedule

        signature: None | str | Unset
        if isinstance(self.signature, Unset):
            signature = UNSET
        elif isinstance(self.signature, SubscriptionUpdateSignatureType0):
            signature = self.signature.value
        else:
            signature = self.signature

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, SubscriptionUpdateStatusType0):
            status = self.status.value
        else:
            status = self.status

        store_id: int | None | Unset
        if isinstance(self.store_id, Unset):
            store_id = UNSET
        else:
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

        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if event_name is not UNSET:
            field_dict["event_name"] = event_name
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
        if recipient_url is not UNSET:
            field_dict["recipient_url"] = recipient_url
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
        from ..models.subscription_update_filter_type_0 import SubscriptionUpdateFilterType0  # noqa: PLC0415
        from ..models.subscription_update_headers_type_0 import SubscriptionUpdateHeadersType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_event_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        event_name = _parse_event_name(d.pop("event_name", UNSET))

        def _parse_filter_(data: object) -> None | SubscriptionUpdateFilterType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                filter_type_0 = SubscriptionUpdateFilterType0.from_dict(data)

                return filter_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubscriptionUpdateFilterType0 | Unset, data)

        filter_ = _parse_filter_(d.pop("filter", UNSET))

        def _parse_headers(data: object) -> None | SubscriptionUpdateHeadersType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                headers_type_0 = SubscriptionUpdateHeadersType0.from_dict(data)

                return headers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubscriptionUpdateHeadersType0 | Unset, data)

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

        def _parse_metadata(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_ordering(data: object) -> None | SubscriptionUpdateOrderingType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ordering_type_0 = SubscriptionUpdateOrderingType0(data)

                return ordering_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubscriptionUpdateOrderingType0 | Unset, data)

        ordering = _parse_ordering(d.pop("ordering", UNSET))

        def _parse_ordering_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ordering_key = _parse_ordering_key(d.pop("ordering_key", UNSET))

        def _parse_payload_format(data: object) -> None | SubscriptionUpdatePayloadFormatType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                payload_format_type_0 = SubscriptionUpdatePayloadFormatType0(data)

                return payload_format_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubscriptionUpdatePayloadFormatType0 | Unset, data)

        payload_format = _parse_payload_format(d.pop("payload_format", UNSET))

        def _parse_rate_limit(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        rate_limit = _parse_rate_limit(d.pop("rate_limit", UNSET))

        def _parse_recipient_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        recipient_url = _parse_recipient_url(d.pop("recipient_url", UNSET))

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

        def _parse_signature(data: object) -> None | SubscriptionUpdateSignatureType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                signature_type_0 = SubscriptionUpdateSignatureType0(data)

                return signature_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubscriptionUpdateSignatureType0 | Unset, data)

        signature = _parse_signature(d.pop("signature", UNSET))

        def _parse_status(data: object) -> None | SubscriptionUpdateStatusType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = SubscriptionUpdateStatusType0(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SubscriptionUpdateStatusType0 | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_store_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        store_id = _parse_store_id(d.pop("store_id", UNSET))

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

        subscription_update = cls(
            description=description,
            event_name=event_name,
            filter_=filter_,
            headers=headers,
            max_in_flight=max_in_flight,
            max_retries=max_retries,
            metadata=metadata,
            ordering=ordering,
            ordering_key=ordering_key,
            payload_format=payload_format,
            rate_limit=rate_limit,
            recipient_url=recipient_url,
            retry_schedule=retry_schedule,
            signature=signature,
            status=status,
            store_id=store_id,
            timeout=timeout,
            verification_token=verification_token,
        )

        return subscription_update
