"""Workbook → Plan: find the form's header, read every practice row, remember every cell.

Values come from python-calamine, which reads .xlsx, .xlsm, .xls and .ods alike and is about twenty times
faster than openpyxl; no workbook structure beyond values and merged ranges is needed to read a plan.
The reader only reads: it normalises and parses each cell once and leaves every judgement to ``check``.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import re
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from xltool import biff, ooxml
from xltool.budget import parse_budget
from xltool.catalog import Catalog
from xltool.catalogs import load_catalog
from xltool.errors import ErrorCode, InputError
from xltool.form import (
    CATEGORY,
    COLUMNS,
    FILES,
    GOAL,
    GOAL_NUMERALS,
    GUIDE_SHEET,
    HEADER_COLUMNS,
    LEVEL_WORDS,
    LIVE,
    MARKER_SHEET,
    MARKS_SHEET,
    MERGED_SHEET,
    NOTE,
    NOTES_WORDS,
    OFFICE_WORDS,
    PERFORMANCE,
    PLAN_SHEET,
    PRACTICE,
    PRINTOUT_KEYWORDS,
    RECEIPT_SHEET,
    REMARK,
    REQUIRED_KEYS,
    RESULTS_SHEET,
    SOURCE_CELL,
    SOURCE_FILE,
    SOURCE_SAVED,
    STATS_SHEET,
    STATUS,
    TEXT_COLUMNS,
    TOTAL_WORDS,
    UNIT,
    UNIT_LABEL,
    UNIT_WRITTEN,
    YEAR_LABEL,
    Field,
    cell_ref,
    cell_row,
    column_index,
    column_letter,
    is_title,
    parse_title,
    whole,
    year_number,
)
from xltool.inputs import (
    DAMAGED,
    DAMAGED_XLS,
    MAX_CELLS,
    PASSWORD_PROTECTED,
    UNSAFE_XML,
    Package,
    SheetCells,
    inspect_workbook,
    refuse_large_sheets,
)
from xltool.model import NOTHING, PAREN_NUMBER, PLAIN_NUMBER, Origin, Plan, PlanItem
from xltool.ooxml import decimals_shown
from xltool.schedule import Note, Schedule, parse_schedule, year_meant
from xltool.text import clean, item_text, one_line, squash

PROGRESS_EVERY = 2000
HEADER_SEARCH_ROWS = 200  # a legacy sheet may have a long preamble (title, notes, a cover letter) above its header
# 「壹、」 or 「(壹)」: a numeral needs its mark, or 「參與…」 would lose its first character.
_GOAL = re.compile(rf"^(?:[(（]([{GOAL_NUMERALS}]+)[)）]|([{GOAL_NUMERALS}]+)\s*[、.,．，])\s*")
_ITEM = re.compile(rf"^(?:{PAREN_NUMBER}|{PLAIN_NUMBER})\s*")
# A step within a practice, numbered with digits: (1), 1. 1、 ①; not a number that goes on (1.5, 108.01).
_STEP = re.compile(r"[(（][0-9０-９]{1,2}[)）]|[0-9０-９]{1,2}[.、．)）](?![0-9０-９])|[\u2460-\u2473]")
# A total or notes row: the word alone, or with a colon or a bracket after it (合計：, 合計(千元)), so a
# practice that happens to begin with 合計 is still a practice.
_TOTAL_ROW = re.compile(rf"(?:{'|'.join(TOTAL_WORDS)})(?:[:(].*)?")
_END_ROW = re.compile(rf"(?:{'|'.join(NOTES_WORDS)})(?::|$)")
# A heading label with its value in one cell: 「機關名稱：丙縣政府政風處」, 「年度（民國）：108」.
_LABEL_AND_TAIL = re.compile(rf"^\s*(?:{UNIT_LABEL}|{YEAR_LABEL})\s*(?:[(（]\s*民國\s*[)）])?\s*[:：]?\s*")
# A hand-made sheet's subtotal under each goal: no practice, and its amount is the goal's practices' again.
_SUBTOTAL_ROW = re.compile(r"(?:小計|小結|小計金額)(?:[:(].*)?")
# A note among the rows (「註：本表經費單位為千元…」, 說明：, 備註：), alone on its row: no goal, nor a practice.
# Compiled by re's own cache when a hand-made sheet's row first asks (as _UNIT_END is): a template's plan never
# does, and each pattern of Chinese characters took its ~0.5 ms of every check's start.
_NOTE_ROW = r"(?:註|備註|說明)[0-9一二三四五六七八九十]{0,2}:"
_MARKER_START = {word[0] for word in (*TOTAL_WORDS, *NOTES_WORDS, "小", "註", "說")}  # skip squashing every practice

# A template saved as Excel 97-2003: the 檢查 column's IFERROR is no function of that format, and the
# column shows #N/A or nothing once the file is opened again (LibreOffice and Excel alike).
XLS_TEMPLATE = (
    "這份範本存成了 Excel 97-2003（.xls）格式，「檢查」欄的公式在這個格式無法保存，再開啟時不會顯示檢查結果；"
    "請承辦人另存為 .xlsx 或 .ods。xltool 照常讀取與檢查。"
)

Grid = Sequence[Sequence[object]]
_T = TypeVar("_T")


@dataclass(frozen=True)
class _Header:
    row: int
    columns: dict[str, int]  # PlanItem field -> 0-based column


def read_plan(
    path: str | Path | Package,
    *,
    catalog: Catalog | None = None,
    year: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Read a filled workbook (template-made or a legacy sheet of the form) into one Plan.

    ``path`` may be the :class:`~xltool.inputs.Package` the file was already read into (nothing is read
    from disk again); ``year`` is the plan year to assume when the workbook names none (it dates 1-12月
    and 全年); ``progress(rows_done, rows_total)`` is called now and then on a large sheet.
    """
    book = inspect_workbook(path)
    source = book.path
    with _open(book) as workbook:
        for name in workbook.names:
            sheet = workbook.sheet(name)
            header = find_header(sheet.grid)
            if header is not None and sheet.live and not _cut_holds(sheet.live, header):
                sheet = workbook.sheet(name, cut=False)  # a 檢查 header that is not the template's: read all
                header = find_header(sheet.grid)
            if header is not None:
                merged = _merged_map(sheet.ranges, header, len(sheet.grid))
                _refuse_large_expansion(book, name, sheet.grid, merged)
                marker = workbook.marker()
                plan = _read_sheet(source, name, sheet.grid, merged, header, marker, catalog, year, progress)
                plan.marked_copy, plan.digest = workbook.marked, book.digest
                if workbook.found is not None:
                    plan.links = ooxml.external_books(book, workbook.found)
                if MERGED_SHEET not in workbook.names and len(workbook.names) > 1:
                    _say_other_plans(plan, workbook, name, bool(marker))
                if name == MERGED_SHEET and RECEIPT_SHEET in workbook.names:
                    plan.last_receipts = _last_receipts(workbook)
                break
        else:
            if _xltool_printout(book):
                raise InputError(
                    "這是 xltool render 產生的列印版，不是計畫，請讀取原本的計畫檔（列印版請勿放在收件資料夾裡）",
                    source,
                    code=ErrorCode.INPUT_PRINTOUT,
                )
            wanted = "、".join(c.header for c in COLUMNS if c.key in REQUIRED_KEYS)
            raise InputError(
                f"找不到計畫表的標題列（需有「{wanted}」等欄位），這可能不是廉政工作計畫",
                source,
                code=ErrorCode.INPUT_NO_PLAN,
            )
    _find_formulas(plan, sheet.cells)
    _cell_errors(plan, header, sheet.cells)
    if hidden := sheet.cells.hidden_rows:  # the officer's printout leaves them out; every command reads them
        plan.hidden_rows = tuple(dict.fromkeys(item.row for item in plan.items if item.row in hidden))
    if sheet.part is not None and workbook.found is not None:
        part, styles = sheet.part, workbook.found.styles
        _read_ambiguous_schedules(plan, lambda cells: ooxml.number_formats(book, part, styles, cells))
    elif book.kind == "xls":
        _read_ambiguous_schedules(plan, lambda cells: biff.number_formats(book, plan.sheet, cells))
    elif book.kind == "ods":
        from xltool import odf  # .ods only: see _Workbook

        xml = workbook.content
        _read_ambiguous_schedules(plan, lambda cells: odf.number_formats(xml, plan.sheet, cells))
    if book.has_macros:
        plan.notices.append("檔案內含巨集（VBA），xltool 不會執行，已忽略。")
    if book.kind == "xls" and LIVE.key in plan.cells:
        plan.notices.append(XLS_TEMPLATE)
    return plan


