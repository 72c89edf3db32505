"""Example services used by the repository's ``events.xml``.

Real deployments map their own objects, either by import path in ``events.xml``
(``class="mypackage.orders:OrderRepository"``) or through the entry-point group
``asyncevents_svc.services`` (``"Magento\\Sales\\Api\\OrderRepositoryInterface" =
"mypackage.orders:OrderRepository"`` in their ``pyproject.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DemoOrder:
    entity_id: int
    increment_id: str
    status: str
    grand_total: float
    customer_email: str


class DemoOrderRepository:
    """Stands in for ``OrderRepositoryInterface::get($id)``: an order made up from its id."""

    def get(self, id: int) -> DemoOrder:
        if id <= 0:
            raise ValueError("order ids are positive")
        return DemoOrder(
            entity_id=id,
            increment_id=f"CK{id:08d}",
            status="pending",
            grand_total=round(id * 10.5, 2),
            customer_email=f"customer{id}@example.com",
        )
