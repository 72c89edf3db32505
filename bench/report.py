"""The benchmark's report: figures, ratios to the same run's baselines, and the targets."""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field
from typing import Any

Row = tuple[str, str, str, str]  # measure, result, versus baseline, target


def _check(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _times(ratio: float) -> str:
    """A ratio with the digits a small one needs: 0.004, not 0.00."""
    return f"×{ratio:.2f}" if ratio >= 0.1 else f"×{ratio:.1g}"


@dataclass
class Report:
    baseline_ingest: tuple[dict[str, Any], dict[str, Any]] | None = None
    ingest: tuple[dict[str, Any], dict[str, Any]] | None = None
    ingest_floor: dict[str, dict[str, Any]] | None = None  # "floor" and "ours", API alone
    floor: dict[str, Any] | None = None
    e2e: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    latency: dict[str, dict[str, Any]] = field(default_factory=dict)
    fanout: dict[str, dict[str, Any]] = field(default_factory=dict)
    ordered: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (transport, case)
    pacing: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (transport, case)
    isolation: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    rss: dict[str, dict[str, float]] = field(default_factory=dict)
    curve: dict[str, dict[str, Any]] = field(default_factory=dict)  # per transport: steps, sustained

    def rows(self) -> list[Row]:
        rows: list[Row] = []
        if self.ingest and self.baseline_ingest:
            for kind, ours, bare, target in zip(
                (
                    "single `POST /v1/events` (32 concurrent)",
                    "`POST /v1/events/batch` (500 a request, 4 concurrent)",
                ),
                self.ingest,
                self.baseline_ingest,
                (1000, 5000),
                strict=True,
            ):
                rate, base = ours["events_per_s"], bare["events_per_s"]
                rows.append(
                    (
                        f"ingest, {kind}",
                        f"{rate:,.0f} events/s (p95 {ours['request_p95_ms']:.0f} ms)",
                        f"×{rate / base:.2f} of bare FastAPI ({base:,.0f}/s)",
                        f"≥ {target:,}/s: {_check(rate >= target)}",
                    )
                )
        if self.ingest_floor:
            ours, lean = self.ingest_floor["ours"], self.ingest_floor["floor"]
            rate, base = ours["events_per_s"], lean["events_per_s"]
            rounds = ", ".join(f"{r:,.0f}" for r in ours["rounds"])
            floor_rounds = ", ".join(f"{r:,.0f}" for r in lean["rounds"])
            rows.append(
                (
                    "ingest, single `POST /v1/events` (32 concurrent), API alone, against the ingest floor",
                    f"{rate:,.0f} events/s (p95 {ours['request_p95_ms']:.0f} ms; rounds {rounds})",
                    f"×{rate / base:.2f} of the ingest floor ({base:,.0f}/s; rounds {floor_rounds}: "
                    "same body, same row, asyncpg group commit)" + _cpu_a_request(ours, lean),
                    f"≥ 70 % of the floor: {_check(rate >= 0.7 * base)}",
                )
            )
        if self.baseline_ingest and not self.ingest:
            # Without the RabbitMQ phases (--transports dbqueue) nothing else says how fast the
            # machine was in this run; the baseline is measured anyway.
            single, batch = (b["events_per_s"] for b in self.baseline_ingest)
            rows.append(
                (
                    "baseline: bare FastAPI ingest, single / batch",
                    f"{single:,.0f} / {batch:,.0f} events/s",
                    "how fast the machine was in this run",
                    "",
                )
            )
        floor = self.floor["per_s"] if self.floor else None
        for (transport, label), e2e in self.e2e.items():
            rate = e2e["per_s"]
            versus = f"×{rate / floor:.2f} of the floor ({floor:,.0f}/s)" if floor else ""
            goal = f"≥ 1,000/s: {_check(rate >= 1000)}"
            if floor:
                goal += f"; ≥ 50 % of floor: {_check(rate >= floor / 2)}"
            result = f"{rate:,.0f} deliveries/s"
            if "service_cpu_ms" in e2e:  # see bench/cpu.py: what tells code from a busy machine
                result += (
                    f" (CPU a delivery: service {e2e['service_cpu_ms']:.2f} ms, database"
                    f" {e2e['database_cpu_ms']:.2f} ms; other work took"
                    f" {e2e['others_share']:.0%} of the cores)"
                )
            rows.append((f"end to end, {transport}, {label}", result, versus, goal))
        for transport, lat in self.latency.items():
            rows.append(
                (
                    f"ingest → receipt at 200 events/s, {transport}",
                    f"p50 {lat['p50_ms']:.0f} ms, p95 {lat['p95_ms']:.0f} ms, p99 {lat['p99_ms']:.0f} ms",
                    "Convoy publishes p95 ≈ 125 ms",
                    f"p95 ≤ 100 ms: {_check(lat['p95_ms'] <= 100)}",
                )
            )
        for transport, fan in self.fanout.items():
            rows.append(
                (
                    f"fan-out, one event → 100 subscriptions (2 events/s), {transport}",
                    f"all 100 received within {fan['max_ms']:.0f} ms of the publish (max); "
                    f"p50 {fan['p50_ms']:.0f} ms, p95 {fan['p95_ms']:.0f} ms",
                    "",
                    "",
                )
            )
        for (transport, label), case in self.ordered.items():
            unordered = self.ordered.get((transport, "unordered"))
            versus = ""
            if unordered and label != "unordered":
                versus = (
                    f"×{case['per_s'] / unordered['per_s']:.2f} of unordered ({unordered['per_s']:,.0f}/s)"
                )
            rows.append(
                (
                    f"ordered delivery, {label} ({case['deliveries']:,} deliveries, 2 workers), {transport}",
                    f"{case['per_s']:,.0f} deliveries/s ({case['seconds']:.1f} s)",
                    versus or ("the baseline of these rows" if label == "unordered" else ""),
                    "",
                )
            )
        for transport, cases in self.isolation.items():
            alone, fast, slow = (cases[c]["p95_ms"] for c in ("alone", "fast", "slow"))
            rounds = "; ".join(
                f"{c} " + ", ".join(f"{v:.0f}" for v in cases[c].get("rounds", [])) for c in cases
            )
            rows.append(
                (
                    f"isolation, healthy p95 with a 2 s subscriber, {transport} (median of rounds)",
                    f"{slow:.0f} ms (alone {alone:.0f} ms; with a 4th fast subscriber {fast:.0f} ms; "
                    f"each round: {rounds} ms)",
                    f"×{slow / alone:.2f} of alone, ×{slow / fast:.2f} of the same load"
                    if alone and fast
                    else "",
                    f"≤ +20 %: {_check(slow <= alone * 1.2)}",
                )
            )
        for transport, curve in self.curve.items():
            steps = curve["steps"]
            at = "; ".join(f"{s['rate']:g}/s p95 {s['p95_ms']:,.0f} ms" for s in steps)
            rows.append(
                (
                    f"load curve, {transport}, 1 api + 2 workers: highest rate sustained",
                    f"{'' if curve['bounded'] else '≥ '}{curve['sustained']:,.0f} events/s ({at})",
                    "",
                    "",
                )
            )
        rows += self.pacing_rows()
        for transport, peaks in self.rss.items():
            worst = max(peaks.values())
            rows.append(
                (
                    f"peak RSS, {transport}",
                    ", ".join(f"{name} {mb:.0f} MB" for name, mb in peaks.items()),
                    "",
                    f"< 250 MB each: {_check(worst < 250)}",
                )
            )
        return rows

    def pacing_rows(self) -> list[Row]:
        """Each pacing case; an adaptive one against the fixed limit of the same receiver."""
        rows: list[Row] = []
        for (transport, label), case in self.pacing.items():
            fixed = self.pacing.get((transport, label.replace("adaptive", "fixed limit")))
            versus = "the baseline of the adaptive row" if fixed is case else ""
            if fixed and fixed is not case:
                versus = (
                    f"{_times(case['goodput'] / fixed['goodput'])} the goodput, "
                    f"{_times(case['refused'] / max(1, fixed['refused']))} the 429s, "
                    f"{_times(case['seconds'] / fixed['seconds'])} the time of the fixed limit"
                )
            dead = f", {case['dead']:,} dead" if case["dead"] else ""
            asked = f", {case['retry_after']:,} with Retry-After" if case["retry_after"] else ""
            rows.append(
                (
                    f"pacing, {label}: {case['deliveries']:,} deliveries to an endpoint taking 8 at once"
                    f" (max_in_flight 32, 1 worker), {transport}",
                    f"drained in {case['seconds']:.1f} s; goodput {case['goodput']:,.0f} 2xx/s; "
                    f"{case['refused']:,} 429s{asked}{dead}",
                    versus,
                    "",
                )
            )
        return rows

    def markdown(self, quick: bool = False) -> str:
        head = [
            "# Benchmark results",
            "",
            f"`make bench` on {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
            f"Python {platform.python_version()}{' (quick sizes: not representative)' if quick else ''}.",
            "Each ratio is against a baseline measured in the same run.",
            "",
            "| measure | result | versus baseline | target |",
            "| --- | --- | --- | --- |",
        ]
        lines = head + [f"| {' | '.join(row)} |" for row in self.rows()]
        return "\n".join(lines + self.curve_table()) + "\n"

    def curve_table(self) -> list[str]:
        """Each step of the load curve (bench/curve.py says when a step is sustained)."""
        if not self.curve:
            return []
        lines = [
            "",
            "## Load curve",
            "",
            "Single `POST /v1/events` at a fixed rate for each step, to one subscription;"
            " 1 api + 2 workers. Backlog: events accepted but not yet received when the last"
            " request returned. ![load curve](curve.svg)",
            "",
            "| transport | asked /s | sent /s | p50 ms | p95 ms | p99 ms | backlog | refused | sustained |",
            "| --- | --: | --: | --: | --: | --: | --: | --: | --- |",
        ]
        for transport, curve in self.curve.items():
            for s in curve["steps"]:
                lines.append(
                    f"| {transport} | {s['rate']:,.0f} | {s['achieved']:,.0f} | {s['p50_ms']:,.0f} |"
                    f" {s['p95_ms']:,.0f} | {s['p99_ms']:,.0f} | {s['backlog']:,} | {s['refused']:,} |"
                    f" {'yes' if s['sustained'] else 'no'} |"
                )
        return lines


def _cpu_a_request(ours: dict[str, Any], floor: dict[str, Any]) -> str:
    """The servers' CPU a request (ratio floor/ours: the rate the same cores would give)."""
    if "cpu_ms" not in ours or "cpu_ms" not in floor:
        return ""
    return (
        f"; CPU a request {ours['cpu_ms']:.3f} ms against the floor's {floor['cpu_ms']:.3f} ms"
        f" (×{floor['cpu_ms'] / ours['cpu_ms']:.2f})"
    )
