"""The event catalogue (SPEC §1): strict loading of ``events.xml``, the service registry,
service bindings (argument checks and payload rendering) and subscription name patterns.

No database or broker: only files in ``tmp_path``, a throw-away installed distribution for
the entry-point registry and a loopback aiohttp server for the HTTP fetch service (reached
through the worker's guarded fetch client, with loopback allow-listed for fetches).
"""

from __future__ import annotations

import importlib
import json
import socket
import sys
import textwrap
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from pydantic import BaseModel

from asyncevents_svc.catalogue.fetch import FetchClient, fetch_policy
from asyncevents_svc.catalogue.loader import load_catalogue
from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.catalogue.patterns import is_valid_pattern, matches
from asyncevents_svc.catalogue.registry import SERVICES_GROUP, load_object
from asyncevents_svc.catalogue.services import (
    HttpFetchBinding,
    MethodBinding,
    PassthroughBinding,
    ResolutionError,
    ResolveContext,
)
from asyncevents_svc.errors import CatalogueError, NotFound, ValidationFailed
from asyncevents_svc.settings import HttpSettings, SecuritySettings
from tests.support.loopback import on_loopback

DATA = Path(__file__).parents[1] / "data" / "catalogue"
THIS_MODULE = __name__
MAGENTO_ORDER_REPOSITORY = "Magento\\Sales\\Api\\OrderRepositoryInterface"


# --- services referenced from the events.xml files written by these tests -----------------


class OrderService:
    """A sync and an async method, as a deployment's own service would have."""

    def get(self, id: int) -> dict[str, Any]:
        return {"entity_id": id, "id_type": type(id).__name__}

    async def load(self, id: int, with_items: bool = False) -> dict[str, Any]:
        return {"entity_id": id, "with_items": with_items}

    def positional_only(self, id: int, /) -> int:
        return id

    not_callable = "just a string"


