"""Copies of the officer's own workbook: findings marked at their cells (``--annotate``), the
corrections beyond dispute applied (``--fix``), or any cells marked with a table of why (``diff --annotate``).

The copy is the officer's package with only the cells concerned changed (``xlsxedit``): pictures,
charts, comments, validations, protection, macros and everything else they made stay as they were.
A copy of a copy carries only its own marks: xlsxedit takes back what an earlier copy marked.
An .xls or .ods is converted to .xlsx by LibreOffice first (:func:`package`); its cells stay where they were.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from xltool import odf
from xltool.errors import ErrorCode, InputError
from xltool.form import (
    COPY_RESULT_WIDTHS,
    FILLS,
    FINDING_NOTE,
    LIVE,
    RESULT_HEADER,
    RESULT_WIDTHS,
    RESULTS_SHEET,
    SEVERITY_WORDS,
    Severity,
    cell_row,
    quoted_sheet,
)
from xltool.inputs import SAVE_AS_XLSX, Package, inspect_workbook
from xltool.model import FileResult, Finding, Plan
from xltool.ooxml import book as book_parts
from xltool.ooxml import write_package
from xltool.outputs import MACRO_WORKBOOK, WORKBOOK, Kind, Outputs
from xltool.xlsxedit import CellEdit, SheetTable, edit_workbook

# An annotated copy lists its own findings: the merged workbook's first two columns (file, unit) are
# the same on every row here (a merged workbook's copy keeps the unit: results_table).
_HEADER = RESULT_HEADER[2:]


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
    after_type: str = "text"  # "number" where the fix writes a number (a budget typed as text)

    def change(self) -> str:
        """What the cell held and holds: 「1,000」→ 1000（數字）; where only the type changes, the types
        (「30」（文字）→ 30（數字）, a schedule Excel stored as a number: 108.12（數字）→「108.12」（文字））."""
        if self.after_type == "number":
            return f"「{self.before}」{'（文字）' if self.before == self.after else ''}→ {self.after}（數字）"
        if self.before == self.after:
            return f"{self.before}（數字）→「{self.after}」（文字）"
        return f"「{self.before}」→「{self.after}」"


def results_table(findings: Sequence[Finding], *, infos: bool = False, plan: Plan | None = None) -> SheetTable:
    """The 檢查結果 sheet of a copy: one row per finding, its cell a link; infos only when asked for. A merged
    workbook's copy (``plan`` is one) names each finding's unit first, as the merged workbook's own list did:
    the supervising office returns each unit its rows."""
    shown = [f for f in findings if infos or f.severity != Severity.INFO]
    rows: list[list[str]] = [
        [SEVERITY_WORDS[f.severity], f.code, f.where, f.column, f.value, f.message, f.hint] for f in shown
    ]
    header: tuple[str, ...] = _HEADER
    widths: tuple[float, ...] = COPY_RESULT_WIDTHS
    link = 2  # the 位置 column
    if plan is not None and plan.is_merged():
        units = plan.row_units()
        rows = [[units.get(f.row, ""), *row] for f, row in zip(shown, rows, strict=True)]
        header, widths, link = (RESULT_HEADER[1], *_HEADER), (RESULT_WIDTHS[1], *COPY_RESULT_WIDTHS), 3
    links = {(i, link): f"{quoted_sheet(f.sheet)}!{f.cell}" for i, f in enumerate(shown) if f.cell}
    return SheetTable(RESULTS_SHEET, header, rows, widths, links)


def annotate_workbook(
    source: str | Path | Package,
    findings: Sequence[Finding],
    out: str | Path,
    *,
    infos: bool = False,
    outputs: Outputs | None = None,
    plan: Plan | None = None,
) -> Path:
    """Fill each finding's cell (error red, warning yellow), comment it, and list them on a new sheet
    (infos too with ``infos``, as ``check --info`` lists them; with each row's unit when ``plan`` is a
    merged workbook's)."""
    notes: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.cell and finding.severity in FILLS:
            notes.setdefault((finding.sheet, finding.cell), []).append(finding)
    edits = []
    for (sheet, ref), here in notes.items():
        worst = Severity.ERROR if any(f.severity == Severity.ERROR for f in here) else Severity.WARNING
        text = "\n".join(
            FINDING_NOTE.format(severity=SEVERITY_WORDS[f.severity], message=f.message, hint=f.hint) for f in here
        )
        edits.append(CellEdit(sheet, ref, fill=FILLS[worst], comment=text))
    return _write(source, out, edits, [results_table(findings, infos=infos, plan=plan)], outputs)


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


def copies(
    result: FileResult,
    *,
    annotate: str | Path | None = None,
    fix: str | Path | None = None,
    infos: bool = False,
    outputs: Outputs | None = None,
) -> list[Fix]:
    """``check --annotate`` and ``--fix`` of one checked file: the copies asked for, made from one package
    (an .xls or .ods converted once); the fixes applied, none without ``fix``."""
    if result.plan is None:
        return []
    with package(as_checked(result.file, result.plan)) as ooxml:
        if annotate is not None:
            annotate_workbook(ooxml, result.findings, annotate, infos=infos, outputs=outputs, plan=result.plan)
        if fix is None:
            return []
        return fix_workbook(ooxml, result.findings, fix, plan=result.plan, outputs=outputs)


def as_checked(source: str | Path, plan: Plan) -> str | Path | Package:
    """The workbook ``plan`` was read from, as the disk holds it now, when it still holds the bytes that were
    read: a unit's corrected file saved over it in the inbox meanwhile was copied and marked with the
    findings of the file before (a correct schedule filled red, its note about 「經常辦理」). A plan read from
    a JSON (no digest) is its file's name, for the writer to refuse as it does."""
    if not plan.digest:
        return source
    book = inspect_workbook(source)  # the same Package again while the file is unchanged (no new read)
    if book.digest != plan.digest:
        raise InputError(CHANGED, book.path, code=ErrorCode.INPUT_CHANGED)
    return book


CHANGED = "檔案在讀取之後又被更改（可能是單位重新寄來或正在存檔），未製作副本，請重新執行"


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
    calculates them again; Excel is told to calculate everything on opening. The marks of an earlier
    annotated copy go (they described the cells before the fixes).
    """
    offered = _offered(findings)
    edits = [CellEdit(f.sheet, f.cell, value=f.fix, text_format=f.field == "schedule") for f in offered]
    if plan is not None and edits:
        edits += [CellEdit(plan.sheet, ref, recalc=True) for ref in sorted(_derived(plan))]
    _write(source, out, edits, [], outputs)
    return [
        Fix(f.sheet, f.cell, f.column, f.value, str(f.fix), "number" if _is_number(f.fix) else "text") for f in offered
    ]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


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


def copy_kind(source: str | Path | Package) -> Kind:
    """What a copy of ``source`` is, and so the extension its name must have: .xlsm for a macro-enabled
    package (Excel opens one under no other name), .xlsx for any other workbook (an .xls, an .ods or a
    Strict .xlsx becomes one: :func:`through_office`)."""
    book = inspect_workbook(source)
    if through_office(book):
        made = "Strict Open XML 格式" if book.is_ooxml else book.path.suffix or "這個活頁簿"
        return Kind(f"Excel 活頁簿（{made} 經 LibreOffice 轉成 .xlsx 後標註）", (".xlsx",))
    if book.has_macros or (
        book.has("[Content_Types].xml")  # without it, the edit itself says what is wrong with the package
        and b"macroEnabled.main+xml" in book.member("[Content_Types].xml")
    ):
        return MACRO_WORKBOOK
    return WORKBOOK


def editable(source: str | Path | Package, out: str | Path) -> Package:
    """The workbook a copy can be made of, read once, or why not: asked before any work (the package it
    gives is handed on), and again by each writer here. An .xls or .ods needs LibreOffice, which turns it
    into an .xlsx first; the copy's name must have the extension its content will have (:func:`copy_kind`)."""
    from xltool.office import find_soffice

    named = source.path if isinstance(source, Package) else Path(source)
    book = inspect_workbook(source) if named.suffix.lower() != ".json" else None
    if book is None:
        raise InputError(
            "只能在活頁簿（.xlsx、.xlsm、.xls、.ods）上標註或修正", named, code=ErrorCode.INPUT_NOT_EDITABLE
        )
    if through_office(book) and find_soffice() is None:
        why = (
            "「Strict Open XML」格式的活頁簿需要 LibreOffice 轉成一般的 .xlsx 才能標註或修正；"
            f"請安裝 LibreOffice，或{SAVE_AS_XLSX}"
            if book.is_ooxml
            else ".xls、.ods 需要 LibreOffice 轉成 .xlsx 才能標註或修正；請安裝 LibreOffice，或先另存為 .xlsx"
        )
        raise InputError(why, named, code=ErrorCode.INPUT_NOT_EDITABLE)
    copy_kind(book).require(Path(out))  # the copy keeps the macros (never run): Excel opens them only as .xlsm
    return book


def through_office(book: Package) -> bool:
    """Whether a copy of ``book`` is made of LibreOffice's .xlsx of it: an .xls or an .ods, and a workbook
    Excel saved as "Strict Open XML", whose namespaces xlsxedit does not write. A workbook part too damaged
    to tell is the reader's to name."""
    if not book.is_ooxml:
        return True
    try:
        return book_parts(book).strict
    except InputError:
        return False


@contextmanager
def package(source: str | Path | Package) -> Iterator[Package]:
    """The .xlsx/.xlsm package a copy is made of: the workbook itself, or an .xls, an .ods or a Strict
    .xlsx converted by LibreOffice into a scratch folder that lasts while the copies are made (convert
    once, copy twice)."""
    from xltool.errors import OfficeError
    from xltool.office import convert, renamed

    book = inspect_workbook(source)
    if not through_office(book):
        yield book
        return
    with tempfile.TemporaryDirectory(prefix="xltool-copy-") as scratch:
        # Named by what it holds, not by its name (an .ods saved as 計畫.xlsx was converted onto itself), and
        # LibreOffice names its result after it.
        copy = Path(scratch) / f"copy.{book.kind}"
        links = odf.offline(book) if book.kind == "ods" else {}
        if links:  # nothing the file links to outside itself is fetched while LibreOffice converts it
            write_package(book, copy, links, {})
        else:
            copy.write_bytes(book.data)
        try:
            converted = convert(copy, "xlsx", Path(scratch) / "xlsx")  # a Strict copy.xlsx: not onto itself
        except OfficeError as error:  # named by the officer's file, not the scratch copy
            raise renamed(error, book.path) from None
        yield inspect_workbook(converted)


def _write(
    source: str | Path | Package,
    out: str | Path,
    edits: list[CellEdit],
    tables: list[SheetTable],
    outputs: Outputs | None,
) -> Path:
    guard = outputs or Outputs()
    book = editable(source, out)
    guard.add_inputs([book.path])
    with package(book) as ooxml:
        guard.add_inputs([ooxml.path])
        try:
            with guard.atomic(out, copy_kind(book)) as temporary:
                edit_workbook(ooxml, temporary, edits, tables)
        except InputError as error:
            if ooxml is book:
                raise
            raise InputError(error.message, book.path, error.cell, code=error.code) from None  # not the scratch copy
    return Path(out)