def _last_receipts(workbook: _Workbook) -> list[tuple[str, str, str, str]]:
    """A merged workbook's 收件情形: each unit's status, files and note, as that round said them."""
    try:
        grid = workbook.sheet(RECEIPT_SHEET, cut=False).grid
    except InputError:  # a sheet too large or damaged to look at says nothing of last round
        return []
    wanted = [UNIT.name, STATUS.name, FILES.name, NOTE.name]
    for r, row in enumerate(grid[:10]):
        cells = [_line(value) for value in row]
        if all(word in cells for word in wanted):
            at = [cells.index(word) for word in wanted]
            lines = [[_line(row[c]) if c < len(row) else "" for c in at] for row in grid[r + 1 :]]
            return [(unit, status, files, note) for unit, status, files, note in lines if unit and status]
    return []


def _say_other_plans(plan: Plan, workbook: _Workbook, read: str, template: bool) -> None:
    """A workbook with a plan on more than one sheet (last year's tab and this year's; in a template, a copy
    of 計畫表 LibreOffice put before it as a backup, or filled instead of it): one is read and the others are
    named, where they were left out without a word. A template's own sheets are not looked at: it reads
    計畫表 whatever the order, and its other sheets are no plan."""
    others = []
    for name in workbook.names:
        if name == read or (template and name in (GUIDE_SHEET, RESULTS_SHEET)):
            continue
        try:
            if find_header(workbook.sheet(name, cut=False).grid) is not None:
                others.append(f"「{name}」")
        except InputError:  # a sheet too large or damaged to look at is no plan this file is read for
            continue
    if others and template:
        plan.notices.append(
            f"活頁簿裡還有工作表{'、'.join(others)}也是計畫表，只讀了「{read}」；"
            f"要送出的內容請填在「{read}」，不用的工作表請刪除"
        )
    elif others:
        plan.notices.append(
            f"活頁簿裡還有工作表{'、'.join(others)}也是計畫表，只讀了第一張「{read}」；"
            "要讀另一張，請把它拖到最前面，或另存成單獨的檔案"
        )


def _xltool_printout(book: Package) -> bool:
    """Whether a workbook with no plan in it is xltool's own printout (render marks it in its properties)."""
    core = "docProps/core.xml"
    return book.is_ooxml and book.has(core) and PRINTOUT_KEYWORDS.encode() in book.member(core)


def first_sheet(path: str | Path | Package) -> tuple[Grid, list[str]]:
    """The values of a workbook's first visible sheet (a roster kept as a workbook), looked at before
    calamine is handed it as a plan's sheets are: a hostile file is one line naming it, never a crash. With
    them, the cells (B5) that are formulas saved without their value, which calamine reads as blank (an .xlsx
    a script wrote), in order, as :func:`_find_formulas` finds them in a plan."""
    book = inspect_workbook(path)
    with _open(book) as workbook:
        if not workbook.in_order:
            raise InputError("活頁簿中沒有可讀取的工作表", book.path, code=ErrorCode.INPUT_NO_PLAN)
        sheet = workbook.sheet(workbook.in_order[0], cut=False)
        return sheet.grid, sorted(sheet.cells.without_value, key=_cell_order)


@dataclass(frozen=True)
class _Sheet:
    """A sheet as calamine read it, and what the package said about it first."""

    grid: Grid
    ranges: list[tuple[tuple[int, int], tuple[int, int]]]  # merged ranges, corners 0-based
    cells: SheetCells  # how far it reaches, its error cells; in an .xlsx its formula cells
    part: str | None = None  # an .xlsx sheet's member
    live: tuple[int, int] | None = None  # the template's 檢查 header (column, row) whose formulas were left out


def _cut_holds(live: tuple[int, int], header: _Header) -> bool:
    """Whether leaving out the formulas from the 檢查 column on left every cell the reader reads: the
    header found is the 檢查 header's row, and all the form's columns are left of it."""
    column, row = live
    return header.row == row - 1 and all(c < column for c in header.columns.values())


