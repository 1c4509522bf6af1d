"""Next year's plan from this year's: the same goals and practices in a fresh locked template, every
schedule moved on by the year difference, and what the new year leaves to fix, as check's findings on the
new plan (check's codes and words): items the new year's catalog no longer has and schedules that could not
be moved, budgets read as no amount and kept as written (all marked in the new workbook), and old years
the text still names (listed only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from xltool.catalog import Catalog
from xltool.catalogs import load_catalog
from xltool.checks import Rule, carryover, check_plan
from xltool.checks.category import CATALOG
from xltool.checks.rules import BUDGET_NOT_NUMBER, UNIT_MISSING
from xltool.checks.schedule import UNREADABLE
from xltool.errors import ErrorCode, InputError, XltoolError
from xltool.form import COLUMN_AT, FIELD_NAMES, FINDING_NOTE, PLAN_SHEET, SEVERITY_WORDS, cell_ref
from xltool.model import NOTHING, Finding, Plan, PlanItem, joined_apart, number, one_row_each, practice_rows
from xltool.outputs import WORKBOOK, Outputs
from xltool.pipeline import load_plan, write_template
from xltool.schedule import LAST_YEAR, canonical, parse_schedule
from xltool.template import FIRST_ROW, UNIT_CELL, YEAR_CELL

GONE = CATALOG  # categories and performance items the new year's catalog lacks: marked
UNMOVED = UNREADABLE  # schedules that give no months, kept as written: marked
# Budgets check reads no amount in (「1萬5千元」), kept as written in the number-only cell: marked, as a schedule
# kept is (check's first error on the new file, and what the officer opening it must find); import lists them.
KEPT = (BUDGET_NOT_NUMBER,)
UNNAMED = (UNIT_MISSING,)  # a plan without its 機關名稱: listed at the new template's B2 (import lists it too)
OLD_YEARS = carryover.EMITS  # years before the new one that the goals and practices name: listed only


@dataclass
class RolloverReport:
    items: int
    old_year: int
    new_year: int
    catalog_notice: str = ""
    # check's findings on the new plan (GONE, UNMOVED, KEPT, UNNAMED, OLD_YEARS)
    findings: list[Finding] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # zh-TW lines: what was written the form's way instead
    notices: list[str] = field(default_factory=list)  # zh-TW lines: what reading this year's plan had to say
    dropped: list[str] = field(default_factory=list)  # zh-TW lines: what the template has no place for

    @property
    def gone(self) -> list[Finding]:
        return of(self.findings, GONE)

    @property
    def unmoved(self) -> list[Finding]:
        return of(self.findings, UNMOVED)

    @property
    def kept(self) -> list[Finding]:
        return of(self.findings, KEPT)

    @property
    def unnamed(self) -> list[Finding]:
        return of(self.findings, UNNAMED)

    @property
    def mentions(self) -> list[Finding]:
        return of(self.findings, OLD_YEARS)


def of(findings: Sequence[Finding], rules: Sequence[Rule]) -> list[Finding]:
    """The findings of these rules, in their order."""
    codes = {rule.code for rule in rules}
    return [finding for finding in findings if finding.code in codes]


def shift_schedule(item: PlanItem, years: int, new_year: int) -> PlanItem:
    """The item with its months moved by ``years`` (108.10-109.03 → 109.10-110.03); unread text stays.
    Refused past 999: the form's years have three digits (108.10-109.03 moved into 999 was kept as
    「999.10-1000.03」, marked unreadable in the new file, and check called it so), for rollover and import alike."""
    schedule = item.schedule_info
    if not schedule.ok:
        return item
    months = [(int(y) + years, int(m)) for y, m in (key.split(".") for key in schedule.months)]
    if (last := max((y for y, _ in months), default=0)) > LAST_YEAR:
        raise XltoolError(
            f"--year {new_year}：{item.at('schedule')} 的預定進度「{item.schedule}」會推移到民國 {last} 年，"
            f"表單的年度最多到 {LAST_YEAR} 年，無法推移",
            code=ErrorCode.USAGE,
        )
    return replace(item, schedule_info=parse_schedule(canonical(months), new_year))


def in_template(items: Sequence[PlanItem]) -> list[PlanItem]:
    """The items where the new template writes them, a row each and a goal on its first practice's row:
    what rollover marks and reports is in the new file, where a hand-made sheet's cells (107計畫!H13)
    named places the officer would not find."""
    placed, previous, goal_cell = [], None, ""
    for offset, item in enumerate(items):
        row = FIRST_ROW + offset
        if (item.goal_no, item.goal) != previous:  # as the template writes it (template._row_values)
            previous, goal_cell = (item.goal_no, item.goal), cell_ref(row, COLUMN_AT["goal"])
        cells = {
            key: goal_cell if key == "goal" else cell_ref(row, COLUMN_AT[key]) for key in item.cells if key in COLUMN_AT
        }
        placed.append(replace(item, sheet=PLAN_SHEET, row=row + 1, cells=cells))
    return placed


def in_catalog(item: PlanItem, catalog: Catalog) -> PlanItem:
    """The item with its category by the new year's name for it: a catalog that renames a category keeps
    the old name as an alias, and the old name is not in the new template's dropdown."""
    known = catalog.category(item.category)
    return replace(item, category=known.name) if known is not None and known.name != item.category else item


