"""What LibreOffice does with the printed form's cells, measured from its PDF (the numbers behind
xltool/linebreak.py).

    python benchmarks/linebreak_measure.py            # all measurements, about 20 s

1. Line pitch of a multi-line cell of 標楷體 14 pt in a row of n x 22 pt, per vertical alignment, for hard
   line breaks, LibreOffice's own wrapping, and hard breaks with a 19.9 pt zero-width strut.
2. A column of xlsxwriter width w: printed points, cell padding, and the width at which a line wraps.
3. Advance widths in AR PL UKai TW (needs fontTools: pip install fonttools).
4. fit_to_pages(1, 0) against print scale 100 % for the Kinmen example in the proposed columns.
5. Lines the Kinmen example takes in the current and the proposed columns.
6. The document in LibreOffice Writer: where it breaks a schedule in a table cell, as typed and with the
   characters xltool could write in (xltool/linebreak.py break_hints), and whether a table row it splits
   keeps widow and orphan control (xltool/pages.py).
"""

from __future__ import annotations

import itertools
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import xlsxwriter  # noqa: E402

from tests.pdf import Word, pdf_words  # noqa: E402
from xltool.form import COLUMNS  # noqa: E402
from xltool.linebreak import column_points, lines_needed, usable_width, wrap  # noqa: E402
from xltool.model import number  # noqa: E402
from xltool.office import convert  # noqa: E402
from xltool.reader import read_plan  # noqa: E402

BODY = {"font_name": "標楷體", "font_size": 14}
MARGIN = 2.5 / 2.54  # inch
CURRENT = (10, 23, 9, 6, 4, 8)
PROPOSED = (6, 20, 10, 11, 4, 9)
HEADERS = tuple(column.printed for column in COLUMNS)


# The zero-width strut measured here (lines 22 pt apart in LibreOffice) was not taken: render prints each
# line as a 22 pt row instead, which Excel honours too. Kept so the measurement can be repeated.
STRUT = "\u200b"
STRUT_SIZE = 19.9


def rich_lines(lines: Sequence[str], text_format: Any, strut_format: Any) -> list[Any]:
    """Arguments for xlsxwriter's ``write_rich_string`` that print ``lines`` 22 pt apart in LibreOffice.

    Every line but the first starts with a zero-width space in ``strut_format`` (the body font at
    STRUT_SIZE), which gives the line its height and nothing else. The first line keeps the
    body font's own height, so it sits where a one-line cell or a number in the same row does (it is
    21.2 pt above the second), and the text ends about 6 pt above the bottom of a row of
    ``len(lines)`` x 22 pt. Use :func:`write_lines`, which also handles a text of one line (a rich
    string needs two runs).
    """
    parts: list[Any] = []
    for i, line in enumerate(lines):
        if i:
            parts += [strut_format, "\n" + STRUT]
        if line:
            parts += [text_format, line]
    return parts


def write_lines(
    sheet: Any, row: int, col: int, lines: Sequence[str], cell_format: Any, text_format: Any, strut_format: Any
) -> None:
    """Write ``lines`` into a cell of an xlsxwriter worksheet, 22 pt apart (see :func:`rich_lines`)."""
    if len(lines) < 2:
        sheet.write_string(row, col, "".join(lines), cell_format)
    else:
        sheet.write_rich_string(row, col, *rich_lines(lines, text_format, strut_format), cell_format)


def workbook(path: Path) -> Any:
    return xlsxwriter.Workbook(str(path), {"default_format_properties": BODY})


def to_pdf(book: Any, path: Path) -> list[Word]:
    book.close()
    return [w for w in pdf_words(convert(path, "pdf", path.parent)) if w.text.replace(STRUT, "")]


