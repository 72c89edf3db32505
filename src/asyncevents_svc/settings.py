"""Service settings, read from ``ASYNCEVENTS_*`` environment variables and an optional ``.env``.

Nested groups use a double underscore: ``ASYNCEVENTS_HTTP__TIMEOUT=10``. The most used
settings also have flat names (``ASYNCEVENTS_DATABASE_URL``, ``ASYNCEVENTS_BROKER_URL``,
``ASYNCEVENTS_EVENTS_FILE``, ``ASYNCEVENTS_ENCRYPTION_KEY``). Settings are built once by
:func:`get_settings` and passed explicitly to the app factory and the worker.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from asyncevents_svc import bundled
from asyncevents_svc.durations import parse_duration

#: The database URLs the service can open: the drivers it installs (asyncpg, aiosqlite).
DATABASE_SCHEMES = ("postgresql+asyncpg://", "sqlite+aiosqlite://")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_HSTS = re.compile(r"max-age=\d{1,10}(\s*;\s*includeSubDomains)?(\s*;\s*preload)?", re.IGNORECASE)


def default_catalogue() -> Path:
    """``events.xml`` in the working directory when there is one, else the package's example."""
    here = Path("events.xml")
    return here if here.exists() else bundled.example_catalogue()


class HttpSettings(BaseModel):
    """Outgoing webhook requests."""

    connect_timeout: float = Field(5.0, gt=0, description="Seconds to open a connection.")
    timeout: float = Field(15.0, gt=0, description="Seconds for the whole request.")
    max_connections: int = Field(256, ge=1, description="Connection pool size per worker.")
    response_excerpt_bytes: int = Field(
        2048, ge=0, description="How much of a response body an attempt record keeps."
    )
    user_agent: str = Field("asyncevents-svc/0.1", description="User-Agent of webhook requests.")
    fetch_max_bytes: int = Field(
        5_000_000,
        ge=1024,
        description="Largest answer an `asyncevents.http_fetch` payload fetch may return; a larger "
        "one fails the event's resolution.",
    )


class WorkerSettings(BaseModel):
    """The consumer, dispatcher and scheduler."""

    prefetch: int = Field(64, ge=1, description="Events taken from the broker at once.")
    max_in_flight: int = Field(256, ge=1, description="Deliveries sent at once, all subscriptions.")
    max_in_flight_per_subscription: int = Field(
        128,
        ge=1,
        description="Deliveries sent at once to one subscription (per worker); more wait their turn.",
    )
    adaptive_pacing: bool = Field(
        True,
        description="Shrink a subscription's in-flight limit on 429, 503 and timeouts and grow it back "
        "on successes (AIMD, per worker), and pause its sends for a 429/503's `Retry-After`.",
    )
    shutdown_grace: float = Field(20.0, ge=0, description="Seconds to finish in-flight work on SIGTERM.")
    lease_seconds: float = Field(60.0, gt=0, description="How long a worker owns a delivery it is sending.")
    poll_interval: float = Field(1.0, gt=0, description="Seconds between scheduler scans for due deliveries.")
    sweep_after: float = Field(
        30.0,
        gt=0,
        description="Re-dispatch accepted events not dispatched after this many seconds.",
    )
    scheduler_batch: int = Field(200, ge=1, description="Due deliveries claimed per scan.")
    backlog_loop_lag: float = Field(
        0.005,
        ge=0,
        description="The scheduler's claims wait (at most half a scan) while the worker's event loop "
        "runs later than this many seconds, so fresh events keep their latency while a backlog "
        "drains (0 = never wait).",
    )
    max_lag: float = Field(
        300.0,
        ge=0,
        description="`/health/ready` fails when work has waited longer than this (seconds; 0 = never).",
    )
    metrics_host: str = Field("127.0.0.1", description="Address a worker process serves `/metrics` on.")
    metrics_port: int = Field(
        9464,
        ge=0,
        le=65535,
        description="Port of a worker process's `/metrics` (0: none; `serve` uses the API's).",
    )
    queue_poll_interval: float = Field(
        0.2, gt=0, description="Database queue only: seconds between polls for new events."
    )


