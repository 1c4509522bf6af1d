"""The plan model: one ``Plan`` of ``PlanItem`` rows flows from the reader through every command.

Each item remembers where it came from (sheet, row, and the cell of every field) so that ``check`` can
point at the cell and writers never need to look at the workbook again.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from xltool.budget import Budget, parse_budget
from xltool.form import (
    BUDGET,
    CATEGORY,
    COLUMNS,
    HEADER_COLUMNS,
    ITEM_FIELDS,
    ITEM_NUMERALS,
    LIVE,
    MONTHS,
    PERFORMANCE,
    PRINTED,
    SCHEDULE,
    SHEET_ROWS,
    SOURCE_CELL,
    SOURCE_FILE,
    SOURCE_SAVED,
    TEXT_COLUMNS,
    UNIT_WRITTEN,
    Field,
    Kind,
    Severity,
    cell_position,
    column_index,
    column_letter,
)
from xltool.schedule import Note, Schedule, date_cell, month_key, parse_schedule, year_meant
from xltool.text import one_line

if TYPE_CHECKING:
    from xltool.catalog import Catalog

# The usual PlanItem.written, shared by the rows that need none: never changed (a plain dict, because
# the merge's worker processes send items back pickled, and a mapping proxy does not pickle).
NOTHING: Mapping[str, str] = {}


# A practice's number, either way one is written: 「(三)」 or the form's 「三、」 (its numerals a group). The reader
# splits a practice's own number by them; a line of a cell starting with one starts another practice (「三、…」
# after Alt+Enter).
PAREN_NUMBER = rf"[(（]([{ITEM_NUMERALS}]+)[)）]"
PLAIN_NUMBER = rf"([{ITEM_NUMERALS}]+)\s*[、.,．，]"
NUMBERED_LINE = re.compile(PLAIN_NUMBER)
PAREN_NUMBERED_LINE = re.compile(PAREN_NUMBER)
# A practice's number at the start of its cell, as written (spaces before it, and between it and its mark).
_OWN_NUMBER = re.compile(rf"\s*(?:{PAREN_NUMBER}|{PLAIN_NUMBER})")
FIRST_STEP = re.compile(rf"[(（]\s*{ITEM_NUMERALS[0]}\s*[)）]")  # 「(一)」, on a line of its own or after a colon
# A practice numbered with digits, as hand-made plans number them: 「2.」 「2、」 or 「(2)」 (group 1 the one in
# brackets, group 2 the other), 1 to 99 with no leading zero; not an amount (「1.5 萬份」). The reader keeps a line
# break before such a line (reader._STEP).
DIGIT_NUMBERED_LINE = re.compile(r"[(（]([1-9１-９][0-9０-９]?)[)）]|([1-9１-９][0-9０-９]?)[.、．](?![0-9０-９])")


def practice_count(practice: str, number: str = "") -> int:
    """How many practices a practice text holds: the reader keeps a line break only before a numbered line,
    and a numbered line starts another practice (two practices typed in one cell). Lines numbered 「(一)」
    「(二)」 from 「(一)」 are steps of the practice, the level under 「一、」 in official documents: 「二、召開
    廉政會報：\n(一)上半年\n(二)下半年」 is one practice (counted as three, the next was told to be 「五」). A
    practice numbered 「(一)」 itself goes on to 「(二)」 in the cell, never back to 「(一)」. Steps may start on
    the practice's first line (「召開廉政會報：(一)上半年」). A practice numbered with digits, as hand-made plans
    number them, holds more when a later line is numbered as its first line is (「2.…\n3.…」); under the
    practice's own ``number`` (「一、」 split off by the reader) lines numbered 1. 2. are its points."""
    if "\n" not in practice:
        return 1
    first, *lines = practice.split("\n")
    parens = sum(1 for line in lines if PAREN_NUMBERED_LINE.match(line))
    steps = FIRST_STEP.search(practice) is not None  # the practice's own number is not in its text
    chinese = sum(1 for line in lines if NUMBERED_LINE.match(line)) + (0 if steps else parens)
    return 1 + chinese + (0 if number else _digit_numbered(first, lines))


def _digit_numbered(first: str, lines: Sequence[str]) -> int:
    """How many more practices a cell holds whose practices are numbered with digits (「2.…\n3.…」): its later
    lines numbered as its first line is, with the numbers after its own (up to 9 more). The numbers are the
    practices' only when none of those lines is numbered 1: 「1.辦理宣導：\n1.…\n2.…」 numbers the points of
    one practice afresh, as do 1. 2. under 「一、」 or 「(一)」, whose first line has no digit. The 檢查 column
    counts them the same way (live.py, n_digits): which numbers start a line, not in what order."""
    own = DIGIT_NUMBERED_LINE.match(first)
    if own is None:
        return 0
    bracketed = own.group(1) is not None
    numbers = set()
    for line in lines:
        found = DIGIT_NUMBERED_LINE.match(line)
        if found is not None and (found.group(1) is not None) == bracketed:
            numbers.add(int(found.group(1) or found.group(2)))  # at most two digits
    start = int(own.group(1) or own.group(2))
    return 0 if 1 in numbers else sum(1 for number in numbers if start < number <= start + 9)


def continued(items: Sequence[PlanItem]) -> list[bool]:
    """For each item, whether it is more rows of the practice before it (:meth:`PlanItem.continues`): one
    practice, counted, numbered and compared once."""
    more = [False] * len(items)
    for at in range(1, len(items)):
        item, before = items[at], items[at - 1]
        if item.practice and item.practice == before.practice:  # the usual row is a practice of its own
            more[at] = item.continues(before)
    return more