def pitch(folder: Path) -> None:
    print("## 1. Line pitch, 標楷體 14 pt (AR PL UKai TW), row = lines x 22 pt unless said")
    path = folder / "pitch.xlsx"
    book = workbook(path)
    sheet = book.add_worksheet()
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 6)
    text_run, strut_run = book.add_format(BODY), book.add_format({**BODY, "font_size": 19.9})
    line = "一二三四五六七八九十"
    cases = []
    row = 0
    for valign in ("top", "vjustify", "vdistributed"):
        cell = book.add_format({"text_wrap": True, "valign": valign, "border": 1})
        for n in (2, 3, 5):
            for mode in ("hard \\n", "auto wrap", "strut"):
                for extra in (0, 3):
                    if mode == "hard \\n":
                        sheet.write_string(row, 0, "\n".join([line] * n), cell)
                    elif mode == "auto wrap":
                        sheet.write_string(row, 0, line * n, cell)
                    else:
                        write_lines(sheet, row, 0, [line] * n, cell, text_run, strut_run)
                    sheet.write_string(row, 1, str(row), book.add_format({"valign": "top"}))
                    sheet.set_row_pixels(row, (n + extra) * 22 * 4 / 3)
                    cases.append((row, valign, n, mode, n + extra))
                    row += 1
    sheet.set_margins(left=1, right=1, top=0.5, bottom=0.5)
    words = to_pdf(book, path)
    labels = {int(w.text): w for w in words if w.x0 > 200 and w.text.isdigit()}
    print("| valign | lines | text | row (lines) | gaps between consecutive lines (pt) |")
    print("|---|---|---|---|---|")
    for row, valign, n, mode, row_lines in cases:
        label = labels[row]
        tops = sorted(
            {
                round(w.y0, 2)
                for w in words
                if w.page == label.page and w.x0 < 200 and label.y0 - 3 <= w.y0 < label.y0 - 3 + row_lines * 22
            }
        )
        gaps = ", ".join(f"{b - a:.1f}" for a, b in itertools.pairwise(tops))
        print(f"| {valign} | {n} | {mode} | {row_lines} | {gaps} |")


def columns(folder: Path) -> None:
    print("\n## 2. Columns: printed width, padding, and where a line wraps")
    widths = (4, 6, 8, 9, 10, 12, 16)
    path = folder / "columns.xlsx"
    book = workbook(path)
    sheet = book.add_worksheet()
    left, right = book.add_format({"align": "left"}), book.add_format({"align": "right"})
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, "一", left)
        sheet.write_string(1, col, "一", right)
    sheet.set_margins(left=0.5, right=0.5)
    words = to_pdf(book, path)
    starts = sorted(w.x0 for w in words if abs(w.y0 - min(v.y0 for v in words)) < 1)
    ends = sorted(w.x1 for w in words if abs(w.y0 - min(v.y0 for v in words)) > 1)
    pad = starts[0] - 36
    print(f"- padding: {pad:.3f} pt left; right {starts[1] - pad - ends[0]:.3f} pt")
    for width, a, b in zip(widths, starts, starts[1:], strict=False):
        print(f"- width {width}: {b - a:.2f} pt printed (model 7 w + 5 = {column_points(width):.0f})")

    path = folder / "wrap.xlsx"
    book = workbook(path)
    wrap_cell = book.add_format({"text_wrap": True, "valign": "top"})
    cases = []
    for text, points in (("一二三四五", 70), ("一二三四五六七八九十", 140), ("0" * 20, 140), ("一二三0", 49)):
        for extra in range(-1, 5):
            cases.append((text, points, points + extra))
    for text, _points, column in cases:  # one sheet, so one page, a case
        sheet = book.add_worksheet()
        sheet.set_column(0, 0, (column - 5) / 7)
        sheet.write_string(0, 0, text, wrap_cell)
        sheet.set_row(0, 40)
    words = to_pdf(book, path)
    print("- wrap: a text of T pt in a column of C pt")
    results: dict[tuple[str, float], list[str]] = {}
    for page, (text, points, column) in enumerate(cases, start=1):
        lines = len({round(w.y0) for w in words if w.page == page})
        results.setdefault((text, points), []).append(f"C = T{column - points:+.0f}: {lines}")
    for (text, points), found in results.items():
        print(f"  - {text} (T = {points}), lines: " + "; ".join(found))


def advances() -> None:
    print("\n## 3. Advance widths at 14 pt, AR PL UKai TW")
    try:
        from fontTools.ttLib import TTCollection  # type: ignore[import-not-found]
    except ImportError:
        print("- fontTools not installed: pip install fonttools")
        return
    font = TTCollection("/usr/share/fonts/truetype/arphic/ukai.ttc").fonts[2]
    cmap, metrics, em = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    hhea = font["hhea"]
    print(
        f"- ascent + descent: ({hhea.ascent} + {-hhea.descent}) / {em} em = {(hhea.ascent - hhea.descent) / em * 14:.2f} pt"
    )
    groups: dict[float, str] = {}
    for ch in "計畫廉政一、，。「」（）：；！？…0123456789.-,()PvabcxyzABCXYZ \u3000\u200b":
        glyph = cmap.get(ord(ch))
        size = round(metrics[glyph][0] / em * 14, 3) if glyph else -1.0
        groups[size] = groups.get(size, "") + ch
    for size, chars in sorted(groups.items()):
        print(f"- {'not in the font' if size < 0 else f'{size} pt'}: {chars!r}")


