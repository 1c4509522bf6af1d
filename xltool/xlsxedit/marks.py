"""The record of xltool's own marks in a copy, and taking back an earlier copy's.

A copy xltool writes carries its own marks only. The cells it filled or commented and the sheets it
added are listed on a very hidden sheet (``form.MARKS_SHEET``), each fill with the colour the cell had
before, each note with its text; the next edit of that copy takes them back first. Neither the comment's
author (LibreOffice saves it blank) nor a style id (every save renumbers them) survives an officer's
save; the colours and the note's text do. A cell whose fill is no longer the one xltool put there, and a
note someone wrote into, are the officer's and stay.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial

from xltool.form import (
    FILLS,
    FINDING_NOTE,
    MARKS_HEADER,
    MARKS_SHEET,
    RESULT_HEADER,
    RESULTS_SHEET,
    SEVERITY_WORDS,
    Severity,
    cell_position,
    whole,
)
from xltool.ooxml import NAME, attributes, short_of, xml_unescape
from xltool.xlsxedit.book import Workbook
from xltool.xlsxedit.cells import UNPLACED, CellEdit, Cells, Value, a1, shown_styles
from xltool.xlsxedit.comments import NOTE_GAP, Notes
from xltool.xlsxedit.package import Parts
from xltool.xlsxedit.styles import CellFormats, argb, solid_rgb
from xltool.xlsxedit.table import SheetTable, put_table
from xltool.xlsxedit.xmltext import Refused, find, plain_text


@dataclass(frozen=True)
class Mark:
    """One row of the record (``form.MARKS_SHEET``): a cell xltool filled or commented, or, without a
    ``ref``, a sheet xltool added."""

    sheet: str
    ref: str = ""
    fill: str = ""  # the ARGB xltool filled the cell with; "" for a note alone
    before: str = ""  # the fill the cell had before any mark of xltool's, as CellFormats.shown_fill gives it
    note: str = ""  # the note xltool wrote on it


# -------------------------------------------------------------------------------------- the record


def read_marks(parts: Parts, book: Workbook) -> list[Mark]:
    """What an earlier copy recorded; nothing for a workbook xltool never marked."""
    sheet = book.worksheet(MARKS_SHEET)
    if sheet is None or sheet.part is None:
        return _older_marks(parts, book)
    marks = []
    for row in _sheet_values(parts, book, sheet.part):
        sheet_name, ref, fill, before, note = [*row, "", "", "", "", ""][:5]
        if not sheet_name or row[:2] == list(MARKS_HEADER[:2]):
            continue
        fill = fill if re.fullmatch(r"[0-9A-Fa-f]{8}", fill) else ""
        marks.append(Mark(sheet_name, ref.strip().upper(), fill.upper(), _safe_fill(before), note))
    return marks


def _older_marks(parts: Parts, book: Workbook) -> list[Mark]:
    """The marks of an annotated copy made before xltool kept a record, read back from its 檢查結果 sheet:
    each row names the finding's cell, severity, message and hint, from which its note and colour were
    made. The fill a cell had before is not known there: none, as in the template. A merged workbook's
    檢查結果 (its first columns 檔案 and 單位) lists no marks."""
    sheet = book.worksheet(RESULTS_SHEET)
    if sheet is None or sheet.part is None:
        return []
    rows = _sheet_values(parts, book, sheet.part)
    if not rows or rows[0][:7] != list(RESULT_HEADER[2:]):
        return []
    severities = {word: severity for severity, word in SEVERITY_WORDS.items()}
    notes: dict[tuple[str, str], list[tuple[Severity, str]]] = {}
    for row in rows[1:]:
        word, _, where, _, _, message, hint = [*row, *[""] * 7][:7]
        severity = severities.get(word)
        name, _, ref = where.rpartition("!")
        if severity is not None and severity in FILLS and name and cell_position(ref) is not None:
            note = FINDING_NOTE.format(severity=word, message=message, hint=hint)
            notes.setdefault((name, ref.upper()), []).append((severity, note))
    marks = [
        Mark(name, ref, argb(FILLS[Severity.ERROR if Severity.ERROR in (s for s, _ in here) else Severity.WARNING]),
             "",
             "\n".join(note for _, note in here))
        for (name, ref), here in notes.items()
    ]  # fmt: skip
    return [*marks, Mark(sheet.name)]


def _safe_fill(xml: str) -> str:
    """A recorded fill as it may go back into the styles: one ``<fill>`` of fill elements only, well formed
    (the record is a sheet anyone can edit); anything else is no fill."""
    from xml.etree import ElementTree

    if not xml.startswith("<fill"):
        return ""
    try:
        element = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return ""
    allowed = {"fill", "patternFill", "gradientFill", "fgColor", "bgColor", "stop", "color"}
    return xml if all(e.tag in allowed for e in element.iter()) else ""


def made(
    sheet: str, edits: Mapping[tuple[int, int], CellEdit], bases: Mapping[tuple[int, int], int],
    restored: Mapping[tuple[str, tuple[int, int]], str], styles: CellFormats,
) -> list[Mark]:  # fmt: skip
    """This copy's marks on a sheet, each with the fill it covers: the one an earlier mark there covered,
    else the one the cell showed (``bases``: the format each rewritten cell had)."""
    marks = []
    for at, edit in edits.items():
        if edit.fill is not None or edit.comment:
            before = restored.get((sheet, at), styles.shown_fill(bases[at]) if at in bases else "")
            marks.append(Mark(sheet, a1(*at), argb(edit.fill) if edit.fill else "", before, edit.comment or ""))
    return marks


def let_go(book: Workbook, earlier: Sequence[Mark], kept: Collection[str]) -> None:
    """The sheets an earlier copy added that this one neither writes nor edits (``kept``, casefolded)."""
    for mark in earlier:
        sheet = book.sheet(mark.sheet) if not mark.ref else None
        if sheet is not None and sheet.name.casefold() not in kept:
            book.remove_sheet(sheet)


def keep_record(
    parts: Parts, book: Workbook, styles: CellFormats, marks: Sequence[Mark], tables: Sequence[str]
) -> None:
    """This copy's record: its marks, then the sheets it added; with neither, no record sheet at all."""
    rows: list[list[Value]] = [[m.sheet, m.ref, m.fill, m.before, m.note[:32_767]] for m in marks]
    rows += [[name, None, None, None, None] for name in tables]
    if rows:
        put_table(parts, book, styles, SheetTable(MARKS_SHEET, MARKS_HEADER, rows, hidden=True))
    elif (existing := book.sheet(MARKS_SHEET)) is not None:
        book.remove_sheet(existing)


