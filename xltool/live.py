"""Rules of ``check`` written as spreadsheet formulas: the template's 檢查 column, its "live twins".

Pasting into a cell replaces its validation and its format without a word, and pasting is how plans are
written. A locked formula cell cannot be pasted into, so the template answers with formulas: every rule
of ``check`` that a formula can decide declares, beside its code and message in the rule table
(``xltool.checks.rules``), a :class:`Live` twin: a condition on one row's cells and the words the column
shows. This module turns those twins into the formulas the template writes; it knows no rule itself.

Every formula reads its row **by position**, through relative defined names: a name defined as
``='計畫表'!$C1`` (written relative to A1, as the file format stores it) and used in row r reads C r.
Moving, cut-and-pasting or sorting the input cells rewrites every reference that pointed at them, so a
formula holding ``C7`` would follow the moved cell to another row; a name is not rewritten, and each row
goes on reading its own cells. The names also keep the saved file small: LibreOffice writes every cell's
formula out in full (no shared formulas), and a cell holds only ``=檢_算_v_schedule``; the formula itself
is written once, in the workbook's names. The row above is read through ``INDEX(column, ROW()-1)``
(LibreOffice does not wrap a relative name's row around, as Excel does for ``$C1048576``); the state above,
through the row a hidden cell names (``u_row``): the nearest row above holding one, as a row cleared with
its hidden cells (the sheet unprotected) holds none.

Formulas use only functions that Excel 2010 and LibreOffice 7 both calculate without array entry (no
REGEX, LET, LAMBDA, XLOOKUP, IFS, SWITCH, TEXTJOIN, CONCAT, dynamic arrays). Conditions are written
with ``{name}`` placeholders: the row's cells (``{schedule}`` …), ``{year}``, the shared pieces of
:data:`PIECES` (``{s_text}`` …), and ``{up.x}`` for a stored piece of the row above (what a row
needs from the rows below it, such as the next goal's number, it finds by MATCH in the stored state,
which only grows down the column). A condition that cannot be evaluated on a row (a ``MID`` of a short
text, ``--`` of a word) counts as false: each is wrapped in ``IFERROR``.

Layout: hidden, locked cells after the 檢查 column. Two code cells a row hold each form column's first
problem as a rule number (:data:`CODE_CELLS`; errors, then warnings, then reminders, the rule table's
order within each): the conditional formats colour an input cell by its number, and the visible 檢查
column shows the text of the row's lowest number, looked up by CHOOSE. The other hidden cells
(:data:`STATE`) hold what many conditions share, each computed once: the row the states above are read
from, the goal and practice state of the row (where its goal started, positions and numbers, packed into
one number each), the practice's words and the parsed schedule, budget and item; what is the same on every
row, the plan year, is held once, on the 合計 row (:data:`ONCE`). The cell above the column counts the rows
to fix (reminders are shown, never counted).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from xltool.budget import ZERO_WORDS
from xltool.catalog import Catalog
from xltool.form import (
    COLUMN_AT,
    COLUMNS,
    GOAL_NUMERALS,
    ITEM_NUMERALS,
    LIVE,
    PLAN_SHEET,
    SEVERITY_WORDS,
    TOTAL_LABEL,
    Severity,
    chinese_number,
    column_index,
    column_letter,
    numeral_value,
    quoted_sheet,
)
from xltool.schedule import RELATIVE_MONTHS, ROC_OFFSET
from xltool.text import DASHES, INVISIBLE, TILDES

# Defined names the template gives the lists the formulas look things up in (the very hidden 清單 sheet).
SPELLINGS_NAME = "檢查_業務類別"  # every name and alias of a category, with its name beside it
OWNERS_NAME = "檢查_績效項目"  # every performance item, with the categories it belongs to beside it
VAGUE_NAME = "檢查_不確定用語"  # the catalog's vague words, shortest first (LOOKUP finds the last match)
PREFIX = "檢_"  # every name the formulas use starts with this

SHOWN = (Severity.ERROR, Severity.WARNING, Severity.INFO)  # the order the column tries a row's problems in
COUNTED = (Severity.ERROR, Severity.WARNING)  # what the count above the column counts: an info is a reminder, not a fix
HEADING = ("unit", "year")  # rules about these are checked once, in the heading, not on every row
MAX_FORMULA = 8192  # Excel's limit on a formula's length (a defined name's too), in characters
MAX_NESTING = 64  # Excel's limit on nested functions
MAX_CHOICES = 30  # values a CHOOSE is given: LibreOffice calculates one of at most 31, Excel of 254
SIMPLIFIED_POLICY = "政策目标"  # the policy prefix typed in Simplified characters
# Said above the column of rows it cannot check (Formulas._form_rows): the sheet unprotected, rows inserted
# empty, the header or the 合計 row deleted.
UNCHECKED = (
    "沒有「檢查」欄的公式（插入的空白列），不會被檢查，其下各列的編號也可能不對：請按 Ctrl+Z 復原，"
    "改為複製一整列後「插入複製的儲存格」，或把下面各列的 A 到 F 欄往下移一列"
)
HEADER_GONE = "【錯誤】標題列被刪除了，xltool check 讀不到這份計畫：請按 Ctrl+Z 復原，或重新取得範本"
TOTAL_GONE = "【錯誤】合計列被刪除了：請按 Ctrl+Z 復原，或重新取得範本"
# Said instead of the count once a column is inserted or deleted left of the hidden columns (the sheet
# unprotected): see Formulas._count.
COLUMNS_MOVED = "【錯誤】計畫表插入或刪除了欄，「檢查」欄已無法檢查：請按 Ctrl+Z 復原；序號、備註等請寫進具體作法"


@dataclass(frozen=True)
class Live:
    """A rule's twin in the template: ``when`` a formula condition holds on a row, the column shows the
    rule's own message with its ``{placeholders}`` filled by formula pieces.

    ``fill`` says how to fill a placeholder the defaults do not (``{value}`` is the rule's cell as
    written, ``{year}`` the plan's year, ``{next_year}`` the year after).
    """

    when: str
    fill: Mapping[str, str] = field(default_factory=dict)


class LiveRule(Protocol):
    """What the template needs of a rule (``xltool.checks.rules.Rule`` is one)."""

    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def field(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def live(self) -> Live | None: ...


def _nested(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """SUBSTITUTE(SUBSTITUTE(text, a, b), c, d) …"""
    for old, new in pairs:
        text = f"SUBSTITUTE({text},{_quoted(old)},{_quoted(new)})"
    return text


def year_digits(cell: str) -> str:
    """A formula of a year cell's text without 民國, 年, 年度 and spaces, in half-width digits: 「民國 109 年度」
    and an IME's 「１０９年」 are 「109」."""
    return _nested(f'ASC(CLEAN({cell}&""))', [("民國", ""), ("年度", ""), ("年", ""), (" ", ""), ("\u3000", "")])


def _digit(character: str) -> str:
    """Whether a one-character text is a digit (an empty one is not)."""
    return f'ISNUMBER(FIND("|"&{character}&"|","|0|1|2|3|4|5|6|7|8|9|"))'


def _roc(year: str) -> str:
    """The ROC year of a year as read: a western year (2019) is its ROC year (108)."""
    return f"IF(AND(ISNUMBER({year}),{year}>{ROC_OFFSET}),{year}-{ROC_OFFSET},{year})"


def _whole_year(year: str) -> str:
    return f"IF(ISNUMBER({year}),AND(MOD({year},1)=0,{year}>0,{year}<1000),FALSE)"


# What check reads as a space (str.strip, NFKC) and TRIM does not take off, as typed most: an IME's ideographic
# space and a web page's no-break space. (A tab is taken off by CLEAN where a cell's being empty is asked, and
# by the schedule's and the budget's own pieces. The en and em spaces of a word processor are left out: every
# practice and goal piece writes these out, and the row's codes are near LibreOffice's 8,192 tokens a formula.)
SPACES = ("\u3000", "\u00a0")


def spaced(text: str) -> str:
    """A formula's text with an ideographic and a no-break space as spaces, which TRIM takes off."""
    return _nested(text, [(space, " ") for space in SPACES])


def _controls(formula: str) -> str:
    """A line break, a carriage return, a tab or a CHAR(1) in a formula's text constants written as CHAR(),
    as Excel and LibreOffice both read them."""
    for control in ("\n", "\r", "\t", "\x01"):
        formula = formula.replace(f'"{control}"', f"CHAR({ord(control)})")
    return formula


def trimmed(text: str, *, lines: str | None = None, several: bool = True) -> str:
    """A formula of a cell's text as check reads it: a tab, an IME's or a web page's space as a space, and
    TRIMmed (「　二、…」 indented with the IME's space is numbered 二); a line break as ``lines`` when given, and
    the CHAR(1) LibreOffice gives a formula for a tab in a cell of ``several`` lines. (Each is a SUBSTITUTE
    written out wherever the text is used: a goal's leave CHAR(1) out, or the row's codes took LibreOffice
    past 8,192 tokens.)"""
    pairs = [("\t", " "), *([("\x01", " ")] if several else []), *((space, " ") for space in SPACES)]
    pairs += [("\n", lines)] if lines is not None else []
    return "TRIM(" + _controls(_nested(text, pairs)) + ")"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _array(words: Sequence[str]) -> str:
    """An inline array constant of texts: {"a","b"}."""
    return "{" + ",".join(map(_quoted, words)) + "}"


def _only(prefix: str) -> str:
    """The performance item is the catalog's ``prefix`` (policy or free) and nothing but dashes, colons
    and spaces after it."""
    rest = _nested(f"MID({{p_text}},LEN({{{prefix}}})+1,99)", [("-", ""), (":", ""), (" ", "")])
    return f'AND({{p_{prefix}}},{rest}="")'


@functools.cache
def _numeral_lookup(numerals: str) -> tuple[str, str]:
    """Every numeral form.numeral_value reads and what it stands for, as two arrays for MATCH and INDEX
    (made when a template is written: ~10 ms that check, read and merge need not pay on start-up)."""
    read = {word: numeral_value(word, numerals) for word in _numerals_read(numerals)}
    return _array(list(read)), "{" + ",".join(str(value) for value in read.values()) + "}"


def _numerals_read(numerals: str) -> list[str]:
    """Every numeral form.numeral_value reads (1 to 99: 一 … 九十九, and 一十 … 一十九), chinese_number's first."""
    written = [chinese_number(n, numerals) for n in range(1, 100)]
    words = ["".join(chars) for size in (1, 2, 3) for chars in itertools.product(numerals, repeat=size)]
    return written + [word for word in words if word not in written and numeral_value(word, numerals) is not None]


def _numbered(key: str, text: str, numerals: str, lookup: str) -> dict[str, str]:
    """Pieces that read a numbered text as the reader does (``壹、…``, ``(一)…``; reader._GOAL/_ITEM):
    ``{key}_run`` (how many numerals it starts with), ``{key}_parsed`` (what they stand for as a code:
    form.numeral_value + 2, 1 when it is not a number, 0 when the text has no number and mark),
    ``{key}_token`` (the number as written) and ``{key}_rest`` (where the words after it start).
    ``{key}_has`` and ``{key}_value`` read ``{key}_code``, which the caller says where to find (the
    row's own number is held in a hidden cell, :data:`STATE`). ``{lookup}_words`` and ``{lookup}_values``
    are the numerals' lookup arrays (:func:`_numeral_lookup`)."""
    t, start, run = f"{{{key}_t}}", f"{{{key}_start}}", f"{{{key}_run}}"
    # Which of the four characters from the start are numerals, as the bits of a number (padded: FIND
    # finds "" anywhere); the run is its trailing ones. LibreOffice writes a name out in full wherever it
    # is used and calculates it again there: the run is named three times, the text once in it.
    numeral_bits = (
        f'SUMPRODUCT(ISNUMBER(FIND(MID(MID({t},{start},4)&"____",{{1,2,3,4}},1),{_quoted(numerals)}))*{{1,2,4,8}})'
    )
    trailing_ones = ",".join(str(len(f"{bits:04b}") - len(f"{bits:04b}".rstrip("1"))) for bits in range(16))
    # The mark after the number: ")" after "(一", else 、 . , (full or half width), a space allowed before
    # it (the text is TRIMmed: no two spaces in a row). Bars around it, as FIND finds "" anywhere.
    after = f"LEFT(IF({start}=2,MID({t},{start}+{run},1),TRIM(MID({t},{start}+{run},2))),1)"
    has = f'IF({run}>0,ISNUMBER(FIND("|"&{after}&"|",IF({start}=2,"|)|）|","|、|.|,|．|，|"))),FALSE)'
    token = f"MID({t},{start},{run})"
    # form.numeral_value of the token, looked up among every numeral it reads (十一 and 一十一 alike)
    value = f"IFERROR(INDEX({{{lookup}_values}},MATCH({token},{{{lookup}_words}},0)),-1)"
    return {
        f"{key}_t": text,
        f"{key}_start": f'IF(OR(LEFT({t},1)="(",LEFT({t},1)="（"),2,1)',
        f"{key}_run": f"CHOOSE(1+{numeral_bits},{trailing_ones})",
        f"{key}_parsed": f"IF({has},{value}+2,0)",
        f"{key}_has": f"{{{key}_code}}<>0",
        f"{key}_value": f"{{{key}_code}}-2",
        f"{key}_token": token,
        f"{key}_rest": f'{start}+{run}+IF({start}=2,1,IF(MID({t},{start}+{run},1)=" ",2,1))',
    }


# The goal typed on this row (read where a goal starts, into the row's state), the goal the row belongs to
# (read again at its own row for a message) and the row's practice.
_GOAL_WRITTEN = _numbered("gw", "{g_written}", GOAL_NUMERALS, "goal_numerals")
_GOAL = _numbered("g", "{g_text}", GOAL_NUMERALS, "goal_numerals")
_ITEM = _numbered("n", "{n_cell}", ITEM_NUMERALS, "item_numerals")


def chinese(number: str, numerals: str) -> str:
    """A formula for form.chinese_number: 壹、貳… or 一、二… of a number from 1 to 99 (else its digits), looked
    up in a list rather than built (a built one names the number eight times, and every name is written out
    in full wherever LibreOffice meets it)."""
    return f'IFERROR(INDEX({_array([chinese_number(n, numerals) for n in range(1, 100)])},{number}),{number}&"")'


# Bad two-digit months after a 、: 00, 13-19 and anything from 20 up.
_BAD_MONTHS = ["00", *(str(m) for m in range(13, 20)), *(str(d) for d in range(2, 10))]
# Bad months in a list with no year, between two marks: 0, 00, and 13 to 99.
# Every pair of months 1-12 as first × 100 + last, and its code in s_span: -1 in order, -5 reversed.
_MONTH_CODES = (
    "{" + ",".join(str(a * 100 + b) for a in range(1, 13) for b in range(1, 13)) + "}",
    "{" + ",".join("-1" if a <= b else "-5" for a in range(1, 13) for b in range(1, 13)) + "}",
)
_BAD_LISTED = [f"、{m}、" for m in ("0", "00", *(str(n) for n in range(13, 100)))]

# A practice cell's text with every line start marked ¶ (Alt+Enter), spaces gone, every numeral written
# 一 and every mark 、: a second practice in the cell is then one of a few short patterns. Line breaks at
# its start or end, or several in a row, are one break or none, as check reads them (TRIM, once each break
# is the only space left): 「\n二、…」 is one practice, numbered 二. A CR alone is a break, as check reads it.
_BROKEN = (
    "SUBSTITUTE(TRIM("
    + _controls(
        _nested("{practice}", [*((space, "") for space in (" ", "\t", "\x01", *SPACES)), ("\r", " "), ("\n", " ")])
    )
    + ')," ","¶")'
)
_LINES = _nested(
    _BROKEN,
    [(n, ITEM_NUMERALS[0]) for n in ITEM_NUMERALS[1:]] + [(m, "、") for m in ".,．，"] + [("（", "("), ("）", ")")],
)
_SECOND = [f"¶{'一' * n}、" for n in (1, 2, 3)] + [f"¶({'一' * n})" for n in (1, 2, 3)]  # 一、 first, then (一)
# The same lines for practices numbered with digits (model.DIGIT_NUMBERED_LINE): full-width forms half-width
# (ASC, which makes 「、」 「､」: put back), 「.」 a 「、」, and a mark before a digit (「3.5 萬份」, an amount the
# reader does not start a line with) no mark. A line numbered 3 is then 「¶3、」 or 「¶(3)」.
_DIGIT_LINES = _nested("ASC(" + _BROKEN + ")", [("､", "、"), (".", "、"), *((f"、{d}", f"_{d}") for d in range(10))])
# Up to 9 numbers after the first line's (its number times 1, plus 1 … 9), and 1 (times 0, plus 1): a line
# numbered 1 makes the lines points of one practice, numbered afresh (weighed -99).
_AFTER = "{1,1,1,1,1,1,1,1,1,0}", "{1,2,3,4,5,6,7,8,9,1}", "{1,1,1,1,1,1,1,1,1,-99}"

# The two state numbers (STATE), as powers of ten: each part's place.
_GS_ROW, _GS_POS, _GS_CODE = "1E9", "1E4", "10"
_PS_ROWS, _PS_POS, _PS_COUNT = "1E10", "1E5", "1E3"


def _goal_offset(state: str) -> str:
    """A goal's offset (its number - its position, "x" when it has none) from the goal state of one of its rows."""
    code = f"MOD(INT({state}/{_GS_CODE}),{_GS_POS}/{_GS_CODE})"
    position = f"MOD(INT({state}/{_GS_POS}),{_GS_ROW}/{_GS_POS})"
    return f'IF({code}>=3,({code}-2-{position})&"","x")'


def _item_position(state: str) -> str:
    """The position in its goal of a practice row's (first) practice, from the row's practice state."""
    return f"MOD(INT({state}/{_PS_POS}),{_PS_ROWS}/{_PS_POS})-MOD(INT({state}/{_PS_COUNT}),{_PS_POS}/{_PS_COUNT})+1"


def _item_offset(state: str) -> str:
    """A practice row's offset (its number - its position, "x" when it has none) from its practice state."""
    code = f"MOD({state},{_PS_COUNT})"
    return f'IF({code}>=3,({code}-2-({_item_position(state)}))&"","x")'


def _after(position: str, *, last: bool = False) -> str:
    """The place among the input rows of the first row after ``position`` (a place among them, 0 the row
    above the first) that holds a state: the row that reads the states above it from that one (u_row). A row
    cleared with its hidden cells holds none and is passed over, as check passes over a blank row (stepping
    to the next place landed on it: a blank state). The rows' u_row only grows down the column: MATCH finds
    the row by halves. With ``last`` the position may be the last row holding a state, with none after it:
    the exact MATCH finds none, an error (as INDEX past the list's end was); it is a linear search, for the
    words of a message, calculated on the one row that shows it."""
    row = f"{position}+{{top}}"
    return f"MATCH({row},{{u_row_rows}},0)" if last else f"MATCH({row},{{u_row_rows}},1)"


# The practice state of the next practice row: the first whose count of practice rows is one more.
_NEXT_PRACTICE = f"INDEX({{ps_rows}},{_after(f'MATCH(({{p_rows}}+1)*{_PS_ROWS}-0.5,{{ps_rows}},1)', last=True)})"

# The year cell as the reader reads it: a number, or text that is one once 民國, 年 or 年度 and spaces are
# taken off (「109年」 pasted over the validation); other text stays text (no year).
YEAR_TYPED = "IF(ISNUMBER({year_cell}),{year_cell},IFERROR(--(" + year_digits("{year_cell}") + "),{year_cell}))"

# The pieces conditions share. A piece may use cells and other pieces; names starting s_ are about the
# schedule, b_ the budget, c_ the category, p_ the performance item, g_ the goals, n_ the practices'
# numbers. Each is a defined name of the template.
PIECES: Mapping[str, str] = MappingProxyType(
    {
        # Whether the row holds anything check reads as a practice row (a goal alone is not one).
        # An ideographic or a no-break space, a tab or a line break alone is nothing, as check reads a cell
        # (TRIM takes off none of them: SPACES and CLEAN).
        "filled": f"LEN(TRIM(CLEAN({spaced('{practice}&{schedule}&{budget}&{category}&{performance}')})))>0",
        # An ideographic or a no-break space alone is no practice, to check: n_cell has them taken off already.
        "has_practice": "LEN({n_cell})>0",
        # The practice as check reads it: a tab pasted from Word, an IME's or a web page's space is a space
        # (at its start, nothing: 「　二、…」 indented with the IME's space read as no number); so is a line
        # break, which only its number and whether there is one are read from (「\n二、…」 is numbered 二).
        "n_cell": trimmed('SUBSTITUTE({practice},CHAR(13)," ")', lines=" "),  # a bare CR too (an old Mac's)
        # The plan year, as the reader takes it (a western year, 2019, is its ROC year, 108): read once, into
        # a hidden cell of the 合計 row ("year" in STATE, held ONCE); written out wherever a row uses the year,
        # the reading of a text year took LibreOffice past 8,192 tokens a formula. The heading's rules read it
        # where they are calculated.
        "h_year": _roc("{year_read}"),
        "year_read": YEAR_TYPED,
        # 108.5, 0 and 1E+308 are no year (YEAR_UNREADABLE), as the reader reads a year: a whole 1 to 999
        "has_year": _whole_year("{year}"),
        "h_has_year": _whole_year("{h_year}"),
        # 預定進度. The common shapes, written exactly: 108.08, 108.01-12, 108.10-109.03 and 108.01、04、07
        # (three-digit year, two-digit months); the same with a western year (2019.01-12), and a month or
        # months with no year (1-12月). Anything else a formula leaves to check.
        # its lines joined, as the reader joins them; what no one sees pasted with it (text.INVISIBLE: a zero-width
        # space, a word joiner …) gone, as check drops it (LibreOffice's MATCH passes over them, and the months read
        # beside one were wrong)
        "s_text": trimmed(_nested("{schedule}", [(ch, "") for ch in INVISIBLE]), lines="、", several=False),
        # its shape read without the spaces check reads past (「108.10　-109.03」 is 108.10-109.03), with every
        # dash and tilde check reads as a range's dash (「108.10～109.03」, 「108.12—01」, 「108.10至109.03」) and
        # full-width forms half-width (「１０８．０１－１２」), as s_bare reads months alone. Held in a hidden cell
        # of its row (STATE): written out in each of its ~40 uses, it took s_span near LibreOffice's 8,192
        # tokens with 「-」 alone; its cell's room came from the plan year's (ONCE).
        "s_folded": _nested(
            "ASC(" + _nested('SUBSTITUTE({s_text}," ","")', [(d, "-") for d in DASHES + TILDES]) + ")",
            # a line break is a 、, as check reads one (108.03⏎108.09), but one beside a dash or a 、 only
            # wrapped the cell (108.01-⏎12): joined with nothing, 108.1⏎3 was read 108.13, a month 13
            [*((w, "-") for w in "~至到"), ("､", "、"), ("-、", "-"), ("、-", "-"), ("、、", "、")],
        ),
        # and a month of one digit written with two, as check reads it (108.1-12, 108.10-109.3, 2019.1-12,
        # 108.3、6、9、12): the first month (after the first 「.」), the last (the text's last digit, after a 「-」,
        # a 「.」 or a 「、」), and each before a 「、」. Built from the folded text's pieces, so that it is written
        # out a score of times, not hundreds; the months before a 「、」 by one SUBSTITUTE a digit and mark.
        "s_compact": _nested(
            'IFERROR(LEFT({s_folded},{s_dot})&IF(AND(ISNUMBER(FIND(MID({s_folded},{s_dot}+1,1),"0123456789")),'
            'ISERROR(FIND(MID({s_folded}&"x",{s_dot}+2,1),"0123456789"))),"0","")'
            "&MID({s_folded},{s_dot}+1,LEN({s_folded})-{s_dot}-1)"
            '&IF(AND(LEN({s_folded})-1<>{s_dot},ISNUMBER(FIND(MID({s_folded},LEN({s_folded})-1,1),"-.、")),'
            'ISNUMBER(FIND(RIGHT({s_folded},1),"0123456789"))),"0","")&RIGHT({s_folded},1),{s_folded})',
            [(f"{mark}{d}、", f"{mark}0{d}、") for mark in "、.-" for d in range(1, 10)],
        ),
        "s_dot": 'FIND(".",{s_folded})',
        # An ideographic or a no-break space alone is no schedule, to check (asked where it matters, not in
        # every piece of s_text: a filled plan of 5,000 rows took a tenth longer to open)
        "s_empty": f"LEN(TRIM(CLEAN({spaced('{schedule}')})))=0",
        # spaces of every kind check drops gone (「1-12　月」 typed with the IME's space), and line breaks
        "s_squashed": _controls(
            _nested(
                'SUBSTITUTE({schedule},CHAR(10),"")',
                [(space, "") for space in (" ", "\t", "\x01", *SPACES, *INVISIBLE)],
            )
        ),
        # months alone as check reads them: every dash and tilde check reads as one a range's dash (「1—12月」,
        # 「1〜12月」), full-width forms half-width (「１－１２月」). The dashes go before ASC, which would make
        # 「ー」 a half-width katakana, and 「、」 is put back after it (ASC makes it 「､」).
        "s_bare": _nested(
            f"ASC({_nested('{s_squashed}', [(d, '-') for d in DASHES + TILDES])})",
            [("月", ""), ("份", ""), *((w, "-") for w in "~至到"), (",", "、"), ("，", "、"), ("､", "、")],
        ),
        "s_shape": _nested("{s_compact}", [(str(d), "9") for d in range(9)]),
        # a schedule's first part (before its first 、) and the list after it, of months alone (「108.01、04」,
        # 「108.10-109.03、06」): a year in the list (「108.10-12、109.03」) is no shape a formula reads here, where
        # dropping each 「、99」 from the whole made it 108.10-109.03 read backwards (an error check did not give)
        "s_core": 'LEFT({s_compact},IFERROR(FIND("、",{s_compact})-1,99))',
        "s_common": 'IF(SUBSTITUTE(MID({s_shape},LEN({s_core})+1,99),"、99","")="",'
        'ISNUMBER(MATCH(LEFT({s_shape},LEN({s_core})),{"999.99","999.99-99","999.99-999.99"},0)),FALSE)',
        "s_western": 'ISNUMBER(MATCH({s_shape},{"9999.99","9999.99-99","9999.99-9999.99"},0))',
        # a western schedule's months, each 1 to 12
        "s_w_months": "AND(--MID({s_compact},6,2)>=1,--MID({s_compact},6,2)<=12,--RIGHT({s_compact},2)>=1,"
        "--RIGHT({s_compact},2)<=12)",
        "s_western_readable": "IF({s_western},AND(--LEFT({s_compact},4)>1911,{s_w_months},"
        "IF(LEN({s_compact})=15,MID({s_compact},9,4)*12+RIGHT({s_compact},2)>=LEFT({s_compact},4)*12+MID({s_compact},6,2),"
        "IF(LEN({s_compact})=10,--RIGHT({s_compact},2)>=--MID({s_compact},6,2),TRUE))),FALSE)",
        "s_month_only": _nested("{s_bare}", [(str(d), "9") for d in range(9)]),
        "s_months_bare": 'ISNUMBER(MATCH({s_month_only},{"9","99","9-9","9-99","99-9","99-99"},0))',
        # a month or months with no year as one number, first × 100 + last (「3」 is 303, 「10-12」 1012)
        "s_mo": '--LEFT({s_bare},FIND("-",{s_bare}&"-")-1)*100+MID({s_bare},IFERROR(FIND("-",{s_bare}),0)+1,2)',
        # and its code: -1 read, -4 a month outside 1-12, -5 a range whose start is after its end (「10-3月」:
        # October to March, whose years check asks for). Looked up among the pairs of months, so that the
        # months are read once (compared one by one, they were written out six times: 2,700 tokens).
        "s_months_code": f"IFERROR(INDEX({_MONTH_CODES[1]},MATCH({{s_mo}},{_MONTH_CODES[0]},0)),-4)",
        # months listed with no year (3、6、9月, 03、06、09): one or two digits between the marks, each 1 to 12
        "s_month_list": 'IF(ISERROR(FIND("、",{s_bare})),FALSE,SUBSTITUTE(SUBSTITUTE({s_month_only},"99","9"),"9、","")="9")',
        "s_list_code": f'IF(SUMPRODUCT(--ISNUMBER(FIND({_array(_BAD_LISTED)},"、"&{{s_bare}}&"、")))>0,-4,-1)',
        # 3/15: a month and a day (schedule.MONTH_DAY)
        "s_month_day": 'ISNUMBER(MATCH({s_shape},{"9/9","9/99","99/9","99/99"},0))',
        "s_range": 'MID({s_compact},7,1)="-"',
        "s_y1": "--LEFT({s_compact},3)",
        "s_y2": "--IF(LEN({s_core})=13,MID({s_compact},8,3),LEFT({s_compact},3))",
        "s_m1": "--MID({s_compact},5,2)",
        "s_m2": "--RIGHT({s_core},2)",
        "s_months": '"、"&MID({s_compact},5,2)&"、"&IF({s_range},RIGHT({s_core},2)&MID({s_compact},LEN({s_core})+1,99),'
        "MID({s_compact},8,99))",
        "s_shaped": "IF({s_common},AND({s_y1}>0,{s_y2}>0),FALSE)",
        "s_bad_month": f"SUMPRODUCT(--ISNUMBER(FIND({_array(['、' + m for m in _BAD_MONTHS])},{{s_months}})))>0",
        "s_reversed": "IF({s_range},{s_y2}*12+{s_m2}<{s_y1}*12+{s_m1},FALSE)",
        "s_readable": "IF({s_shaped},IF({s_bad_month},FALSE,NOT({s_reversed})),FALSE)",
        # the years of a readable schedule, a western year read as ROC (2019.01-12 is 108.01-12)
        "s_ok": "IF({s_readable},TRUE,{s_western_readable})",
        "s_ry1": f"IF({{s_western}},LEFT({{s_compact}},4)-{ROC_OFFSET},{{s_y1}})",
        "s_ry2": f"IF({{s_western}},IF(LEN({{s_compact}})=15,MID({{s_compact}},9,4),LEFT({{s_compact}},4))-{ROC_OFFSET},{{s_y2}})",
        # A readable schedule's first and last years (ROC) as one number, first × 1000 + last; what check says
        # of the others the column says too, as a code below zero: -2 a month outside 1-12, -3 a range whose
        # start is after its end (western years too: 2019.13, 2019.12-2019.01), and a schedule of months alone
        # (s_months_code); "" for the rest. Read once,
        # into a hidden cell of the row: written out in each rule, the months alone took 1,300 tokens a rule.
        "s_span": "IF({s_ok},{s_ry1}*1000+{s_ry2},IF({s_shaped},IF({s_bad_month},-2,-3),"
        'IF({s_western},IF(--LEFT({s_compact},4)>1911,IF({s_w_months},-3,-2),""),'
        'IF(ISTEXT({schedule}),IF({s_months_bare},{s_months_code},IF({s_month_list},{s_list_code},"")),""))))',
        # A schedule Excel stored as a number: 108.12, or 108.2 (one decimal: February), a western 2019.03 too.
        # 108.1 is January or October; from 10000 up it is a date (Excel's day count).
        "s_number": "AND(ISNUMBER({schedule}),{schedule}<10000,MOD({schedule},1)<>0)",
        "s_hundredths": "ROUND(MOD({schedule},1)*100,0)",
        "s_number_month": "IF(MOD({s_hundredths},10)=0,{s_hundredths}/10,{s_hundredths})",
        "s_vague_found": "ISNUMBER(FIND({vague},{s_squashed}))",
        # 全年, 上半年 … with the plan year before them (115全年, 115年全年, 115年度全年, 115.全年), as check reads
        # them: the words after the year and its 年, 年度 or point
        "s_year_rest": "MID({s_squashed},LEN({year})+1,99)",
        "s_after_year": 'IF(LEFT({s_squashed},LEN({year}))={year}&"",IF(LEFT({s_year_rest},2)="年度",'
        'MID({s_year_rest},3,99),IF(OR(LEFT({s_year_rest},1)="年",LEFT({s_year_rest},1)="."),MID({s_year_rest},2,99),'
        "{s_year_rest})),{s_squashed})",
        # 備考 (千元): the text as check reads it (spaces, full-width forms and thousands commas dropped),
        # and the amount once the NT$ and 千元/元 around it are gone.
        # Every dash check reads as one (「—」 is no budget, as 「-」) is one before ASC, which would make 「ー」 a
        # half-width katakana; spaces go after it (an ideographic space too: ASC leaves it in LibreOffice).
        "b_text": _controls(
            _nested(
                f"ASC({_nested('TRIM({budget})', [(d, '-') for d in DASHES])})",
                # a tab or a line break pasted after it too (LibreOffice's CHAR(1) for a tab: see trimmed)
                [(" ", ""), *((space, "") for space in (*SPACES, "\t", "\x01", "\n", "\r")), (",", "")],
            )
        ),
        "b_zero": f"SUMPRODUCT(--({{b_text}}={_array(sorted(ZERO_WORDS))}))>0",
        "b_bare": _nested("{b_text}", [(w, "") for w in ("NT$", "新臺幣", "新台幣", "千元", "仟元", "千", "元")]),
        # The amount's text when it is a plain decimal (5, -2, 12.5), as check reads one; else 「×」, no number:
        # -- alone also takes $5, 5%, (5), 1/5 and 1e3 for numbers, which check calls no number.
        "b_core": 'IF({b_plain},{b_bare},"×")',
        "b_plain": 'AND(LEN({b_bare})>LEN({b_rest}),{b_placed},IF(OR({b_rest}="",AND({b_rest}="-",LEFT({b_bare},1)="-")),TRUE,'
        'IF(OR({b_rest}=".",AND({b_rest}="-.",LEFT({b_bare},1)="-")),AND('
        + _digit('MID({b_bare},FIND(".",{b_bare})-1,1)')
        + ","
        + _digit('MID({b_bare},FIND(".",{b_bare})+1,1)')
        + "),FALSE)))",
        "b_rest": _nested("{b_bare}", [(str(d), "") for d in range(10)]),
        # and the words taken off only where check takes them: NT$ or 新臺幣 before the amount, 千元 or 元 after
        # it (「千5」, 「5千5」, 「5NT$」 are no number to check; the minus, one at most in a plain amount, may
        # stand before NT$ or after it)
        "b_placed": 'SUMPRODUCT(--(SUBSTITUTE({b_text},"-","")='
        + _array(["", "NT$", "新臺幣", "新台幣"])
        + '&SUBSTITUTE({b_bare},"-","")&'
        + "{"
        + ";".join(map(_quoted, ["千元", "仟元", "千", "元", ""]))
        + "}"  # a column: with the row, every pair
        + "))>0",
        "b_amount": "IF(ISNUMBER({budget}),{budget},--{b_core})",
        # in 元: no 千 in it, and ending in 元 or after NT$ or 新臺幣 (「NT$5,000」: five thousand 元); b_text is
        # named three times, as before (each use of a name is its whole formula to LibreOffice's token limit)
        "b_yuan": 'AND(SUMPRODUCT(--ISNUMBER(FIND({"千","仟"},{b_text})))=0,OR(RIGHT({b_text},1)="元",'
        'SUMPRODUCT(--ISNUMBER(FIND({"NT$","新臺幣","新台幣"},{b_text})))>0))',
        "b_empty": f"LEN(TRIM(CLEAN({spaced('{budget}')})))=0",
        # 業務類別, as written (spaces dropped), and its name when it is a name or an alias.
        # CLEAN: a tab or line break pasted in; an ideographic space (an IME's) or a no-break space (a web
        # page's) are spaces to check as well.
        "c_text": _nested("TRIM(CLEAN({category}))", [(space, "") for space in (" ", *SPACES)]),
        "c_known": "ISNUMBER(MATCH({c_text},INDEX({spellings},0,1),0))",
        "c_name": "VLOOKUP({c_text},{spellings},2,FALSE)",
        # 提列績效對應項目 in its one spelling (one line, one kind of dash, no spaces around it).
        # Dashes as in b_text; an ideographic or a no-break space is a space, which TRIM takes off.
        "p_text": _nested(
            "TRIM(ASC("
            + _nested(
                'SUBSTITUTE(SUBSTITUTE({performance},CHAR(10),""),CHAR(9)," ")',
                [(space, " ") for space in SPACES] + [(d, "-") for d in DASHES],
            )
            + "))",
            # ASC makes 、 the half-width ､ (and 。「」・): check's NFKC makes them full-width again
            [(" -", "-"), ("- ", "-"), ("､", "、"), ("｡", "。"), ("｢", "「"), ("｣", "」"), ("･", "・")],
        ),
        "p_policy": f"OR(LEFT({{p_text}},LEN({{policy}}))={{policy}},LEFT({{p_text}},4)={_quoted(SIMPLIFIED_POLICY)})",
        "p_free": "LEFT({p_text},LEN({free}))={free}",
        "p_empty_policy": _only("policy"),
        "p_empty_free": _only("free"),
        "p_empty": "OR({p_empty_policy},{p_empty_free})",
        "p_known": "ISNUMBER(MATCH({p_text},INDEX({owners},0,1),0))",
        "p_owners": "VLOOKUP({p_text},{owners},2,FALSE)",
        # Goals, as check follows them down the rows: a goal cell that differs from the goal so far starts
        # a new one; its number read from its text; its offset (written - its position, "x" when it has no
        # number) against the goals before and after it, so one slip is blamed once (see structure.py).
        # The row's state (gs, a hidden cell) holds where the goal started, its position and number, and
        # how many rows of it check has read so far: every other goal piece is read from it.
        "blank": "COUNTA({line})=0",  # nothing typed on the row: the state above carries on unchanged
        # a goal as check reads it, an IME's or a web page's space before its number too (see n_cell)
        "g_written": trimmed("{goal}", lines=" ", several=False),
        # the state of the row above, read from the nearest row above that holds one (u_row, a hidden cell)
        "u_gs": "N(INDEX({gs_whole},{u_row}))",
        # the row before the first place of the input rows' ranges (which start at the header row: see
        # Formulas._rows), as the rows are now (a row inserted above the list moves it down): a place among
        # them plus this is its row
        "top": "ROW(INDEX({gs_rows},1))-1",
        "u_text": f'IF({{u_gs}}<{_GS_ROW},"",'
        + trimmed(f'INDEX({{goal_whole}},INT({{u_gs}}/{_GS_ROW}))&""', lines=" ", several=False)
        + ")",
        "g_starts": 'IF({g_written}="",FALSE,{g_written}<>{u_text})',
        "g_row": f"INT({{gs}}/{_GS_ROW})",
        "g_pos": f"MOD(INT({{gs}}/{_GS_POS}),{_GS_ROW}/{_GS_POS})",
        "g_code": f"MOD(INT({{gs}}/{_GS_CODE}),{_GS_POS}/{_GS_CODE})",
        "g_items": f"MOD({{gs}},{_GS_CODE})",
        "g_text": 'IF({g_row}=0,"",' + trimmed('INDEX({goal_whole},{g_row})&""', lines=" ", several=False) + ")",
        # the first row of a goal that check reads: its first filled row, or the goal's own row when no row
        # under it is filled (check keeps such a goal as an item of its own)
        "first_item": "IF({g_items}=1,{filled},IF({g_items}=0,IF({g_starts},{g_empty},FALSE),FALSE))",
        **_GOAL_WRITTEN,
        **_GOAL,
        "g_d": _goal_offset("{gs}"),
        # the goal's last row, as its place among the input rows: the last with this goal's state (the states
        # only grow down the column: MATCH finds it by halves)
        "g_last": f"MATCH(INT({{gs}}/{_GS_CODE})*{_GS_CODE}+9,{{gs_rows}},1)",
        # the goal before: the state of the row above where this goal starts (as that row reads it); the goal
        # after: the row after this goal's last
        "g_prev": 'IF({g_pos}<=1,"",' + _goal_offset("INDEX({gs_whole},INDEX({u_row_whole},{g_row}))") + ")",
        "g_next": "IFERROR(" + _goal_offset(f"INDEX({{gs_rows}},{_after('{g_last}', last=True)})") + ',"")',
        "goal_count": f"MOD(INT(MAX({{gs_rows}})/{_GS_POS}),{_GS_ROW}/{_GS_POS})",
        # the goal ends with no row check reads: its last row's state counts none
        "g_empty": f"MOD(INDEX({{gs_rows}},{{g_last}}),{_GS_CODE})=0",
        "g_expected": chinese("{g_pos}", GOAL_NUMERALS),
        "g_words": 'TRIM(SUBSTITUTE(MID({g_t},IF({g_has},{g_rest},1),9999),CHAR(10),""))',
        # Practices: how many a cell holds (two when Alt+Enter starts a numbered line), their position in
        # the goal, the number written and its offset, as for goals. The row's state (ps, a hidden cell)
        # holds the practice rows so far, the practices so far in the goal, and the row's own count and number.
        "n_count": "IF({has_practice},1+{n_extra},0)",
        # lines numbered 「二、」, or 「(二)」 unless 「(一)」 is written after the cell's start: then they are steps
        # of the practice (model.practice_count)
        "n_extra": "IF(AND(ISERROR(FIND(CHAR(10),{practice})),ISERROR(FIND(CHAR(13),{practice}))),0,"
        f'SUMPRODUCT((LEN({_LINES})-LEN(SUBSTITUTE({_LINES},{_array(_SECOND)},"")))/LEN({_array(_SECOND)})'
        '*({1,1,1,0,0,0}+{0,0,0,1,1,1}*ISERROR(FIND("(一)",'
        + _controls(
            _nested("{practice}", [("（", "("), ("）", ")"), *((space, "") for space in (" ", "\t", "\x01", *SPACES))])
        )
        + ",2))))+{n_digits})",
        # practices numbered with digits, 「2.…⏎3.…」: the first line's number (from the first four characters,
        # half-width: 「12.」 or 「(12)」) and how many of the numbers after it start a later line written the
        # same way, none when one of them is numbered 1 (model.practice_count)
        "n_lead": "ASC(LEFT({n_cell},4))",
        "n_bracket": 'LEFT({n_lead},1)="("',
        "n_dstart": "IF({n_bracket},2,1)",
        "n_drun": f"IF({_digit('MID({n_lead},{n_dstart},1)')},IF({_digit('MID({n_lead},{n_dstart}+1,1)')},2,1),0)",
        "n_dmark": "MID({n_lead},{n_dstart}+{n_drun},1)",
        "n_dhas": 'IF(OR({n_drun}=0,MID({n_lead},{n_dstart},1)="0"),FALSE,IF({n_bracket},{n_dmark}=")",'
        + f'AND(OR({{n_dmark}}=".",{{n_dmark}}="､",{{n_dmark}}="、"),NOT({_digit("MID({n_lead},{n_dstart}+{n_drun}+1,1)")}))))',
        "n_dvalue": "--MID({n_lead},{n_dstart},{n_drun})",
        "n_dafter": f"{{n_dvalue}}*{_AFTER[0]}+{_AFTER[1]}",
        "n_digits": 'IF({n_dhas},MAX(0,SUMPRODUCT(ISNUMBER(FIND(IF({n_bracket},"¶(","¶")&({n_dafter})'
        f'&IF({{n_bracket}},")","、"),{_DIGIT_LINES}))*({{n_dafter}}<100)*{_AFTER[2]})),0)',
        "u_ps": "N(INDEX({ps_whole},{u_row}))",
        "p_rows": f"INT({{ps}}/{_PS_ROWS})",
        "p_pos": f"MOD(INT({{ps}}/{_PS_POS}),{_PS_ROWS}/{_PS_POS})",
        "p_count": f"MOD(INT({{ps}}/{_PS_COUNT}),{_PS_POS}/{_PS_COUNT})",
        "n_code": f"MOD({{ps}},{_PS_COUNT})",
        **_ITEM,
        "n_position": "{p_pos}-{p_count}+1",
        "n_expected": chinese("{n_position}", ITEM_NUMERALS),
        "p_d": _item_offset("{ps}"),  # the row's own offset
        # the practice before in the goal (the first row of the previous practice row count) and after it
        "n_before": 'IF({n_position}<=1,"",'
        + _item_offset(f"INDEX({{ps_rows}},{_after(f'IFERROR(MATCH(({{p_rows}}-1)*{_PS_ROWS}-0.5,{{ps_rows}},1),0)')})")
        + ")",
        "p_next": "IFERROR(IF(" + _item_position(_NEXT_PRACTICE) + ">1," + _item_offset(_NEXT_PRACTICE) + ',""),"")',
        # The body as MATCH takes it literally (~ * ? are wildcards to it), and the row of its first use.
        "n_key": _nested("{n_body}", [("~", "~~"), ("*", "~*"), ("?", "~?")]),
        # the row itself, counted from the list's first row as it is now: a row inserted above the first
        # practice (the sheet unprotected) moves the list down one, and a row counted from the template's
        # first practice row found its own words one row above itself (every practice a duplicate)
        "n_first": "ROW(INDEX({n_body_rows},1))-1+MATCH({n_key},{n_body_rows},0)",
    }
)

# Pieces that are the same on every row, each held once, in the 檢查 column's cell of the 合計 row below the
# practices (Layout.once_row; shown as nothing): one on every row made a template of 5,000 rows 6 % larger,
# and that room went to the schedule's text (s_compact), which is each row's own. Not on the first practice
# row: once the sheet is unprotected (it has no password), deleting, clearing or sorting that row took it
# away, where the 合計 row moves with rows deleted above it and no sort of the practices reaches it. In the
# 檢查 column, not a hidden one: the reader cuts each row from its 檢查 cell on, and the 合計 row has no other
# (a cell in a hidden column made every plan as wide as the hidden columns to read). Each is read as its
# formula here says, {held} being the cell: the year, when typed as the number it should be, from its cell.
# The 合計 row itself deleted (the sheet unprotected), the cell is gone and a year typed as text unread: the
# count above the column says so (Formulas._form_rows). Worked out again on each row instead, the year's
# formula, inlined by LibreOffice wherever a row uses the year, took a row's codes past its 8,192 tokens.
ONCE: Mapping[str, str] = MappingProxyType(
    {"year": f"IF(ISNUMBER({{year_cell}}),{{year_cell}}-{ROC_OFFSET}*({{year_cell}}>{ROC_OFFSET}),{{held}})"}
)

# Pieces held in hidden cells of their row: the row-by-row state the numbering follows (each read by the
# rows below), and text pieces many conditions use. Each costs a formula cell a row (file size, and a cell
# for LibreOffice to read and calculate on opening), and saves calculating it again in every condition
# (time on a filled plan).
STATE: Mapping[str, str] = MappingProxyType(
    {
        # The row the states above are read from: the nearest row above that holds them (the row above, but
        # for a row cleared with its hidden cells: whole rows selected and Delete, the sheet unprotected, which
        # has no password). Such a row is a blank row to check, and the rows below it read it as blank: the
        # state went back to nothing, as on the first row (具體作法上方沒有計畫目標, 「參」應為「壹」). The row above
        # the header row ({top}, whose hidden cells are empty) when none above holds them.
        "u_row": "IF(ISNUMBER({up.gs}),ROW()-1,IFERROR(MATCH(9E+307,INDEX({gs_whole},1):INDEX({gs_whole},ROW()-1)),{top}))",
        # The goal state, one number: the row where the goal started × 1E9 + goals so far × 1E4 + the goal's
        # number (parsed: value + 2) × 10 + rows check has read in the goal (1, or 2 for more). Exact in a
        # double up to 99,999 rows.
        "gs": f"IF({{blank}},{{u_gs}},IF({{g_starts}},ROW()*{_GS_ROW}+(MOD(INT({{u_gs}}/{_GS_POS}),{_GS_ROW}/{_GS_POS})+1)"
        f"*{_GS_POS}+{{gw_parsed}}*{_GS_CODE}+IF({{filled}},1,0),"
        f"{{u_gs}}-MOD({{u_gs}},{_GS_CODE})+MIN(2,MOD({{u_gs}},{_GS_CODE})+IF({{filled}},1,0))))",
        # The practice state, one number: practice rows so far × 1E10 + practices so far in the goal × 1E5 +
        # the row's practices × 1E3 + its number (parsed: value + 2); a row with no practice holds 0 in the
        # last two (a cell holding fewer than 100 practices: the row's count is added to both at once).
        "ps": f"IF({{blank}},{{u_ps}}-MOD({{u_ps}},{_PS_POS}),(INT({{u_ps}}/{_PS_ROWS})+IF({{has_practice}},1,0))*{_PS_ROWS}"
        f"+IF({{g_starts}},0,INT(MOD({{u_ps}},{_PS_ROWS})/{_PS_POS}))*{_PS_POS}"
        f"+IF({{has_practice}},(1+{{n_extra}})*({_PS_POS}+{_PS_COUNT})+{{n_parsed}},0))",
        "year": _roc(YEAR_TYPED),  # the plan year as read: held once (ONCE), on the 合計 row
        # the practice's words, every space and line break gone (check's duplicate test)
        "n_body": 'IF(LEN({practice})=0,"",'
        + _controls(
            _nested("MID({n_t},IF({n_has},{n_rest},1),9999)", [(" ", ""), ("\u3000", ""), ("\n", ""), ("\r", "")])
        )
        + ")",
        # Most rows of a template are empty, and every cell is calculated on opening: each piece first
        # asks whether there is anything to read.
        # The practice as check reads its number, held once: written out in each of its uses, its tab and
        # spaces taken off made a filled plan of 5,000 rows a fifth slower to open.
        "n_cell": f'IF(LEN({{practice}})=0,"",{PIECES["n_cell"]})',
        "b_core": f'IF(LEN({{budget}})=0,"",{PIECES["b_core"]})',
        "p_text": f'IF(LEN({{performance}})=0,"",{PIECES["p_text"]})',
        "s_span": f'IF(LEN({{schedule}})=0,"",{PIECES["s_span"]})',
        "s_compact": f'IF(LEN({{schedule}})=0,"",{PIECES["s_compact"]})',
    }
)

# How a message placeholder is filled when the rule does not say: the rule's cell as written, the plan year.
_VALUES = {
    "goal": trimmed("{goal}", several=False),
    "practice": "TRIM({practice})",
    # as typed, what no one sees too, and a line break a 、 unless beside a range's or a list's mark: as check
    # quotes it (108.1⏎3 is 「108.1、3」, 108.01-⏎12 「108.01-12」)
    "schedule": _nested(
        trimmed("{schedule}", lines="、", several=False),
        [*((f"{mark}、", mark) for mark in "-~至到"), *((f"、{mark}", mark) for mark in "-~至到"), ("、、", "、")],
    ),
    "budget": trimmed("{budget}", lines=""),
    "category": "TRIM({category})",
    "performance": "{p_text}",
    "unit": 'TRIM({unit_cell}&"")',
    "year": '{year_cell}&""',
}
_DEFAULT_FILL = {"year": "{year}", "next_year": "{year}+1"}
_PLACEHOLDER = re.compile(r"\{(?:(up)\.)?([a-z][a-z0-9_]*)\}")


# The form columns whose first problems share a hidden cell: each column's is the number of the rule
# (its place among :attr:`Formulas.coded`, 1, 2 …; 0 for none) in two digits of the cell. Two cells, since
# LibreOffice writes every name a formula uses out in full and takes at most 8,192 tokens a formula.
CODE_CELLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("k_rows", ("goal", "practice")),
    ("k_cells", ("schedule", "budget", "category", "performance")),
)