def kinmen_rows() -> list[dict[int, str]]:
    rows = []
    for item in read_plan(ROOT / "examples" / "kinmen_108.xlsx").items:
        budget = f"{number(item.budget):,}" if item.budget is not None else ""
        texts = (item.numbered_goal, item.numbered_practice, item.schedule, budget, item.category, item.performance)
        rows.append({col: value for col, value in enumerate(texts) if value})
    return rows


def scale(folder: Path) -> None:
    print("\n## 4. Print scale of the Kinmen example in the proposed columns")
    for name, fit in (("fit_to_pages(1, 0)", True), ("print scale 100 %", False)):
        path = folder / f"scale{fit}.xlsx"
        book = workbook(path)
        sheet = book.add_worksheet()
        cell = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
        run, strut = book.add_format(BODY), book.add_format({**BODY, "font_size": 19.9})
        for col, width in enumerate(PROPOSED):
            sheet.set_column(col, col, width)
        for row, texts in enumerate([dict(enumerate(HEADERS)), *kinmen_rows()]):
            lines = {col: wrap(text, usable_width(PROPOSED[col])) for col, text in texts.items()}
            for col, value in lines.items():
                write_lines(sheet, row, col, value, cell, run, strut)
            sheet.set_row_pixels(row, max(map(len, lines.values())) * 22 * 4 / 3)
        sheet.set_paper(9)
        sheet.set_margins(left=MARGIN, right=MARGIN, top=MARGIN, bottom=MARGIN)
        if fit:
            sheet.fit_to_pages(1, 0)
        words = to_pdf(book, path)
        first = min((w for w in words if w.page == 1), key=lambda w: (w.y0, w.x0))
        zoom = (first.x1 - first.x0) / (14 * len(first.text))
        print(
            f"- {name}: {max(w.page for w in words)} pages, scale {zoom:.1%}, text from {min(w.x0 for w in words):.2f}"
            f" to {max(w.x1 for w in words):.2f} pt (printable 70.87 to 524.41)"
        )


def totals() -> None:
    print("\n## 5. Lines the Kinmen example takes (33 practices; goals merged down their practices)")
    rows = kinmen_rows()
    for name, widths in (("current", CURRENT), ("proposed", PROPOSED)):
        groups: dict[str, list[int]] = {}
        for texts in rows:
            lines = max(lines_needed(text, widths[col]) for col, text in texts.items() if col)
            groups.setdefault(texts[0], []).append(lines)
        body = sum(max(sum(lines), lines_needed(goal, widths[0])) for goal, lines in groups.items())
        header = max(lines_needed(text, width) for text, width in zip(HEADERS, widths, strict=True))
        points = [column_points(w) for w in widths]
        print(f"- {name} {widths}: {points} = {sum(points):.0f} pt; header {header} lines, body {body} lines")


WJ, ZWSP = "\u2060", "\u200b"
SCHEDULES = {
    "108.01、04、07、10": {
        "as typed": "108.01、04、07、10",
        "U+2060 inside numbers and before 、": "1⁠0⁠8⁠.⁠0⁠1⁠、04⁠、07⁠、10".replace("⁠", WJ),
        "U+200B after each 、": f"108.01、{ZWSP}04、{ZWSP}07、{ZWSP}10",
    },
    "１０８．０３": {
        "as typed": "１０８．０３",
        "U+200B after ．": f"１０８．{ZWSP}０３",
        "U+2060 between digits, U+200B after ．": f"１{WJ}０{WJ}８．{ZWSP}０{WJ}３",
        "line break after ．": "１０８．\n０３",
    },
}


