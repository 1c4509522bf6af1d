"""What every rule family needs to know besides the plan itself."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from xltool.catalog import Catalog
from xltool.model import Plan, PlanItem, continued


@dataclass(frozen=True)
class Context:
    plan: Plan
    catalog: Catalog
    year: int | None  # the plan year the schedules are checked against
    budget_cap: Decimal | None = None

    def fixable(self, item: PlanItem, key: str) -> bool:
        """Whether --fix may write a field's cell: never a formula, which would become a constant."""
        cell = item.cells.get(key)
        return bool(cell) and cell not in self.plan.formulas

    @cached_property
    def year_text(self) -> str:
        """The year for message examples: the plan's, else the catalog's (asked of every row's schedule: once)."""
        return str(self.year if self.year is not None else self.catalog.year)

    @cached_property
    def continued(self) -> list[bool]:
        """:func:`xltool.model.continued` of the plan's items, worked out once for every family of rules."""
        return continued(self.plan.items)
