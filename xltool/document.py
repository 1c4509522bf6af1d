"""The plan as a document, the way the form itself is kept: a Word table (DOCX) and its ODF twin (ODT).

The form is a Word table, and its 填表說明 七 speaks Word's words: 標楷體 18 pt title, 14 pt body at a
fixed 22 pt line height (固定行高), 2.5 cm margins, page number at the bottom centre, the header row
repeated on every page (跨頁標題重複). A word processor has all of these natively, where a spreadsheet
only approximates the line height.

The DOCX is made with python-docx: it writes a package Word opens without complaint (parts,
relationships, content types, a style sheet), and the few things it has no API for (East Asian font,
repeated header row, vertical merge, page-number fields, page numbers restarting per section) are a
handful of WordprocessingML elements added here. The ODT is LibreOffice's conversion of that same DOCX
(``office.convert``): one layout to keep right instead of two, and the ODT is exactly what LibreOffice —
the program that opens ODF files at a government desk — makes of the document. It needs LibreOffice,
as the PDF does.

Every plan is its own section: a new page, its own title, and page numbers counting from 1. With one
plan the footer says 「第 X 頁，共 Y 頁」 with PAGE and NUMPAGES; with several, Y is SECTIONPAGES, so each
unit's count is its own, and each page's header names its unit.

Where pages end is xltool's (``pages``, the same ends as the printable sheet's); where lines break is left
to Word and LibreOffice, but for the few places they break a schedule wrongly (``linebreak.break_hints``).
"""

from __future__ import annotations

import copy
import io
import itertools
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xltool.errors import ErrorCode, OfficeError
from xltool.form import (
    BODY_SIZE,
    DOCUMENT_WIDTHS_CM,
    FONT,
    LINE_HEIGHT,
    MARGIN_CM,
    NOTES,
    PAGE_FOOTER,
    PRACTICE,
    PRINTED,
    PRINTED_AT,
    SUBJECT,
    TITLE_SIZE,
    TOTAL_LABEL,
    Kind,
    plan_title,
)
from xltool.inputs import Package
from xltool.linebreak import NO_START, break_hints, text_width
from xltool.model import Plan, amount_text
from xltool.office import WRONG_OUTPUT, convert, convert_many, require_soffice
from xltool.ooxml import NOT_XML, write_package
from xltool.outputs import DOCX, ODT, Outputs
from xltool.pages import (
    HEAD_SIZE,
    KEEP,
    PHRASE_ENDS,
    TEXT_WIDTH,
    TITLE_LINE,
    lay_out,
    line_slice,
    lines_of,
    note_lines,
    page_lines,
    row_texts,
    running_title,
    splits,
    title_lines,
)

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph

# A4 portrait in twentieths of a point (Word's own numbers for A4: 210 × 297 mm).
A4_TWIPS = (11906, 16838)
TWIPS_PER_CM = 1440 / 2.54
TITLE_HEIGHT = 36.0  # pt: the title's 18 pt line and half a line after it, generously (pages.page_lines)
CELL_PADDING_TWIPS = 45  # 2.25 pt left and right of the text: 「單位：千元)」 fills the 82 pt 備考 column
FOOTER_DISTANCE_CM = 1.25  # from the bottom edge to the footer line, inside the 2.5 cm margin
ZH_TW = "zh-TW"
WRITER_HINT = "（文件轉檔需要 LibreOffice Writer；Debian/Ubuntu：apt-get install libreoffice-writer-nogui）"

# 「第 &P 頁，共 &N 頁」 as words and field places: the footer's wording stays in form.py.
_FOOTER_WORDS = re.split(r"&[PN]", PAGE_FOOTER.removeprefix("&C"))


