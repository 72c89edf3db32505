"""Smoke run of the built image: ``migrate``, ``api`` and ``worker`` from its filesystem.

Run by ``.ci/image-smoke`` (``make image-smoke``) with the image's root filesystem mounted:
each role runs with ``chroot --userspec=10001:10001`` (the image's user, the image's
environment and working directory) against the PostgreSQL and RabbitMQ on loopback. It
creates a scratch database, starts the API with a bootstrap admin key, creates a subscription
to a receiver on loopback, publishes one event and checks that the receiver got it with a
valid Standard Webhooks signature (the ``standardwebhooks`` library). Exit code 0 only then;
the scratch database is dropped either way.

    python deploy/smoke.py --root /var/lib/containers/.../merged --image localhost/asyncevents-svc:ci
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import queue
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import asyncpg
import httpx
from cryptography.fernet import Fernet
from standardwebhooks import Webhook

PG_ADMIN = os.environ.get("IMAGE_SMOKE_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "asyncevents_image"
AMQP_URL = os.environ.get("IMAGE_SMOKE_AMQP", "amqp://guest:guest@127.0.0.1:5672/")
USER = "10001:10001"
EVENT_NAME = "sales.order.created"
TOKEN = secrets.token_urlsafe(18)
TIMEOUT = 60.0


def say(message: str) -> None:
    print(f"image-smoke: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def image_config(image: str) -> tuple[dict[str, str], str, str]:
    """The image's environment, working directory and user (``podman image inspect``)."""
    out = subprocess.run(["podman", "image", "inspect", image], check=True, capture_output=True, text=True)
    config = json.loads(out.stdout)[0]["Config"]
    env = dict(item.split("=", 1) for item in config.get("Env", []))
    return env, config.get("WorkingDir") or "/", config.get("User") or "0"


def admin_sql(sql: str) -> None:
    import asyncio

    async def run() -> None:
        connection = await asyncpg.connect(PG_ADMIN)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run())


@contextmanager
def scratch_database() -> Iterator[str]:
    admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{DATABASE}"')
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DATABASE}"
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        say(f"dropped the scratch database {DATABASE}")


class Received(BaseHTTPRequestHandler):
    """The receiver: answers 200 and queues (headers, body) of every POST."""

    requests: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        self.requests.put(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Received)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


