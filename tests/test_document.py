"""The plan as a document (render --docx / --odt), checked the way a reader would: LibreOffice lays the DOCX
and the ODT out as PDF, and pdftotext -bbox says where every word landed and how big it is.

How sizes are measured: a CJK character is one em wide in the Kai face, so a word made only of CJK
characters is (font size × characters) points wide; a word's box is 1.3 em tall in AR PL UKai, so the
title's words stand 18/14 as tall as the body's.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, Runner, fill, hand_made_plan
from tests.pdf import Page, Word, column_lines, read_pdf, short_pages
from xltool.document import build_document, header_text, write_docx, write_odt
from xltool.form import COLUMNS, DOCUMENT_WIDTHS_CM, NOTES, TOTAL_LABEL, plan_title
from xltool.linebreak import text_width
from xltool.model import Plan
from xltool.office import convert
from xltool.pipeline import load_plan

MARGIN = 2.5 / 2.54 * 72  # 70.87 pt
PRACTICE_LEFT = MARGIN + DOCUMENT_WIDTHS_CM["goal"] / 2.54 * 72  # the border between 計畫目標 and 具體作法
TOLERANCE = 0.5
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SMALL_UNIT = "金城鎮公所政風室"


def laid_out(document: Path) -> list[Page]:
    return read_pdf(convert(document, "pdf", document.parent / f"{document.suffix[1:]}-pdf"))


def cjk(text: str) -> bool:
    return bool(text) and all(unicodedata.east_asian_width(ch) in "WF" for ch in text)


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(EXAMPLE)


@pytest.fixture(scope="module")
def small(plan: Plan) -> Plan:
    return replace(plan, unit=SMALL_UNIT, items=plan.items[:3])


@pytest.fixture(scope="module")
def docx_path(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_docx([plan], tmp_path_factory.mktemp("docx") / "金門.docx")


@pytest.fixture(scope="module")
def docx_pages(docx_path: Path, office: None) -> list[Page]:
    return laid_out(docx_path)


@pytest.fixture(scope="module")
def odt_path(plan: Plan, tmp_path_factory: pytest.TempPathFactory, office: None) -> Path:
    return write_odt([plan], tmp_path_factory.mktemp("odt") / "金門.odt")


@pytest.fixture(scope="module", params=["docx", "odt"])
def pages(request: pytest.FixtureRequest, office: None) -> list[Page]:
    """The example laid out from the DOCX, then from the ODT: every measurement holds for both."""
    if request.param == "docx":
        return request.getfixturevalue("docx_pages")  # type: ignore[no-any-return]
    return laid_out(request.getfixturevalue("odt_path"))


# ---------------------------------------------------------------------------------------------- the DOCX itself


def test_the_docx_opens_in_python_docx_with_the_forms_table(docx_path: Path, plan: Plan) -> None:
    import docx

    document = docx.Document(str(docx_path))
    assert document.paragraphs[0].text == plan_title(plan.unit, plan.year)
    (table,) = document.tables
    first = table.rows[0]._tr
    assert first.find(f"{W}trPr/{W}tblHeader") is not None  # 跨頁標題重複
    assert [row._tr.find(f"{W}trPr/{W}tblHeader") is not None for row in table.rows].count(True) == 1
    assert all(row._tr.find(f"{W}trPr/{W}cantSplit") is not None for row in table.rows)
    headers = [cell.text.replace("\n", "") for cell in table.rows[0].cells]
    assert headers == [column.printed.replace("\n", "") for column in COLUMNS]
    # Header, the practices (a practice a page ends inside is two rows, its two parts), 合計, the notes.
    practices = table.rows[1:-2]
    assert len(plan.items) < len(practices) < 2 * len(plan.items)
    starts = [row.cells[1].text for row in practices if re.match(r"^[一二三四五六七八九十]+、", row.cells[1].text)]
    assert len(starts) == len(plan.items)
    assert "".join(row.cells[1].text for row in practices) == "".join(item.numbered_practice for item in plan.items)
    assert table.rows[-2].cells[0].text == TOTAL_LABEL and table.rows[-2].cells[3].text == "1,865"
    # Each goal's cell merged down its practices (restarted at the top of a page it goes on to), its text
    # once: what it says on each page adds up to the goal.
    merges = [row._tr.tc_lst[0].find(f"{W}tcPr/{W}vMerge") for row in practices]
    assert all(m is not None for m in merges)
    restarts = [row._tr.tc_lst[0] for row, m in zip(practices, merges, strict=True) if m.get(f"{W}val") == "restart"]
    said = "".join("".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in restarts)
    assert said == "".join(dict.fromkeys(item.numbered_goal for item in plan.items))
    # the notes one cell across the table's last row, ruled above only; the section ends after the table
    (notes,) = set(table.rows[-1].cells)
    assert [p.text for p in notes.paragraphs] == list(NOTES) and document.paragraphs[-1].text == ""
    assert all(f'w:{side} w:val="nil"' in notes._tc.xml for side in ("left", "bottom", "right"))


def test_the_docx_page_fonts_and_line_height_are_the_forms(docx_path: Path) -> None:
    import docx
    from docx.shared import Cm

    document = docx.Document(str(docx_path))
    (section,) = document.sections
    assert (section.page_width, section.page_height) == (11906 * 635, 16838 * 635)  # A4 in EMU
    for margin in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin):
        assert margin == pytest.approx(Cm(2.5), abs=635)  # to the twip
    fonts = document.styles["Normal"].element.find(f"{W}rPr/{W}rFonts")
    assert {fonts.get(f"{W}{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"標楷體"}
    spacing = document.styles["Normal"].element.find(f"{W}pPr/{W}spacing")
    assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("440", "exact")  # 22 pt, 固定行高
    body = document.tables[0].rows[1].cells[1].paragraphs[0]
    assert body._p.find(f"{W}pPr/{W}spacing").get(f"{W}lineRule") == "exact"
    assert body.runs[0]._r.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "標楷體"
    # The printout's columns: 450 pt, within a few points of the 16 cm between the margins; 具體作法 widest.
    grid = [int(col.get(f"{W}w")) for col in document.tables[0]._tbl.tblGrid.findall(f"{W}gridCol")]
    assert sum(grid) == pytest.approx(450 * 20, abs=3) and sum(grid) <= 16 / 2.54 * 1440
    assert max(grid) == grid[1]
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "SECTIONPAGES" not in footer


def test_cells_print_what_the_officer_wrote(template: Path, tmp_path: Path) -> None:
    rows = [
        {"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.1-12", "budget": 1234.5,
         "category": "綜合業務", "performance": "政策目標 － 反貪活動"},
        {"practice": "二、作法 2 場", "schedule": "108.03", "budget": "約五千元", "category": "防貪業務"},
    ]  # fmt: skip
    plan = load_plan(fill(template, rows, unit="測試單位", year=108))
    texts = [item.as_written() for item in plan.items]
    assert texts[0]["schedule"] == "108.1-12"  # as typed, not the canonical 108.01-12
    assert texts[0]["budget"] == "1,234.5" and texts[1]["budget"] == "約五千元"
    assert texts[0]["category"] == "綜合業務"  # the short form the officer chose, not 綜合規劃業務
    assert texts[0]["performance"] == "政策目標 － 反貪活動"
    import docx

    document = docx.Document(str(write_docx([plan], tmp_path / "p.docx")))
    cells = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert cells[1][1:4] == ["一、作法 1 場", "108.1-12", "1,234.5"]
    assert cells[2][2:5] == ["108.03", "約五千元", "防貪業務"]
    assert cells[3][3] == "1,234.5"  # the total counts the numbers only
    assert cells[1][0] == cells[2][0] == "壹、目標"  # python-docx reads a merged cell in each row it spans
    # A total wider than its column is printed smaller, on one line, as the printout shrinks it (it ran on to
    # a second line), and broken, if ever, after a thousands comma, as every amount is (it read 「1,234,567,9」
    # over 「10」: two numbers).
    for value, size in ((1865, "28"), (1234580235801, "18")):
        items = [replace(plan.items[0], budget_info=replace(plan.items[0].budget_info, value=Decimal(value)))]
        document = docx.Document(str(write_docx([replace(plan, items=items)], tmp_path / f"{size}.docx")))
        total = document.tables[0].rows[-2].cells[3]
        assert total.text.replace("\u200b", "") == f"{value:,}"
        assert total._tc.xpath(".//w:sz/@w:val") == [size]
    # Past 2**53 every digit still, as the printout's cell shows them (it printed 「1.2345678901234568e+16」).
    huge = Decimal(12_345_678_901_234_567)
    items = [replace(plan.items[0], budget_info=replace(plan.items[0].budget_info, value=huge))]
    document = docx.Document(str(write_docx([replace(plan, items=items)], tmp_path / "huge.docx")))
    assert document.tables[0].rows[-2].cells[3].text.replace("\u200b", "") == "12,345,678,901,234,567"


def test_the_header_takes_three_lines_and_a_line_too_wide_is_cut_evenly() -> None:
    width = round(DOCUMENT_WIDTHS_CM["budget"] / 2.54 * 1440)
    assert header_text(COLUMNS[3].printed, width).split("\n") == ["備考", "(預算金額", "單位：千元)"]
    narrow = header_text(COLUMNS[3].printed, round(2.0 / 2.54 * 1440)).split("\n")
    assert "".join(narrow) == COLUMNS[3].printed.replace("\n", "")
    assert narrow == ["備考", "(預算", "金額", "單位：", "千元)"]
    assert header_text("計畫\n目標", round(2.2 / 2.54 * 1440)) == "計畫目標"


def test_several_plans_are_sections_numbered_from_one(plan: Plan, small: Plan, tmp_path: Path) -> None:
    document = build_document([plan, small], page_counts=[9, 1])
    assert len(document.sections) == 2
    for section, count in zip(document.sections, ("9", "1"), strict=True):
        assert section._sectPr.find(f"{W}pgNumType").get(f"{W}start") == "1"
        footer = section.footer._element
        assert "SECTIONPAGES" in footer.xml and not section.footer.is_linked_to_previous
        assert "".join(t.text or "" for t in footer.iter(f"{W}t")) == f"第 1 頁，共 {count} 頁"
    titles = [p.text for p in document.paragraphs if p.text.endswith("廉政工作計畫")]
    assert titles == [plan_title(plan.unit, plan.year), plan_title(SMALL_UNIT, plan.year)]
    # Without counts the later sections share the first one's footer.
    assert build_document([plan, small]).sections[1].footer.is_linked_to_previous
    with pytest.raises(ValueError):
        build_document([])


# ---------------------------------------------------------------------------------------------- the ODT itself


def test_the_odt_is_an_odf_text_document(odt_path: Path) -> None:
    with zipfile.ZipFile(odt_path) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = archive.read("content.xml").decode("utf-8")
        styles = archive.read("styles.xml").decode("utf-8")
    assert "<table:table " in content and "<table:table-header-rows>" in content
    assert "標楷體" in content and 'fo:line-height="0.3055in"' in content  # 22 pt, fixed
    assert "text:page-count" in styles and "text:page-number" in styles


# ---------------------------------------------------------------------------------------------- laid out


@pytest.mark.usefixtures("office")
def test_the_page_is_a4_with_25mm_margins(pages: list[Page]) -> None:
    assert len(pages) > 1
    for page in pages:
        assert (page.width, page.height) == (pytest.approx(595.3, abs=0.1), pytest.approx(841.9, abs=0.1))
        body = page.body()
        assert min(w.x0 for w in body) >= MARGIN - TOLERANCE
        assert max(w.x1 for w in body) <= page.width - MARGIN + TOLERANCE
        assert min(w.y0 for w in body) >= MARGIN - TOLERANCE
    # The table starts at the left margin: a goal's text sits inside the border and the padding.
    assert min(w.x0 for w in pages[0].body()) <= MARGIN + 6
    title = [w for w in pages[0].words if w.y0 < MARGIN + 6]
    assert "".join(w.text for w in title) == "金門縣政府政風處108年度廉政工作計畫"
    assert (min(w.x0 for w in title) + max(w.x1 for w in title)) / 2 == pytest.approx(pages[0].width / 2, abs=2)


@pytest.mark.usefixtures("office")
def test_title_is_18pt_and_body_14pt(pages: list[Page]) -> None:
    title = [w for w in pages[0].words if w.y0 < MARGIN + 6]
    body = [w for page in pages for w in page.body() if w.y0 > MARGIN + 30 and cjk(w.text)]
    # In ems of the width model: the title's 108 is a word of its own or, with no space added between
    # Chinese and digits (the ODT), part of one word.
    assert {round((w.x1 - w.x0) / text_width(w.text, 1)) for w in title} == {18}
    assert {round((w.x1 - w.x0) / len(w.text), 1) for w in body} == {14.0}
    title_height = max(w.y1 - w.y0 for w in title)
    body_heights = {round(w.y1 - w.y0, 1) for w in body}
    assert len(body_heights) == 1
    assert title_height / body_heights.pop() == pytest.approx(18 / 14, abs=0.01)


@pytest.mark.usefixtures("office")
def test_lines_of_a_cell_are_exactly_22pt_apart(pages: list[Page]) -> None:
    gaps = []
    for page in pages:
        # Each line of a practice cell starts at the column's left edge, after the padding.
        column = sorted((w for w in page.body() if 0 < w.x0 - PRACTICE_LEFT < 6), key=lambda w: w.y0)
        cell: list[Word] = []
        for word in column:
            if re.match(r"^[一二三四五六七八九十]+、", word.text) and cell:
                gaps += [b.y0 - a.y0 for a, b in itertools.pairwise(cell)]
                cell = []
            cell.append(word)
        gaps += [b.y0 - a.y0 for a, b in itertools.pairwise(cell)]
    assert len(gaps) > 100
    assert all(abs(gap - 22) <= TOLERANCE for gap in gaps), sorted(gaps)


@pytest.mark.usefixtures("office")
def test_header_on_every_page_and_page_numbers_centred(pages: list[Page]) -> None:
    table_ends = next(i for i, page in enumerate(pages) if TOTAL_LABEL in page.text())
    assert table_ends >= len(pages) - 2  # the notes follow the table: on its last page or the next one
    for number, page in enumerate(pages, start=1):
        text = page.text()
        if number <= table_ends + 1:  # every page the table is on
            assert "計畫" in text and "目標" in text and "具體作法" in text and "預定" in text, number
        footer = page.footer()
        assert "".join(w.text for w in footer) == f"第{number}頁，共{len(pages)}頁"
        centre = (min(w.x0 for w in footer) + max(w.x1 for w in footer)) / 2
        assert centre == pytest.approx(page.width / 2, abs=3)


@pytest.mark.usefixtures("office")
def test_each_goal_is_written_once_and_whole(pages: list[Page], plan: Plan) -> None:
    goals = list(dict.fromkeys(item.numbered_goal for item in plan.items))
    assert len(goals) == 7
    for goal in goals:
        starts = [
            i
            for i, page in enumerate(pages)
            for w in page.body()
            if w.x1 < PRACTICE_LEFT and w.text.startswith(goal[:2])
        ]
        assert len(starts) == 1, goal
        column = "".join(
            w.text for page in pages[starts[0] : starts[0] + 2] for w in sorted(page.body(), key=lambda w: w.y0)
            if w.x1 < PRACTICE_LEFT and w.text not in ("計畫", "目標")  # the header repeated overleaf
        )  # fmt: skip
        assert goal in column, goal  # whole, on its page or going on to the next
    last = next(page for page in reversed(pages) if TOTAL_LABEL in page.text())
    (label,) = [w for w in last.words if w.text == TOTAL_LABEL]
    assert any(w.text == "1,865" and abs(w.y0 - label.y0) < 1 for w in last.words)


@pytest.mark.usefixtures("office")
def test_a_practice_longer_than_a_page_with_digits_in_it_loses_no_word(
    plan: Plan, tmp_path: Path, xltool: Runner
) -> None:
    """LibreOffice spaces Chinese from digits (「第 12 場」) unless told not to: each line held less than
    measured, and a row kept whole but taller than its page was cut at the foot, words lost, the first
    page left blank. The ODT is told not to, and lays out on the pages the printable sheet has."""
    from xltool.template import write_template

    sentences = [f"辦理第{n}場次廉政會報，檢視機關風險因子，廣徵興革建言。" for n in range(10, 60)]
    source = write_template(tmp_path / "長.xlsx", year=108, unit=plan.unit,
                            items=[replace(plan.items[0], practice="".join(sentences))])  # fmt: skip
    outputs = {suffix: tmp_path / f"印{suffix}" for suffix in (".pdf", ".docx", ".odt")}
    assert (
        xltool("render", source, "--pdf", outputs[".pdf"], "--docx", outputs[".docx"], "--odt", outputs[".odt"]).status
        == 0
    )
    right = PRACTICE_LEFT + DOCUMENT_WIDTHS_CM["practice"] / 2.54 * 72
    for suffix in (".docx", ".odt"):
        pages = laid_out(outputs[suffix])
        printed = "".join(line.text for line in column_lines(pages, PRACTICE_LEFT, right)).replace("具體作法", "")
        assert [s for s in sentences if s not in printed] == [], suffix
        assert "具體作法" in pages[0].text() and short_pages(pages) == {}, suffix
    assert len(laid_out(outputs[".odt"])) == len(read_pdf(outputs[".pdf"]))


@pytest.mark.usefixtures("office")
def test_full_width_digits_and_letters_break_in_the_documents_where_the_printout_breaks_them(
    tmp_path: Path, xltool: Runner
) -> None:
    """A schedule typed in full-width digits as a list of months, 「１０８．０１、０４、０７、１０」: the printout
    read 「１０８． | ０１、 | ０４、 | ０７、１０」, the DOCX and the ODT 「１０８． | ０１、０ | ４、０７、 | １０」, the
    month ０４ cut between its digits (LibreOffice breaks between any two full-width digits and had only a
    zero-width space after the 、). A practice's full-width number or word the printout moved to the next line
    whole was cut the same way (「人，Ａ | ＢＣＤ講座」, 「九十１２３４５６７８ | ９０」)."""
    practices = ("辦理宣導，合計參加人數１８６５人，ＡＢＣＤ講座。", "一二三四五六七八九十１２３４５６７８９０")
    item = {"goal_no": "壹", "goal": "推動廉政宣導。", "schedule": "１０８．０１、０４、０７、１０", "budget": 5,
            "category": "防貪業務", "performance": "無"}  # fmt: skip
    plan = {"unit": "測試政風室", "year": 108, "items": [
        {**item, "item_no": n, "practice": text} for n, text in zip("一二", practices, strict=True)]}  # fmt: skip
    source = tmp_path / "全形.json"
    source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    outputs = {suffix: tmp_path / f"印{suffix}" for suffix in (".pdf", ".docx", ".odt")}
    assert xltool("render", source, *itertools.chain(*(("--" + k[1:], v) for k, v in outputs.items()))).status == 0
    schedule_left = PRACTICE_LEFT + DOCUMENT_WIDTHS_CM["practice"] / 2.54 * 72  # the sheet's columns are as wide
    schedule_right = schedule_left + DOCUMENT_WIDTHS_CM["schedule"] / 2.54 * 72

    def printed(pages: list[Page]) -> tuple[list[str], list[str]]:
        practice = [line.text for line in column_lines(pages, PRACTICE_LEFT, schedule_left)]
        schedule = [line.text for line in column_lines(pages, schedule_left, schedule_right)]
        months = [text for text in schedule if re.fullmatch("[０-９．、]+", text)]
        return practice[practice.index("一、辦理宣導，合計參") :], months

    sheet = printed(read_pdf(outputs[".pdf"]))
    assert sheet[1] == ["１０８．", "０１、", "０４、", "０７、１０"] * 2
    assert "ＡＢＣＤ講座。" in sheet[0] and "１２３４５６７８９０" in sheet[0]
    for suffix in (".docx", ".odt"):
        practice, schedule = printed(laid_out(outputs[suffix]))
        cut = [line for line in schedule if not re.fullmatch("(１０８．|[０-９]{2}、?)+", line)]
        assert cut == [], suffix  # no line ends or starts inside a month
        assert (practice, schedule) == sheet, suffix


@pytest.mark.usefixtures("office")
def test_blank_lines_typed_in_a_practice_print_nothing_in_the_documents_as_in_the_sheet(
    tmp_path: Path, xltool: Runner
) -> None:
    """Alt+Enter pressed thirty times inside a practice and its goal (a JSON keeps them): the printout left
    the blank lines out and printed one page; the DOCX and the ODT kept them, pages of empty box."""
    source = tmp_path / "空行.json"
    assert xltool("read", EXAMPLE, "-f", "json", "-o", source).status == 0
    plan = json.loads(source.read_text(encoding="utf-8"))
    practice = "二、辦理廉政講習，說明如下：" + "\n" * 30 + "（一）上半年辦理一場。\n　\n（二）下半年辦理一場。"
    goal = "強化宣導，" + "\n" * 30 + "落實預警。"  # the goal's cell too, and a line of a space alone
    texts = ("一、短作法一。", practice, "三、短作法三。")
    plan["items"] = [dict(plan["items"][0], practice=text, goal=goal) for text in texts]
    source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    outputs = {suffix: tmp_path / f"印{suffix}" for suffix in (".pdf", ".docx", ".odt")}
    assert xltool("render", source, *itertools.chain(*(("--" + k[1:], v) for k, v in outputs.items()))).status == 0
    assert len(read_pdf(outputs[".pdf"])) == 1
    for suffix in (".docx", ".odt"):
        pages = laid_out(outputs[suffix])
        assert len(pages) == 1 and "（二）下半年辦理一" in pages[0].text(), suffix  # its last line printed


@pytest.mark.usefixtures("office")
def test_a_practice_merged_down_rows_breaks_the_documents_pages_where_the_printout_does(
    tmp_path: Path, xltool: Runner
) -> None:
    """A hand-made plan's practices merged down rows, one schedule a row, the second over a page's end: the
    DOCX and the ODT, whose practice cell was merged down the rows and laid out by the word processor, ended
    page 1 five lines early (108.08 moved overleaf) and ran page 2 to its foot. Each row holds the words the
    page plan gave it, one box without lines between the rows, and the pages end where the printout's do."""
    words = "對象為本府各局處同仁及所屬機關，透過多元管道加強宣導，"
    rows = [
        ["壹、強化宣導。", "一、辦理廉政宣導，" + words * 7 + "分三階段。", "108.01-03", 10, "防貪業務", "無"],
        [None, None, "108.04-06", 20, "防貪業務", "無"],
        [None, None, "108.07-12", 30, "防貪業務", "無"],
        [None, "二、辦理廉政講習，" + words * 11 + "分四次。", "108.02", 5, "防貪業務", "無"],
        [None, None, "108.05", 5, "防貪業務", "無"],
        [None, None, "108.08", 5, "防貪業務", "無"],
        [None, None, "108.11", 5, "防貪業務", "無"],
        [None, "三、召開廉政會報。", "108.06", 1, "防貪業務", "無"],
    ]
    plan = tmp_path / "手做.xlsx"
    hand_made_plan(plan, rows, ["B3:B5", "B6:B9", "A3:A10"])
    outputs = {suffix: tmp_path / f"印{suffix}" for suffix in (".pdf", ".docx", ".odt")}
    assert xltool("render", plan, *itertools.chain(*(("--" + k[1:], v) for k, v in outputs.items()))).status == 0

    def schedules(pages: list[Page]) -> list[list[str]]:
        return [[w.text for w in page.words if w.text.startswith("108.")] for page in pages]

    printed = schedules(read_pdf(outputs[".pdf"]))
    second = {"108.02", "108.05", "108.08", "108.11"}
    assert second & set(printed[0]) and second & set(printed[1])  # the second practice goes on overleaf
    # The ODT's pages end where the printout's do (each page a table after a page break); the DOCX flows,
    # and Word may start a row of half a page or more on the page before, where it has a line to spare.
    assert schedules(laid_out(outputs[".odt"])) == printed
    pages = schedules(laid_out(outputs[".docx"]))
    assert len(pages) == len(printed) and set(printed[0]) <= set(pages[0])
    import docx

    document = docx.Document(str(outputs[".docx"]))
    practice = [row.cells[1] for row in document.tables[0].rows][1:4]  # the first practice's three rows
    assert "".join(cell.text for cell in practice) == rows[0][1]  # its words once, down its rows
    assert 'w:top w:val="nil"' in practice[1]._tc.xml and 'w:bottom w:val="nil"' in practice[0]._tc.xml


