"""The native subscription API: validation, write-only tokens, filters and paging."""

from __future__ import annotations

import httpx
import pytest

from asyncevents_svc.crypto import TokenCipher
from asyncevents_svc.db.models import Subscription
from asyncevents_svc.runtime import Runtime

URL = "https://example.com/hook"


async def create(api: httpx.AsyncClient, **fields: object) -> httpx.Response:
    body = {"event_name": "sales.order.created", "recipient_url": URL, **fields}
    return await api.post("/v1/subscriptions", json=body)


async def test_a_supplied_token_is_stored_encrypted_and_never_returned(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    created = await create(api, verification_token="fv38u07Wdh$R@mRd")

    assert created.status_code == 201
    assert "fv38u07Wdh" not in created.text
    assert created.json()["verification_token"] is None
    sub_id = created.json()["subscription_id"]
    assert "fv38u07Wdh" not in (await api.get(f"/v1/subscriptions/{sub_id}")).text
    assert "fv38u07Wdh" not in (await api.get("/v1/subscriptions")).text
    async with runtime.sessions() as session:
        stored = await session.get(Subscription, sub_id)
        assert stored is not None
        assert "fv38u07Wdh" not in stored.token_encrypted
        assert runtime.cipher.decrypt(stored.token_encrypted) == "fv38u07Wdh$R@mRd"


async def test_an_omitted_token_is_generated_and_shown_once(api: httpx.AsyncClient, runtime: Runtime) -> None:
    created = await create(api)

    token = created.json()["verification_token"]
    assert isinstance(token, str)
    assert len(token) >= 32
    again = await api.get(f"/v1/subscriptions/{created.json()['subscription_id']}")
    assert token not in again.text
    assert "verification_token" not in again.json()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"event_name": "no.such.event"}, "event_name", "not in the catalogue"),
        ({"event_name": "nothing.*"}, "event_name", "matches no event"),
        ({"event_name": "sales.ord*"}, "event_name", "whole segment"),
        ({"metadata": "carrier-pigeon"}, "metadata", "not installed"),
        ({"recipient_url": "ftp://example.com/x"}, "recipient_url", "http(s)"),
        ({"recipient_url": "not a url"}, "recipient_url", "http(s)"),
        ({"store_id": -1}, "store_id", "greater than or equal"),
        ({"verification_token": "short"}, "verification_token", "at least 8"),
        ({"unknown": 1}, "unknown", "Extra inputs"),
    ],
)
async def test_invalid_subscriptions_are_refused_naming_the_field(
    api: httpx.AsyncClient, fields: dict[str, object], field: str, words: str
) -> None:
    response = await create(api, **fields)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"][0]["loc"] == field
    assert words in problem["errors"][0]["msg"]


@pytest.mark.parametrize(
    "recipient",
    [
        "https://example.com:0/hook",
        "https://example.com:65536/hook",
        "https://example.com:99999999999/hook",
        "https://exa mple.com/hook",
        "https://example.com/order created",
        "https://example.com/\u00a0hook",  # a no-break space
        " https://example.com/hook",
    ],
    ids=["port-0", "port-65536", "port-huge", "space-in-host", "space-in-path", "nbsp", "leading-space"],
)
async def test_recipients_no_send_could_reach_are_refused_at_create_update_and_on_v1(
    api: httpx.AsyncClient, recipient: str
) -> None:
    existing = (await create(api)).json()["subscription_id"]

    created = await create(api, recipient_url=recipient)
    patched = await api.patch(f"/v1/subscriptions/{existing}", json={"recipient_url": recipient})
    magento_fields = {"event_name": "sales.order.created", "recipient_url": recipient}
    magento = await api.post("/V1/async_event", json={"asyncEvent": magento_fields})

    for response in (created, patched):
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == "recipient_url"
    assert magento.status_code == 400, magento.text
    assert magento.json()["parameters"][0] == "asyncEvent.recipient_url"


