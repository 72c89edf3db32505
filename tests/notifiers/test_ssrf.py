"""The SSRF guard: recipients on loopback, private, link-local, ... addresses are refused at
create/update and again at send time, unless allow-listed (or loopback in development)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from asyncevents_svc.app import create_app
from asyncevents_svc.notifiers.http import HttpNotifier
from asyncevents_svc.notifiers.ssrf import GuardedResolver, RecipientPolicy, RecipientRefused
from asyncevents_svc.runtime import Runtime, build_runtime
from asyncevents_svc.settings import HttpSettings, SecuritySettings, Settings
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import event_when, notification, publish, subscribe
from tests.support.receiver import Receiver

StartWorker = Callable[..., Awaitable[Worker]]
HINT = "ASYNCEVENTS_SECURITY__RECIPIENT_ALLOWLIST"


def policy(*allow: str, env: str = "production", **security: Any) -> RecipientPolicy:
    return RecipientPolicy(SecuritySettings(recipient_allowlist=list(allow), **security), env)


# --- check_address over a table of addresses -------------------------------------------------


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::127.0.0.1", "loopback"),  # IPv4-compatible
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
        ("10.0.0.1", "private (RFC 1918)"),
        ("172.16.5.4", "private (RFC 1918)"),
        ("192.168.1.1", "private (RFC 1918)"),
        ("::ffff:10.1.2.3", "private (RFC 1918)"),
        ("100.64.0.1", "CGNAT"),
        ("100.127.255.254", "CGNAT"),
        ("fc00::1", "unique local"),
        ("fd12:3456::1", "unique local"),
        ("fec0::1", "site-local"),
        ("169.254.169.254", "link-local (a cloud metadata endpoint)"),
        ("::ffff:169.254.169.254", "link-local (a cloud metadata endpoint)"),
        ("fd00:ec2::254", "cloud metadata endpoint"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("fe80::1%1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("64:ff9b:1::1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::ffff:0.0.0.0", "unspecified"),
        ("0.1.2.3", "not globally routable"),
        ("192.0.2.1", "not globally routable"),
        ("198.18.0.1", "not globally routable"),
        ("2001:db8::1", "not globally routable"),
        ("8.8.8.8", None),
        ("1.1.1.1", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
        ("64:ff9b::808:808", None),  # NAT64 of a public address
    ],
)
def test_check_address_refuses_every_non_global_address(address: str, category: str | None) -> None:
    reason = policy().check_address(address)

    if category is None:
        assert reason is None
    else:
        assert reason is not None
        assert category in reason
        assert reason.startswith(f"recipient address {address}")
        assert HINT in reason


def test_a_refusal_names_the_unwrapped_address_too() -> None:
    assert policy().check_address("::ffff:127.0.0.1") == (
        f"recipient address ::ffff:127.0.0.1 (127.0.0.1) is loopback; allow-list it with {HINT}"
    )


def test_the_allow_list_lets_cidrs_and_mapped_forms_through_and_nothing_else() -> None:
    allowing = policy("127.0.0.1/32", "10.0.0.0/8", "::1", "hooks.internal")

    for address in ("127.0.0.1", "::ffff:127.0.0.1", "10.1.2.3", "::1"):
        assert allowing.check_address(address) is None, address
    for address in ("127.0.0.2", "169.254.169.254", "192.168.1.1", "0.0.0.0"):
        assert allowing.check_address(address) is not None, address


def test_a_malformed_allow_list_cidr_stops_start_up() -> None:
    with pytest.raises(ValueError, match="not a valid CIDR"):
        policy("10.0.0.0/33")


@pytest.mark.parametrize(
    ("env", "loopback_in_dev", "allowed"),
    [
        ("development", True, True),
        ("development", False, False),
        ("production", True, False),
        ("test", True, False),
    ],
)
def test_loopback_only_is_exempt_in_development(env: str, loopback_in_dev: bool, allowed: bool) -> None:
    guard = policy(env=env, allow_loopback_in_development=loopback_in_dev)

    for address in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        assert (guard.check_address(address) is None) is allowed, address
    for address in ("10.0.0.1", "169.254.169.254", "0.0.0.0", "fd00:ec2::254", "::"):
        assert guard.check_address(address) is not None, address


# --- check_url: scheme, https_only, literals, names ------------------------------------------


async def test_https_only_refuses_http_recipients() -> None:
    strict = policy(https_only=True)

    refused = await strict.check_url("http://8.8.8.8/hook")
    assert refused is not None
    assert "https" in refused
    assert await strict.check_url("https://8.8.8.8/hook") is None
    assert await policy().check_url("http://8.8.8.8/hook") is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/hook",
        "http://10.0.0.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0:8000/hook",
        "http://[fd00:ec2::254]/hook",
        "http://localhost:8000/hook",
        "http://LOCALHOST/hook",
        "http://2130706433/hook",  # 127.0.0.1 as one number
        "http://127.1/hook",
        "http://0x7f.0.0.1/hook",  # resolved by getaddrinfo to 127.0.0.1
    ],
)
async def test_check_url_refuses_literals_and_names_of_refused_addresses(url: str) -> None:
    reason = await policy().check_url(url, allow_unresolved=True)

    assert reason is not None


async def test_check_url_resolves_names_and_honours_allow_listed_names() -> None:
    reason = await policy().check_url("http://localhost:1/hook")
    assert reason is not None
    assert reason.startswith("recipient host localhost resolves to ")
    assert "loopback" in reason

    assert await policy("127.0.0.0/8", "::1").check_url("http://localhost:1/hook") is None
    assert await policy("localhost").check_url("http://localhost:1/hook") is None
    assert await policy("hooks.internal").check_url("https://Hooks.Internal./x") is None


async def test_an_unresolvable_name_is_refused_strictly_but_accepted_at_create() -> None:
    url = "https://no-such-host.invalid/hook"

    strict = await policy().check_url(url)
    assert strict is not None
    assert "does not resolve" in strict
    assert await policy().check_url(url, allow_unresolved=True) is None


# --- the resolver used at send time ----------------------------------------------------------


class FixedResolver(AbstractResolver):
    """Answers every name with the given addresses (as a rebinding DNS server might)."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.addresses
        ]

    async def close(self) -> None:
        pass


