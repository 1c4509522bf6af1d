"""The form, described once: its columns, sheets, title, fonts, page and the words users read.

Every table xltool writes or reads (the template, the printout, the merged workbook, the CSV export,
the findings) takes its headers, names and widths from here, so a change to the form is one change.
A test fails if any other module spells a column header or a sheet name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from xltool.text import squash

# ---------------------------------------------------------------------------------------------- columns


class Kind(StrEnum):
    """What a column's cells hold: how the reader makes them an item's values, and how each writer shows them.

    The form's six columns each have a kind of their own, kept in attributes of ``PlanItem`` of their own
    (goal_no and goal, item_no and practice, schedule_info, budget_info, category, performance). Any other
    column is text: the item keeps it in ``PlanItem.texts`` under the column's key, and every writer shows it
    as the text it is (docs/ARCHITECTURE.md: adding a column).
    """

    GOAL = "goal"  # 壹、… numbered, one goal carried down the practices it spans
    PRACTICE = "practice"  # 一、… numbered: each practice row is an item
    SCHEDULE = "schedule"  # ROC year and months (xltool.schedule)
    BUDGET = "budget"  # thousands of NTD (xltool.budget)
    CATEGORY = "category"  # a category of the catalog, or another name of one
    PERFORMANCE = "performance"  # an item of the catalog, spelt one way
    TEXT = "text"


@dataclass(frozen=True)
class Field:
    """One field of a practice row, with every name it goes by; a column of the form (``COLUMNS``) also
    says what its cells hold and how it is printed, and everything that reads or writes the form's table
    (reader, model, JSON and CSV, template, merged workbook, printout, document, diff) follows from that."""

    key: str  # JSON key; PlanItem attribute (a text column's: its key in PlanItem.texts)
    name: str  # short name: findings, CSV, terminal tables (預定進度)
    header: str = ""  # the form's column header as one line (template, merged workbook)
    printed: str = ""  # the header as the printout breaks it
    words: tuple[str, ...] = ()  # any of these in a header cell (spaces and breaks ignored) names the column
    exact: bool = False  # the header cell must be exactly one of the words (「單位」, not 「…單位：千元」)
    width: float = 0  # template column width, in characters
    prompt: str = ""  # the template's input message for the column
    # Printout column width in xlsxwriter characters (a column prints 7 w + 5 pt in 標楷體 14): together
    # 450 pt, the 16 cm between A4's 2.5 cm margins at 100 %, 具體作法 the widest, the header in 3 lines.
    print_width: float = 0  # 0: not printed
    kind: Kind = Kind.TEXT
    # A text column's cell value → the item's text (the reader calls it once for each distinct value);
    # None: the cell's text on one line. The six kinds are read by the reader's own code for each.
    parse: Callable[[object], str] | None = None
    align: str = "left"  # printed: left, center or right
    merged_width: float = 0  # the merged workbook's column width, when not the template's


GOAL = Field(
    "goal", "計畫目標", "計畫目標", "計畫\n目標", ("計畫目標",), width=18, print_width=6, kind=Kind.GOAL, merged_width=24,
    prompt="以「壹、」「貳、」…依序編號，例如「壹、遵行政策指引、擘劃廉能願景。」。"
    "只需填在該目標第一個具體作法那一列，以下各列沿用。目標應具體量化、簡明扼要，項目不宜太多（填表說明 二）。",
)  # fmt: skip
PRACTICE = Field(
    "practice", "具體作法", "具體作法", "具體作法", ("具體作法",), width=46, print_width=20, kind=Kind.PRACTICE,
    merged_width=48,
    prompt="以「一、」「二、」…編號，每個計畫目標下重新從「一、」起算。請寫出可衡量的作法，例如辦理場次、人數或件數（填表說明 二）。",
)  # fmt: skip
SCHEDULE = Field(
    "schedule", "預定進度", "預定進度", "預定\n進度", ("預定進度", "預定期程", "進度", "期程"), width=13, print_width=10,
    kind=Kind.SCHEDULE, align="center",
    prompt="例如 {year}.01-12、{year}.08、{year}.10-{next_year}.03、{year}.01、04、07、10。"
    "請寫出階段進度及完成時限，勿用「經常辦理」「隨時」等不確定用語（填表說明 三）。",
)  # fmt: skip
BUDGET = Field(
    "budget", "預算(千元)", "備考(預算金額 單位：千元)", "備考\n(預算金額\n單位：千元)", ("備考", "預算", "經費"), width=12, print_width=11,
    kind=Kind.BUDGET, align="right",
    prompt="請填所需經費，單位為新臺幣千元，例如 5 或 12.5；無經費請填 0（填表說明 六）。",
)  # fmt: skip
CATEGORY = Field(
    "category", "業務類別", "業務類別", "業務\n類別", ("業務類別", "類別"), width=12, print_width=4,
    kind=Kind.CATEGORY, align="center",
    prompt="請由清單選擇：{choices}（填表說明 四）。",
)  # fmt: skip
PERFORMANCE = Field(
    "performance", "提列績效對應項目", "提列績效對應項目(新增)", "提列績效\n對應項目\n(新增)",
    ("提列績效", "對應項目", "績效"), width=20, print_width=9, kind=Kind.PERFORMANCE,
    prompt="請先選業務類別，再由清單選擇「政策目標-細項」；自主管理項目請填「自主管理-項目名稱」；"
    "無對應項目請填「無」或詳予敘明（填表說明 五）。",
)  # fmt: skip

# The form's columns in their order: the template's, the merged workbook's and (those printed) the printout's.
COLUMNS: tuple[Field, ...] = (GOAL, PRACTICE, SCHEDULE, BUDGET, CATEGORY, PERFORMANCE)
COLUMN_AT: dict[str, int] = {c.key: i for i, c in enumerate(COLUMNS)}  # a column's 0-based position, by key
TEXT_COLUMNS: tuple[Field, ...] = tuple(c for c in COLUMNS if c.kind is Kind.TEXT)
PRINTED: tuple[Field, ...] = tuple(c for c in COLUMNS if c.print_width)  # the printout's and the document's
PRINTED_AT: dict[str, int] = {c.key: i for i, c in enumerate(PRINTED)}

# Read when a legacy sheet or a merged workbook has them; the template does not write them.
REMARK = Field("remark", "備註", "備註", words=("備註", "說明"), width=16)
UNIT = Field("unit", "單位", "單位", words=("單位", "機關", "機關名稱"), exact=True, width=16)
YEAR = Field("year", "年度", "年度", words=("年度",), exact=True, width=6)
OPTIONAL_COLUMNS: tuple[Field, ...] = (REMARK, UNIT, YEAR)
# Every column the reader finds by its header: an item's cells are named by their keys (PlanItem.cells, and
# the `cells` of each practice in the JSON of `xltool read`, in this order).
HEADER_COLUMNS: tuple[Field, ...] = (*COLUMNS, *OPTIONAL_COLUMNS)

# The template's 檢查 column, after the form's: formulas that show each row's first problem (xltool.live).
# Not a field of the form: readers skip it, and nothing prints it.
LIVE = Field(
    "live", "檢查", "檢查", words=("檢查",), exact=True, width=50,
    prompt="本欄由公式自動檢查，不能填寫：顯示這一列最需要修正的問題，有問題的格子會標示紅色（錯誤）或黃色（警告）。",
)  # fmt: skip

# A sheet is a plan when its header row names at least these.
REQUIRED_KEYS = ("practice", "schedule")

# Fields that are not columns of the form, for exports and findings.
GOAL_NO = Field("goal_no", "目標編號")
ITEM_NO = Field("item_no", "作法編號")
MONTHS = Field("months", "月份")
SHEET = Field("sheet", "工作表")
CELL = Field("cell", "儲存格")
SOURCE_FILE = Field("file", "來源檔案", "來源檔案")
SOURCE_CELL = Field("source_cell", "來源儲存格", "來源儲存格")

# 收件情形: each roster unit's state this season (season.Receipt.row gives the values in this order).
STATUS = Field("status", "狀態", "狀態")
FILES = Field("files", "檔案", "檔案")
PRACTICES = Field("practices", "具體作法數", "具體作法數")
ERRORS = Field("errors", "錯誤", "錯誤")
WARNINGS = Field("warnings", "警告", "警告")
NOTE = Field("note", "說明", "說明")
RECEIPT_FIELDS: tuple[Field, ...] = (UNIT, STATUS, FILES, PRACTICES, BUDGET, ERRORS, WARNINGS, NOTE)
RECEIPT_WIDTHS = (20, 10, 30, 10, 12, 6, 6, 40)  # 134: printed at full size (LIST_MARGIN_CM), contacts after
# A roster's contact columns (any of the words in a header cell names the column, letters in any case),
# carried into 收件情形 and the chase list.
PERSON = Field("person", "承辦人", "承辦人", words=("承辦人", "聯絡人", "承辦"), width=10)
EMAIL = Field(
    "email", "電子郵件", "電子郵件", words=("電子郵件", "電子信箱", "email", "e-mail", "信箱", "郵件"), width=28
)
PHONE = Field("phone", "電話", "電話", words=("電話", "分機"), width=16)
CONTACT_FIELDS: tuple[Field, ...] = (PERSON, EMAIL, PHONE)
# The chase list (--chase 待催.csv): the units to write to, and what each must do.
TODO = Field("todo", "請辦理", "請辦理")
CHASE_FIELDS: tuple[Field, ...] = (UNIT, STATUS, *CONTACT_FIELDS, TODO, FILES)


def _item_fields(column: Field) -> tuple[Field, ...]:
    """A column's fields in a practice's JSON and CSV: a numbered column's number before it, the schedule's
    months after it."""
    if column.kind is Kind.GOAL:
        return (GOAL_NO, column)
    if column.kind is Kind.PRACTICE:
        return (ITEM_NO, column)
    if column.kind is Kind.SCHEDULE:
        return (column, MONTHS)
    return (column,)


# A practice in JSON and CSV (`xltool read`, PlanItem.to_dict): the fields of each column in turn.
ITEM_FIELDS: tuple[Field, ...] = tuple(f for c in COLUMNS for f in _item_fields(c))
# `xltool read --format csv`: one row per practice, for Excel.
CSV_FIELDS: tuple[Field, ...] = (UNIT, YEAR, *ITEM_FIELDS, SHEET, CELL)

# The merged workbook's 彙整 sheet (and each unit's sheet): the form's columns between who and where, and
# the unit's name as its file wrote it (the 單位 column says the roster's name; a blank cell stays blank here).
UNIT_WRITTEN = Field("unit_written", "填寫的機關名稱", "填寫的機關名稱")
# When the unit's file was saved (its own record, else its date on disk): a later round tells by it whether a
# file the unit sends again is newer than the version merged, which the 彙整's own saved time does not say.
SOURCE_SAVED = Field("source_saved", "來源存檔時間", "來源存檔時間")
MERGED_FIELDS: tuple[Field, ...] = (UNIT, YEAR, *COLUMNS, SOURCE_FILE, SOURCE_CELL, UNIT_WRITTEN, SOURCE_SAVED)
# A unit's name of ten characters on one line; each column as wide as in the template, unless it says.
MERGED_WIDTHS = (20, 6, *(c.merged_width or c.width for c in COLUMNS), 30, 12, 20, 20)
# The printout of 彙整 stops before the fields a screen needs to go back to a file (來源檔案 on): the form's
# columns with their unit, 155 characters, print at 9–10 pt on A4 landscape where all 217 printed at 6.
MERGED_PRINTED = MERGED_FIELDS.index(SOURCE_FILE)

# ---------------------------------------------------------------------------------------------- sheets

PLAN_SHEET = "計畫表"
GUIDE_SHEET = "填表說明"
LISTS_SHEET = "清單"
MARKER_SHEET = "xltool"
RESULTS_SHEET = "檢查結果"
MERGED_SHEET = "彙整"
STATS_SHEET = "統計"
RECEIPT_SHEET = "收件情形"
GANTT_SHEET = "進度甘特圖"
CHANGES_SHEET = "變更比對"
MARKS_SHEET = "xltool標註"  # very hidden: the cells and sheets xltool marked in a copy, taken back by the next copy
MARKS_HEADER = ("工作表", "儲存格", "標註底色", "原本底色", "註解")  # its columns (xlsxedit reads them back)
# Every sheet name the form's own workbooks use: a sheet named after a unit must never take one of them
# (a unit called 計畫表 would be read as the plan of the whole merged workbook).
FORM_SHEETS = (
    PLAN_SHEET, GUIDE_SHEET, LISTS_SHEET, MARKER_SHEET, RESULTS_SHEET, MERGED_SHEET, STATS_SHEET, RECEIPT_SHEET,
    GANTT_SHEET, CHANGES_SHEET, MARKS_SHEET,
)  # fmt: skip

# The findings table (檢查結果): a merged workbook has the first two columns, an annotated copy not.
RESULT_HEADER = ("檔案", "單位", "嚴重度", "代碼", "位置", "欄位", "內容", "問題", "建議")
# 174 characters, wrapped (a code, a path): about 8.5 pt on A4 landscape inside LIST_MARGIN_CM (236 printed at 6).
RESULT_WIDTHS = (20, 14, 7, 20, 12, 12, 24, 33, 32)
# An annotated copy's own 檢查結果 (no 檔案, 單位): 125 characters of Calibri 11, the default font of an
# Excel workbook, fill the width of A4 landscape inside 2.5 cm margins; a larger font is scaled to fit.
COPY_RESULT_WIDTHS = (6, 24, 11, 9, 19, 28, 28)


class Severity(StrEnum):
    """How much a finding matters: an error fails ``check``, a warning fails it under --strict, an info is a
    reminder. A StrEnum, so JSON and text show "error" … and scripts compare with plain strings."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_WORDS = {Severity.ERROR: "錯誤", Severity.WARNING: "警告", Severity.INFO: "提示"}