#: The default waits between attempts: Standard Webhooks' and Svix's schedule, about a day
#: (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: seven retries over ~27.6 hours; SPEC §4.3).
DAY_SCHEDULE = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
#: The ``retry.schedule`` value that selects the module's ladder, ``min(max_backoff, n²)``
#: for ``max_deaths`` retries (~55 s in all with the module's defaults).
LADDER = "ladder"


class RetrySettings(BaseModel):
    """When a failed delivery is tried again: about a day by default, or the module's ladder."""

    max_deaths: int = Field(
        5, ge=0, description="Retries after the first attempt with the ladder (the module's max_deaths)."
    )
    max_backoff: float = Field(60.0, gt=0, description="Cap of the n² ladder, seconds.")
    schedule: Annotated[list[float], NoDecode] = Field(
        default_factory=lambda: list(DAY_SCHEDULE),
        description="Waits between attempts (its length is the number of retries); the default "
        "`5s,5m,30m,2h,5h,10h,10h` spans about a day. `ladder` (or empty) selects the Magento "
        "module's `min(max_backoff, n²)` ladder with `max_deaths` retries.",
    )
    jitter: float = Field(0.0, ge=0, le=1, description="Spread each wait by ±this fraction (0.1 = ±10%).")
    max_retry_after: float = Field(3600.0, ge=0, description="Cap, seconds, on a receiver's Retry-After.")
    fail_fast_statuses: bool = Field(True, description="Non-retryable 4xx end the delivery at once.")

    @field_validator("schedule", mode="before")
    @classmethod
    def _parse_schedule(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().lower() in (LADDER, ""):
                return []
            if value.strip().startswith("["):
                value = json.loads(value)
            else:
                return [parse_duration(part) for part in value.split(",") if part.strip()]
        if isinstance(value, list):
            return [parse_duration(str(part)) for part in value]
        return value


class RetentionSettings(BaseModel):
    """How long finished deliveries, their attempts and their events are kept."""

    days: float = Field(
        30.0, ge=0, description="Delete what finished longer ago than this; 0 keeps everything."
    )
    interval: float = Field(3600.0, gt=0, description="Seconds between the worker's clean-ups.")
    batch_size: int = Field(1000, ge=1, description="Rows deleted per statement (short locks).")


class EndpointHealthSettings(BaseModel):
    """When a subscription is disabled for its endpoint's sake."""

    disable_after: float = Field(
        432_000.0,
        ge=0,
        description="Disable a subscription whose deliveries have all failed for this many seconds "
        "(default 5 days; 0 = never).",
    )
    disable_on_gone: bool = Field(True, description="Disable a subscription whose endpoint answers 410 Gone.")
    publish_event: bool = Field(
        True,
        description="Publish the operational event `subscription.disabled` when that happens "
        "(it is added to the catalogue, so operators can subscribe to it).",
    )


class EventBridgeSettings(BaseModel):
    """The ``eventbridge`` notifier (AWS EventBridge PutEvents). Credentials and region left
    unset come from the standard AWS chain (environment, shared files, container or instance
    role)."""

    source: str = Field(
        "asyncevents-svc", min_length=1, max_length=256, description="`Source` of every entry put."
    )
    region: str | None = Field(
        None, description="AWS region of buses given by name (an ARN names its own). Unset: the AWS chain."
    )
    access_key_id: SecretStr | None = Field(None, description="AWS access key id. Unset: the AWS chain.")
    secret_access_key: SecretStr | None = Field(None, description="AWS secret access key.")
    session_token: SecretStr | None = Field(None, description="AWS session token (temporary credentials).")
    endpoint_url: str | None = Field(
        None, description="Another EventBridge endpoint (a VPC endpoint, LocalStack, moto)."
    )
    timeout: float = Field(10.0, gt=0, description="Seconds for one PutEvents call.")
    max_calls_per_bus: int = Field(
        8, ge=1, description="PutEvents calls in flight at once to one bus, per worker."
    )


class AmqpNotifierSettings(BaseModel):
    """The ``amqp`` notifier (publish to a RabbitMQ exchange). Recipient URLs name the broker
    and user but never a password: passwords are kept here, by ``user@host:port``."""

    passwords: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="JSON object of broker passwords by `user@host:port`, "
        'e.g. `{"svc@mq.internal:5672": "…"}`.',
    )
    timeout: float = Field(
        10.0, gt=0, description="Seconds to connect, or for the broker to confirm a publish."
    )