class NeedsConfiguration:
    """A class the registry cannot instantiate without arguments."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def get(self, id: int) -> int:
        return id


# --- helpers ------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    """Write an XML document, dedented, so that line numbers in the test text are exact."""
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the ``occurrence``-th line of ``path`` containing ``needle``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [number for number, line in enumerate(lines, start=1) if needle in line]
    return hits[occurrence - 1]


def one_event(path: Path, service: str, *, name: str = "sales.order.created") -> Path:
    """A catalogue of one event whose ``<service>`` element is ``service``."""
    return write(
        path,
        f"""
        <?xml version="1.0"?>
        <config>
            <async_event name="{name}">
                {service}
            </async_event>
        </config>
        """,
    )


def refusal(*paths: Path) -> CatalogueError:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(list(paths))
    return caught.value


def assert_points_at(error: CatalogueError, path: Path, line: int | None) -> None:
    """The start-up message names the file and the line, ``file:line: problem``."""
    assert error.path == str(path)
    assert error.line == line
    prefix = f"{path}:{line}: " if line is not None else f"{path}: "
    assert str(error).startswith(prefix), str(error)


def quotes_class(error: CatalogueError, class_string: str) -> bool:
    """The problem quotes ``class_string``, as written or as a Python literal."""
    return class_string in error.problem or repr(class_string) in error.problem


@asynccontextmanager
async def fetching(*allow: str) -> AsyncIterator[ResolveContext]:
    """A resolve context whose fetch client allows ``allow`` (CIDRs, names), env "test"."""
    policy = fetch_policy(SecuritySettings(fetch_allowlist=list(allow)), "test")
    http = FetchClient(policy, HttpSettings(timeout=5))
    try:
        yield ResolveContext(http)
    finally:
        await http.close()


@pytest.fixture
async def ctx() -> AsyncIterator[ResolveContext]:
    async with fetching("127.0.0.1/32") as context:
        yield context


# --- 1. loading a valid catalogue ---------------------------------------------------------


def test_valid_catalogue_loads_every_event_with_its_resources() -> None:
    path = DATA / "valid.xml"

    catalogue = load_catalogue([path])

    assert catalogue.names() == [
        "catalog_product.save-after",
        "customer.created",
        "sales.order.created",
    ]
    assert len(catalogue) == 3
    assert "sales.order.created" in catalogue
    order = catalogue.get("sales.order.created")
    assert order.resources == ("Magento_Sales::actions_view", "Magento_Sales::sales")
    assert order.service_class == "asyncevents_svc.examples:DemoOrderRepository"
    assert order.method == "get"
    assert order.source == f"{path}:{line_of(path, 'sales.order.created')}"
    assert catalogue.get("customer.created").resources == ()


def test_valid_catalogue_binds_each_kind_of_service() -> None:
    catalogue = load_catalogue([DATA / "valid.xml"])

    assert isinstance(catalogue.get("sales.order.created").binding, MethodBinding)
    assert isinstance(catalogue.get("customer.created").binding, PassthroughBinding)
    fetch = catalogue.get("catalog_product.save-after").binding
    assert isinstance(fetch, HttpFetchBinding)
    assert fetch.url_template == "https://catalog.internal/products/{sku}"


async def test_event_of_a_loaded_catalogue_resolves_through_its_service(
    ctx: ResolveContext,
) -> None:
    event = load_catalogue([DATA / "valid.xml"]).get("sales.order.created")

    payload = await event.binding.resolve({"id": "42"}, ctx)

    assert payload == {
        "entity_id": 42,
        "increment_id": "CK00000042",
        "status": "pending",
        "grand_total": 441.0,
        "customer_email": "customer42@example.com",
    }


def test_unknown_event_name_is_not_found() -> None:
    catalogue = load_catalogue([DATA / "valid.xml"])

    with pytest.raises(NotFound, match=r"sales\.order\.deleted"):
        catalogue.get("sales.order.deleted")
    assert "Sales.Order.Created" not in catalogue


# --- 1. strict loading: every problem names file and line ---------------------------------


def test_malformed_xml_is_refused_at_the_line_of_the_error(tmp_path: Path) -> None:
    path = write(
        tmp_path / "events.xml",
        """
        <?xml version="1.0"?>
        <config>
            <async_event name="sales.order.created">
                <service class="asyncevents.passthrough" method="arguments">
            </async_event>
        </config>
        """,
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "</async_event>"))
    assert "malformed XML" in error.problem


def test_duplicate_event_name_is_refused_with_both_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path / "events.xml",
        """
        <?xml version="1.0"?>
        <config>
            <async_event name="sales.order.created">
                <service class="asyncevents.passthrough" method="arguments"/>
            </async_event>
            <async_event name="customer.created">
                <service class="asyncevents.passthrough" method="arguments"/>
            </async_event>
            <async_event name="sales.order.created">
                <service class="asyncevents.passthrough" method="arguments"/>
            </async_event>
        </config>
        """,
    )

    error = refusal(path)

    first_line = line_of(path, '"sales.order.created"')
    second_line = line_of(path, '"sales.order.created"', occurrence=2)
    assert_points_at(error, path, second_line)
    assert "duplicate async_event name 'sales.order.created'" in error.problem
    assert f"first defined at {path}:{first_line}" in error.problem


@pytest.mark.parametrize(
    ("service", "missing"),
    [
        ('<service method="get"/>', "class"),
        ('<service class="asyncevents.passthrough"/>', "method"),
        ('<service class="  " method="get"/>', "class"),
    ],
)
def test_service_without_class_or_method_is_refused(tmp_path: Path, service: str, missing: str) -> None:
    path = one_event(tmp_path / "events.xml", service)

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<service"))
    assert f"missing attribute {missing!r}" in error.problem


@pytest.mark.parametrize("opening", ["<async_event>", '<async_event name="">'])
def test_event_without_a_name_is_refused(tmp_path: Path, opening: str) -> None:
    path = write(
        tmp_path / "events.xml",
        f"""
        <?xml version="1.0"?>
        <config>
            {opening}
                <service class="asyncevents.passthrough" method="arguments"/>
            </async_event>
        </config>
        """,
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<async_event"))
    assert "missing attribute 'name'" in error.problem


@pytest.mark.parametrize(
    "name",
    ["sales order created", "sales/order", "sales.order.*", "ventes.commande.créée", "a:b"],
)
def test_event_name_outside_the_allowed_characters_is_refused(tmp_path: Path, name: str) -> None:
    path = one_event(
        tmp_path / "events.xml",
        '<service class="asyncevents.passthrough" method="arguments"/>',
        name=name,
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<async_event"))
    assert f"invalid event name {name!r}" in error.problem


def test_unknown_element_inside_an_event_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "events.xml",
        """
        <?xml version="1.0"?>
        <config>
            <async_event name="sales.order.created">
                <service class="asyncevents.passthrough" method="arguments"/>
                <summary>Order placed</summary>
            </async_event>
        </config>
        """,
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<summary>"))
    assert "<summary>" in error.problem


def test_unknown_element_at_the_top_level_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "events.xml",
        """
        <?xml version="1.0"?>
        <config>
            <async_event name="sales.order.created">
                <service class="asyncevents.passthrough" method="arguments"/>
            </async_event>
            <event name="customer.created"/>
        </config>
        """,
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<event "))
    assert "<event>" in error.problem


def test_non_resource_element_inside_resources_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "events.xml",
        """
        <?xml version="1.0"?>
        <config>
            <async_event name="sales.order.created">
                <service class="asyncevents.passthrough" method="arguments"/>
                <resources>
                    <resource>Magento_Sales::actions_view</resource>
                    <acl>Magento_Sales::sales</acl>
                </resources>
            </async_event>
        </config>
        """,
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<acl>"))


@pytest.mark.parametrize(
    ("opening", "service", "marker", "attribute"),
    [
        (
            '<async_event name="sales.order.created" store="1">',
            '<service class="asyncevents.passthrough" method="arguments"/>',
            "<async_event",
            "store",
        ),
        (
            '<async_event name="sales.order.created">',
            '<service class="asyncevents.passthrough" method="arguments" timeout="5"/>',
            "<service",
            "timeout",
        ),
        (
            '<async_event name="sales.order.created">',
            '<service class="asyncevents.passthrough" method="x" url="https://a.test/{id}"/>',
            "<service",
            "url",
        ),
    ],
    ids=["on-async_event", "on-service", "url-on-a-non-fetch-service"],
)
def test_unknown_attribute_is_refused(
    tmp_path: Path, opening: str, service: str, marker: str, attribute: str
) -> None:
    path = write(
        tmp_path / "events.xml",
        f"""
        <?xml version="1.0"?>
        <config>
            {opening}
                {service}
            </async_event>
        </config>
        """,
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, marker))
    assert "unknown attribute" in error.problem
    assert attribute in error.problem


def test_unknown_attribute_on_a_resource_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "events.xml",
        """
        <?xml version="1.0"?>
        <config>
            <async_event name="sales.order.created">
                <service class="asyncevents.passthrough" method="arguments"/>
                <resources>
                    <resource scope="store">Magento_Sales::actions_view</resource>
                </resources>
            </async_event>
        </config>
        """,
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<resource "))
    assert "scope" in error.problem


@pytest.mark.parametrize("count", [0, 2])
def test_event_needs_exactly_one_service(tmp_path: Path, count: int) -> None:
    service = '<service class="asyncevents.passthrough" method="arguments"/>'
    path = one_event(tmp_path / "events.xml", service * count)

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<async_event"))
    assert "exactly one <service>" in error.problem


def test_unimportable_service_class_is_refused(tmp_path: Path) -> None:
    path = one_event(tmp_path / "events.xml", '<service class="no.such.module:Thing" method="get"/>')

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<service"))
    assert "'no.such.module'" in error.problem


def test_missing_attribute_of_an_importable_module_is_refused(tmp_path: Path) -> None:
    path = one_event(
        tmp_path / "events.xml",
        '<service class="asyncevents_svc.examples:NoSuchRepository" method="get"/>',
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<service"))
    assert "NoSuchRepository" in error.problem


def test_unregistered_magento_class_string_is_refused_naming_the_entry_point_group(
    tmp_path: Path,
) -> None:
    path = one_event(tmp_path / "events.xml", f'<service class="{MAGENTO_ORDER_REPOSITORY}" method="get"/>')

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<service"))
    assert quotes_class(error, MAGENTO_ORDER_REPOSITORY)
    assert SERVICES_GROUP in error.problem


@pytest.mark.parametrize(
    ("method", "problem"),
    [("delete", "has no method 'delete'"), ("not_callable", "is not callable")],
)
def test_service_class_without_the_method_is_refused(tmp_path: Path, method: str, problem: str) -> None:
    path = one_event(
        tmp_path / "events.xml",
        f'<service class="{THIS_MODULE}:OrderService" method="{method}"/>',
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<service"))
    assert problem in error.problem


def test_method_with_positional_only_parameters_is_refused(tmp_path: Path) -> None:
    path = one_event(
        tmp_path / "events.xml",
        f'<service class="{THIS_MODULE}:OrderService" method="positional_only"/>',
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<service"))
    assert "positional-only" in error.problem


def test_class_that_cannot_be_instantiated_is_refused(tmp_path: Path) -> None:
    path = one_event(
        tmp_path / "events.xml",
        f'<service class="{THIS_MODULE}:NeedsConfiguration" method="get"/>',
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<service"))
    assert "cannot instantiate" in error.problem


@pytest.mark.parametrize(
    ("service", "problem"),
    [
        ('<service class="asyncevents.http_fetch" method="get"/>', "missing attribute 'url'"),
        (
            '<service class="asyncevents.http_fetch" method="get" url="file:///etc/passwd"/>',
            "must be http(s)",
        ),
        (
            '<service class="asyncevents.http_fetch" method="get" url="https://o.test/{0}"/>',
            "not a plain name",
        ),
        (
            '<service class="asyncevents.http_fetch" method="get" url="https://o.test/{}"/>',
            "",
        ),
        (
            '<service class="asyncevents.http_fetch" method="get" url="https://o.test/{id"/>',
            "bad url template",
        ),
        (
            '<service class="asyncevents.http_fetch" method="get" url="https://o.test/café/{id}"/>',
            "the URL must be ASCII",
        ),
    ],
    ids=["no-url", "not-http", "positional-placeholder", "empty-placeholder", "unclosed-brace", "not-ascii"],
)
def test_http_fetch_service_with_a_bad_url_is_refused(tmp_path: Path, service: str, problem: str) -> None:
    path = one_event(tmp_path / "events.xml", service)

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<service"))
    assert problem in error.problem


def test_root_element_other_than_config_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "events.xml",
        """
        <?xml version="1.0"?>
        <events>
            <async_event name="sales.order.created"/>
        </events>
        """,
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<events>"))
    assert "<config>" in error.problem


def test_catalogue_without_any_event_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "events.xml", '<?xml version="1.0"?>\n<config/>\n')

    error = refusal(path)

    assert str(path) in str(error)
    assert "no async_event" in error.problem


def test_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "events.xml"

    error = refusal(path)

    assert_points_at(error, path, None)
    assert "cannot read file" in error.problem


# --- 1. safe XML: no DOCTYPE, no entity, no fetch -----------------------------------------


@pytest.mark.timeout(10)
def test_billion_laughs_is_refused_without_expanding_anything() -> None:
    path = DATA / "billion_laughs.xml"
    started = time.perf_counter()

    error = refusal(path)

    assert time.perf_counter() - started < 1.0
    assert_points_at(error, path, line_of(path, "<!DOCTYPE"))
    assert "DOCTYPE and entities are not allowed" in error.problem
    assert "lol" not in str(error)


def test_external_entity_is_refused_without_reading_the_file() -> None:
    path = DATA / "external_entity.xml"

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<!DOCTYPE"))
    assert "DOCTYPE and entities are not allowed" in error.problem
    assert "root:" not in str(error)


def test_external_parameter_entity_is_never_fetched(tmp_path: Path) -> None:
    # A port nobody listens on: were the parser to fetch, the error would be a connection
    # failure, not the refusal of the DOCTYPE.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path = write(
        tmp_path / "events.xml",
        f"""
        <?xml version="1.0"?>
        <!DOCTYPE config [
          <!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/evil.dtd">
          %remote;
        ]>
        <config/>
        """,
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<!DOCTYPE"))
    assert "DOCTYPE and entities are not allowed" in error.problem


def test_even_a_harmless_doctype_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "events.xml",
        """
        <?xml version="1.0"?>
        <!DOCTYPE config>
        <config>
            <async_event name="sales.order.created">
                <service class="asyncevents.passthrough" method="arguments"/>
            </async_event>
        </config>
        """,
    )

    error = refusal(path)

    assert_points_at(error, path, 2)


# --- 1. several files ---------------------------------------------------------------------


def test_several_files_are_merged(tmp_path: Path) -> None:
    sales = one_event(tmp_path / "sales.xml", '<service class="asyncevents.passthrough" method="x"/>')
    customer = one_event(
        tmp_path / "customer.xml",
        '<service class="asyncevents.passthrough" method="x"/>',
        name="customer.created",
    )

    catalogue = load_catalogue([sales, customer])

    assert catalogue.names() == ["customer.created", "sales.order.created"]
    assert catalogue.get("customer.created").source == f"{customer}:{line_of(customer, '<async_event')}"


def test_directory_contributes_its_xml_files_only() -> None:
    directory = DATA / "merged"

    catalogue = load_catalogue([directory])

    assert catalogue.names() == ["customer.created", "sales.order.created", "sales.order.updated"]
    assert catalogue.get("customer.created").resources == ("Magento_Customer::manage",)
    assert catalogue.get("sales.order.created").source.startswith(str(directory / "10-sales.xml"))


def test_directory_files_are_read_in_name_order(tmp_path: Path) -> None:
    # Written in the opposite order, so that creation order cannot pass for name order.
    service = '<service class="asyncevents.passthrough" method="arguments"/>'
    late = one_event(tmp_path / "20-late.xml", service)
    early = one_event(tmp_path / "10-early.xml", service)

    error = refusal(tmp_path)

    assert_points_at(error, late, line_of(late, "<async_event"))
    assert f"{early}:{line_of(early, '<async_event')}" in error.problem


def test_duplicate_names_across_files_are_refused(tmp_path: Path) -> None:
    first = DATA / "valid.xml"
    second = one_event(tmp_path / "more.xml", '<service class="asyncevents.passthrough" method="arguments"/>')

    error = refusal(first, second)

    assert_points_at(error, second, line_of(second, "<async_event"))
    assert "duplicate async_event name 'sales.order.created'" in error.problem
    assert f"{first}:{line_of(first, 'sales.order.created')}" in error.problem


# --- 2. the entry-point registry ----------------------------------------------------------

PLUGIN_SOURCE = '''
class OrderRepository:
    """What a deployment maps Magento's OrderRepositoryInterface to."""

    def get(self, id: int) -> dict[str, object]:
        return {"entity_id": id, "served_by": __name__}