# The colours of an annotated cell (Excel's own bad/neutral); an info leaves its cell as it was.
FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C"}
FINDING_NOTE = (
    "【{severity}】{message}\n建議：{hint}"  # an annotated cell's note for one finding (severity in SEVERITY_WORDS)
)

# The changes table (變更比對) of a compared copy, and the colours of its cells: a changed cell as a warning
# is marked, an added practice in Excel's own "good" green.
CHANGES_HEADER = ("變更", "位置", "上一版位置", "作法", "欄位", "上一版", "本版")
CHANGES_WIDTHS = (6, 12, 12, 8, 12, 37, 37)  # as COPY_RESULT_WIDTHS: A4 landscape
CHANGE_FILLS = {"changed": FILLS[Severity.WARNING], "added": "C6EFCE"}
CHANGE_WORDS = {"added": "新增", "removed": "刪除", "changed": "修改", "moved": "移動"}

# ---------------------------------------------------------------------------------------------- title

TITLE_SUFFIX = "年度廉政工作計畫"
SUBJECT = "機關廉政工作年度計畫"
# The keywords of a printout's document properties (Excel and LibreOffice keep them when they save it again):
# how the reader tells xltool's own printout, saved into an inbox, from a plan it cannot read.
PRINTOUT_KEYWORDS = "xltool 列印版"
UNIT_LABEL = "機關名稱"
# The words a unit's name shares with every unit of its kind (regular expressions): the ethics office's own
# (「臺東縣警察局政風室」 is 「臺東縣警察局」's office), and its level of government (縣政府, 鄉公所). What tells
# two units apart is the rest (roster's 「是否為」), and no copy is told apart by them (merge's 相似計畫).
OFFICE_WORDS = r"政風(?:室|處|科|課|組|股|單位|機構|辦公室)?"
LEVEL_WORDS = r"[縣市]?政府|[鄉鎮市區]?公所"
YEAR_LABEL = "年度"
TOTAL_LABEL = "合計"
TOTAL_WORDS = (TOTAL_LABEL, "總計")
NOTES_WORDS = ("備註", GUIDE_SHEET)