class _Workbook:
    """The sheets of one package, each looked at before calamine is handed it (how far it reaches)."""

    def __init__(self, book: Package) -> None:
        from python_calamine import SheetTypeEnum, SheetVisibleEnum

        self.book = book
        self.found: ooxml.Book | None = None
        self.content = b""  # an .ods's content.xml as calamine reads it (its number styles are read from it too)
        self.calamine: Any = None
        self.on_original = False  # calamine holds the package's own bytes (not a package made for it)
        self.measured: dict[str, SheetCells] = {}  # each sheet handed to calamine so far, as the size check saw it
        self.area = 0  # their cells, all together
        if book.is_ooxml:
            self.found = ooxml.book(book)
            names = [s.name for s in self.found.sheets if s.is_worksheet and s.state == "visible" and s.part]
            marker = self.found.sheet(MARKER_SHEET)
            self.marked = self.found.sheet(MARKS_SHEET) is not None  # a copy xltool marked (hidden record)
            self.marker_part = marker.part if marker is not None else None
            self.marker_xml = book.member(self.marker_part) if self.marker_part else b""
            self.marker_cells = ooxml.scan(self.marker_xml) if self.marker_part else SheetCells()
            self.marker_rebuilt = not self.marker_cells.plain  # then calamine is handed it as the check read it
            if self.marker_rebuilt:
                self.marker_xml = ooxml.canonical(self.marker_xml)
                self.marker_cells = ooxml.scan(self.marker_xml)
            for strings in {self.found.strings, "xl/sharedStrings.xml"}:  # calamine opens the latter by name
                if strings is not None and book.has(strings):
                    ooxml.refuse_lying_strings(book, strings)
        else:
            if book.kind == "xls":
                self.cells, data = biff.sheets(book), book.data
            else:
                from xltool import odf  # .ods only: an .xlsx's check does without its ~3 ms of imports

                self.content, changed = odf.content(book)
                self.cells, data = odf.sheets(book, self.content), odf.for_calamine(book, self.content, changed)
            refuse_large_sheets(book, self.cells)  # calamine builds every sheet of these as it opens them
            book.check_whole()  # calamine inflates an .ods's members as far as they go: no further than declared
            workbook = self._open(data)
            with _quiet(book):
                sheets = workbook.sheets_metadata
            names = [
                m.name for m in sheets if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
            ]
            self.marked = any(m.name == MARKS_SHEET for m in sheets)
        self.in_order = names  # the visible worksheets as their tabs stand
        # The plan first, one sheet at a time: a merged workbook's 檢查結果 sheet is larger than its plan and
        # is never needed once the plan is found. In a merged workbook (彙整 beside 統計 or 收件情形) the plan is
        # 彙整, whatever else is there: an older merge named a unit's own sheet 計畫表.
        merged = MERGED_SHEET in names and (STATS_SHEET in names or RECEIPT_SHEET in names)
        self.names = sorted(names, key=lambda n: (n != MERGED_SHEET, n != PLAN_SHEET) if merged else n != PLAN_SHEET)

    def sheet(self, name: str, *, cut: bool = True) -> _Sheet:
        """A sheet's values; in a template-made .xlsx without the formulas of its 檢查 column and the
        columns after it, which no reader needs (``cut``)."""
        with _reading(self.book):
            return self._sheet(name, cut)

    def _sheet(self, name: str, cut: bool) -> _Sheet:
        if self.found is None:
            return self._read(name, self.cells.get(name, SheetCells()))
        sheet = self.found.sheet(name)
        assert sheet is not None and sheet.part is not None  # one of self.names
        xml, live = None, None
        pieces = self.book.pieces(sheet.part, _PIECE)
        if cut and self.marker_part:
            head = next(pieces, b"")
            live = ooxml.live_header(self.book, self.found, head)
            pieces = itertools.chain([head], pieces)
        if live is not None:
            xml = ooxml.without_live(pieces, *live)
            cells = ooxml.scan(xml, skip_from=live[0])
        else:
            cells = ooxml.scan(pieces)
        plain = cells.plain and not self.marker_rebuilt
        if not cells.plain:  # comments, instructions or CDATA: read, and handed to calamine, without them
            xml = ooxml.canonical(xml if xml is not None else self.book.member(sheet.part))
            cells = ooxml.scan(xml, skip_from=live[0] if live is not None else None)
        # Together with the sheets read before it: 60 sheets before the plan, each reaching just under the
        # limit alone, had calamine build 660 million cells one sheet after another (40 s).
        self.measured[name] = cells
        self.area += cells.area
        # This sheet alone (beyond the grid, or too large), then all together, named by the largest: only
        # when together they are too large (summed again for each sheet, 30,000 took minutes).
        refuse_large_sheets(self.book, {name: cells})
        if self.area + self.marker_cells.area > MAX_CELLS:
            refuse_large_sheets(self.book, {**self.measured, MARKER_SHEET: self.marker_cells})
        if live is None and plain and self._as_calamine_finds(sheet.part):
            if not self.on_original:
                self.book.check_whole()  # calamine inflates the members as far as they go: as declared only
                self._open(self.book.data)
        else:
            parts = {name: xml or self.book.member(sheet.part)}
            if self.marker_part:
                parts[MARKER_SHEET] = self.marker_xml
            self._open(ooxml.for_calamine(self.book, self.found, parts))
        return replace(self._read(name, cells), part=sheet.part, live=live)

    def _as_calamine_finds(self, part: str) -> bool:
        """Whether calamine, reading the package itself, finds the parts the format says (those looked
        at): it takes xl/workbook.xml, and member names and relationship targets as written."""
        assert self.found is not None
        exact = set(self.book.names)
        wanted = (part, self.found.strings, self.found.styles, self.marker_part)
        return (
            self.found.part == "xl/workbook.xml"
            and self.found.plain
            and all(p is None or p in exact for p in wanted)
            and self.found.strings in (None, "xl/sharedStrings.xml")
        )

    def _open(self, data: bytes) -> Any:
        self.close()
        with _quiet(self.book):
            self.calamine, self.on_original = _calamine(data), data is self.book.data
        return self.calamine

    def _read(self, name: str, cells: SheetCells) -> _Sheet:
        with _quiet(self.book):
            sheet = self.calamine.get_sheet_by_name(name)
            ranges = sheet.merged_cell_ranges or list(cells.merged)  # an .ods's, read by odf.sheets
            return _Sheet(sheet.to_python(skip_empty_area=False), ranges, cells)

    def marker(self) -> dict[str, str]:
        """The template's marker sheet (version, year, catalog), if the workbook has one."""
        marker: dict[str, str] = {}
        if MARKER_SHEET in self.calamine.sheet_names:
            with _reading(self.book), _quiet(self.book):
                rows = self.calamine.get_sheet_by_name(MARKER_SHEET).to_python()
            for row in rows:
                if len(row) >= 2 and row[0]:
                    marker[str(row[0])] = _text(row[1])
        return marker

    def close(self) -> None:
        if self.calamine is not None:
            self.calamine.close()
            self.calamine = None


_PIECE = 1024 * 1024  # the template's 檢查 header is in the first piece of its sheet


@contextmanager
def _open(book: Package) -> Iterator[_Workbook]:
    """The package's sheets for calamine, closed after: what calamine refuses is one line naming the file."""
    with _reading(book):
        workbook = _Workbook(book)
    try:
        yield workbook
    finally:
        workbook.close()


@contextmanager
def _reading(book: Package) -> Iterator[None]:
    """calamine and the scans of the package at work on the file's bytes: what they refuse (calamine's
    errors, a ValueError or OSError of theirs) is one line naming the file. Only around them: a ValueError
    anywhere in the reading of a plan (a bug building it, a catalog's number too large) said the officer's
    workbook was 「活頁簿內容損毀」, and now is xltool's own error."""
    from python_calamine import CalamineError

    try:
        yield
    except (CalamineError, ValueError, OSError) as exc:
        raise _refusal(book, exc) from None


@contextmanager
def _quiet(book: Package) -> Iterator[None]:
    """calamine at work, its panics a damaged file: calamine stops on some malformed records with a Rust
    panic (an exception here, a PanicException) whose message and backtrace Rust writes straight to the
    process's stderr, so stderr is closed to it meanwhile."""
    _QUIET.enter()
    try:
        yield
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":  # pyo3's, which no module exports
            raise
        raise InputError(
            DAMAGED_XLS if book.kind == "xls" else DAMAGED, book.path, code=ErrorCode.INPUT_DAMAGED
        ) from None
    finally:
        _QUIET.leave()


class _Quieted:
    """The process's stderr (a descriptor, one for all threads) sent to the null device while any reader
    is in calamine, and given back when the last one leaves. Each saving and restoring it on its own, two
    scripts' threads reading at once left stderr at the null device for good: one had saved the other's."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.readers = 0
        self.saved = -1

    def enter(self) -> None:
        with self.lock:
            if self.readers == 0:
                try:
                    self.saved = os.dup(2)
                    os.dup2(_null(), 2)
                except OSError:  # no stderr at all: nothing to keep quiet
                    self.saved = -1
            self.readers += 1

    def leave(self) -> None:
        with self.lock:
            self.readers -= 1
            if self.readers == 0 and self.saved >= 0:
                os.dup2(self.saved, 2)
                os.close(self.saved)
                self.saved = -1


_QUIET = _Quieted()


@cache
def _null() -> int:
    """The null device, opened once for all of calamine's calls."""
    return os.open(os.devnull, os.O_WRONLY)


