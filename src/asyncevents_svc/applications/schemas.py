"""Request and response shapes of ``/v1/applications``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from asyncevents_svc.textchecks import Line

#: A uid is the caller's own URL-safe alias; never all digits, so that ``{id or uid}`` in a
#: path is never ambiguous.
UID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
Uid = Annotated[
    str,
    Field(
        pattern=UID_PATTERN,
        description="Your own stable alias: a letter, then letters, digits, `_` or `-` (64 at most).",
        examples=["erp"],
    ),
]
Name = Annotated[Line, Field(min_length=1, max_length=255, examples=["ERP"])]


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"uid": "erp", "name": "ERP"}]})

    uid: Uid
    name: Name


class ApplicationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "ERP (production)"}]})

    uid: Uid | None = None
    name: Name | None = None


class ApplicationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    uid: str
    name: str
    created_at: datetime


class ApplicationPage(BaseModel):
    items: list[ApplicationOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")
