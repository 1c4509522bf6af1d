"""Copies of the officer's own workbook: findings marked at their cells (``--annotate``), or the
unambiguous corrections applied (``--fix``).

openpyxl is used here, and only here, because these are the officer's file with its formatting,
protection and validations, which must survive; everything else reads values with calamine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xltool.catalog import Catalog
from xltool.checks.rules import FIELD_NAMES
from xltool.errors import XltoolError
from xltool.io import atomic_output
from xltool.model import Finding, Plan, PlanItem
from xltool.report import SEVERITY_WORDS
from xltool.schedule import Note
from xltool.text import clean, item_text, squash

RESULTS_SHEET = "檢查結果"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}
EDITABLE = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Fix:
    sheet: str
    cell: str
    column: str
    before: str
    after: str


@contextmanager
def _copy(source: Path, out: str | Path, *, force: bool) -> Iterator[Any]:
    """Open the officer's workbook for editing and save it, whole or not at all, to ``out``."""
    if source.suffix.lower() not in EDITABLE:
        raise XltoolError("只能在 .xlsx、.xlsm 活頁簿上標註或修正；請先另存為 .xlsx", source)
    with atomic_output(out, force=force, inputs=[source]) as temporary:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
        except Exception as exc:  # openpyxl raises many types for files calamine could read
            raise XltoolError(f"無法以 openpyxl 開啟，不能產生副本：{exc}", source) from None
        yield workbook
        workbook.save(temporary)


def annotate_workbook(source: str | Path, findings: list[Finding], out: str | Path, *, force: bool = False) -> Path:
    """Fill each finding's cell (error red, warning yellow), comment it, and list all on a new sheet."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    source = Path(source)
    with _copy(source, out, force=force) as workbook:
        notes: dict[tuple[str, str], list[Finding]] = {}
        for finding in findings:
            if finding.cell and finding.severity in FILLS and finding.sheet in workbook.sheetnames:
                notes.setdefault((finding.sheet, finding.cell), []).append(finding)
        for (sheet, ref), here in notes.items():
            cell = workbook[sheet][ref]
            worst = "error" if any(f.severity == "error" for f in here) else "warning"
            cell.fill = PatternFill("solid", start_color=FILLS[worst], end_color=FILLS[worst])
            text = "\n".join(f"【{SEVERITY_WORDS[f.severity]}】{f.message}\n建議：{f.hint}" for f in here)
            comment = Comment(text, "xltool check")
            comment.width, comment.height = 320, 60 + 40 * len(here)
            cell.comment = comment
        if RESULTS_SHEET in workbook.sheetnames:
            del workbook[RESULTS_SHEET]
        sheet = workbook.create_sheet(RESULTS_SHEET)
        sheet.append(["嚴重度", "代碼", "位置", "欄位", "內容", "問題", "建議"])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for finding in findings:
            sheet.append(
                [
                    SEVERITY_WORDS[finding.severity],
                    finding.code,
                    finding.where,
                    finding.column,
                    finding.value,
                    finding.message,
                    finding.hint,
                ]
            )
            if finding.cell:
                link = sheet.cell(sheet.max_row, 3)
                link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{finding.sheet}'!{finding.cell}")
                link.font = Font(color="0563C1", underline="single")
        for letter, width in zip("ABCDEFG", (8, 24, 14, 14, 30, 50, 50), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
    return Path(out)


def plan_fixes(plan: Plan, catalog: Catalog, cell_text: dict[tuple[str, str], str]) -> list[Fix]:
    """The corrections nobody could disagree with, given each item's cell text as it stands.

    Canonical schedules (full-width, separators, 108.1 → 108.10), category aliases → their names, dash
    variants in performance items, stray spaces around goals and practices. Nothing that needs a
    judgement (全年, a missing year, a vague word) is touched.
    """
    fixes: list[Fix] = []

    def propose(item: PlanItem, key: str, after: str) -> None:
        cell = item.cells.get(key)
        before = cell_text.get((item.sheet, cell), "") if cell else ""
        if cell and before and after and before != after:
            fixes.append(Fix(item.sheet, cell, FIELD_NAMES[key], before, after))

    for item in plan.items:
        schedule = item.schedule_info
        if schedule.ok and schedule.notes <= {Note.EXCEL_NUMBER}:
            propose(item, "schedule", schedule.text)
        known = catalog.category(item.category_written)
        if known is not None:
            propose(item, "category", known.name)
        raw = cell_text.get((item.sheet, item.cells.get("performance", "")), "")
        if raw and squash(raw).startswith((catalog.policy_prefix, catalog.free_prefix, catalog.none_word)):
            propose(item, "performance", item_text(raw))
        for key in ("goal", "practice"):
            propose(item, key, clean(cell_text.get((item.sheet, item.cells.get(key, "")), "")))
    unique: dict[tuple[str, str], Fix] = {}
    for fix in fixes:
        unique.setdefault((fix.sheet, fix.cell), fix)
    return list(unique.values())


def fix_workbook(
    source: str | Path, plan: Plan, catalog: Catalog, out: str | Path, *, force: bool = False
) -> list[Fix]:
    """Write a copy with :func:`plan_fixes` applied; schedules are written as text cells."""
    source = Path(source)
    with _copy(source, out, force=force) as workbook:
        refs = {
            (item.sheet, ref)
            for item in plan.items
            for key, ref in item.cells.items()
            if key in ("goal", "practice", "schedule", "category", "performance")
        }
        cell_text = {}
        for sheet, ref in refs:
            value = workbook[sheet][ref].value
            if value is not None:
                cell_text[(sheet, ref)] = format(value, "g") if isinstance(value, float) else str(value)
        fixes = plan_fixes(plan, catalog, cell_text)
        for fix in fixes:
            cell = workbook[fix.sheet][fix.cell]
            cell.value = fix.after
            if fix.column == FIELD_NAMES["schedule"]:
                cell.number_format = "@"
    return fixes