def practice_rows(items: Sequence[PlanItem], more: Sequence[bool] | None = None) -> list[range]:
    """The items of each practice, in order: one, or several for a practice written over rows (``more``:
    the items' :func:`continued`, when already known)."""
    starts = [at for at, further in enumerate(continued(items) if more is None else more) if not further]
    return [range(start, end) for start, end in itertools.pairwise([*starts, len(items)])]


def one_row_each(plan: Plan) -> Plan:
    """The plan with each practice written over several rows (its cell merged down them, in a hand-made
    plan) as one row: its schedules listed (108.03、09), its amounts added, a category or a performance item
    listed where its rows differ. What a new template holds (one practice, one row: import, rollover) and
    what diff compares (a row added under the practice changes its schedule, it adds no practice)."""
    rows = practice_rows(plan.items)
    if len(rows) == len(plan.items):
        return plan
    return replace(plan, items=[_joined([plan.items[at] for at in span], plan.year) for span in rows])


def _joined(rows: Sequence[PlanItem], year: int | None) -> PlanItem:
    """A practice's rows as one row: schedules listed, amounts added (a text beside them, 「另案辦理」, is
    for :func:`joined_apart` to say; all text, it is listed as written), the first category and performance
    item written (a template row holds one; two on its rows are said by :func:`joined_apart`)."""
    first = rows[0]
    if len(rows) == 1:
        return first
    amounts = [item.budget for item in rows if item.budget is not None]
    if amounts:
        budget = parse_budget(sum(amounts[1:], amounts[0]))
    else:
        budget = parse_budget(_listed(item.budget_info.written for item in rows) or None)
    category = next((item for item in rows if item.category_written or item.category), first)
    return replace(
        first,
        schedule_info=_joined_schedule([item.schedule_info for item in rows if item.schedule_info.written], year),
        budget_info=budget,
        category=category.category,
        category_written=category.category_written,
        performance=next((item.performance for item in rows if item.performance), ""),
    )


def _joined_schedule(schedules: Sequence[Schedule], year: int | None) -> Schedule:
    """A practice's schedules as one: the months each of its cells was read as, listed, and its cells' texts as
    written. The texts listed and read again lost what each cell was: the number 108.1 shown as 108.10
    (October) came back as the text 108.1, January, and import and rollover wrote 109.01. A cell that gives
    no months (the number 108.1, no format to tell) leaves the whole unread and as written, as that cell is
    on a row of its own (read as text, its 108.1 was January, unsaid); not the number's doubt itself, which
    the template answers by writing the number, and a list is none."""
    if len(schedules) == 1:  # one row written: that cell's schedule as it is (a number 108.1 stays one, and asked)
        return schedules[0]
    written = _listed(schedule.written for schedule in schedules)
    if all(schedule.ok for schedule in schedules):
        return replace(parse_schedule(_listed(schedule.text for schedule in schedules) or None, year), written=written)
    notes = frozenset().union(*(schedule.notes for schedule in schedules)) - {Note.AMBIGUOUS_NUMBER}
    return Schedule(written, written, (), notes | {Note.UNPARSED})


def joined_apart(rows: Sequence[PlanItem]) -> list[str]:
    """What joining a practice's rows into one (:func:`one_row_each`) leaves out, in zh-TW: a second category
    or performance item, a budget's text beside its amounts."""
    left = []
    for name, values in (
        (CATEGORY.name, [item.category_written or item.category for item in rows]),
        (PERFORMANCE.name, [item.performance for item in rows]),
    ):
        if len(dict.fromkeys(value for value in values if value)) > 1:
            left.append(f"{name}「{_listed(values)}」只留第一個")
    texts = [item.budget_info.written for item in rows if item.budget is None and item.budget_info.written]
    if texts and any(item.budget is not None for item in rows):
        left.append(f"預算的文字「{_listed(texts)}」沒有算進金額")
    doubt = [item.schedule_info.written for item in rows if Note.AMBIGUOUS_NUMBER in item.schedule_info.notes]
    if doubt and len(rows) > 1:  # listed with the others, it is no number, and check's words for it are not said
        left.append(f"預定進度「{_listed(doubt)}」被存成數字，無法判斷是 1 月或 10 月，照原樣寫入")
    negative = [item.budget_info.written for item in rows if item.budget is not None and item.budget < 0]
    if negative and len(rows) > 1:  # added in, the sum no longer shows check's 是負數 on its row
        left.append(f"預算有負數「{_listed(negative)}」，已照樣加進金額")
    return left


def _listed(values: Iterable[str]) -> str:
    return "、".join(dict.fromkeys(value for value in values if value))