async def test_the_resolver_drops_refused_addresses_and_raises_when_none_is_left() -> None:
    mixed = GuardedResolver(policy(), FixedResolver("10.0.0.7", "8.8.8.8", "::1"))
    assert [r["host"] for r in await mixed.resolve("hooks.example", 443, socket.AF_UNSPEC)] == ["8.8.8.8"]

    private = GuardedResolver(policy(), FixedResolver("169.254.169.254", "::ffff:127.0.0.1"))
    with pytest.raises(RecipientRefused) as refused:
        await private.resolve("rebind.example", 80, socket.AF_UNSPEC)
    assert "169.254.169.254, which is link-local (a cloud metadata endpoint)" in refused.value.reason
    assert "::ffff:127.0.0.1, which is loopback" in refused.value.reason

    named = GuardedResolver(policy("rebind.example"), FixedResolver("10.0.0.7"))
    assert [r["host"] for r in await named.resolve("rebind.example", 80, socket.AF_UNSPEC)] == ["10.0.0.7"]
    cidr = GuardedResolver(policy("10.0.0.0/24"), FixedResolver("10.0.0.7", "10.0.1.7"))
    assert [r["host"] for r in await cidr.resolve("hooks.example", 80, socket.AF_UNSPEC)] == ["10.0.0.7"]


async def test_the_real_resolver_refuses_localhost() -> None:
    with pytest.raises(RecipientRefused, match=r"recipient host localhost resolves to 127\.0\.0\.1"):
        await GuardedResolver(policy()).resolve("localhost", 80, socket.AF_UNSPEC)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_the_notifier_refuses_at_send_time_without_retry(receiver: Receiver, host: str) -> None:
    port = receiver.url.rsplit(":", 1)[1]
    notifier = HttpNotifier(HttpSettings(), policy=policy())
    try:
        result = await notifier.send(notification(recipient=f"http://{host}:{port}/ok"))
    finally:
        await notifier.close()

    assert (result.success, result.retryable, result.status_code) == (False, False, None)
    assert result.detail is not None
    assert "loopback" in result.detail
    assert HINT in result.detail
    assert receiver.requests == []
    # The positive control: allow-listed, the same send reaches the same receiver.
    allowed = HttpNotifier(
        HttpSettings(), policy=policy("localhost" if host == "localhost" else "127.0.0.1/32")
    )
    try:
        control = await allowed.send(notification(recipient=f"http://{host}:{port}/ok"))
    finally:
        await allowed.close()
    assert control.success, control.detail
    assert [r.path for r in receiver.requests] == ["/ok"]