# What a finding's 欄位 says, by the field the rule is about.
FIELD_NAMES: dict[str, str] = {
    **{f.key: f.name for f in COLUMNS},
    "unit": UNIT_LABEL,
    "year": YEAR_LABEL,
    UNIT_WRITTEN.key: UNIT_WRITTEN.name,  # a 彙整 row's cell (PlanItem.cells), a formula there said as any
    "title": "標題",
    "total": TOTAL_LABEL,
    "plan": "整份計畫",
}

# A title's last words, 工作計畫, or 工作計劃 as many write it (both are in use; the form's is 計畫).
_TITLE_WORDS = rf"{TITLE_SUFFIX[2:-1]}[畫劃]"
_TITLE_END = re.compile(_TITLE_WORDS)
# The year is two or three digits standing alone: 「…處2019年度…」 names no ROC year (not 19).
_TITLE = re.compile(rf"^(.*?)(?<!\d)(\d{{2,3}})\s*年度?\s*{_TITLE_WORDS}")


def plan_title(unit: str, year: int | None) -> str:
    """「金門縣政府政風處108年度廉政工作計畫」: the form's first line, and every file's title."""
    return f"{unit}{year if year is not None else ''}{TITLE_SUFFIX}"


def parse_title(title: str) -> tuple[str, int] | None:
    """Unit and year from a title like 「金門縣政府政風處108年度廉政工作計畫」, if it is one."""
    match = _TITLE.match(squash(title))
    return (match.group(1), int(match.group(2))) if match else None


