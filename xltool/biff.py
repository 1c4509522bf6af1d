"""What an .xls holds, read before calamine is handed it: how far each sheet's cells reach, and which
cells show an error.

calamine builds every sheet of an .xls when it opens the file, each as the whole rectangle from A1 to
its last cell: a 9 KB file of eight sheets with one cell each at IV65536 asks for 4 GB and the process
aborts. The cells' positions are in the records of the Workbook stream, inside the OLE container; this
module reads just enough of both (Microsoft's [MS-CFB] and [MS-XLS]) to know them.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Collection, Iterator

from xltool.errors import ErrorCode, InputError
from xltool.form import column_letter
from xltool.inputs import DAMAGED_XLS, PASSWORD_PROTECTED, Package, SheetCells

_END = 0xFFFFFFFA  # sector numbers from here up mark a chain's end, free or reserved sectors
_MINI_CUTOFF = 4096  # streams shorter than this are in the mini stream ([MS-CFB]; calamine does not read the header's)

# Records that place one cell at (row, column), their first two fields; MULRK and MULBLANK place a run.
_CELLS = {
    0x0006, 0x0206, 0x0406,  # FORMULA (BIFF8, BIFF3, BIFF4)
    0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, 0x0205, 0x0201,  # NUMBER RK LABELSST LABEL RSTRING BOOLERR BLANK
    0x0001, 0x0002, 0x0003, 0x0004, 0x0005,  # BIFF2: BLANK INTEGER NUMBER LABEL BOOLERR
}  # fmt: skip
_RUNS = {0x00BD, 0x00BE}  # MULRK, MULBLANK
_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_BOUNDSHEET, _EOF, _FILEPASS, _DIMENSIONS = 0x0085, 0x000A, 0x002F, 0x0200
_ROW, _ROW_HIDDEN = 0x0208, 0x0020  # a ROW record, and its flag fDyZero: the row is hidden ([MS-XLS] 2.4.221)
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}


def sheets(package: Package) -> dict[str, SheetCells]:
    """Each sheet's extent and error cells, by name; a container or stream that does not parse is a
    damaged file, an encrypted one a protected file."""
    try:
        stream = _workbook_stream(package.data)
        return _walk(package, stream)
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        raise InputError(DAMAGED_XLS, package.path, code=ErrorCode.INPUT_DAMAGED) from None


def _walk(package: Package, stream: bytes) -> dict[str, SheetCells]:
    """Each sheet measured where calamine reads it: from the offset its BOUNDSHEET record gives, to its EOF
    (a sheet hidden inside another record's body, unseen by a walk record after record, was built whole)."""
    listed: list[tuple[int, str]] = []  # each sheet's BOF position in the stream, and its name
    for _, kind, body in _records(stream):
        if kind == _BOUNDSHEET:
            listed.append((struct.unpack_from("<I", body)[0], _sheet_name(body[6:])))
        elif kind == _FILEPASS:
            raise InputError(PASSWORD_PROTECTED, package.path, code=ErrorCode.INPUT_PASSWORD)
        elif kind == _EOF:
            break  # the workbook's own records end here; the sheets follow
    found: dict[str, SheetCells] = {}
    measured: dict[int, SheetCells] = {}  # each offset walked once, however many sheets point at it
    # Sheets do not overlap: 20,000 listed one record apart (a 480 KB file) were each walked to the end, a
    # minute's work. Walked twice the stream's length, they are damage.
    budget = [2 * len(stream) + 65536]
    for offset, name in listed:  # sheets sharing an offset are each built by calamine, and each counted
        cells = measured[offset] = measured.get(offset) or _measure(stream, offset, budget)
        if cells.rows:
            found[name if name not in found else f"{name}（{len(found) + 1}）"] = cells  # twice: both are built
    return found


def _measure(stream: bytes, offset: int, budget: list[int]) -> SheetCells:
    """One sheet's extent and error cells, from its BOF to its EOF (a chart's own BOF … EOF inside it not
    counted); ``budget`` is the bytes left to walk for every sheet of the workbook."""
    depth, rows, columns, errors = 0, 0, 0, {}
    hidden: set[int] = set()  # 1-based
    for _, kind, body in _records(stream, offset):
        budget[0] -= 4 + len(body)
        if budget[0] < 0:
            raise ValueError("sheets overlap")
        if kind in _BOF:
            depth += 1
        elif kind == _EOF:
            depth -= 1
            if depth <= 0:
                break
        elif kind == _DIMENSIONS and depth == 1:
            # calamine sets room aside for the rectangle a sheet's DIMENSIONS says it spans before it reads a
            # cell: a 3 KB file claiming 2 billion rows aborted the process, and a folder's run with it
            first_row, end_row, first_column, end_column = struct.unpack_from(
                "<IIHH" if len(body) >= 14 else "<HHHH", body
            )
            if first_row > end_row or first_column > end_column:
                raise ValueError("a sheet whose dimensions end before they start")
            rows, columns = max(rows, end_row), max(columns, end_column)
        elif (kind in _CELLS or kind in _RUNS) and depth == 1:
            row, first = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0] if kind in _RUNS else first
            rows, columns = max(rows, row + 1), max(columns, last + 1)
            shown = _error(kind, body)
            if shown:
                errors[f"{column_letter(first)}{row + 1}"] = shown
        elif kind == _ROW and depth == 1 and len(body) >= 14 and struct.unpack_from("<H", body, 12)[0] & _ROW_HIDDEN:
            hidden.add(struct.unpack_from("<H", body)[0] + 1)
    # only as far as anything is filled, as in an .ods: a hidden row below the plan hides nothing of it
    return SheetCells(rows, columns, errors, hidden_rows=frozenset(r for r in hidden if r <= rows))