async def test_the_notifier_sends_to_an_allow_listed_loopback_receiver(receiver: Receiver) -> None:
    notifier = HttpNotifier(HttpSettings(), policy=policy("127.0.0.1/32"))
    try:
        by_address = await notifier.send(notification(recipient=f"{receiver.url}/ok"))
        by_name = await notifier.send(
            notification(recipient=f"{receiver.url.replace('127.0.0.1', 'localhost')}/ok")
        )
    finally:
        await notifier.close()

    assert by_address.success, by_address.detail
    assert by_name.success, by_name.detail
    assert len(receiver.requests) == 2


# --- through the API and the worker ----------------------------------------------------------

MakeApi = Callable[..., Any]


@pytest.fixture
def make_api(settings: Settings, runtime: Runtime, admin_headers: dict[str, str]) -> Callable[..., Any]:
    """``async with make_api(env=..., recipient_allowlist=[...]) as api``: an API with other settings."""

    @asynccontextmanager
    async def make(env: str | None = None, **security: Any) -> AsyncIterator[httpx.AsyncClient]:
        update: dict[str, Any] = {"security": settings.security.model_copy(update=security)}
        if env is not None:
            update["env"] = env
        changed = settings.model_copy(update=update)
        application = create_app(changed, build_runtime(changed))
        async with (
            application.router.lifespan_context(application),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=application),
                base_url="http://api.test",
                headers=admin_headers,
            ) as client,
        ):
            yield client

    return make


REFUSED_RECIPIENTS = [
    "http://127.0.0.1:8080/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://10.0.0.1/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
    "http://localhost:8080/hook",
]


async def test_refused_recipients_get_a_422_naming_recipient_url(make_api: MakeApi) -> None:
    async with make_api(recipient_allowlist=[]) as api:
        for url in REFUSED_RECIPIENTS:
            body = {"event_name": "sales.order.created", "recipient_url": url}
            response = await api.post("/v1/subscriptions", json=body)

            assert response.status_code == 422, (url, response.text)
            [error] = response.json()["errors"]
            assert error["loc"] == "recipient_url"
            assert HINT in error["msg"], error["msg"]

            compat = await api.post("/V1/async_event", json={"asyncEvent": body})
            assert compat.status_code == 400, (url, compat.text)
            assert compat.json()["parameters"][0] == "asyncEvent.recipient_url"

        assert (await api.get("/v1/subscriptions")).json()["items"] == []


async def test_an_update_to_a_refused_recipient_is_refused(make_api: MakeApi) -> None:
    async with make_api(recipient_allowlist=[]) as api:
        created = await subscribe(api, "https://example.com/hook")  # unresolvable here: accepted
        patched = await api.patch(
            f"/v1/subscriptions/{created['subscription_id']}",
            json={"recipient_url": "http://169.254.169.254/latest/meta-data/"},
        )

        assert patched.status_code == 422, patched.text
        assert patched.json()["errors"][0]["loc"] == "recipient_url"
        assert "cloud metadata endpoint" in patched.json()["errors"][0]["msg"]


async def test_the_allow_list_admits_only_what_it_names(api: httpx.AsyncClient) -> None:
    """The suite's settings allow-list 127.0.0.1/32 and nothing else."""
    await subscribe(api, "http://127.0.0.1:8080/hook")
    await subscribe(api, "http://[::ffff:127.0.0.1]:8080/hook")

    for url in REFUSED_RECIPIENTS[1:4] + REFUSED_RECIPIENTS[5:6]:
        response = await api.post(
            "/v1/subscriptions", json={"event_name": "sales.order.created", "recipient_url": url}
        )
        assert response.status_code == 422, (url, response.text)


