"""What a PDF shows, word by word: pdftotext -bbox's boxes, for the tests that measure a printout."""

from __future__ import annotations

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
