"""The form's columns, in the form's order: the one description the template, reader and render share."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Column:
    key: str  # the PlanItem field the column fills
    header: str  # the header text the template writes
    words: tuple[str, ...]  # any of these in a header cell (spaces and line breaks ignored) names the column
    width: float  # template column width, in characters
    exact: bool = False  # the header cell must be exactly one of the words (「單位」, not 「…單位：千元」)


COLUMNS: tuple[Column, ...] = (
    Column("goal", "計畫目標", ("計畫目標",), 18),
    Column("practice", "具體作法", ("具體作法",), 46),
    Column("schedule", "預定進度", ("預定進度", "預定期程", "進度"), 13),
    Column("budget", "備考(預算金額 單位：千元)", ("備考", "預算"), 12),
    Column("category", "業務類別", ("業務類別", "類別"), 12),
    Column("performance", "提列績效對應項目(新增)", ("提列績效", "對應項目", "績效"), 20),
)

# Read when a legacy sheet has them; the template does not write them.
OPTIONAL_COLUMNS: tuple[Column, ...] = (
    Column("remark", "備註", ("備註", "說明"), 16),
    # A merged workbook (xltool merge) carries each row's unit and year.
    Column("unit", "單位", ("單位", "機關", "機關名稱"), 16, exact=True),
    Column("year", "年度", ("年度",), 6, exact=True),
)

# A sheet is a plan when its header row names at least these.
REQUIRED_KEYS = ("practice", "schedule")

TITLE_SUFFIX = "年度廉政工作計畫"
UNIT_LABEL = "機關名稱"
YEAR_LABEL = "年度"
TOTAL_WORDS = ("合計", "總計")
PLAN_SHEET = "計畫表"
GUIDE_SHEET = "填表說明"
LISTS_SHEET = "清單"
MARKER_SHEET = "xltool"
TEMPLATE_VERSION = "1"

GOAL_NUMERALS = "壹貳參肆伍陸柒捌玖拾"
ITEM_NUMERALS = "一二三四五六七八九十"


# xlsxwriter.utility has these two, but importing it loads all of xlsxwriter (~60 ms) on the read path.
def column_letter(index: int) -> str:
    """A1-style letters of a 0-based column index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """The A1 reference of a 0-based (row, column)."""
    return f"{column_letter(col)}{row + 1}"


@cache  # asked for on every row of a plan; there are only ninety-nine of each
def chinese_number(n: int, numerals: str) -> str:
    """壹、貳… or 一、二… for n ≥ 1, as the form numbers goals and practices (十一, 拾壹)."""
    digits, ten = numerals[:9], numerals[9]
    if n < 1 or n > 99:
        return str(n)
    tens, ones = divmod(n, 10)
    text = (digits[tens - 1] if tens > 1 else "") + ten if tens else ""
    return text + (digits[ones - 1] if ones else "")


@cache
def numeral_value(text: str, numerals: str) -> int | None:
    """The number a Chinese numeral stands for (十一 → 11), or None when it is not one."""
    digits, ten = numerals[:9], numerals[9]
    if not text or any(ch not in numerals for ch in text):
        return None
    if ten not in text:
        return digits.index(text) + 1 if len(text) == 1 else None
    head, _, tail = text.partition(ten)
    if len(head) > 1 or len(tail) > 1:
        return None
    tens = digits.index(head) + 1 if head else 1
    return tens * 10 + (digits.index(tail) + 1 if tail else 0)
