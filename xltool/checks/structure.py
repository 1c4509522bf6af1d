"""The plan's shape: unit and year, numbering of goals and practices, and the goal-setting principles
of 填表說明 二 (few, concise, concrete and quantified goals)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from xltool.checks.context import Context
from xltool.checks.rules import (
    CELL_COVERED,
    CELL_ERROR,
    FORMULA_NO_VALUE,
    GOAL_MISSING,
    GOAL_NUMBER_MISSING,
    GOAL_NUMBER_ORDER,
    GOAL_SPACES,
    GOAL_TOO_LONG,
    GOAL_WITHOUT_PRACTICE,
    GOALS_FOLLOW,
    GOALS_TOO_MANY,
    ITEM_NUMBER_MISSING,
    ITEM_NUMBER_ORDER,
    ITEM_NUMBER_STYLE,
    ITEMS_FOLLOW,
    NO_ITEMS,
    PRACTICE_AFTER_TOTAL,
    PRACTICE_DUPLICATE,
    PRACTICE_MISSING,
    PRACTICE_NOT_QUANTIFIED,
    PRACTICE_SPACES,
    PRACTICE_TWO,
    ROW_HIDDEN,
    TEMPLATE_OUTDATED,
    TEMPLATE_SHEET_ALONE,
    TITLE_YEAR_MISMATCH,
    UNIT_MISSING,
    YEAR_MISMATCH,
    YEAR_MISSING,
    YEAR_UNREADABLE,
    YEAR_WESTERN,
    Rule,
)
from xltool.form import (
    FIELD_NAMES,
    GOAL_NUMERALS,
    ITEM_NUMERALS,
    LIVE,
    TEMPLATE_VERSION,
    UNIT_WRITTEN,
    cell_row,
    chinese_number,
    numbered_with,
    numeral_value,
    parse_title,
    whole,
    year_number,
)
from xltool.model import Finding, Plan, PlanItem, continued, practice_count
from xltool.schedule import ROC_OFFSET
from xltool.text import clean, squash

# A number with a unit of count: 3 場, 二次, 100 人, 4 件 … (目標設定應力求具體及量化). One digit before
# the unit is enough to find one, and much quicker to search for than a run of them.
_QUANTITY = re.compile(
    r"[0-9０-９一二三四五六七八九十百千兩]\s*(?:場|次|件|人|份|家|所|案|處|篇|則|期|梯|小時|個|項|%|％|成|堂|班)"
)

# A goal numbered as practices are (一、 (一) 1.) and a practice numbered as goals are (壹、) or in Arabic
# digits (1. 1、 (1)): what hand-made plans moved in with `xltool import` usually hold.
_GOAL_AS_OTHERS = numbered_with(ITEM_NUMERALS)
_ITEM_AS_OTHERS = numbered_with(GOAL_NUMERALS)


_HEADING = (
    NO_ITEMS,
    UNIT_MISSING,
    YEAR_MISSING,
    YEAR_UNREADABLE,
    YEAR_WESTERN,
    YEAR_MISMATCH,
    TITLE_YEAR_MISMATCH,
    FORMULA_NO_VALUE,
    CELL_ERROR,
    CELL_COVERED,
    ROW_HIDDEN,
    TEMPLATE_OUTDATED,
    TEMPLATE_SHEET_ALONE,
    PRACTICE_AFTER_TOTAL,
)
_NUMBERING = (
    GOAL_MISSING,
    GOAL_NUMBER_MISSING,
    GOAL_NUMBER_ORDER,
    GOAL_WITHOUT_PRACTICE,
    PRACTICE_MISSING,
    ITEM_NUMBER_MISSING,
    ITEM_NUMBER_ORDER,
    ITEM_NUMBER_STYLE,
    PRACTICE_TWO,
)
_PRINCIPLES = (GOALS_TOO_MANY, GOAL_TOO_LONG, PRACTICE_DUPLICATE, PRACTICE_NOT_QUANTIFIED)
_SPACES = {"goal": GOAL_SPACES, "practice": PRACTICE_SPACES}
EMITS: tuple[Rule, ...] = (*_HEADING, *_NUMBERING, *_PRINCIPLES, *_SPACES.values())


def check(context: Context) -> Iterator[Finding]:
    # Which plan each row is of, and each plan's rows, worked out once for all that ask (three times and
    # twice, they were 6 ms of a 10,000-row plan's 40 here).
    plans = _plans_of(context.plan.items)
    units = _units(context.plan.items, plans)
    yield from _heading(context, units)
    yield from _numbering(context, plans)
    yield from _principles(context, units)
    yield from spaces(context)


def western_year(written: str) -> str:
    """The western year a year cell holds (2019, 「2019年度」 pasted as text), which the reader took as its
    ROC year; "" when it holds none."""
    number = year_number(squash(written))
    return str(number) if number is not None and number > ROC_OFFSET else ""


def _heading(context: Context, units: list[list[PlanItem]]) -> Iterator[Finding]:
    plan, catalog = context.plan, context.catalog
    if not plan.items:
        yield NO_ITEMS.at_plan(plan)
    if not plan.unit and not (plan.items and all(item.unit for item in plan.items)):
        yield UNIT_MISSING.at_plan(plan)
    yield from _units_left_blank(plan, units)
    if plan.year is None and plan.year_written:  # 「115.5」, 「明年」: filled, but with no year it says
        yield YEAR_UNREADABLE.at_plan(plan, plan.year_written)
    elif plan.year is None:
        yield YEAR_MISSING.at_plan(plan)
    elif western := western_year(plan.year_written):
        yield YEAR_WESTERN.at_plan(plan, western, year=plan.year)
    elif context.year is not None and plan.year != context.year:
        yield YEAR_MISMATCH.at_plan(plan, plan.year, year=context.year)
    title = parse_title(plan.title)
    computed = plan.cells.get("title") in plan.formulas  # the template's title is a formula of the year cell
    if title is not None and plan.year is not None and title[1] != plan.year and not computed:
        yield TITLE_YEAR_MISMATCH.at_plan(plan, plan.title, title_year=title[1], year=plan.year)
    for cell, key in plan.uncomputed.items():
        yield FORMULA_NO_VALUE.at_cell(plan, cell, field=FIELD_NAMES.get(key, key))
    for cell, (key, shown) in plan.cell_errors.items():
        yield CELL_ERROR.at_cell(plan, cell, shown, field=FIELD_NAMES.get(key, key))
    for cell, (key, text, merged) in plan.covered.items():
        yield CELL_COVERED.at_cell(plan, cell, text, field=FIELD_NAMES.get(key, key), range=merged)
    if plan.hidden_rows:
        practices = {item.row: item.cells.get("practice", "") for item in plan.items}
        for row in plan.hidden_rows:
            yield ROW_HIDDEN.at_cell(plan, practices[row])
    if after := plan.cells.get("after_total"):
        yield PRACTICE_AFTER_TOTAL.at_cell(plan, after, row=cell_row(after))
    version, catalog_id = plan.marker.get("template_version"), plan.marker.get("catalog")
    if version and version != TEMPLATE_VERSION:
        yield TEMPLATE_OUTDATED.at_plan(plan, version, what=f"範本版本 {version}，目前為 {TEMPLATE_VERSION}")
    elif catalog_id and catalog_id != catalog.id:
        made = plan.marker.get("catalog_year")
        what = (
            f"範本用的是 {made} 年度的清單，目前是 {catalog.year} 年度的清單"
            if made and made != str(catalog.year)
            else f"清單 {catalog_id}，目前使用 {catalog.id}"
        )
        yield TEMPLATE_OUTDATED.at_plan(plan, catalog_id, what=what)
    # A 檢查 column and no marker sheet: the plan sheet alone, copied out of a template (every template with the
    # column has had the marker). A hand-made plan has neither.
    if LIVE.key in plan.cells and not plan.marker:
        named = "、".join(f"「{book}」" for book in plan.links)
        links = f"；活頁簿還連結到另一個檔案{named}（外部連結），收件單位開啟時會看到安全性警告" if named else ""
        yield TEMPLATE_SHEET_ALONE.at_plan(plan, links=links)


class _Numbered(NamedTuple):
    """A goal or a practice in its sequence: where it stands (1, 2 …) and how far off its number is.
    (A tuple: one is made for every row, and a frozen dataclass costs three times as much to make.)"""

    item: PlanItem
    written: str  # the number as written ("" when there is none)
    position: int
    offset: int | None  # written - position; None when the number stands for nothing


def _plans_of(items: Sequence[PlanItem]) -> list[tuple[str, str]]:
    """Which plan each row is of: its unit, and in a merged workbook the unit's file it came from (來源檔案;
    a row whose cell was cleared goes with the row above). A unit that sent its plan as two files (本文 and
    附表, merged with --allow-duplicate-units) numbered each file's goals from 壹, as the first round checked
    them; read back together in the next round, the second file's 壹 was told to be 參, and the unit chased
    for an error in neither file."""
    plans: list[tuple[str, str]] = []
    # A unit's first row whose cell was cleared has no row above: it goes with the unit's first file (it began a
    # plan of its own, whose 壹 the next row's 貳 followed: 「貳」應為「壹」).
    files: dict[str, str] = {}
    for item in reversed(items):
        if item.origin is not None and item.origin.file:
            files[item.unit] = item.origin.file
    for item in items:
        file = item.origin.file if item.origin is not None else ""
        files[item.unit] = file = file or files.get(item.unit, "")
        plans.append((item.unit, file))
    return plans


def _units(items: Sequence[PlanItem], plans: Sequence[tuple[str, str]]) -> list[list[PlanItem]]:
    """The rows of each plan :func:`_plans_of` tells apart (``plans``; a plan that is not merged: all its rows)."""
    units: dict[tuple[str, str], list[PlanItem]] = {}
    for item, plan in zip(items, plans, strict=True):
        units.setdefault(plan, []).append(item)
    return list(units.values())


def _units_left_blank(plan: Plan, units: list[list[PlanItem]]) -> Iterator[Finding]:
    """A merged workbook's unit whose file left 機關名稱 blank, at its first row's 填寫的機關名稱: its 單位 cells
    hold the name it was told by (its file's name), so only that column still says the file named none. Said
    here, the next round counting the unit from this 彙整 still finds the error its file had, and chases it
    until it sends its name. A 彙整 without the column (an older xltool's) cannot tell (its rows' unit_written is
    None), and says nothing. The cell is on the row (PlanItem.cells), so the 彙整's JSON says it there too."""
    for items in units:
        if all(item.origin is not None and item.origin.unit_written == "" for item in items):
            finding = UNIT_MISSING.at_cell(plan, items[0].cells.get(UNIT_WRITTEN.key, ""))
            finding.row = items[0].row  # a JSON made by hand may name no cell: its row still counts for its unit
            yield finding


def _numbering(context: Context, plans: Sequence[tuple[str, str]]) -> Iterator[Finding]:
    """Goals numbered 壹、貳… and each goal's practices 一、二…, blamed at the fewest cells: a number off
    by the same amount as the one before it is part of one slip (a skipped or repeated number shifts
    the rest of a goal), reported once at its first cell, with the message saying the ones after it
    must follow. Following every message gives a correct sequence. A cell holding two practices
    (Alt+Enter) counts as two."""
    goals: list[_Numbered] = []
    practices: list[_Numbered] = []
    goal_key: tuple[str, str, str] | None = None
    unit: tuple[str, str] = ("", "")
    counted = 0  # practices so far in the goal
    items = context.plan.items
    for item, more, plan in zip(items, context.continued, plans, strict=True):
        if more:
            continue  # more rows of the practice above (its cell merged down them): numbered there
        if plan != unit:  # a merged workbook numbers each unit's goals afresh
            yield from _runs(practices, ITEM_NUMBER_ORDER, ITEM_NUMERALS)
            yield from _runs(goals, GOAL_NUMBER_ORDER, GOAL_NUMERALS)
            # and its goal begins a goal, though the plan before ended with one of the same words (a unit's 本文
            # and 附表 both at 壹、落實廉政宣導, which the reader reads on as one goal): 附表's 一 was told to be 四
            unit, goals, practices, goal_key, counted = plan, [], [], None, 0
        key = (item.goal_no, item.goal, item.cells.get("goal", ""))
        if key != goal_key:
            yield from _runs(practices, ITEM_NUMBER_ORDER, ITEM_NUMERALS)
            goal_key, practices, counted = key, [], 0
            if not item.goal:
                yield GOAL_MISSING.at_item(item)
            if item.goal or item.goal_no:  # 「參、」 with no words is still the third goal: the next is not blamed
                position = len(goals) + 1
                if not item.goal_no:
                    expected = chinese_number(position, GOAL_NUMERALS)
                    fix = _restyled(item.goal, position, expected, _GOAL_AS_OTHERS, ITEM_NUMERALS)
                    fix = fix if fix and context.fixable(item, "goal") else None
                    yield GOAL_NUMBER_MISSING.at_item(item, item.goal, fix, expected=expected)
                goals.append(_numbered(item, item.goal_no, GOAL_NUMERALS, position))
        if not item.practice:
            yield (GOAL_WITHOUT_PRACTICE if item.goal_only else PRACTICE_MISSING).at_item(item)
            if item.item_no:  # 「二、」 with no words is still the second practice
                counted += 1
                practices.append(_numbered(item, item.item_no, ITEM_NUMERALS, counted))
            continue
        position, count = counted + 1, practice_count(item.practice, item.item_no)
        counted += count
        if not item.item_no:
            expected = chinese_number(position, ITEM_NUMERALS)
            fix = _restyled(item.practice, position, expected, _ITEM_AS_OTHERS, GOAL_NUMERALS) if count == 1 else None
            fix = fix if fix and context.fixable(item, "practice") else None
            yield ITEM_NUMBER_MISSING.at_item(item, item.practice, fix, expected=expected)
        elif number := item.number_written:  # 「(一)」 for 「一、」: read as 一, but not the form's way
            fix = f"{item.item_no}、{item.practice}" if count == 1 and context.fixable(item, "practice") else None
            yield ITEM_NUMBER_STYLE.at_item(item, number, fix, expected=item.item_no)
        practices.append(_numbered(item, item.item_no, ITEM_NUMERALS, position))
        if count > 1:
            yield PRACTICE_TWO.at_item(item, item.practice, count=count)
    yield from _runs(practices, ITEM_NUMBER_ORDER, ITEM_NUMERALS)
    yield from _runs(goals, GOAL_NUMBER_ORDER, GOAL_NUMERALS)


def _restyled(text: str, position: int, expected: str, styled: re.Pattern[str], numerals: str) -> str | None:
    """The text numbered as the form numbers it, when it was numbered the other way for the same place
    (「一、推動廉政」 as the first goal → 「壹、推動廉政」; 「1.辦理宣導」 as the first practice → 「一、辦理宣導」): a change
    beyond dispute, which --fix makes. A number that stands for another place is left to the officer."""
    found = styled.match(text)
    if found is None or not text[found.end() :]:
        return None
    written = found.group(1) or found.group(2)
    value = whole(written) if written.isdecimal() else numeral_value(written, numerals)
    return f"{expected}、{text[found.end() :]}" if value == position else None


# A number in its place, as almost every number is: _runs reads no more of it than its offset, 0, so this one
# entry stands for all of them (a _Numbered made for each, 0.6 µs a row: a 10,000-row check's numbering took
# 16 ms with them, 12.5 without).
_IN_PLACE = _Numbered(PlanItem(goal_no="", goal="", item_no="", practice=""), "", 0, 0)


def _numbered(item: PlanItem, written: str, numerals: str, position: int) -> _Numbered:
    value = numeral_value(written, numerals)
    if value == position:
        return _IN_PLACE
    return _Numbered(item, written, position, value - position if value is not None else None)


def _runs(sequence: list[_Numbered], rule: Rule, numerals: str) -> Iterator[Finding]:
    """The first number of each run of numbers off by the same amount (none written: reported apart)."""
    follow = GOALS_FOLLOW if numerals == GOAL_NUMERALS else ITEMS_FOLLOW
    for i, entry in enumerate(sequence):
        if not entry.written or entry.offset == 0:
            continue
        if entry.offset is not None and i > 0 and sequence[i - 1].offset == entry.offset:
            continue  # the same slip as the number above: reported there
        following = sequence[i + 1] if i + 1 < len(sequence) else None
        rest = follow if entry.offset is not None and following is not None and following.offset == entry.offset else ""
        expected = chinese_number(entry.position, numerals)
        yield rule.at_item(entry.item, entry.written, expected=expected, rest=rest)


def _principles(context: Context, units: list[list[PlanItem]]) -> Iterator[Finding]:
    """Per unit (a merged workbook holds many): few and concise goals, no repeated practice."""
    catalog = context.catalog
    for items in units:
        goals: dict[tuple[str, str, str], PlanItem] = {}
        for item in items:
            if item.goal or item.goal_no:  # 「參、」 alone is a goal, as numbering counts it
                goals.setdefault((item.goal_no, item.goal, item.cells.get("goal", "")), item)
        for number, item in enumerate(goals.values(), start=1):
            if number == catalog.max_goals + 1:
                yield GOALS_TOO_MANY.at_item(item, item.goal, count=len(goals), limit=catalog.max_goals)
            if len(item.goal) > catalog.max_goal_chars:
                yield GOAL_TOO_LONG.at_item(item, item.goal, count=len(item.goal), limit=catalog.max_goal_chars)
        seen_practices: dict[str, PlanItem] = {}
        # (a plan of one unit, most of them: its rows' continued, which the context has worked out already)
        more_rows = context.continued if len(items) == len(context.plan.items) else continued(items)
        for item, more in zip(items, more_rows, strict=True):
            if not item.practice or more:
                continue  # more rows of the practice above: the same practice, not a second one
            text = "".join(item.practice.split())  # the same words however they were wrapped
            if text in seen_practices:
                if not item.same_practice_cell(seen_practices[text]):  # one cell merged across two goals is no repeat
                    yield PRACTICE_DUPLICATE.at_item(item, item.practice, other=seen_practices[text].cell)
            else:
                seen_practices[text] = item
            if not _QUANTITY.search(item.practice):
                yield PRACTICE_NOT_QUANTIFIED.at_item(item, item.practice)


def spaces(context: Context) -> Iterator[Finding]:
    """Goals and practices with stray spaces or line ends, where --fix can tidy them; each goal once."""
    goal_cells: set[str] = set()
    for item in context.plan.items:
        if not item.written:
            continue
        for key, rule in _SPACES.items():
            written = item.written.get(key)
            cell = item.cells.get(key, "")
            if written is None or (key == "goal" and cell in goal_cells):
                continue
            goal_cells.add(cell)
            tidy = clean(written)
            if tidy != written:  # a practice's cell is kept too where its number is written another way
                yield rule.at_item(item, written, tidy if context.fixable(item, key) else None)
