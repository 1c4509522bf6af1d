"""Next year's plan from this year's: the same goals and practices in a fresh locked template, every
schedule moved on by the year difference, and a list of what the new year's catalog no longer has."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from xltool.catalog import Catalog
from xltool.catalogs import load_catalog
from xltool.errors import ErrorCode, InputError
from xltool.model import PlanItem
from xltool.outputs import Outputs
from xltool.pipeline import write_template
from xltool.reader import read_plan
from xltool.schedule import YEAR_MENTION, canonical, parse_schedule


@dataclass
class RolloverReport:
    items: int
    old_year: int
    new_year: int
    catalog_notice: str = ""
    gone: list[str] = field(default_factory=list)  # categories and items the new catalog lacks (cells marked)
    unparsed: list[str] = field(default_factory=list)  # schedules kept as written
    mentions: list[str] = field(default_factory=list)  # old years named in the text, for review


def shift_schedule(item: PlanItem, years: int, new_year: int) -> PlanItem:
    """The item with its months moved by ``years`` (108.10-109.03 → 109.10-110.03); unread text stays."""
    schedule = item.schedule_info
    if not schedule.ok:
        return item
    months = [(int(y) + years, int(m)) for y, m in (key.split(".") for key in schedule.months)]
    return replace(item, schedule_info=parse_schedule(canonical(months), new_year))


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
    guard.reserve(out)
    plan = read_plan(source)
    if plan.year is None:
        raise InputError("原檔沒有寫計畫年度，無法推算新年度的預定進度", source, code=ErrorCode.INPUT_NO_YEAR)
    catalog = catalog or load_catalog(year)
    report = RolloverReport(len(plan.items), plan.year, year, catalog_notice=catalog.notice)
    difference = year - plan.year
    items: list[PlanItem] = []
    marks: dict[tuple[int, str], str] = {}
    for index, item in enumerate(plan.items):
        where, at = item.where, item.at
        moved = shift_schedule(item, difference, year)
        if not item.schedule_info.ok and item.schedule_info.written:
            report.unparsed.append(
                f"{at('schedule')} 的預定進度「{item.schedule_info.written}」無法解讀，照原樣保留，請改寫。"
            )
            marks[(index, "schedule")] = "無法解讀的預定進度，未推算到新年度，請改寫。"
        if item.category and catalog.category(item.category) is None:
            report.gone.append(f"{at('category')} 的業務類別「{item.category}」在 {catalog.year} 年度清單中已不存在。")
            marks[(index, "category")] = f"「{item.category}」已不在 {catalog.year} 年度的清單中，請重新選擇。"
        elif item.performance.startswith(catalog.policy_prefix) and not catalog.item_categories(item.performance):
            report.gone.append(
                f"{at('performance')} 的績效項目「{item.performance}」在 {catalog.year} 年度清單中已不存在。"
            )
            marks[(index, "performance")] = f"「{item.performance}」已不在 {catalog.year} 年度的清單中，請重新選擇。"
        for text, cell in ((item.goal, at("goal")), (item.practice, where)):
            for mention in YEAR_MENTION.finditer(text):
                line = f"{cell} 提到「{mention.group(1)}年」：「{text[:24]}…」，請確認是否要更新（未自動修改）。"
                if plan.year - 10 <= int(mention.group(1)) <= plan.year and line not in report.mentions:
                    report.mentions.append(line)
        items.append(moved)
    write_template(out, year=year, unit=plan.unit, catalog=catalog, items=items, marks=marks, outputs=guard)
    return report
