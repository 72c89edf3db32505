"""The delivery search grammar, without a database: query text → tree, and tree → SQL text.

What a query finds is tested on real rows in ``test_search.py`` beside this file; here each
construct's tree, the operators' precedence, the errors' positions, and that every tree the
parser can build compiles (round trips and generated queries, seeded so a failure repeats).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine

from asyncevents_svc.deliveries.search import MAX_DEPTH, SearchError, compile_tree, parse
from asyncevents_svc.deliveries.search.compiler import COLUMNS
from asyncevents_svc.deliveries.search.fields import FIELDS
from asyncevents_svc.deliveries.search.syntax import (
    And,
    AnyId,
    Between,
    Bounds,
    Compare,
    DataEquals,
    DataExists,
    DataLike,
    DataOrdered,
    Equals,
    Exists,
    Like,
    Node,
    Not,
    OneOf,
    Or,
    Ordered,
)

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
ID = uuid.UUID("c0ffee00-0000-4000-8000-000000000001")
DEAD = Equals("status", "dead")
RETRYING = Equals("status", "retrying")
STORE_1 = Ordered("store_id", Compare("=", Bounds(1)))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def day(text: str) -> Bounds[datetime]:
    return Bounds(at(text), at(text) + timedelta(days=1))


def trees(*rows: tuple[str, Node]) -> pytest.MarkDecorator:
    """``(query, expected tree)`` rows, each with the query as its test id."""
    return pytest.mark.parametrize(("query", "expected"), [pytest.param(q, e, id=q) for q, e in rows])


# --------------------------------------------------------------------------- terms


@trees(
    ("event_name:sales.order.created", Equals("event_name", "sales.order.created")),
    ("event_name:sales.*", Like("event_name", "sales.%")),
    ("notifier:h?tp", Like("notifier", "h_tp")),
    ("event_name:*", Exists("event_name")),
    ('event_name:"sales *"', Equals("event_name", "sales *")),
    (f"uuid:{ID}", Equals("uuid", ID)),
    (f"event_id:{str(ID).upper()}", Equals("event_id", ID)),
    ("status:dead", DEAD),
    ("status:*", Exists("status")),
    ("success:true", Equals("status", "delivered")),
    ("success:false", OneOf("status", ("dead", "retrying", "cancelled", "expired"))),
    (f"{ID}", AnyId(ID)),
)
def test_text_uuid_and_status_terms(query: str, expected: Node) -> None:
    assert parse(query, now=NOW) == expected


@trees(
    ("subscription_id:7", Ordered("subscription_id", Compare("=", Bounds(7)))),
    ("store_id:-1", Ordered("store_id", Compare("=", Bounds(-1)))),
    ("status_code:>=500", Ordered("status_code", Compare(">=", Bounds(500)))),
    ("status_code:<300", Ordered("status_code", Compare("<", Bounds(300)))),
    ("status_code:*", Exists("status_code")),
    ("subscription_id:[2 TO 3]", Ordered("subscription_id", Between(Bounds(2), True, Bounds(3), True))),
    ("subscription_id:{2 TO 3]", Ordered("subscription_id", Between(Bounds(2), False, Bounds(3), True))),
    ("subscription_id:[2 TO *}", Ordered("subscription_id", Between(Bounds(2), True, None, False))),
    ("subscription_id:[* TO *]", Ordered("subscription_id", Between(None, True, None, True))),
    (
        "subscription_id:[  2   TO   3  ]",
        Ordered("subscription_id", Between(Bounds(2), True, Bounds(3), True)),
    ),
)
def test_integer_terms_compare_and_range(query: str, expected: Node) -> None:
    assert parse(query, now=NOW) == expected


@trees(
    ("created_at:2026-01-31", Ordered("created_at", Compare("=", day("2026-01-31")))),
    ("created_at:>2026-01-31", Ordered("created_at", Compare(">", day("2026-01-31")))),
    (
        "created_at:2026-01-10T13:00:00+01:00",
        Ordered("created_at", Compare("=", Bounds(at("2026-01-10T12:00")))),
    ),
    ("created_at:2026-01-10t12:00z", Ordered("created_at", Compare("=", Bounds(at("2026-01-10T12:00"))))),
    ('created_at:"2026-01-10 12:00"', Ordered("created_at", Compare("=", Bounds(at("2026-01-10T12:00"))))),
    ("created_at:>now", Ordered("created_at", Compare(">", Bounds(NOW)))),
    ("created_at:>now-15m", Ordered("created_at", Compare(">", Bounds(NOW - timedelta(minutes=15))))),
    ("next_attempt_at:<now+2h", Ordered("next_attempt_at", Compare("<", Bounds(NOW + timedelta(hours=2))))),
    (
        "received_at:[2026-01-01 TO now-1d}",
        Ordered("received_at", Between(day("2026-01-01"), True, Bounds(NOW - timedelta(days=1)), False)),
    ),
    ("last_attempt_at:*", Exists("last_attempt_at")),
)
def test_time_terms_resolve_days_instants_and_relative_times(query: str, expected: Node) -> None:
    assert parse(query, now=NOW) == expected


@trees(
    ("data.customer.email:roni*", DataLike(("customer", "email"), "roni%")),
    ("data.items.0.sku:A?C", DataLike(("items", 0, "sku"), "A_C")),
    ("data.01:key", DataEquals(("01",), "key")),  # "01" is a key, not an index
    ("data.a-b.$c.@d:x", DataEquals(("a-b", "$c", "@d"), "x")),
    ("data.coupon:*", DataExists(("coupon",))),
    ("data.grand_total:100", DataEquals(("grand_total",), "100", Decimal("100"))),
    ('data.grand_total:"100"', DataEquals(("grand_total",), "100")),
    ("data.grand_total:>=1e3", DataOrdered(("grand_total",), Compare(">=", Bounds(Decimal("1e3"))))),
    (
        "data.n:[-1 TO .5}",
        DataOrdered(("n",), Between(Bounds(Decimal(-1)), True, Bounds(Decimal(".5")), False)),
    ),
    ("data.n:[* TO 2]", DataOrdered(("n",), Between(None, True, Bounds(Decimal(2)), True))),
)
def test_payload_terms_split_the_path_and_read_numbers(query: str, expected: Node) -> None:
    assert parse(query, now=NOW) == expected


@trees(
    ("data.sku:CK\\*", DataEquals(("sku",), "CK*")),
    ('data.sku:"CK*"', DataEquals(("sku",), "CK*")),
    ("data.note:100%", DataEquals(("note",), "100%")),
    ("data.note:100%*", DataLike(("note",), "100/%%")),
    ("data.note:a_b/c*", DataLike(("note",), "a/_b//c%")),
    ("data.note:a\\ b", DataEquals(("note",), "a b")),
    ('data.title:"The \\"Best\\" \\\\ Tee"', DataEquals(("title",), 'The "Best" \\ Tee')),
    ("data.url:/orders?page=2", DataLike(("url",), "//orders_page=2")),
    ("event_name:%", Equals("event_name", "%")),
    ('event_name:"*"', Equals("event_name", "*")),
    ("event_name:\\*", Equals("event_name", "*")),
)
def test_wildcards_escapes_and_phrases(query: str, expected: Node) -> None:
    assert parse(query, now=NOW) == expected


# --------------------------------------------------------------------------- operators


@trees(
    ("status:dead store_id:1", And((DEAD, STORE_1))),
    ("status:dead AND store_id:1", And((DEAD, STORE_1))),
    ("status:dead OR store_id:1", Or((DEAD, STORE_1))),
    ("NOT status:dead", Not(DEAD)),
    ("-status:dead", Not(DEAD)),
    ("NOT(status:dead)", Not(DEAD)),
    ("NOT NOT status:dead", Not(Not(DEAD))),
    ("--status:dead", Not(Not(DEAD))),
    ("(status:dead)", DEAD),
    ("((status:dead))", DEAD),
    ("status:(dead OR retrying)", Or((DEAD, RETRYING))),
    ("status:(dead -retrying)", And((DEAD, Not(RETRYING)))),
    (
        "store_id:(-1 OR 0)",
        Or((Ordered("store_id", Compare("=", Bounds(-1))), Ordered("store_id", Compare("=", Bounds(0))))),
    ),
    ("status:dead\n\tOR\u00a0status:retrying", Or((DEAD, RETRYING))),
    ("(status:dead)OR(status:retrying)", Or((DEAD, RETRYING))),
)
def test_operators_build_flat_and_or_nodes(query: str, expected: Node) -> None:
    assert parse(query, now=NOW) == expected


@trees(
    ("status:dead OR status:retrying store_id:1", Or((DEAD, And((RETRYING, STORE_1))))),
    ("status:dead store_id:1 OR status:retrying", Or((And((DEAD, STORE_1)), RETRYING))),
    ("NOT status:dead store_id:1", And((Not(DEAD), STORE_1))),
    ("NOT status:dead OR store_id:1", Or((Not(DEAD), STORE_1))),
    ("NOT (status:dead OR store_id:1)", Not(Or((DEAD, STORE_1)))),
    ("(status:dead OR status:retrying) store_id:1", And((Or((DEAD, RETRYING)), STORE_1))),
    ("status:dead OR status:retrying OR store_id:1", Or((DEAD, RETRYING, STORE_1))),
    ("(status:dead AND store_id:1) AND status:retrying", And((And((DEAD, STORE_1)), RETRYING))),
    ("status:(dead OR retrying AND NOT dead)", Or((DEAD, And((RETRYING, Not(DEAD)))))),
)
def test_not_binds_tighter_than_and_which_binds_tighter_than_or(query: str, expected: Node) -> None:
    assert parse(query, now=NOW) == expected


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        # The first problem from the left wins, whether it is in a value or in the syntax.
        ("status:bogus AND (", 7, "unknown status 'bogus'"),
        ("(status:dead OR store_id:x", 25, "'x' is not an integer"),
        ("store_id:[x TO", 9, "unclosed range"),
        ("created_at:[now TO now-1x]", 19, "'now-1x' is not a time"),
        # Inside a field group, each value is checked against the group's field.
        ("status:(dead OR bogus)", 16, "unknown status 'bogus'"),
        ("status:(dead OR >dead)", 16, "status does not support comparisons or ranges"),
        ("status:()", 7, "empty parentheses"),
        ("status:(dead -)", 13, "'-' must be followed directly by a term"),
        # Keywords are upper case and end at a space, a parenthesis or a quote.
        ("status:dead or status:retrying", 12, "'or' is not an operator"),
        ("status:dead ORDER:1", 12, "unknown field 'ORDER'"),
        ("NOT AND status:dead", 4, "'AND' cannot follow 'NOT'"),
        ("status:dead -", 12, "'-' must be followed directly by a term"),
        ("data.x:[1 TO 2] TO", 16, "'TO' has no field"),
        ('event_name:"a"OR status:dead', 14, "expected a space or ')' after the closing quote"),
        # Positions count characters (code points), not bytes.
        ("data.x:\U0001f468\u200d\U0001f469 roni", 11, "'roni' has no field"),
        ("data.m\u00fcller.\u00e9:x roni", 16, "'roni' has no field"),
    ],
    ids=repr,
)
def test_errors_name_the_first_problem_and_its_position(query: str, position: int, message: str) -> None:
    with pytest.raises(SearchError) as caught:
        parse(query, now=NOW)

    assert message in str(caught.value)
    assert caught.value.position == position


def test_wildcards_are_counted_across_the_whole_query_but_a_lone_star_is_not_one() -> None:
    query = "data.a:a*b*c* OR (data.b:d*e*f* -data.c:g*h*i*)"  # 3 + 3 + 3: the ninth is refused
    with pytest.raises(SearchError) as caught:
        parse(query, now=NOW)
    assert "at most 8 wildcards" in str(caught.value)
    assert caught.value.position == query.rindex("*")

    assert parse(query.replace("i*", "i"), now=NOW)  # eight
    lone = " ".join(f"data.f{n}:*" for n in range(12)) + " created_at:[* TO *]"
    assert parse(lone, now=NOW) == And(
        (*(DataExists((f"f{n}",)) for n in range(12)), Ordered("created_at", Between(None, True, None, True)))
    )


def test_parentheses_not_and_field_groups_share_one_nesting_limit() -> None:
    half = MAX_DEPTH // 2
    allowed = "(" * half + "NOT " * (half - 1) + "status:(dead)" + ")" * half
    assert parse(allowed, now=NOW) is not None

    deeper = "(" * half + "NOT " * half + "status:(dead)" + ")" * half
    with pytest.raises(SearchError) as caught:
        parse(deeper, now=NOW)
    assert "nested more than 20" in str(caught.value)
    assert caught.value.position == deeper.index("(dead)")


def test_relative_times_are_resolved_against_the_given_now() -> None:
    later = NOW + timedelta(days=3)

    assert parse("created_at:>now-1h", now=later) == Ordered(
        "created_at", Compare(">", Bounds(later - timedelta(hours=1)))
    )
    assert parse("created_at:>2026-01-31", now=later) == parse("created_at:>2026-01-31", now=NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        parse("created_at:>now", now=datetime(2026, 2, 1, 12, 0))


# --------------------------------------------------------------------------- compiling


DIALECTS = {
    "postgresql": create_async_engine("postgresql+asyncpg://").dialect,
    "sqlite": create_engine("sqlite://").dialect,
}


def sql(node: Node, dialect: str) -> str:
    return str(compile_tree(node).compile(dialect=DIALECTS[dialect]))


def test_every_column_field_has_a_column() -> None:
    """``success`` is read as ``status`` (the parser writes it so); every other field is a column."""
    assert set(COLUMNS) == set(FIELDS) - {"success"}


def test_payload_numbers_take_each_databases_form_and_values_stay_parameters() -> None:
    node = parse("data.grand_total:>100 data.sku:CK*", now=NOW)

    on_postgresql, on_sqlite = sql(node, "postgresql"), sql(node, "sqlite")

    assert "jsonb_typeof" in on_postgresql
    assert "json_type" not in on_postgresql
    assert "json_type" in on_sqlite
    assert "jsonb_typeof" not in on_sqlite
    for text in (on_postgresql, on_sqlite):
        assert "grand_total" not in text
        assert "100" not in text
        assert "CK" not in text


# --------------------------------------------------------------------------- generated queries

#: Leaves for generated queries: a term as written and its tree (no wildcards, so any number
#: of them stays within the query's wildcard cap).
LEAVES: list[tuple[str, Node]] = [
    ("status:dead", DEAD),
    ("store_id:1", STORE_1),
    ('event_name:"a b"', Equals("event_name", "a b")),
    ("notifier:*", Exists("notifier")),
    (f"{ID}", AnyId(ID)),
    ("data.items.0.sku:ABC", DataEquals(("items", 0, "sku"), "ABC")),
    ("data.n:[1 TO 2}", DataOrdered(("n",), Between(Bounds(Decimal(1)), True, Bounds(Decimal(2)), False))),
    ("created_at:>now-15m", Ordered("created_at", Compare(">", Bounds(NOW - timedelta(minutes=15))))),
    ("success:false", OneOf("status", ("dead", "retrying", "cancelled", "expired"))),
]
ATOM, AND, OR = 3, 2, 1  # how tightly a piece of text binds: a term, group or NOT; an AND; an OR


def generate(rng: random.Random, depth: int) -> tuple[str, Node, int]:
    """A random query, the tree it must parse into, and how tightly its text binds. Nested
    ANDs and ORs are parenthesised, as a parsed ``a AND b AND c`` is one flat node."""
    choice = rng.random()
    if depth == 0 or choice < 0.3:
        text, node = rng.choice(LEAVES)
        return text, node, ATOM
    if choice < 0.45:
        text, node, binds = generate(rng, depth - 1)
        operand = text if binds == ATOM else f"({text})"
        return rng.choice(["NOT ", "-"]) + operand, Not(node), ATOM
    if choice < 0.55:
        text, node, _ = generate(rng, depth - 1)
        return f"({text})", node, ATOM
    is_or = choice < 0.8
    pieces, nodes = [], []
    for _ in range(rng.randint(2, 3)):
        text, node, binds = generate(rng, depth - 1)
        pieces.append(text if binds > (OR if is_or else AND) else f"({text})")
        nodes.append(node)
    if is_or:
        return " OR ".join(pieces), Or(tuple(nodes)), OR
    joined = pieces[0] + "".join(rng.choice([" AND ", " ", "\n"]) + piece for piece in pieces[1:])
    return joined, And(tuple(nodes)), AND


@pytest.mark.parametrize("seed", range(8))
def test_generated_queries_parse_into_the_tree_they_were_built_from(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        text, expected, _ = generate(rng, depth=4)
        assert parse(text, now=NOW) == expected, text


FRAGMENTS = [*'()[]{}":*?\\-<>= \t.', "AND", "OR", "NOT", " TO ", "data.", "now", "status:", "x", "1"]


def mutate(rng: random.Random, text: str) -> str:
    """``text`` with one to three fragments deleted, inserted or replaced."""
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        index = rng.randint(0, len(chars))
        action = rng.random()
        if action < 0.33 and chars:
            del chars[min(index, len(chars) - 1)]
        elif action < 0.66:
            chars.insert(index, rng.choice(FRAGMENTS))
        elif chars:
            chars[min(index, len(chars) - 1)] = rng.choice(FRAGMENTS)
    return "".join(chars)


@pytest.mark.parametrize("seed", range(4))
def test_any_text_parses_into_a_tree_that_compiles_or_is_a_search_error(seed: int) -> None:
    """Generated queries, most of them mutated: parsing ends in a tree or a :class:`SearchError` (never
    another exception), an error's position is within the text, and every tree compiles."""
    rng = random.Random(seed)
    parsed, refused = 0, []
    for _ in range(400):
        text = generate(rng, depth=3)[0]
        if rng.random() < 0.75:
            text = mutate(rng, text)
        try:
            node = parse(text, now=NOW)
        except SearchError as error:
            refused.append((text, error.position))
            continue
        parsed += 1
        for dialect in DIALECTS:
            assert sql(node, dialect), text
    assert [(text, at) for text, at in refused if not 0 <= at <= len(text)] == []
    assert parsed > 50  # both outcomes were exercised
    assert len(refused) > 50
