"""The AIMD controller of adaptive pacing (:mod:`asyncevents_svc.worker.pacing`): pure, no clock."""

from __future__ import annotations

import pytest

from asyncevents_svc.notifiers.base import NotifierResult
from asyncevents_svc.worker.pacing import Pacing, noted

SUB = 7
CEILING = 32

OK = NotifierResult.delivered(5.0, status_code=200)
TOO_MANY = NotifierResult.retry_later(5.0, status_code=429)
UNAVAILABLE = NotifierResult.retry_later(5.0, status_code=503)
TIMED_OUT = NotifierResult(success=False, retryable=True, duration_ms=5000.0, timed_out=True)
SERVER_ERROR = NotifierResult.retry_later(5.0, status_code=500)


def pacing(enabled: bool = True, max_pause: float = 3600.0) -> Pacing:
    return Pacing(enabled=enabled, max_pause=max_pause)


def test_a_subscription_starts_at_its_configured_limit() -> None:
    assert pacing().limit(SUB, CEILING) == CEILING


@pytest.mark.parametrize("answer", [TOO_MANY, UNAVAILABLE, TIMED_OUT], ids=["429", "503", "timeout"])
def test_an_overload_halves_the_limit(answer: NotifierResult) -> None:
    p = pacing()
    p.observe(SUB, CEILING, answer, started=0.0, now=1.0)
    assert p.limit(SUB, CEILING) == CEILING // 2


def test_other_failures_leave_the_limit_alone() -> None:
    p = pacing()
    p.observe(SUB, CEILING, SERVER_ERROR, started=0.0, now=1.0)
    assert p.limit(SUB, CEILING) == CEILING


def test_a_burst_of_429s_from_one_round_halves_the_limit_once() -> None:
    p = pacing()
    for n in range(20):  # twenty sends started together at t=0, answered one after another
        p.observe(SUB, CEILING, TOO_MANY, started=0.0, now=1.0 + n / 100)
    assert p.limit(SUB, CEILING) == 16
    p.observe(SUB, CEILING, TOO_MANY, started=2.0, now=2.1)  # a send of the next round
    assert p.limit(SUB, CEILING) == 8


def test_the_limit_never_falls_below_one() -> None:
    p = pacing()
    for n in range(20):
        p.observe(SUB, CEILING, TOO_MANY, started=float(n), now=n + 0.5)
    assert p.limit(SUB, CEILING) == 1


def test_successes_add_about_one_slot_a_round_up_to_the_ceiling_and_then_it_is_forgotten() -> None:
    p = pacing()
    p.observe(SUB, CEILING, TOO_MANY, started=0.0, now=1.0)
    for _ in range(17):  # about one round at 16
        p.observe(SUB, CEILING, OK, started=2.0, now=2.1)
    assert p.limit(SUB, CEILING) == 17
    for _ in range(1000):
        p.observe(SUB, CEILING, OK, started=3.0, now=3.1)
    assert p.limit(SUB, CEILING) == CEILING
    assert p.tracked() == 0


def test_a_lower_ceiling_applies_at_once() -> None:
    p = pacing()
    p.observe(SUB, CEILING, TOO_MANY, started=0.0, now=1.0)
    assert p.limit(SUB, 4) == 4


def test_retry_after_pauses_the_subscription_capped() -> None:
    p = pacing(max_pause=10.0)
    asked = NotifierResult.retry_later(5.0, status_code=429, retry_after=2.0)
    seen = p.observe(SUB, CEILING, asked, 0.0, 1.0)
    assert seen is not None
    assert seen.paused_until == 3.0
    assert p.paused_until(SUB, 2.9) == 3.0
    assert p.paused(2.9) == [SUB]
    assert p.paused_until(SUB, 3.0) is None
    long = NotifierResult.retry_later(5.0, status_code=503, retry_after=3600.0)
    p.observe(SUB, CEILING, long, 4.0, 5.0)
    assert p.paused_until(SUB, 5.0) == 15.0  # capped at max_pause


def test_a_shorter_retry_after_does_not_shorten_a_running_pause() -> None:
    p = pacing()
    p.observe(SUB, CEILING, NotifierResult.retry_later(5.0, status_code=429, retry_after=10.0), 0.0, 1.0)
    p.observe(SUB, CEILING, NotifierResult.retry_later(5.0, status_code=429, retry_after=1.0), 0.0, 2.0)
    assert p.paused_until(SUB, 2.0) == 11.0


def test_retry_after_on_other_statuses_does_not_pause() -> None:
    p = pacing()
    p.observe(SUB, CEILING, NotifierResult.retry_later(5.0, status_code=500, retry_after=5.0), 0.0, 1.0)
    assert p.paused_until(SUB, 1.0) is None


def test_the_note_of_a_pause_comes_first_and_keeps_the_answer() -> None:
    refused = NotifierResult.retry_later(5.0, status_code=429, retry_after=2.0, detail="slow down")
    assert noted(refused, 1.96).detail == "subscription paused 2 s by Retry-After; slow down"
    assert noted(refused, 0.5).detail == "subscription paused 0.5 s by Retry-After; slow down"
    assert noted(TOO_MANY, 3600.0).detail == "subscription paused 3600 s by Retry-After"
    kept = noted(refused, 2.0)
    assert (kept.status_code, kept.retry_after, kept.retryable) == (429, 2.0, True)


def test_turned_off_it_changes_nothing() -> None:
    p = pacing(enabled=False)
    paused = NotifierResult.retry_later(5.0, status_code=429, retry_after=5.0)
    assert p.observe(SUB, CEILING, paused, 0.0, 1.0) is None
    assert p.limit(SUB, CEILING) == CEILING
    assert p.paused_until(SUB, 1.0) is None


def test_simulated_endpoint_that_refuses_above_eight_settles_near_eight() -> None:
    """A round-by-round simulation: each round sends ``limit`` requests at once and the
    endpoint answers 429 to those beyond 8. The limit saw-tooths between 4 and 9."""
    p = pacing()
    limits = []
    refused = 0
    for round_ in range(400):
        limit = p.limit(SUB, CEILING)
        limits.append(limit)
        for n in range(limit):
            answer = TOO_MANY if n >= 8 else OK
            refused += answer is TOO_MANY
            p.observe(SUB, CEILING, answer, started=float(round_), now=round_ + 0.5)
    settled = limits[50:]
    assert min(settled) >= 4, min(settled)
    assert max(settled) <= 9, max(settled)
    assert 5.5 <= sum(settled) / len(settled) <= 8.5
    assert refused < 0.05 * sum(limits), refused
