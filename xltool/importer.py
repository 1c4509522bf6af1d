"""A legacy plan sheet (last year's hand-made workbook) moved into the current locked template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from xltool.catalog import Catalog
from xltool.catalogs import load_catalog
from xltool.checks import Rule, check_plan
from xltool.checks.rules import GOAL_NUMBER_MISSING, ITEM_NUMBER_MISSING, PRACTICE_TWO
from xltool.model import Finding, Plan, PlanItem, one_row_each, practice_count
from xltool.outputs import WORKBOOK, Outputs
from xltool.pipeline import write_template
from xltool.reader import read_plan
from xltool.rollover import (
    GONE,
    KEPT,
    OLD_YEARS,
    UNMOVED,
    UNNAMED,
    carried,
    in_catalog,
    in_template,
    left_behind,
    one_row_lines,
    one_unit,
    read_notices,
    shift_schedule,
    written_the_forms_way,
)

# What the template holds as the legacy sheet had it and the officer must still correct (check's findings
# on the new plan): no unit, a cell holding two practices (「2.…⏎3.…」: one row of the template, to be split),
# categories and items not in the catalog, schedules that give no months, budgets check reads no amount in
# (「1萬5千元」: written as text into the number-only cell, unsaid, check's first error on the new file); and when
# the plan moves to another year, the old years its text names.
REVIEWED: tuple[Rule, ...] = (*UNNAMED, PRACTICE_TWO, *GONE, *UNMOVED, *KEPT)


@dataclass
class ImportReport:
    items: int  # the practices' rows, as check counts them: a practice over several rows is one
    unit: str
    year: int
    from_year: int | None = None  # the legacy plan's own year, when schedules were moved to ``year``
    dropped: list[str] = field(default_factory=list)  # zh-TW lines: what the template has no place for
    notices: list[str] = field(default_factory=list)  # zh-TW lines: what reading the legacy file had to say
    review: list[str] = field(default_factory=list)  # zh-TW lines: what the import assumed, to be confirmed
    changed: list[str] = field(default_factory=list)  # zh-TW lines: what was written the form's way instead
    findings: list[Finding] = field(default_factory=list)  # filled in as written, to be corrected (REVIEWED)
    # Cells holding more than one practice (「二、…⏎三、…」, check's PRACTICE_TWO), and the practices past the first
    # in them: a row each in the template's count, where the officer counts each practice.
    crowded: int = 0
    more: int = 0

    @property
    def practices(self) -> int:
        """The practices as the officer counts them: a cell holding two is two."""
        return self.items + self.more


def import_legacy(
    source: str | Path,
    out: str | Path,
    *,
    year: int | None = None,
    catalog: Catalog | None = None,
    outputs: Outputs | None = None,
) -> ImportReport:
    """Read any plan sheet xltool can read and write it into a fresh template, saying what did not fit.

    ``year`` is the new template's year; a legacy plan of another year has its schedules moved by the
    difference (107.01-12 → 108.01-12), as ``rollover`` does.
    """
    guard = outputs or Outputs()
    guard.add_inputs([source])
    guard.reserve(out, WORKBOOK)
    plan = one_unit(read_plan(source, catalog=catalog, year=year), source, "import")
    target_year = year if year is not None else plan.year
    catalog = catalog or load_catalog(target_year)
    target_year = target_year if target_year is not None else catalog.year
    notices = [*read_notices(plan), *([catalog.notice] if catalog.notice else [])]  # the new template's, once
    report = ImportReport(plan.practices, plan.unit, target_year, notices=notices)
    if plan.year is None:
        report.review.append(f"原檔沒有寫年度，範本年度填 {target_year}，請確認。")
    report.dropped = left_behind(plan)
    joined = one_row_each(plan)
    items = [in_catalog(item, catalog) for item in joined.items]
    rules = REVIEWED
    if plan.year is not None and plan.year != target_year:
        report.from_year = plan.year
        items = [shift_schedule(item, target_year - plan.year, target_year) for item in items]
        rules = (*REVIEWED, *OLD_YEARS)
    items = in_template(items)  # every line and finding names the new template's cells, as rollover's do
    report.changed = [*one_row_lines(plan, joined, items), *written_the_forms_way(joined.items, items)]
    items = _numbered_as_the_form(carried(plan, items, target_year, catalog), items, report)
    report.findings = check_plan(carried(plan, items, target_year, catalog), catalog, year=target_year, rules=rules)
    extra = [n - 1 for n in (practice_count(item.practice, item.item_no) for item in items if item.practice) if n > 1]
    report.crowded, report.more = len(extra), sum(extra)
    write_template(out, year=target_year, unit=plan.unit, catalog=catalog, items=items, outputs=guard)
    return report


def _numbered_as_the_form(moved: Plan, items: Sequence[PlanItem], report: ImportReport) -> list[PlanItem]:
    """Goals numbered 一、 and practices numbered 1. or (1), as hand-made sheets number them, written as the
    form numbers them (壹、, 一、) where the number is the one the place calls for: check's own fix for
    them, so the new template does not open with an error on every row. Other numbers stay as written."""
    found = [f for f in check_plan(moved, rules=(GOAL_NUMBER_MISSING, ITEM_NUMBER_MISSING)) if f.fix is not None]
    if not found:
        return list(items)
    fixes = {(f.field, f.cell): str(f.fix) for f in found}
    renumbered = []
    for item in items:
        goal, practice = fixes.get(("goal", item.cells.get("goal", ""))), fixes.get(("practice", item.cell))
        if goal is not None:
            goal_no, text = goal.split("、", 1)
            item = replace(item, goal_no=goal_no, goal=text)
        if practice is not None:
            item_no, text = practice.split("、", 1)
            item = replace(item, item_no=item_no, practice=text)
        renumbered.append(item)
    first = found[0]
    report.changed.append(
        f"{len(found)} 處編號改為表單的寫法（目標以壹、貳…，作法以一、二…編號），"
        f"例如 {first.cell}「{first.value}」→「{first.fix}」。"
    )
    return renumbered