# Excel's built-in number formats that show decimals ([MS-XLS] 2.5.165): the ones a schedule may wear.
_BUILT_IN = {2: "0.00", 4: "#,##0.00", 7: "#,##0.00", 8: "#,##0.00", 10: "0.00%", 11: "0.00E+00", 39: "#,##0.00",
             40: "#,##0.00", 43: "#,##0.00", 44: "#,##0.00"}  # fmt: skip
_FORMAT, _XF, _NUMBER, _RK, _MULRK = 0x041E, 0x00E0, 0x0203, 0x027E, 0x00BD


def number_formats(package: Package, sheet: str, refs: Collection[str]) -> dict[str, str]:
    """The number format of each of these cells (A1 references) of ``sheet``, where it has one: a schedule
    Excel stored as 107.1 but shows as 107.10 (format 0.00) is October, as in an .xlsx."""
    try:
        return _formats(_workbook_stream(package.data), sheet, set(refs))
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        return {}  # what sheets() read, it read: a format it cannot find leaves the number as it was


def _formats(stream: bytes, sheet: str, refs: set[str]) -> dict[str, str]:
    codes: dict[int, str] = {}
    xfs: list[int] = []  # each XF's format, in the order the cells number them
    names: dict[int, str] = {}
    found: dict[str, str] = {}
    open_: list[str] = []  # substreams begun, as _walk keeps them (a chart may sit in a sheet's)
    for position, kind, body in _records(stream):
        current = open_[-1] if open_ else ""
        if kind in _BOF:
            open_.append(names.get(position, ""))
        elif kind == _EOF and open_:
            open_.pop()
        elif kind == _BOUNDSHEET:
            names[struct.unpack_from("<I", body)[0]] = _sheet_name(body[6:])
        elif kind == _FORMAT:
            length, flags = struct.unpack_from("<HB", body, 2)
            text = body[5 : 5 + 2 * length].decode("utf-16-le") if flags & 1 else body[5 : 5 + length].decode("latin-1")
            codes[struct.unpack_from("<H", body)[0]] = text
        elif kind == _XF:
            xfs.append(struct.unpack_from("<H", body, 2)[0])
        elif current == sheet and kind in (_NUMBER, _RK, _MULRK):
            row, first = struct.unpack_from("<HH", body)
            places = [(first, struct.unpack_from("<H", body, 4)[0])] if kind != _MULRK else [
                (first + n, struct.unpack_from("<H", body, 4 + 6 * n)[0]) for n in range((len(body) - 6) // 6)
            ]  # fmt: skip
            for column, xf in places:
                ref = f"{column_letter(column)}{row + 1}"
                if ref in refs and xf < len(xfs):
                    found[ref] = codes.get(xfs[xf]) or _BUILT_IN.get(xfs[xf], "General")
    return found


def _error(kind: int, body: bytes) -> str:
    """The error a BOOLERR cell or a formula's saved result shows, if it is one."""
    if kind == 0x0205 and len(body) >= 8 and body[7] == 1:
        return _ERRORS.get(body[6], "#VALUE!")
    if kind == 0x0006 and len(body) >= 14 and body[6] == 2 and body[12:14] == b"\xff\xff":
        return _ERRORS.get(body[8], "#VALUE!")
    return ""


def _sheet_name(text: bytes) -> str:
    """A BIFF8 short string: a length in characters, a flag byte, then Latin-1 or UTF-16 characters."""
    length, flags = text[0], text[1]
    return text[2 : 2 + 2 * length].decode("utf-16-le") if flags & 1 else text[2 : 2 + length].decode("latin-1")


def _records(stream: bytes, position: int = 0) -> Iterator[tuple[int, int, bytes]]:
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        yield position, kind, stream[position + 4 : position + 4 + length]
        position += 4 + length


_SUMMARY = "\x05SummaryInformation"
_LAST_SAVED, _FILETIME = 13, 0x40  # PIDSI_LASTSAVE_DTM, VT_FILETIME ([MS-OLEPS])
_FILETIME_START = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)


