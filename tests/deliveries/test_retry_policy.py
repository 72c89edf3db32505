"""The retry policy (SPEC §4.3): the day-long default schedule, the module's ``min(60, n²)``
ladder and ``max_deaths`` (``schedule=ladder``), final 4xx answers, and ``Retry-After`` as the
HTTP notifier reads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from asyncevents_svc.deliveries.policy import Outcome, after_attempt, backoff_seconds
from asyncevents_svc.notifiers.base import NotifierResult
from asyncevents_svc.notifiers.http import (
    MAX_RETRY_AFTER,
    is_retryable_status,
    parse_retry_after,
)
from asyncevents_svc.settings import LADDER, RetrySettings, Settings

NOW = datetime(2025, 11, 29, 12, 0, tzinfo=UTC)
HOUR = 3600.0


def ladder(**changes: float) -> RetrySettings:
    """The module's ladder, as ``ASYNCEVENTS_RETRY__SCHEDULE=ladder`` selects it."""
    return RetrySettings.model_validate({"schedule": LADDER, **changes})


DEFAULTS = ladder()


def failed(status: int | None = 503, *, retry_after: float | None = None) -> NotifierResult:
    """A failed attempt, retryable exactly when the notifier would say so."""
    retryable = True if status is None else is_retryable_status(status)
    detail = None if status is not None else "ClientConnectorError: connection refused"
    return NotifierResult.failed(
        12.5, retryable=retryable, status_code=status, retry_after=retry_after, detail=detail
    )


def waits(settings: RetrySettings, result: NotifierResult) -> list[float]:
    """Seconds waited before each retry when every attempt ends with ``result``."""
    found: list[float] = []
    attempt = 1
    while (outcome := after_attempt(attempt - 1, result, settings, NOW)).status == "retrying":
        assert outcome.next_attempt_at is not None
        found.append((outcome.next_attempt_at - NOW).total_seconds())
        attempt += 1
    return found


# --- the default: about a day -------------------------------------------------------------


def test_default_schedule_is_standard_webhooks_day() -> None:
    assert waits(RetrySettings(), failed(503)) == [5, 300, 1800, 7200, 18000, 36000, 36000]


def test_default_gives_up_after_seven_retries_about_a_day_later() -> None:
    default = RetrySettings()
    seventh = after_attempt(6, failed(503), default, NOW)
    last = after_attempt(7, failed(503), default, NOW)

    assert seventh.status == "retrying"
    assert last.status == "dead"
    assert last.reason == "gave up after 7 retries: status 503"
    assert 27 * HOUR < sum(waits(default, failed(503))) < 28 * HOUR


def test_default_still_retries_a_receiver_that_was_down_for_an_hour() -> None:
    """The ladder gave up after ~55 s; the default's fourth retry comes 2 h 35 min in."""
    elapsed, attempt, default = 0.0, 0, RetrySettings()
    while elapsed < HOUR:
        outcome = after_attempt(attempt, failed(None), default, NOW)
        assert outcome.status == "retrying"
        assert outcome.next_attempt_at is not None
        elapsed += (outcome.next_attempt_at - NOW).total_seconds()
        attempt += 1

    assert attempt == 4


