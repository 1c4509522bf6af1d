"""The submission check: every rule of the form's 填表說明, as findings located at cells.

Rules only return findings; the CLI prints them and decides the exit code, ``annotate`` writes them into
a copy of the workbook. Each family of rules lives in its own module.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from xltool.catalog import Catalog, load_catalog
from xltool.checks import budget, category, schedule, structure
from xltool.checks.context import Context
from xltool.checks.rules import RULES, Rule, Severity
from xltool.errors import XltoolError
from xltool.model import Finding, Plan
from xltool.report import FileResult

__all__ = ["RULES", "Rule", "Severity", "check_file", "check_plan"]

_FAMILIES = (structure.check, schedule.check, budget.check, category.check)


def check_plan(
    plan: Plan, catalog: Catalog, *, year: int | None = None, budget_cap: Decimal | None = None
) -> list[Finding]:
    """All findings for a plan, in reading order (row, then the form's column order).

    ``year`` is the year the plan must be for (default: the year the workbook states).
    """
    context = Context(plan=plan, catalog=catalog, year=year if year is not None else plan.year, budget_cap=budget_cap)
    findings = [finding for family in _FAMILIES for finding in family(context)]
    return sorted(findings, key=_reading_order)


def check_file(
    path: str | Path,
    *,
    catalog: Catalog | None = None,
    year: int | None = None,
    budget_cap: Decimal | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FileResult:
    """Read and check one workbook; a file that cannot be read becomes a result that says why.

    ``catalog`` overrides the catalog of the plan's year (``--catalog``).
    """
    from xltool.reader import read_plan

    try:
        plan = read_plan(path, catalog=catalog, year=year, progress=progress)
        plan_catalog = catalog or load_catalog(year if year is not None else plan.year)
        findings = check_plan(plan, plan_catalog, year=year, budget_cap=budget_cap)
    except XltoolError as error:
        return FileResult(str(path), error=str(error))
    return FileResult(str(path), plan, findings)


def _reading_order(finding: Finding) -> tuple[int, int, str]:
    letters = finding.cell.rstrip("0123456789")
    return finding.row, len(letters), letters