@pytest.mark.usefixtures("office")
def test_a_plan_whose_notes_reach_the_pages_foot_has_the_printouts_pages_in_the_odt(
    tmp_path: Path, xltool: Runner
) -> None:
    """Seven practices of one goal: the printout broke the second note (備註) in three lines (as wide as its
    columns less six cells' insets, not as the one cell merged across them), the document counted two, and
    the printout put 合計 and 備註 on a page 2 of their own where the ODT said 「共 1 頁」."""
    item = {"goal_no": "壹", "goal": "強化廉政宣導。", "practice": "辦理廉政宣導活動，提升同仁法治觀念。",
            "schedule": "108.01-12", "budget": 5, "category": "防貪業務", "performance": "無"}  # fmt: skip
    plan = {"unit": "測試政風室", "year": 108, "items": [{**item, "item_no": n} for n in "一二三四五六七"]}
    source = tmp_path / "七項.json"
    source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    pdf, odt = tmp_path / "印.pdf", tmp_path / "印.odt"
    assert xltool("render", source, "--pdf", pdf, "--odt", odt).status == 0

    def footers(pages: list[Page]) -> list[str]:
        return ["".join(word.text for word in page.footer()) for page in pages]

    printed = footers(read_pdf(pdf))
    assert footers(laid_out(odt)) == printed and printed[-1] == f"第{len(printed)}頁，共{len(printed)}頁"