def write_docx(
    plans: Sequence[Plan],
    path: str | Path,
    *,
    outputs: Outputs | None = None,
    page_counts: Sequence[int] | None = None,
    canonical: bool = False,
) -> Path:
    """Write the plans as one Word document, each plan its own section (``canonical``: each cell as
    ``check --fix`` would write it, not as written).

    Word counts each section's pages itself. LibreOffice cannot (it shows the count the file carries):
    for a document of several plans that LibreOffice users will open, pass :func:`count_pages`.
    """
    document = build_document(plans, page_counts=page_counts, canonical=canonical)
    with (outputs or Outputs()).atomic(path, DOCX) as temporary:
        document.save(str(temporary))
    return Path(path)


def write_odt(
    plans: Sequence[Plan], path: str | Path, *, outputs: Outputs | None = None, canonical: bool = False
) -> Path:
    """Write the plans as an ODF text document: the DOCX, converted by LibreOffice (which must be there).

    LibreOffice has no per-section page count (it keeps Word's SECTIONPAGES as the number the file
    carries), so with several plans each is first laid out alone to count its pages, and the document
    carries those counts.
    """
    outputs = outputs or Outputs()
    outputs.reserve(path, ODT)
    require_soffice()
    with tempfile.TemporaryDirectory(prefix="xltool-odt-") as scratch:
        docx = Path(scratch) / "plan.docx"
        try:
            counts = count_pages(plans, scratch, canonical=canonical, odt=True) if len(plans) > 1 else None
            build_document(plans, page_counts=counts, canonical=canonical, page_breaks=True).save(str(docx))
            odt = _unspaced(convert(docx, "odt", scratch))
        except OfficeError as error:  # it names a scratch copy, which the user never sees
            raise _office_error(error, path) from None
        with outputs.atomic(path, ODT) as temporary:
            shutil.copyfile(odt, temporary)
    return Path(path)


def count_pages(plans: Sequence[Plan], scratch: str | Path, *, canonical: bool = False, odt: bool = False) -> list[int]:
    """How many pages each plan takes, laid out alone by LibreOffice (each plan's section starts on a
    new page and has the same page setup, so alone or together it takes the same pages): as the DOCX,
    or as the ODT ``write_odt`` makes of it (``odt``), which LibreOffice lays out a little tighter."""
    documents = []
    for i, plan in enumerate(plans):
        documents.append(Path(scratch) / f"count-{i}.docx")
        build_document([plan], canonical=canonical, page_breaks=odt).save(str(documents[-1]))
    if odt:
        documents = [_unspaced(path) for path in convert_many(documents, "odt", scratch)]
    pdfs = convert_many(documents, "pdf", scratch)  # one LibreOffice start for them all
    return [pdf_page_count(pdf.read_bytes()) for pdf in pdfs]


_AUTOSPACE = b'style:text-autospace="ideograph-alpha"'


def _unspaced(odt: Path) -> Path:
    """LibreOffice's ODT of the DOCX without the space it adds between Chinese and Latin letters or digits
    (autospace, on in every style it writes: it ignores the DOCX's w:autoSpaceDE): the lines are measured
    without it, and with it a practice with digits ran a line longer a page than xltool planned. Returns
    the new file, beside ``odt`` in a folder of its own (its name is the page count's PDF's)."""
    data = odt.read_bytes()
    package = Package(odt, "odt", data, zipfile.ZipFile(io.BytesIO(data)))
    changed = {
        name: package.member(name).replace(_AUTOSPACE, b'style:text-autospace="none"')
        for name in ("styles.xml", "content.xml")
        if package.has(name)
    }
    target = odt.parent / "unspaced" / odt.name
    target.parent.mkdir(exist_ok=True)
    write_package(package, target, changed, {})
    return target


def _office_error(error: OfficeError, path: str | Path | None) -> OfficeError:
    """LibreOffice's failure named by the file the user knows; a failed load most often means Writer is
    missing (a Calc-only install opens workbooks, not documents)."""
    missing = error.code == ErrorCode.OFFICE_FAILED and not error.message.startswith(WRONG_OUTPUT)
    hint = WRITER_HINT if missing else ""
    return OfficeError(f"{error.message}{hint}", path, code=error.code)


