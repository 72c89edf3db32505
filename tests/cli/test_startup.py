"""Start-up: a bad catalogue stops the process naming file and line; the catalogue routes."""

from __future__ import annotations

from pathlib import Path

import httpx

from asyncevents_svc import __version__
from tests.support.processes import ROOT, run_cli_bare
from tests.support.serving import free_port


def test_a_malformed_events_xml_stops_the_api_naming_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "events.xml"
    broken.write_text(
        '<config>\n  <async_event name="a.b">\n    <service class="asyncevents.passthrough" method="x">\n'
        "  </async_event>\n</config>\n"
    )

    result = run_cli_bare(
        "api", env={"ASYNCEVENTS_EVENTS_FILE": str(broken), "ASYNCEVENTS_DATA_DIR": str(tmp_path)}
    )

    assert result.returncode == 2
    assert f"{broken}:4: malformed XML: mismatched tag" in result.stderr


def test_an_unresolvable_service_stops_the_worker_naming_the_line(tmp_path: Path) -> None:
    catalogue = tmp_path / "events.xml"
    catalogue.write_text(
        '<config>\n  <async_event name="a.b">\n'
        '    <service class="Magento\\Sales\\Api\\OrderRepositoryInterface" method="get"/>\n'
        "  </async_event>\n</config>\n"
    )

    result = run_cli_bare(
        "worker", env={"ASYNCEVENTS_EVENTS_FILE": str(catalogue), "ASYNCEVENTS_DATA_DIR": str(tmp_path)}
    )

    assert result.returncode == 2
    assert f"{catalogue}:3:" in result.stderr
    assert "asyncevents_svc.services" in result.stderr


async def test_event_types_list_the_catalogue_with_argument_schemas(api: httpx.AsyncClient) -> None:
    response = await api.get("/v1/event-types")

    items = {item["name"]: item for item in response.json()["items"]}
    assert set(items) >= {"sales.order.created", "customer.created", "example.ping"}
    order = items["sales.order.created"]
    assert order["service_class"] == "tests.support.services:OrderRepository"
    assert order["arguments_schema"]["required"] == ["id"]
    assert items["customer.created"]["resources"] == ["Magento_Customer::manage"]


async def test_notifiers_lists_the_installed_keys(api: httpx.AsyncClient) -> None:
    response = await api.get("/v1/notifiers")
    assert "http" in response.json()["items"]


async def test_health_and_openapi_are_served(api: httpx.AsyncClient) -> None:
    assert (await api.get("/health/live")).json() == {"status": "ok", "version": __version__}
    assert (await api.get("/health/ready")).json()["checks"]["database"] == "ok"
    spec = (await api.get("/openapi.json")).json()
    assert "/v1/events" in spec["paths"]
    assert "/v1/subscriptions/{subscription_id}" in spec["paths"]
    assert (await api.get("/docs")).status_code == 200


def test_production_refuses_to_start_without_an_encryption_key(tmp_path: Path) -> None:
    result = run_cli_bare(
        "api",
        env={
            "ASYNCEVENTS_ENV": "production",
            "ASYNCEVENTS_DATA_DIR": str(tmp_path),
            "ASYNCEVENTS_EVENTS_FILE": str(ROOT / "events.xml"),
        },
    )

    assert result.returncode == 2
    assert "ASYNCEVENTS_ENCRYPTION_KEY is required in production" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "encryption.key").exists()


def test_a_bad_encryption_key_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    result = run_cli_bare(
        "worker",
        env={
            "ASYNCEVENTS_ENCRYPTION_KEY": "not-a-fernet-key",
            "ASYNCEVENTS_DATA_DIR": str(tmp_path),
            "ASYNCEVENTS_EVENTS_FILE": str(ROOT / "events.xml"),
        },
    )

    assert result.returncode == 2
    assert "must be Fernet keys" in result.stderr


def test_a_bootstrap_admin_key_of_32_times_a_stops_start_up_with_one_line_and_exit_code_2(
    tmp_path: Path,
) -> None:
    weak = "a" * 32
    result = run_cli_bare(
        "api",
        env={
            "ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY": weak,
            "ASYNCEVENTS_DATA_DIR": str(tmp_path),
            "ASYNCEVENTS_EVENTS_FILE": str(ROOT / "events.xml"),
            "ASYNCEVENTS_PORT": str(free_port()),
        },
    )

    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("asyncevents-svc: ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY must be ae_<12 hex digits>_")
    assert "generate one with: python3 -c " in line
    assert weak not in result.stderr
