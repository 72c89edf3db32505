"""Messages published the way Magento's ``PublisherInterface::publish('event.trigger', $data)``
does (SPEC §2.2): a JSON array ``[event_name, arguments_json, store_id?]``."""

from __future__ import annotations

import pytest

from asyncevents_svc.messaging.amqp import MagentoMessage, MagentoMessageError, parse_magento_body


def test_module_message_with_arguments_as_json_string() -> None:
    message = parse_magento_body(b'["sales.order.created", "{\\"id\\":42}"]')

    assert message == MagentoMessage("sales.order.created", {"id": 42}, 0)


@pytest.mark.parametrize("store", [b'"1"', b"1"], ids=["string", "int"])
def test_store_id_may_be_a_string_or_an_int(store: bytes) -> None:
    message = parse_magento_body(b'["sales.order.created", "{\\"id\\":42}", ' + store + b"]")

    assert message.store_id == 1
    assert message.arguments == {"id": 42}


@pytest.mark.parametrize("store", [b'"0"', b"0", b"null", b'""'])
def test_empty_or_zero_store_id_means_all_stores(store: bytes) -> None:
    message = parse_magento_body(b'["customer.created", "{}", ' + store + b"]")

    assert message.store_id == 0


def test_arguments_may_be_a_json_object() -> None:
    message = parse_magento_body(b'["sales.order.created", {"id": 42, "items": [1, 2]}, 3]')

    assert message == MagentoMessage("sales.order.created", {"id": 42, "items": [1, 2]}, 3)


@pytest.mark.parametrize(
    "body",
    [b'["example.ping", "[]"]', b'["example.ping", []]', b'["example.ping", ""]'],
    ids=["php-empty-array-string", "php-empty-array", "empty-string"],
)
def test_empty_php_array_means_no_arguments(body: bytes) -> None:
    assert parse_magento_body(body).arguments == {}


def test_nested_argument_values_are_kept() -> None:
    body = b'["customer.created", "{\\"customer\\":{\\"email\\":\\"roni_cost@example.com\\"}}"]'

    assert parse_magento_body(body).arguments == {"customer": {"email": "roni_cost@example.com"}}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param(b"sales.order.created", "not JSON", id="not-json"),
        pytest.param(b"", "not JSON", id="empty-body"),
        pytest.param(b'\xff["x", "{}"]', "not JSON", id="not-utf8"),
        pytest.param(b'{"event_name": "sales.order.created"}', "JSON array", id="object"),
        pytest.param(b'"sales.order.created"', "JSON array", id="string"),
        pytest.param(b'["sales.order.created"]', "JSON array", id="one-element"),
        pytest.param(b"[]", "JSON array", id="no-element"),
        pytest.param(b'["sales.order.created", "{}", 1, "extra"]', "JSON array", id="four"),
        pytest.param(b'[42, "{}"]', "JSON array", id="name-not-a-string"),
        pytest.param(b'["sales.order.created", "{id:42}"]', "arguments are not JSON", id="bad"),
        pytest.param(b'["sales.order.created", "[42]"]', "JSON object", id="list-arguments"),
        pytest.param(b'["sales.order.created", "42"]', "JSON object", id="scalar-arguments"),
        pytest.param(b'["sales.order.created", null]', "JSON object", id="null-arguments"),
        pytest.param(b'["sales.order.created", 42]', "JSON object", id="number-arguments"),
    ],
)
def test_malformed_message_is_refused(body: bytes, problem: str) -> None:
    with pytest.raises(MagentoMessageError, match=problem):
        parse_magento_body(body)


@pytest.mark.parametrize(
    ("store", "problem"),
    [
        pytest.param(b"-1", "must not be negative", id="negative-int"),
        pytest.param(b'"-1"', "must not be negative", id="negative-string"),
        pytest.param(b'"default"', "not an integer", id="store-code"),
        pytest.param(b'"1.5"', "not an integer", id="fraction-string"),
        pytest.param(b"1.5", "not an integer", id="fraction"),
        pytest.param(b"true", "not an integer", id="boolean"),
        pytest.param(b"[1]", "not an integer", id="list"),
        pytest.param(b'{"id": 1}', "not an integer", id="object"),
    ],
)
def test_store_id_that_is_not_a_non_negative_integer_is_refused(store: bytes, problem: str) -> None:
    body = b'["sales.order.created", "{\\"id\\":42}", ' + store + b"]"

    with pytest.raises(MagentoMessageError, match=problem):
        parse_magento_body(body)


def test_message_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        parse_magento_body(b"{")