def is_title(text: str) -> bool:
    return _TITLE_END.search(text) is not None


# ---------------------------------------------------------------------------------------------- print

FONT = "標楷體"  # the form's font (DFKai-SB); Excel on Windows has it, LibreOffice substitutes a Kai face
TITLE_SIZE = 18
BODY_SIZE = 14
LINE_HEIGHT = 22  # pt, fixed (填表說明 七)
MARGIN_CM = 2.5
# The saved time every workbook xltool writes records (fixed, so the same arguments give the same bytes).
# It is no saved time: a plan made by import or rollover and sent as it is must not count as older than
# one saved in Excel last week (roster.recorded_time reads it as none, and the file's date decides).
DOCUMENT_DATE = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
# The merged workbook's lists are read, not filed with the plan: narrower margins leave their type larger.
LIST_MARGIN_CM = 1.5
PAGE_FOOTER = "&C第 &P 頁，共 &N 頁"  # page number at the bottom centre
A4 = 9  # the paper code Excel and LibreOffice use


def print_points(field: Field) -> float:
    """A column's printed width in points: a width of w characters prints 7 w + 5 pt in 標楷體 14
    (measured in LibreOffice; see linebreak)."""
    return 7 * field.print_width + 5


# The document's columns (xltool render --docx) are the printout's: one set of widths for every printed
# form, filling the 16 cm between the margins, 具體作法 the widest.
DOCUMENT_WIDTHS_CM = {c.key: round(print_points(c) / 72 * 2.54, 3) for c in PRINTED}