@pytest.mark.parametrize("word", ["ladder", "LADDER", " Ladder ", ""])
def test_ladder_keyword_selects_the_modules_ladder(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    monkeypatch.setenv("ASYNCEVENTS_RETRY__SCHEDULE", word)

    retry = Settings().retry

    assert retry.schedule == []
    assert waits(retry, failed(503)) == [1, 4, 9, 16, 25]


def test_explicit_schedule_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASYNCEVENTS_RETRY__SCHEDULE", "10s,1m,1h")

    assert waits(Settings().retry, failed(503)) == [10, 60, 3600]


# --- the module's ladder ---------------------------------------------------------------------


def test_ladder_is_the_modules_1_4_9_16_25_seconds() -> None:
    assert [backoff_seconds(n, DEFAULTS) for n in range(1, 6)] == [1, 4, 9, 16, 25]
    assert waits(DEFAULTS, failed(503)) == [1, 4, 9, 16, 25]


def test_ladder_is_capped_at_sixty_seconds() -> None:
    settings = ladder(max_deaths=10)

    assert waits(settings, failed(503)) == [1, 4, 9, 16, 25, 36, 49, 60, 60, 60]
    assert backoff_seconds(100, settings) == 60


def test_cap_is_configurable() -> None:
    settings = ladder(max_backoff=10)

    assert [backoff_seconds(n, settings) for n in range(1, 6)] == [1, 4, 9, 10, 10]


def test_first_retry_is_scheduled_one_second_after_the_first_failure() -> None:
    outcome = after_attempt(0, failed(503), DEFAULTS, NOW)

    assert outcome == Outcome("retrying", NOW + timedelta(seconds=1), "status 503")


# --- max_deaths ----------------------------------------------------------------------------


def test_delivery_is_dead_after_max_deaths_retries() -> None:
    fifth_retry = after_attempt(4, failed(503), DEFAULTS, NOW)
    last = after_attempt(5, failed(503), DEFAULTS, NOW)

    assert fifth_retry.status == "retrying"
    assert last.status == "dead"
    assert last.next_attempt_at is None
    assert last.reason == "gave up after 5 retries: status 503"


@pytest.mark.parametrize("max_deaths", [0, 1, 3, 7])
def test_max_deaths_is_the_number_of_retries(max_deaths: int) -> None:
    assert len(waits(ladder(max_deaths=max_deaths), failed(500))) == max_deaths


def test_no_retry_at_all_when_max_deaths_is_zero() -> None:
    outcome = after_attempt(0, failed(503), ladder(max_deaths=0), NOW)

    assert outcome.status == "dead"
    assert outcome.reason == "gave up after 0 retries: status 503"


def test_connection_error_is_retried_and_named_in_the_reason() -> None:
    outcome = after_attempt(0, failed(None), DEFAULTS, NOW)

    assert outcome.status == "retrying"
    assert outcome.reason == "ClientConnectorError: connection refused"


# --- success and final failures ------------------------------------------------------------


def test_success_is_delivered_whatever_the_attempt() -> None:
    ok = NotifierResult.delivered(3.0, status_code=200)

    assert after_attempt(0, ok, DEFAULTS, NOW) == Outcome("delivered", None, None)
    assert after_attempt(5, ok, DEFAULTS, NOW) == Outcome("delivered", None, None)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
def test_non_retryable_answer_is_dead_at_once(status: int) -> None:
    outcome = after_attempt(0, failed(status), DEFAULTS, NOW)

    assert outcome == Outcome("dead", None, f"not retryable: status {status}")


# --- Retry-After ---------------------------------------------------------------------------


def test_retry_after_replaces_the_ladder() -> None:
    outcome = after_attempt(0, failed(429, retry_after=120.0), DEFAULTS, NOW)

    assert outcome.status == "retrying"
    assert outcome.next_attempt_at == NOW + timedelta(seconds=120)


def test_retry_after_of_zero_retries_immediately() -> None:
    outcome = after_attempt(2, failed(503, retry_after=0.0), DEFAULTS, NOW)

    assert outcome.next_attempt_at == NOW


def test_retry_after_does_not_extend_max_deaths() -> None:
    outcome = after_attempt(5, failed(429, retry_after=5.0), DEFAULTS, NOW)

    assert outcome.status == "dead"


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("86400", MAX_RETRY_AFTER),
    ],
)
def test_retry_after_in_seconds(header: str, seconds: float) -> None:
    assert parse_retry_after(header, NOW.timestamp()) == seconds


def test_retry_after_as_an_http_date() -> None:
    header = format_datetime(NOW + timedelta(seconds=90), usegmt=True)

    assert parse_retry_after(header, NOW.timestamp()) == 90.0


def test_retry_after_date_in_the_past_means_now() -> None:
    header = format_datetime(NOW - timedelta(hours=1), usegmt=True)

    assert parse_retry_after(header, NOW.timestamp()) == 0.0


def test_retry_after_date_far_ahead_is_capped() -> None:
    header = format_datetime(NOW + timedelta(days=2), usegmt=True)

    assert parse_retry_after(header, NOW.timestamp()) == MAX_RETRY_AFTER


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "soon",
        "-5",
        "1.5",
        "Tomorrow 10:00",
        # str.isdigit() is true for "²" (a byte 0xB2 decoded as Latin-1), float() is not.
        pytest.param("²", id="superscript-two"),
    ],
)
def test_unusable_retry_after_is_ignored(header: str | None) -> None:
    assert parse_retry_after(header, NOW.timestamp()) is None


# --- which answers are retryable -----------------------------------------------------------


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504, 599])
def test_retryable_status(status: int) -> None:
    assert is_retryable_status(status)


@pytest.mark.parametrize("status", [200, 301, 302, 400, 401, 403, 404, 409, 410, 413, 422])
def test_final_status(status: int) -> None:
    assert not is_retryable_status(status)


def test_a_retry_that_would_start_at_or_past_the_deadline_expires_the_delivery_instead() -> None:
    deadline = NOW + timedelta(seconds=3)
    # retry 1 waits 1 s (before the deadline), retry 2 would wait 4 s (past it)
    assert after_attempt(0, failed(), DEFAULTS, NOW, deadline).status == "retrying"
    ended = after_attempt(1, failed(), DEFAULTS, NOW, deadline)
    assert (ended.status, ended.next_attempt_at) == ("expired", None)
    assert ended.reason is not None
    assert "deadline" in ended.reason
    assert "503" in ended.reason
    # one answered after the deadline: the receiver has it, it is delivered
    ok = NotifierResult.delivered(5.0, status_code=200)
    assert after_attempt(5, ok, DEFAULTS, deadline + timedelta(hours=1), deadline).status == "delivered"
    # a final answer stays dead: the more precise reason
    assert after_attempt(0, failed(404), DEFAULTS, NOW, deadline).status == "dead"
