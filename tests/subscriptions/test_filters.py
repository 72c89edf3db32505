"""Payload filters: each operator, nesting, paths, and the errors that name the bad part."""

from __future__ import annotations

from typing import Any

import pytest

from asyncevents_svc.errors import ValidationFailed
from asyncevents_svc.subscriptions.filters import explain_miss, parse

ORDER = {
    "status": "paid",
    "total": 120.5,
    "count": 3,
    "flag": True,
    "customer": {"group": "vip", "email": "a@example.com", "tags": ["x", "y"]},
    "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}],
    "note": None,
}


def matches(condition: dict[str, Any], payload: Any = ORDER) -> bool:
    return explain_miss(parse(condition), payload) is None


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"path": "status", "eq": "paid"}, True),
        ({"path": "status", "eq": "PAID"}, False),
        ({"path": "count", "eq": 3.0}, True),
        ({"path": "flag", "eq": 1}, False),
        ({"path": "flag", "eq": True}, True),
        ({"path": "note", "eq": None}, True),
        ({"path": "customer.tags", "eq": ["x", "y"]}, True),
        ({"path": "missing", "eq": None}, False),
        ({"path": "status", "ne": "refunded"}, True),
        ({"path": "status", "ne": "paid"}, False),
        ({"path": "missing", "ne": "paid"}, True),
        ({"path": "customer.group", "in": ["vip", "wholesale"]}, True),
        ({"path": "customer.group", "in": ["retail"]}, False),
        ({"path": "count", "in": [1, 3]}, True),
        ({"path": "customer.email", "exists": True}, True),
        ({"path": "customer.phone", "exists": True}, False),
        ({"path": "customer.phone", "exists": False}, True),
        ({"path": "note", "exists": True}, True),
        ({"path": "total", "gt": 120}, True),
        ({"path": "total", "gt": 120.5}, False),
        ({"path": "total", "gte": 120.5}, True),
        ({"path": "count", "lt": 3}, False),
        ({"path": "count", "lte": 3}, True),
        ({"path": "status", "gt": 1}, False),
        ({"path": "flag", "gte": 0}, False),
        ({"path": "missing", "lt": 10}, False),
        ({"path": "items.0.sku", "eq": "A-1"}, True),
        ({"path": "items.1.qty", "lt": 2}, True),
        ({"path": "items.2.sku", "exists": True}, False),
        ({"path": "items.sku", "exists": True}, False),
    ],
)
def test_each_operator(condition: dict[str, Any], expected: bool) -> None:
    assert matches(condition) is expected


def test_and_needs_every_condition() -> None:
    both = {"and": [{"path": "status", "eq": "paid"}, {"path": "total", "gte": 100}]}
    assert matches(both)
    assert not matches({"and": [{"path": "status", "eq": "paid"}, {"path": "total", "gte": 500}]})


def test_or_needs_one_condition_and_nesting_works() -> None:
    nested = {
        "and": [
            {"path": "status", "eq": "paid"},
            {"or": [{"path": "customer.group", "eq": "retail"}, {"path": "items.0.qty", "gte": 2}]},
        ]
    }
    assert matches(nested)
    assert not matches({"or": [{"path": "status", "eq": "new"}, {"path": "total", "lt": 1}]})


def test_a_miss_says_which_condition_failed_and_what_the_value_was() -> None:
    reason = explain_miss(parse({"path": "total", "gte": 500}), ORDER)
    assert reason == "total gte 500 is false (total is 120.5)"
    reason = explain_miss(parse({"or": [{"path": "a", "eq": 1}, {"path": "status", "eq": "new"}]}), ORDER)
    assert reason == 'none of: a eq 1 is false (a is missing); status eq "new" is false (status is "paid")'


def test_a_payload_that_is_not_an_object_only_matches_missing_paths() -> None:
    assert matches({"path": "a", "exists": False}, payload=[1, 2])
    assert matches({"path": "0", "eq": 1}, payload=[1, 2])
    assert not matches({"path": "a", "eq": 1}, payload="text")


@pytest.mark.parametrize(
    ("condition", "field", "message"),
    [
        ("status", "filter", "a condition is an object"),
        ({}, "filter.path", "dot-separated path"),
        ({"path": "a"}, "filter", "exactly one operator"),
        ({"path": "a", "eq": 1, "ne": 2}, "filter", "exactly one operator"),
        ({"path": "a", "like": "x"}, "filter", "unknown key(s) ['like']"),
        ({"path": "", "eq": 1}, "filter.path", "dot-separated path"),
        ({"path": "a..b", "eq": 1}, "filter.path", "non-empty segments"),
        ({"eq": 1}, "filter.path", "dot-separated path"),
        ({"path": "a", "gt": "10"}, "filter.gt", "a number"),
        ({"path": "a", "lte": True}, "filter.lte", "a number"),
        ({"path": "a", "exists": "yes"}, "filter.exists", "true or false"),
        ({"path": "a", "in": []}, "filter.in", "non-empty list"),
        ({"path": "a", "in": "x"}, "filter.in", "non-empty list"),
        ({"and": []}, "filter.and", "non-empty list"),
        ({"or": {"path": "a"}}, "filter.or", "non-empty list"),
        ({"and": [{"path": "a", "eq": 1}], "path": "b"}, "filter", "stands alone"),
        ({"and": [{"path": "a", "eq": 1}, {"path": "b", "gt": "x"}]}, "filter.and[1].gt", "a number"),
        ({"or": [{"and": [{"path": "a", "in": 3}]}]}, "filter.or[0].and[0].in", "non-empty list"),
    ],
)
def test_a_bad_filter_is_refused_naming_the_part(condition: Any, field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse(condition)
    assert caught.value.errors[0].loc == field
    assert message in str(caught.value)


def test_a_filter_is_bounded_in_depth_and_size() -> None:
    deep: dict[str, Any] = {"path": "a", "eq": 1}
    for _ in range(8):
        deep = {"and": [deep]}
    with pytest.raises(ValidationFailed, match="nests at most 8"):
        parse(deep)
    wide = {"or": [{"path": "a", "eq": n} for n in range(64)]}
    with pytest.raises(ValidationFailed, match="at most 64 conditions"):
        parse(wide)