class NeedsConfiguration:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def get(self, id: int) -> int:
        return id
'''


@dataclass
class SitePackages:
    """A folder on ``sys.path`` holding a module and, once installed, its dist-info."""

    root: Path
    module: str
    installed: list[str] = field(default_factory=list)

    def install(self, services: dict[str, str]) -> None:
        """Install a distribution whose ``asyncevents_svc.services`` entry points are ``services``."""
        dist = self.root / f"{self.module}-1.0.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {self.module}\nVersion: 1.0\n", encoding="utf-8"
        )
        lines = [f"[{SERVICES_GROUP}]", *(f"{name} = {value}" for name, value in services.items())]
        (dist / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        importlib.invalidate_caches()
        self.installed.extend(services)


@pytest.fixture
def site_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SitePackages]:
    module = f"acme_services_{uuid.uuid4().hex[:10]}"
    root = tmp_path / "site-packages"
    root.mkdir()
    (root / f"{module}.py").write_text(PLUGIN_SOURCE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(root))
    yield SitePackages(root, module)
    sys.modules.pop(module, None)


def test_entry_point_written_at_test_time_is_found_by_importlib_metadata(
    site_packages: SitePackages,
) -> None:
    value = f"{site_packages.module}:OrderRepository"

    site_packages.install({MAGENTO_ORDER_REPOSITORY: value})

    found = {ep.name: ep.value for ep in entry_points(group=SERVICES_GROUP)}
    assert found[MAGENTO_ORDER_REPOSITORY] == value
    assert type(load_object(MAGENTO_ORDER_REPOSITORY)).__name__ == "OrderRepository"


async def test_magento_class_string_resolves_through_its_entry_point(
    site_packages: SitePackages, tmp_path: Path, ctx: ResolveContext
) -> None:
    site_packages.install({MAGENTO_ORDER_REPOSITORY: f"{site_packages.module}:OrderRepository"})
    path = one_event(tmp_path / "events.xml", f'<service class="{MAGENTO_ORDER_REPOSITORY}" method="get"/>')

    event = load_catalogue([path]).get("sales.order.created")

    assert event.service_class == MAGENTO_ORDER_REPOSITORY
    payload = await event.binding.resolve({"id": "42"}, ctx)
    assert payload == {"entity_id": 42, "served_by": site_packages.module}


def test_broken_entry_point_fails_loudly_with_its_name(site_packages: SitePackages, tmp_path: Path) -> None:
    site_packages.install({MAGENTO_ORDER_REPOSITORY: "acme_uninstalled_module:OrderRepository"})
    path = one_event(tmp_path / "events.xml", f'<service class="{MAGENTO_ORDER_REPOSITORY}" method="get"/>')

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<service"))
    assert quotes_class(error, MAGENTO_ORDER_REPOSITORY)
    assert "acme_uninstalled_module:OrderRepository" in error.problem
    assert "failed to load" in error.problem


def test_entry_point_to_a_class_needing_arguments_fails_loudly(
    site_packages: SitePackages, tmp_path: Path
) -> None:
    site_packages.install({MAGENTO_ORDER_REPOSITORY: f"{site_packages.module}:NeedsConfiguration"})
    path = one_event(tmp_path / "events.xml", f'<service class="{MAGENTO_ORDER_REPOSITORY}" method="get"/>')

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<service"))
    assert "cannot instantiate" in error.problem
    assert quotes_class(error, MAGENTO_ORDER_REPOSITORY)


# --- 3. method bindings: argument checks ---------------------------------------------------


class Address(BaseModel):
    city: str
    postcode: str


def reserve(sku: str, qty: int, at: datetime, address: Address) -> dict[str, str]:
    """Reports the types it was called with."""
    return {
        "sku": type(sku).__name__,
        "qty": type(qty).__name__,
        "at": type(at).__name__,
        "address": type(address).__name__,
    }


def tagged(id: int, **extra: Any) -> dict[str, Any]:
    return {"id": id, "extra": extra}


def failing(id: int) -> None:
    raise KeyError(f"order {id} vanished")


async def test_sync_method_is_called_with_coerced_arguments(ctx: ResolveContext) -> None:
    binding = MethodBinding(OrderService().get, "OrderService::get")

    assert binding.check_arguments({"id": "42"}) == {"id": 42}
    assert await binding.resolve({"id": "42"}, ctx) == {"entity_id": 42, "id_type": "int"}


async def test_async_method_is_awaited_and_defaults_apply(ctx: ResolveContext) -> None:
    binding = MethodBinding(OrderService().load, "OrderService::load")

    assert await binding.resolve({"id": 7}, ctx) == {"entity_id": 7, "with_items": False}
    assert await binding.resolve({"id": 7, "with_items": "true"}, ctx) == {
        "entity_id": 7,
        "with_items": True,
    }


async def test_typed_arguments_arrive_as_their_declared_types(ctx: ResolveContext) -> None:
    binding = MethodBinding(reserve, "reserve")

    arguments = {
        "sku": "MH01",
        "qty": "3",
        "at": "2024-05-01T10:00:00Z",
        "address": {"city": "Lyon", "postcode": "69001"},
    }

    assert await binding.resolve(arguments, ctx) == {
        "sku": "str",
        "qty": "int",
        "at": "datetime",
        "address": "Address",
    }


@pytest.mark.parametrize(
    ("arguments", "field_loc"),
    [
        ({}, "arguments.id"),
        ({"id": 42, "colour": "red"}, "arguments.colour"),
        ({"id": "forty-two"}, "arguments.id"),
        ({"id": [42]}, "arguments.id"),
        ({"id": 4.2}, "arguments.id"),
    ],
    ids=["missing", "unknown", "not-a-number", "a-list", "a-fraction"],
)
def test_arguments_that_do_not_fit_the_method_fail_naming_the_field(
    arguments: dict[str, Any], field_loc: str
) -> None:
    binding = MethodBinding(OrderService().get, "OrderService::get")

    with pytest.raises(ValidationFailed) as caught:
        binding.check_arguments(arguments)

    assert caught.value.status == 422
    assert caught.value.errors[0].loc == field_loc
    assert str(caught.value).startswith(f"{field_loc}: ")


def test_every_bad_argument_is_reported() -> None:
    binding = MethodBinding(reserve, "reserve")

    with pytest.raises(ValidationFailed) as caught:
        binding.check_arguments({"sku": "MH01", "qty": "many", "address": {"city": "Lyon"}})

    assert {error.loc for error in caught.value.errors} == {
        "arguments.qty",
        "arguments.at",
        "arguments.address.postcode",
    }


async def test_method_with_kwargs_accepts_extra_arguments(ctx: ResolveContext) -> None:
    binding = MethodBinding(tagged, "tagged")

    assert binding.check_arguments({"id": "1", "channel": "web"}) == {"id": 1, "channel": "web"}
    assert await binding.resolve({"id": 1, "channel": "web", "store": 2}, ctx) == {
        "id": 1,
        "extra": {"channel": "web", "store": 2},
    }
    with pytest.raises(ValidationFailed, match=r"^arguments\.id: "):
        binding.check_arguments({"channel": "web"})


def test_argument_schema_names_the_method_parameters() -> None:
    schema = MethodBinding(OrderService().load, "OrderService::load").arguments_schema()

    assert set(schema["properties"]) == {"id", "with_items"}
    assert schema["required"] == ["id"]


async def test_exception_in_the_service_becomes_a_resolution_error(ctx: ResolveContext) -> None:
    binding = MethodBinding(failing, "OrderService::failing")

    with pytest.raises(ResolutionError, match=r"OrderService::failing raised KeyError"):
        await binding.resolve({"id": 42}, ctx)


# --- 3. payload rendering ------------------------------------------------------------------


class CustomerOut(BaseModel):
    id: int
    email: str
    created_at: datetime


@dataclass
class OrderRow:
    entity_id: int
    placed_on: date
    total: Decimal
    lines: list[str]


MAY_FIRST = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("returned", "payload"),
    [
        pytest.param({"id": 42, "tags": ["a"]}, {"id": 42, "tags": ["a"]}, id="dict"),
        pytest.param([1, "two", None], [1, "two", None], id="list"),
        pytest.param((1, 2), [1, 2], id="tuple"),
        pytest.param(42, 42, id="int"),
        pytest.param(4.5, 4.5, id="float"),
        pytest.param("shipped", "shipped", id="str"),
        pytest.param(True, True, id="bool"),
        pytest.param(None, None, id="none"),
        pytest.param(
            CustomerOut(id=7, email="roni_cost@example.com", created_at=MAY_FIRST),
            {"id": 7, "email": "roni_cost@example.com", "created_at": "2024-05-01T10:00:00Z"},
            id="pydantic-model",
        ),
        pytest.param(
            OrderRow(42, date(2024, 5, 1), Decimal("10.50"), ["MH01"]),
            {"entity_id": 42, "placed_on": "2024-05-01", "total": "10.50", "lines": ["MH01"]},
            id="dataclass",
        ),
        pytest.param(MAY_FIRST, "2024-05-01T10:00:00Z", id="datetime"),
        pytest.param(
            {"orders": [OrderRow(1, date(2024, 1, 2), Decimal(1), [])]},
            {"orders": [{"entity_id": 1, "placed_on": "2024-01-02", "total": "1", "lines": []}]},
            id="nested",
        ),
    ],
)
async def test_return_value_is_rendered_as_json_payload(
    returned: Any, payload: Any, ctx: ResolveContext
) -> None:
    def service() -> Any:
        return returned

    rendered = await MethodBinding(service, "service").resolve({}, ctx)

    assert rendered == payload
    assert json.loads(json.dumps(rendered)) == payload


async def test_passthrough_payload_is_the_published_arguments(ctx: ResolveContext) -> None:
    binding = PassthroughBinding()
    arguments = {"id": 42, "customer": {"email": "roni_cost@example.com"}, "items": [1, 2]}

    assert binding.check_arguments(arguments) == arguments
    assert await binding.resolve(arguments, ctx) == arguments
    assert binding.check_arguments({}) == {}


# --- 3. the HTTP fetch service against a real loopback server -------------------------------


@dataclass
class Upstream:
    """A loopback HTTP server recording the raw path and headers of every GET."""

    base: str = ""
    paths: list[str] = field(default_factory=list)
    accept: list[str] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.paths.append(request.raw_path)
        self.accept.append(request.headers.get("accept", ""))
        if request.raw_path.startswith("/orders/"):
            return web.json_response({"raw_path": request.raw_path, "status": "pending"})
        if request.raw_path.startswith("/html/"):
            return web.Response(text="<html>maintenance</html>", content_type="text/html")
        if request.raw_path.startswith("/status/"):
            status = int(request.raw_path.rsplit("/", 1)[1])
            return web.json_response({"error": "no"}, status=status)
        if request.raw_path.startswith("/big/"):  # /big/<bytes>/<sized|chunked>: a JSON string
            _, _, size, framing = request.raw_path.split("/")
            body = b'"' + b"x" * (int(size) - 2) + b'"'
            if framing == "sized":
                return web.Response(body=body, content_type="application/json")
            response = web.StreamResponse(headers={"content-type": "application/json"})
            response.enable_chunked_encoding()
            await response.prepare(request)
            for start in range(0, len(body), 65536):
                await response.write(body[start : start + 65536])
            await response.write_eof()
            return response
        return web.Response(status=404)


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    server = Upstream()
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", server.handle)
    async with on_loopback(app) as server.base:
        yield server


async def test_http_fetch_payload_is_the_fetched_json(upstream: Upstream, ctx: ResolveContext) -> None:
    binding = HttpFetchBinding(upstream.base + "/orders/{id}")

    payload = await binding.resolve({"id": 42}, ctx)

    assert payload == {"raw_path": "/orders/42", "status": "pending"}
    assert upstream.accept == ["application/json"]


async def test_http_fetch_placeholders_are_percent_encoded(upstream: Upstream, ctx: ResolveContext) -> None:
    binding = HttpFetchBinding(upstream.base + "/orders/{store}/{id}?expand=items")

    await binding.resolve({"store": "fr;v=1,2", "id": "a b?c#d&e=é"}, ctx)
    for store, id_ in ((0, "SKU-1"), ("..fr", "v1.2"), ("日本", "50%off"), ("..;", "x")):
        await binding.resolve({"store": store, "id": id_}, ctx)

    assert upstream.paths == [
        "/orders/fr%3Bv%3D1%2C2/a%20b%3Fc%23d%26e%3D%C3%A9?expand=items",
        "/orders/0/SKU-1?expand=items",
        "/orders/..fr/v1.2?expand=items",
        "/orders/%E6%97%A5%E6%9C%AC/50%25off?expand=items",
        "/orders/..%3B/x?expand=items",  # sent as built: "..;" is a parent directory to Tomcat
    ]


DOTS = "must not be empty, '.' or '..'"
SEPARATOR = "must not contain '/' or '\\'"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("..", DOTS),
        (".", DOTS),
        ("%2e%2e", DOTS),
        ("%2E.", DOTS),
        (".%2e", DOTS),
        ("%252e%252e", DOTS),  # decoded twice, by a proxy and by the upstream
        ("\uff0e\uff0e", DOTS),  # fullwidth dots: ".." once NFKC-folded
        ("\u2025", DOTS),  # the two-dot leader: ".." once NFKC-folded
        ("...", DOTS),  # Windows drops a segment's trailing dots
        (". .", DOTS),
        ("", DOTS),
        (" ", DOTS),
        ("fr/../admin", SEPARATOR),
        ("a%2Fb", SEPARATOR),
        ("..\\admin", SEPARATOR),
        ("%5c", SEPARATOR),
        ("%c0%ae%c0%ae", "is not UTF-8 once percent-decoded"),  # overlong ".": old decoders
        ("%00", "must not contain control characters"),
        ("%2525252e", "is percent-encoded more than 3 times"),
    ],
)
def test_http_fetch_placeholder_values_must_stay_one_path_segment(value: str, reason: str) -> None:
    binding = HttpFetchBinding("https://orders.internal/api/products/{id}")

    with pytest.raises(ValidationFailed) as caught:
        binding.check_arguments({"id": value})

    [error] = caught.value.errors
    assert error.loc == "arguments.id"
    assert reason in error.msg


async def test_http_fetch_from_events_xml(upstream: Upstream, ctx: ResolveContext, tmp_path: Path) -> None:
    path = one_event(
        tmp_path / "events.xml",
        f'<service class="asyncevents.http_fetch" method="get" url="{upstream.base}/orders/{{id}}"/>',
    )

    event = load_catalogue([path]).get("sales.order.created")

    assert await event.binding.resolve({"id": "CK42"}, ctx) == {
        "raw_path": "/orders/CK42",
        "status": "pending",
    }


@pytest.mark.parametrize(
    ("arguments", "field_loc"),
    [
        ({}, "arguments.id"),
        ({"id": 1, "store": 2}, "arguments.store"),
        ({"id": {"nested": 1}}, "arguments.id"),
    ],
    ids=["missing", "unknown", "not-a-scalar"],
)
def test_http_fetch_arguments_are_the_url_placeholders(arguments: dict[str, Any], field_loc: str) -> None:
    binding = HttpFetchBinding("https://orders.internal/orders/{id}")

    with pytest.raises(ValidationFailed) as caught:
        binding.check_arguments(arguments)

    assert caught.value.errors[0].loc == field_loc


@pytest.mark.parametrize("status", [404, 410, 500, 503, 302])
async def test_http_fetch_non_2xx_answer_is_a_resolution_error(
    upstream: Upstream, ctx: ResolveContext, status: int
) -> None:
    binding = HttpFetchBinding(upstream.base + "/status/{code}")

    with pytest.raises(ResolutionError, match=f"answered {status}"):
        await binding.resolve({"code": status}, ctx)


async def test_http_fetch_non_json_answer_is_a_resolution_error(
    upstream: Upstream, ctx: ResolveContext
) -> None:
    binding = HttpFetchBinding(upstream.base + "/html/{id}")

    with pytest.raises(ResolutionError, match="did not return JSON"):
        await binding.resolve({"id": 1}, ctx)


@pytest.mark.parametrize("framing", ["sized", "chunked"])
async def test_http_fetch_answer_larger_than_the_limit_is_a_resolution_error(
    upstream: Upstream, framing: str
) -> None:
    policy = fetch_policy(SecuritySettings(fetch_allowlist=["127.0.0.1/32"]), "test")
    http = FetchClient(policy, HttpSettings(timeout=5, fetch_max_bytes=100_000))
    binding = HttpFetchBinding(upstream.base + "/big/{size}/" + framing)
    try:
        assert await binding.resolve({"size": 100_000}, ResolveContext(http)) == "x" * 99_998
        with pytest.raises(ResolutionError, match="larger than 100000 bytes"):
            await binding.resolve({"size": 100_001}, ResolveContext(http))
    finally:
        await http.close()


async def test_http_fetch_unreachable_server_is_a_resolution_error(ctx: ResolveContext) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    binding = HttpFetchBinding(f"http://127.0.0.1:{port}/orders/{{id}}")

    with pytest.raises(ResolutionError, match="failed: ClientConnectorError"):
        await binding.resolve({"id": 1}, ctx)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_http_fetch_refused_by_the_ssrf_guard_is_a_resolution_error_naming_why(
    upstream: Upstream, host: str
) -> None:
    """Without a fetch allow-list (env "test") loopback is refused, the literal before any
    connection and the name by the guarded resolver; the upstream never hears of it."""
    binding = HttpFetchBinding(upstream.base.replace("127.0.0.1", host) + "/orders/{id}")

    async with fetching() as nothing_allowed:
        with pytest.raises(ResolutionError) as caught:
            await binding.resolve({"id": 1}, nothing_allowed)

    assert str(caught.value).startswith(f"GET http://{host}:")
    assert "refused: fetch " in str(caught.value)
    assert "is loopback" in str(caught.value)
    assert str(caught.value).endswith("allow-list it with ASYNCEVENTS_SECURITY__FETCH_ALLOWLIST")
    assert upstream.paths == []


async def test_http_fetch_errors_never_show_the_templates_credentials(upstream: Upstream) -> None:
    binding = HttpFetchBinding(upstream.base.replace("http://", "http://svc:s3cr3t@") + "/html/{id}")

    async with fetching("127.0.0.1/32") as ctx:
        with pytest.raises(ResolutionError) as caught:
            await binding.resolve({"id": 1}, ctx)

    assert str(caught.value) == f"GET {upstream.base}/html/1 did not return JSON"
    assert "s3cr3t" not in str(caught.value)


# --- 4. subscription patterns ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "name"),
    [
        ("sales.order.created", "sales.order.created"),
        ("sales.order.*", "sales.order.created"),
        ("sales.order.*", "sales.order.item.created"),
        ("*.created", "sales.order.created"),
        ("*.created", "customer.created"),
        ("sales.*.created", "sales.order.created"),
        ("*", "sales.order.created"),
        ("*", "ping"),
    ],
)
def test_pattern_selects_event(pattern: str, name: str) -> None:
    assert matches(pattern, name)


@pytest.mark.parametrize(
    ("pattern", "name"),
    [
        ("sales.order.created", "Sales.Order.Created"),
        ("sales.order.created", "sales.order.created.after"),
        ("sales.order.created", "sales_order_created"),
        ("sales.order.*", "sales.order"),
        ("sales.order.*", "sales.orders.created"),
        ("sales.order.*", "salesXorder.created"),
        ("sales.order.*", "Sales.Order.created"),
        ("*.created", "created"),
        ("*.created", "customer.created_at"),
        ("*.created", "sales.order.created.after"),
        ("sales.*.created", "sales.created"),
    ],
)
def test_pattern_does_not_select_event(pattern: str, name: str) -> None:
    assert not matches(pattern, name)


@pytest.mark.parametrize(
    "pattern",
    ["sales.order.*", "*.created", "*", "sales.*.created", "sales.order.created", "a-b_c.*"],
)
def test_valid_pattern(pattern: str) -> None:
    assert is_valid_pattern(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        "sales.ord*",
        "*sales",
        "sales.**",
        "",
        "sales..*",
        "sales.order.",
        ".*",
        "sales order.*",
        "sales/order.*",
        pytest.param("sales.order.*\n", id="trailing-newline"),
    ],
)
def test_invalid_pattern_is_refused(pattern: str) -> None:
    assert not is_valid_pattern(pattern)


def test_catalogue_lists_the_events_a_pattern_selects() -> None:
    catalogue: Catalogue = load_catalogue([DATA / "merged"])

    def names(pattern: str) -> list[str]:
        return [event.name for event in catalogue.matching(pattern)]

    assert names("sales.order.*") == ["sales.order.created", "sales.order.updated"]
    assert names("*.created") == ["customer.created", "sales.order.created"]
    assert names("*") == ["customer.created", "sales.order.created", "sales.order.updated"]
    assert names("sales.order.updated") == ["sales.order.updated"]
    assert names("catalog.*") == []


def test_an_event_may_describe_itself_and_show_an_example_payload(tmp_path: Path) -> None:
    path = write(
        tmp_path / "events.xml",
        """
        <?xml version="1.0"?>
        <config>
            <async_event name="sales.order.created">
                <description>An order
                    was placed.</description>
                <service class="asyncevents.passthrough" method="arguments"/>
                <example>{"id": 42, "total": 9.5}</example>
            </async_event>
            <async_event name="customer.created">
                <service class="tests.support.services:CustomerService" method="load"/>
            </async_event>
        </config>
        """,
    )

    catalogue = load_catalogue([path])

    order = catalogue.get("sales.order.created")
    assert order.description == "An order was placed."
    assert order.example_payload() == {"id": 42, "total": 9.5}
    # Without <example>: made up from the service's return type (a pydantic model here).
    customer = catalogue.get("customer.created")
    assert customer.binding.payload_schema()["required"] == ["id", "email"]
    assert customer.example_payload() == {"id": 0, "email": "string"}


def test_an_example_that_is_not_json_is_refused_at_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "events.xml",
        """
        <?xml version="1.0"?>
        <config>
            <async_event name="sales.order.created">
                <service class="asyncevents.passthrough" method="arguments"/>
                <example>{id: 42}</example>
            </async_event>
        </config>
        """,
    )

    error = refusal(path)

    assert_points_at(error, path, line_of(path, "<example>"))
    assert "not JSON" in error.problem
