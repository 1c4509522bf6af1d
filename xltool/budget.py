"""The 備考 (budget) column: an amount in 千元 (thousands of NTD), as officers really type it.

Amounts are ``Decimal`` so totals over a thousand workbooks add up exactly. Like the schedule grammar,
parsing never fails: what is not a number is kept as written and marked for ``check``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from xltool.text import number_text, one_line, squash


class Note(StrEnum):
    """What the parser noticed about a budget cell; stable strings that checks match on."""

    EMPTY = "empty"
    NOT_NUMBER = "not_number"
    NEGATIVE = "negative"
    ZERO_WORD = "zero_word"  # 0, -, —, 無: no budget, counted as 0
    UNIT_THOUSAND = "unit_thousand"  # 10千元: the unit written out, 10
    UNIT_YUAN = "unit_yuan"  # 5000元: in NTD, converted to 5 (千元)
    PRECISION = "precision"  # more than three decimals: finer than one NTD
    TEXT = "text"  # a text cell holding an amount (1,000 or ５): read as a number, but SUM skips it
    GROUPING = "grouping"  # thousands commas not three digits apart (5,00; 1,234,5): read, but no fix guessed


@dataclass(frozen=True, slots=True)
class Budget:
    written: str
    value: Decimal | None = None
    notes: frozenset[Note] = frozenset()

    @property
    def typed_number(self) -> bool:
        """The cell held a number, not text that reads as one (「5千」, 「５」) nor a word for none (「無」):
        printouts show a number with separators and text as it was typed."""
        return self.value is not None and not self.notes & {Note.TEXT, Note.ZERO_WORD}

    @property
    def left_out(self) -> bool:
        """Written, and no amount (「1萬5千元」, 「另案辦理」): every total leaves it out, and says so."""
        return self.value is None and bool(self.written)


ZERO_WORDS = frozenset({"-", "--", "~", "無", "0", "免", "不需", "無經費"})
# The minus before NT$ too (「-NT$5」), as the 檢查 column reads it once NT$ is gone. An amount after NT$ or
# 新臺幣 with no 千 after it is in 元, as one ending in 元 is (「NT$5,000」 was 5,000 千元, five million).
_AMOUNT = re.compile(r"(-)?(NT\$|新臺幣|新台幣)?(-?\d+(?:\.\d+)?)(千元|仟元|千|元)?")
# Thousands commas as they are written: three digits apart, in the whole part only.
_GROUPED = re.compile(r"[^\d,]*-?\d{1,3}(?:,\d{3})*(?:\.\d+)?[^\d,]*")


def _day_count(value: dt.date | dt.time | dt.timedelta) -> float:
    """A date or time cell as the number a spreadsheet keeps: days since 1899-12-30, a time a part of one."""
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
    return (moment.replace(tzinfo=None) - dt.datetime(1899, 12, 30)).total_seconds() / 86400


THOUSAND = Decimal(1000)


def parse_budget(value: object) -> Budget:
    """Read a budget cell (number or text) as 千元."""
    if isinstance(value, (list, dict, set)):  # not a cell value (malformed JSON input): keep its text
        value = str(value)
    return _parse_cached(type(value).__name__, value)  # the type is in the key: 1 and True are equal to a cache


@lru_cache(maxsize=8192)
def _parse_cached(kind: str, value: object) -> Budget:
    if value is None or (isinstance(value, str) and not squash(value)):
        return Budget("", None, frozenset({Note.EMPTY}))
    if isinstance(value, bool):  # as a spreadsheet shows a logical cell, not Python's 「True」
        return Budget("TRUE" if value else "FALSE", None, frozenset({Note.NOT_NUMBER}))
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        # 1/5 typed where the cell's format is General: the spreadsheet made it a date, which is a day count
        # to it, and the 檢查 column reads the count (BUDGET_LARGE's advice says what happened)
        value = _day_count(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return Budget(str(value), None, frozenset({Note.NOT_NUMBER}))
        # Excel stores every number as a float; repr is the shortest text that round-trips (12.5, not
        # 12.4999…), and whole amounts become whole Decimals so they print as 5, not 5.0.
        if isinstance(value, int):
            amount = Decimal(value)
        else:
            amount = Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
        return _checked(number_text(value) if isinstance(value, float) else str(value), amount)
    written = one_line(value)
    squashed = squash(value)
    text = squashed.replace(",", "")
    if text in ZERO_WORDS:
        return Budget(written, Decimal(0), frozenset({Note.ZERO_WORD}))
    match = _AMOUNT.fullmatch(text)
    if not match or (match.group(1) and match.group(3).startswith("-")):  # 「-NT$-5」: no number, to both
        return Budget(written, None, frozenset({Note.NOT_NUMBER}))
    try:
        amount = Decimal(match.group(3)) * (-1 if match.group(1) else 1)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return Budget(written, None, frozenset({Note.NOT_NUMBER}))
    # Read as the 檢查 column reads it (every comma dropped), but a comma out of place may be a decimal point
    # (「5,00」, 「1,234,5」): such an amount is no fix for --fix to write.
    grouping = (Note.GROUPING,) if "," in squashed and not _GROUPED.fullmatch(squashed) else ()
    unit = match.group(4)
    if unit == "元" or (match.group(2) and not unit):
        return _checked(written, amount / THOUSAND, Note.UNIT_YUAN, Note.TEXT, *grouping)
    if unit:
        return _checked(written, amount, Note.UNIT_THOUSAND, Note.TEXT, *grouping)
    return _checked(written, amount, Note.TEXT, *grouping)


# What a spreadsheet can hold, with room for a plan's sum of such amounts to stay a number: a few hundred
# nines typed into 預算 summed to infinity, which no workbook can store (render, --fix, import and
# rollover stopped there). 1e20 is still an amount, absurd but a number, for check to report as one.
MAX_AMOUNT = Decimal("1e300")


def _checked(written: str, amount: Decimal, *notes: Note) -> Budget:
    if abs(amount) >= MAX_AMOUNT:
        return Budget(written, None, frozenset({Note.NOT_NUMBER}))
    found = set(notes)
    if amount < 0:
        found.add(Note.NEGATIVE)
    elif amount == 0 and not found - {Note.TEXT}:
        found.add(Note.ZERO_WORD)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -3 and Note.UNIT_YUAN not in found:
        found.add(Note.PRECISION)
    return Budget(written, amount, frozenset(found))
