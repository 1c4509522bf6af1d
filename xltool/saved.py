"""When a file says it was saved: an .xlsx's or .ods's own record, an .xls's property stream, the time a
JSON from ``xltool read`` keeps of the workbook it was read from; else the file's date on disk. A unit's
versions are told apart by it (roster), and the merged workbook keeps it for each unit's rows."""

from __future__ import annotations

import datetime as dt
import lzma
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from xltool import biff
from xltool.form import DOCUMENT_DATE
from xltool.inputs import OLE_MAGIC

MAX_META_BYTES = 1024 * 1024
MAX_OLE_BYTES = 256 * 1024 * 1024  # an .xls's directory and properties are near its start; a larger one is cut
_W3C_TIME = re.compile(rb"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?")
_MODIFIED = {"docProps/core.xml": rb"<dcterms:modified\b[^<>]*>([^<]*)<", "meta.xml": rb"<dc:date>([^<]*)<"}


_JSON_SAVED = re.compile(rb'"saved"\s*:\s*"([^"]{1,64})"')
_NEVER = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)  # a file that tells no time: older than any (and shown in any zone)


def saved_time(path: str | Path) -> dt.datetime:
    """When a file was last saved, by its own record (:func:`recorded_time`), else the file's modification
    time, to the second as a recorded time is. A mailed file keeps its own record; its time on disk is when it
    was saved from the mail."""
    try:
        state = Path(path).stat()
    except (OSError, ValueError):
        return _NEVER
    return _saved_time(str(path), state.st_mtime_ns, state.st_size)


def recorded_time(path: str | Path) -> dt.datetime | None:
    """The saved time a file records itself: an .xlsx's ``dcterms:modified`` (docProps/core.xml), an .ods's
    ``dc:date`` (meta.xml), an .xls's last-saved time (:func:`biff.saved_time`), a JSON's ``saved`` (the
    workbook's it was read from: :func:`json_saved`); None for others, for xltool's own fixed time
    (:data:`form.DOCUMENT_DATE`) and for a time no file can have yet (:func:`future_time`). Times without a
    zone are local."""
    recorded = _recorded(path)
    return recorded if recorded is not None and believable(recorded) else None


def future_time(path: str | Path) -> dt.datetime | None:
    """The saved time a file records when it is later than now can be (a PC whose clock runs years ahead):
    believed, that version would count over every correction sent after it, round after round. Such a file
    is dated as one that records no time, by its date on disk, and the note says why."""
    recorded = _recorded(path)
    return recorded if recorded is not None and not believable(recorded) else None


# A day's leeway: a time zone written wrong, or a clock a few hours out, is still a time a file can have.
_LEEWAY = dt.timedelta(days=1)


def believable(moment: dt.datetime) -> bool:
    """Whether a saved time can be one (not later than now, give or take a day's leeway)."""
    return moment <= dt.datetime.now(dt.UTC) + _LEEWAY


def _recorded(path: str | Path) -> dt.datetime | None:
    try:
        state = Path(path).stat()
    except (OSError, ValueError):
        return None
    return _recorded_time(str(path), state.st_mtime_ns, state.st_size)


# Each version's note asks again, for every line that names it (an .xls is read to its property stream each
# time): remembered per file as it is on disk, so a caller reading an inbox again sees a file changed since.
@lru_cache(maxsize=4096)
def _saved_time(path: str, mtime_ns: int, size: int) -> dt.datetime:
    recorded = _recorded_time(path, mtime_ns, size)
    if recorded is not None and believable(recorded):
        return recorded
    try:
        return dt.datetime.fromtimestamp(mtime_ns // 1_000_000_000).astimezone()
    except (OSError, ValueError, OverflowError):
        return _NEVER


@lru_cache(maxsize=4096)
def _recorded_time(path: str, mtime_ns: int, size: int) -> dt.datetime | None:
    try:
        with open(path, "rb") as file:
            head = file.read(len(OLE_MAGIC))
            if head == OLE_MAGIC:
                file.seek(0)
                stamp = biff.saved_time(file.read(MAX_OLE_BYTES))
                return stamp if stamp != DOCUMENT_DATE else None  # a template xltool wrote, converted unsaved
            if str(path).lower().endswith(".json"):
                found = _JSON_SAVED.search(head + file.read(MAX_META_BYTES))  # written near the top, after "file"
                return _w3c(found.group(1)) if found else None
    except OSError:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            for part, pattern in _MODIFIED.items():
                try:
                    info = archive.getinfo(part)
                except KeyError:
                    continue
                if info.file_size > MAX_META_BYTES:
                    break
                found = re.search(pattern, archive.read(info))
                stamp = _w3c(found.group(1)) if found else None
                if stamp is not None:
                    return stamp if stamp != DOCUMENT_DATE else None  # written by xltool, saved by nobody since
    except (zipfile.BadZipFile, lzma.LZMAError, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        pass
    return None


def _w3c(text: bytes) -> dt.datetime | None:
    match = _W3C_TIME.search(text)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(match.group(n)) for n in range(1, 7))
        moment = dt.datetime(year, month, day, hour, minute, second)
        zone = match.group(7)
        if zone is None:
            return moment.astimezone()  # LibreOffice writes local time
        if zone == b"Z":
            moment = moment.replace(tzinfo=dt.UTC)
        else:
            digits = zone.replace(b":", b"")
            offset = dt.timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
            moment = moment.replace(tzinfo=dt.timezone(-offset if digits[:1] == b"-" else offset))
        moment.astimezone()  # 9999-12-31 at -14:00 is no time this clock shows: no saved time (it stopped a merge)
    except (ValueError, OverflowError):
        return None
    return moment


_STAMP = "%Y-%m-%d %H:%M:%S"


def saved_stamp(path: str | Path) -> str:
    """A file's :func:`saved_time` as the merged workbook's 來源存檔時間 holds it (local time, to the second)."""
    return f"{saved_time(path).astimezone():{_STAMP}}"


_STAMP_READ = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")  # a date a spreadsheet shows as its day count (43475.375)


def stamp_time(stamp: str) -> dt.datetime | None:
    """The time a 來源存檔時間 cell holds, local: as xltool writes it (:func:`saved_stamp`), or as it reads
    back once someone has typed over it or a spreadsheet has made a date of it (2019/1/10 9:00, 2019-01-10,
    43475.375); None for anything else, and for a time later than now can be (:func:`future_time`: an older
    xltool wrote it as the file said). A cell no one can read says nothing; it does not date the version by
    when the 彙整 was saved."""
    text = stamp.strip()
    try:
        if _SERIAL.fullmatch(text):
            moment = (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(text))).astimezone()
        elif found := _STAMP_READ.fullmatch(text):
            year, month, day, hour, minute, second = (int(part) if part else 0 for part in found.groups())
            moment = dt.datetime(year, month, day, hour, minute, second).astimezone()
        else:
            return None
    except (ValueError, OverflowError):
        return None
    return moment if believable(moment) else None


def json_saved(path: str | Path) -> str | None:
    """The ``saved`` of a plan's JSON (``xltool read``): when the workbook it was read from records it was
    saved. A JSON made of a unit's first version, dated by the day it was made, counted as newer than the
    unit's correction and kept the old plan in the merge."""
    stamp = recorded_time(path)
    return stamp.isoformat() if stamp is not None else None
