"""The grammar of 預定進度 (schedule) cells: ROC year and months, as the form writes them.

Parsing never fails: what cannot be read is kept as written and marked, so ``read`` always returns the
whole plan and ``check`` can say exactly what is wrong. The notes record everything a reader of the
cell should know (Excel turned it into a number, the year was missing, it said 全年 …); the rules in
``check`` turn notes into findings, so the grammar itself knows nothing of severities or catalogs.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from xltool.text import INVISIBLE, clean, number_text, squash

ROC_OFFSET = 1911
# An ROC year named in free text (「107年度」, 「107 年」): checks.carryover asks about it (rollover, import),
# diff moves it on a year.
YEAR_MENTION = re.compile(r"(?<!\d)(\d{2,3})(?=\s*年)")


LAST_YEAR = 999  # the form's years have three digits: no schedule runs on into 1000
# An example running on into the next year in a list of them (「、108.10-109.03」), then a clause that gives one.
_LISTED_ACROSS = re.compile(r"、\{year\}\.10-\{next_year\}\.03")
_CLAUSE_ACROSS = re.compile(r"(?:^|；)[^；。]*\{next_year\}[^；。]*")


def year_meant(number: int) -> int | None:
    """The plan year a written year means: 2019 is 108 (the western year typed for it); None for what is no
    year (0: every schedule was 「不在計畫年度 0 年」; past 999)."""
    year = number - ROC_OFFSET if number > ROC_OFFSET else number
    return year if 0 < year <= LAST_YEAR else None


def for_year(text: str, year: int) -> str:
    """An instruction or a hint whose examples name the year (「例如 {year}.01-12、{year}.10-{next_year}.03」),
    for a plan of ``year``: in the last year no example runs on into the next (a plan of 999 was offered
    「999.10-1000.03」, which no reader takes). Its ``{year}`` and ``{next_year}`` are left to be filled."""
    return _CLAUSE_ACROSS.sub("", _LISTED_ACROSS.sub("", text)) if year >= LAST_YEAR else text


class Note(StrEnum):
    """What the grammar noticed about a schedule cell; stable strings that checks match on."""

    EMPTY = "empty"
    UNPARSED = "unparsed"
    EXCEL_NUMBER = "excel_number"  # a number cell: Excel turns 108.10 typed into General into 108.1
    AMBIGUOUS_NUMBER = "ambiguous_number"  # the number 108.1: typed as 108.1 (January) or 108.10 (October)?
    DATE_VALUE = "date_value"  # a date cell: Excel turns 1-12 into a date; the intent cannot be known
    MONTH_ONLY = "month_only"  # no year written: the plan year was assumed
    NO_YEAR = "no_year"  # no year written and no plan year known
    WESTERN_YEAR = "western_year"  # 2019.01-12: converted to the ROC year
    RELATIVE = "relative"  # 全年, 每季 …: written out as months
    BAD_MONTH = "bad_month"
    REVERSED = "reversed"  # a range whose start is after its end


@dataclass(frozen=True, slots=True)
class Schedule:
    """One parsed schedule cell.

    ``text`` is the canonical form when the cell could be read (``108.01-12``, ``108.10-109.03``,
    ``108.08``, ``108.01、04、07、10``) and the text as written otherwise; ``months`` are sorted
    ``"108.01"`` keys, empty when unread.
    """

    written: str
    text: str
    months: tuple[str, ...] = ()
    notes: frozenset[Note] = frozenset()

    @property
    def ok(self) -> bool:
        return bool(self.months)


# Words that stand for a set of months of the year; 每季 and 每半年 follow the seed (108.01、04、07、10).
RELATIVE_MONTHS: dict[str, tuple[int, ...]] = {
    "全年": tuple(range(1, 13)),
    "全年度": tuple(range(1, 13)),
    "整年": tuple(range(1, 13)),
    "每月": tuple(range(1, 13)),
    "上半年": tuple(range(1, 7)),
    "下半年": tuple(range(7, 13)),
    "每季": (1, 4, 7, 10),
    "每半年": (6, 12),
}

_RANGE_WORDS = re.compile(r"[~至到]")
_UNSEEN = str.maketrans(dict.fromkeys(INVISIBLE))
_LIST_WORDS = re.compile(r"[、,;；]")
_ROC_PREFIX = re.compile(r"^(?:民國|中華民國)")
_YEAR_WORD = re.compile(r"(\d{2,4})年度?")
_FILLER = re.compile(r"[月份起止底間]")
_POINT = r"(?:(\d{2,4})\.)?(\d{1,2})"
_ELEMENT = re.compile(rf"{_POINT}(?:-{_POINT})?")
_RELATIVE = re.compile(r"^(?:(\d{2,4})\.?)?(" + "|".join(sorted(RELATIVE_MONTHS, key=len, reverse=True)) + r")$")


def month_key(year: int, month: int) -> str:
    return f"{year}.{month:02d}"


def parse_schedule(value: object, year: int | None = None, *, decimals: int | None = None) -> Schedule:
    """Read a schedule cell (text, number or date) against the plan's ROC ``year`` (for 1-12月, 全年).

    ``decimals`` is how many decimals the cell's number format shows, when the reader knows it: a number
    shown as 108.10 is what the officer saw, and is October.
    """
    # A plan repeats the same few schedules (108.01-12) on most rows; each distinct cell is parsed once.
    # The type is part of the key: 1 and 1.0 are equal to a cache, not to an officer.
    if isinstance(value, (list, dict, set)):  # not a cell value (malformed JSON input): keep its text
        value = str(value)
    return _parse_cached(type(value).__name__, value, year, decimals)


@lru_cache(maxsize=8192)
def _parse_cached(kind: str, value: object, year: int | None, decimals: int | None) -> Schedule:
    if value is None or (isinstance(value, str) and not squash(value)):
        return Schedule("", "", (), frozenset({Note.EMPTY}))
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        if isinstance(value, dt.datetime) and value.time() == dt.time():
            value = value.date()  # a date cell, as the officer saw it (2019-01-12, not 2019-01-12T00:00:00)
        return date_cell(value.isoformat() if not isinstance(value, dt.timedelta) else str(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _parse_number(value, year, decimals)
    written = _one_line(value)
    # A leading ' is the quote prefix the README's guide has officers type so that a cell keeps 108.10 as
    # text; Excel drops it, but LibreOffice keeps it as a character in a cell already formatted as text.
    # What no one sees pasted with it (a web page, LINE, Word: text.INVISIBLE) is none of its characters.
    return _parse_text(squash(written.translate(_UNSEEN)).removeprefix("'"), written, year, frozenset())


def date_cell(written: str) -> Schedule:
    """A schedule cell the spreadsheet stored as a date or a time, by its text (2019-01-12): no months, for the
    intent cannot be known (SCHEDULE_DATE). A JSON keeps such a cell as that text, marked (model.PlanItem.own_texts)."""
    return Schedule(written, written, (), frozenset({Note.DATE_VALUE, Note.UNPARSED}))


def _one_line(value: object) -> str:
    """A schedule on one line. A line break the officer typed between two parts (108.03 Alt+Enter
    108.09) lists them, as two lines read: it stands for 、, where joining the lines made 108.03108.09; one
    after a dash or a 、 (or before one) only wrapped the cell."""
    text = clean(value)
    return re.sub(_BREAK, "、", text).replace("\n", "") if "\n" in text else text


# Compiled by re's own cache when a schedule of two lines is first read (~0.6 ms of every check's start otherwise).
_BREAK = r"(?<![-~、,，;；至到\s])[ \t\u3000]*\n\s*(?![-~、,，;；至到])"


# Excel's day counts (1900 date system) of the dates the 檢查 column takes a number for, as it does: from
# 10000 (1927) up, where no schedule's year reaches, to 9999-12-31.
_FIRST_DAY, _LAST_DAY = 10000, 2958466


def _parse_number(value: float, year: int | None, decimals: int | None) -> Schedule:
    """A schedule Excel stored as a number: 108.1 typed into a General cell, or 108.10 shortened by Excel.

    Months are two digits, so the number still holds them, with one exception: 108.1 was either 108.1
    (January) or 108.10 (October). Only the cell's format can tell (shown as 108.10, it is what the
    officer saw); without it the reading is left open. 108.2 … 108.9 can only be February … September.
    """
    written = number_text(value)
    notes = frozenset({Note.EXCEL_NUMBER})
    if math.isfinite(value) and _FIRST_DAY <= value < _LAST_DAY:  # no schedule: a date pasted as its day count
        day = (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat()
        return Schedule(written, day, (), notes | {Note.DATE_VALUE, Note.UNPARSED})  # a number still (merge)
    if not math.isfinite(value) or float(value).is_integer():
        return Schedule(written, written, (), notes | {Note.UNPARSED})
    text = f"{value:.2f}"
    if decimals == 2:
        return _parse_text(text, written, year, notes)
    if text.endswith("0"):  # one decimal written: 108.2 is February (there is no month 20)
        if text.endswith(".10"):
            return Schedule(written, written, (), notes | {Note.UNPARSED, Note.AMBIGUOUS_NUMBER})
        text = f"{text[:-2]}0{text[-2]}"
    return _parse_text(text, written, year, notes)


def _parse_text(text: str, written: str, year: int | None, notes: frozenset[Note]) -> Schedule:
    def unread(*more: Note) -> Schedule:
        return Schedule(written, written, (), notes | {Note.UNPARSED, *more})

    text = _ROC_PREFIX.sub("", text).rstrip("。.")
    text = text.replace("/", ".")
    relative = _RELATIVE.match(_YEAR_WORD.sub(r"\1.", text).replace("..", "."))
    if relative:
        ryear = _year(relative.group(1), year)
        if ryear is None:
            return unread(Note.NO_YEAR)
        y, more = ryear
        written_out = [(y, m) for m in RELATIVE_MONTHS[relative.group(2)]]
        return _result(written, written_out, notes | more | {Note.RELATIVE})
    text = _YEAR_WORD.sub(r"\1.", text)
    text = _FILLER.sub("", text)
    text = _RANGE_WORDS.sub("-", text)
    text = _LIST_WORDS.sub(",", text)
    text = text.replace(".-", "-").rstrip(".")

    months: list[tuple[int, int]] = []
    current: int | None = None
    for element in text.split(","):
        match = _ELEMENT.fullmatch(element)
        if not match:
            return unread()
        y1, m1, y2, m2 = match.groups()
        if y1 is None and current is None:
            if year is None:
                return unread(Note.NO_YEAR)
            current, notes = year, notes | {Note.MONTH_ONLY}
        start_year = _year(y1, current)
        if start_year is None:
            return unread()
        current, more = start_year
        notes |= more
        start = (current, int(m1))
        end = start
        if m2 is not None:
            end_year = _year(y2, current)
            if end_year is None:
                return unread()
            current, more = end_year
            notes |= more
            end = (current, int(m2))
        if not (1 <= start[1] <= 12 and 1 <= end[1] <= 12):
            return unread(Note.BAD_MONTH)
        if end < start:
            return unread(Note.REVERSED)
        months.extend(_span(start, end))
    return _result(written, months, notes)


def _year(digits: str | None, current: int | None) -> tuple[int, frozenset[Note]] | None:
    """The ROC year of a written year (or the one carried from earlier in the cell)."""
    if digits is None:
        return None if current is None else (current, frozenset())
    number = int(digits)
    if len(digits) == 4:
        if number <= ROC_OFFSET:
            return None
        return number - ROC_OFFSET, frozenset({Note.WESTERN_YEAR})
    if number == 0:
        return None
    return number, frozenset()


def _span(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    first, last = _index(start), _index(end)
    return [(i // 12, i % 12 + 1) for i in range(first, last + 1)]


def _result(written: str, months: list[tuple[int, int]], notes: frozenset[Note]) -> Schedule:
    ordered = sorted(set(months))
    return Schedule(written, canonical(ordered), tuple(month_key(y, m) for y, m in ordered), notes)


def canonical(months: list[tuple[int, int]]) -> str:
    """The one way xltool writes a set of months: runs as ranges, the year only where it changes."""
    runs: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for ym in months:
        if runs and _index(runs[-1][1]) + 1 == _index(ym):
            runs[-1] = (runs[-1][0], ym)
        else:
            runs.append((ym, ym))
    parts: list[str] = []
    shown: int | None = None
    for start, end in runs:
        text = ""
        for point in (start, end) if start != end else (start,):
            text += ("-" if text else "") + (f"{point[1]:02d}" if point[0] == shown else month_key(*point))
            shown = point[0]
        parts.append(text)
    return "、".join(parts)


def _index(ym: tuple[int, int]) -> int:
    return ym[0] * 12 + ym[1] - 1