NOTES = (
    "備註：",
    "1、本表電子檔請同步傳送本署承辦人信箱，俾辦理後續審查作業。",
    "2、所訂年度計畫如無法配合於該年度政風機構績效制度之截止陳報期限內完成者，各單位仍應落實相關管考作為，"
    "並列入下年度績效案件陳報。",
)


@dataclass(frozen=True)
class Page:
    """A sheet's print setup, as data: writers with different libraries apply the same numbers."""

    landscape: bool = False
    repeat_rows: tuple[int, int] | None = None  # 0-based first and last header rows printed on every page
    fit_width: bool = True  # one page wide, as many pages tall as needed
    margin_cm: float = MARGIN_CM
    footer: str = PAGE_FOOTER


# ---------------------------------------------------------------------------------------------- numbering

GOAL_NUMERALS = "壹貳參肆伍陸柒捌玖拾"
ITEM_NUMERALS = "一二三四五六七八九十"
TEMPLATE_VERSION = "1"


SHEET_ROWS, SHEET_COLUMNS = 1_048_576, 16_384  # a sheet's grid in Excel and LibreOffice: A1 to XFD1048576


def column_letter(index: int) -> str:
    """A1-style letters of a 0-based column index.

    xlsxwriter.utility has this, but importing it loads all of xlsxwriter (~60 ms) on the read path.
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(ref: str) -> int:
    """The 0-based column of an A1 reference or column letters ("G3" and "G" → 6)."""
    index = 0
    for letter in ref.lstrip("$").rstrip("0123456789$").upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def cell_ref(row: int, col: int) -> str:
    """The A1 reference of a 0-based (row, column)."""
    return f"{column_letter(col)}{row + 1}"


def quoted_sheet(name: str) -> str:
    """A sheet's name as a formula or a link names it: 「'計畫''表'」 (its own quotes doubled; a link to
    「'計畫'表'!C4」 went nowhere)."""
    return "'" + name.replace("'", "''") + "'"


