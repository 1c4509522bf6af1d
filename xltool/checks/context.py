"""What every rule family needs to know besides the plan itself."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xltool.catalog import Catalog
from xltool.model import Plan


@dataclass(frozen=True)
class Context:
    plan: Plan
    catalog: Catalog
    year: int | None  # the plan year the schedules are checked against
    budget_cap: Decimal | None = None

    @property
    def year_text(self) -> str:
        """The year for message examples: the plan's, else the catalog's."""
        return str(self.year if self.year is not None else self.catalog.year)