def of_practice(
    items: Sequence[PlanItem], value: Callable[[PlanItem], str], more: Sequence[bool] | None = None
) -> list[str]:
    """Each item's ``value``, or where it has none, what its practice says on another of its rows: a category
    or a performance item written once for a practice over several rows is the practice's (not missing, nor
    （未填）, on its other rows). ``more`` is the items' :func:`continued`, when already known."""
    values = [value(item) for item in items]
    more = continued(items) if more is None else more
    if True not in more:  # each practice a row of its own (most plans): nothing to share
        return values
    for rows in practice_rows(items, more):
        if len(rows) > 1 and not all(values[at] for at in rows):
            said = next((values[at] for at in rows if values[at]), "")
            for at in rows:
                values[at] = values[at] or said
    return values


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a row of a merged workbook's 彙整 came from, as its 來源檔案, 來源儲存格, 填寫的機關名稱 and 來源存檔時間 say: merged
    again (last round's 彙整 with the units that came late), the row still points at its unit's own file."""

    file: str
    cell: str
    unit_written: str | None  # None: a 彙整 without the column (an older xltool's) does not say
    saved: str = ""  # 來源存檔時間, "YYYY-MM-DD HH:MM:SS" local (roster.saved_stamp); blank in an older 彙整


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which cost a 10,000-row
# check ~30 ms to build its items and findings. Nothing changes them once built.
@dataclass(slots=True)
class PlanItem:
    """One 具體作法 row of the form, with the goal it belongs to."""

    goal_no: str
    goal: str
    item_no: str
    practice: str
    schedule_info: Schedule = field(default_factory=lambda: parse_schedule(None))
    budget_info: Budget = field(default_factory=lambda: parse_budget(None))
    category: str = ""  # canonical name where the catalog knows it, else as written
    performance: str = ""
    remark: str = ""
    sheet: str = ""
    row: int = 0
    cells: Mapping[str, str] = field(default_factory=dict)  # field name -> A1 reference
    category_written: str = ""  # as written, so an alias can be reported
    unit: str = ""  # set on the rows of a merged workbook, which holds many units
    written: Mapping[str, str] = field(
        default_factory=dict
    )  # field -> the cell's text, where the reader tidied it (spaces, dashes)
    texts: Mapping[str, str] = field(default_factory=dict)  # a text column's key (form.TEXT_COLUMNS) -> its text
    origin: Origin | None = None  # set on the rows of a merged workbook's 彙整

    @property
    def schedule(self) -> str:
        return self.schedule_info.text

    @property
    def months(self) -> tuple[str, ...]:
        return self.schedule_info.months

    @property
    def budget(self) -> Decimal | None:
        return self.budget_info.value

    @property
    def has_practice(self) -> bool:
        """The practice cell holds something: the practice's words, or its number alone (「三、」, the words still
        to come), a practice row with no words, whose other cells are asked for as any practice's are. Taken
        for the goal's row again, its goal was said to have no practice and the row itself nothing."""
        return bool(self.practice or self.item_no)

    @property
    def goal_only(self) -> bool:
        """A goal with no practice under it, kept by the reader as a row of its own (so that it is not lost)."""
        # Asked of every row to count a plan's practices: the schedule and the budget are read only when the
        # cells before them leave it open, where both were read first for every row (10,000 rows: 1.7 → 0.9 ms).
        return bool(self.goal) and not (
            self.has_practice
            or self.category_written
            or self.performance
            or self.schedule_info.written
            or self.budget_info.written
        )

    @property
    def numbered_goal(self) -> str:
        """The goal as the form prints it: 「壹、遵行政策指引…」."""
        return f"{self.goal_no}、{self.goal}" if self.goal_no else self.goal

    @property
    def numbered_practice(self) -> str:
        """The practice as the form prints it: 「一、秉縣長…」."""
        return f"{self.item_no}、{self.practice}" if self.item_no else self.practice

    @property
    def number_written(self) -> str:
        """The practice's number as its cell writes it where the form's way is another (「(一)」, 「一.」 for
        「一、」), from ``written``; "" when it is the form's, or unknown. Printed as written (render promises
        each cell as it says), and check offers the form's way (ITEM_NUMBER_STYLE)."""
        own = self.written.get("practice") if self.written and self.item_no else None
        if own is None:  # most rows, each asked by check's numbering: 10,000 rows 3.0 → 1.3 ms
            return ""
        found = _OWN_NUMBER.match(own)
        number = found.group(0).strip() if found is not None else ""
        return "" if number == f"{self.item_no}、" else number

    def as_written(self) -> dict[str, str]:
        """Each printed cell's text as the officer wrote it: the schedule, category and performance item as
        typed (not the canonical forms check compares), a budget typed as text as typed (「5千」, 「5000元」,
        「５」, 「無」: the amount they stand for is ``budget``), a number with thousands separators. Only what
        Excel adds (``_x000D_``, stray spaces, wrapped lines) is gone."""
        budget = self.budget_info
        shown = {
            Kind.GOAL: self.numbered_goal,
            Kind.PRACTICE: f"{number}{self.practice}" if (number := self.number_written) else self.numbered_practice,
            Kind.SCHEDULE: self.schedule_info.written,
            Kind.BUDGET: amount_text(budget.value)
            if budget.value is not None and budget.typed_number
            else budget.written,
            Kind.CATEGORY: self.category_written or self.category,
            Kind.PERFORMANCE: one_line(self.written.get("performance", self.performance)),
        }
        return {c.key: self.texts.get(c.key, "") if c.kind is Kind.TEXT else shown[c.kind] for c in PRINTED}

    @property
    def cell(self) -> str:
        """The practice cell: where a person looks for this row."""
        return self.cells.get("practice", "")

    def continues(self, before: PlanItem) -> bool:
        """Whether this row is more of the practice on the row before: one practice written over several
        rows, its cell merged down them (a practice with two schedules or two budgets, in a hand-made
        plan). The reader gives each row the practice; it is one practice, numbered and counted once."""
        if not self.practice or self.practice != before.practice or self.unit != before.unit:
            return False
        if (self.goal_no, self.goal, self.item_no) != (before.goal_no, before.goal, before.item_no):
            return False  # a practice is under one goal, with one number (a JSON's copied item renumbered is two)
        return self.same_practice_cell(before)

    def same_practice_cell(self, other: PlanItem) -> bool:
        """Whether the two rows show one practice cell (merged down them), not two cells of equal text (nor
        a JSON's item copied with its cell and numbered anew)."""
        here = self._practice_source()
        return here is not None and here == other._practice_source() and self.item_no == other.item_no

    def _practice_source(self) -> tuple[str, str] | None:
        """The practice's own cell: in the unit's file for a row of a merged workbook (its 來源儲存格)."""
        if self.origin is not None:
            return (self.origin.file, self.origin.cell) if self.origin.cell else None
        return ("", self.at("practice")) if self.cells.get("practice") else None

    @property
    def where(self) -> str:
        """「計畫表!B7」: the practice cell with its sheet, or 「計畫表 第 7 列」 when the cell is unknown."""
        return self.at("practice")

    def at(self, key: str) -> str:
        """「計畫表!C7」: a field's cell with its sheet; 「計畫表 第 7 列」 where only the row is known (a JSON of an
        older xltool keeps the practice's cell alone, one made by hand maybe none)."""
        return place(self.sheet, self.cells.get(key, ""), self.row)

    def own_texts(self) -> dict[str, object]:
        """Each cell's own text where it is not what the item's tidy value says (the JSON's `written`, in the
        form's order): a schedule as typed (「108年1月至12月」 for 108.01-12), a budget typed as text (「5千」,
        「無」), a category's alias (綜合業務), a goal, practice or performance item with the spaces or dashes the
        reader took away. Check's hints (SCHEDULE_FORMAT, PRACTICE_SPACES …) and merge's copy of the cell read
        them: a JSON of the tidy values alone was checked and printed as if the officer had typed those.
        A schedule the spreadsheet stored as a number is that number (108.08, 108.1), one stored as a date
        {"date": "2019-01-12"}: their text is the tidy value or reads as one (「108.1」 as 108.01), and check of
        the JSON said nothing where check of the workbook gives SCHEDULE_NUMBER, SCHEDULE_NUMBER_AMBIGUOUS or
        SCHEDULE_DATE, each an error."""
        own: dict[str, object] = dict(self.written) if self.written else {}  # goal, practice, performance …
        schedule, budget = self.schedule_info, self.budget_info
        if schedule.notes & _STORED and (cell := _stored_cell(schedule)) is not None:  # most rows have no notes
            own[SCHEDULE.key] = cell
        elif schedule.written != schedule.text:
            own[SCHEDULE.key] = schedule.written
        # a text where a number is written (「５」, 「30」 in a text cell, which SUM skips), not the number read again;
        # the usual budget, a number, has no notes (asked first: a JSON of 240,000 practices asks each)
        if (
            budget.notes
            and budget.value is not None
            and not budget.typed_number
            and parse_budget(number(budget.value)) != budget
        ):
            own[BUDGET.key] = budget.written
        if self.category_written != self.category and self.category_written:
            own[CATEGORY.key] = self.category_written
        return {c.key: own[c.key] for c in COLUMNS if c.key in own} if own else own

    def to_dict(self) -> dict[str, Any]:
        """The fields of the form's columns (``form.ITEM_FIELDS``), then the remark and where the row is, and the
        cells' own texts where they are not the tidy values (:meth:`own_texts`)."""
        data: dict[str, Any] = {}
        for key, value in _JSON_VALUES:
            data[key] = value(self)
        data["remark"] = self.remark
        data["sheet"] = self.sheet
        data["row"] = self.row
        data["cell"] = self.cell
        data["cells"] = {key: self.cells[key] for key in _CELL_KEYS if key in self.cells}
        data["unit"] = self.unit
        if own := self.own_texts():  # only then, so a tidy plan's JSON is as it was
            data["written"] = own
        if self.origin is not None:  # a 彙整 row: only there, so a unit's own plan's JSON is as it was
            data["origin"] = {key: getattr(self.origin, name) for key, name in _ORIGIN_KEYS}
        return data