_CELL = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")


def cell_position(ref: str) -> tuple[int, int] | None:
    """ "B7" → (7, 2), 1-based; None when it is no cell inside the sheet's grid (A1 to XFD1048576)."""
    found = _CELL.fullmatch(ref.strip().upper())
    if not found:
        return None
    col = column_index(found.group(1)) + 1
    row = whole(found.group(2))
    return (row, col) if row <= SHEET_ROWS and col <= SHEET_COLUMNS else None


def cell_row(ref: str) -> int:
    """The 1-based row of an A1 reference (0 when there is none)."""
    digits = ref.lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return whole(digits) if digits.isdecimal() else 0


_WHOLE_DIGITS = 18  # more than any row, column, style, id or count a workbook holds needs


def whole(digits: str | bytes) -> int:
    """A run of decimal digits read from a file, as a number: without its leading zeros (calamine reads
    「A0004」 as row 4), and past 18 digits 10**18, larger than anything a workbook numbers. int() alone
    refuses a text of more than 4,300 digits: a style, a row or an id written with 5,000 of them ended
    the run with 「內部錯誤」."""
    text = (digits.decode("ascii", "replace") if isinstance(digits, bytes) else digits).lstrip("0")
    return int(text or "0") if len(text) <= _WHOLE_DIGITS else 10**_WHOLE_DIGITS


_YEAR_WRITTEN = re.compile(r"(?:民國)?0*(\d{1,4})(?:\.0*)?(?:年度|年)?")


def year_number(squashed: str) -> int | None:
    """The number a year cell's text (squashed) writes, as the 檢查 column reads it: 「109」, 「109年」,
    「民國109年度」, 「0109」, 「108.0」 (a number typed as text); None for what is no whole number (「108-109」,
    「FY108」, 「108.5」), or has more than four digits."""
    found = _YEAR_WRITTEN.fullmatch(squashed)
    return int(found.group(1)) if found else None


@cache  # asked for on every row of a plan; there are only ninety-nine of each
def chinese_number(n: int, numerals: str) -> str:
    """壹、貳… or 一、二… for n ≥ 1, as the form numbers goals and practices (十一, 拾壹)."""
    digits, ten = numerals[:9], numerals[9]
    if n < 1 or n > 99:
        return str(n)
    tens, ones = divmod(n, 10)
    text = (digits[tens - 1] if tens > 1 else "") + ten if tens else ""
    return text + (digits[ones - 1] if ones else "")


_DIGITS = "0-9０-９"


@cache
def numbered_with(numerals: str) -> re.Pattern[str]:
    """A leading number written with ``numerals`` or in Arabic digits, as hand-made plans number goals and
    practices (「一、」, 「(一)」, 「1.」, 「１、」); group 1 or 2 is the number. A "1." is a number only when no
    digit follows it: 「1.5 萬份文宣」 starts with an amount."""
    number = rf"([{numerals}]+|[{_DIGITS}]+)"
    return re.compile(rf"(?:[(（]\s*{number}\s*[)）]|{number}\s*(?:[、,，]|[.．](?![{_DIGITS}])))\s*")


@cache
def numeral_value(text: str, numerals: str) -> int | None:
    """The number a Chinese numeral stands for (十一 → 11), or None when it is not one."""
    digits, ten = numerals[:9], numerals[9]
    if not text or any(ch not in numerals for ch in text):
        return None
    if ten not in text:
        return digits.index(text) + 1 if len(text) == 1 else None
    head, _, tail = text.partition(ten)
    if len(head) > 1 or len(tail) > 1 or ten in tail:
        return None
    tens = digits.index(head) + 1 if head else 1
    return tens * 10 + (digits.index(tail) + 1 if tail else 0)
