"""Copies of the officer's own workbook: findings marked at their cells (``--annotate``), the
corrections beyond dispute applied (``--fix``), or any cells marked with a table of why (``diff --annotate``).

The copy is the officer's package with only the cells concerned changed (``xlsxedit``): pictures,
charts, comments, validations, protection, macros and everything else they made stay as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xltool.errors import ErrorCode, InputError, OutputError
from xltool.form import FILLS, LIVE, RESULT_HEADER, RESULT_WIDTHS, RESULTS_SHEET, SEVERITY_WORDS, cell_row
from xltool.inputs import Package, inspect_workbook
from xltool.model import Finding, Plan
from xltool.outputs import Outputs
from xltool.xlsxedit import CellEdit, SheetTable, edit_workbook

# An annotated copy lists its own findings: the merged workbook's first two columns (file, unit) are
# the same on every row here.
_HEADER = RESULT_HEADER[2:]
_WIDTHS = RESULT_WIDTHS[2:]


@dataclass(frozen=True)
class Mark:
    """A cell to fill and comment, for whatever reason a caller has (a change between two versions)."""

    sheet: str
    cell: str
    fill: str  # RGB, e.g. form.CHANGE_FILLS["added"]
    comment: str


@dataclass(frozen=True)
class Fix:
    sheet: str
    cell: str
    column: str
    before: str
    after: str


def annotate_workbook(
    source: str | Path | Package, findings: Sequence[Finding], out: str | Path, *, outputs: Outputs | None = None
) -> Path:
    """Fill each finding's cell (error red, warning yellow), comment it, and list all on a new sheet."""
    source = editable(source, out)
    notes: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.cell and finding.severity in FILLS:
            notes.setdefault((finding.sheet, finding.cell), []).append(finding)
    edits = []
    for (sheet, ref), here in notes.items():
        worst = "error" if any(f.severity == "error" for f in here) else "warning"
        text = "\n".join(f"【{SEVERITY_WORDS[f.severity]}】{f.message}\n建議：{f.hint}" for f in here)
        edits.append(CellEdit(sheet, ref, fill=FILLS[worst], comment=text))
    rows = [[SEVERITY_WORDS[f.severity], f.code, f.where, f.column, f.value, f.message, f.hint] for f in findings]
    links = {(i, 2): f"'{f.sheet}'!{f.cell}" for i, f in enumerate(findings) if f.cell}
    table = SheetTable(RESULTS_SHEET, _HEADER, rows, _WIDTHS, links)
    return _write(source, out, edits, [table], outputs)


def mark_workbook(
    source: str | Path | Package,
    marks: Sequence[Mark],
    table: SheetTable,
    out: str | Path,
    *,
    outputs: Outputs | None = None,
) -> Path:
    """Fill and comment the marked cells and add ``table`` as a sheet; nothing else of ``source`` changes.

    Marks on one cell become one edit (the first mark's fill, every comment in order): the caller
    need not know that a cell can be edited only once.
    """
    source = editable(source, out)
    merged: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for mark in marks:
        _, comments = merged.setdefault((mark.sheet, mark.cell), (mark.fill, []))
        if mark.comment and mark.comment not in comments:
            comments.append(mark.comment)
    edits = [
        CellEdit(sheet, ref, fill=fill, comment="\n".join(comments) or None)
        for (sheet, ref), (fill, comments) in merged.items()
    ]
    return _write(source, out, edits, [table], outputs)


def _offered(findings: Sequence[Finding]) -> list[Finding]:
    """The findings whose correction (``fix``) is applied: the first one for each cell, in reading order."""
    first: dict[tuple[str, str], Finding] = {}
    for f in findings:
        if f.fix is not None and f.cell:
            first.setdefault((f.sheet, f.cell), f)
    return list(first.values())


def fix_workbook(
    source: str | Path | Package,
    findings: Sequence[Finding],
    out: str | Path,
    *,
    plan: Plan | None = None,
    outputs: Outputs | None = None,
) -> list[Fix]:
    """Write a copy with every offered fix applied and nothing else touched; schedules become text cells.

    With the ``plan`` read from ``source``, the formulas that follow the fixed cells (the 檢查 column and
    its count, the 合計) lose their saved results, so LibreOffice, which shows saved results as they are,
    calculates them again; Excel is told to calculate everything on opening.
    """
    source = editable(source, out)
    offered = _offered(findings)
    edits = [CellEdit(f.sheet, f.cell, value=f.fix, text_format=f.field == "schedule") for f in offered]
    if plan is not None and edits:
        edits += [CellEdit(plan.sheet, ref, recalc=True) for ref in sorted(_derived(plan))]
    _write(source, out, edits, [], outputs)
    return [Fix(f.sheet, f.cell, f.column, f.value, str(f.fix)) for f in offered]


def _derived(plan: Plan) -> set[str]:
    """The plan sheet's cells computed from its rows rather than typed into them: the 檢查 column and the
    hidden columns after it on the practice rows and the row above its header (its count), any other
    formula on a practice row outside the form's fields, and the 合計. Cells that hold no formula are
    left alone by the edit."""
    fields = {ref for item in plan.items for ref in item.cells.values()}
    rows = {item.row for item in plan.items}
    derived = {ref for ref in plan.formulas if ref not in fields and cell_row(ref) in rows}
    live = plan.live_columns()
    if live:
        header = cell_row(plan.cells[LIVE.key])
        derived |= {f"{letter}{row}" for letter in live for row in (*rows, header - 1) if row > 0}
    total = plan.cells.get("total")
    if total in plan.formulas:
        derived.add(total)
    return derived


def editable(source: str | Path | Package, out: str | Path) -> Package:
    """The workbook a copy can be made of (an .xlsx, or an .xlsm copied to an .xlsm), read once, or why
    not: asked before any work (the package it gives is handed on), and again by each writer here."""
    json = not isinstance(source, Package) and Path(source).suffix.lower() == ".json"
    book = inspect_workbook(source) if not json else None
    if book is None or not book.is_ooxml:
        raise InputError(
            "只能在 .xlsx、.xlsm 活頁簿上標註或修正；請先另存為 .xlsx",
            source.path if isinstance(source, Package) else source,
            code=ErrorCode.INPUT_NOT_EDITABLE,
        )
    if book.has_macros and Path(out).suffix.lower() != ".xlsm":
        # The copy keeps the macros (never run), and Excel opens a macro workbook only under .xlsm.
        raise OutputError("含巨集（VBA）的活頁簿，副本請以 .xlsm 為副檔名", out, code=ErrorCode.OUTPUT_WRONG_TYPE)
    return book


def _write(
    source: Package, out: str | Path, edits: list[CellEdit], tables: list[SheetTable], outputs: Outputs | None
) -> Path:
    guard = outputs or Outputs()
    guard.add_inputs([source.path])
    with guard.atomic(out) as temporary:
        edit_workbook(source, temporary, edits, tables)
    return Path(out)