def pdf_page_count(pdf: bytes) -> int:
    """The pages of a PDF LibreOffice wrote: it writes each page object's dictionary uncompressed."""
    return len(_PDF_PAGE.findall(pdf))


_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def build_document(
    plans: Sequence[Plan],
    *,
    page_counts: Sequence[int] | None = None,
    canonical: bool = False,
    page_breaks: bool = False,
) -> Document:
    """The python-docx document of the plans, not yet saved.

    ``page_counts`` (each plan's pages) go into the footers as the page count's last computed value: Word
    computes its own, LibreOffice shows these. With ``page_breaks`` each page of the plan is a table of its
    own after a page break, for the ODT: LibreOffice lays it out as measured (its autospace off), and left to
    fill the room the plan keeps spare it took two lines more on a page (the next row's rule then ran through
    a practice written over several rows). The DOCX is left to flow: Word, and LibreOffice opening a DOCX
    (which spaces Chinese from digits), may lay out a row taller than planned, and a forced break after it
    would leave a page half empty.
    """
    if not plans:
        raise ValueError("build_document needs at least one plan")
    if page_counts is not None and len(page_counts) != len(plans):
        raise ValueError("page_counts needs one count for each plan")
    import docx

    document = docx.Document()
    _set_defaults(document)
    sentinel = document.sections[0]._sectPr  # the last section's properties, at the end of the body
    _set_page(sentinel)
    title = plan_title(plans[0].unit, plans[0].year)
    document.core_properties.title = xml_safe(title)[:255] if len(plans) == 1 else SUBJECT  # OPC's limit
    document.core_properties.subject = SUBJECT
    document.core_properties.author = ""  # not the template's "python-docx": the officer is the author
    for i, plan in enumerate(plans):
        last = _write_plan(document, plan, canonical, page_breaks)
        if i < len(plans) - 1:
            # The plan's section ends with its last paragraph: no empty paragraph (nor a blank page) for it.
            last._p.get_or_add_pPr().append(copy.deepcopy(sentinel))
    count_field = "NUMPAGES" if len(plans) == 1 else "SECTIONPAGES"
    for i, section in enumerate(document.sections):
        if i == 0 or page_counts is not None:  # without counts, later sections use the first one's footer
            section.footer.is_linked_to_previous = False
            shown = str(page_counts[i]) if page_counts is not None else "1"
            _write_footer(section.footer.paragraphs[0], count_field, shown)
        if len(plans) > 1:  # several units: each page names its unit (the title is on the first only)
            section.header.is_linked_to_previous = False
            head = section.header.paragraphs[0]
            _paragraph(head, align="right", line=None)
            _run(head, running_title(plans[i].unit, plan_title("", plans[i].year)), size=HEAD_SIZE)
    return document


# ---------------------------------------------------------------------------------------------- parts


def _write_plan(document: Document, plan: Plan, canonical: bool, page_breaks: bool) -> Paragraph:
    """Title and table (its notes at its foot) of one plan; returns its last paragraph (where its section ends)."""
    title = document.add_paragraph()
    _paragraph(title, align="center", keep_with_next=True, line=None, after=LINE_HEIGHT / 2)
    lines = title_lines(plan.unit, plan_title("", plan.year), TEXT_WIDTH)
    _run(title, "\n".join(lines), size=TITLE_SIZE)
    _write_table(document, plan, canonical, TITLE_HEIGHT + (len(lines) - 1) * TITLE_LINE, page_breaks)
    # The section ends with a paragraph after the table (a point high, as a page break's): a table cannot.
    last = document.add_paragraph()
    _paragraph(last, line=1)
    return last