@dataclass
class Plan:
    """A unit's plan for one ROC year (108 = 2019), as read from one workbook."""

    unit: str
    year: int | None
    items: list[PlanItem]
    source: str = ""
    sheet: str = ""
    title: str = ""
    cells: dict[str, str] = field(default_factory=dict)  # where unit, year, title and 合計 were found
    year_written: str = ""  # the year cell as written (2019 is read as 108; 115.5 as no year)
    stated_total: Budget | None = None  # a 合計 written in the workbook, to compare with the sum
    marker: dict[str, str] = field(default_factory=dict)  # the template's version, year and catalog id
    links: list[str] = field(default_factory=list)  # the files the workbook's formulas link to (external links)
    notices: list[str] = field(default_factory=list)  # what the reader wants the user to know
    uncomputed: dict[str, str] = field(default_factory=dict)  # formula cells with no stored value -> field
    cell_errors: dict[str, tuple[str, str]] = field(default_factory=dict)  # cells showing #REF! etc. -> field, error
    formulas: frozenset[str] = frozenset()  # every formula cell of the plan's sheet: never "fixed" into a value
    extra_columns: dict[str, str] = field(default_factory=dict)  # header cells the form has no column for
    note_rows: dict[str, str] = field(default_factory=dict)  # a 「註：…」 row among the practices: cell -> text
    page_heads: dict[str, str] = field(default_factory=dict)  # the title again on a printed page: cell -> text
    catalog: Catalog | None = field(default=None, repr=False)  # the catalog the plan was read with
    # The 機關名稱 as the file wrote it, when the plan goes by another name (a roster's, or one taken from the
    # file's name for a blank cell): the merged workbook keeps both.
    unit_written: str | None = None
    # A copy xltool marked (check --annotate, --annotate-dir: its record of marks is in the workbook). Left in
    # an inbox unedited, it is not the unit's newer version: it was saved when the file it was made from was.
    marked_copy: bool = False
    # The hash of the workbook's bytes this plan was read from (inputs.Package.digest): a file replaced in the
    # inbox after its check gets no copy marked with findings of other contents (annotate.as_checked).
    digest: str = field(default="", compare=False, repr=False)
    # Cells merged over practice rows (a hand-made plan): such a cell is read on each row it covers.
    merged_cells: bool = False
    # A cell of the form a merged range covers that still holds a value of its own (LibreOffice's Merge Cells,
    # 「keep the contents of the hidden cells」): read as blank, as the printout shows it -> field, its text, range.
    covered: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # The practice rows the sheet hides (the sheet protected, an officer may hide rows): the officer's printout
    # leaves them out, and every command reads them, as hiding is not deleting.
    hidden_rows: tuple[int, ...] = ()
    # A merged workbook's 收件情形, as (unit, status, files, note) rows: a later round carries a unit's
    # 年度不符 or 無法讀取 on when the unit has sent nothing since.
    last_receipts: list[tuple[str, str, str, str]] = field(default_factory=list)

    def unseen(self) -> list[str]:
        """What the officer's own printout of the workbook does not show, said where a command reads or prints
        the plan as it is (read, render; check has its findings, CELL_COVERED and ROW_HIDDEN): rows hidden, which
        are read, and cells a merged range covers, which are read as blank."""
        lines = [
            f"{place(self.sheet, cell, 0)} 被合併儲存格 {merged} 蓋住，其中的「{text}」印不出來，xltool 讀成空白；請取消合併"
            for cell, (_, text, merged) in self.covered.items()
        ]
        if self.hidden_rows:
            runs = consecutive(self.hidden_rows)
            rows = "、".join("、".join(map(str, run)) if len(run) < 3 else f"{run[0]}–{run[-1]}" for run in runs)
            lines.append(
                f"{self.sheet} 第 {rows} 列是隱藏的列，仍列入檢查、彙整與列印；不要的作法請清除整列的內容，要留的請取消隱藏"
            )
        return lines

    def live_columns(self) -> list[str]:
        """The letters of the template's 檢查 column and the hidden columns after it, when the plan's
        sheet has them (the reader notes them as the span of their header row, 「G3:P3」)."""
        span = self.cells.get(LIVE.key, "")
        if not span:
            return []
        first, last = column_index(span.split(":")[0]), column_index(span.split(":")[-1])
        return [column_letter(c) for c in range(first, last + 1)]

    def is_merged(self) -> bool:
        """A merged workbook's plan: its rows name their units."""
        return any(item.unit for item in self.items)

    def units(self) -> list[str]:
        """The units the plan holds, in order: a merged workbook's rows name theirs, a unit's plan has one."""
        named = dict.fromkeys(item.unit or self.unit for item in self.items)
        return [unit for unit in named if unit] or ([self.unit] if self.unit else [])

    def row_units(self) -> dict[int, str]:
        """Each row's unit, so that a merged workbook's findings count for the unit of their row."""
        return {item.row: item.unit or self.unit for item in self.items}

    def counts_by_unit(self, findings: Iterable[Finding], whole: str | None = None) -> dict[str, tuple[int, int]]:
        """Errors and warnings per unit as its rows name it: a merged workbook's findings count for the unit of
        their row; one about no row counts for ``whole`` (default: the plan's own unit)."""
        row_unit = self.row_units()
        counts: dict[str, tuple[int, int]] = {}
        for f in findings:
            if f.severity != Severity.INFO:
                unit = row_unit.get(f.row, self.unit if whole is None else whole)
                errors, warnings = counts.get(unit, (0, 0))
                counts[unit] = (errors + (f.severity == Severity.ERROR), warnings + (f.severity == Severity.WARNING))
        return counts

    @property
    def practice_items(self) -> list[PlanItem]:
        """The plan's items but a goal left with no practice (kept so that it is not lost): what is counted."""
        return [item for item in self.items if not item.goal_only]

    @property
    def practices(self) -> int:
        """How many practices the plan has: one written over several rows (its cell merged) counts once."""
        return continued(self.practice_items).count(False)

    @property
    def total(self) -> Decimal:
        return sum((item.budget_info.value for item in self.items if item.budget_info.value is not None), _ZERO)

    @property
    def budgets_left_out(self) -> list[PlanItem]:
        """The items whose budget is written and no amount (「1萬5千元」, 「另案辦理」): ``total`` leaves them out, and
        a total said without them would look complete."""
        return [item for item in self.items if item.budget_info.left_out]

    @property
    def budgets_not_counted(self) -> int:
        return len(self.budgets_left_out)

    def totals_by_category(self) -> dict[str, Decimal]:
        return self.practice_totals()[1]

    def practice_totals(self) -> tuple[int, dict[str, Decimal]]:
        """:attr:`practices` and :meth:`totals_by_category` at once, as check's JSON and its report say both: each
        sorted out the goals left alone and worked out which rows are one practice (each 2.5 ms of 10,000 rows)."""
        # A goal with no practice has no category: it is not an unfilled one.
        items = self.practice_items
        more = continued(items)
        return more.count(False), self._totals(of_practice(items, lambda item: item.category, more), items)

    def totals_by_goal(self) -> dict[str, Decimal]:
        return self._totals([item.numbered_goal for item in self.items], self.items)

    @staticmethod
    def _totals(names: Sequence[str], items: Iterable[PlanItem]) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for name, item in zip(names, items, strict=True):
            budget = item.budget_info.value
            totals[name] = totals.get(name, _ZERO) + (budget if budget is not None else _ZERO)
        return totals

    @classmethod
    def from_dict(cls, data: object, source: str = "") -> Plan:
        """A plan from the JSON ``xltool read`` writes, so every command accepts either.

        Raises ValueError (in zh-TW) for anything that is not such a plan: the caller names the file.
        """
        if not isinstance(data, Mapping) or not isinstance(data.get("items"), list):
            raise ValueError("最外層必須是含有 items 清單的物件")
        year = data.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 0 <= year <= 9999):
            raise ValueError("year 必須是整數（民國年度）")
        written = ""
        if year is not None and year_meant(year) != year:  # 2019 or 0 typed into the JSON: read as the year cell is,
            written, year = str(year), year_meant(year)  # and told as it is (YEAR_WESTERN, YEAR_UNREADABLE)
        items = []
        damaged = False
        run: tuple[str, str, str] | None = None
        goal_cell = ""
        for number, raw in enumerate(data["items"], start=1):
            if not isinstance(raw, Mapping):
                raise ValueError(f"items 第 {number} 項不是物件")
            text = {key: _json_text(raw, key, number) for key in _JSON_TEXT_KEYS}
            damaged = _without_surrogates(text) or damaged
            row = raw.get("row", 0)
            if not isinstance(row, int) or isinstance(row, bool) or not 0 <= row <= SHEET_ROWS:
                raise ValueError(f"items 第 {number} 項的 row 必須是 0 到 {SHEET_ROWS:,} 的整數")  # a sheet's rows
            cells = _json_cells(raw.get("cells"), text["cell"], number)
            budget = _json_budget(raw.get("budget"), number)
            if isinstance(budget, str):  # a text that is no amount, as read writes it: as the other texts
                kept = {"budget": budget}
                damaged = _without_surrogates(kept) or damaged
                budget = kept["budget"]
            own, stored = _json_written(raw.get("written"), number)
            damaged = _without_surrogates(own) or damaged
            # The schedule and budget as the officer typed them, where that reads as the JSON's value: one edited
            # by hand (108.03 for a 「全年」 left beside it) is checked, printed and merged as what it now says.
            schedule = _json_schedule(text["schedule"], own.pop(SCHEDULE.key, "") if stored is None else stored, year)
            amount, typed = parse_budget(budget), own.pop(BUDGET.key, "")
            if typed and amount.value is not None and (as_typed_amount := parse_budget(typed)).value == amount.value:
                amount = as_typed_amount
            origin = None
            if (found := _json_origin(raw.get("origin"), number)) is not None:
                damaged = _without_surrogates(found) or damaged
                # 填寫的機關名稱 absent stays None: the 彙整 did not say (an older one), not a name left blank
                origin = Origin(
                    found.get(SOURCE_FILE.key, ""), found.get(SOURCE_CELL.key, ""), found.get(UNIT_WRITTEN.key),
                    found.get(SOURCE_SAVED.key, ""),
                )  # fmt: skip
            # A run of practices under one goal (unit, number and words alike, one after another) is at the goal
            # cell of its first: the cell tells two goals of the same words apart, and a JSON is edited as text
            # (a practice moved under another goal kept its old goal's cell, one typed in had none: each began a
            # goal of its own, and the numbering was wrong where the workbook's is right).
            if (goal := (text["unit"], text["goal_no"], text["goal"])) != run:
                run, goal_cell = goal, cells.get("goal", "")
            cells.pop("goal", None)
            if goal_cell:
                cells["goal"] = goal_cell
            items.append(
                PlanItem(
                    goal_no=text["goal_no"],
                    goal=text["goal"],
                    item_no=text["item_no"],
                    practice=text["practice"],
                    schedule_info=schedule,
                    budget_info=amount,
                    category=text["category"],
                    performance=text["performance"],
                    remark=text["remark"],
                    sheet=text["sheet"],
                    row=row,
                    cells=cells,
                    category_written=own.pop(CATEGORY.key, "") or text["category"],  # load_plan's guard: by the catalog
                    unit=text["unit"],
                    written=own or NOTHING,  # goal, practice, performance: load_plan's guard, as the reader reads them
                    texts={c.key: text[c.key] for c in TEXT_COLUMNS if text[c.key]},
                    origin=origin,
                )
            )
        head = {key: _json_text(data, key, 0) for key in ("unit", "file", "sheet")}
        damaged = _without_surrogates(head) or damaged
        return cls(
            unit=head["unit"],
            year=year,
            year_written=written,
            items=items,
            source=source or head["file"],
            sheet=head["sheet"],
            notices=["JSON 中有無效的字元（不成對的 UTF-16 代理字元），已以「\ufffd」代替"] if damaged else [],
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape scripts rely on (README: ``xltool read --format json``)."""
        return {
            "file": self.source,
            "unit": self.unit,
            "year": self.year,
            "sheet": self.sheet,
            "items": [item.to_dict() for item in self.items],
            "totals": {
                "budget": json_number(self.total),
                "by_category": {k: json_number(v) for k, v in self.totals_by_category().items()},
            },
        }


def budget_value(item: PlanItem) -> str | int | float | None:
    """A budget as JSON gives it: the amount, or the text as written when it is no amount (「另案辦理」), so
    that nothing typed is lost on the way through a JSON (a year rolled over from it, a diff)."""
    value = json_number(item.budget)
    return value if value is not None else (item.budget_info.written or None)


def _json_value(entry: Field) -> Callable[[PlanItem], object]:
    """How a field of a practice's JSON is read off an item: the attribute of its name, but for these."""
    if entry is MONTHS:
        return lambda item: list(item.months)
    if entry.kind is Kind.BUDGET:
        return budget_value
    if entry in TEXT_COLUMNS:
        return lambda item: item.texts.get(entry.key, "")
    return attrgetter(entry.key)


_JSON_VALUES = tuple((f.key, _json_value(f)) for f in ITEM_FIELDS)
# The JSON's texts, which from_dict reads back (the months follow from the schedule).
_JSON_TEXT_KEYS = (
    *(f.key for f in ITEM_FIELDS if f is not MONTHS and f.kind is not Kind.BUDGET), "remark", "sheet", "cell", "unit",
)  # fmt: skip


# What a schedule cell's notes say it held, where it was no text: the JSON keeps the number or the date.
_STORED = frozenset({Note.EXCEL_NUMBER, Note.DATE_VALUE})
# The fields whose own texts an item's JSON may keep (`written`): the form's columns.
_WRITTEN_KEYS = tuple(c.key for c in COLUMNS)
# The fields whose cells an item's JSON names (`cells`), in the form's order: every column the reader finds, and a
# 彙整 row's 填寫的機關名稱 (where check says its unit left its name blank).
_CELL_KEYS = (*(c.key for c in HEADER_COLUMNS), UNIT_WRITTEN.key)
# A 彙整 row's `origin` in its JSON: the keys of the 彙整's columns (form.MERGED_FIELDS) -> Origin's attributes.
# Not "saved", the JSON's own saved time, which saved.json_saved finds by its key.
_ORIGIN_KEYS = (
    (SOURCE_FILE.key, "file"), (SOURCE_CELL.key, "cell"), (UNIT_WRITTEN.key, "unit_written"), (SOURCE_SAVED.key, "saved"),
)  # fmt: skip


def _json_cells(value: object, practice: str, number: int) -> dict[str, str]:
    """An item's cells from its JSON: `cells` (field → A1 reference), as `xltool read` wrote the cells the reader
    found; `cell`, the practice's, is it where given (what scripts have always read and written). A JSON without
    `cells` (an older xltool's, or made by hand) knows the practice's cell at most: the rest are said by row.
    Keys of no column of the form are passed over (a later xltool's)."""
    cells: dict[str, str] = {}
    if value is not None:
        if not isinstance(value, Mapping):
            raise ValueError(f'items 第 {number} 項的 cells 必須是物件（各欄的儲存格，例如 {{"budget": "D4"}}）')
        for key in _CELL_KEYS:
            ref = value.get(key)
            if ref is None or ref == "":
                continue
            # a reference as read writes it: upper case, nothing around it (lower case, 「$D$4」 are refused)
            if not isinstance(ref, str) or ref != ref.strip().upper() or cell_position(ref) is None:
                raise ValueError(f"items 第 {number} 項的 cells 中 {key} 必須是儲存格位置（例如 D4）")
            cells[key] = ref
    if practice:
        cells["practice"] = practice
    return cells


def _json_written(value: object, number: int) -> tuple[dict[str, str], int | float | Schedule | None]:
    """An item's `written` from its JSON: the cells' own texts by the form's column keys (:meth:`PlanItem.own_texts`),
    and the schedule cell where the spreadsheet stored a number (a JSON number) or a date ({"date": "2019-01-12"});
    keys of no column are passed over (a later xltool's)."""
    if value is None:
        return {}, None
    if not isinstance(value, Mapping):
        raise ValueError(f'items 第 {number} 項的 written 必須是物件（儲存格原本的文字，例如 {{"schedule": "全年"}}）')
    texts, stored = {}, None
    for key in _WRITTEN_KEYS:
        text = value.get(key)
        if text is None:
            continue
        if key == SCHEDULE.key and not isinstance(text, str):
            stored = _json_stored_schedule(text, number)
            continue
        if not isinstance(text, str):
            raise ValueError(f"items 第 {number} 項的 written 中 {key} 必須是文字")
        texts[key] = text
    return texts, stored


def _stored_cell(schedule: Schedule) -> int | float | dict[str, str] | None:
    """The number (108.08, 43466) or the date ({"date": "2019-01-12"}) a schedule cell held, as its JSON keeps it;
    None for a practice's cells joined into one (diff's 「108.1、108.13」, one of them a number), which no cell held."""
    if Note.EXCEL_NUMBER in schedule.notes:
        try:
            value = Decimal(schedule.written)
        except InvalidOperation:
            return None
        return number(value) if value.is_finite() else None
    return {"date": schedule.written} if date_cell(schedule.written) == schedule else None


def _json_stored_schedule(value: object, number: int) -> int | float | Schedule:
    """`written.schedule` of a cell the spreadsheet stored as a number (108.08) or a date ({"date": "2019-01-12"})."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    date = value.get("date") if isinstance(value, Mapping) and len(value) == 1 else None
    if isinstance(date, str) and date.isascii() and date.strip():  # the text a date or time cell reads as
        return date_cell(date)
    raise ValueError(
        f'items 第 {number} 項的 written 中 schedule 必須是文字、數字或日期（例如 {{"date": "2019-01-12"}}）'
    )


def _json_schedule(shown: str, typed: str | float | Schedule, year: int | None) -> Schedule:
    """An item's schedule from its JSON: `schedule`, or the cell as the officer left it (`written`: the text typed,
    the number or the date the spreadsheet stored), while that reads as `schedule`."""
    schedule = parse_schedule(shown or None, year)
    if typed == "":
        return schedule
    as_typed = typed if isinstance(typed, Schedule) else parse_schedule(typed, year)
    if Note.AMBIGUOUS_NUMBER in as_typed.notes and as_typed.text != shown:
        as_typed = parse_schedule(typed, year, decimals=2)  # 108.1 shown as 108.10, as the reader read it by its format
    # by the canonical text, or as written where no months are read (「108.1」 is 108.01 read as a text)
    return as_typed if as_typed.text in (schedule.text, shown) else schedule


def _json_origin(value: object, number: int) -> dict[str, str] | None:
    """A 彙整 row's `origin` from its JSON, as texts by key; a key null or absent is left out (填寫的機關名稱 left
    out is a 彙整 that did not say, as an older one without the column; "" is a name left blank)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(f"items 第 {number} 項的 origin 必須是物件（彙整表的來源檔案、來源儲存格等）")
    texts = {}
    for key, _ in _ORIGIN_KEYS:
        text = value.get(key)
        if text is None:
            continue
        if not isinstance(text, str):
            raise ValueError(f"items 第 {number} 項的 origin 中 {key} 必須是文字")
        texts[key] = text
    return texts