# ------------------------------------------------------------------------------------ taking back


def take_back(
    parts: Parts, book: Workbook, styles: CellFormats, earlier: Sequence[Mark], cells: Cells
) -> tuple[dict[str, dict[tuple[int, int], CellEdit]], dict[tuple[str, tuple[int, int]], str]]:
    """The edits to make: the caller's, and the fills of earlier marks put back; earlier notes are taken
    out of the comments here. Also the fills put back, by sheet and cell: the fill a new mark there covers.

    A mark is found where the record says, or, when rows moved since, at the cell carrying its note.
    Its fill is put back only while the cell still shows the colour xltool gave it."""
    edits = {name: dict(here) for name, here in cells.items()}
    by_sheet: dict[str, list[Mark]] = defaultdict(list)
    for mark in earlier:
        if mark.ref and cell_position(mark.ref) is not None:
            by_sheet[mark.sheet].append(mark)
    restored: dict[tuple[str, tuple[int, int]], str] = {}
    for name, marks in by_sheet.items():
        sheet = book.worksheet(name)
        if sheet is None or sheet.part is None:
            continue  # the marks went with their sheet
        xml = parts.text(sheet.part)
        notes = Notes(parts, sheet.part, xml)
        located = _locate(marks, notes.texts)
        shown = shown_styles(xml, {at for _, at, _ in located}, sheet.part)
        notes.take_out({ref: mark.note for mark, _, ref in located if ref})
        here = next((e for n, e in edits.items() if n.casefold() == sheet.name.casefold()), None)
        if here is None:
            here = edits.setdefault(sheet.name, {})
        for mark, at, _ in located:
            if not mark.fill or solid_rgb(styles.shown_fill(shown[at])) != mark.fill:
                continue  # a note alone, or a cell someone coloured since
            restored[(sheet.name, at)] = mark.before
            edit = here.get(at)
            if edit is None:
                here[at] = CellEdit(sheet.name, a1(*at), fill=mark.before)
            elif edit.fill is None:
                here[at] = replace(edit, fill=mark.before)
    return edits, restored


