"""Reading PostgreSQL's EXPLAIN ANALYZE plans in tests that pin what a query reads (a cost
that must not grow with the table), not how long it took."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import ClauseElement


def scans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every scan node of an EXPLAIN plan, the plan's own included."""
    here = [plan] if "Scan" in plan["Node Type"] else []
    return here + [node for child in plan.get("Plans", []) for node in scans(child)]


def rows_read(plan: dict[str, Any]) -> int:
    """Rows an EXPLAIN ANALYZE plan's scans read: those returned and those filtered out."""
    return sum(
        (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
        for node in scans(plan)
    )


def literal_sql(statement: ClauseElement) -> str:
    """``statement`` as PostgreSQL SQL with its parameters written in."""
    sql = statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})  # type: ignore[no-untyped-call]
    return str(sql)


async def plan_of(engine: AsyncEngine, statement: ClauseElement) -> dict[str, Any]:
    """The EXPLAIN ANALYZE plan of ``statement``, run in a transaction rolled back."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        explained = await connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, FORMAT JSON) {literal_sql(statement)}"
        )
        plan: dict[str, Any] = explained.scalar_one()[0]["Plan"]
        await transaction.rollback()
    return plan


async def rows_read_by(engine: AsyncEngine, statement: ClauseElement) -> int:
    """Run ``statement`` under EXPLAIN ANALYZE (in a transaction rolled back) and count what
    its scans read."""
    return await rows_read_by_sql(engine, [(literal_sql(statement), ())])


async def rows_read_by_sql(engine: AsyncEngine, statements: list[tuple[str, Any]]) -> int:
    """Run the driver's ``(sql, parameters)`` statements in order under EXPLAIN ANALYZE, in
    one transaction rolled back, and count what their scans read together."""
    read = 0
    async with engine.connect() as connection:
        transaction = await connection.begin()
        for sql, parameters in statements:
            explained = await connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", parameters)
            read += rows_read(explained.scalar_one()[0]["Plan"])
        await transaction.rollback()
    return read