async def test_wildcard_patterns_are_accepted_when_they_match_an_event(
    api: httpx.AsyncClient,
) -> None:
    for pattern in ("sales.order.*", "*.created", "*"):
        assert (await create(api, event_name=pattern)).status_code == 201


async def test_patch_changes_fields_and_rotates_the_token(api: httpx.AsyncClient, runtime: Runtime) -> None:
    sub_id = (await create(api, verification_token="first-token-123")).json()["subscription_id"]

    patched = await api.patch(
        f"/v1/subscriptions/{sub_id}",
        json={
            "status": "disabled",
            "store_id": 2,
            "description": "ERP",
            "verification_token": "second-token-456",
        },
    )

    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["status"], body["store_id"], body["description"]) == ("disabled", 2, "ERP")
    assert "second-token" not in patched.text
    async with runtime.sessions() as session:
        stored = await session.get(Subscription, sub_id)
        assert stored is not None
        assert runtime.cipher.decrypt(stored.token_encrypted) == "second-token-456"
    refused = await api.patch(f"/v1/subscriptions/{sub_id}", json={"recipient_url": "mailto:x@example.com"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == "recipient_url"


async def test_delete_removes_and_missing_ids_are_404(api: httpx.AsyncClient) -> None:
    sub_id = (await create(api)).json()["subscription_id"]

    assert (await api.delete(f"/v1/subscriptions/{sub_id}")).status_code == 204
    missing = await api.get(f"/v1/subscriptions/{sub_id}")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert (await api.delete(f"/v1/subscriptions/{sub_id}")).status_code == 404
    assert (await api.get("/v1/subscriptions/0")).status_code == 422
    assert (await api.get("/v1/subscriptions/99999999999")).status_code == 422


async def test_list_filters_and_pages_with_a_cursor(api: httpx.AsyncClient) -> None:
    for store in range(5):
        await create(api, store_id=store)
    await create(api, event_name="customer.created", status="disabled")

    page = await api.get("/v1/subscriptions", params={"limit": 2})
    seen = [item["subscription_id"] for item in page.json()["items"]]
    while page.json()["next_cursor"]:
        page = await api.get("/v1/subscriptions", params={"limit": 2, "cursor": page.json()["next_cursor"]})
        seen += [item["subscription_id"] for item in page.json()["items"]]
    assert seen == [1, 2, 3, 4, 5, 6]

    filtered = await api.get(
        "/v1/subscriptions", params={"event_name": "customer.created", "status": "disabled"}
    )
    assert [i["subscription_id"] for i in filtered.json()["items"]] == [6]
    by_store = await api.get("/v1/subscriptions", params={"store_id": 3, "metadata": "http"})
    assert [i["store_id"] for i in by_store.json()["items"]] == [3]
    bad = await api.get("/v1/subscriptions", params={"cursor": "garbage!"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == "cursor"


async def test_bulk_status_disables_many_and_reports_missing_ids(api: httpx.AsyncClient) -> None:
    ids = [(await create(api)).json()["subscription_id"] for _ in range(3)]

    result = await api.post("/v1/subscriptions/bulk-status", json={"ids": [*ids, 999], "status": "disabled"})

    assert result.json() == {"updated": ids, "not_found": [999]}
    listed = await api.get("/v1/subscriptions", params={"status": "disabled"})
    assert len(listed.json()["items"]) == 3


async def test_malformed_json_is_a_422_problem_not_a_500(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/v1/subscriptions", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_cipher_refuses_a_bad_key() -> None:
    with pytest.raises(Exception, match="Fernet"):
        TokenCipher(["not-a-key"])


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"recipient_url": "https://a.example/\u0000"}, "recipient_url"),
        ({"recipient_url": "https://a.example/\n"}, "recipient_url"),
        ({"description": "nul \u0000 here"}, "description"),
        ({"metadata": "http\u0000"}, "metadata"),
    ],
)
async def test_text_the_database_cannot_store_is_refused_not_a_500(
    api: httpx.AsyncClient, fields: dict[str, object], field: str
) -> None:
    response = await create(api, **fields)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == field
