"""Rules of ``check`` written as spreadsheet formulas: the template's 檢查 column, its "live twins".

Pasting into a cell replaces its validation and its format without a word, and pasting is how plans are
written. A locked formula cell cannot be pasted into, so the template answers with formulas: every rule
of ``check`` that a formula can decide declares, beside its code and message in the rule table
(``xltool.checks.rules``), a :class:`Live` twin: a condition on one row's cells and the words the column
shows. This module turns those twins into the formulas the template writes; it knows no rule itself.

Formulas use only functions that Excel 2010 and LibreOffice 7 both calculate without array entry (no
REGEX, LET, LAMBDA, XLOOKUP, IFS, SWITCH, TEXTJOIN, CONCAT, dynamic arrays). Conditions are written
with ``{name}`` placeholders: the row's cells (``{schedule}`` …, ``{year}``) and the shared pieces of
:data:`PIECES` (``{s_text}`` …), expanded in place. A condition that cannot be evaluated on a row (a
``MID`` of a short text, ``--`` of a word) counts as false: each is wrapped in ``IFERROR``.

Layout: one hidden, locked helper column per form column holds that column's first problem (errors
before warnings, then the rule table's order), which the conditional formats colour the input cell by;
the visible 檢查 column shows the row's most severe problem, and a cell above it counts them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from xltool.budget import ZERO_WORDS
from xltool.catalog import Catalog
from xltool.form import COLUMN_AT, COLUMNS, SEVERITY_WORDS, column_letter
from xltool.schedule import RELATIVE_MONTHS

# Defined names the template gives the lists the formulas look things up in (the very hidden 清單 sheet).
SPELLINGS_NAME = "檢查_業務類別"  # every name and alias of a category, with its name beside it
OWNERS_NAME = "檢查_績效項目"  # every performance item, with the categories it belongs to beside it
VAGUE_NAME = "檢查_不確定用語"  # the catalog's vague words, shortest first (LOOKUP finds the last match)

SHOWN = ("error", "warning")  # infos are suggestions --fix makes or takes back: the column leaves them out
MAX_FORMULA = 8192  # Excel's limit on a formula's length, in characters
MAX_NESTING = 64  # Excel's limit on nested functions


@dataclass(frozen=True)
class Live:
    """A rule's twin in the template: ``when`` a formula condition holds on a row, the column shows the
    rule's own message with its ``{placeholders}`` filled by formula pieces.

    ``fill`` says how to fill a placeholder the defaults do not (``{value}`` is the rule's cell as
    written, ``{year}`` the plan's year cell, ``{next_year}`` the year after).
    """

    when: str
    fill: Mapping[str, str] = field(default_factory=dict)


class LiveRule(Protocol):
    """What the template needs of a rule (``xltool.checks.rules.Rule`` is one)."""

    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def live(self) -> Live | None: ...


def _nested(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """SUBSTITUTE(SUBSTITUTE(text, a, b), c, d) …"""
    for old, new in pairs:
        text = f'SUBSTITUTE({text},"{old}","{new}")'
    return text


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


# Bad two-digit months after a 、: 00, 13-19 and anything from 20 up.
_BAD_MONTHS = ["00", *(str(m) for m in range(13, 20)), *(str(d) for d in range(2, 10))]

# The pieces conditions share. A piece may use cells and other pieces; names starting s_ are about the
# schedule, b_ the budget, c_ the category, p_ the performance item.
PIECES: Mapping[str, str] = MappingProxyType(
    {
        # Whether the row holds anything check reads as a practice row (a goal alone is not one).
        "filled": "LEN(TRIM({practice})&TRIM({schedule})&TRIM({budget})&TRIM({category})&TRIM({performance}))>0",
        "has_practice": "LEN(TRIM({practice}))>0",
        "has_year": "ISNUMBER({year})",
        # 預定進度. The common shapes, written exactly: 108.08, 108.01-12, 108.10-109.03 and 108.01、04、07
        # (three-digit year, two-digit months). Anything else a formula leaves to check.
        "s_text": "TRIM({schedule})",
        "s_squashed": 'SUBSTITUTE(SUBSTITUTE({schedule}," ",""),CHAR(10),"")',
        "s_shape": _nested("{s_text}", [(str(d), "9") for d in range(9)]),
        "s_common": 'ISNUMBER(MATCH(SUBSTITUTE({s_shape},"、99",""),{"999.99","999.99-99","999.99-999.99"},0))',
        "s_range": 'MID({s_text},7,1)="-"',
        "s_y1": "--LEFT({s_text},3)",
        "s_y2": "--IF(LEN({s_text})=13,MID({s_text},8,3),LEFT({s_text},3))",
        "s_m1": "--MID({s_text},5,2)",
        "s_m2": "--RIGHT({s_text},2)",
        "s_months": '"、"&MID({s_text},5,2)&"、"&IF({s_range},RIGHT({s_text},2),MID({s_text},8,99))',
        "s_shaped": "AND({s_common},{s_y1}>0,{s_y2}>0)",
        "s_bad_month": f"SUMPRODUCT(--ISNUMBER(FIND({_array(['、' + m for m in _BAD_MONTHS])},{{s_months}})))>0",
        "s_reversed": "AND({s_range},{s_y2}*12+{s_m2}<{s_y1}*12+{s_m1})",
        "s_readable": "AND({s_shaped},NOT({s_bad_month}),NOT({s_reversed}))",
        # A schedule Excel stored as a number: 108.12, or 108.2 (one decimal: February). 108.1 is January
        # or October; from 10000 up it is a date (Excel's day count), as a schedule year is under 1000.
        "s_number": "AND(ISNUMBER({schedule}),{schedule}<1000,MOD({schedule},1)<>0)",
        "s_hundredths": "ROUND(MOD({schedule},1)*100,0)",
        "s_number_month": "IF(MOD({s_hundredths},10)=0,{s_hundredths}/10,{s_hundredths})",
        "s_vague_found": "ISNUMBER(FIND({vague},{s_squashed}))",
        # 備考 (千元): the text as check reads it (spaces, full-width forms and thousands commas dropped),
        # and the amount once the NT$ and 千元/元 around it are gone.
        "b_text": 'SUBSTITUTE(ASC(SUBSTITUTE(TRIM({budget})," ","")),",","")',
        "b_zero": f"SUMPRODUCT(--({{b_text}}={_array(sorted(ZERO_WORDS))}))>0",
        "b_core": _nested("{b_text}", [(w, "") for w in ("NT$", "新臺幣", "新台幣", "千元", "仟元", "千", "元")]),
        "b_amount": "IF(ISNUMBER({budget}),{budget},--{b_core})",
        "b_yuan": 'AND(RIGHT({b_text},1)="元",LEFT(RIGHT({b_text},2),1)<>"千",LEFT(RIGHT({b_text},2),1)<>"仟")',
        "b_empty": "LEN(TRIM({budget}))=0",
        # 業務類別, as written (spaces dropped), and its name when it is a name or an alias.
        "c_text": 'SUBSTITUTE(TRIM({category})," ","")',
        "c_known": "ISNUMBER(MATCH({c_text},INDEX({spellings},0,1),0))",
        "c_name": "VLOOKUP({c_text},{spellings},2,FALSE)",
        # 提列績效對應項目 in its one spelling (one line, one kind of dash, no spaces around it).
        "p_text": _nested(
            'ASC(TRIM(SUBSTITUTE({performance},CHAR(10),"")))', [("—", "-"), ("–", "-"), (" -", "-"), ("- ", "-")]
        ),
        "p_policy": "LEFT({p_text},LEN({policy}))={policy}",
        "p_free": "LEFT({p_text},LEN({free}))={free}",
        "p_empty_policy": _only("policy"),
        "p_empty_free": _only("free"),
        "p_empty": "OR({p_empty_policy},{p_empty_free})",
        "p_known": "ISNUMBER(MATCH({p_text},INDEX({owners},0,1),0))",
        "p_owners": "VLOOKUP({p_text},{owners},2,FALSE)",
    }
)

# Pieces that many conditions of a row use, each calculated once in a hidden cell of the row rather than
# written out wherever it is used. Each stored piece costs a formula cell on every row (file size), and
# saves LibreOffice calculating it again in every condition (time on a filled plan): these three measured
# best (benchmarks/RESULTS.md; all six text pieces made the file 3.0 times the size for no faster opening).
STORED = ("s_shape", "b_core", "p_text")

# How a message placeholder is filled when the rule does not say: the rule's cell as written, the plan year.
_VALUES = {
    "goal": "TRIM({goal})",
    "practice": "TRIM({practice})",
    "schedule": "{s_text}",
    "budget": "TRIM({budget})",
    "category": "TRIM({category})",
    "performance": "{p_text}",
}
_DEFAULT_FILL = {"year": "{year}", "next_year": "{year}+1"}
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Layout:
    """Where the template put things, for the formulas to point at (1-based rows)."""

    first_row: int
    last_row: int
    year_cell: str  # "$E$2"
    helpers: Mapping[str, str]  # field → the letter of its hidden verdict column
    shown: str  # the letter of the 檢查 column
    stored: Mapping[str, str] = field(default_factory=dict)  # piece → the letter of the hidden column holding it
    columns: Mapping[str, str] = field(default_factory=lambda: {c.key: column_letter(i) for i, c in enumerate(COLUMNS)})


class Formulas:
    """The formulas of one template: the catalog's words and the layout's cells filled in."""

    def __init__(self, rules: Sequence[LiveRule], catalog: Catalog, layout: Layout) -> None:
        self.rules = ordered(rules)
        self.layout = layout
        self.constants = {
            "policy": _quoted(catalog.policy_prefix),
            "free": _quoted(catalog.free_prefix),
            "catalog_year": str(catalog.year),
            "vague": VAGUE_NAME,
            "spellings": SPELLINGS_NAME,
            "owners": OWNERS_NAME,
            "relative": _array(list(RELATIVE_MONTHS)),
        }

    def cells(self, row: int) -> dict[str, str]:
        first, letters = self.layout.first_row, self.layout.columns
        goal, practice, performance = letters["goal"], letters["practice"], letters["performance"]
        return {
            **{key: f"{letter}{row}" for key, letter in letters.items()},
            "year": self.layout.year_cell,
            "goals_so_far": f"{goal}${first}:{goal}{row}",
            "rows_so_far": f"{practice}${first}:{performance}{row}",
            "row_cells": f"{practice}{row}:{performance}{row}",
            **self.constants,
            **{piece: f"{letter}{row}" for piece, letter in self.layout.stored.items()},
        }

    def expand(self, template: str, row: int) -> str:
        """A template with every placeholder replaced by its cell or piece, pieces in parentheses."""
        return self._expand(template, self.cells(row))

    def _expand(self, template: str, cells: Mapping[str, str]) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in cells:
                return cells[name]
            if name in PIECES:
                return "(" + _PLACEHOLDER.sub(replace, PIECES[name]) + ")"
            raise KeyError(f"unknown placeholder {{{name}}} in a live formula")

        return _PLACEHOLDER.sub(replace, template)

    def stored(self, piece: str, row: int) -> str:
        """The formula of a hidden cell that holds a piece many conditions of its row use (see STORED)."""
        cells = self.cells(row)
        del cells[piece]
        return "=" + self._expand(PIECES[piece], cells)

    def condition(self, rule: LiveRule, row: int) -> str:
        assert rule.live is not None
        return f"IFERROR({self.expand(rule.live.when, row)},FALSE)"

    def text(self, rule: LiveRule, row: int) -> str:
        """The column's words for a rule, as a formula: 【錯誤】 and the message, placeholders filled."""
        assert rule.live is not None
        fill = {**_DEFAULT_FILL, "value": _VALUES[rule.field], **rule.live.fill}
        parts = _PLACEHOLDER.split(f"【{SEVERITY_WORDS[rule.severity]}】" + rule.message)
        pieces = []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                if part:
                    pieces.append(_quoted(part))
            else:
                pieces.append("(" + self.expand(fill[part], row) + ")")
        return "&".join(pieces)

    def helper(self, key: str, row: int) -> str:
        """The formula of a field's hidden verdict cell: its first problem, or ""."""
        rules = [rule for rule in self.rules if rule.field == key]
        formula = '""'
        for rule in reversed(rules):
            formula = f"IF({self.condition(rule, row)},{self.text(rule, row)},{formula})"
        return f'=IF(COUNTA({self.cells(row)["row_cells"]})=0,"",{formula})'

    def shown(self, row: int) -> str:
        """The 檢查 cell: the first error of the row in the form's column order, else its first warning."""
        cells = [f"{letter}{row}" for key, letter in self.layout.helpers.items()]
        formula = '""'
        for severity in reversed(SHOWN):
            mark = _quoted(f"【{SEVERITY_WORDS[severity]}】")
            for cell in reversed(cells):
                formula = f"IF(LEFT({cell},{len(mark) - 2})={mark},{cell},{formula})"
        return f'=IF(COUNTA({self.cells(row)["row_cells"]})=0,"",{formula})'  # most rows of a template are empty

    def count(self) -> str:
        """The cell above the table: how many rows the 檢查 column flags."""
        layout = self.layout
        shown = f"{layout.shown}{layout.first_row}:{layout.shown}{layout.last_row}"
        flagged = f"SUMPRODUCT(--(LEN({shown})>0))"
        return f'=IF({flagged}>0,"尚有 "&{flagged}&" 處待修正","未發現問題（送出前仍請以 xltool check 確認）")'

    def colour(self, letter: str, severity: str) -> str:
        """A conditional format's condition for cells whose verdict is in column ``letter`` (a helper, or
        the 檢查 column itself): the verdict is of this severity. Written for the first input row; relative."""
        mark = f"【{SEVERITY_WORDS[severity]}】"
        return f'=LEFT(${letter}{self.layout.first_row},{len(mark)})="{mark}"'


def ordered(rules: Sequence[LiveRule]) -> list[LiveRule]:
    """The rules with twins, in the order the column tries them: errors before warnings, then the form's
    column order, then the rule table's order. tests/test_live.py ranks check's findings the same way."""
    shown = [r for r in rules if r.live is not None and r.severity in SHOWN]
    return sorted(shown, key=lambda r: priority(r.severity, r.field))


def priority(severity: str, key: str) -> tuple[int, int]:
    """The order key :func:`ordered` sorts by, for findings (a stable sort keeps the table's order)."""
    return SHOWN.index(severity), COLUMN_AT[key]


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