@pytest.mark.usefixtures("office")
def test_two_plans_odt_each_titled_and_counting_its_own_pages(plan: Plan, small: Plan, tmp_path: Path) -> None:
    pages = laid_out(write_odt([plan, small], tmp_path / "兩個單位.odt"))
    titled = [
        i
        for i, page in enumerate(pages)
        if "年度廉政工作計畫" in "".join(w.text for w in page.body() if w.y0 > MARGIN - 2)
    ]
    assert len(titled) == 2 and titled[0] == 0
    first, second = pages[: titled[1]], pages[titled[1] :]
    assert plan_title(plan.unit, plan.year) in first[0].text()
    assert plan_title(SMALL_UNIT, plan.year) in second[0].text()
    for section, unit in ((first, plan.unit), (second, SMALL_UNIT)):
        for number, page in enumerate(section, start=1):
            assert "".join(w.text for w in page.footer()) == f"第{number}頁，共{len(section)}頁"
            head = "".join(w.text for w in page.words if w.y1 < MARGIN)  # every page names its unit
            assert head == plan_title(unit, plan.year)
    assert len(first) > 1


# ---------------------------------------------------------------------------------------------- command


@pytest.mark.usefixtures("office")
def test_render_writes_the_docx_and_odt(tmp_path: Path, xltool: Runner) -> None:
    docx, odt = tmp_path / "計畫.docx", tmp_path / "計畫.odt"
    done = xltool("render", EXAMPLE, "--docx", docx, "--odt", odt)
    assert done.status == 0
    err = done.err
    assert str(docx) in err and str(odt) in err
    assert zipfile.is_zipfile(docx) and zipfile.ZipFile(odt).read("mimetype").startswith(b"application/vnd.oasis")
    assert not (tmp_path / "kinmen_108_列印.xlsx").exists() and not list(EXAMPLE.parent.glob("*_列印.xlsx"))