class TracingSettings(BaseModel):
    """OpenTelemetry traces: ingest, payload resolution and every attempt, exported over OTLP."""

    enabled: bool = Field(False, description="Export traces (off by default).")
    endpoint: str | None = Field(
        None,
        description="OTLP/HTTP traces URL (`http://collector:4318/v1/traces`). Unset: the standard "
        "`OTEL_EXPORTER_OTLP_*` variables, else localhost:4318.",
    )
    service_name: str = Field("asyncevents-svc", description="`service.name` of the spans.")
    sample_ratio: float = Field(
        1.0, ge=0, le=1, description="Share of new traces kept (a parent's choice wins)."
    )


class SecuritySettings(BaseModel):
    """API keys, recipient checks and input limits."""

    recipient_allowlist: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="CIDRs or host names that recipients may use even if they are private, "
        "loopback or link-local (comma separated), e.g. `127.0.0.1/32,hooks.internal`.",
    )
    fetch_allowlist: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="CIDRs or host names that `asyncevents.http_fetch` may GET from even if they are "
        "private, loopback or link-local (comma separated), e.g. `10.1.0.0/16,orders.internal`; "
        "separate from the recipients' list, so an internal service opened to fetches is not "
        "opened to subscribers' webhooks.",
    )
    allow_loopback_in_development: bool = Field(
        True,
        description="With ASYNCEVENTS_ENV=development, loopback recipients (and fetches) are allowed.",
    )
    https_only: bool = Field(False, description="Refuse http:// recipients.")
    token_rotation_overlap: float = Field(
        86400.0, ge=0, description="Seconds the previous verification token stays valid after a rotation."
    )
    verify_endpoints: bool = Field(
        False,
        description="A new `http` subscription (or one whose recipient changes) starts `unverified`: "
        "the worker POSTs it a signed `endpoint.verification` challenge and activates it only when "
        'the endpoint answers 2xx with the challenge in its body (docs/guarantees.md, "Verified '
        'endpoints"). Existing active subscriptions are not re-checked.',
    )
    verification_schedule: Annotated[list[Annotated[float, Field(gt=0, le=604_800)]], NoDecode] = Field(
        default_factory=lambda: [60.0, 300.0, 1800.0, 3600.0, 3 * 3600.0, 6 * 3600.0, 12 * 3600.0],
        max_length=20,
        description="Seconds to wait before each new challenge after one that failed (comma "
        "separated); its length bounds the attempts (1 + length).",
    )
    verification_expiry: float = Field(
        86400.0,
        gt=0,
        description="Seconds after a challenge round starts when it expires: no more challenges; "
        "the subscription stays `unverified` until the console, the portal or "
        "`POST /v1/subscriptions/{id}/verification` sends one again.",
    )
    verification_response_bytes: int = Field(
        4096,
        ge=64,
        le=65536,
        description="Bytes of a challenge's response body read and searched for the challenge.",
    )
    signing_keys: SecretStr | None = Field(
        None,
        description="The service's Ed25519 keys for `v1a` signatures: base64 of each private key's "
        "32-byte seed (or of seed + public key, 64 bytes), comma separated; every one signs and is "
        "published at `/v1/signing-keys` (rotate by adding the new key, removing the old one after "
        "the overlap). Unset: a key is generated into the database (encrypted with the encryption "
        "key) on first use, and `signing-keys rotate` rotates it.",
    )
    signing_key_overlap: float = Field(
        86400.0,
        ge=0,
        description="Seconds the previous Ed25519 key keeps signing (and stays published) after "
        "`signing-keys rotate`; then it is retired.",
    )
    signing_key_refresh: float = Field(
        30.0,
        gt=0,
        description="Seconds a process keeps its list of Ed25519 signing keys before reading it "
        "again: a rotation reaches every worker within this.",
    )
    max_body_bytes: int = Field(5_000_000, ge=1024, description="Largest request body accepted.")
    max_json_depth: int = Field(32, ge=2, description="Deepest JSON nesting accepted in a request body.")
    auth_failure_budget: int = Field(
        20,
        ge=0,
        description="Failed authentications (wrong API keys, console sign-ins) one client address "
        "may make before it gets 429 with `Retry-After`; per process (0: no limit).",
    )
    auth_failure_window: float = Field(
        60.0, gt=0, description="Seconds in which a spent budget refills completely (evenly)."
    )
    auth_failure_clients: int = Field(
        10_000,
        ge=1,
        description="Client addresses whose failures a process remembers; past it the least "
        "recently failing is forgotten.",
    )
    search_timeout: float = Field(
        5.0,
        gt=0,
        description="Seconds a delivery search (`q` of `GET /v1/deliveries` and `POST /v1/replays`, "
        "the console's delivery log, a bulk replay's batches) may run before the database stops "
        "it; the caller gets a 400 asking for a narrower query.",
    )
    hsts: str = Field(
        "max-age=31536000",
        description="`Strict-Transport-Security` of responses served over HTTPS (TLS in uvicorn, or "
        "`X-Forwarded-Proto: https` from a trusted proxy), never over plain http; "
        "e.g. `max-age=63072000; includeSubDomains; preload`. Empty: none.",
    )
    docs: bool = Field(
        True, description="Serve `/docs`, `/redoc` and `/openapi.json` (false: they answer 404)."
    )

    @field_validator("hsts")
    @classmethod
    def _hsts_directives(cls, value: str) -> str:
        value = value.strip()
        if value and not _HSTS.fullmatch(value):
            raise ValueError("must be max-age=<seconds>, then optionally ; includeSubDomains and ; preload")
        return value

    @field_validator("recipient_allowlist", "fetch_allowlist", "verification_schedule", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().startswith("["):
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


class PortalSettings(BaseModel):
    """The consumer portal (``/portal``): its links, sessions and embedding."""

    link_lifetime: float = Field(
        600.0, gt=0, le=86400, description="Seconds a portal link may wait to be opened (once)."
    )
    session_lifetime: float = Field(
        3600.0,
        gt=0,
        le=7 * 86400,
        description="Seconds a portal session (and the key behind it) lasts once its link is opened.",
    )
    frame_ancestors: str = Field(
        "'none'",
        description="The portal's `Content-Security-Policy: frame-ancestors`: the sites that may "
        "embed it in a frame, e.g. `https://app.example.com`. Anything else than `'none'` also "
        "makes the portal's cookie `SameSite=None; Secure; Partitioned` (a frame in another "
        "site's page needs it; so the portal must be served over HTTPS).",
    )
    public_url: str = Field(
        "",
        description="The service's address as browsers reach it (`https://hooks.example.com`), "
        "for the links `POST /v1/applications/{app}/portal-sessions` answers; empty: the "
        "address the request came to.",
    )

    @field_validator("frame_ancestors")
    @classmethod
    def _one_directive(cls, value: str) -> str:
        """Sources only: a `;` or `,` would add directives or policies to the header."""
        value = " ".join(value.split())
        if not value or any(c in value for c in ";,\r\n") or not value.isascii():
            raise ValueError(
                "must be CSP sources separated by spaces, such as 'self' https://app.example.com"
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @property
    def embeddable(self) -> bool:
        return self.frame_ancestors != "'none'"


class BrokerSettings(BaseModel):
    """RabbitMQ topology names."""

    exchange: str = Field("asyncevents", description='Direct exchange for "event ready" hints.')
    events_queue: str = Field("asyncevents.events", description="Quorum queue the workers consume.")
    magento_exchange: str = Field("magento", description="Magento's topic exchange.")
    magento_routing_key: str = Field(
        "event.trigger", description="Topic Magento publishes async events with."
    )
    magento_queue: str = Field(
        "event.trigger",
        description="Queue consumed for Magento publisher messages; declared like Magento does.",
    )
    consume_magento: bool = Field(True, description="Consume Magento publisher messages at all.")


class Settings(BaseSettings):
    """All settings of the service. docs/configuration.md lists each one (``make docs``)."""

    model_config = SettingsConfigDict(
        env_prefix="ASYNCEVENTS_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    env: Literal["development", "production", "test"] = Field(
        "development", description="`production` refuses unsafe defaults (a missing encryption key)."
    )
    database_url: str = Field(
        "",
        description="`postgresql+asyncpg://…` in production (the driver is part of the URL: "
        "`postgres://` and `postgresql://` stop start-up with exit code 2). Unset: the embedded "
        "SQLite file `<data_dir>/asyncevents.db`.",
    )
    database_pool_size: int = Field(10, ge=1, description="Database connections per process.")
    broker_url: SecretStr | None = Field(
        None,
        description="RabbitMQ URL (`amqp://user:pass@host:5672/`). Unset: the database queue "
        "(workers poll the database).",
    )
    events_file: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [default_catalogue()],
        description="events.xml files or folders, separated by commas or colons. Unset: "
        "`events.xml` in the working directory, else the example catalogue the package carries.",
    )
    encryption_key: SecretStr | None = Field(
        None,
        description="Fernet key(s), comma separated, the first encrypts. Unset outside production: "
        "generated once into data_dir/encryption.key.",
    )
    data_dir: Path = Field(
        Path("var"), description="Where the embedded database and the generated key file live."
    )
    host: str = Field("127.0.0.1", description="Address the API listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port the API listens on.")
    log_format: Literal["console", "json"] = Field(
        "console", description="`json` for one JSON object per line (production)."
    )
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR (any case).")
    access_log: bool = Field(
        True,
        description="One `request` log line per HTTP request (method, path, status, duration, "
        "client; never a header or the query). The `X-Request-ID` is kept either way.",
    )
    proxy_headers: bool = Field(
        True,
        description="Take the client address and scheme from `X-Forwarded-For`/`X-Forwarded-Proto` "
        "when the request comes from an address in `FORWARDED_ALLOW_IPS` (uvicorn's "
        "`--proxy-headers`).",
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="The proxies whose forwarded headers are trusted: comma-separated addresses or "
        "networks (`10.0.0.0/8`), or `*` for any (uvicorn's `--forwarded-allow-ips`). The client "
        "address is what rate limits and logs use.",
    )
    root_path: str = Field(
        "",
        description="The path prefix a proxy serves the API under, e.g. `/webhooks`, for the "
        "links and the OpenAPI document (ASGI `root_path`; uvicorn's `--root-path`).",
    )

    http: HttpSettings = Field(default_factory=HttpSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    retry: RetrySettings = Field(default_factory=RetrySettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    endpoint_health: EndpointHealthSettings = Field(default_factory=EndpointHealthSettings)
    broker: BrokerSettings = Field(default_factory=BrokerSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    portal: PortalSettings = Field(default_factory=PortalSettings)
    eventbridge: EventBridgeSettings = Field(default_factory=EventBridgeSettings)
    amqp_notifier: AmqpNotifierSettings = Field(default_factory=AmqpNotifierSettings)
    tracing: TracingSettings = Field(default_factory=TracingSettings)
    bootstrap_admin_key: SecretStr | None = Field(
        None,
        description="An admin API key to create at start-up when no admin key exists yet "
        "(store it in your secret manager; it is never shown again).",
    )

    @field_validator("events_file", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        """Accept ``a.xml,b.xml`` or ``a.xml:b.xml`` as well as a JSON list."""
        if isinstance(value, str):
            if value.startswith("["):
                return json.loads(value)
            return [part for part in value.replace(",", ":").split(":") if part]
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Only the drivers the service ships: a URL without one (``postgres://``,
        ``postgresql://``) would fail at the first connection, with a traceback about a
        missing psycopg2. The message names the scheme only: the URL may hold a password."""
        value = value.strip()
        if value and not value.startswith(DATABASE_SCHEMES):
            scheme = value.split("://", 1)[0] + "://" if "://" in value else "no scheme"
            raise ValueError(
                f"must start with postgresql+asyncpg:// (or sqlite+aiosqlite:/// for a file), not {scheme}"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("broker_url", mode="before")
    @classmethod
    def _empty_broker_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _embedded_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'asyncevents.db'}"
        return self

    @property
    def embedded(self) -> bool:
        """True on SQLite: one worker process, the database queue (docs/architecture.md)."""
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
