"""The Magento-compatible API (SPEC §3.2): a client of the module changes only its base URL."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from asyncevents_svc.db.models import Subscription
from asyncevents_svc.runtime import Runtime

TOKEN = "compat-Secret-7Hq2"
RECIPIENT = "https://example.com/order_created"
DISPLAY_KEYS = {"subscription_id", "event_name", "recipient_url", "status", "subscribed_at", "store_id"}
ATOM = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
MYSQL_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
F = "searchCriteria[filter_groups]"


async def create(api: httpx.AsyncClient, prefix: str = "/V1", **fields: Any) -> dict[str, Any]:
    body = {
        "event_name": "sales.order.created",
        "recipient_url": RECIPIENT,
        "verification_token": TOKEN,
        "metadata": "http",
        **fields,
    }
    response = await api.post(f"{prefix}/async_event", json={"asyncEvent": body})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def search(api: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await api.get(f"/V1/async_events?{query}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def ids(result: dict[str, Any]) -> list[int]:
    return [item["subscription_id"] for item in result["items"]]


def magento_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"message", "parameters"}
    return body


# -- create and read ------------------------------------------------------------------------


async def test_created_through_magento_v1_reads_back_through_it_and_native_v1(api: httpx.AsyncClient) -> None:
    created = await create(api, store_id=3)

    assert set(created) == DISPLAY_KEYS
    assert created["event_name"] == "sales.order.created"
    assert created["recipient_url"] == RECIPIENT
    assert created["status"] is True
    assert created["store_id"] == 3
    assert ATOM.match(created["subscribed_at"])  # the module answers a create with ATOM

    read = (await api.get(f"/V1/async_event/{created['subscription_id']}")).json()
    assert set(read) == DISPLAY_KEYS
    assert MYSQL_DATETIME.match(read["subscribed_at"])  # and every read with Y-m-d H:i:s
    assert read["subscribed_at"] == created["subscribed_at"][:19].replace("T", " ")
    assert {k: v for k, v in read.items() if k != "subscribed_at"} == {
        k: v for k, v in created.items() if k != "subscribed_at"
    }

    native = (await api.get(f"/v1/subscriptions/{created['subscription_id']}")).json()
    assert native["event_name"] == "sales.order.created"
    assert native["metadata"] == "http"
    assert native["status"] == "active"
    assert native["store_id"] == 3


@pytest.mark.parametrize("prefix", ["/rest/V1", "/rest/default/V1"])
async def test_the_rest_prefixes_serve_the_same_api(api: httpx.AsyncClient, prefix: str) -> None:
    created = await create(api, prefix=prefix)
    subscription_id = created["subscription_id"]

    read = await api.get(f"{prefix}/async_event/{subscription_id}")
    listed = await api.get(f"{prefix}/async_events", params={"searchCriteria": ""})
    disabled = await api.put(
        f"{prefix}/async_event/{subscription_id}", json={"asyncEvent": {"status": False}}
    )

    assert read.status_code == 200
    assert read.json()["subscription_id"] == subscription_id
    assert ids(listed.json()) == [subscription_id]
    assert disabled.status_code == 200
    assert disabled.json()["status"] is False
    assert (await api.get(f"/V1/async_event/{subscription_id}")).json()["status"] is False


async def test_the_token_is_never_returned(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/V1/async_event",
        json={
            "asyncEvent": {
                "event_name": "example.ping",
                "recipient_url": RECIPIENT,
                "verification_token": TOKEN,
            }
        },
    )
    subscription_id = response.json()["subscription_id"]

    read = await api.get(f"/V1/async_event/{subscription_id}")
    listed = await api.get("/V1/async_events?searchCriteria=")
    put = await api.put(f"/V1/async_event/{subscription_id}", json={"asyncEvent": {"status": True}})

    for answer in (response, read, listed, put):
        assert answer.status_code == 200
        assert TOKEN not in answer.text
        assert "verification_token" not in answer.text


async def test_a_create_without_token_generates_one_but_does_not_show_it(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/V1/async_event", json={"asyncEvent": {"event_name": "example.ping", "recipient_url": RECIPIENT}}
    )

    assert response.status_code == 200
    assert set(response.json()) == DISPLAY_KEYS
    assert (await api.get(f"/v1/subscriptions/{response.json()['subscription_id']}")).status_code == 200


async def test_camel_case_fields_and_the_snake_case_wrapper_are_accepted(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/V1/async_event",
        json={"async_event": {"eventName": "example.ping", "recipientUrl": RECIPIENT, "storeId": 2}},
    )

    assert response.status_code == 200, response.text
    assert response.json()["event_name"] == "example.ping"
    assert response.json()["store_id"] == 2


async def test_a_new_subscription_is_active_whatever_status_is_sent(api: httpx.AsyncClient) -> None:
    created = await create(api, status=False, subscription_id=777, subscribed_at="2001-01-01 00:00:00")

    assert created["status"] is True
    assert created["subscription_id"] != 777
    assert not created["subscribed_at"].startswith("2001")


# -- not found ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "PUT"])
async def test_an_unknown_id_is_magentos_404(api: httpx.AsyncClient, method: str) -> None:
    response = await api.request(method, "/V1/async_event/4242", json={"asyncEvent": {"status": True}})

    assert magento_error(response, 404) == {
        "message": "Async event with subscription ID %1 does not exist",
        "parameters": [4242],
    }


@pytest.mark.parametrize("raw", ["0", "-5", "99999999999"])
async def test_ids_that_no_row_can_have_are_404_too(api: httpx.AsyncClient, raw: str) -> None:
    body = magento_error(await api.get(f"/rest/V1/async_event/{raw}"), 404)

    assert body["parameters"] == [int(raw)]


async def test_an_id_that_is_not_a_number_is_magentos_type_error(api: httpx.AsyncClient) -> None:
    body = magento_error(await api.get("/V1/async_event/abc"), 400)

    assert (
        body["message"]
        == 'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.'
    )
    assert body["parameters"] == {"value": "abc", "type": "int"}


# -- PUT ------------------------------------------------------------------------------------


async def test_put_status_false_disables_and_true_enables_again(api: httpx.AsyncClient) -> None:
    subscription_id = (await create(api))["subscription_id"]
    url = f"/V1/async_event/{subscription_id}"

    disabled = await api.put(url, json={"asyncEvent": {"status": False}})

    assert disabled.status_code == 200
    assert disabled.json()["status"] is False
    assert MYSQL_DATETIME.match(disabled.json()["subscribed_at"])
    assert (await api.get(f"/v1/subscriptions/{subscription_id}")).json()["status"] == "disabled"

    enabled = await api.put(url, json={"asyncEvent": {"status": True}})

    assert enabled.json()["status"] is True
    assert (await api.get(f"/v1/subscriptions/{subscription_id}")).json()["status"] == "active"


async def test_put_without_status_keeps_the_subscription_active(api: httpx.AsyncClient) -> None:
    subscription_id = (await create(api))["subscription_id"]

    response = await api.put(f"/V1/async_event/{subscription_id}", json={"asyncEvent": {"metadata": "http"}})

    assert response.status_code == 200
    assert response.json()["status"] is True  # the module would have disabled it
    assert (await api.get(f"/v1/subscriptions/{subscription_id}")).json()["status"] == "active"


async def test_check_resources_in_the_body_is_ignored(api: httpx.AsyncClient) -> None:
    subscription_id = (await create(api))["subscription_id"]

    response = await api.put(
        f"/V1/async_event/{subscription_id}",
        json={"asyncEvent": {"status": False}, "checkResources": False},
    )
    created = await api.post(
        "/V1/async_event",
        json={
            "asyncEvent": {"event_name": "example.ping", "recipient_url": RECIPIENT},
            "checkResources": False,
        },
    )

    assert response.status_code == 200
    assert response.json()["status"] is False
    assert created.status_code == 200


async def test_put_changes_only_status_and_metadata_as_the_module_does(api: httpx.AsyncClient) -> None:
    created = await create(api, store_id=1)

    response = await api.put(
        f"/V1/async_event/{created['subscription_id']}",
        json={
            "asyncEvent": {
                "subscription_id": 999,
                "status": True,
                "event_name": "example.ping",
                "recipient_url": "https://elsewhere.example/hook",
                "store_id": 5,
            }
        },
    )

    assert response.status_code == 200
    after = response.json()
    assert after["subscription_id"] == created["subscription_id"]  # the path id wins
    assert (after["event_name"], after["recipient_url"], after["store_id"]) == (
        "sales.order.created",
        RECIPIENT,
        1,
    )


async def test_put_with_an_uninstalled_notifier_is_a_400_naming_metadata(api: httpx.AsyncClient) -> None:
    subscription_id = (await create(api))["subscription_id"]

    response = await api.put(
        f"/V1/async_event/{subscription_id}",
        json={"asyncEvent": {"status": True, "metadata": "carrier-pigeon"}},
    )

    assert magento_error(response, 400)["parameters"][0] == "asyncEvent.metadata"


# -- malformed input ------------------------------------------------------------------------

VALID = {"event_name": "sales.order.created", "recipient_url": RECIPIENT}


def event(**fields: Any) -> bytes:
    """A create body: a valid ``asyncEvent`` with ``fields`` changed (``None`` drops one)."""
    merged = {**VALID, **fields}
    return json.dumps({"asyncEvent": {k: v for k, v in merged.items() if v is not None}}).encode()


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"{not json", None),
        (b"", "asyncEvent"),
        (b"[1, 2]", "body"),
        (b'"asyncEvent"', "body"),
        (b"{}", "asyncEvent"),
        (b'{"event_name": "sales.order.created"}', "asyncEvent"),
        (b'{"asyncEvent": "sales.order.created"}', "asyncEvent"),
        (b'{"asyncEvent": {}}', "asyncEvent.event_name"),
        (event(recipient_url=None), "asyncEvent.recipient_url"),
        (event(event_name=5), "asyncEvent.event_name"),
        (event(event_name="no such event"), "asyncEvent.event_name"),
        (event(event_name="unknown.event"), "asyncEvent.event_name"),  # not in the catalogue
        (event(recipient_url="ftp://a.example"), "asyncEvent.recipient_url"),
        (event(recipient_url="https://a.example/\x00"), "asyncEvent.recipient_url"),
        (event(store_id="two"), "asyncEvent.store_id"),
        (event(store_id=-1), "asyncEvent.store_id"),
        (event(verification_token=12345678), "asyncEvent.verification_token"),
        (event(metadata="pigeon"), "asyncEvent.metadata"),  # no such notifier
        (event(colour="red"), "asyncEvent.colour"),
        (event(event_name="\ud800"), None),  # a lone surrogate is not JSON text
        (b"[" * 5000, None),
    ],
)
async def test_a_malformed_create_is_a_magento_400_naming_the_field(
    api: httpx.AsyncClient, content: bytes, named: str | None
) -> None:
    response = await api.post(
        "/V1/async_event", content=content, headers={"content-type": "application/json"}
    )

    body = magento_error(response, 400)
    if named is not None:
        assert named in str(body["parameters"])
    assert (await api.get("/V1/async_events?searchCriteria=")).json()["total_count"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"asyncEvent": {"status": "maybe"}},
        {"asyncEvent": {"status": []}},
        {"status": False},
        {"asyncEvent": None},
    ],
)
async def test_a_malformed_put_is_a_magento_400_and_changes_nothing(
    api: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    subscription_id = (await create(api))["subscription_id"]

    response = await api.put(f"/V1/async_event/{subscription_id}", json=body)

    magento_error(response, 400)
    assert (await api.get(f"/V1/async_event/{subscription_id}")).json()["status"] is True


async def test_a_token_that_is_rejected_is_not_repeated(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/V1/async_event", json={"asyncEvent": {**VALID, "verification_token": "short"}}
    )

    body = magento_error(response, 400)
    assert body["parameters"][0] == "asyncEvent.verification_token"
    assert "short" not in response.text


# -- searchCriteria -------------------------------------------------------------------------


async def seed(api: httpx.AsyncClient, runtime: Runtime) -> list[int]:
    """Five subscriptions with distinct names, stores and subscription times, one disabled."""
    rows = [
        ("sales.order.created", 0),
        ("sales.order.updated", 1),
        ("example.ping", 2),
        ("sales.order.*", 2),
        ("number.event", 3),
    ]
    made = [(await create(api, event_name=name, store_id=store))["subscription_id"] for name, store in rows]
    async with runtime.sessions() as session:
        for day, subscription_id in enumerate(made, start=1):
            await session.execute(
                update(Subscription)
                .where(Subscription.id == subscription_id)
                .values(subscribed_at=datetime(2024, 5, day, 10, 0, 0, 250_000, tzinfo=UTC))
            )
        await session.commit()
    await api.put(f"/V1/async_event/{made[4]}", json={"asyncEvent": {"status": False}})
    return made


def one_filter(field: str, value: str, condition: str | None = None, group: int = 0, index: int = 0) -> str:
    prefix = f"{F}[{group}][filters][{index}]"
    query = f"{prefix}[field]={field}&{prefix}[value]={value}"
    return query + (f"&{prefix}[condition_type]={condition}" if condition else "")


async def test_an_empty_search_lists_everything_with_a_magento_envelope(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    made = await seed(api, runtime)

    result = await search(api, "searchCriteria=")

    assert list(result) == ["items", "search_criteria", "total_count"]
    assert ids(result) == made
    assert result["total_count"] == 5
    assert result["search_criteria"] == {"filter_groups": []}
    assert all(set(item) == DISPLAY_KEYS for item in result["items"])
    assert result["items"][0]["subscribed_at"] == "2024-05-01 10:00:00"
    assert [item["status"] for item in result["items"]] == [True, True, True, True, False]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (one_filter("event_name", "example.ping"), [2]),
        (one_filter("event_name", "sales.order.created", "eq"), [0]),
        (one_filter("event_name", "SALES.%25", "like"), [0, 1, 3]),
        (one_filter("event_name", "sales.%25", "nlike"), [2, 4]),
        (one_filter("event_name", "sales.order.\\*", "like"), [3]),
        (one_filter("store_id", "2", "like"), [2, 3]),
        (one_filter("store_id", "1,2", "in"), [1, 2, 3]),
        (one_filter("store_id", "0, 2", "nin"), [1, 4]),
        (one_filter("store_id", "1", "gt"), [2, 3, 4]),
        (one_filter("store_id", "2", "lteq"), [0, 1, 2, 3]),
        (one_filter("store_id", "2", "neq"), [0, 1, 4]),
        (one_filter("status", "0"), [4]),
        (one_filter("status", "true", "eq"), [0, 1, 2, 3]),
        (one_filter("metadata", "http"), [0, 1, 2, 3, 4]),
        (one_filter("recipient_url", "%25order_created", "like"), [0, 1, 2, 3, 4]),
        (one_filter("store_id", "", "null"), []),
        (one_filter("store_id", "", "notnull"), [0, 1, 2, 3, 4]),
        (one_filter("subscribed_at", "2024-05-02 10:00:00"), [1]),
        (one_filter("subscribed_at", "2024-05-02 10:00:00", "gt"), [2, 3, 4]),
        (one_filter("subscribed_at", "2024-05-02T12:00:00%2B02:00", "lt"), [0]),
        (one_filter("subscribed_at", "2024-05-03", "gteq"), [2, 3, 4]),
        (one_filter("subscribed_at", "2024-05-01 10:00:00,2024-05-05 10:00:00", "in"), [0, 4]),
        (
            one_filter("subscribed_at", "2024-05-02 10:00:00", "from")
            + "&"
            + one_filter("subscribed_at", "2024-05-04 10:00:00", "to", group=1),
            [1, 2, 3],
        ),
        (
            one_filter("store_id", "1", "from") + "&" + one_filter("store_id", "2", "to", group=1),
            [1, 2, 3],
        ),
    ],
)
async def test_filters_select_what_magento_would_select(
    api: httpx.AsyncClient, runtime: Runtime, query: str, expected: list[int]
) -> None:
    made = await seed(api, runtime)

    result = await search(api, query)

    assert ids(result) == [made[i] for i in expected]
    assert result["total_count"] == len(expected)


async def test_filters_in_a_group_are_ored_and_groups_are_anded(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    made = await seed(api, runtime)
    either = one_filter("event_name", "example.ping") + "&" + one_filter("store_id", "1", index=1)
    both = either + "&" + one_filter("status", "1", group=1)

    assert ids(await search(api, either)) == [made[1], made[2]]
    assert ids(await search(api, both + "&" + one_filter("store_id", "2", group=2))) == [made[2]]
    assert ids(await search(api, both + "&" + one_filter("store_id", "3", group=2))) == []


async def test_sort_orders_apply_in_turn_and_default_to_descending(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    made = await seed(api, runtime)
    by_store = "searchCriteria[sortOrders][0][field]=store_id"

    descending = await search(api, f"{by_store}&searchCriteria[sortOrders][0][direction]=DESC")
    unspecified = await search(api, by_store)  # Magento sorts ascending only when told ASC
    two_keys = await search(
        api,
        f"{by_store}&searchCriteria[sortOrders][0][direction]=asc"
        "&searchCriteria[sortOrders][1][field]=subscribed_at&searchCriteria[sortOrders][1][direction]=DESC",
    )
    by_status = await search(
        api, "searchCriteria[sortOrders][0][field]=status&searchCriteria[sortOrders][0][direction]=ASC"
    )

    assert ids(descending) == [made[4], made[2], made[3], made[1], made[0]]  # ties by id
    assert ids(unspecified) == ids(descending)
    assert ids(two_keys) == [made[0], made[1], made[3], made[2], made[4]]
    assert ids(by_status)[0] == made[4]  # false before true, as the module's boolean column


async def test_page_size_and_current_page_page_through_with_the_full_total(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    made = await seed(api, runtime)
    page = "searchCriteria[pageSize]=2&searchCriteria[currentPage]={}"

    pages = [await search(api, page.format(n)) for n in (1, 2, 3, 4)]

    assert [ids(p) for p in pages] == [made[0:2], made[2:4], made[4:5], []]
    assert {p["total_count"] for p in pages} == {5}


async def test_the_search_criteria_are_echoed_as_magento_echoes_them(api: httpx.AsyncClient) -> None:
    query = (
        one_filter("event_name", "sales.%25", "like")
        + "&"
        + one_filter("store_id", "1", index=1)
        + "&searchCriteria[sortOrders][0][field]=store_id&searchCriteria[sortOrders][0][direction]=asc"
        + "&searchCriteria[pageSize]=10&searchCriteria[currentPage]=1"
    )

    echoed = (await search(api, query))["search_criteria"]

    assert echoed == {
        "filter_groups": [
            {
                "filters": [
                    {"field": "event_name", "value": "sales.%", "condition_type": "like"},
                    {"field": "store_id", "value": "1"},
                ]
            }
        ],
        "sort_orders": [{"field": "store_id", "direction": "ASC"}],
        "page_size": 10,
        "current_page": 1,
    }


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("", "searchCriteria"),
        (one_filter("verification_token", "x"), "verification_token"),
        (one_filter("store_id", "1", "finset"), "finset"),
        (one_filter("store_id", "one"), "store_id"),
        (one_filter("store_id", "99999999999", "lt"), "store_id"),
        (one_filter("status", "yes-ish"), "status"),
        (one_filter("status", "1", "gt"), "status"),
        (one_filter("subscribed_at", "2024%25", "like"), "subscribed_at"),
        (one_filter("subscribed_at", "last tuesday"), "subscribed_at"),
        (one_filter("event_name", "a%00b"), "event_name"),
        (one_filter("event_name", "sales\\", "like"), "event_name"),
        (one_filter("store_id", ",".join(["1"] * 501), "in"), "store_id"),
        ("searchCriteria[sortOrders][0][field]=verification_token", "verification_token"),
        ("searchCriteria[sortOrders][0][field]=store_id&searchCriteria[sortOrders][0][direction]=up", None),
        ("searchCriteria[pageSize]=lots", "page_size"),
        ("searchCriteria[currentPage]=1e3", "current_page"),
        ("searchCriteria[pageSize][0]=1", "page_size"),
        (f"{F}[0][filters][0][field]=%ff%fe&{F}[0][filters][0][value]=1", "�"),
    ],
)
async def test_a_search_that_cannot_be_understood_is_a_400_naming_the_problem(
    api: httpx.AsyncClient, query: str, named: str | None
) -> None:
    body = magento_error(await api.get(f"/V1/async_events?{query}"), 400)

    if named is not None:
        assert named in str(body["parameters"])


async def test_a_date_filter_matches_the_second_that_is_shown(api: httpx.AsyncClient) -> None:
    created = await create(api)
    shown = (await api.get(f"/V1/async_event/{created['subscription_id']}")).json()["subscribed_at"]

    exact = await search(api, one_filter("subscribed_at", shown))
    up_to = await search(api, one_filter("subscribed_at", shown, "to"))
    after = await search(api, one_filter("subscribed_at", shown, "gt"))
    shown_at = datetime.fromisoformat(shown).replace(tzinfo=UTC)
    before_next = await search(
        api, one_filter("subscribed_at", str(shown_at + timedelta(seconds=1))[:19], "lt")
    )

    assert ids(exact) == ids(up_to) == ids(before_next) == [created["subscription_id"]]
    assert ids(after) == []


async def test_the_openapi_document_describes_the_module_routes_once(api: httpx.AsyncClient) -> None:
    """Under /V1 only: the /rest aliases answer the same (tests/auth/test_scopes.py calls each)
    and stay out of the document, so a generated client gets each operation once."""
    paths = (await api.get("/openapi.json")).json()["paths"]

    assert set(paths["/V1/async_event"]) == {"post"}
    assert set(paths["/V1/async_event/{subscriptionId}"]) == {"get", "put"}
    assert set(paths["/V1/async_events"]) == {"get"}
    assert [p for p in paths if p.startswith("/rest/")] == []
    assert (await api.get("/rest/default/V1/async_events", params={"searchCriteria": ""})).status_code == 200
    body = paths["/V1/async_event"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "verification_token" in body["properties"]["asyncEvent"]["properties"]