def test_render_claims_the_documents_before_any_work(tmp_path: Path, xltool: Runner) -> None:
    taken = tmp_path / "已存在.docx"
    taken.write_bytes(b"keep me")
    odt = tmp_path / "new.odt"
    done = xltool("render", EXAMPLE, "--odt", odt, "--docx", taken)
    assert (done.status, done.code) == (2, "OUTPUT_EXISTS") and str(taken) in done.error_line()
    assert taken.read_bytes() == b"keep me" and not odt.exists()
    done = xltool("render", EXAMPLE, "--docx", EXAMPLE)
    assert (done.status, done.code) == (2, "OUTPUT_IS_INPUT")


def test_odt_without_libreoffice_says_so_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xltool: Runner
) -> None:
    monkeypatch.setenv("XLTOOL_SOFFICE", str(tmp_path / "no-soffice-here"))
    docx, odt = tmp_path / "p.docx", tmp_path / "p.odt"
    done = xltool("render", EXAMPLE, "--docx", docx, "--odt", odt)
    assert (done.status, done.code) == (2, "OFFICE_MISSING") and "LibreOffice" in done.error_line()
    assert not docx.exists() and not odt.exists()


def test_a_libreoffice_without_writer_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xltool: Runner) -> None:
    # What a Calc-only LibreOffice does with a document: it starts, cannot load it, and makes nothing.
    soffice = tmp_path / "soffice"
    soffice.write_text("#!/bin/sh\necho 'Error: source file could not be loaded'\nexit 0\n", encoding="utf-8")
    soffice.chmod(0o755)
    monkeypatch.setenv("XLTOOL_SOFFICE", str(soffice))
    odt = tmp_path / "計畫.odt"
    done = xltool("render", EXAMPLE, "--odt", odt)
    assert (done.status, done.code) == (2, "OFFICE_FAILED")
    err = done.error_line()
    assert str(odt) in err and "libreoffice-writer-nogui" in err and "xltool-odt-" not in err
    assert not odt.exists()


def test_characters_xml_cannot_hold_print_as_replacement_marks(tmp_path: Path, xltool: Runner) -> None:
    # A control character a cell carries as _x0007_, a NUL in a JSON plan, a unit name past OPC's 255.
    plan = {"unit": "某處\u001b" + "長" * 300, "year": 108, "items": [
        {"goal_no": "壹", "goal": "目標\u0000甲。", "item_no": "一", "practice": "作法\u0007乙。", "schedule": "108.03",
         "budget": 5, "category": "防貪業務", "performance": "無"}]}  # fmt: skip
    source = tmp_path / "控制字元.json"
    source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "計畫.docx"
    assert xltool("render", source, "--docx", out).status == 0
    import docx

    document = docx.Document(str(out))
    cells = [cell.text for cell in document.tables[0].rows[1].cells]
    assert cells[:2] == ["壹、目標\ufffd甲。", "一、作法\ufffd乙。"]
    assert document.paragraphs[0].text.startswith("某處\ufffd長長")
    assert len(document.core_properties.title) == 255
