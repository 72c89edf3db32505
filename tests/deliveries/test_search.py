"""The delivery search language finds the deliveries its documentation says it finds.

Six deliveries of five events are stored in PostgreSQL; each test runs a query and names the
deliveries that come back (by the label kept in ``status_reason``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import Session

from asyncevents_svc.db.models import Base, Delivery, Event
from asyncevents_svc.deliveries.search import MAX_DEPTH, SearchError, compile_query
from asyncevents_svc.runtime import Runtime

# Payload comparisons follow PostgreSQL's JSONB semantics; a SQLite sample is at the end.
pytestmark = pytest.mark.postgres

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)

ORDER_1 = uuid.UUID("5b0e1b7e-3f5c-4a8e-9d61-0a6f3c2b1e01")
ORDER_2 = uuid.UUID("5b0e1b7e-3f5c-4a8e-9d61-0a6f3c2b1e02")
CUSTOMER = uuid.UUID("5b0e1b7e-3f5c-4a8e-9d61-0a6f3c2b1e03")
PRODUCT = uuid.UUID("5b0e1b7e-3f5c-4a8e-9d61-0a6f3c2b1e04")
DELETED = uuid.UUID("5b0e1b7e-3f5c-4a8e-9d61-0a6f3c2b1e05")
RONI = uuid.UUID("c0ffee00-0000-4000-8000-000000000001")

ALL = {"roni", "veronica", "ronald-retrying", "ronald-pending", "product", "no-payload"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def events() -> list[Event]:
    def event(id_: uuid.UUID, name: str, store: int, received: datetime, payload: Any) -> Event:
        return Event(id=id_, name=name, arguments={}, store_id=store, payload=payload, received_at=received)

    return [
        event(
            ORDER_1,
            "sales.order.created",
            1,
            at("2026-01-10T11:59:59"),
            {
                "customer": {"email": "roni_cost@example.com", "name": "Roni Cost"},
                "grand_total": 150.5,
                "increment_id": "000000123",
                "items": [{"sku": "ABC", "qty": 2}, {"sku": "XYZ"}],
                "note": "100% cotton",
                "url": "/orders/1?page=2",
            },
        ),
        event(
            ORDER_2,
            "sales.order.created",
            2,
            at("2026-01-31T23:59:58"),
            {
                "customer": {"email": "veronica@example.com", "name": "Veronica Costello"},
                "grand_total": 100,
                "increment_id": "000000124",
                "items": [{"sku": "CK-100"}],
                "note": "50%_off",
                "coupon": "WELCOME",
            },
        ),
        event(
            CUSTOMER,
            "customer.created",
            1,
            NOW - timedelta(hours=2),
            {
                "customer": {"email": "ronaldo@example.org", "name": "Ronald"},
                "grand_total": "250.00",
                "sku": "CK-9",
                "tags": ["vip", "new"],
                "note": "500 units",
            },
        ),
        event(
            PRODUCT,
            "catalog.product.saved",
            0,
            at("2025-12-31T23:59:58"),
            {"sku": "CK*", "price": "ten", "note": "50% off", "title": 'The "Best" Tee'},
        ),
        event(DELETED, "customer.deleted", 3, at("2025-12-31T23:59:59"), None),
    ]


def deliveries() -> list[Delivery]:
    def delivery(
        label: str,
        event_id: uuid.UUID,
        subscription: int,
        status: str,
        created: datetime,
        last_attempt: datetime | None = None,
        code: int | None = None,
        notifier: str = "http",
        next_attempt: datetime | None = None,
        id_: uuid.UUID | None = None,
    ) -> Delivery:
        return Delivery(
            id=id_ or uuid.uuid4(),
            event_id=event_id,
            subscription_id=subscription,
            notifier=notifier,
            status=status,
            status_reason=label,
            created_at=created,
            first_attempt_at=last_attempt,
            last_attempt_at=last_attempt,
            next_attempt_at=next_attempt,
            last_status_code=code,
        )

    return [
        delivery(
            "roni",
            ORDER_1,
            1,
            "delivered",
            at("2026-01-10T12:00:00"),
            at("2026-01-10T12:00:05"),
            200,
            id_=RONI,
        ),
        delivery("veronica", ORDER_2, 2, "dead", at("2026-01-31T23:59:59"), at("2026-02-01T00:30:00"), 500),
        delivery(
            "ronald-retrying",
            CUSTOMER,
            1,
            "retrying",
            NOW - timedelta(minutes=10),
            NOW - timedelta(minutes=5),
            503,
            next_attempt=NOW + timedelta(minutes=5),
        ),
        delivery("ronald-pending", CUSTOMER, 3, "pending", NOW - timedelta(hours=1), notifier="slack"),
        delivery("product", PRODUCT, 4, "cancelled", at("2025-12-31T23:59:59")),
        delivery(
            "no-payload", DELETED, 5, "delivered", at("2026-01-01T00:00:00"), at("2026-01-01T00:00:01"), 204
        ),
    ]


@pytest.fixture
async def stored(runtime: Runtime) -> Runtime:
    async with runtime.sessions() as session, session.begin():
        session.add_all(events())
        await session.flush()
        session.add_all(deliveries())
    return runtime


async def search(runtime: Runtime, query: str) -> set[str]:
    statement = (
        select(Delivery.status_reason)
        .join(Event, Event.id == Delivery.event_id)
        .where(compile_query(query, now=NOW))
    )
    async with runtime.sessions() as session:
        return {str(label) for label in await session.scalars(statement)}


async def row_counts(runtime: Runtime) -> tuple[int, int]:
    async with runtime.sessions() as session:
        events_count = await session.scalar(select(func.count()).select_from(Event))
        deliveries_count = await session.scalar(select(func.count()).select_from(Delivery))
    return (events_count or 0, deliveries_count or 0)


def cases(*rows: tuple[str, set[str]]) -> pytest.MarkDecorator:
    """``(query, expected labels)`` rows, each with the query as its test id."""
    return pytest.mark.parametrize(("query", "expected"), [pytest.param(q, e, id=q) for q, e in rows])


# --------------------------------------------------------------------------- fields


@cases(
    ("event_name:sales.order.created", {"roni", "veronica"}),
    ("event_name:sales", set()),
    ("event_name:customer.*", {"ronald-retrying", "ronald-pending", "no-payload"}),
    ("event_name:*.created", {"roni", "veronica", "ronald-retrying", "ronald-pending"}),
    ("event_name:customer.?eleted", {"no-payload"}),
    ("event_name:*", ALL),
    ("notifier:slack", {"ronald-pending"}),
    ("notifier:h*", ALL - {"ronald-pending"}),
)
async def test_event_name_and_notifier_match_exactly_or_by_wildcard(
    stored: Runtime, query: str, expected: set[str]
) -> None:
    assert await search(stored, query) == expected


@cases(
    ("status:dead", {"veronica"}),
    ("status:pending", {"ronald-pending"}),
    ("status:cancelled", {"product"}),
    ("status:(dead OR retrying)", {"veronica", "ronald-retrying"}),
    ("success:true", {"roni", "no-payload"}),
    ("success:false", {"veronica", "ronald-retrying", "product"}),
    ("NOT success:true", {"veronica", "ronald-retrying", "ronald-pending", "product"}),
)
async def test_status_and_success(stored: Runtime, query: str, expected: set[str]) -> None:
    assert await search(stored, query) == expected


@cases(
    (f"uuid:{RONI}", {"roni"}),
    (f"uuid:{str(RONI).upper()}", {"roni"}),
    (f"event_id:{CUSTOMER}", {"ronald-retrying", "ronald-pending"}),
    (f"uuid:{CUSTOMER}", set()),
    (f"{RONI}", {"roni"}),
    (f"{CUSTOMER}", {"ronald-retrying", "ronald-pending"}),
    (f"{CUSTOMER} status:pending", {"ronald-pending"}),
)
async def test_uuids_and_bare_uuids_find_a_delivery_or_the_deliveries_of_an_event(
    stored: Runtime, query: str, expected: set[str]
) -> None:
    assert await search(stored, query) == expected


@cases(
    ("subscription_id:1", {"roni", "ronald-retrying"}),
    ("subscription_id:>=4", {"product", "no-payload"}),
    ("subscription_id:[2 TO 3]", {"veronica", "ronald-pending"}),
    ("subscription_id:{1 TO 3}", {"veronica"}),
    ("store_id:1", {"roni", "ronald-retrying", "ronald-pending"}),
    ("store_id:<1", {"product"}),
    ("status_code:>=500", {"veronica", "ronald-retrying"}),
    ("status_code:[200 TO 299]", {"roni", "no-payload"}),
    ("NOT status_code:>=500", {"roni", "ronald-pending", "product", "no-payload"}),
)
async def test_integer_fields_compare_and_range(stored: Runtime, query: str, expected: set[str]) -> None:
    assert await search(stored, query) == expected


# --------------------------------------------------------------------------- wildcards, phrases, escaping


@cases(
    ("data.note:50%*", {"veronica", "product"}),
    ("data.note:50%_*", {"veronica"}),
    ("data.note:*%*", {"roni", "veronica", "product"}),
    ("data.note:100%", set()),
    ("data.note:*_*", {"veronica"}),
    ("data.url:/orders/*", {"roni"}),
    ("data.url:*?page=2", {"roni"}),
    ("event_name:%", set()),
    ("event_name:sales_order_created", set()),
)
async def test_percent_underscore_and_slash_are_literal_characters(
    stored: Runtime, query: str, expected: set[str]
) -> None:
    assert await search(stored, query) == expected


@cases(
    ("data.sku:CK*", {"product", "ronald-retrying", "ronald-pending"}),
    ("data.sku:CK\\*", {"product"}),
    ('data.sku:"CK*"', {"product"}),
    ("data.items.0.sku:A?C", {"roni"}),
    ("data.items.0.sku:A?", set()),
    ("data.note:100\\%\\ cotton", {"roni"}),
)
async def test_star_and_question_mark_are_wildcards_unless_escaped_or_quoted(
    stored: Runtime, query: str, expected: set[str]
) -> None:
    assert await search(stored, query) == expected


@cases(
    ('data.customer.name:"Roni Cost"', {"roni"}),
    ('data.customer.name:"Roni"', set()),
    ("data.customer.name:*Cost*", {"roni", "veronica"}),
    ('data.title:"The \\"Best\\" Tee"', {"product"}),
    ("data.customer.name:roni*", set()),
    ("data.customer.email:roni*", {"roni"}),
    ("data.customer.email:ron*", {"roni", "ronald-retrying", "ronald-pending"}),
)
async def test_phrases_are_exact_and_matching_is_case_sensitive(
    stored: Runtime, query: str, expected: set[str]
) -> None:
    assert await search(stored, query) == expected


# --------------------------------------------------------------------------- payload paths and numbers


@cases(
    ("data.customer.email:roni_cost@example.com", {"roni"}),
    ("data.items.1.sku:XYZ", {"roni"}),
    ("data.items.0.sku:XYZ", set()),
    ("data.items.sku:ABC", set()),
    ("data.tags.0:vip", {"ronald-retrying", "ronald-pending"}),
    ("data.tags.1:vip", set()),
    ("data.items.0.qty:2", {"roni"}),
    ('data.increment_id:"000000123"', {"roni"}),
    ("data.increment_id:000000123", {"roni"}),
    ("data.customer.email.nope:x", set()),
    ("data.coupon:*", {"veronica"}),
    ("NOT data.coupon:*", ALL - {"veronica"}),
    ("NOT data.coupon:WELCOME", ALL - {"veronica"}),
    ("data.customer:*", {"roni", "veronica", "ronald-retrying", "ronald-pending"}),
)
async def test_payload_paths_follow_objects_and_array_indexes(
    stored: Runtime, query: str, expected: set[str]
) -> None:
    assert await search(stored, query) == expected


@cases(
    ("data.grand_total:>100", {"roni", "ronald-retrying", "ronald-pending"}),
    ("data.grand_total:>=100", {"roni", "veronica", "ronald-retrying", "ronald-pending"}),
    ("data.grand_total:<150.5", {"veronica"}),
    ("data.grand_total:<=150.5", {"roni", "veronica"}),
    ("data.grand_total:[100 TO 150.5]", {"roni", "veronica"}),
    ("data.grand_total:{100 TO 250]", {"roni", "ronald-retrying", "ronald-pending"}),
    ("data.grand_total:[200 TO *]", {"ronald-retrying", "ronald-pending"}),
    ("data.grand_total:[* TO *]", {"roni", "veronica", "ronald-retrying", "ronald-pending"}),
    ("data.grand_total:>-1e3", {"roni", "veronica", "ronald-retrying", "ronald-pending"}),
    ("data.grand_total:100", {"veronica"}),
    ("data.grand_total:100.00", {"veronica"}),
    ('data.grand_total:"100.0"', set()),
    ("data.grand_total:250", {"ronald-retrying", "ronald-pending"}),
    ("data.price:>0", set()),
    ("data.customer:>0", set()),
    ("NOT data.grand_total:>100", {"veronica", "product", "no-payload"}),
)
async def test_payload_comparisons_and_ranges_are_numeric(
    stored: Runtime, query: str, expected: set[str]
) -> None:
    assert await search(stored, query) == expected


# --------------------------------------------------------------------------- times


@cases(
    ("created_at:2026-01-31", {"veronica"}),
    ("created_at:>2026-01-31", {"ronald-retrying", "ronald-pending"}),
    ("created_at:>=2026-01-31", {"veronica", "ronald-retrying", "ronald-pending"}),
    ("created_at:<2026-01-01", {"product"}),
    ("created_at:<=2026-01-01", {"product", "no-payload"}),
    ("created_at:[2026-01-01 TO 2026-01-31]", {"no-payload", "roni", "veronica"}),
    ("created_at:{2026-01-01 TO 2026-01-31}", {"roni"}),
    ("created_at:[2026-01-01T00:00:00Z TO 2026-01-10T12:00:00Z]", {"no-payload", "roni"}),
    ("created_at:[2026-01-01T00:00:00Z TO 2026-01-10T12:00:00Z}", {"no-payload"}),
    ("created_at:{2026-01-01T00:00:00Z TO *]", ALL - {"product", "no-payload"}),
    ("created_at:[* TO 2026-01-01}", {"product"}),
    ("created_at:2026-01-10T12:00:00Z", {"roni"}),
    ("created_at:2026-01-10T13:00:00+01:00", {"roni"}),
    ('created_at:"2026-01-10 12:00"', {"roni"}),
    ("received_at:<2026-01-01", {"product", "no-payload"}),
    ("received_at:2026-01-10", {"roni"}),
)
async def test_absolute_times_with_whole_days_and_instants(
    stored: Runtime, query: str, expected: set[str]
) -> None:
    assert await search(stored, query) == expected


@cases(
    ("created_at:>now-15m", {"ronald-retrying"}),
    ("created_at:>=now-1h", {"ronald-retrying", "ronald-pending"}),
    ("created_at:>now-1d", {"veronica", "ronald-retrying", "ronald-pending"}),
    ("created_at:[now-3600s TO now-30m]", {"ronald-pending"}),
    ("created_at:>now", set()),
    ("last_attempt_at:[now-1h TO now]", {"ronald-retrying"}),
    ("next_attempt_at:<now+10m", {"ronald-retrying"}),
    ("created_at:(<2026-01-01 OR >now-15m)", {"product", "ronald-retrying"}),
)
async def test_relative_times_count_back_from_now(stored: Runtime, query: str, expected: set[str]) -> None:
    assert await search(stored, query) == expected


@cases(
    ("last_attempt_at:*", {"roni", "veronica", "ronald-retrying", "no-payload"}),
    ("NOT last_attempt_at:*", {"ronald-pending", "product"}),
    ("NOT last_attempt_at:>now-1d", {"roni", "ronald-pending", "product", "no-payload"}),
    ("first_attempt_at:<2026-01-02", {"no-payload"}),
)
async def test_missing_times_never_match_but_are_found_by_not(
    stored: Runtime, query: str, expected: set[str]
) -> None:
    assert await search(stored, query) == expected


async def test_now_defaults_to_the_current_time(stored: Runtime) -> None:
    statement = select(Delivery.status_reason).where(compile_query("created_at:>now-3650d"))
    async with stored.sessions() as session:
        assert set(await session.scalars(statement)) == ALL


# --------------------------------------------------------------------------- operators


@cases(
    ("status:delivered store_id:1", {"roni"}),
    ("status:delivered AND store_id:1", {"roni"}),
    ("status:delivered OR store_id:1", {"roni", "no-payload", "ronald-retrying", "ronald-pending"}),
    ("status:dead OR status:delivered AND store_id:1", {"veronica", "roni"}),
    ("(status:dead OR status:delivered) AND store_id:2", {"veronica"}),
    ("status:dead OR NOT store_id:1", {"veronica", "product", "no-payload"}),
    ("NOT status:dead AND store_id:2", set()),
    ("-status:dead store_id:2", set()),
    ("NOT (status:dead OR status:delivered)", {"ronald-retrying", "ronald-pending", "product"}),
    ("NOT NOT status:dead", {"veronica"}),
    ("NOT(status:dead)", ALL - {"veronica"}),
    ("event_name:sales.* -data.coupon:*", {"roni"}),
    ("((store_id:1) AND (NOT (status:retrying OR status:pending)))", {"roni"}),
    ("status:(delivered OR (dead AND NOT cancelled))", {"roni", "veronica", "no-payload"}),
    ("status:(delivered -cancelled)", {"roni", "no-payload"}),
    ("store_id:(-1 OR 0)", {"product"}),  # a minus before a digit is a sign, not NOT
    ("  status:dead\n\tOR  status:cancelled  ", {"veronica", "product"}),
)
async def test_not_binds_tighter_than_and_which_binds_tighter_than_or(
    stored: Runtime, query: str, expected: set[str]
) -> None:
    assert await search(stored, query) == expected


async def test_nesting_up_to_the_limit_is_allowed(stored: Runtime) -> None:
    query = "(" * MAX_DEPTH + "status:dead" + ")" * MAX_DEPTH

    assert await search(stored, query) == {"veronica"}


async def test_cached_statements_take_the_new_values(stored: Runtime) -> None:
    """Queries of the same shape share a compiled statement; each must still use its own values."""
    shapes = {
        "data.grand_total:>100": {"roni", "ronald-retrying", "ronald-pending"},
        "data.grand_total:>200": {"ronald-retrying", "ronald-pending"},
        "data.items.0.qty:>1": {"roni"},
        "data.grand_total:[100 TO 150.5]": {"roni", "veronica"},
        "data.items.0.qty:[3 TO 4]": set(),
        "data.customer.email:ron*": {"roni", "ronald-retrying", "ronald-pending"},
        "data.note:50%*": {"veronica", "product"},
    }
    async with stored.sessions() as session:
        for _ in range(2):
            for query, expected in shapes.items():
                statement = (
                    select(Delivery.status_reason)
                    .join(Event, Event.id == Delivery.event_id)
                    .where(compile_query(query, now=NOW))
                )
                assert set(await session.scalars(statement)) == expected, query


async def test_huge_numbers_in_queries_and_payloads_do_not_break_numeric_search(runtime: Runtime) -> None:
    async with runtime.sessions() as session, session.begin():
        session.add(Event(id=ORDER_1, name="x", arguments={}, payload={"n": 1e300, "s": "9" * 99 + "e999"}))
        await session.flush()
        session.add(Delivery(event_id=ORDER_1, subscription_id=1, notifier="http", status_reason="huge"))

    assert await search(runtime, "data.n:>1e299") == {"huge"}
    assert await search(runtime, "data.s:>1e999") == {"huge"}
    assert await search(runtime, "data.n:<-999e999") == set()


async def test_printable_unicode_is_searchable(runtime: Runtime) -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    async with runtime.sessions() as session, session.begin():
        session.add(
            Event(id=ORDER_1, name="x", arguments={}, payload={"name": f"{family} Müller", "01": "key"})
        )
        await session.flush()
        session.add(Delivery(event_id=ORDER_1, subscription_id=1, notifier="http", status_reason="unicode"))

    assert await search(runtime, f'data.name:"{family} Müller"') == {"unicode"}
    assert await search(runtime, "data.name:*Müller") == {"unicode"}
    assert await search(runtime, "data.01:key") == {"unicode"}


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ("", 0, "the query is empty"),
        ("   ", 0, "the query is empty"),
        ("roni", 0, "'roni' has no field"),
        ("status:dead roni", 12, "'roni' has no field"),
        ("status:dead and store_id:1", 12, "operators are upper case (AND)"),
        ("foo:bar", 0, "unknown field 'foo'"),
        ("event_name.x:a", 0, "unknown field 'event_name.x'"),
        ("data:x", 0, "'data' needs a path"),
        ("data..x:1", 5, "empty segment"),
        ("data.a'b:1", 6, "''' cannot appear in a payload path"),
        (":x", 0, "expected a field name before ':'"),
        ("status:", 7, "'status:' needs a value"),
        ("status: dead", 7, "'status:' needs a value"),
        ("status:bogus", 7, "unknown status 'bogus'"),
        ("status:dead*", 7, "status takes one of pending, delivered"),
        ("success:maybe", 8, "success takes true or false, not 'maybe'"),
        ("success:*", 8, "success takes true or false"),
        ("uuid:1234", 5, "'1234' is not a UUID"),
        ("uuid:c0ffee*", 5, "uuid takes an exact UUID, without wildcards"),
        ("event_id:xyz", 9, "'xyz' is not a UUID"),
        ("subscription_id:abc", 16, "'abc' is not an integer"),
        ("subscription_id:99999999999", 16, "is not an integer (or is out of range)"),
        ("store_id:1.5", 9, "'1.5' is not an integer"),
        ("store_id:[1 TO x]", 15, "'x' is not an integer"),
        ("created_at:yesterday", 11, "'yesterday' is not a time"),
        ("created_at:2026-13-01", 11, "not a valid time"),
        ("created_at:>now-15y", 12, "'now-15y' is not a time"),
        ("created_at:<now-999999999d", 12, "out of range"),
        ("created_at:2026*", 11, "is not a time"),
        ("created_at:>", 11, "'>' needs a value right after it"),
        ("created_at:>= now", 11, "'>=' needs a value right after it"),
        ("data.grand_total:>abc", 18, "'abc' is not a number"),
        ("data.grand_total:[1 TO 1e9999]", 23, "'1e9999' is not a number"),
        ("event_name:>a", 11, "event_name does not support comparisons or ranges"),
        ("event_name:[a TO b]", 11, "event_name does not support comparisons or ranges"),
        ("status:dead AND", 12, "'AND' needs a term after it"),
        ("status:dead OR", 12, "'OR' needs a term after it"),
        ("NOT", 0, "'NOT' needs a term after it"),
        ("AND status:dead", 0, "'AND' needs a term before it"),
        ("status:dead AND OR status:dead", 16, "'OR' cannot follow 'AND'"),
        ("status:dead OR AND status:dead", 15, "'AND' cannot follow 'OR'"),
        ("- status:dead", 0, "'-' must be followed directly by a term"),
        ("(status:dead", 0, "unclosed '(': missing ')'"),
        ("((status:dead)", 0, "unclosed '(': missing ')'"),
        ("status:dead)", 11, "unbalanced ')'"),
        (")", 0, "unbalanced ')'"),
        ("()", 0, "empty parentheses"),
        ("(status:dead OR )", 13, "'OR' needs a term after it"),
        ("status:(dead OR)", 13, "'OR' needs a term after it"),
        ("status:(", 7, "unclosed '('"),
        ('event_name:"abc', 11, 'unclosed quote: missing "'),
        ('event_name:"abc\\"', 11, 'unclosed quote: missing "'),
        ('event_name:ab"c"', 13, "a quote inside a value"),
        ('"Roni Cost"', 0, "a quoted phrase needs a field"),
        ('event_name:"a"b', 14, "expected a space or ')' after the closing quote"),
        ("created_at:[2026-01-01 TO", 11, "unclosed range"),
        ("created_at:[2026-01-01 TO 2026-02-01", 11, "unclosed range"),
        ("created_at:[2026-01-01 2026-02-01]", 23, "expected ' TO '"),
        ("created_at:[2026-01-01 TOO 2026-02-01]", 23, "expected ' TO '"),
        ("created_at:[2026-01-01 TO ]", 26, "the range needs an upper end (use * to leave it open)"),
        ("created_at:[ TO 2026-01-01]", 16, "expected ' TO '"),
        ("created_at:[2026-01-01 TO 2026-02-01)", 36, "expected ']' or '}'"),
        ("event_name:x\\", 12, "escapes nothing"),
        ("event_name:a\x00b", 12, "invalid character (U+0000)"),
        ("x" * 1001, 1000, "longer than 1000 characters"),
        ("(" * (MAX_DEPTH + 1) + "status:dead" + ")" * (MAX_DEPTH + 1), MAX_DEPTH, "nested more than 20"),
        ("NOT " * (MAX_DEPTH + 1) + "status:dead", 4 * MAX_DEPTH, "nested more than 20"),
        ("-" * (MAX_DEPTH + 1) + "status:dead", MAX_DEPTH, "nested more than 20"),
    ],
    ids=repr,
)
def test_errors_say_what_is_wrong_and_where(query: str, position: int, message: str) -> None:
    with pytest.raises(SearchError) as caught:
        compile_query(query, now=NOW)

    assert message in str(caught.value)
    assert caught.value.position == position


# --------------------------------------------------------------------------- injection


@pytest.mark.parametrize(
    "query",
    [
        'event_name:"x\' OR 1=1 --"',
        "event_name:x'--",
        "data.customer.email:\"' OR ''='\"",
        'data.note:"\'); DELETE FROM deliveries; --"',
        'data.grand_total:"1; DROP TABLE events"',
        "data.items.0.sku:\\'\\)\\;DROP\\ TABLE\\ deliveries--",
    ],
)
async def test_quotes_and_sql_in_values_are_just_text(stored: Runtime, query: str) -> None:
    assert await search(stored, query) == set()
    assert await row_counts(stored) == (5, 6)


@pytest.mark.parametrize(
    ("query", "position"),
    [
        ("data.a'b:1", 6),
        ("event_name:x; DROP TABLE deliveries", 14),
        ("event_name:x' OR '1'='1", 17),
        ('data.x"y:1', 0),
        ("status:dead'; DROP TABLE events; --", 7),
        ("subscription_id:1;DELETE FROM deliveries", 16),
    ],
)
async def test_sql_outside_values_is_rejected(stored: Runtime, query: str, position: int) -> None:
    with pytest.raises(SearchError) as caught:
        await search(stored, query)

    assert caught.value.position == position
    assert await row_counts(stored) == (5, 6)


def test_values_and_payload_paths_are_bound_parameters() -> None:
    query = 'event_name:"x\' OR 1=1 --" OR data.customer.email:roni* OR created_at:>now-15m'
    compiled = compile_query(query, now=NOW).compile(
        dialect=create_async_engine("postgresql+asyncpg://").dialect
    )

    assert "OR 1=1" not in str(compiled)
    assert "customer" not in str(compiled)
    assert "roni" not in str(compiled)
    assert set(compiled.params.values()) >= {"x' OR 1=1 --", ("customer", "email"), "roni%"}


# --------------------------------------------------------------------------- portability


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("data.customer.email:roni*", {"roni"}),
        ("data.items.1.sku:XYZ", {"roni"}),
        ("data.grand_total:>=100", {"roni", "veronica"}),  # SQLite: only JSON numbers count
        ("data.note:50%_*", {"veronica"}),
        ("created_at:>now-15m OR status:cancelled", {"ronald-retrying", "product"}),
        ("NOT data.coupon:*", ALL - {"veronica"}),
    ],
)
def test_the_same_queries_run_on_sqlite(query: str, expected: set[str]) -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(events())
        session.flush()
        session.add_all(deliveries())
        session.commit()
        statement = (
            select(Delivery.status_reason)
            .join(Event, Event.id == Delivery.event_id)
            .where(compile_query(query, now=NOW))
        )
        found: Sequence[str | None] = session.scalars(statement).all()
    engine.dispose()

    assert set(found) == expected
