"""Line breaking for the printed form: one width model of the body font and a zh-TW line breaker.

The printable sheet holds its text with the line breaks already in it, so the line count is exact rather
than estimated and no program wraps a line a second time. Everything here is measured, not guessed
(benchmarks/linebreak_measure.py prints the numbers):

- Widths are those of 標楷體 (DFKai-SB, Windows) and of AR PL UKai TW (its stand-in under LibreOffice),
  each character the larger of the two: CJK, full-width and East Asian ambiguous characters 1 em,
  ASCII 0.5 em (UKai's ``P`` 520/1024 em), zero-width marks 0.
- A column of xlsxwriter width ``w`` prints ``7 w + 5`` pt wide when the workbook's default font is
  標楷體 14 pt (LibreOffice counts the stored width, ``w + 5/7``, in widths of that font's ``0``, 7 pt).
  LibreOffice keeps 0.99 pt of padding at each side and wraps a line of ``T`` pt once the column is
  narrower than ``T + 2`` to ``T + 3`` pt; the model leaves 3.5 pt.
- Lines are broken as a zh-TW typesetter would: between any two ideographs, never inside a run of
  letters or digits or a number or schedule token (``108.01-12``, ``1,865``), after the 、 of
  ``115.01、04、07、10``; no line starts with closing punctuation or ends with opening punctuation; an
  item such as ``政策目標-反貪活動`` is kept whole where it fits and otherwise broken after its hyphen.

LibreOffice lays lines split by hard breaks out at the font's own line height (15.45 pt for UKai at
14 pt) whatever the vertical alignment (justify and distributed spread only lines it wrapped itself), and
Excel has no line spacing for cells either: ``render`` prints each line as a row of its own, 22 pt tall.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from xltool.form import BODY_SIZE
from xltool.text import NO_LINE_END, NO_LINE_START

# The column unit: LibreOffice counts xlsxwriter's stored width (w + 5/7) in widths of the default
# font's "0", which for 標楷體 / AR PL UKai at 14 pt is 7 pt.
DIGIT_WIDTH = 7.0  # pt
CELL_INSET = 3.5  # pt: 0.99 pt padding each side, and LibreOffice's rounding (it wraps below T + 2..3 pt)

# Kinsoku (禁則): characters no line may start or end with; one set for the printout and the terminal.
NO_START, NO_END = NO_LINE_START, NO_LINE_END
HYPHENS = "-－"

# A run of letters and digits with the joiners that belong inside a number, a date or a schedule:
# 108.01-12, 1,865, 115.01, v1.2, A-1, and their full-width forms (１０８．０３). Never broken where it
# fits; a token wider than a line is broken after its dashes (108.10- | 109.03), then between a year and
# its month (１０８． | ０３), and only as a last resort between characters.
_ALNUM = "A-Za-z0-9Ａ-Ｚａ-ｚ０-９"
_TOKEN_JOINERS = ".,:/-~_～－–．：／"
_TOKEN = re.compile(rf"[{_ALNUM}]+(?:[{re.escape(_TOKEN_JOINERS)}][{_ALNUM}]+)*")
# after which a token wider than a line breaks, best first: a number's thousands commas last (1,234,567, | 890)
_TOKEN_BREAKS = ("-~～－–/／", ".．:：", ",，")
# An item such as 政策目標-反貪活動 or 政策目標－細項0000: words of ideographs (digits and letters may follow)
# joined by hyphens.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Tried only where a run of ideographs starts (inside one it would end where the run does), its words
# taken whole (*+): matched at every character, a paragraph of 12,000 ideographs without a hyphen was
# scanned to its end from each of them, and a long practice took minutes to print.
_ITEM = re.compile(rf"(?<![{_CJK}])[{_CJK}][{_CJK}A-Za-z0-9]*+(?:[{HYPHENS}][{_CJK}][{_CJK}A-Za-z0-9]*+)+")

# UKai's advances in 1/1024 em where they differ from the 0.5 em of DFKai-SB's ASCII and are wider.
_UKAI_WIDER = {"P": 520 / 1024}


@lru_cache(maxsize=4096)
def _em(ch: str) -> float:
    """Advance of one character in em: the larger of DFKai-SB's and AR PL UKai TW's."""
    if ch in _UKAI_WIDER:
        return _UKAI_WIDER[ch]
    if unicodedata.category(ch) in ("Mn", "Me", "Cf") or ch in "\n\r":  # zero-width marks and breaks
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return 1.0
    if ch.isascii() or "\u00a0" <= ch <= "\u024f":  # ASCII, Latin-1 and Latin Extended: half-width in both
        return 0.5
    return 1.0  # anything else: a full em is never too narrow


def char_width(ch: str, size: float = BODY_SIZE) -> float:
    """Printed width of one character in points."""
    return _em(ch) * size


def text_width(text: str, size: float = BODY_SIZE) -> float:
    """Printed width of ``text`` on one line, in points (line breaks count nothing)."""
    return sum(_em(ch) for ch in text) * size


def column_points(width: float) -> float:
    """Printed width in points of a column set to ``width`` xlsxwriter characters.

    xlsxwriter stores ``(round(7 w) + 5) / 7`` (its 7 px digit and 5 px of padding, for ``w >= 1``) and
    LibreOffice prints that many digit widths of the default font, 7 pt: ``7 w + 5`` pt in whole points.
    """
    return (int(width * 7 + 0.5) + 5) / 7 * DIGIT_WIDTH if width > 0 else 0.0


def usable_width(width: float) -> float:
    """Points of text a line may hold in a column of ``width`` xlsxwriter characters."""
    return max(0.0, column_points(width) - CELL_INSET)


def wrap(text: str, width: float, size: float = BODY_SIZE) -> list[str]:
    """Break ``text`` into lines of at most ``width`` points at ``size`` pt.

    Existing line breaks are kept. ``"".join(wrap(t, w)) == t.replace("\\n", "")``: no character is
    added or dropped, spaces included. A line is wider than ``width`` only where a single character is, or
    by the spaces at its end (they print nothing; the next line starts with a word, not with them).
    """
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width / size))
    return lines


def lines_needed(text: str, column_width: float, size: float = BODY_SIZE) -> int:
    """How many lines ``text`` takes in a column of ``column_width`` xlsxwriter characters."""
    return len(wrap(text, usable_width(column_width), size))


def fill(text: str, column_width: float, size: float = BODY_SIZE) -> str:
    """``text`` with its line breaks put in for a column of ``column_width`` xlsxwriter characters."""
    return "\n".join(wrap(text, usable_width(column_width), size))


ZERO_WIDTH_SPACE = "\u200b"
_MONTH_AFTER_COMMA = re.compile(r"(?<=、)(?=[0-9])")  # full-width months: a line break where one falls (above)


def break_hints(text: str, width: float, size: float = BODY_SIZE) -> str:
    """``text`` for a word processor, which breaks lines itself, with a break written in wherever
    xltool's breaker may break but LibreOffice (7.4, measured) sees no opportunity and cuts a number
    instead: a zero-width space (U+200B, a break opportunity that prints nothing) after an 、 before a
    month (it printed 「108.0 | 1、04、07 | 、10」) and inside a half-width token wider than a line
    (``width`` points) at the break xltool chose; a line break inside a full-width one (「１０８． |
    ０３」: its CJK breaker cuts full-width digits anywhere, zero-width space or word joiner or not) and
    before one xltool carried to the next line whole (「０１、 | ０４、」, 「人， | ＡＢＣＤ講座」).
    Nothing else is added: text copied out of the document is the officer's but for these."""
    paragraphs = []
    for paragraph in text.split("\n"):
        hinted, at = [], 0
        for line in _wrap_paragraph(paragraph, width / size):
            if at > 0 and _is_token_char(paragraph[at]):
                inside = _is_token_char(paragraph[at - 1])
                # A full-width letter or digit gets its line break whatever precedes it (、, an ideograph,
                # 「，」): LibreOffice breaks between any two of them, so where xltool carried a full-width
                # token over whole it filled the line with the token's first digits (「０１、０ | ４」).
                if unicodedata.east_asian_width(paragraph[at]) in ("F", "W") and (
                    inside or _TOKEN.match(paragraph[at])
                ):
                    hinted.append("\n")
                elif inside:
                    hinted.append(ZERO_WIDTH_SPACE)
            hinted.append(line)
            at += len(line)
        paragraphs.append(_MONTH_AFTER_COMMA.sub(ZERO_WIDTH_SPACE, "".join(hinted)))
    return "\n".join(paragraphs)


