"""備考 (budget, 千元) rules (填表說明 六): numbers, with a schedule, adding up to any stated 合計."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xltool.budget import Note
from xltool.checks.context import Context
from xltool.checks.rules import (
    BUDGET_CAP,
    BUDGET_LARGE,
    BUDGET_LARGE_FROM,
    BUDGET_MISSING,
    BUDGET_NEGATIVE,
    BUDGET_NOT_NUMBER,
    BUDGET_PRECISION,
    BUDGET_TEXT,
    BUDGET_WITHOUT_SCHEDULE,
    BUDGET_YUAN,
    BUDGET_ZERO,
    TOTAL_MISMATCH,
    Rule,
)
from xltool.form import cell_row
from xltool.model import Finding, PlanItem, json_number
from xltool.schedule import Note as ScheduleNote

_NOTE_RULES = {
    Note.NOT_NUMBER: BUDGET_NOT_NUMBER,
    Note.NEGATIVE: BUDGET_NEGATIVE,
    Note.ZERO_WORD: BUDGET_ZERO,
    Note.UNIT_YUAN: BUDGET_YUAN,
    Note.PRECISION: BUDGET_PRECISION,
}
EMITS: tuple[Rule, ...] = (
    *_NOTE_RULES.values(),
    BUDGET_TEXT,
    BUDGET_LARGE,
    BUDGET_MISSING,
    BUDGET_WITHOUT_SCHEDULE,
    TOTAL_MISMATCH,
    BUDGET_CAP,
)


_COMMA_DOUBT = "；千分位逗號的位置不對（可能是小數點），請確認金額後自行輸入"


def _how(context: Context, item: PlanItem, notes: frozenset[Note], fix: object) -> str:
    """How BUDGET_TEXT's amount gets into the cell: by --fix, unless there is none for it to write (the advice
    promised one for a formula cell, which --fix never changes, and for a comma out of place, which it
    should not guess)."""
    if fix is not None:
        return "；xltool check --fix 可自動改正"
    if Note.GROUPING in notes:
        return _COMMA_DOUBT
    if not context.fixable(item, "budget"):
        return "；這一格是公式，xltool check --fix 不會改動它，請把公式改為數字"
    return ""


def check(context: Context) -> Iterator[Finding]:
    plan = context.plan
    as_text = Decimal(0)  # the budgets typed as text, which the sheet's own =SUM leaves out
    for item, more in zip(plan.items, context.continued, strict=True):
        budget = item.budget_info
        notes = budget.notes
        # Most rows are a plain number, with no notes: asked first, as naming a note costs a lookup on its enum
        # class (Note.TEXT: 0.1 µs in Python 3.11, a third of this loop when each row named four; 10,000
        # rows: 7.4 → 3.4 ms).
        if notes and Note.TEXT in notes and budget.value:
            as_text += budget.value  # 5000元 too: BUDGET_YUAN is about that row
            if Note.UNIT_YUAN not in notes:
                # The sheet's own 合計 (=SUM) skips text: the total it shows would differ from the one xltool states.
                amount = json_number(budget.value)
                fix = amount if context.fixable(item, "budget") and Note.GROUPING not in notes else None
                yield BUDGET_TEXT.at_item(item, budget.written, fix, amount=amount, how=_how(context, item, notes, fix))
        for note, rule in _NOTE_RULES.items() if notes else ():
            if note in notes:
                how = _COMMA_DOUBT if Note.GROUPING in notes else ""  # 「5,00元」: 0.5 千元, or 0.005?
                yield rule.at_item(item, budget.written, amount=json_number(budget.value), how=how)
        if budget.value is not None and budget.value >= BUDGET_LARGE_FROM and Note.UNIT_YUAN not in notes:
            yield BUDGET_LARGE.at_item(item, budget.written)
        schedule_notes = item.schedule_info.notes
        has_schedule = not schedule_notes or ScheduleNote.EMPTY not in schedule_notes
        # A further row of a practice written over rows may leave the amount to its first row (its budget
        # cell merged down them; a merged workbook or a JSON no longer shows the merge).
        if notes and Note.EMPTY in notes and has_schedule and _own_cell(item) and not more:
            yield BUDGET_MISSING.at_item(item)
        if not has_schedule and budget.value is not None and budget.value > 0:
            yield BUDGET_WITHOUT_SCHEDULE.at_item(item, budget.written)
    added = plan.total  # once: each asking adds up every row (10,000 rows: 0.65 ms)
    total = json_number(added)
    stated = plan.stated_total
    # A 合計 short by exactly the budgets typed as text is the sheet's =SUM at work: BUDGET_TEXT says so on
    # each of those rows, and fixing them fixes the total (advice to recalculate it would be wrong).
    # A date (1/5 typed into 預算) is read as the day number the sheet's =SUM counts (budget.parse_budget), and
    # BUDGET_LARGE says so on its row: a 合計 that includes it is not the 合計's to fix.
    if stated is not None and stated.value is not None and stated.value not in (added, added - as_text):
        yield TOTAL_MISMATCH.at_plan(plan, json_number(stated.value), total=total)
    if context.budget_cap is not None and added > context.budget_cap:
        yield BUDGET_CAP.at_plan(plan, total, total=total, cap=json_number(context.budget_cap))


def _own_cell(item: PlanItem) -> bool:
    """Whether the row's budget cell is its own: one merged with the cell above holds that row's amount,
    counted once there (a practice merged under another's budget has not left its budget out)."""
    cell = item.cells.get("budget", "")
    return not cell or cell_row(cell) == item.row