class Roles:
    """Starts the image's roles in its root filesystem, as its user, with its environment."""

    def __init__(self, root: Path, image: str, settings: dict[str, str], logs: Path) -> None:
        image_env, self.workdir, user = image_config(image)
        if user != USER:
            raise SystemExit(f"image-smoke: the image runs as {user!r}, expected {USER}")
        self.root, self.logs = root, logs
        self.env = {**image_env, **settings}
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def command(self, role: str) -> list[str]:
        # env -C: the image's WORKDIR (chroot itself starts in /); -i: only the image's variables.
        variables = [f"{k}={v}" for k, v in self.env.items()]
        inside = ["/usr/bin/env", "-i", "-C", self.workdir, *variables, "asyncevents-svc", role]
        return ["chroot", f"--userspec={USER}", str(self.root), *inside]

    def run(self, role: str) -> None:
        started = time.monotonic()
        done = subprocess.run(self.command(role), capture_output=True, text=True, timeout=180, check=False)
        if done.returncode != 0:
            raise SystemExit(f"image-smoke: {role} exited {done.returncode}:\n{done.stdout}{done.stderr}")
        say(f"{role}: exit 0 in {time.monotonic() - started:.1f} s")

    def start(self, role: str) -> None:
        log = open(self.logs / f"{role}.log", "wb")  # noqa: SIM115 (open while the process runs)
        self.running[role] = subprocess.Popen(self.command(role), stdout=log, stderr=subprocess.STDOUT)
        say(f"{role}: started (log {self.logs / (role + '.log')})")

    def check_running(self) -> None:
        for role, process in self.running.items():
            if process.poll() is not None:
                raise SystemExit(f"image-smoke: {role} exited {process.returncode}")

    def stop(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def until_ready(roles: Roles, base: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        roles.check_running()
        try:
            if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"image-smoke: {base}/health/ready did not answer 200 within {TIMEOUT:.0f} s")


def deliver_one_event(roles: Roles, base: str, admin_key: str, hook: str) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {admin_key}"}, timeout=10) as api:
        created = api.post(
            "/v1/subscriptions",
            json={"event_name": EVENT_NAME, "recipient_url": hook, "verification_token": TOKEN},
        )
        if created.status_code != 201:
            raise SystemExit(f"image-smoke: POST /v1/subscriptions -> {created.status_code} {created.text}")
        say(f"subscription created: {EVENT_NAME} -> {hook}")
        published = api.post("/v1/events", json={"event_name": EVENT_NAME, "arguments": {"id": 1}})
        if published.status_code != 202:
            raise SystemExit(f"image-smoke: POST /v1/events -> {published.status_code} {published.text}")
        event_id = published.json()["id"]
        say(f"event {event_id} published")
        deadline = time.monotonic() + TIMEOUT
        while True:
            roles.check_running()
            try:
                headers, body = Received.requests.get(timeout=0.5)
                break
            except queue.Empty:
                if time.monotonic() > deadline:
                    raise SystemExit(
                        f"image-smoke: no delivery reached the receiver within {TIMEOUT:.0f} s"
                    ) from None
        secret = "whsec_" + base64.b64encode(TOKEN.encode()).decode()
        payload = Webhook(secret).verify(body, headers)  # raises WebhookVerificationError
        say(f"delivery {headers['webhook-id']}: signature verified, payload keys {sorted(payload)}")
        status = ""
        while time.monotonic() < deadline:
            deliveries = api.get(f"/v1/events/{event_id}").json()["deliveries"]
            status = deliveries[0]["status"]
            if status == "delivered":
                break
            time.sleep(0.3)
        if status != "delivered":
            raise SystemExit(f"image-smoke: the delivery is {status!r}, not 'delivered'")
        say("delivery recorded as delivered")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True, help="the image's mounted root filesystem")
    parser.add_argument("--image", required=True, help="the image (for its environment, workdir, user)")
    args = parser.parse_args()

    admin_key = f"ae_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = Path(tempfile.mkdtemp(prefix="image-smoke-"))
    with scratch_database() as database_url, receiver() as hook:
        settings = {
            "ASYNCEVENTS_ENV": "production",
            "ASYNCEVENTS_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "ASYNCEVENTS_DATABASE_URL": database_url,
            "ASYNCEVENTS_BROKER_URL": AMQP_URL,
            # Own topology names: the test suites on this machine use the defaults.
            "ASYNCEVENTS_BROKER__EXCHANGE": "asyncevents-image",
            "ASYNCEVENTS_BROKER__EVENTS_QUEUE": "asyncevents-image.events",
            "ASYNCEVENTS_BROKER__CONSUME_MAGENTO": "false",
            "ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY": admin_key,
            "ASYNCEVENTS_SECURITY__RECIPIENT_ALLOWLIST": "127.0.0.1/32",
            "ASYNCEVENTS_HOST": "127.0.0.1",
            "ASYNCEVENTS_PORT": str(port),
            "ASYNCEVENTS_WORKER__METRICS_HOST": "127.0.0.1",
            "ASYNCEVENTS_WORKER__SHUTDOWN_GRACE": "2",
            "ASYNCEVENTS_WORKER__METRICS_PORT": str(free_port()),
        }
        roles = Roles(args.root, args.image, settings, logs)
        try:
            roles.run("migrate")
            roles.start("api")
            roles.start("worker")
            until_ready(roles, base)
            say(f"api ready on {base}")
            deliver_one_event(roles, base, admin_key, hook)
        except BaseException:
            for log in sorted(logs.glob("*.log")):
                sys.stderr.write(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}\n")
            raise
        finally:
            roles.stop()
    say("ok: migrate, api and worker ran from the image as uid 10001 and delivered one signed event")


if __name__ == "__main__":
    main()