def place(sheet: str, cell: str, row: int) -> str:
    """Where a person looks: 「計畫表!C7」; 「計畫表 第 7 列」 where only the row is known; the sheet alone for what
    is about no row (the whole plan)."""
    if cell:
        return f"{sheet}!{cell}" if sheet else cell
    if row:
        return f"{sheet} 第 {row} 列" if sheet else f"第 {row} 列"
    return sheet


def _json_text(data: Mapping[str, Any], key: str, number: int) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        where = f"items 第 {number} 項的 " if number else ""
        raise ValueError(f"{where}{key} 必須是文字")
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(texts: dict[str, str]) -> bool:
    """Replace lone surrogates (``"\\ud800"`` in a JSON file) with U+FFFD, in place; whether there were any.

    A lone surrogate is no character at all: no workbook, document or CSV can hold one, and every writer
    would stop on it. U+FFFD is what a reader shows for a character it cannot read.
    """
    found = False
    for key, text in texts.items():
        if not text.isascii() and _SURROGATE.search(text):
            texts[key] = _SURROGATE.sub("\ufffd", text)
            found = True
    return found


def _json_budget(value: object, number: int) -> object:
    if value is None or (isinstance(value, (str, int, float)) and not isinstance(value, bool)):
        return value
    raise ValueError(f"items 第 {number} 項的 budget 必須是數字或文字")


