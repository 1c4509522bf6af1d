"""The plan's shape: unit and year, numbering of goals and practices, and the goal-setting principles
of 填表說明 二 (few, concise, concrete and quantified goals)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xltool.checks.context import Context
from xltool.checks.rules import RULES
from xltool.form import (
    FIELD_NAMES,
    GOAL_NUMERALS,
    ITEM_NUMERALS,
    TEMPLATE_VERSION,
    chinese_number,
    numeral_value,
    parse_title,
)
from xltool.model import Finding, PlanItem
from xltool.text import clean

# A number with a unit of count: 3 場, 二次, 100 人, 4 件 … (目標設定應力求具體及量化). One digit before
# the unit is enough to find one, and much quicker to search for than a run of them.
_QUANTITY = re.compile(
    r"[0-9０-９一二三四五六七八九十百千兩]\s*(?:場|次|件|人|份|家|所|案|處|篇|則|期|梯|小時|個|項|%|％|成|堂|班)"
)


def check(context: Context) -> Iterator[Finding]:
    yield from _heading(context)
    yield from _numbering(context)
    yield from _principles(context)
    yield from spaces(context)


def _heading(context: Context) -> Iterator[Finding]:
    plan, catalog = context.plan, context.catalog
    if not plan.items:
        yield RULES["NO_ITEMS"].at_plan(plan)
    if not plan.unit and not (plan.items and all(item.unit for item in plan.items)):
        yield RULES["UNIT_MISSING"].at_plan(plan)
    if plan.year is None:
        yield RULES["YEAR_MISSING"].at_plan(plan)
    elif context.year is not None and plan.year != context.year:
        yield RULES["YEAR_MISMATCH"].at_plan(plan, plan.year, year=context.year)
    title = parse_title(plan.title)
    if title is not None and plan.year is not None and title[1] != plan.year:
        yield RULES["TITLE_YEAR_MISMATCH"].at_plan(plan, plan.title, title_year=title[1], year=plan.year)
    for cell, key in plan.uncomputed.items():
        yield RULES["FORMULA_NO_VALUE"].at_cell(plan, cell, field=FIELD_NAMES.get(key, key))
    for cell, (key, shown) in plan.cell_errors.items():
        yield RULES["CELL_ERROR"].at_cell(plan, cell, shown, field=FIELD_NAMES.get(key, key))
    version, catalog_id = plan.marker.get("template_version"), plan.marker.get("catalog")
    if version and version != TEMPLATE_VERSION:
        yield RULES["TEMPLATE_OUTDATED"].at_plan(plan, version, what=f"範本版本 {version}，目前為 {TEMPLATE_VERSION}")
    elif catalog_id and catalog_id != catalog.id:
        made = plan.marker.get("catalog_year")
        what = (
            f"範本用的是 {made} 年度的清單，目前是 {catalog.year} 年度的清單"
            if made and made != str(catalog.year)
            else f"清單 {catalog_id}，目前使用 {catalog.id}"
        )
        yield RULES["TEMPLATE_OUTDATED"].at_plan(plan, catalog_id, what=what)


def _numbering(context: Context) -> Iterator[Finding]:
    goal_number = 0
    item_number = 0
    goal_key: tuple[str, str, str] | None = None
    unit = ""
    for item in context.plan.items:
        if item.unit != unit:  # a merged workbook numbers each unit's goals afresh
            unit, goal_number = item.unit, 0
        key = (item.goal_no, item.goal, item.cells.get("goal", ""))
        if key != goal_key:
            goal_key, item_number = key, 0
            expected = chinese_number(goal_number + 1, GOAL_NUMERALS)
            if not item.goal:
                yield RULES["GOAL_MISSING"].at_item(item)
            elif not item.goal_no:
                yield RULES["GOAL_NUMBER_MISSING"].at_item(item, item.goal, expected=expected)
            elif numeral_value(item.goal_no, GOAL_NUMERALS) != goal_number + 1:
                yield RULES["GOAL_NUMBER_ORDER"].at_item(item, item.goal_no, expected=expected)
            goal_number = numeral_value(item.goal_no, GOAL_NUMERALS) or goal_number + 1
        if not item.practice:
            yield RULES["PRACTICE_MISSING"].at_item(item)
            continue
        value = numeral_value(item.item_no, ITEM_NUMERALS)
        if value != item_number + 1:
            expected = chinese_number(item_number + 1, ITEM_NUMERALS)
            if not item.item_no:
                yield RULES["ITEM_NUMBER_MISSING"].at_item(item, item.practice, expected=expected)
            else:
                yield RULES["ITEM_NUMBER_ORDER"].at_item(item, item.item_no, expected=expected)
        item_number = value or item_number + 1


def _principles(context: Context) -> Iterator[Finding]:
    """Per unit (a merged workbook holds many): few and concise goals, no repeated practice."""
    catalog = context.catalog
    units: dict[str, list[PlanItem]] = {}
    for item in context.plan.items:
        units.setdefault(item.unit, []).append(item)
    for items in units.values():
        goals: dict[tuple[str, str, str], PlanItem] = {}
        for item in items:
            if item.goal:
                goals.setdefault((item.goal_no, item.goal, item.cells.get("goal", "")), item)
        for number, item in enumerate(goals.values(), start=1):
            if number == catalog.max_goals + 1:
                yield RULES["GOALS_TOO_MANY"].at_item(item, item.goal, count=len(goals), limit=catalog.max_goals)
            if len(item.goal) > catalog.max_goal_chars:
                yield RULES["GOAL_TOO_LONG"].at_item(
                    item, item.goal, count=len(item.goal), limit=catalog.max_goal_chars
                )
        seen_practices: dict[str, PlanItem] = {}
        for item in items:
            if not item.practice:
                continue
            text = "".join(item.practice.split())  # the same words however they were wrapped
            if text in seen_practices:
                yield RULES["PRACTICE_DUPLICATE"].at_item(item, item.practice, other=seen_practices[text].cell)
            else:
                seen_practices[text] = item
            if not _QUANTITY.search(item.practice):
                yield RULES["PRACTICE_NOT_QUANTIFIED"].at_item(item, item.practice)


def spaces(context: Context) -> Iterator[Finding]:
    """Goals and practices with stray spaces or line ends, where --fix can tidy them; each goal once."""
    goal_cells: set[str] = set()
    for item in context.plan.items:
        if not item.written:
            continue
        for key, code in (("goal", "GOAL_SPACES"), ("practice", "PRACTICE_SPACES")):
            written = item.written.get(key)
            cell = item.cells.get(key, "")
            if written is None or (key == "goal" and cell in goal_cells):
                continue
            goal_cells.add(cell)
            yield RULES[code].at_item(item, written, clean(written) if context.fixable(item, key) else None)
