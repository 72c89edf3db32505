"""The ingest checks of ``deliver_at``, ``expires_at`` and ``ttl``: each refusal a 422
naming its field, on the single and the batch route (no worker needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

BODY = {"event_name": "sales.order.created", "arguments": {"id": 42}}


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def later(**delta: float) -> str:
    return iso(datetime.now(UTC) + timedelta(**delta))


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"ttl": 60, "expires_at": later(hours=1)}, "ttl"),
        ({"expires_at": later(seconds=-5)}, "expires_at"),
        ({"deliver_at": later(minutes=10), "expires_at": later(minutes=5)}, "expires_at"),
        ({"deliver_at": later(days=31)}, "deliver_at"),
        ({"ttl": 0}, "ttl"),
        ({"ttl": 2_592_001}, "ttl"),
        ({"deliver_at": "tomorrow"}, "deliver_at"),
    ],
)
async def test_bad_timing_is_a_422_naming_the_field(
    api: httpx.AsyncClient, extra: dict[str, object], field: str
) -> None:
    response = await api.post("/v1/events", json={**BODY, **extra})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    names = {str(e.get("loc", e.get("field", ""))) for e in response.json()["errors"]}
    assert any(field in name for name in names), response.json()

    batch = await api.post("/v1/events/batch", json={"events": [{**BODY, **extra}]})
    if batch.status_code == 202:  # checked by the service: the item's own 422
        [item] = batch.json()["results"]
        assert item["status"] == 422
        assert field in str(item["error"])
    else:  # checked by the schema: the whole body's
        assert batch.status_code == 422
        assert field in batch.text


async def test_timing_is_stored_on_the_event(api: httpx.AsyncClient) -> None:
    deliver_at = datetime.now(UTC) + timedelta(minutes=5)
    accepted = (await api.post("/v1/events", json={**BODY, "deliver_at": iso(deliver_at), "ttl": 60})).json()
    shown = (await api.get(f"/v1/events/{accepted['id']}")).json()
    assert datetime.fromisoformat(shown["deliver_at"]) == deliver_at
    # The ttl counts from the scheduled time, not from the 202.
    assert datetime.fromisoformat(shown["expires_at"]) == deliver_at + timedelta(seconds=60)

    past = (await api.post("/v1/events", json={**BODY, "deliver_at": later(seconds=-60)})).json()
    shown = (await api.get(f"/v1/events/{past['id']}")).json()
    assert shown["deliver_at"] is None  # due already: sent now
    assert shown["expires_at"] is None

    plain = (await api.post("/v1/events", json=BODY)).json()
    shown = (await api.get(f"/v1/events/{plain['id']}")).json()
    assert (shown["deliver_at"], shown["expires_at"]) == (None, None)