def month_columns(year: int | None, plans: Iterable[Plan]) -> list[str]:
    """The plan year's twelve months, plus any later months a schedule runs on into: the columns of a
    month grid (the printout's Gantt sheet, the merged workbook's months table)."""
    months = {m for plan in plans for item in plan.items for m in item.months}
    base = year if year is not None else min((int(m.split(".")[0]) for m in months), default=0)
    columns = [month_key(base, m) for m in range(1, 13)]
    return columns + sorted(m for m in months if m not in columns and int(m.split(".")[0]) > base)


def number(value: Decimal) -> int | float:
    """A Decimal as a plain number: whole amounts stay integers so 1865 never prints as 1865.0.

    Past 2**53 a whole amount is a float too: that is all the precision Excel and JSON readers keep,
    and the JSON writer takes no integer wider than 64 bits.
    """
    if value == value.to_integral_value() and abs(value) < _EXACT:
        return int(value)
    return float(value)


def consecutive(numbers: Iterable[int]) -> list[list[int]]:
    """The numbers in order, in runs of consecutive ones (rows 6, 7, 8 and 12 → [[6, 7, 8], [12]]): how a list of
    rows is said (「F7、F17–F27」, 「第 6–8、12 列」)."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def amount_text(value: Decimal) -> str:
    """An amount as the form prints it, in words a reader reads (1,865; 2.5), exact at any size: through
    :func:`number` an amount past 2**53 printed as 「1e+16」 in the DOCX, the report and the notes, where the
    printout's cell shows every digit."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


