"""What a PDF shows, word by word: pdftotext -bbox's boxes, for the tests that measure a printout."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest

MARGIN = 2.5 / 2.54 * 72  # the form's 2.5 cm, in points
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)

    def text(self) -> str:
        return "".join(word.text for word in self.words)

    def footer(self) -> list[Word]:
        return [word for word in self.words if word.y0 > self.height - MARGIN]

    def body(self) -> list[Word]:
        return [word for word in self.words if word.y0 <= self.height - MARGIN]


def read_pdf(pdf: Path) -> list[Page]:
    """Every page with its words and their boxes (pdftotext -bbox writes XHTML)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils (pdftotext) must be installed with LibreOffice")
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    pages = []
    for number, page in enumerate(ElementTree.fromstring(xhtml).iter(f"{_XHTML}page"), start=1):
        words = [
            Word(number, *(float(w.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")), w.text or "")
            for w in page.iter(f"{_XHTML}word")
        ]
        pages.append(Page(number, float(page.get("width", "0")), float(page.get("height", "0")), words))
    return pages


def pdf_words(pdf: Path) -> list[Word]:
    return [word for page in read_pdf(pdf) for word in page.words]


# -- what the issue about the printout's pages measures ------------------------------------------------


@dataclass(frozen=True)
class Line:
    page: int
    top: float
    bottom: float
    text: str


def column_lines(pages: list[Page], left: float, right: float) -> list[Line]:
    """The lines of text between ``left`` and ``right`` (a column), in reading order: the words whose
    centre lies in the column, those on one baseline joined without spaces (CJK has none)."""
    lines: list[Line] = []
    for page in pages:
        words = sorted((w for w in page.body() if left <= w.centre < right), key=lambda w: (round(w.y0), w.x0))
        for word in words:
            if lines and lines[-1].page == page.number and abs(word.y0 - lines[-1].top) < 3:
                last = lines[-1]
                lines[-1] = Line(last.page, last.top, max(last.bottom, word.y1), last.text + word.text)
            else:
                lines.append(Line(page.number, word.y0, word.y1, word.text))
    return lines


def broken_tokens(lines: list[Line], tokens: list[str]) -> list[str]:
    """The schedule tokens (each listed once per cell that holds it) not printed whole nor broken only
    where a schedule may break: after its 「-」 or 「、」, or, in one with neither that is wider than
    the column (「１０８．０３」), between the year and the month. A token broken inside a number, or a
    line opening with 、, shows here."""
    drawn = "|".join(line.text for line in lines)
    missing = []
    for token in dict.fromkeys(tokens):
        breaks = "-－、" if any(ch in token for ch in "-－、") else ".．"
        pattern = "".join(re.escape(ch) + (r"\|?" if ch in breaks else "") for ch in token)
        if len(re.findall(f"(?<![0-9０-９]){pattern}(?![0-9０-９])", drawn)) < tokens.count(token):
            missing.append(token)
    return missing


def short_pages(pages: list[Page], *, last_pages: set[int] | None = None) -> dict[int, float]:
    """Pages whose text ends more than three lines (66 pt) above that of the fullest page, with how far
    above: the last page (or each unit's last, ``last_pages``) may end anywhere."""
    bottoms = {page.number: max(w.y1 for w in page.body()) for page in pages if page.body()}
    fullest = max(bottoms.values())
    last_pages = last_pages if last_pages is not None else {pages[-1].number}
    return {n: round(fullest - b, 1) for n, b in bottoms.items() if n not in last_pages and fullest - b > 66}