def _is_token_char(ch: str) -> bool:
    return bool(_TOKEN.match(ch)) or ch in _TOKEN_JOINERS


# -- the breaker -------------------------------------------------------------------------------------


def _atoms(paragraph: str) -> Iterator[str]:
    """The paragraph as its smallest unbreakable pieces: a token, an item, or one character."""
    items = {found.start(): found.end() for found in _ITEM.finditer(paragraph)}
    i = 0
    while i < len(paragraph):
        match = _TOKEN.match(paragraph, i)
        end = match.end() if match else items.get(i, i + 1)
        yield paragraph[i:end]
        i = end


def _chunks(paragraph: str) -> list[str]:
    """Pieces between which a line may break: opening punctuation joins what follows it, closing
    punctuation and spaces join what precedes them."""
    # Atoms gathered in lists and joined once: a string grown an atom at a time is copied each time, and a
    # JSON plan's practice of a million 「，」 took render minutes.
    chunks: list[list[str]] = []
    pending_open: list[str] = []
    for atom in _atoms(paragraph):
        if atom in NO_END:
            pending_open.append(atom)
        elif (atom in NO_START or atom.isspace()) and chunks and not pending_open:
            chunks[-1].append(atom)
        else:
            chunks.append([*pending_open, atom])
            pending_open = []
    if pending_open:
        if chunks:
            chunks[-1] += pending_open  # a paragraph ending in 「: keep it on the last line
        else:
            chunks.append(pending_open)
    return ["".join(chunk) for chunk in chunks]