def _write_table(document: Document, plan: Plan, canonical: bool, title_height: float, page_breaks: bool) -> None:
    """The form's table, its rows where xltool chose the pages to end (``pages.lay_out``, as for the
    sheet): a practice is a row, or two where a page ends inside it, each row kept whole. LibreOffice
    would split a row itself, but in this table without widow and orphan control (a practice's last line
    alone overleaf: benchmarks/LINEBREAK.md, 6); a goal's cell is merged down its rows on each page, and
    holds on each the goal's text there (on a continued page, what is left of it, or nothing, as in the
    form)."""
    from docx.shared import Twips

    widths = [round(DOCUMENT_WIDTHS_CM[column.key] * TWIPS_PER_CM) for column in PRINTED]
    headers = [header_text(column.printed, width) for column, width in zip(PRINTED, widths, strict=True)]

    def new_table() -> Any:
        """A table under the form's header (repeated on each page it runs onto)."""
        table = document.add_table(rows=0, cols=len(PRINTED))
        _table_properties(table._tbl, sum(widths))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Twips(width)
        for cell, text in zip(_add_row(table, widths, header=True), headers, strict=True):
            _cell(cell, text, align="center", valign="center", bold=True)
        return table

    table = new_table()

    room = {column.key: _room(width) for column, width in zip(PRINTED, widths, strict=True)}
    notes = len(note_lines())
    first_page, other_pages = page_lines(max(h.count("\n") + 1 for h in headers) * LINE_HEIGHT, title_height)
    printout = lay_out(plan, room, first_page=first_page, other_pages=other_pages, tail=1 + notes, canonical=canonical)
    goal_texts = {at: text for goal in printout.goals for at, text in goal.pieces}
    goal_starts = {goal.start for goal in printout.goals}
    numbering = {goal.pieces[0][0]: goal.numbering for goal in printout.goals if goal.pieces}  # on its first page
    # A practice written over several rows (its cell merged down them): one box, without the lines between its
    # rows, its words in each row as the page plan spread them (pages.lay_out). A cell merged down the rows
    # was laid out by the word processor, not by the plan: it ended a page five lines early and ran the
    # next one to the foot.
    more = [*printout.continued, False]
    practice_done: dict[int, int] = {}  # such a practice (by its first row): its lines written so far
    lines = printout.lines
    for page, (first, end) in enumerate(printout.pages()):
        if page and page_breaks:
            _page_break(document)
            table = new_table()
        for n, run in itertools.groupby(range(first, end), key=lambda line: lines[line].item):
            rows = list(run)
            texts = row_texts(plan, n, canonical)
            item_start = next(i for i in range(rows[0], -1, -1) if lines[i].first)
            goal_at = rows[0] in goal_starts or rows[0] == first  # the goal's cell restarts here, merged below
            goal_text = goal_texts.get(rows[0], "") if goal_at else ""
            # The table's last row goes with the total (whose row keeps with the notes): left to flow, the
            # DOCX laid out on a page that held a line more than planned had 合計 alone atop the last page.
            # Only its last lines go: kept whole, a last row that a goal's text ran on in for a page went
            # over with 合計 whole and left the page before three-quarters blank (7 pages for the printout's 5).
            cut, goal_parts = 0, [goal_text]
            if rows[-1] == len(lines) - 1 and not page_breaks and not more[n]:
                above = max((at for at in goal_texts if first <= at <= rows[0]), default=None)
                goal_end = above + len(lines_of(goal_texts[above], room["goal"])) if above is not None else 0
                here = (goal_text, numbering.get(rows[0], 0)) if goal_at else None
                cut, *goal_parts = _last_lines(rows, item_start, texts, room, here, goal_end)
            parts = [rows[:cut], rows[cut:]] if cut else [rows]
            for part_no, part in enumerate(parts):
                keep = part[-1] == len(lines) - 1
                split = ["bottom"] if part_no < len(parts) - 1 else ["top"] if part_no else []
                starts_at = part[0] - item_start
                whole = lines[part[0]].first and lines[part[-1]].last
                # A row of half a page or more may split: kept whole, a row Word or LibreOffice lays out taller
                # than its page (a line or two more than planned: a font other than the one measured, spacing
                # between Chinese and digits) is cut off at the page's foot, its words lost.
                cells = _add_row(table, widths, whole=len(part) < other_pages // 2)
                for cell, column in zip(cells, PRINTED, strict=True):
                    if column.kind is Kind.GOAL:  # restarted where the goal starts and atop each page, merged below
                        if goal_at:
                            text = goal_parts[part_no]
                            _cell(cell, break_hints(text, room[column.key]), merge="restart", keep=keep,
                                  open_sides=split)  # fmt: skip
                        else:
                            _cell(cell, "", merge="continue", keep=keep)
                        continue
                    text, open_sides = texts[column.key], list(split)
                    if column.key == PRACTICE.key and (more[n] or more[n + 1]):
                        head = next(k for k in range(n, -1, -1) if not more[k])
                        done, count = practice_done.get(head, 0), sum(PRACTICE.key in lines[i].texts for i in rows)
                        text = line_slice(
                            row_texts(plan, head, canonical)[PRACTICE.key], room[PRACTICE.key], done, done + count
                        )
                        practice_done[head] = done + count
                        if more[n] and lines[rows[0]].first and rows[0] != first:
                            open_sides.append("top")
                        if more[n + 1] and lines[rows[-1]].last and rows[-1] + 1 < end:
                            open_sides.append("bottom")
                    elif not whole:
                        text = line_slice(text, room[column.key], starts_at, starts_at + len(part))
                    _cell(cell, break_hints(text, room[column.key]), align=column.align, open_sides=open_sides,
                          keep=keep)  # fmt: skip

    if page_breaks and len(lines) in printout.breaks:  # the total starts a page, as in the printout
        _page_break(document)
        table = new_table()
    total = _add_row(table, widths)
    budget_at = PRINTED_AT["budget"]
    label = total[0].merge(total[budget_at - 1])
    _cell(label, TOTAL_LABEL, align="center", bold=True, keep=True)
    # On one line, smaller where it is wider than its column, as the printout shrinks it (it ran on to a second
    # line); too wide even at half the size, broken after a thousands comma, as every amount is (LibreOffice
    # cut 1,234,567,9 | 10: two numbers).
    amount = amount_text(plan.total)
    fitting = math.floor(2 * BODY_SIZE * room["budget"] / text_width(amount)) / 2
    _cell(total[budget_at], "", align="right", keep=True)
    paragraph = total[budget_at].paragraphs[0]
    _run(paragraph, break_hints(amount, room["budget"]), size=min(BODY_SIZE, max(fitting, BODY_SIZE / 2)), bold=True)
    for cell in total[budget_at + 1 :]:
        _cell(cell, "", keep=True)
    # The notes are the table's last row, one cell across it ruled only above, as the printout's merged cell:
    # kept whole, and 合計 kept with it. Paragraphs after the table, they went on overleaf without it (kept with
    # 合計, 「備註：」 and note 1 stayed, note 2 went on alone atop the last page): LibreOffice keeps a table's
    # row with the next row, not with a paragraph after the table.
    row = _add_row(table, widths)
    cell = row[0].merge(row[-1])
    _cell(cell, NOTES[0], open_sides=("left", "bottom", "right"))
    for note in NOTES[1:]:
        paragraph = cell.add_paragraph()
        _paragraph(paragraph)
        _run(paragraph, note)


def _last_lines(
    rows: list[int],
    item_start: int,
    texts: dict[str, str],
    room: dict[str, float],
    goal: tuple[str, int] | None,
    goal_end: int,
) -> tuple[int, str, str]:
    """Where the table's last row (its lines ``rows``, its practice's first line ``item_start``) is cut so that
    the fewest of its last lines go over with 合計, as at a page's foot: each cell keeps at least
    :data:`pages.KEEP` of its lines on either side, and its goal's text goes on only after one of its phrases.
    ``goal``: the goal's text in this row and the length of its number (「貳、」), where its cell starts here;
    else its text, in a cell merged above, ends at line ``goal_end``. Returns the index in ``rows`` of the
    first line kept and the goal's text before and after it; 0 where the row is best kept whole."""
    cells = {
        column.key: lines_of(texts[column.key], room[column.key]) for column in PRINTED if column.kind is not Kind.GOAL
    }
    text, numbering = goal or ("", 0)
    written = line_slice(text, room["goal"], 0)
    goal_lines = len(lines_of(text, room["goal"]))
    for cut in range(len(rows) - KEEP, 0, -1):
        line = rows[0] - item_start + cut  # the practice's line the kept part starts at
        if not splits(cells, line) or (goal is None and goal_end > rows[cut]):
            continue
        before, after = written, ""
        if cut < goal_lines:  # the goal's text runs on: it goes over after the last phrase on the line above
            before = line_slice(text, room["goal"], 0, cut)
            above = len(line_slice(text, room["goal"], 0, cut - 1))
            if not written.startswith(before):
                continue
            ends = [
                end
                for end in range(len(before), max(above, numbering), -1)
                if before[end - 1] in PHRASE_ENDS and written[end : end + 1] not in NO_START
            ]
            if not ends and written[len(before) : len(before) + 1] != "\n":
                continue
            before, after = written[: ends[0] if ends else len(before)], written[ends[0] if ends else len(before) :]
            after = after.lstrip("\n")
        if after or any(len(column) > line for column in cells.values()):
            return cut, before.rstrip("\n"), after
    return 0, text, ""


def header_text(printed: str, width: int) -> str:
    """The printed header with a line too long for its column cut into even pieces: 「(預算金額」 in
    2 cm becomes 「(預算」「金額」, where wrapping would leave 「額」 alone on a line."""
    room = _room(width)
    joined: list[str] = []
    for line in printed.split("\n"):  # the sheet's breaks, undone where the document's column is wider
        if joined and text_width(joined[-1] + line) <= room:
            joined[-1] += line
        else:
            joined.append(line)
    lines: list[str] = []
    for line in joined:
        size = math.ceil(len(line) / math.ceil(text_width(line) / room))
        lines.extend(line[i : i + size] for i in range(0, len(line), size))
    return "\n".join(lines)


def _room(width: int) -> float:
    """Points of text across a cell ``width`` twips wide."""
    return (width - 2 * CELL_PADDING_TWIPS) / 20


def _write_footer(paragraph: Paragraph, count_field: str, count: str) -> None:
    """「第 X 頁，共 Y 頁」, centred: PAGE, then NUMPAGES (or SECTIONPAGES with a section per unit)."""
    _paragraph(paragraph, align="center")
    before, between, after = _FOOTER_WORDS
    _run(paragraph, before)
    _field(paragraph, "PAGE", "1")
    _run(paragraph, between)
    _field(paragraph, count_field, count)
    _run(paragraph, after)


# ---------------------------------------------------------------------------------------------- XML


def _el(tag: str, **attributes: str) -> Any:
    """A WordprocessingML element: ``_el("w:jc", val="center")`` is ``<w:jc w:val="center"/>``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _fonts(**sizes: float) -> list[Any]:
    """rFonts with every script on the form's font (w:eastAsia is the one Word uses for Chinese), the
    size in half-points, and the language, so Word neither falls back to a theme font nor to Japanese
    punctuation."""
    fonts = _el("w:rFonts", ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT)
    half_points = str(round(sizes.get("size", BODY_SIZE) * 2))
    return [fonts, _el("w:sz", val=half_points), _el("w:szCs", val=half_points), _el("w:lang", eastAsia=ZH_TW)]


def _set_defaults(document: Document) -> None:
    """The document's defaults and its Normal style: 標楷體 14 pt, exactly 22 pt a line, no spacing
    between paragraphs. The template's theme fonts (Calibri, and a Japanese East Asian face) go."""
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(run_defaults):
        run_defaults.remove(child)
    run_defaults.extend(_fonts())
    paragraph_defaults = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(paragraph_defaults):
        paragraph_defaults.remove(child)
    paragraph_defaults.extend([_el("w:widowControl"), *_no_autospace(), _spacing(LINE_HEIGHT)])  # widows: 2 lines
    normal = document.styles["Normal"].element
    for tag in ("w:pPr", "w:rPr"):
        found = normal.find(qn(tag))
        if found is not None:
            normal.remove(found)
    paragraph = _el("w:pPr")
    paragraph.extend([_el("w:widowControl"), *_no_autospace(), _spacing(LINE_HEIGHT)])
    run = _el("w:rPr")
    run.extend(_fonts())
    normal.append(paragraph)
    normal.append(run)
    settings = document.settings.element
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")  # Word 2013 on: a table's border, not its text, sits at the margin
    language = settings.find(qn("w:themeFontLang"))
    if language is not None:
        language.set(qn("w:eastAsia"), ZH_TW)


def _no_autospace() -> list[Any]:
    """No added space between Chinese and Latin letters or digits (Word's and LibreOffice's default): the
    lines are measured as the sheet prints them (pages.lines_of), and the space made a practice like
    「第 12 場次」 a line longer a page than xltool planned, enough to push a page-long row past its page."""
    return [_el("w:autoSpaceDE", val="0"), _el("w:autoSpaceDN", val="0")]


def _page_break(document: Document) -> None:
    """A page break between two tables: a paragraph of a point (exactly) that starts the next page."""
    paragraph = document.add_paragraph()
    _paragraph(paragraph, line=1)
    paragraph._p.get_or_add_pPr().insert(0, _el("w:pageBreakBefore"))  # before widowControl: the schema's order


def _spacing(line: float | None, *, after: float = 0) -> Any:
    """No space before or after; ``line`` points exactly (Word's 固定行高), or single spacing for None."""
    if line is None:
        return _el("w:spacing", before="0", after=str(round(after * 20)), line="240", lineRule="auto")
    return _el("w:spacing", before="0", after=str(round(after * 20)), line=str(round(line * 20)), lineRule="exact")


def _set_page(sectPr: Any) -> None:
    """A4 portrait, 2.5 cm all round, page numbers from 1 in every section, the footer inside the margin."""
    from docx.oxml.ns import qn

    margin = str(round(MARGIN_CM * TWIPS_PER_CM))
    for tag in ("w:pgSz", "w:pgMar", "w:pgNumType", "w:cols"):
        found = sectPr.find(qn(tag))
        if found is not None:
            sectPr.remove(found)
    width, height = A4_TWIPS
    footer = str(round(FOOTER_DISTANCE_CM * TWIPS_PER_CM))
    page = [
        _el("w:pgSz", w=str(width), h=str(height)),
        _el("w:pgMar", top=margin, right=margin, bottom=margin, left=margin, header=footer, footer=footer, gutter="0"),
        _el("w:pgNumType", start="1"),
        _el("w:cols", space="425"),
    ]
    # Schema order: references and the section type come first, then these, then docGrid and the rest.
    anchor = sectPr.find(qn("w:type"))
    if anchor is None:
        refs = sectPr.xpath("w:headerReference|w:footerReference")
        anchor = refs[-1] if refs else None
    for element in reversed(page):
        if anchor is None:
            sectPr.insert(0, element)
        else:
            anchor.addnext(element)


def _table_properties(tbl: Any, width: int) -> None:
    """Fixed layout at the text width, ½ pt borders all round and inside, narrow cell padding."""
    properties = tbl.tblPr
    for child in list(properties):
        properties.remove(child)
    properties.append(_el("w:tblW", w=str(width), type="dxa"))
    properties.append(_el("w:tblInd", w="0", type="dxa"))
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz="4", space="0", color="000000"))
    properties.append(borders)
    properties.append(_el("w:tblLayout", type="fixed"))
    padding = _el("w:tblCellMar")
    for side, value in (("top", 0), ("left", CELL_PADDING_TWIPS), ("bottom", 0), ("right", CELL_PADDING_TWIPS)):
        padding.append(_el(f"w:{side}", w=str(value), type="dxa"))
    properties.append(padding)
    properties.append(_el("w:tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0", lastColumn="0",
                          noHBand="1", noVBand="1"))  # fmt: skip