def hidden_cells(fields: Collection[str]) -> tuple[dict[str, tuple[str, int]], list[str]]:
    """Where the first problems of ``fields`` are kept (field → its code cell and the place of its two digits
    there, 0 for the last two), and every piece a template holds in hidden cells of each row, in order."""
    codes: dict[str, tuple[str, int]] = {}
    cells = []
    for cell, group in CODE_CELLS:
        present = [key for key in group if key in fields]
        if present:
            cells.append(cell)
            codes |= {key: (cell, place) for place, key in enumerate(reversed(present))}
    return codes, [*cells, *(piece for piece in STATE if piece not in ONCE)]


@dataclass(frozen=True)
class Layout:
    """Where the template put things, for the names to point at (1-based rows, column letters)."""

    first_row: int
    last_row: int
    year_cell: str  # "E2"
    unit_cell: str  # "B2"
    shown: str  # the letter of the 檢查 column
    codes: Mapping[str, tuple[str, int]]  # form column → its code cell and place (:func:`hidden_cells`)
    stored: Mapping[str, str]  # a piece held in a hidden column (the code cells, STATE) → its letter
    once_row: int  # where the pieces of ONCE are held, in the 檢查 column: the 合計 row below the practices
    sheet: str = PLAN_SHEET
    columns: Mapping[str, str] = field(default_factory=lambda: {c.key: column_letter(i) for i, c in enumerate(COLUMNS)})


