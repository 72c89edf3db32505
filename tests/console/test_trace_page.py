"""The console's trace page of a dead delivery: its last attempt is final (a dead letter),
never "will be retried", and the reason it died is printed once."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import eventually, publish, subscribe
from tests.support.receiver import Receiver


@pytest.mark.parametrize(
    "recipient",
    [
        "/status/400",  # not retryable: final at once
        "/status/500",  # retryable, but no retry left: final all the same
        "http://127.0.0.1:9/",  # nobody listens: the error is the attempt's response too
    ],
)
async def test_the_last_attempt_of_a_dead_delivery_is_final_and_its_reason_shown_once(
    console: httpx.AsyncClient, api: httpx.AsyncClient, worker: Worker, receiver: Receiver, recipient: str
) -> None:
    url = recipient if recipient.startswith("http") else f"{receiver.url}{recipient}"
    sub = await subscribe(api, url, "example.ping", max_retries=0)
    await publish(api, "example.ping", arguments={"n": 1})

    async def dead() -> list[dict[str, str]]:
        found = await api.get("/v1/deliveries", params={"subscription_id": sub["subscription_id"]})
        return [d for d in found.json()["items"] if d["status"] == "dead"]

    async def died() -> bool:
        return bool(await dead())

    await eventually(died)
    [delivery] = await dead()
    detail = (await api.get(f"/v1/deliveries/{delivery['id']}")).json()
    trace = html.unescape((await console.get(f"/admin/deliveries/{delivery['id']}")).text)

    assert "will be retried" not in trace
    assert re.search(r"final — dead letter</span>", trace)
    reason, response = detail["status_reason"], detail["attempts"][-1]["response"]
    assert reason
    assert trace.count(reason) == 1  # in the status line, not twice there
    assert trace.count(response) == 1  # nor once more in the attempt