def carried(plan: Plan, items: Sequence[PlanItem], year: int, catalog: Catalog) -> Plan:
    """The plan as the new template will hold it, for check to judge against the new year and catalog: each
    category as the template writes it (its name, not the alias typed last year), every text tidied.
    The findings name its cells: the items' where ``items`` has them (:func:`in_template`), and the unit's
    and year's the template's (B2: a hand-made sheet with no 機關名稱 had it said of its own sheet, 「Sheet」)."""
    moved = [replace(item, category_written=item.category, written=NOTHING) for item in items]
    head = {"unit": UNIT_CELL, "year": YEAR_CELL}
    return Plan(plan.unit, year, moved, source=plan.source, sheet=PLAN_SHEET, cells=head, catalog=catalog)


def marks(findings: Sequence[Finding], items: Sequence[PlanItem]) -> dict[tuple[int, str], str]:
    """The template's marks for these findings: (item index, field) → the finding's note, as a checked
    copy words it."""
    index = {item.row: i for i, item in enumerate(items)}
    notes: dict[tuple[int, str], str] = {}
    for f in findings:
        note = FINDING_NOTE.format(severity=SEVERITY_WORDS[f.severity], message=f.message, hint=f.hint)
        key = (index[f.row], f.field)
        notes[key] = f"{notes[key]}\n{note}" if key in notes else note
    return notes


def rollover(
    source: str | Path,
    out: str | Path,
    *,
    year: int,
    catalog: Catalog | None = None,
    outputs: Outputs | None = None,
) -> RolloverReport:
    guard = outputs or Outputs()
    guard.add_inputs([source])
    guard.reserve(out, WORKBOOK)
    plan = one_unit(load_plan(source), source, "rollover")
    if plan.year is None:
        raise InputError("原檔沒有寫計畫年度，無法推算新年度的預定進度", source, code=ErrorCode.INPUT_NO_YEAR)
    if year <= plan.year:  # 108 → 107 moved every month back a year, 108 → 108 none: neither is a next year
        raise XltoolError(
            f"--year {year} 不在原計畫的 {plan.year} 年度之後；要把計畫搬進新範本而不推移年度，請用 xltool import",
            code=ErrorCode.USAGE,
        )
    catalog = catalog or load_catalog(year)
    joined = one_row_each(plan)
    items = [in_catalog(shift_schedule(item, year - plan.year, year), catalog) for item in joined.items]
    items = in_template(items)
    found = check_plan(
        carried(plan, items, year, catalog), catalog, year=year, rules=(*GONE, *UNMOVED, *KEPT, *UNNAMED, *OLD_YEARS)
    )
    report = RolloverReport(
        plan.practices, plan.year, year, catalog.notice, found,
        [*one_row_lines(plan, joined, items), *written_the_forms_way(joined.items, items)], read_notices(plan),
        left_behind(plan),
    )  # fmt: skip
    flagged = marks(of(found, (*GONE, *UNMOVED, *KEPT)), items)
    write_template(out, year=year, unit=plan.unit, catalog=catalog, items=items, marks=flagged, outputs=guard)
    return report