async def test_https_only_and_the_development_exemption_at_create(make_api: MakeApi) -> None:
    async with make_api(recipient_allowlist=[], https_only=True) as api:
        response = await api.post(
            "/v1/subscriptions",
            json={"event_name": "sales.order.created", "recipient_url": "http://example.com/hook"},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == "recipient_url"
        assert "https" in response.json()["errors"][0]["msg"]
        await subscribe(api, "https://example.com/hook")

    async with make_api(env="development", recipient_allowlist=[]) as api:
        await subscribe(api, "http://127.0.0.1:8080/hook")
        await subscribe(api, "http://[::1]:8080/hook")
        for url in ("http://10.0.0.1/hook", "http://169.254.169.254/", "http://0.0.0.0:8080/"):
            response = await api.post(
                "/v1/subscriptions", json={"event_name": "sales.order.created", "recipient_url": url}
            )
            assert response.status_code == 422, (url, response.text)


def finished(event: dict[str, Any]) -> bool:
    deliveries = event["deliveries"]
    return bool(deliveries) and all(d["status"] in ("delivered", "dead") for d in deliveries)


async def the_one_attempt_of_a_dead_delivery(api: httpx.AsyncClient, shown: dict[str, Any]) -> dict[str, Any]:
    """The event ``shown`` has one delivery, dead after a single attempt: that attempt."""
    [delivery] = shown["deliveries"]
    assert delivery["status"] == "dead"
    trace = (await api.get(f"/v1/deliveries/{delivery['id']}")).json()
    [attempt] = trace["attempts"]
    return attempt  # type: ignore[no-any-return]


async def test_an_allow_listed_loopback_receiver_gets_the_webhook(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/allowed")

    event = await publish(api)
    [received] = await receiver.wait_for(1)
    shown = await event_when(api, event["id"], finished)

    assert received.path == "/allowed"
    assert [d["status"] for d in shown["deliveries"]] == ["delivered"]


async def test_a_worker_without_the_allow_list_refuses_at_send_time(
    api: httpx.AsyncClient, start_worker: StartWorker, receiver: Receiver
) -> None:
    """Created while allow-listed; the worker's policy (allow-list emptied) refuses the send."""
    await subscribe(api, f"{receiver.url}/by-address")
    await start_worker(security={"recipient_allowlist": []})

    event = await publish(api)
    shown = await event_when(api, event["id"], finished)

    attempt = await the_one_attempt_of_a_dead_delivery(api, shown)
    assert (attempt["success"], attempt["retryable"], attempt["status_code"]) == (False, False, None)
    assert attempt["response"] == f"recipient address 127.0.0.1 is loopback; allow-list it with {HINT}"
    assert receiver.requests == []


async def test_a_name_resolving_to_loopback_is_refused_at_send_time(
    make_api: MakeApi, start_worker: StartWorker, receiver: Receiver
) -> None:
    url = receiver.url.replace("127.0.0.1", "localhost") + "/by-name"
    async with make_api(recipient_allowlist=["localhost"]) as api:
        await subscribe(api, url)
        await start_worker(security={"recipient_allowlist": []})

        event = await publish(api)
        shown = await event_when(api, event["id"], finished)

        attempt = await the_one_attempt_of_a_dead_delivery(api, shown)
        assert (attempt["success"], attempt["retryable"]) == (False, False)
        assert attempt["response"].startswith(
            "recipient host localhost resolves to 127.0.0.1, which is loopback"
        )
    assert receiver.requests == []


async def test_a_redirect_to_loopback_is_not_followed(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    target = f"{receiver.url}/redirected"
    await subscribe(api, f"{receiver.url}/redirect/{target}")

    event = await publish(api)
    shown = await event_when(api, event["id"], finished)

    attempt = await the_one_attempt_of_a_dead_delivery(api, shown)
    assert (attempt["success"], attempt["status_code"]) == (False, 302)
    assert attempt["response"].startswith("redirect not followed (302)")
    assert [r.path for r in receiver.requests] == [f"/redirect/{target}"]
    assert receiver.on("/redirected") == []