class Formulas:
    """The formulas of one template: the catalog's words and the layout's cells filled in.

    :meth:`names` are the defined names to write; each cell of the 檢查 column, its hidden columns and
    the count above it holds one name (:meth:`cell`, :meth:`count`).
    """

    def __init__(self, rules: Sequence[LiveRule], catalog: Catalog, layout: Layout) -> None:
        self.rules = ordered(rules)
        # the rules a row's code cells number, in the column's order: a row shows the lowest number it has
        self.coded = [rule for rule in self.rules if rule.field in layout.codes]
        self.layout = layout
        self.constants = {
            "policy": _quoted(catalog.policy_prefix),
            "free": _quoted(catalog.free_prefix),
            "catalog_year": str(catalog.year),
            "vague": VAGUE_NAME,
            "spellings": SPELLINGS_NAME,
            "owners": OWNERS_NAME,
            "relative": _array(list(RELATIVE_MONTHS)),
            "max_goals": str(catalog.max_goals),
            "max_goal_chars": str(catalog.max_goal_chars),
        }
        for lookup, numerals in (("goal_numerals", GOAL_NUMERALS), ("item_numerals", ITEM_NUMERALS)):
            words, values = _numeral_lookup(numerals)
            self.constants |= {f"{lookup}_words": words, f"{lookup}_values": values}
        self.sheet = quoted_sheet(layout.sheet) + "!"
        self._names: dict[str, str] = {}
        self._cells: dict[str, str] = {}  # what each hidden column computes: piece → formula name
        for piece in [*layout.stored, *ONCE]:
            template = STATE[piece] if piece in STATE else self._codes(piece)
            self._cells[piece] = self._define(f"{PREFIX}算_{piece}", template)
        self._cells["shown"] = self._define(f"{PREFIX}算_shown", self._shown())
        self._cells["count"] = self._define(f"{PREFIX}count", self._count())
        bare = f"AND(ISBLANK({self.sheet}${layout.shown}1),COUNTA({{line}})>0)"  # a row's, as :meth:`_form_rows`
        self._cells["unchecked"] = self._define(f"{PREFIX}無公式列", bare)

    # --- what the template writes -----------------------------------------------------------------

    def names(self) -> dict[str, str]:
        """Every defined name the formulas use, name → formula (with its leading =)."""
        return {name: "=" + formula for name, formula in self._names.items()}

    def cell(self, what: str) -> str:
        """The formula of a cell: ``shown`` (the 檢查 column) or a piece held in a hidden column."""
        return "=" + self._cells[what]

    def count(self) -> str:
        """The cell above the 檢查 column: what is left to fix, heading problems first."""
        return "=" + self._cells["count"]

    def colour(self, key: str, severity: Severity) -> str:
        """A conditional format's condition, by position: the first problem of a form column (``goal`` …),
        of the 檢查 column (``shown``) or of a heading cell (``unit``, ``year``) is of this severity."""
        mark = f"【{SEVERITY_WORDS[severity]}】"
        if key in HEADING:
            return f'=LEFT({self._heading(key)},{len(mark)})="{mark}"'
        if key == "shown":  # the locked 檢查 cell itself, which nothing moves
            return f'=LEFT(${self.layout.shown}{self.layout.first_row},{len(mark)})="{mark}"'
        numbers = [n for n, rule in enumerate(self.coded, start=1) if rule.severity == severity]
        code = self._code(key)
        return f"=AND({code}>={min(numbers)},{code}<={max(numbers)})" if numbers else "=FALSE"

    def unchecked(self) -> str:
        """A conditional format's condition, by position: this row has input and no 檢查 formula (inserted
        empty, the sheet unprotected; see :meth:`_form_rows`)."""
        return "=" + self._cells["unchecked"]

    # --- building the names -----------------------------------------------------------------------

    def _define(self, name: str, template: str) -> str:
        if name not in self._names:
            self._names[name] = ""  # taken, before expanding (a piece may be met again inside)
            self._names[name] = self._expand(template)
        return name

    def _reference(self, what: str, letter: str) -> str:
        """A name for a column of this row. A cell showing an error value reads as blank, as check reads it
        (CELL_ERROR): one #DIV/0! in a budget made every state below it an error, and the column went blank
        for the rest of the plan while saying nothing was wrong."""
        return self._fixed(f"{PREFIX}{what}", f'IFERROR({self.sheet}${letter}1,"")')

    def _fixed(self, name: str, formula: str) -> str:
        self._names.setdefault(name, formula)
        return name

    def _letter(self, name: str) -> str | None:
        return self.layout.columns.get(name) or self.layout.stored.get(name)

    def _resolve(self, direction: str | None, name: str) -> str:
        layout = self.layout
        if direction is not None:  # up: the row above, by position (a relative name would not wrap at row 1)
            above = layout.stored[name]
            return self._fixed(f"{PREFIX}上_{name}", f"INDEX({self.sheet}${above}:${above},ROW()-1)")
        if name in ONCE:
            held = f'IFERROR({self.sheet}${layout.shown}${layout.once_row},"")'
            return self._fixed(f"{PREFIX}{name}", self._expand(ONCE[name].replace("{held}", held)))
        letter = self._letter(name)
        if letter is not None:
            return self._reference(name, letter)
        if name in PIECES:
            return self._define(f"{PREFIX}{name}", PIECES[name])
        if name in self.constants:
            return self.constants[name]
        if name in ("year_cell", "unit_cell"):
            cell = layout.year_cell if name == "year_cell" else layout.unit_cell
            return self._fixed(f"{PREFIX}{name}", f"{self.sheet}${cell[0]}${cell[1:]}")
        whole = name.removesuffix("_whole")
        if whole != name and (letter := self._letter(whole)):
            return self._fixed(f"{PREFIX}{name}", f"{self.sheet}${letter}:${letter}")
        rows = name.removesuffix("_rows")
        if rows != name and (letter := self._letter(rows)):
            return self._fixed(f"{PREFIX}{name}", self._rows(letter))
        if name == "practice_column":
            return _quoted(layout.columns["practice"])
        if name == "line":
            first, last = layout.columns["goal"], layout.columns["performance"]
            return self._fixed(f"{PREFIX}line", f"{self.sheet}${first}1:${last}1")
        if name == "row":
            first, last = layout.columns["practice"], layout.columns["performance"]
            return self._fixed(f"{PREFIX}row", f"{self.sheet}${first}1:${last}1")
        raise KeyError(f"unknown placeholder {{{name}}} in a live formula")

    def _rows(self, letter: str) -> str:
        """A column's input rows, from the header row above them to the 合計 row below them: a row inserted
        at the first input row or at the 合計 row (Insert Copied Cells, the sheet unprotected) falls inside
        the range and grows it, where a range of the input rows alone moved down past it. The header's and
        the 合計 row's cells of a hidden column are empty, and of the 檢查 column hold its header and the
        plan year (ONCE): nothing a MATCH, a MAX or a count over the column takes for a row's."""
        layout = self.layout
        return f"{self.sheet}${letter}${layout.first_row - 1}:${letter}${layout.once_row}"

    def _expand(self, template: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self._resolve(m.group(1), m.group(2)), template)

    def condition(self, rule: LiveRule) -> str:
        """A rule's condition, its arguments tried in turn: ``AND(a,b)`` as ``IF(a,b,FALSE)``, which stops at
        the first false one (AND calculates them all), and is false where AND would be an error."""
        assert rule.live is not None
        return f"IFERROR({self._expand(_lazy(rule.live.when))},FALSE)"

    def text(self, rule: LiveRule) -> str:
        """The column's words for a rule, as a formula: 【錯誤】 and the message, placeholders filled."""
        assert rule.live is not None
        fill = {**_DEFAULT_FILL, "value": _VALUES[rule.field], **rule.live.fill}
        parts = _PLACEHOLDER.split(f"【{SEVERITY_WORDS[rule.severity]}】" + rule.message)
        pieces = []
        # split keeps both groups of the placeholder: text, direction, name, text …
        for i in range(0, len(parts), 3):
            if parts[i]:
                pieces.append(_quoted(parts[i]))
            if i + 2 < len(parts):
                pieces.append("(" + self._expand(fill[parts[i + 2]]) + ")")
        return "&".join(pieces)

    def _chain(self, rules: Sequence[LiveRule], then: Callable[[LiveRule], str], otherwise: str) -> str:
        formula = otherwise
        for rule in reversed(rules):
            formula = f"IF({self.condition(rule)},{then(rule)},{formula})"
        return formula

    def _codes(self, cell: str) -> str:
        """A code cell: the number of each of its columns' first problem, two digits a column."""
        terms = []
        for key, (where, place) in self.layout.codes.items():
            if where == cell:
                rules = [rule for rule in self.coded if rule.field == key]
                chain = self._chain(rules, lambda rule: str(self.coded.index(rule) + 1), "0")
                terms.append(chain if place == 0 else f"{chain}*{100**place}")
        return f"IF(COUNTA({{line}})=0,0,{'+'.join(terms)})"  # most rows of a template are empty

    def _code(self, key: str) -> str:
        """The number of a form column's first problem on this row (0: none)."""
        cell, place = self.layout.codes[key]
        stored = self._expand(f"{{{cell}}}")
        return f"MOD({stored},100)" if place == 0 else f"MOD(INT({stored}/{100**place}),100)"

    def _heading(self, key: str) -> str:
        """A heading cell's first problem (the unit or the year), as a name: calculated where it is shown."""
        rules = [rule for rule in self.rules if rule.field == key]
        return self._define(f"{PREFIX}v_{key}", self._chain(rules, self.text, '""') if rules else '""')

    def _shown(self) -> str:
        """The 檢查 cell: the row's problem that comes first (errors, then warnings, then reminders; in
        the form's column order), looked up by its number."""
        cells = "+".join(self._expand(f"{{{cell}}}") for cell, _ in CODE_CELLS if cell in self.layout.stored)
        first = "MIN(" + ",".join(f"IF({c}=0,99,{c})" for c in map(self._code, self.layout.codes)) + ")"
        texts = [self.text(rule) for rule in self.coded]
        # LibreOffice's CHOOSE takes at most 31 values (its jump table): a CHOOSE for each 30 rules
        looked_up = '""'
        for start in reversed(range(0, len(texts), MAX_CHOICES)):
            index = first if start == 0 else f"{first}-{start}"
            chosen = f"CHOOSE({index},{','.join(texts[start : start + MAX_CHOICES])})"
            looked_up = chosen if looked_up == '""' else f"IF({first}<={start + MAX_CHOICES},{chosen},{looked_up})"
        return f'IF({cells}=0,"",{looked_up})'

    def _form_rows(self) -> str:
        """The rows the column cannot check, said above it (a name, the words; returned: how many places).

        Protection off (it has no password), Insert Rows gives a row without the column's formulas: what is
        typed there goes unchecked, the rows below read past it as a blank row (a number after it is not
        told), and the count leaves it out. No formula can fill a row, and a hidden cell a row would not
        help: the row has none. The first such row is named, as is a header or 合計 row deleted (check cannot
        find the plan without the header; the 合計 is the form's)."""
        layout = self.layout
        shown = self._rows(layout.shown)
        typed = "&".join(self._rows(letter) for letter in layout.columns.values())
        bare = f'ISBLANK({shown})*({typed}<>"")'  # a row with input and no 檢查 formula (the header's is text)
        count = self._fixed(f"{PREFIX}無公式", f"SUMPRODUCT({bare})")
        first = f"SUMPRODUCT(MIN(ROW({shown})+1E6*(1-{bare})))"
        goals = self._rows(layout.columns["goal"])
        header = f'(INDEX({shown},1)<>"{LIVE.header}")'
        total = f'(INDEX({goals},ROWS({goals}))<>"{TOTAL_LABEL}")'
        words = (
            f'IF({count}>0,"【錯誤】第 "&{first}&" 列"&IF({count}>1,"等 "&{count}&" 列","")&"{UNCHECKED}；","")'
            f'&IF({header},"{HEADER_GONE}；","")&IF({total},"{TOTAL_GONE}；","")'
        )
        self._fixed(f"{PREFIX}v_form", words)
        return f"{count}+{header}+{total}"

    def _count(self) -> str:
        """How many places need fixing (rows the column flags with an error or a warning, and heading
        problems), the heading problems themselves, and the reminders shown but not counted."""
        layout = self.layout
        shown = self._rows(layout.shown)

        def rows(severity: Severity) -> str:
            mark = f"【{SEVERITY_WORDS[severity]}】"
            return f'SUMPRODUCT(--(LEFT({shown},{len(mark)})="{mark}"))'

        headings = [self._heading(key) for key in HEADING]
        form = self._form_rows()
        flagged = "+".join([*(rows(s) for s in COUNTED), *(f'({h}<>"")' for h in headings), form])
        said = "&".join([*(f'IF({h}<>"",{h}&"；","")' for h in headings), f"{PREFIX}v_form"])
        reminders = rows(Severity.INFO)
        # A column inserted or deleted (the sheet unprotected: it has no password) moves the hidden columns,
        # and LibreOffice goes on calculating each row's hidden cells through the names as they were: every
        # filled row said 「這一列有資料但沒有具體作法」 and the count counted them. Where the last hidden column
        # is now (an absolute reference, which both programs move with it) against where the template put it.
        last = max(layout.stored.values(), key=column_index)
        moved = f"IFERROR(COLUMN({self.sheet}${last}$1),0)<>{column_index(last) + 1}"
        return (
            f'IF({moved},"{COLUMNS_MOVED}",{said}&IF({flagged}>0,"尚有 "&({flagged})&" 處待修正","未發現需要修正的地方")'
            f'&IF({reminders}>0,"（另有 "&{reminders}&" 則提示，不必修正）",""))'
            f'&"；送出前仍請以 xltool check 確認"'
        )