def saved_time(data: bytes) -> dt.datetime | None:
    """When an .xls was last saved, as it records itself (its SummaryInformation's last-saved time, which
    Excel and LibreOffice write, in UTC): None when it records none. Its file's date is when it was saved
    out of the mail, and made an old .xls the newer version of a unit's plan over last week's .xlsx."""
    try:
        stream = _stream(data, (_SUMMARY,))
        (sections,) = struct.unpack_from("<I", stream, 24)
        (section,) = struct.unpack_from("<I", stream, 44) if sections else (0,)
        _, count = struct.unpack_from("<II", stream, section)
        for n in range(min(count, 1000)):
            key, offset = struct.unpack_from("<II", stream, section + 8 + 8 * n)
            if key == _LAST_SAVED:
                kind, ticks = struct.unpack_from("<IQ", stream, section + offset)
                if kind != _FILETIME or not ticks:
                    return None
                moment = _FILETIME_START + dt.timedelta(microseconds=ticks // 10)
                moment.astimezone()  # a time this clock can show (year 9999 in UTC+8 is not)
                return moment
    except (ValueError, struct.error, OverflowError, IndexError):
        pass
    return None


def _workbook_stream(data: bytes) -> bytes:
    """The Workbook (BIFF8) or Book (BIFF5) stream of an OLE compound file."""
    return _stream(data, ("Workbook", "Book"))


def _stream(data: bytes, names: tuple[str, ...]) -> bytes:
    """The first of the streams ``names`` an OLE compound file holds ([MS-CFB])."""
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if not 7 <= shift <= 16 or mini_shift >= shift:
        raise ValueError("sector size")
    size = 1 << shift
    count = (len(data) + size - 1) // size  # no chain is longer than the file has sectors

    def sector(number: int) -> bytes:
        return data[(number + 1) << shift : (number + 2) << shift]

    fat_sectors = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < _END]
    difat, seen = struct.unpack_from("<I", data, 0x44)[0], set[int]()
    while difat < _END and len(seen) < count:
        if difat in seen:  # calamine follows the DIFAT chain without end: damage, as any chain's loop
            raise ValueError("the DIFAT chain comes back on itself")
        seen.add(difat)
        listed = struct.unpack(f"<{size // 4}I", sector(difat))
        fat_sectors += [n for n in listed[:-1] if n < _END]
        difat = listed[-1]
    fat_bytes = b"".join(sector(n) for n in fat_sectors[:count])
    fat = struct.unpack(f"<{len(fat_bytes) // 4}I", fat_bytes[: len(fat_bytes) // 4 * 4])

    def chain(start: int, table: tuple[int, ...], limit: int) -> Iterator[int]:
        # A chain that comes back to a sector is damage: calamine follows it round and round, growing its
        # buffer until the allocation fails and the process aborts (an 84 KB .xls ended a folder's run).
        seen: set[int] = set()
        while start < _END and start < len(table) and len(seen) < limit:
            if start in seen:
                raise ValueError("a sector chain comes back on itself")
            seen.add(start)
            yield start
            start = table[start]

    directory = b"".join(sector(n) for n in chain(struct.unpack_from("<I", data, 0x30)[0], fat, count))
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    root_start = struct.unpack_from("<I", entries[0], 116)[0]
    mini_stream = b"".join(sector(n) for n in chain(root_start, fat, count))
    mini_fat_bytes = b"".join(sector(n) for n in chain(struct.unpack_from("<I", data, 0x3C)[0], fat, count))
    mini_fat = struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes[: len(mini_fat_bytes) // 4 * 4])
    # The stream calamine reads, found as calamine finds it: the first entry of the name, whatever its type,
    # and its name up to its first NUL, whatever length it declares; in the mini stream when it is shorter
    # than 4,096 bytes, whatever cutoff the header gives. A file whose header said 65,536 showed this check a
    # small plan and calamine 40 sheets reaching IV65536 (19 KB: 24 s and 816 MB).
    for wanted in names:
        for entry in entries:
            if entry[:64].decode("utf-16-le", "replace").split("\x00", 1)[0] != wanted:
                continue
            start, stream_size = struct.unpack_from("<II", entry, 116)
            if stream_size < _MINI_CUTOFF:
                mini = 1 << mini_shift
                pieces = (mini_stream[n * mini : (n + 1) * mini] for n in chain(start, mini_fat, len(mini_fat)))
            else:
                pieces = (sector(n) for n in chain(start, fat, count))
            return b"".join(pieces)[:stream_size]
    raise ValueError(f"no {names[0]} stream")
