"""Service methods used by the test catalogue (``tests/data/events.xml``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pydantic import BaseModel


@dataclass
class Order:
    entity_id: int
    increment_id: str


class OrderRepository:
    def get(self, id: int) -> Order:
        return Order(entity_id=id, increment_id=f"CK{id:08d}")


class Customer(BaseModel):
    id: int
    email: str


class CustomerService:
    async def load(self, customer_id: int, email: str = "roni_cost@example.com") -> Customer:
        await asyncio.sleep(0)
        return Customer(id=customer_id, email=email)


def explode(reason: str) -> dict[str, str]:
    raise RuntimeError(f"cannot resolve: {reason}")


def scalar(value: int) -> int:
    return value


def listing(count: int) -> list[int]:
    return list(range(count))