def document_cell(folder: Path) -> None:
    """How LibreOffice Writer breaks a schedule in the document's 預定進度 cell (75 pt, 2.25 pt padding each
    side), as typed and with the characters break_hints could write in, and whether a table row it splits
    over two pages keeps two lines of each cell on each side (widow and orphan control)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from tests.pdf import column_lines, read_pdf

    print("\n## 6. The document (Writer): a schedule in the 75 pt 預定進度 cell, and rows split over pages")
    variants = [(token, name, text) for token, texts in SCHEDULES.items() for name, text in texts.items()]
    sources = []
    for n, (_, _, text) in enumerate(variants):
        document = docx.Document()
        table = document.add_table(rows=1, cols=1)
        table.columns[0].width = table.rows[0].cells[0].width = Pt(75)
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), "45")
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        table._tbl.tblPr.append(margins)
        run = table.rows[0].cells[0].paragraphs[0].add_run(text)
        run.font.size = Pt(14)
        run.font.name = "標楷體"
        run._r.rPr.rFonts.set(qn("w:eastAsia"), "標楷體")
        sources.append(folder / f"cell{n}.docx")
        document.save(str(sources[-1]))
    from xltool.office import convert_many

    for (token, name, _), pdf in zip(variants, convert_many(sources, "pdf", folder), strict=True):
        lines = [line.text for line in column_lines(read_pdf(pdf), 0, 1000)]
        print(f"- {token}, {name}: {' | '.join(lines)}")
    # A cell of ten lines in a row that may split, moved down the page a line at a time by paragraphs
    # above it, widow control on: Word keeps two lines of it on each side of the page break. Alone in its
    # row, and beside a cell of two lines in a row under a goal's cell merged down (the form's table).
    for form in ("alone in its row", "beside a 2-line cell, under a merged goal", "starting a merged goal"):
        sources = []
        for before in range(47, 57):
            document = docx.Document()
            for _ in range(before):
                document.add_paragraph("前文")
            table = document.add_table(
                rows=1 if form.startswith("alone") else 2, cols=1 if form.startswith("alone") else 3
            )
            row = table.rows[0 if form.startswith("starting") else -1]
            if not form.startswith("alone"):
                for tc, merge in ((table.rows[0].cells[0]._tc, "restart"), (table.rows[1].cells[0]._tc, "continue")):
                    vmerge = OxmlElement("w:vMerge")
                    vmerge.set(qn("w:val"), merge)
                    tc.get_or_add_tcPr().append(vmerge)
                table.rows[0].cells[0].paragraphs[0].add_run("壹、遵行政策指引、擘劃廉能願景。")
                row.cells[2].paragraphs[0].add_run("108.01、").add_break()
                row.cells[2].paragraphs[0].add_run("04、07")
            cell = row.cells[0 if form.startswith("alone") else 1]
            cell.paragraphs[0]._p.get_or_add_pPr().append(OxmlElement("w:widowControl"))
            for n in range(1, 11):
                cell.paragraphs[0].add_run(f"第{n}行").add_break()
            sources.append(folder / f"split{before}{form[:5]}.docx")
            document.save(str(sources[-1]))
        splits = []
        for pdf in convert_many(sources, "pdf", folder):
            pages = read_pdf(pdf)
            sides = [sum(word.text.startswith("第") for word in page.words) for page in pages]
            splits.append("+".join(str(side) for side in sides if side))
        print(f"- a ten-line cell {form}, moved down a page, w:widowControl on: {', '.join(splits)}")


def document_rows(folder: Path) -> None:
    """The Kinmen example as a document whose practice rows LibreOffice may split itself (each practice
    one row, w:widowControl on every paragraph): where it ends pages inside a practice, how many of the
    practice's lines stay on each side."""
    from unittest import mock

    from docx.oxml.ns import qn

    import xltool.document as document
    from tests.pdf import MARGIN as LEFT
    from tests.pdf import column_lines, read_pdf
    from xltool.form import DOCUMENT_WIDTHS_CM
    from xltool.office import convert_many

    lay_out = document.lay_out

    def one_page(*args: Any, **kwargs: Any) -> Any:  # no page ends of xltool's: one row a practice
        return lay_out(*args, **{**kwargs, "first_page": 10**6, "other_pages": 10**6})

    with mock.patch.object(document, "lay_out", one_page):
        built = document.build_document([read_plan(ROOT / "examples" / "kinmen_108.xlsx")])
    for row in built.tables[0].rows[1:-1]:
        for split in row._tr.trPr.findall(qn("w:cantSplit")):
            row._tr.trPr.remove(split)
    source = folder / "rows.docx"
    built.save(str(source))
    (pdf,) = convert_many([source], "pdf", folder)
    left = LEFT + DOCUMENT_WIDTHS_CM["goal"] / 2.54 * 72
    right = left + DOCUMENT_WIDTHS_CM["practice"] / 2.54 * 72
    lines = [  # not the title, nor the header repeated on each page, nor the total
        line
        for line in column_lines(read_pdf(pdf), left, right)
        if line.top > LEFT + 25 and line.text not in ("具體作法", "合計")
    ]
    sides: list[str] = []
    cell: list[Any] = []
    for line in [*lines, None]:
        if line is None or re.match("[一二三四五六七八九十]+、", line.text):  # a practice starts
            pages = [sum(one.page == page for one in cell) for page in sorted({one.page for one in cell})]
            if len(pages) > 1:
                sides.append("+".join(map(str, pages)))
            cell = []
        if line is not None:
            cell.append(line)
    print(f"- the example, practice rows LibreOffice splits itself: practices split {', '.join(sides)}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="linebreak-") as scratch:
        folder = Path(scratch)
        pitch(folder)
        columns(folder)
        advances()
        scale(folder)
        totals()
        document_cell(folder)
        document_rows(folder)


if __name__ == "__main__":
    main()
