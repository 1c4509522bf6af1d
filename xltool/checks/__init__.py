"""The submission check: every rule of the form's 填表說明, as findings located at cells.

Rules only return findings; the CLI prints them and decides the exit code, ``annotate`` writes them into
a copy of the workbook. Each family of rules lives in its own module; none of them opens a file.
"""

from __future__ import annotations

from decimal import Decimal

from xltool.catalog import Catalog
from xltool.checks import budget, category, schedule, structure
from xltool.checks.context import Context
from xltool.checks.rules import LIVE_RULES, RULES, Rule, Severity
from xltool.model import Finding, Plan

__all__ = ["LIVE_RULES", "RULES", "Rule", "Severity", "check_plan"]

_FAMILIES = (structure.check, schedule.check, budget.check, category.check)


def check_plan(
    plan: Plan, catalog: Catalog | None = None, *, year: int | None = None, budget_cap: Decimal | None = None
) -> list[Finding]:
    """All findings for a plan, in reading order (row, then the form's column order).

    ``catalog`` defaults to the one the plan was read with; ``year`` is the year the plan must be for
    (default: the year the workbook states).
    """
    catalog = catalog or plan.catalog
    if catalog is None:
        raise ValueError("check_plan needs a catalog: the plan was not read with one")
    context = Context(plan=plan, catalog=catalog, year=year if year is not None else plan.year, budget_cap=budget_cap)
    findings = [finding for family in _FAMILIES for finding in family(context)]
    return sorted(findings, key=_reading_order)


def _reading_order(finding: Finding) -> tuple[int, int, str]:
    letters = finding.cell.rstrip("0123456789")
    return finding.row, len(letters), letters