def _calamine(data: bytes) -> Any:
    """calamine's workbook over bytes already read (calamine tells the format by content, so an .xls
    renamed .xlsx is still an .xls, and a name calamine's own path handling cannot take is still read)."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(io.BytesIO(data))


def _refusal(book: Package, exc: Exception) -> InputError:
    from python_calamine import PasswordError, XmlError, ZipError

    source = book.path
    if isinstance(exc, PasswordError):
        return InputError(PASSWORD_PROTECTED, source, code=ErrorCode.INPUT_PASSWORD)
    if isinstance(exc, XmlError) or _declares_entities(book):  # refused by calamine's parser, unexpanded
        return InputError(UNSAFE_XML, source, code=ErrorCode.INPUT_UNSAFE)
    # calamine's own words are English ("Cannot detect file format"): the line says what it means.
    if isinstance(exc, ZipError) or book.kind != "xls":  # a zip read whole already: its XML is damaged
        return InputError("活頁簿內容損毀，無法讀取", source, code=ErrorCode.INPUT_DAMAGED)
    return InputError("不是可讀取的活頁簿（支援 .xlsx、.xlsm、.xls、.ods）", source)


def _declares_entities(book: Package) -> bool:
    """Whether an XML part of a package calamine refused declares entities (an entity bomb: calamine
    reading the package it was handed says only that it cannot tell the format)."""
    return any(
        name.endswith((".xml", ".rels")) and b"<!ENTITY" in book.member(name) for name in book.infos if book.size(name)
    )


def _find_formulas(plan: Plan, cells: SheetCells) -> None:
    """Formula cells of the plan's sheet: those of its rows that carry no stored result (a file written by
    a script, not saved by Excel or LibreOffice) read as blank, so check must say so; and none of them
    may ever be "fixed" into a constant. The 檢查 column and the hidden columns after it are not data."""
    live = plan.cells.get(LIVE.key)
    if live and cells.last_column and column_index(cells.last_column) > column_index(live):
        plan.cells[LIVE.key] = f"{live}:{cells.last_column}{cell_row(live)}"  # and the hidden columns after it
    if not plan.items or not cells.formulas:
        return
    found, empty = cells.formulas, cells.without_value
    if live:
        column = column_index(live)
        found = frozenset(ref for ref in found if column_index(ref) < column)
        empty = empty & found
    plan.formulas = found
    if not empty:  # the usual case: no formulas, or all of them saved with their results
        return
    at = {ref: key for item in plan.items for key, ref in item.cells.items() if ref in empty}
    for ref in sorted(at, key=_cell_order):
        plan.uncomputed[ref] = at[ref]


def _cell_errors(plan: Plan, header: _Header, cells: SheetCells) -> None:
    """The cells of the form's columns (and the unit, year and 合計 cells) that show an error (#REF!, #N/A):
    calamine reads them as blank, and check says what they are."""
    if not cells.errors:
        return
    total = plan.cells.get("total")
    end = cell_row(total) if total else cells.rows
    columns = {column_letter(c): key for key, c in header.columns.items()}
    named = {ref: key for key, ref in plan.cells.items() if key in ("unit", "year", "total")}
    for ref in sorted(cells.errors, key=_cell_order):
        letters, row = ref.rstrip("0123456789"), cell_row(ref)
        key = named.get(ref) or (columns.get(letters) if header.row + 1 < row <= end else None)
        if key:
            plan.cell_errors[ref] = (key, cells.errors[ref])


def _cell_order(ref: str) -> tuple[int, str]:
    letters = ref.rstrip("0123456789")
    return whole(ref[len(letters) :]), letters


def _merged_map(ranges: Iterable[Any], header: _Header, height: int) -> dict[tuple[int, int], tuple[int, int]]:
    """Each cell of the form's columns below the header that a merged range covers → the range's top-left
    cell, which alone holds the value. Only those cells: a range may claim the whole sheet
    (A1:XFD1048576), and a cell no row of the sheet reaches is never read."""
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    columns = sorted(set(header.columns.values()))
    room = max(height - header.row - 1, 0) * len(columns)  # ranges that do not overlap cover no more
    for (r0, c0), (r1, c1) in ranges:
        # Only the form's columns are walked: 100,000 ranges down a column right of the form (a 38 KB file)
        # walked every row of each, and a check ran for minutes.
        inside = [c for c in columns if c0 <= c <= c1]
        for r in range(max(r0, header.row + 1), min(r1, height - 1) + 1) if inside else ():
            for c in inside:
                if (r, c) != (r0, c0):
                    covered.setdefault((r, c), (r0, c0))
                    room -= 1
        if room < 0:  # ranges over ranges (Excel repairs such a file): the first of each cell stands
            break
    return covered


MAX_EXPANDED = 20_000_000  # characters: a plan of 10,000 practices with a goal of 500 merged down each is 5 million


def _refuse_large_expansion(
    book: Package, sheet: str, grid: Grid, merged: Mapping[tuple[int, int], tuple[int, int]]
) -> None:
    """Refuse a merged cell whose text, read on each row it covers, would be more than any plan holds: a
    practice of 32,000 characters merged down 50,000 rows is a file of 728 KB, and became a JSON of
    gigabytes, a 彙整 xltool itself refused as a zip bomb, and a read that ran out of memory."""
    total = 0
    for top, left in merged.values():
        value = grid[top][left] if left < len(grid[top]) else None
        size = len(value) if isinstance(value, str) else 0
        total += size
        if total > MAX_EXPANDED:
            last = max(cell for cell, corner in merged.items() if corner == (top, left))
            raise InputError(
                f"工作表「{sheet}」的合併儲存格 {cell_ref(top, left)}:{cell_ref(*last)} 把 {size:,} 字的內容"
                f"延伸到 {last[0] - top + 1:,} 列，讀成每一列的內容遠超過計畫表的大小，已拒絕讀取；"
                "請取消合併，把內容只寫在第一列後另存新檔",
                book.path,
                code=ErrorCode.INPUT_SHEET_TOO_LARGE,
            )


def _read_ambiguous_schedules(plan: Plan, formats: Callable[[Collection[str]], dict[str, str]]) -> None:
    """A number 108.1 in a schedule cell is January or October; the cell's format can say which (shown as
    108.10, it is what the officer saw), in an .xlsx or an .xls alike. Looked up only for such cells, which
    are rare (``formats``: the number formats of these cells)."""
    ambiguous = Note.AMBIGUOUS_NUMBER  # named once: a lookup on its enum class for each of 10,000 rows, 1.2 → 0.3 ms
    open_cells = {
        item.cells["schedule"]: item
        for item in plan.items
        if ambiguous in item.schedule_info.notes and "schedule" in item.cells
    }
    if not open_cells:
        return
    for ref, code in formats(open_cells).items():
        if decimals_shown(code) == 2:
            item = open_cells[ref]
            number = float(item.schedule_info.written)
            item.schedule_info = parse_schedule(number, plan.year, decimals=2)


def find_header(grid: Grid) -> _Header | None:
    """The first row near the top whose cells name the form's columns (line breaks and spaces ignored)."""
    for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            text = squash(value) if isinstance(value, str) else ""
            column = _column_named(text, columns)
            if column is not None:
                columns[column.key] = c
        if all(key in columns for key in REQUIRED_KEYS):
            return _Header(r, columns)
    return None


# A header's words below it, not merged with it: a unit in brackets (「(預算金額 單位：千元)」 under 備考,
# 「(新增)」 under 提列績效), or 「單位：千元」.
_HEADER_NOTE = re.compile(r"\(.*\)|單位:.*")
_UNIT_NOTE = re.compile(r"\(?單位:.*")  # beside a title: no practice's words (「(一)…」) are taken for it
_HEADER_WORDS = {c.key: c.words for c in HEADER_COLUMNS}  # 「對應項目」 under 「提列績效」


def _header_goes_on(header_row: Sequence[object], row: Sequence[object], header: _Header) -> bool:
    """Whether ``row``, the one under the header, is more of it: a unit or a column's word under a header
    cell, none under 計畫目標 or 具體作法. Merged down with the header, it is the header's (as the cells
    merged show it); typed on a row of its own, it was read as a practice row, and import wrote its 「(預算
    金額 單位：千元)」 into the new template as a budget."""
    named = {c: key for key, c in header.columns.items()}
    filled = [(c, squash(value)) for c, value in enumerate(row) if squash(value)]
    return bool(filled) and all(
        isinstance(row[c], str)
        and named.get(c) not in ("goal", "practice")
        and c < len(header_row)
        and bool(_line(header_row[c]))
        and (_HEADER_NOTE.fullmatch(text) is not None or text in _HEADER_WORDS.get(named.get(c, ""), ()))
        for c, text in filled
    )


def _column_named(text: str, taken: dict[str, int]) -> Field | None:
    if not text or len(text) > 40:
        return None
    for column in HEADER_COLUMNS:
        if column.key in taken:
            continue
        if text in column.words if column.exact else any(word in text for word in column.words):
            return column
    return None


