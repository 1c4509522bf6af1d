"""Text normalisation: the one place where cell text becomes comparable.

Officers type the same thing many ways (full-width digits, 「－」 or 「—」, a stray ideographic space, a
carriage return that Excel stores as ``_x000D_``). Everything that compares or parses text goes through
:func:`normalize` so that 「政策目標－反貪活動」 and 「政策目標-反貪活動」 are the same item everywhere.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

# NFKC folds full-width forms (－ ～ ， ．) but leaves these alone; they all mean a dash or a tilde here
# (the template's 檢查 column reads DASHES as check does).
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501\ufe58\ufe63\u30fc"
TILDES = "\u301c\u223c\u02dc"
# Characters no one sees, pasted with a schedule from a web page, LINE or a word processor: a zero-width space,
# the left-to-right mark, a word joiner, a soft hyphen, a BOM. The schedule is read past them, by check and by
# the template's 檢查 column alike (each is written out wherever the column reads a schedule: these five, near
# LibreOffice's 8,192 tokens a formula, are those a paste brings).
INVISIBLE = "\u200b\u200e\u2060\u00ad\ufeff"
_TRANSLATE = str.maketrans({**{c: "-" for c in DASHES}, **{c: "~" for c in TILDES}})
_SPACE = re.compile(r"[ \t\u3000\u00a0]{2,}|[\t\u3000\u00a0]")
_EDGE_SPACE = " \t\u3000\u00a0"
_ALL_SPACE = re.compile(r"\s+")
_DASH_SPACE = re.compile(r"\s*-\s*")

# Kinsoku (禁則): characters no line may start with, and characters no line may end with. The printout's
# line breaker (linebreak) and the terminal's (cli.show.wrap) both keep them.
NO_LINE_START = frozenset(
    "」』）》〉】〕〗〙〛｝］，、。．：；！？…‥—～・‧·％－"  # full-width
    ")]},.:;!?%-"  # half-width
    "”’"
)
NO_LINE_END = frozenset("「『（《〈【〔〖〘〚｛［([{“‘$")


def clean(value: object) -> str:
    """Cell text as the officer wrote it, minus what Excel and copying add: ``_x000D_``, ``\\r``,
    blank lines, and spaces (ideographic ones too) at the ends of each line.

    Display text (goals, practices) keeps its full-width punctuation: NFKC would turn 「，」 into 「,」
    in every report and printout.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    # The usual cell: printable (no line break, tab or odd space — those are not), no double space.
    if text.isprintable() and "  " not in text and "_x000D_" not in text:
        return text.strip(" ")
    if "\n" not in text and "\r" not in text and "_x000D_" not in text:
        return _SPACE.sub(" ", text).strip(_EDGE_SPACE)
    text = text.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = (_SPACE.sub(" ", line).strip(_EDGE_SPACE) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@lru_cache(maxsize=65536)
def _normalize(text: str) -> str:
    # NFKC can itself make spaces (「¯」 becomes space + combining macron): a double one, or one at the start
    # of a line, which clean folds and trims (else a second normalize would change the text again).
    # The dashes and tildes first too: NFKC makes 「˜」 a space and a combining tilde, which no reader reads.
    return clean(unicodedata.normalize("NFKC", text.translate(_TRANSLATE)).translate(_TRANSLATE)).strip()


def normalize(value: object) -> str:
    """Cell text in its comparable form: :func:`clean`, then NFKC and one dash and one tilde."""
    text = clean(value)
    # Plans repeat the same short values (108.01-12, 防貪業務) thousands of times: NFKC once each.
    return text.strip() if text.isascii() else _normalize(text)


def squash(value: object) -> str:
    """Normalise and drop every space and line break: for header words, codes, schedules and numbers.

    Chinese needs no spaces, and printed forms break words anywhere (「提列績效\\n對應項目」).
    """
    if value is None:
        return ""
    return _squash(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=65536)  # categories and schedules repeat on every row
def _squash(value: str) -> str:
    text = normalize(value)
    if not _ALL_SPACE.search(text):
        return text
    # NFKC can itself produce a space (「¸」 becomes space + combining cedilla), so repeat until stable.
    for _ in range(4):
        squashed = unicodedata.normalize("NFKC", _ALL_SPACE.sub("", text))
        if squashed == text:
            break
        text = squashed
    return text


def one_line(value: object) -> str:
    """Display text on one line: wrapped lines joined without a gap, the way a wrapped Chinese sentence
    reads (「積極規劃縣府\\n團隊」 is 「積極規劃縣府團隊」)."""
    text = clean(value)
    return text.replace("\n", "") if "\n" in text else text


def item_text(value: object) -> str:
    """Normalise a performance item: one line, no spaces around its dash (「政策目標 － 反貪活動」)."""
    if value is None or value == "":
        return ""
    return _item_text(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=4096)  # a plan picks its items from a list of a few dozen
def _item_text(value: str) -> str:
    return _DASH_SPACE.sub("-", "".join(normalize(value).split("\n")))


def valid_text(text: str) -> str:
    """Text UTF-8 can hold, for writers: a lone surrogate (from a JSON plan, or a file name's undecodable
    byte) becomes U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text


def first_of(parts: Sequence[str], shown: int, unit: str) -> str:
    """「A5、A8、B2 等 12 格」: the first ``shown`` of a list and how many there are in all (``unit`` counts them),
    where the whole list would bury the line that says it."""
    return "、".join(parts[:shown]) + (f" 等 {len(parts)} {unit}" if len(parts) > shown else "")


def number_text(value: float) -> str:
    """A number with every digit it holds, as a cell's number is quoted: format "g" kept six (a merge wrote
    12345678.9 back as 12345700, check quoted 99999999 as 「1e+08」 and a budget of 1234567 as 「1.23457e+06」)."""
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    shortest = repr(float(value))
    if not math.isfinite(value):
        return shortest
    # as a spreadsheet shows it, 0.00005 rather than Python's 「5e-05」 (within reason: 1e-300 stays short)
    exact = Decimal(shortest)
    return format(exact, "f") if -20 <= exact.adjusted() < 16 else shortest