def _add_row(table: Any, widths: list[int], *, header: bool = False, whole: bool = True) -> list[_Cell]:
    """A row kept ``whole`` on one page (xltool ends the pages); the header row is repeated on every page."""
    from docx.shared import Twips

    row = table.add_row()
    properties = row._tr.get_or_add_trPr()
    if whole:
        properties.append(_el("w:cantSplit"))
    if header:
        properties.append(_el("w:tblHeader"))
    cells = list(row.cells)
    for cell, width in zip(cells, widths, strict=True):
        cell.width = Twips(width)
    return cells


def _cell(
    cell: _Cell,
    text: str,
    *,
    align: str = "left",
    valign: str = "top",
    bold: bool = False,
    merge: str = "",
    keep: bool = False,
    open_sides: Sequence[str] = (),
) -> None:
    """One cell; ``open_sides`` ("top", "bottom", …) drawn without the table's line, where a box goes on."""
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    if merge:
        properties.get_or_add_vMerge().set(qn("w:val"), merge)
    if open_sides:
        borders = _el("w:tcBorders")
        for side in open_sides:
            borders.append(_el(f"w:{side}", val="nil"))
        properties.append(borders)  # after tcW and vMerge, before vAlign: the schema's order
    vertical = properties.get_or_add_vAlign()
    vertical.set(qn("w:val"), valign)
    paragraph = cell.paragraphs[0]
    _paragraph(paragraph, align=align, keep_with_next=keep)
    if text:
        _run(paragraph, text, bold=bold)