def arguments_at(formula: str, start: int) -> tuple[list[str], int]:
    """The arguments of the call whose argument list begins at ``start`` (just after its "("), and where its
    ")" is; commas and brackets inside strings and nested calls are not the call's own."""
    arguments: list[str] = []
    depth, quoted, begin = 0, False, start
    for i in range(start, len(formula)):
        ch = formula[i]
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
            if depth < 0:
                return [*arguments, formula[begin:i]], i
        elif ch == "," and depth == 0:
            arguments.append(formula[begin:i])
            begin = i + 1
    raise ValueError(f"unclosed call at {start}: {formula[:80]}")


def _arguments(formula: str) -> list[str] | None:
    """The arguments of a formula that is one AND(…) call, else None."""
    if not formula.startswith("AND("):
        return None
    arguments, end = arguments_at(formula, 4)
    return arguments if end == len(formula) - 1 else None  # not AND(…) and more after it


def _lazy(condition: str) -> str:
    """``AND(a,b,c)`` as ``IF(a,IF(b,c,FALSE),FALSE)``: the same inside IFERROR(…, FALSE), but stops at the
    first false argument (most conditions start with the cheap, most often false one)."""
    arguments = _arguments(condition)
    if not arguments:
        return condition
    formula = _lazy(arguments[-1])
    for argument in reversed(arguments[:-1]):
        formula = f"IF({_lazy(argument)},{formula},FALSE)"
    return formula


def ordered(rules: Sequence[LiveRule]) -> list[LiveRule]:
    """The rules with twins, in the order the column tries them: errors, warnings, then reminders, in
    the form's column order, then the rule table's order. tests/test_live.py ranks check's findings the
    same way."""
    shown = [r for r in rules if r.live is not None and r.severity in SHOWN]
    return sorted(shown, key=lambda r: priority(r.severity, r.field))


def priority(severity: Severity, key: str) -> tuple[int, int]:
    """The order key :func:`ordered` sorts by, for findings (a stable sort keeps the table's order)."""
    return SHOWN.index(severity), COLUMN_AT.get(key, -1)


def nesting(formula: str) -> int:
    """The deepest parenthesis nesting of a formula (outside strings): an upper bound on function nesting."""
    depth = deepest = 0
    quoted = False
    for ch in formula:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif not quoted and ch == ")":
            depth -= 1
    return deepest
