"""Magento ``searchCriteria`` query strings, parsed into plain values (no database here).

Magento clients send PHP-style bracketed parameters::

    searchCriteria[filter_groups][0][filters][0][field]=event_name
    searchCriteria[filter_groups][0][filters][0][value]=sales.%
    searchCriteria[filter_groups][0][filters][0][condition_type]=like
    searchCriteria[sortOrders][0][field]=subscribed_at
    searchCriteria[sortOrders][0][direction]=DESC
    searchCriteria[pageSize]=20
    searchCriteria[currentPage]=2

Filters within one group are OR-ed, groups are AND-ed. What Magento's web API does and we
therefore do too:

- every key may be camelCase or snake_case (``sortOrders`` = ``sort_orders``), and so may
  the top-level ``searchCriteria``/``search_criteria``;
- a repeated parameter keeps its last value (PHP's rule), indices may have gaps and are read
  in numeric order;
- a filter without ``condition_type`` means ``eq``; a sort order without ``direction``
  means **DESC** (Magento's ``SortingProcessor`` sorts ascending only when told ``ASC``);
- ``pageSize`` absent or 0 means "no limit"; ``currentPage`` defaults to 1 and values
  below 1 mean page 1 (Magento clamps them); both are ignored without a page size;
- ``searchCriteria`` itself is required (Magento's 400 ``"%fieldName" is required``);
  ``?searchCriteria=`` is the empty search that lists everything.

Unknown fields, condition types, directions and keys are refused with a 400 naming them
(Magento hands an unknown field to SQL and answers 500). A page past the last one is empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from asyncevents_svc.compat.errors import MagentoBadRequest, required

#: Fields a client may filter and sort on (the module's table columns, minus the token).
FIELDS = (
    "subscription_id",
    "event_name",
    "recipient_url",
    "status",
    "metadata",
    "store_id",
    "subscribed_at",
)
CONDITIONS = (
    "eq",
    "neq",
    "like",
    "nlike",
    "in",
    "nin",
    "gt",
    "gteq",
    "lt",
    "lteq",
    "null",
    "notnull",
    "from",
    "to",
)
#: Conditions that ignore the filter's value.
VALUELESS = ("null", "notnull")
MAX_FILTERS = 50
MAX_SORT_ORDERS = 10
ROOTS = ("searchCriteria", "search_criteria")

_KEY = re.compile(r"^([A-Za-z_]+)((?:\[[^\[\]]*\])*)$")
_NOT_NAME = re.compile(r"[^A-Za-z_]")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
_INDEX = re.compile(r"^\d{1,6}$")
_PAGE_NUMBER = re.compile(r"^[+-]?\d{1,9}$")
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")

_Tree = dict[str, "_Node"]
_Node = str | _Tree


@dataclass(frozen=True)
class Filter:
    """One condition on one field. ``condition_type`` is as sent (for the echo)."""

    field: str
    value: str | None = None
    condition_type: str | None = None

    @property
    def condition(self) -> str:
        """The normalised condition (``eq`` when none was sent)."""
        return (self.condition_type or "eq").lower()


@dataclass(frozen=True)
class FilterGroup:
    filters: tuple[Filter, ...] = ()


@dataclass(frozen=True)
class SortOrder:
    field: str
    direction: str | None = None  # "ASC" | "DESC" (upper-cased) or None = Magento's DESC

    @property
    def ascending(self) -> bool:
        return self.direction == "ASC"


@dataclass(frozen=True)
class SearchCriteria:
    filter_groups: tuple[FilterGroup, ...] = ()
    sort_orders: tuple[SortOrder, ...] | None = None
    page_size: int | None = None
    current_page: int | None = None

    @property
    def limit(self) -> int | None:
        """Rows per page, or ``None`` for all of them."""
        return self.page_size or None

    @property
    def offset(self) -> int:
        if not self.limit:
            return 0
        return (max(self.current_page or 1, 1) - 1) * self.limit


def snake_case(name: str) -> str:
    """``sortOrders`` → ``sort_orders``; snake_case stays as it is."""
    return _CAMEL.sub(r"_\1", name).lower()


def parse_search_criteria(params: list[tuple[str, str]]) -> SearchCriteria:
    """Read every ``searchCriteria[...]`` parameter; other parameters are not ours to judge."""
    tree: _Tree = {}
    present = False
    for key, value in params:
        match = _KEY.match(key)
        root = match.group(1) if match else _NOT_NAME.split(key, maxsplit=1)[0]
        if root not in ROOTS:
            continue
        if match is None:
            raise MagentoBadRequest('Search criteria parameter "%1" is malformed.', [key])
        present = True
        segments = [snake_case(s) for s in _SEGMENT.findall(match.group(2))]
        _insert(tree, segments, value, key)
    if not present:
        raise required("searchCriteria")
    return _criteria(tree)


def _insert(tree: _Tree, segments: list[str], value: str, key: str) -> None:
    node = tree
    for segment in segments[:-1]:
        child = node.setdefault(segment, {})
        if isinstance(child, str):
            if child:
                raise MagentoBadRequest('Search criteria parameter "%1" is malformed.', [key])
            child = node[segment] = {}
        node = child
    if not segments:
        if value:
            raise MagentoBadRequest('Search criteria parameter "%1" is malformed.', [key])
        return
    last = segments[-1]
    if isinstance(node.get(last), dict):
        if value:
            raise MagentoBadRequest('Search criteria parameter "%1" is malformed.', [key])
        return
    node[last] = value  # a repeated parameter: the last one wins, as in PHP


def _container(node: _Node, path: str) -> _Tree:
    """A bracketed sub-tree; an empty value (``searchCriteria=``) counts as an empty one."""
    if isinstance(node, dict):
        return node
    if node == "":
        return {}
    raise MagentoBadRequest('Search criteria parameter "%1" must have sub-keys.', [path])


def _scalar(node: _Node, path: str) -> str:
    if isinstance(node, str):
        return node
    raise MagentoBadRequest('Search criteria parameter "%1" must be a single value.', [path])


def _only(tree: _Tree, allowed: tuple[str, ...], path: str) -> None:
    for key in tree:
        if key not in allowed:
            raise MagentoBadRequest(
                'Unknown search criteria parameter "%1". Use one of: %2.',
                [f"{path}[{key}]", ", ".join(allowed)],
            )


def _indexed(tree: _Tree, path: str) -> list[tuple[str, _Tree]]:
    """The elements of a PHP list (``[0]``, ``[1]``, ...) in index order."""
    for index in tree:
        if not _INDEX.match(index):
            raise MagentoBadRequest('Search criteria index "%1" in "%2" must be a number.', [index, path])
    ordered = sorted(tree, key=int)
    return [(f"{path}[{i}]", _container(tree[i], f"{path}[{i}]")) for i in ordered]


def _page_number(node: _Node, path: str) -> int:
    value = _scalar(node, path).strip()
    if not _PAGE_NUMBER.match(value):
        raise MagentoBadRequest(
            'The "%1" value of "%2" is invalid. The "%3" type was expected.', [value, path, "int"]
        )
    return int(value)


def _criteria(tree: _Tree) -> SearchCriteria:
    root = "searchCriteria"
    _only(tree, ("filter_groups", "sort_orders", "page_size", "current_page"), root)
    groups = tuple(
        _group(node, path)
        for path, node in _indexed(
            _container(tree.get("filter_groups", ""), f"{root}[filter_groups]"),
            f"{root}[filter_groups]",
        )
    )
    if sum(len(g.filters) for g in groups) > MAX_FILTERS:
        raise MagentoBadRequest("A search may have at most %1 filters.", [str(MAX_FILTERS)])
    sort_orders = None
    if "sort_orders" in tree:
        path = f"{root}[sort_orders]"
        sort_orders = tuple(
            _sort_order(node, p) for p, node in _indexed(_container(tree["sort_orders"], path), path)
        )
        if len(sort_orders) > MAX_SORT_ORDERS:
            raise MagentoBadRequest("A search may have at most %1 sort orders.", [str(MAX_SORT_ORDERS)])
    page_size = None
    if "page_size" in tree:
        page_size = _page_number(tree["page_size"], f"{root}[page_size]")
        if page_size < 0:
            raise MagentoBadRequest(
                'The "%1" value of "%2" is invalid: it must not be negative.',
                [str(page_size), f"{root}[page_size]"],
            )
    current_page = None
    if "current_page" in tree:
        current_page = _page_number(tree["current_page"], f"{root}[current_page]")
    return SearchCriteria(groups, sort_orders, page_size, current_page)


def _group(tree: _Tree, path: str) -> FilterGroup:
    _only(tree, ("filters",), path)
    filters_path = f"{path}[filters]"
    items = _indexed(_container(tree.get("filters", ""), filters_path), filters_path)
    return FilterGroup(tuple(_filter(node, p) for p, node in items))


def _filter(tree: _Tree, path: str) -> Filter:
    _only(tree, ("field", "value", "condition_type"), path)
    if "field" not in tree:
        raise required(f"{path}[field]")
    name = _scalar(tree["field"], f"{path}[field]")
    check_field(name)
    condition_type = None
    if "condition_type" in tree:
        condition_type = _scalar(tree["condition_type"], f"{path}[condition_type]")
    found = Filter(name, None, condition_type)
    if found.condition not in CONDITIONS:
        raise MagentoBadRequest(
            'Condition type "%1" is not supported. Use one of: %2.',
            [condition_type or "", ", ".join(CONDITIONS)],
        )
    if "value" in tree:
        return Filter(name, _scalar(tree["value"], f"{path}[value]"), condition_type)
    if found.condition not in VALUELESS:
        raise required(f"{path}[value]")
    return found


def _sort_order(tree: _Tree, path: str) -> SortOrder:
    _only(tree, ("field", "direction"), path)
    if "field" not in tree:
        raise required(f"{path}[field]")
    name = _scalar(tree["field"], f"{path}[field]")
    check_field(name)
    direction = None
    if "direction" in tree:
        direction = _scalar(tree["direction"], f"{path}[direction]").upper()
        if direction not in ("ASC", "DESC"):
            raise MagentoBadRequest(  # Magento's SortOrder wording
                "The sort order has to be specified as %1 for ascending order or %2 for descending order.",
                ["ASC", "DESC"],
            )
    return SortOrder(name, direction)


def check_field(name: str) -> None:
    if name not in FIELDS:
        raise MagentoBadRequest(
            'Field "%1" cannot be searched or sorted on. Use one of: %2.', [name, ", ".join(FIELDS)]
        )