def _paragraph(
    paragraph: Paragraph,
    *,
    align: str = "left",
    keep_with_next: bool = False,
    line: float | None = LINE_HEIGHT,
    after: float = 0,
) -> None:
    """Direct paragraph formatting, so the layout holds whatever style a reader's Word applies. Widow and
    orphan control is set on every paragraph, not left to the style: LibreOffice turns it off in table
    cells unless the paragraph itself asks for it."""
    properties = paragraph._p.get_or_add_pPr()
    if keep_with_next:
        properties.append(_el("w:keepNext"))
    properties.append(_el("w:widowControl"))
    properties.extend(_no_autospace())
    properties.append(_spacing(line, after=after))
    properties.append(_el("w:jc", val={"left": "left", "center": "center", "right": "right"}[align]))


def _run(paragraph: Paragraph, text: str, *, size: float = BODY_SIZE, bold: bool = False) -> None:
    """Text in the form's font, every script, at ``size`` points; line breaks in the text stay breaks."""
    run = paragraph.add_run()
    properties = run._r.get_or_add_rPr()
    fonts = _fonts(size=size)
    properties.append(fonts[0])
    if bold:
        properties.append(_el("w:b"))
        properties.append(_el("w:bCs"))
    properties.extend(fonts[1:])
    run.text = xml_safe(text)


def xml_safe(text: str) -> str:
    """Text a document can hold: a character XML 1.0 cannot carry (a control character such as the
    ``_x0007_`` of a cell, a NUL or a lone surrogate from a JSON plan) prints as U+FFFD, so the reader
    sees that something was there."""
    return NOT_XML.sub("\ufffd", text)


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A field Word computes when it lays the page out, ``shown`` until it does."""
    from docx.oxml.ns import qn

    for kind in ("begin", "instr", "separate", "result", "end"):
        run = paragraph.add_run()
        properties = run._r.get_or_add_rPr()
        properties.extend(_fonts())
        if kind == "instr":
            code = _el("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        elif kind == "result":
            run.text = shown
        else:
            run._r.append(_el("w:fldChar", fldCharType=kind))
