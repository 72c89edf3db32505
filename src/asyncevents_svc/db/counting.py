"""Counts that cost what a page costs however large the table: exact up to a cap, above it
PostgreSQL's own estimate.

``count(*)`` reads every row it counts: the metrics' dead letters and waiting deliveries at
10 M deliveries were 1.5 s a scrape. :func:`tally` counts at most :data:`CAP` rows; when
there are more it asks the planner (``EXPLAIN``: the table's statistics, as fresh as its
last ``ANALYZE``, which autovacuum keeps) and says that the figure is an estimate. SQLite
has no planner estimate: it counts (its databases are small; see docs/performance.md, "On a full database").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.types import PageCount

#: Rows counted exactly before the planner's estimate is taken instead.
CAP = 10_000


@dataclass(frozen=True)
class Tally:
    """How many rows match; ``estimated``: more than :data:`CAP`, the planner's figure."""

    value: int
    estimated: bool = False


async def tally(session: AsyncSession, rows: Select[Any], *, cap: int = CAP) -> Tally:
    """How many rows ``rows`` (a ``SELECT … WHERE``) returns, reading at most ``cap + 1``."""
    counted = int(await session.scalar(select(func.count()).select_from(rows.limit(cap + 1).subquery())) or 0)
    if counted <= cap:
        return Tally(counted)
    if session.get_bind().dialect.name != "postgresql":
        return Tally(int(await session.scalar(select(func.count()).select_from(rows.subquery())) or 0))
    return Tally(max(cap + 1, await _planned_rows(session, rows)), estimated=True)


#: Rows a listing's ``count=true`` counts at most (a page view reads about ten pages more).
LISTING_CAP = 1_000


async def capped(session: AsyncSession, rows: Select[Any], *, cap: int = LISTING_CAP) -> PageCount:
    """How many rows ``rows`` returns, reading at most ``cap + 1``: ``cap`` with ``more``
    when there are more (a listing shows "1,000+"; no estimate, which a filter would make a
    guess)."""
    counted = int(await session.scalar(select(func.count()).select_from(rows.limit(cap + 1).subquery())) or 0)
    return PageCount(value=cap, more=True) if counted > cap else PageCount(value=counted, more=False)


async def _planned_rows(session: AsyncSession, rows: Select[Any]) -> int:
    """The planner's estimate of the rows ``rows`` returns (nothing is read)."""
    sql = rows.with_only_columns(literal(1)).compile(
        dialect=postgresql.dialect(),  # type: ignore[no-untyped-call]
        compile_kwargs={"literal_binds": True},  # the callers' own constants, never input
    )
    plan = await session.scalar(text(f"EXPLAIN (FORMAT JSON) {sql}"))
    return int(plan[0]["Plan"]["Plan Rows"])