def one_row_lines(plan: Plan, joined: Plan, moved: Sequence[PlanItem]) -> list[str]:
    """What joining a practice's rows into one (:func:`~xltool.model.one_row_each`) did, in zh-TW lines: the
    template holds a practice a row, and a practice merged down rows was three practices there, failing check;
    and, practice by practice, what one row could not hold (a second category, a budget's words). Each said
    as ``moved``, the joined items as the new template holds them, at their cells (as
    :func:`written_the_forms_way` says them)."""
    if joined is plan:
        return []
    spans = [(span, moved[n]) for n, span in enumerate(practice_rows(plan.items)) if len(span) > 1]
    one = spans[0][1]
    budget = one.as_written()["budget"] or "（空白）"
    lines = [
        f"{len(spans)} 項寫在多列的具體作法（儲存格向下合併）各寫成一列：例如 {one.at('practice')} "
        f"的預定進度寫成「{one.schedule}」，預算 {budget}；請確認。"
    ]
    for span, item in spans:
        if apart := joined_apart([plan.items[at] for at in span]):
            lines.append(f"{item.at('practice')} 的各列：{'；'.join(apart)}，請確認。")
    return lines


def left_behind(plan: Plan) -> list[str]:
    """What a new template has no place for (zh-TW lines): a hand-made sheet's own columns (承辦人, 備註),
    each practice's remark, the notes among its rows (註：…) and the title a printed page repeats; said by
    import and rollover alike (rollover left them out unsaid)."""
    lines = [f"欄位「{name}」（{cell}）範本沒有對應的欄位，內容未搬移。" for name, cell in plan.extra_columns.items()]
    lines += [f"{item.where} 的備註「{item.remark}」範本沒有對應的欄位，未搬移。" for item in plan.items if item.remark]
    lines += [
        f"{plan.sheet}!{cell} 的「{text}」是附註，不是計畫目標，未搬移。" for cell, text in plan.note_rows.items()
    ]
    lines += [
        f"{plan.sheet}!{cell} 的「{text}」是換頁時重複的標題，不是計畫目標，未搬移。"
        for cell, text in plan.page_heads.items()
    ]
    return lines


def read_notices(plan: Plan) -> list[str]:
    """What reading the old plan had to say, but for its year's catalog: the new template's catalog is the one
    to speak of (「沒有 N 年度的分類清單…」 was said for the old year and again for the new, or by import only
    for the old one, whose list the new template does not use)."""
    said = plan.catalog.notice if plan.catalog is not None else ""
    return [line for line in plan.notices if line != said]


def one_unit(plan: Plan, source: str | Path, command: str) -> Plan:
    """A plan of one unit, or one line refusing a merged workbook of several: its units' goals run one
    after another, and a template made of it would be no unit's plan."""
    units = plan.units()
    if plan.is_merged() and len(units) > 1:
        raise InputError(
            f"這是 xltool merge 產生的彙整檔（{len(units)} 個單位），不是一個單位的計畫；"
            f"請對各單位自己的檔案執行 xltool {command}",
            source,
            code=ErrorCode.INPUT_MERGED,
        )
    return plan


def written_the_forms_way(items: Sequence[PlanItem], moved: Sequence[PlanItem] | None = None) -> list[str]:
    """What a new template holds otherwise than the sheet it was made from had it (import, rollover), because
    it writes the form's way: a schedule in the form's notation (「108年1月至12月」, 「全年」→「108.01-12」), a
    category by its name (「綜合業務」→「綜合規劃業務」), a budget typed as text as a number (「5千」→ 5). One line
    a column: how many cells, and the first, as the new template holds it and where (``moved``: the items
    moved on to the new year and its catalog, in rollover at the new file's cells: the old sheet's, E4 for a
    category the new file has in E5, sent the officer to another practice's cell)."""
    changed: dict[str, list[tuple[str, str, str]]] = {}
    for item, new_item in zip(items, moved or items, strict=True):
        budget = item.budget_info
        amount = str(number(budget.value)) if budget.value is not None else budget.written
        # As written, what it is the form's way (a year moved on is no change of way; a category renamed by
        # the new year's catalog is), and as the new template holds it.
        cells = {
            "schedule": (item.schedule_info.written, item.schedule, new_item.schedule),
            "category": (item.category_written, new_item.category, new_item.category),
            "budget": (budget.written, amount, amount),
        }
        for key, (written, formal, new) in cells.items():
            if written.strip() and written.strip() != formal:
                changed.setdefault(key, []).append((new_item.cells.get(key, ""), written, new))
    return [
        f"{len(cells)} 格{FIELD_NAMES[key]}改為表單的寫法，例如 {cells[0][0]}「{cells[0][1]}」→「{cells[0][2]}」。"
        for key, cells in changed.items()
    ]