def _pieces(chunk: str, width: float) -> list[str]:
    """A chunk wider than a line, cut where it hurts least, into pieces each no wider than a line (or of
    one character): first after the hyphens of an item, then off its glued punctuation (a line may then
    start with 」 rather than a number be split), then after a token's dashes or between a year and its
    month, last by characters, keeping the kinsoku where it can."""
    parts = [p for p in re.split(rf"(?<=[{HYPHENS}])(?=[{_CJK}])", chunk) if p]
    if len(parts) > 1:
        return [piece for part in parts for piece in _pieces(part, width)]
    if _width(chunk) <= width:
        return [chunk]
    core = chunk.lstrip("".join(NO_END))
    head = chunk[: len(chunk) - len(core)]
    body = core.rstrip("".join(NO_START) + " ")
    tail = core[len(body) :]
    body, tail = body + tail[: len(tail) - len(tail.lstrip(" "))], tail.lstrip(" ")  # spaces never open a line
    # Glued punctuation comes off only to keep a number or a word whole; Chinese breaks anywhere, and
    # _by_chars keeps the kinsoku (「自創項目：」 in a column of four: 「自創項」 and 「目：」, not 「：」 opening a line).
    if body.strip() and (head or tail) and re.search(f"[{_ALNUM}]", body):
        if _width((head + body).rstrip(" ")) <= width:
            return [head + body, *_by_chars(tail, width)]
        if _width(body + tail) <= width:
            return [*_by_chars(head, width), body + tail]
        if _width(body.rstrip(" ")) <= width:
            return [*_by_chars(head, width), body, *_by_chars(tail, width)]
    for joiners in _TOKEN_BREAKS:
        parts = [p for p in re.split(rf"(?<=[{re.escape(joiners)}])(?=[{_ALNUM}])", chunk) if p]
        if len(parts) > 1:
            return [piece for part in parts for piece in _pieces(part, width)]
    return _by_chars(chunk, width)


def _by_chars(text: str, width: float) -> list[str]:
    """A line's worth of characters at a time, by place in ``text`` and the width so far: cut off and
    measured again for each line, a JSON plan's practice of a million characters took render minutes."""
    pieces: list[str] = []
    start, end = 0, len(text)
    while start < end:
        take, used = start + 1, _em(text[start])
        while take < end and used + _em(text[take]) <= width:
            used += _em(text[take])
            take += 1
        if take < end:
            # Pull characters back so the next piece does not start with 、 nor this one end with 「.
            back = take
            while back > start + 1 and (text[back] in NO_START or text[back - 1] in NO_END):
                back -= 1
            if not (text[back] in NO_START or text[back - 1] in NO_END):
                take = back
        while take < end and text[take] == " ":
            take += 1  # spaces end a line (they print nothing there), never start one
        pieces.append(text[start:take])
        start = take
    return pieces


def _width(text: str) -> float:
    return sum(_em(ch) for ch in text)


def _wrap_paragraph(paragraph: str, width: float) -> list[str]:
    """Greedy filling in em units: each chunk goes on the current line if it fits, else starts the next
    one; a chunk wider than a whole line is cut (:func:`_pieces`) and its pieces filled the same way."""
    lines: list[str] = []
    line, used = "", 0.0

    def place(piece: str, w: float) -> None:
        nonlocal line, used
        # A space at a line's end prints nothing: a word that fills the line keeps the space after it
        # (it went on alone, and the next line started with it).
        shown = piece.rstrip(" ")
        if line and shown and used + _width(shown) > width:  # (a character wider than a line stands alone)
            lines.append(line)
            line, used = "", 0.0
        line += piece
        used += w

    for chunk in _chunks(paragraph):
        # A chunk that fits goes whole; a wider one in pieces, of which the first (an item's first
        # word, 政策目標-) may finish the current line.
        for piece in [chunk] if _width(chunk.rstrip(" ")) <= width else _pieces(chunk, width):
            place(piece, _width(piece))
    if line or not lines:
        lines.append(line)
    return lines
