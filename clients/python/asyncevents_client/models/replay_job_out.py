from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.replay_job_out_status import ReplayJobOutStatus

if TYPE_CHECKING:
    from ..models.replay_job_out_criteria import ReplayJobOutCriteria


T = TypeVar("T", bound="ReplayJobOut")


@_attrs_define
class ReplayJobOut:
    """
    Attributes:
        created_at (datetime.datetime): When it was created.
        criteria (ReplayJobOutCriteria): The selection the job replays.
        error (None | str): Why the job failed.
        finished_at (datetime.datetime | None): When the job finished.
        id (UUID): The replay job's id: follow it with `GET /v1/replays/{id}`.
        processed (int): Deliveries looked at so far.
        replayed (int): Deliveries replayed so far.
        status (ReplayJobOutStatus): `pending`, `running`, `done` or `failed`.
        total (int): Deliveries selected.
    """

    created_at: datetime.datetime
    criteria: ReplayJobOutCriteria
    error: None | str
    finished_at: datetime.datetime | None
    id: UUID
    processed: int
    replayed: int
    status: ReplayJobOutStatus
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        criteria = self.criteria.to_dict()

        error: None | str
        error = self.error

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        id = str(self.id)

        processed = self.processed

        replayed = self.replayed

        status = self.status.value

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "criteria": criteria,
                "error": error,
                "finished_at": finished_at,
                "id": id,
                "processed": processed,
                "replayed": replayed,
                "status": status,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.replay_job_out_criteria import ReplayJobOutCriteria  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        criteria = ReplayJobOutCriteria.from_dict(d.pop("criteria"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        id = UUID(d.pop("id"))

        processed = d.pop("processed")

        replayed = d.pop("replayed")

        status = ReplayJobOutStatus(d.pop("status"))

        total = d.pop("total")

        replay_job_out = cls(
            created_at=created_at,
            criteria=criteria,
            error=error,
            finished_at=finished_at,
            id=id,
            processed=processed,
            replayed=replayed,
            status=status,
            total=total,
        )

        replay_job_out.additional_properties = d
        return replay_job_out

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
