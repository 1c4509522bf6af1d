"""The submission check: every rule of the form's 填表說明, as findings located at cells.

Rules only return findings; the CLI prints them and decides the exit code, ``annotate`` writes them into
a copy of the workbook. Each family of rules lives in its own module, which declares the rules it emits
(``EMITS``); none of them opens a file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from decimal import Decimal
from typing import Protocol

from xltool.catalog import Catalog
from xltool.checks import budget, carryover, category, schedule, structure
from xltool.checks.context import Context
from xltool.checks.rules import LIVE_RULES, RULES, Rule
from xltool.form import Severity
from xltool.model import Finding, Plan

__all__ = ["CHECKED", "FAMILIES", "LIVE_RULES", "RULES", "Family", "Rule", "Severity", "check_plan"]


class Family(Protocol):
    """A module of rules: what it finds in a plan, and every rule it can find (tests hold the two together)."""

    EMITS: tuple[Rule, ...]

    def check(self, context: Context) -> Iterator[Finding]: ...


CHECKED: tuple[Family, ...] = (structure, schedule, budget, category)  # what check runs
FAMILIES: tuple[Family, ...] = (*CHECKED, carryover)  # and what it runs when asked for their rules


def check_plan(
    plan: Plan,
    catalog: Catalog | None = None,
    *,
    year: int | None = None,
    budget_cap: Decimal | None = None,
    rules: Collection[Rule] | None = None,
) -> list[Finding]:
    """All findings for a plan, in reading order (row, then the form's column order).

    ``catalog`` defaults to the one the plan was read with; ``year`` is the year the plan must be for
    (default: the year the workbook states). ``rules`` asks for the findings of those rules alone, from
    any family (rollover asks for what a new year leaves to fix); by default, every rule of check.
    """
    catalog = catalog or plan.catalog
    if catalog is None:
        raise ValueError("check_plan needs a catalog: the plan was not read with one")
    context = Context(plan=plan, catalog=catalog, year=year if year is not None else plan.year, budget_cap=budget_cap)
    if rules is None:
        findings = [finding for family in CHECKED for finding in family.check(context)]
    else:
        codes = {rule.code for rule in rules}
        families = [family for family in FAMILIES if codes.intersection(rule.code for rule in family.EMITS)]
        findings = [finding for family in families for finding in family.check(context) if finding.code in codes]
    return sorted(_once(findings) if plan.merged_cells else findings, key=_reading_order)


def _once(findings: list[Finding]) -> list[Finding]:
    """Each finding at a cell once: a cell merged down several rows (a category left blank for a practice
    over three rows) is read on each of them, and is one cell to fix."""
    seen: set[tuple[str, str, str, str]] = set()
    kept = []
    for finding in findings:
        key = (finding.code, finding.sheet, finding.cell, finding.message)
        if finding.cell and key in seen:
            continue
        seen.add(key)
        kept.append(finding)
    return kept


def _reading_order(finding: Finding) -> tuple[int, int, str]:
    letters = finding.cell.rstrip("0123456789")
    return finding.row, len(letters), letters