def _locate(marks: Sequence[Mark], texts: Mapping[str, str]) -> list[tuple[Mark, tuple[int, int], str | None]]:
    """Each mark's cell now, and the cell whose note is its note (None when no note of it is left): its
    recorded cell when that still carries the note, else the nearest unclaimed cell that does (rows were
    inserted or deleted above it), else its recorded cell."""
    carrying: dict[str, set[str]] = defaultdict(set)  # a note → the cells whose comment is it or ends with it
    for ref, text in texts.items():
        carrying[text].add(ref)
        start = text.find(NOTE_GAP)
        while start >= 0:
            carrying[text[start + len(NOTE_GAP) :]].add(ref)
            start = text.find(NOTE_GAP, start + 1)
    found: dict[int, str] = {}
    claimed: set[str] = set()
    for n, mark in enumerate(marks):
        if mark.note and mark.ref not in claimed and mark.ref in carrying.get(mark.note, ()):
            found[n] = mark.ref
            claimed.add(mark.ref)
    for n, mark in enumerate(marks):
        if n in found or not mark.note:
            continue
        candidates = [ref for ref in carrying.get(mark.note, ()) if ref not in claimed]
        if candidates:
            found[n] = min(candidates, key=partial(_distance, home=mark.ref))
            claimed.add(found[n])
    located = []
    for n, mark in enumerate(marks):
        cell = cell_position(found.get(n, mark.ref))
        if cell is not None:
            located.append((mark, cell, found.get(n)))
    return located


def _distance(ref: str, home: str) -> tuple[int, tuple[int, int]]:
    """How far a cell is from where a mark was recorded (rows and columns), the upper left first at a tie."""
    at, was = cell_position(ref) or (0, 0), cell_position(home) or (0, 0)
    return abs(at[0] - was[0]) + abs(at[1] - was[1]), at


# ------------------------------------------------------------------------------ a sheet's values


_CELL_START = rf"(?:{NAME}:)?c[\s/>]"
_CELL = re.compile(rf"<(?:{NAME}:)?c\b([^<>]*?)(?:/>|>({short_of(_CELL_START)})</(?:{NAME}:)?c\s*>)")
_VALUE = re.compile(rf"<(?:{NAME}:)?v\b[^<>]*>(.*?)</(?:{NAME}:)?v\s*>", re.S)
_SHARED_START = rf"(?:{NAME}:)?si\b"
_SHARED = re.compile(rf"<{_SHARED_START}[^<>]*?(?:/>|>({short_of(_SHARED_START)})</(?:{NAME}:)?si\s*>)")


def _sheet_values(parts: Parts, book: Workbook, part: str) -> list[list[str]]:
    """A sheet's values as text, row by row, in column order (the record: text that xltool wrote, as
    whichever program saved the copy since keeps it, shared or inline)."""
    xml = parts.text(part)
    data = find(xml, "sheetData", part)
    if data is None:
        return []
    shared: list[str] | None = None
    rows: dict[int, dict[int, str]] = defaultdict(dict)
    for cell in _CELL.finditer(xml, data.content, data.close):
        attrs = attributes(cell.group(1))
        at = cell_position(attrs.get("r", ""))
        if at is None:
            raise Refused(UNPLACED.format(part))
        content = cell.group(2) or ""
        kind = attrs.get("t", "n")
        value = _VALUE.search(content)
        raw = xml_unescape(value.group(1)) if value else ""
        if kind == "inlineStr":
            text = plain_text(content)
        elif kind == "s":
            if shared is None:
                shared = (
                    [plain_text(s.group(1) or "") for s in _SHARED.finditer(parts.text(book.strings))]
                    if book.strings
                    else []
                )
            text = shared[whole(raw)] if raw.isdecimal() and whole(raw) < len(shared) else ""
        else:
            text = raw
        rows[at[0]][at[1]] = text
    return [[cells.get(col, "") for col in range(1, max(cells) + 1)] for _, cells in sorted(rows.items())]
