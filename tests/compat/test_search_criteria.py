"""Magento ``searchCriteria`` query parameters are read as Magento's web API reads them."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest

from asyncevents_svc.compat.errors import MagentoBadRequest, fill
from asyncevents_svc.compat.query import to_int, to_second, to_status
from asyncevents_svc.compat.search_criteria import (
    Filter,
    FilterGroup,
    SearchCriteria,
    SortOrder,
    parse_search_criteria,
)

F = "searchCriteria[filter_groups]"


def parse(query: str) -> SearchCriteria:
    return parse_search_criteria(parse_qsl(query, keep_blank_values=True))


def rejection(query: str) -> MagentoBadRequest:
    with pytest.raises(MagentoBadRequest) as caught:
        parse(query)
    return caught.value


def test_an_empty_search_criteria_lists_everything() -> None:
    criteria = parse("searchCriteria=")

    assert criteria == SearchCriteria()
    assert criteria.limit is None
    assert criteria.offset == 0


def test_filters_groups_sort_orders_and_paging_are_read() -> None:
    criteria = parse(
        f"{F}[0][filters][0][field]=event_name&{F}[0][filters][0][value]=sales.%25"
        f"&{F}[0][filters][0][condition_type]=like"
        f"&{F}[0][filters][1][field]=store_id&{F}[0][filters][1][value]=2"
        f"&{F}[1][filters][0][field]=status&{F}[1][filters][0][value]=1"
        "&searchCriteria[sortOrders][0][field]=subscribed_at"
        "&searchCriteria[sortOrders][0][direction]=asc"
        "&searchCriteria[pageSize]=20&searchCriteria[currentPage]=3"
    )

    assert criteria.filter_groups == (
        FilterGroup(
            (Filter("event_name", "sales.%", "like"), Filter("store_id", "2", None)),
        ),
        FilterGroup((Filter("status", "1", None),)),
    )
    assert criteria.sort_orders == (SortOrder("subscribed_at", "ASC"),)
    assert (criteria.limit, criteria.offset) == (20, 40)


def test_camel_case_and_snake_case_keys_mean_the_same() -> None:
    camel = parse(
        "searchCriteria[filterGroups][0][filters][0][field]=event_name"
        "&searchCriteria[filterGroups][0][filters][0][value]=example.ping"
        "&searchCriteria[filterGroups][0][filters][0][conditionType]=eq"
        "&searchCriteria[sortOrders][0][field]=store_id&searchCriteria[pageSize]=5"
    )
    snake = parse(
        "search_criteria[filter_groups][0][filters][0][field]=event_name"
        "&search_criteria[filter_groups][0][filters][0][value]=example.ping"
        "&search_criteria[filter_groups][0][filters][0][condition_type]=eq"
        "&search_criteria[sort_orders][0][field]=store_id&search_criteria[page_size]=5"
    )

    assert camel == snake


def test_a_filter_without_condition_type_means_eq() -> None:
    [group] = parse(f"{F}[0][filters][0][field]=store_id&{F}[0][filters][0][value]=1").filter_groups

    assert group.filters[0].condition == "eq"
    assert group.filters[0].condition_type is None  # echoed back as not sent


def test_a_sort_order_without_direction_is_descending_as_in_magento() -> None:
    criteria = parse("searchCriteria[sortOrders][0][field]=store_id")

    assert criteria.sort_orders is not None
    assert not criteria.sort_orders[0].ascending


def test_indices_are_read_in_numeric_order_and_may_have_gaps() -> None:
    criteria = parse(
        "searchCriteria[sortOrders][10][field]=store_id&searchCriteria[sortOrders][2][field]=status"
    )

    assert criteria.sort_orders is not None
    assert [s.field for s in criteria.sort_orders] == ["status", "store_id"]


def test_a_repeated_parameter_keeps_its_last_value() -> None:
    assert parse("searchCriteria[pageSize]=5&searchCriteria[pageSize]=7").page_size == 7


def test_pages_below_one_mean_the_first_page_and_page_size_zero_means_no_limit() -> None:
    assert parse("searchCriteria[pageSize]=10&searchCriteria[currentPage]=0").offset == 0
    assert parse("searchCriteria[pageSize]=0&searchCriteria[currentPage]=3").limit is None


def test_null_conditions_need_no_value() -> None:
    [group] = parse(
        f"{F}[0][filters][0][field]=store_id&{F}[0][filters][0][condition_type]=notnull"
    ).filter_groups

    assert group.filters[0].value is None


def test_other_query_parameters_are_left_alone() -> None:
    assert parse("searchCriteria=&fields=items[subscription_id]") == SearchCriteria()


def test_search_criteria_is_required_as_in_magento() -> None:
    error = rejection("fields=items")

    assert error.status == 400
    assert error.magento_message == '"%fieldName" is required. Enter and try again.'
    assert error.magento_parameters == {"fieldName": "searchCriteria"}


@pytest.mark.parametrize(
    ("query", "named"),
    [
        (f"{F}[0][filters][0][field]=verification_token&{F}[0][filters][0][value]=x", "verification_token"),
        (
            f"{F}[0][filters][0][field]=store_id&{F}[0][filters][0][value]=1&{F}[0][filters][0][condition_type]=finset",
            "finset",
        ),
        (f"{F}[0][filters][0][value]=1", f"{F}[0][filters][0][field]"),
        (f"{F}[0][filters][0][field]=store_id", f"{F}[0][filters][0][value]"),
        (f"{F}[0][filters][0][field]=store_id&{F}[0][filters][0][colour]=red", f"{F}[0][filters][0][colour]"),
        ("searchCriteria[sortOrders][0][field]=token", "token"),
        ("searchCriteria[sortOrders][x][field]=store_id", "x"),
        ("searchCriteria[pageSize]=ten", "searchCriteria[page_size]"),
        ("searchCriteria[pageSize]=-1", "searchCriteria[page_size]"),
        ("searchCriteria[limit]=5", "searchCriteria[limit]"),
        ("searchCriteria=everything", "searchCriteria"),
        ("searchCriteria[pageSize]=5&searchCriteria[pageSize][0]=6", "searchCriteria[pageSize][0]"),
        ("searchCriteria[pageSize][0]=6", "searchCriteria[page_size]"),
        ("searchCriteria]x[=1", "searchCriteria]x["),
    ],
)
def test_what_cannot_be_understood_is_a_400_naming_it(query: str, named: str) -> None:
    error = rejection(query)

    assert error.status == 400
    assert named in error.detail


def test_an_unknown_sort_direction_gets_magentos_message() -> None:
    error = rejection(
        "searchCriteria[sortOrders][0][field]=store_id&searchCriteria[sortOrders][0][direction]=up"
    )

    assert error.magento_message == (
        "The sort order has to be specified as %1 for ascending order or %2 for descending order."
    )
    assert error.magento_parameters == ["ASC", "DESC"]


def test_too_many_filters_are_refused() -> None:
    query = "&".join(
        f"{F}[0][filters][{i}][field]=store_id&{F}[0][filters][{i}][value]={i}" for i in range(51)
    )

    assert "at most 50 filters" in rejection(query).detail


def test_values_convert_per_field_or_fail_naming_the_field() -> None:
    assert to_int(" 42 ", "store_id") == 42
    assert to_status("true", "status") == "active"
    assert to_status("0", "status") == "disabled"
    assert to_second("2024-05-01 10:00:00.750", "subscribed_at") == (
        datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC),
        datetime(2024, 5, 1, 10, 0, 1, tzinfo=UTC),
    )
    assert to_second("2024-05-01T12:00:00+02:00", "subscribed_at")[0] == datetime(2024, 5, 1, 10, tzinfo=UTC)
    for convert, value in [
        (to_int, "1.5"),
        (to_int, "99999999999"),
        (to_status, "maybe"),
        (to_second, "yesterday"),
        (to_second, "9999-12-31 23:59:59"),  # no second after it to bound the range
    ]:
        with pytest.raises(MagentoBadRequest) as caught:
            convert(value, "the_field")
        assert "the_field" in caught.value.detail


def test_messages_fill_like_magento_phrases() -> None:
    assert fill("%1 and %10", [str(n) for n in range(1, 11)]) == "1 and 10"
    assert fill('"%fieldName" is required.', {"fieldName": "asyncEvent"}) == '"asyncEvent" is required.'