def _read_sheet(
    source: Path,
    sheet: str,
    grid: Grid,
    merged: dict[tuple[int, int], tuple[int, int]],
    header: _Header,
    marker: dict[str, str],
    catalog: Catalog | None,
    default_year: int | None,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    plan = Plan(unit="", year=None, items=[], source=str(source), sheet=sheet, marker=marker)
    for c, value in enumerate(grid[header.row]):
        if c in header.columns.values() or not _line(value):
            continue
        if _line(value) == LIVE.header:  # the template's 檢查 column: formulas about the row, not data
            plan.cells[LIVE.key] = cell_ref(header.row, c)  # widened by _find_formulas to the hidden columns
            break
        else:
            plan.extra_columns[_line(value)] = cell_ref(header.row, c)
    live = plan.cells.get(LIVE.key)
    _read_heading(plan, grid, header.row, column_index(live) if live else None)
    year = plan.year if plan.year is not None else default_year
    plan.catalog = catalog or load_catalog(year)
    if plan.catalog.notice:
        plan.notices.append(plan.catalog.notice)
    (end, skipped), first = _end_of_rows(plan, grid, header, merged, notes=not marker), header.row + 1
    if not marker and first < len(grid) and _header_goes_on(grid[header.row], grid[first], header):
        first += 1  # (the template's header is a row: whatever is typed under it is the officer's)
    body = _Body(grid, first, end, header, merged)
    plan.merged_cells = bool(body.moved)
    plan.covered = body.covered(merged) if body.moved else {}
    refs = [plan.extra_columns.get(f.header) for f in (SOURCE_FILE, SOURCE_CELL, UNIT_WRITTEN, SOURCE_SAVED)]
    file_column, cell_column, written_column, saved_column = (column_index(ref) if ref else None for ref in refs)
    merged_rows = cell_column is not None and "unit" in header.columns  # a merged workbook's 彙整
    if merged_rows:
        body.in_source_order(cell_column, file_column)  # perhaps sorted since
    body.leave_out(skipped)
    columns = _Columns(body, plan.catalog, year)
    if merged_rows:
        if written_column is not None:  # its cell on each row, where check says the unit left its name blank
            body.letters.append((UNIT_WRITTEN.key, column_letter(written_column)))
        at = (file_column, cell_column, written_column, saved_column)
        columns.origins = [
            Origin(file, cell, written if written_column is not None else None, saved) if file or cell else None
            for file, cell, written, saved in zip(*map(body.lines_at, at), strict=True)
        ]
    _read_items(plan, body, columns, progress)
    if remarks := sum(1 for item in plan.items if item.remark):  # a legacy sheet's own column
        plan.notices.append(
            f"「{REMARK.header}」欄不是表單的欄位（{remarks} 項作法有填）：彙整活頁簿與列印版不列入，"
            "xltool read 讀得出；要印出請寫進具體作法或備考"
        )
    units_found = {item.unit for item in plan.items}
    if not plan.unit and len(units_found) == 1:
        plan.unit = units_found.pop()
    years_found = {row_year for row_year in columns.row_years if row_year is not None}
    if plan.year is None and len(years_found) == 1:
        plan.year = years_found.pop()
    return plan


class _Columns:
    """The practice rows read a column at a time: each cell made into text or parsed by one call, and the
    values that repeat down a plan (categories, items, budgets, schedules) once for each distinct value."""

    def __init__(self, body: _Body, catalog: Catalog, year: int | None) -> None:
        self.practice_cells = body.values("practice")
        # Each practice is its own text, mostly one _usual says nothing is to be taken from: that cell is its
        # text and has no own text to keep (one test of it, where _practice_text and _untidy each made one:
        # 10,000 rows' practices read in 5 ms, not 10).
        self.practices: list[str] = []
        self.practices_written: list[str | None] = []
        for value in self.practice_cells:
            if isinstance(value, str) and _usual(value):
                self.practices.append(value)
                self.practices_written.append(None)
            else:
                self.practices.append(_practice_text(value))
                self.practices_written.append(_untidy(value))
        self.numbered = [_split(_ITEM, text) for text in self.practices]
        goal_cells = body.values("goal")
        self.goals = [_line(value) for value in goal_cells]
        # The cell's own text, kept only where tidying changed it (check offers the tidy text as a fix).
        self.goals_written = _each_once(goal_cells, _untidy)
        # and where its number is written another way than the form's 「一、」 (「(一)」, 「一.」): read as 一, it was
        # printed 「一、」 and nothing said so (PlanItem.number_written)
        for i, (number, _) in enumerate(self.numbered):
            if number and self.practices_written[i] is None and not self.practices[i].startswith(f"{number}、"):
                self.practices_written[i] = _text(self.practice_cells[i])
        self.units, self.remarks = body.lines("unit"), body.lines("remark")
        self.origins: list[Origin | None] | None = None  # a merged workbook's 彙整: where each row came from
        self.categories = _each_once(body.values("category"), lambda value: _category(catalog, _line(value)))
        self.performances = _each_once(body.values("performance"), _performance)
        self.budgets = [_blank_to_none(value) for value in body.values("budget")]
        self.budget_infos = _each_once(self.budgets, parse_budget)
        self.schedules = [_blank_to_none(value) for value in body.values("schedule")]
        self.row_years: list[int | None] = [None] * len(self.schedules)
        self.schedule_infos: list[Schedule]
        if "year" in body.header.columns:  # a merged workbook: each row's own year dates its schedule
            self.row_years = [_year(value) for value in body.values("year")]
            self.schedule_infos = [
                parse_schedule(value, row_year or year)
                for value, row_year in zip(self.schedules, self.row_years, strict=True)
            ]
        else:
            self.schedule_infos = _each_once(self.schedules, lambda value: parse_schedule(value, year))
        # The form's text columns that the sheet has: each cell's text and, where it differs, its own.
        self.texts = {
            c.key: _each_once(body.values(c.key), _text_cell(c.parse or _line))
            for c in TEXT_COLUMNS
            if c.key in body.header.columns
        }


def _read_items(plan: Plan, body: _Body, columns: _Columns, progress: Callable[[int, int], None] | None) -> None:
    """Follow the goals down the rows and assemble one PlanItem per practice row. A goal typed on a row of
    its own carries down to the practices below it; one with no practice under it before the next goal
    (or the end) is kept as an item of its own, the goal alone: dropped, it vanished from the merged
    workbook and the printout, and check counted the next goal as the first."""
    goal_no, goal, goal_cell, unit = "", "", "", ""
    bare: PlanItem | None = None  # the row the current goal started on, if it held nothing but the goal
    total_rows = len(body.grid)
    # Looked up once, not on each of the rows.
    word, header, letters, moved, sheet, text_columns, origins = (
        PRACTICE.name[2:], PRACTICE.header, body.letters, body.moved, plan.sheet, columns.texts, columns.origins
    )  # fmt: skip
    for i, r in enumerate(body.rows):
        if progress is not None and r % PROGRESS_EVERY == 0:
            progress(r, total_rows)
        practice_cell = columns.practice_cells[i]
        if isinstance(practice_cell, str) and word in practice_cell and squash(practice_cell) == header:
            continue  # the header, repeated on every printed page
        number = str(r + 1)
        cells = {key: letter + number for key, letter in letters}
        if r in moved:
            cells.update(body.moved_cells(r))
        row_unit = columns.units[i]
        if row_unit != unit:  # a merged workbook: the next unit's goals start afresh
            goal_no, goal, goal_cell, unit = "", "", "", row_unit
            _keep_bare(plan, bare)
            bare = None
        goal_text = columns.goals[i]
        # A goal merged down its practices, or repeated on each row, is still the same goal.
        started = bool(goal_text) and cells.get("goal") != goal_cell and _split(_GOAL, goal_text) != (goal_no, goal)
        if started:
            goal_no, goal = _split(_GOAL, goal_text)
            goal_cell = cells["goal"]
            _keep_bare(plan, bare)
            bare = None
        practice_text, (category_text, category) = columns.practices[i], columns.categories[i]
        performance, performance_written = columns.performances[i]
        schedule, budget = columns.schedules[i], columns.budgets[i]
        empty = not (practice_text or category_text or performance or schedule is not None or budget is not None)
        if not empty and r in moved:  # what it shows from a merged cell above is no entry of its own: a
            above = body.from_above(r)  # practice merged down a blank row left that row blank, not unfilled
            empty = not (
                (practice_text and "practice" not in above)
                or (category_text and "category" not in above)
                or (performance and "performance" not in above)
                or (schedule is not None and "schedule" not in above)
                or budget is not None
            )
        if empty and not started:
            continue  # a row with at most the goal above it again: nothing to check or print
        item_no, practice = columns.numbered[i]
        if goal_cell:
            cells["goal"] = goal_cell
        else:
            cells.pop("goal", None)
        written = NOTHING
        goal_written, practice_written = columns.goals_written[i], columns.practices_written[i]
        if goal_written is not None or practice_written is not None or performance_written is not None:
            pairs = (("goal", goal_written), ("practice", practice_written), ("performance", performance_written))
            written = {key: text for key, text in pairs if text is not None}
        texts = NOTHING
        if text_columns:  # the form's text columns: each cell's text, and its own text where that differs
            found: dict[str, str] = {}
            owns: dict[str, str] = {}
            for key, column in text_columns.items():
                text, own = column[i]
                if text:
                    found[key] = text
                if own is not None:
                    owns[key] = own
            texts = found or NOTHING
            written = {**written, **owns} if owns else written
        item = PlanItem(
            goal_no=goal_no, goal=goal, item_no=item_no, practice=practice, schedule_info=columns.schedule_infos[i],
            budget_info=columns.budget_infos[i], category=category, performance=performance,
            remark=columns.remarks[i], sheet=sheet, row=r + 1, cells=cells, category_written=category_text,
            unit=row_unit, written=written, texts=texts, origin=origins[i] if origins else None,
        )  # fmt: skip
        if empty:
            bare = item  # kept only if no practice follows before the next goal
        else:
            plan.items.append(item)
            bare = None
    _keep_bare(plan, bare)


def _keep_bare(plan: Plan, bare: PlanItem | None) -> None:
    """A goal that ended with no practice under it: its own row, as an item with the goal alone."""
    if bare is not None:
        plan.items.append(bare)


def _untidy(value: object) -> str | None:
    """A text cell's own text when :func:`text.clean` would change it (stray spaces, ``_x000D_``)."""
    if not isinstance(value, str) or not value or _usual(value):
        return None
    return value if clean(value) != value else None


def _usual(text: str) -> bool:
    """The usual filled text cell: nothing for :func:`text.clean` to take away (no line break, tab or odd
    space: those are not printable; no space at either end, no double one, no ``_x000D_``), so that it is
    its own one line of text."""
    return text.isprintable() and text[:1] != " " and text[-1:] != " " and "  " not in text and "_x" not in text


def _text_cell(parse: Callable[[object], str]) -> Callable[[object], tuple[str, str | None]]:
    """A text column's cell → its text (the column's ``parse``), and the cell's own text where that differs
    (the merged workbook copies the cell as written)."""

    def read(value: object) -> tuple[str, str | None]:
        if value is None or value == "":
            return "", None
        text, own = parse(value), _text(value)
        return text, (own if own != text else None)

    return read


def _performance(value: object) -> tuple[str, str | None]:
    """A performance item in its one spelling, and the cell's text when it was spelled otherwise."""
    text = _text(value)
    tidy = item_text(text)
    return tidy, (text if text and text != tidy else None)


def _end_of_rows(
    plan: Plan, grid: Grid, header: _Header, merged: dict[tuple[int, int], tuple[int, int]], *, notes: bool = True
) -> tuple[int, set[int]]:
    """The row after the last practice: a 合計 row (whose amount the plan keeps), a notes row, or the end;
    and the rows before it that are no practices: 小計 rows (each counted its goal's budget a second time)
    and, on a hand-made sheet (``notes``), notes (「註：…」 alone on its row, kept in ``plan.note_rows``: read
    as a goal, import made it one, with no practice under it and numbered out of turn). On the template a
    row is the officer's goal or practice, and one the checks do not read would go unsaid.

    The row's first filled text says 合計, 備註 or 小計 wherever it stands (a legacy 編號 column, say).

    Also skipped there: the page head a sheet printed over pages repeats (:func:`_page_head`).
    """
    skipped: set[int] = set()
    title = squash(plan.title)
    head = _head_at_top(grid, cell_row(plan.cells.get("title", "")) - 1, title)
    unit = squash(plan.unit)
    for r in range(header.row + 1, len(grid)):
        text = _first_text(grid[r])
        # a title's 工作計畫 (or 計劃) looked for first: not every row squashed
        if notes and is_title(text) and (start := _page_head(grid, header, r, text, title, head, unit)) is not None:
            for row in range(start, r + 1):  # and the unit's line above it, when the head is typed on two
                column = next(c for c, value in enumerate(grid[row]) if _line(value))
                plan.page_heads[cell_ref(row, column)] = _line(_first_text(grid[row]))
                skipped.add(row)
            continue
        if text[:1] not in _MARKER_START:
            continue
        first = squash(text)
        if notes and re.match(_NOTE_ROW, first) and sum(1 for value in grid[r] if _line(value)) == 1:
            c = next(c for c, value in enumerate(grid[r]) if _line(value))
            plan.note_rows[cell_ref(r, c)] = _line(text)
            skipped.add(r)  # (one that says 備註： still ends the rows, below)
        if _TOTAL_ROW.fullmatch(first):
            if "budget" in header.columns:
                total = _Body(grid, r, r + 1, header, merged)
                plan.stated_total = parse_budget(total.values("budget")[0])
                plan.cells["total"] = total.moved_cells(r).get("budget", cell_ref(r, header.columns["budget"]))
            _practice_after(plan, grid, header, r)
            return r, skipped
        if _END_ROW.match(first):
            return r, skipped
        if _SUBTOTAL_ROW.fullmatch(first):
            skipped.add(r)
    return len(grid), skipped


def _page_head(grid: Grid, header: _Header, r: int, text: str, title: str, head: str, plan_unit: str) -> int | None:
    """Where the head a hand-made sheet printed over pages repeats begins, if row ``r`` ends it (its title
    typed again where a page begins, 「金門縣政府政風處107年度廉政工作計畫」, then the header row): read as a
    goal, import made it one and moved the practices under it there. The row ``r``, or the one above it where
    the head is typed as two lines (the unit alone on its row, then 「107年度廉政工作計畫」, which alone named
    no unit, and the unit line became the goal). Alone on its row, and the head found at the top (``title``,
    or ``head``: the two lines there as one), or one like it (a unit, a year, 年度廉政工作計畫; not numbered
    as a goal is) just above the header repeated: a goal that only names the plan
    (「落實本府108年度廉政工作計畫」), or is one unnumbered line (the unit's name, even) with its practices
    below it, is still read. The line above a head that names no unit is its unit's only when it is the plan's
    unit (``plan_unit``, squashed), or reads as a unit's name where the plan has none: an unnumbered goal alone
    at a page's foot (「加強廉政宣導」) was taken for it, and its practices went to the goal before."""
    if not _alone(grid[r]):
        return None
    typed = squash(text)
    unit = _unit_line(grid[r - 1]) if r - 1 > header.row else ""
    if unit and unit + typed == head:
        return r - 1
    if typed in (title, head):
        return r
    below = grid[r + 1] if r + 1 < len(grid) else ()
    at = header.columns.get("practice", len(below))
    if not (at < len(below) and squash(below[at]) == PRACTICE.header):
        return None
    if _names_a_unit(typed):
        return r
    if unit and _names_a_unit(unit + typed) and (unit == plan_unit if plan_unit else re.search(_UNIT_END, unit)):
        return r - 1
    return r if parse_title(typed) is not None else None  # the year's line alone, under a goal of one line


def _alone(row: Sequence[object]) -> bool:
    """Whether a row holds one text, first on it, but for a unit beside it (「單位：千元」 at the right of a title,
    as the head at the top often has it, and so the head a page repeats)."""
    texts = [squash(value) for value in row if _line(value)]
    return bool(texts) and all(_UNIT_NOTE.fullmatch(text) for text in texts[1:])


def _names_a_unit(text: str) -> bool:
    """Whether ``text`` is a title naming a unit and a year (「…處107年度廉政工作計畫」), not a goal numbered."""
    unit_and_year = parse_title(text)
    return unit_and_year is not None and bool(unit_and_year[0]) and not _GOAL.match(text)


def _unit_line(row: Sequence[object]) -> str:
    """A row's one text, squashed, if it could be the unit's line of a head typed on two: alone on its row,
    not numbered (a goal 「一、…」 stays one) and no title itself; else ""."""
    if not _alone(row):
        return ""
    text = squash(_first_text(row))
    return "" if not text or _GOAL.match(text) or _ITEM.match(text) or is_title(text) else text


# How a unit's name ends (「…政風處」, 「…鄉公所」, 「…管理局」): a line above a title that names no unit is the
# unit's only if it reads as one (not 「附件一」, nor 「機密等級：普通」). Compiled when first asked (see _NOTE_ROW).
_UNIT_END = rf"(?:{OFFICE_WORDS}|{LEVEL_WORDS}|中心|[局處室署部會府所院館校])$"


def _unit_above(grid: Grid, title_cell: str) -> str:
    """The unit of a head typed on two lines at the top (「金門縣政府政風處」 alone on its row, then
    「107年度廉政工作計畫」): the title names none, and the plan went without one (import said 未填機關)."""
    row = cell_row(title_cell) - 2 if title_cell else -1
    if row < 0 or not _unit_line(grid[row]):
        return ""
    unit = _line(_first_text(grid[row]))
    return unit if re.search(_UNIT_END, squash(unit)) else ""


def _head_at_top(grid: Grid, row: int, title: str) -> str:
    """The head at the top of a sheet as one line: its title (at ``row``, 0-based), after the unit's line just
    above it where the title names no unit (「金門縣政府政風處」, then 「107年度廉政工作計畫」)."""
    named = parse_title(title)
    if named is None or named[0] or row < 1:
        return title
    return _unit_line(grid[row - 1]) + title


def _first_text(row: Sequence[object]) -> str:
    """A row's first filled text, stripped: where a 合計, 小計 or 備註 row says what it is, wherever it stands.
    A loop, not a generator: it runs once for every row of a plan (3 ms of 10,000 rows' reading)."""
    for value in row:
        if isinstance(value, str) and value.strip():
            return value.strip(" \t\n\u3000")
    return ""


def _practice_after(plan: Plan, grid: Grid, header: _Header, total: int) -> None:
    """Where a practice was typed below the 合計 row (the template's rows ran out, or its protection was
    removed): nothing after 合計 is read, so check must say so rather than leave it out unsaid. A practice
    is a filled 具體作法 cell numbered as one (「二、…」) or with a schedule, category or performance item beside
    it; a legacy form's signature lines below its total (承辦人：…　主管：…, written across the columns) have
    none of these."""
    practice = header.columns.get("practice")
    beside = [header.columns[key] for key in ("schedule", "category", "performance") if key in header.columns]
    if practice is None:
        return
    for r in range(total + 1, len(grid)):
        row = grid[r]
        first = _first_text(row)
        if first and _END_ROW.match(squash(first)):
            return
        text = _line(row[practice]) if practice < len(row) else ""
        if text and (_ITEM.match(text) or any(c < len(row) and _line(row[c]) for c in beside)):
            plan.cells["after_total"] = cell_ref(r, practice)
            return


_AMOUNTS = frozenset({"budget"})  # columns whose merged cells hold one value, not one a row
_SOURCE_ROW = re.compile(r"![$]?[A-Z]{1,3}[$]?([0-9]{1,7})$")  # 計畫表!B4: the row a merged workbook's row came from


class _Body:
    """The practice rows of a sheet, read a column at a time; a cell a merged range covers reads as the
    range's top-left cell, the only one that holds a value, and is found there."""

    def __init__(
        self, grid: Grid, first: int, end: int, header: _Header, merged: dict[tuple[int, int], tuple[int, int]]
    ) -> None:
        self.grid, self.first, self.end, self.header = grid, first, end, header
        self.order: list[int] | None = None  # the rows' offsets in reading order, when it is not the sheet's
        self.letters = [(key, column_letter(c)) for key, c in header.columns.items()]
        self.moved: dict[int, dict[str, tuple[int, int]]] = {}  # row -> field -> top-left cell
        for (r, c), top_left in merged.items():
            if first <= r < end:
                for key, column in header.columns.items():
                    if column == c:
                        self.moved.setdefault(r, {})[key] = top_left

    def values(self, key: str) -> list[object]:
        c = self.header.columns.get(key)
        if c is None:
            return [None] * (self.end - self.first)
        values = [row[c] if c < len(row) else None for row in self.grid[self.first : self.end]]
        for r, fields in self.moved.items():
            if key in fields:
                top, left = fields[key]
                # A cell merged with the ones above it says what they say (a goal down its practices, a
                # category for two rows), except an amount, which is one amount (its sheet's SUM counts it
                # once); one merged with a cell to its left holds that cell's value, not this column's.
                shared = left == c and key not in _AMOUNTS and left < len(self.grid[top])
                values[r - self.first] = self.grid[top][left] if shared else None
        return values if self.order is None else [values[i] for i in self.order]

    @property
    def rows(self) -> list[int]:
        """The rows (0-based) in reading order."""
        natural = range(self.first, self.end)
        return list(natural) if self.order is None else [self.first + i for i in self.order]

    def leave_out(self, rows: Collection[int]) -> None:
        """Read the body without these rows (0-based)."""
        if rows:
            self.order = [i for i in (self.order or range(self.end - self.first)) if self.first + i not in rows]

    def in_source_order(self, cell_column: int | None, file_column: int | None) -> None:
        """Read a merged workbook's 彙整 sheet the way its units wrote their plans, whatever it was sorted by
        since (a sort by budget, then merged again, numbered every unit's goals and practices out of order):
        each unit's rows together, where the unit first appears, in the order of their 來源檔案 and
        來源儲存格. A unit with a row whose source cell is not a cell keeps the sheet's order."""

        def at(r: int, c: int | None) -> str:
            row = self.grid[r]
            return _line(row[c]) if c is not None and c < len(row) else ""

        unit_column = self.header.columns["unit"]
        keys: dict[str, list[tuple[str, int, int]]] = {}
        for i, r in enumerate(range(self.first, self.end)):
            found = _SOURCE_ROW.search(at(r, cell_column))
            keys.setdefault(at(r, unit_column), []).append((at(r, file_column), int(found[1]) if found else -1, i))
        order = []
        for rows in keys.values():
            order += [i for *_, i in (rows if any(row < 0 for _, row, _ in rows) else sorted(rows))]
        if order != sorted(order):
            self.order = order

    def lines(self, key: str) -> list[str]:
        """The column as display text on one line; blanks for a column the sheet does not have."""
        if key not in self.header.columns:
            return [""] * (self.end - self.first)
        return [_line(value) for value in self.values(key)]

    def lines_at(self, c: int | None) -> list[str]:
        """A column the form does not have (0-based ``c``; None: none) as :meth:`lines` reads one of its own."""
        rows = self.grid[self.first : self.end]
        lines = [_line(row[c]) if c is not None and c < len(row) else "" for row in rows]
        return lines if self.order is None else [lines[i] for i in self.order]

    def covered(self, merged: Mapping[tuple[int, int], tuple[int, int]]) -> dict[str, tuple[str, str, str]]:
        """The cells a merged range covers that still hold a value other than the range's own (LibreOffice
        keeps them when asked to, and its printout shows the range's first cell alone): cell -> field, its
        text, the range. B6:C6 merged over a schedule read the schedule as blank, and check said only that
        there was none, where the officer typed one."""
        found: dict[str, tuple[str, str, str]] = {}
        ends: dict[tuple[int, int], tuple[int, int]] = {}  # each range's far corner, found once for all of them
        for r, fields in self.moved.items():
            row = self.grid[r]
            for key, (top, left) in fields.items():
                c = self.header.columns[key]
                text = _line(row[c]) if c < len(row) else ""
                if text and text != (_line(self.grid[top][left]) if left < len(self.grid[top]) else ""):
                    if not ends:  # (looked up for each cell, a range over 60,000 filled cells took 60,000² steps)
                        for cell, corner in merged.items():
                            ends[corner] = max(ends.get(corner, cell), cell)
                    found[cell_ref(r, c)] = (key, text, f"{cell_ref(top, left)}:{cell_ref(*ends[(top, left)])}")
        return found

    def from_above(self, r: int) -> set[str]:
        """The fields row r only shows from a merged cell above it (a practice merged down two rows)."""
        return {key for key, (top, _) in self.moved[r].items() if top != r} if r in self.moved else set()

    def moved_cells(self, r: int) -> dict[str, str]:
        """Field -> the top-left cell of the merged range that covers it, for the fields of row r that are."""
        return {key: cell_ref(top, left) for key, (top, left) in self.moved.get(r, {}).items()}


def _category(catalog: Catalog, written: str) -> tuple[str, str]:
    """A category as written and its name in the catalog (綜合業務 → 綜合規劃業務), or as written if unknown."""
    known = catalog.category(written)
    return written, known.name if known is not None else written


def _each_once(values: list[object], make: Callable[[object], _T]) -> list[_T]:
    """``make`` of each value, called once for each distinct value (with its type: 1, 1.0 and True are
    one key to a dict, not to an officer). A text is its own key, equal to no other type's value nor to a
    (type, value) pair: most cells are text, and a pair made for each took a third of the time (10,000 rows'
    categories: 1.5 → 0.6 ms)."""
    made: dict[object, _T] = {}
    result = []
    for value in values:
        key = value if value.__class__ is str else (value.__class__, value)
        if key not in made:
            made[key] = make(value)
        result.append(made[key])
    return result


def _read_heading(plan: Plan, grid: Grid, header_row: int, live: int | None = None) -> None:
    """Unit and year from their labelled cells, else from a title like 「…處108年度廉政工作計畫」.

    Nothing from the template's 檢查 column (``live``) on: its summary cell beside a blank year holds the
    text LibreOffice calculated, which is no year and not where the officer types one."""
    labels = (UNIT_LABEL, YEAR_LABEL)
    for r in range(header_row):
        row = grid[r][:live]
        for c, value in enumerate(row):
            text = squash(value) if isinstance(value, str) else ""
            if not text:
                continue
            if is_title(text) and not plan.title:
                plan.title, plan.cells["title"] = one_line(value), cell_ref(r, c)
                continue
            label = next((word for word in labels if text.startswith(word)), None)
            if label is None:
                continue
            # 「機關名稱：丙縣政府政風處」: the label and its value in one cell (the value as written, not squashed)
            own = _LABEL_AND_TAIL.sub("", _line(value)) if _LABEL_AND_TAIL.match(_line(value)) else ""
            if own and not squash(own).startswith(labels):
                if label == UNIT_LABEL and not plan.unit:
                    plan.unit, plan.cells["unit"] = own, cell_ref(r, c)
                elif label == YEAR_LABEL and plan.year is None and _year(own) is not None:
                    plan.year, plan.cells["year"], plan.year_written = _year(own), cell_ref(r, c), own
                continue
            # The value is the next filled cell to the right, unless that is the next label (left blank);
            # a blank value still has a place, the cell beside its label, for check to point at.
            found = next(((i, v) for i, v in enumerate(row[c + 1 :], c + 1) if _text(v).strip()), None)
            if found is None or squash(_text(found[1])).startswith(labels):
                plan.cells.setdefault("unit" if label == UNIT_LABEL else "year", cell_ref(r, c + 1))
                continue
            if label == UNIT_LABEL:
                plan.unit, plan.cells["unit"] = _line(found[1]), cell_ref(r, found[0])
            else:
                plan.year, plan.cells["year"] = _year(found[1]), cell_ref(r, found[0])
                plan.year_written = squash(_text(found[1]))
    title = parse_title(plan.title)
    if title:
        plan.unit = plan.unit or title[0] or _unit_above(grid, plan.cells.get("title", ""))
        # Not the template's, when its year cell holds what is no year (「108-109」): that title is a formula
        # of the cell, and its year the cell's text read another way (109), which check is to call unreadable.
        if plan.year is None and not (plan.marker and plan.year_written):
            plan.year = title[1]


def _year(value: object) -> int | None:
    number = year_number(squash(_text(value)))  # 1E+308 or 5,000 digits is no year (int() refuses 4,300)
    return year_meant(number) if number is not None else None


def _practice_text(value: object) -> str:
    """A practice cell as one line, except where a line starts another practice (「二、…。\n三、…。」,
    two practices typed in one cell with Alt+Enter): that line break is kept, for check to count and
    every writer to print; and where a line starts a step of the practice (「(1)上半年」, 「2.辦理訪查」),
    which joined read 「辦理宣導2.辦理訪查」. Other line breaks only wrapped a sentence and are dropped."""
    if not isinstance(value, str) or ("\n" not in value and "\r" not in value and "_x000D_" not in value):
        return _line(value)
    lines = clean(value).split("\n")
    return lines[0] + "".join(("\n" if _ITEM.match(line) or _STEP.match(line) else "") + line for line in lines[1:])


def reads_as(item: PlanItem, key: str, text: str, catalog: Catalog) -> bool:
    """Whether a cell holding ``text`` reads as the item's ``key`` (its goal, practice, category, performance item
    or a text column): a JSON's `written` text stands for the item's value only then. Edited by hand (its
    practice or category changed, the old text left beside it), the JSON is checked and printed by what it says."""
    if key == GOAL.key:
        return _split(_GOAL, _line(text)) == (item.goal_no, item.goal)
    if key == PRACTICE.key:
        return _split(_ITEM, _practice_text(text)) == (item.item_no, item.practice)
    if key == CATEGORY.key:
        return _category(catalog, _line(text))[1] == item.category
    if key == PERFORMANCE.key:
        return _performance(text)[0] == item.performance
    column = next((c for c in TEXT_COLUMNS if c.key == key), None)
    return column is not None and _text_cell(column.parse or _line)(text)[0] == item.texts.get(key, "")


def _split(pattern: re.Pattern[str], text: str) -> tuple[str, str]:
    """「壹、遵行政策指引」 → ("壹", "遵行政策指引"); text without a numeral keeps an empty number."""
    match = pattern.match(text)
    if not match:
        return "", text
    return match.group(1) or match.group(2), text[match.end() :].strip()


def _text(value: object) -> str:
    """A cell value as the text a person sees (108.0 → "108")."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a logical cell: what Excel and LibreOffice show, not Python's "True"
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _line(value: object) -> str:
    """A cell as display text on one line; most cells of a plan are blank or plain text."""
    if value is None or value == "":
        return ""
    return one_line(value if isinstance(value, str) else _text(value))


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value
