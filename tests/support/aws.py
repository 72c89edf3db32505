"""AWS for the EventBridge tests: moto's server as a real HTTP endpoint on loopback, a bus whose
entries land in an SQS queue we can read, and a proxy in front of moto that records every
PutEvents call and can make EventBridge refuse chosen entries.

moto answers per entry only for malformed entries; EventBridge also refuses single entries
when it throttles them. The proxy plays that part: it forwards a call without the chosen
entry and puts an error in that entry's place in the answer, as EventBridge would.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from aiobotocore.session import ClientCreatorContext, get_session
from aiohttp import web

from tests.support.loopback import on_loopback
from tests.support.serving import free_port

if TYPE_CHECKING:
    from types_aiobotocore_events.client import EventBridgeClient
    from types_aiobotocore_sqs.client import SQSClient

REGION = "us-east-1"
ACCESS_KEY_ID = "AKIDTESTING"
SECRET_ACCESS_KEY = "moto-secret-Kx93pQ"
SOURCE = "asyncevents-svc"


def start_moto(**env: str) -> Iterator[str]:
    """Run ``python -m moto.server`` on a free loopback port until the generator is closed."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), 0.1).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"moto server exited with {process.returncode}") from None
                time.sleep(0.05)
        else:
            raise RuntimeError("moto server did not start within 15 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto without authentication: any credentials are accepted."""
    yield from start_moto()


@pytest.fixture(scope="session")
def moto_with_auth_url() -> Iterator[str]:
    """moto checking credentials from the first call: every key we hold is unknown to it."""
    yield from start_moto(INITIAL_NO_AUTH_ACTION_COUNT="0")


def events_client(endpoint: str) -> ClientCreatorContext[EventBridgeClient]:
    return get_session().create_client(
        "events",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
    )


def sqs_client(endpoint: str) -> ClientCreatorContext[SQSClient]:
    return get_session().create_client(
        "sqs",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
    )


@dataclass
class TestBus:
    __test__ = False  # not a test class
    """An event bus whose entries from our source are copied to an SQS queue."""

    name: str
    arn: str
    queue_url: str
    endpoint: str

    async def received(self, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        """The first ``count`` events put on the bus (as EventBridge hands them to targets)."""
        events: list[dict[str, Any]] = []
        async with (
            asyncio.timeout(timeout),
            sqs_client(self.endpoint) as sqs,
        ):
            while len(events) < count:
                answer = await sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
                for message in answer.get("Messages", []):
                    events.append(json.loads(message["Body"]))
                    await sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
                if len(events) < count:
                    await asyncio.sleep(0.05)
        return events

    async def count_now(self, timeout: float = 15.0) -> int:
        """How many more events reach the queue (after a short wait for stragglers).

        The positive control of every "no more" answer: after the wait a sentinel entry is
        put on the bus, and the queue is read until it arrives. A count of 0 then means
        nothing else came, not that the bus or the queue stopped delivering."""
        await asyncio.sleep(0.5)
        sentinel = uuid.uuid4().hex
        async with events_client(self.endpoint) as events:
            await events.put_events(
                Entries=[
                    {
                        "Source": SOURCE,
                        "DetailType": "sentinel",
                        "Detail": json.dumps({"sentinel": sentinel}),
                        "EventBusName": self.name,
                    }
                ]
            )
        others: int = 0
        async with asyncio.timeout(timeout), sqs_client(self.endpoint) as sqs:
            while True:
                answer = await sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
                messages = answer.get("Messages", [])
                for message in messages:
                    await sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
                bodies = [json.loads(message["Body"]) for message in messages]
                others += sum(body["detail"] != {"sentinel": sentinel} for body in bodies)
                if any(body["detail"] == {"sentinel": sentinel} for body in bodies):
                    return others
                await asyncio.sleep(0.05)


@pytest.fixture
async def bus(moto_url: str) -> TestBus:
    """A fresh bus and queue (unique names: moto keeps its state for the whole run)."""
    name = f"orders-{uuid.uuid4().hex[:8]}"
    async with events_client(moto_url) as events, sqs_client(moto_url) as sqs:
        created = await events.create_event_bus(Name=name)
        queue_url = (await sqs.create_queue(QueueName=name))["QueueUrl"]
        attributes = await sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        pattern = json.dumps({"source": [SOURCE]})
        await events.put_rule(Name="to-queue", EventBusName=name, EventPattern=pattern)
        queue_arn = attributes["Attributes"]["QueueArn"]
        await events.put_targets(
            Rule="to-queue", EventBusName=name, Targets=[{"Id": "queue", "Arn": queue_arn}]
        )
    return TestBus(name, created["EventBusArn"], queue_url, moto_url)


@dataclass
class PutEventsProxy:
    """Forwards everything to moto; records each PutEvents call's entries; refuses the entries
    whose overall position (1 = the first entry of the first call) is in :attr:`refuse`."""

    upstream: str
    url: str = ""
    calls: list[list[dict[str, Any]]] = field(default_factory=list)
    refuse: dict[int, str] = field(default_factory=dict)  # position -> ErrorCode
    refuse_calls: int = 0  # answer this many whole calls with a ThrottlingException
    entries_seen: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        refused: dict[int, str] = {}
        if request.headers.get("X-Amz-Target") == "AWSEvents.PutEvents":
            call = json.loads(body)
            self.calls.append(call["Entries"])
            if self.refuse_calls:
                self.refuse_calls -= 1
                throttled = {"__type": "ThrottlingException", "message": "Rate exceeded"}
                return web.json_response(throttled, status=400, content_type="application/x-amz-json-1.1")
            for index in range(len(call["Entries"])):
                self.entries_seen += 1
                if self.entries_seen in self.refuse:
                    refused[index] = self.refuse[self.entries_seen]
            call["Entries"] = [e for i, e in enumerate(call["Entries"]) if i not in refused]
            body = json.dumps(call).encode()
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.upstream + request.path_qs, data=body, headers=headers) as answer,
        ):
            status, payload = answer.status, await answer.read()
            content_type = answer.headers.get("content-type", "application/x-amz-json-1.1")
        if refused and status == 200:
            result = json.loads(payload)
            entries = iter(result["Entries"])
            total = len(result["Entries"]) + len(refused)
            result["Entries"] = [
                {"ErrorCode": refused[i], "ErrorMessage": "Rate exceeded"} if i in refused else next(entries)
                for i in range(total)
            ]
            result["FailedEntryCount"] += len(refused)
            payload = json.dumps(result).encode()
        return web.Response(status=status, body=payload, headers={"content-type": content_type})


@pytest.fixture
async def proxy(moto_url: str) -> AsyncIterator[PutEventsProxy]:
    recorder = PutEventsProxy(moto_url)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", recorder.handle)
    async with on_loopback(app) as recorder.url:
        yield recorder