_EXACT = Decimal(2**53)
_ZERO = Decimal(0)


def json_number(value: Decimal | None) -> int | float | None:
    return None if value is None else number(value)


# Not frozen, as PlanItem; and without __slots__, because orjson writes a dataclass that keeps its
# fields in __dict__ four times faster, and a large check has tens of thousands of findings.
@dataclass
class Finding:
    """One problem ``check`` found, located at a cell, in words the officer reads (zh-TW)."""

    code: str  # stable, English: scripts match on it
    severity: Severity  # a StrEnum: JSON and scripts see "error", "warning", "info"
    sheet: str
    cell: str  # A1 reference, "" when the problem has no single cell
    row: int
    column: str  # the form's column name, e.g. 預定進度
    value: str  # the cell's content as written
    message: str
    hint: str = ""
    field: str = ""  # the field the rule is about, in English (schedule, budget …): what a script matches on
    fix: str | int | float | None = None  # the value --fix writes, when the correction is beyond dispute

    @property
    def where(self) -> str:
        """Where a person looks: 「計畫表!B7」; 「計畫表 第 7 列」 where only the row is known (a JSON plan without
        its cells); the sheet for a finding about the whole plan."""
        return place(self.sheet, self.cell, self.row)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "hint": self.hint,
            "field": self.field,
            "fix": self.fix,
        }


@dataclass
class FileResult:
    """One input's outcome: its plan and findings, or why it could not be read."""

    file: str
    plan: Plan | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str = ""
    error_code: str = ""  # an errors.ErrorCode, for scripts

    def count(self, severity: Severity) -> int:
        # list.count compares in C: a large plan has tens of thousands of findings
        return [f.severity for f in self.findings].count(severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)


@dataclass
class Table:
    """A titled table of figures for a person to print (the merged workbook's 統計); when ``total`` is
    set, the last row is the 合計 of the rows above it."""

    title: str
    header: list[str]
    rows: list[list[object]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    total: bool = False
    note: str = ""  # a line under the table: what its figures leave out


class Share(Decimal):
    """A part of a whole (相同比例 0.97), written as a number shown as a percentage: stored as the text
    「97%」 it sorted 「100%」 before 「87%」."""


@dataclass
class Summary:
    """The 統計 of a merge: its tables, and the budget per category that the chart draws."""

    tables: list[Table]
    chart: tuple[list[str], list[Decimal]]
