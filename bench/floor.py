"""The delivery floor: the least any RabbitMQ-to-webhook pipeline must do, with no database.

It consumes a queue (prefetch as the worker's), POSTs each message body to the receiver
with the same HTTP client and connection limit as the HTTP notifier, and acks after the
answer. The service's end-to-end rate is reported as a share of this one.

    python -m bench.floor AMQP_URL QUEUE TARGET_URL
"""

from __future__ import annotations

import asyncio
import sys

import aio_pika
import aiohttp
from aio_pika.abc import AbstractIncomingMessage

from asyncevents_svc.settings import HttpSettings, WorkerSettings


async def main(amqp_url: str, queue_name: str, target: str) -> None:
    worker, http = WorkerSettings(), HttpSettings()
    connector = aiohttp.TCPConnector(limit=http.max_connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        connection = await aio_pika.connect_robust(amqp_url)
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=worker.prefetch)
        queue = await channel.declare_queue(queue_name, durable=True, arguments={"x-queue-type": "quorum"})

        async def on_message(message: AbstractIncomingMessage) -> None:
            headers = {"content-type": "application/json", "webhook-id": message.message_id or ""}
            async with session.post(target, data=message.body, headers=headers) as response:
                await response.read()
            await message.ack()

        await queue.consume(on_message)
        await asyncio.Future()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
