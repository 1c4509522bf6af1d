"""A legacy plan sheet (last year's hand-made workbook) moved into the current locked template."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xltool.catalog import Catalog, load_catalog
from xltool.reader import read_plan
from xltool.schedule import Note
from xltool.template import write_template


@dataclass
class ImportReport:
    items: int
    unit: str
    year: int
    unplaced: list[str] = field(default_factory=list)  # zh-TW lines: what could not be placed, and where


def import_legacy(
    source: str | Path, out: str | Path, *, catalog: Catalog | None = None, force: bool = False
) -> ImportReport:
    """Read any plan sheet xltool can read and write it into a fresh template, saying what did not fit."""
    plan = read_plan(source, catalog=catalog)
    catalog = catalog or load_catalog(plan.year)
    year = plan.year if plan.year is not None else catalog.year
    unplaced: list[str] = []
    if plan.year is None:
        unplaced.append(f"原檔沒有寫年度，範本年度暫填 {year}，請確認。")
    if not plan.unit:
        unplaced.append("原檔沒有機關名稱，請在範本的機關名稱欄填寫。")
    for name, cell in plan.extra_columns.items():
        unplaced.append(f"欄位「{name}」（{cell}）範本沒有對應的欄位，內容未搬移。")
    for item in plan.items:
        where = f"{item.sheet}!{item.cell or item.row}"
        if item.remark:
            unplaced.append(f"{where} 的備註「{item.remark}」範本沒有對應的欄位，未搬移。")
        if item.category_written and catalog.category(item.category_written) is None:
            unplaced.append(f"{where} 的業務類別「{item.category_written}」不在清單中，照原樣填入，請改選。")
        if Note.UNPARSED in item.schedule_info.notes or Note.DATE_VALUE in item.schedule_info.notes:
            unplaced.append(f"{where} 的預定進度「{item.schedule_info.written}」無法解讀，照原樣填入，請改寫。")
    write_template(out, year=year, unit=plan.unit, catalog=catalog, items=plan.items, force=force)
    return ImportReport(len(plan.items), plan.unit, year, unplaced)
