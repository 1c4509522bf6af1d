"""xltool render: the printout looks like the form (填表說明 七), measured on the PDF LibreOffice makes."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE, Runner, fill, hand_made_plan, run_in_process
from tests.pdf import Word, pdf_words
from xltool.form import COLUMNS, GANTT_SHEET, LINE_HEIGHT, MARGIN_CM
from xltool.linebreak import text_width, usable_width
from xltool.pages import lay_out
from xltool.reader import read_plan
from xltool.render import render_plan

A4_WIDTH, A4_HEIGHT = 595.3, 841.9
MARGIN = MARGIN_CM / 2.54 * 72


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = render_plan(read_plan(EXAMPLE), tmp_path_factory.mktemp("render") / "列印.xlsx", gantt=True)
    return load_workbook(path)


def test_page_setup_follows_the_form(printed) -> None:  # type: ignore[no-untyped-def]
    sheet = printed["計畫表"]
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "portrait"
    for side in ("left", "right", "top", "bottom"):
        assert getattr(sheet.page_margins, side) == pytest.approx(2.5 / 2.54)
    assert not sheet.sheet_properties.pageSetUpPr or not sheet.sheet_properties.pageSetUpPr.fitToPage  # 100 %
    assert sheet.print_title_rows == "$2:$4"  # the header's three lines on every page
    assert re.fullmatch(r"第 &P 頁，共 \d+ 頁", sheet.oddFooter.center.text)


def test_every_line_is_a_22pt_row_and_a_practice_is_a_box(printed) -> None:  # type: ignore[no-untyped-def]
    sheet = printed["計畫表"]
    assert sheet["A1"].value == "金門縣政府政風處108年度廉政工作計畫"
    assert (sheet["A1"].font.name, sheet["A1"].font.sz) == ("標楷體", 18)
    header = ["".join(sheet.cell(r, c).value or "" for r in (2, 3, 4)) for c in range(1, 7)]
    assert header == [
        "計畫目標",
        "具體作法",
        "預定進度",
        "備考(預算金額單位：千元)",
        "業務類別",
        "提列績效對應項目(新增)",
    ]
    total = next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 1).value == "合計")
    for r in range(2, total + 1):
        assert sheet.row_dimensions[r].height == LINE_HEIGHT, r
        texts = [sheet.cell(r, c).value for c in range(1, 7)]
        assert any(v not in (None, "") for v in texts), r  # no row is taller than its text
        for c in range(1, 7):
            assert sheet.cell(r, c).font.sz == 14
    first = "".join(sheet.cell(r, 2).value or "" for r in range(5, 13))
    assert first.startswith("一、秉縣長「真誠實在」") and sheet["B5"].border.top.style == "thin"
    assert sheet.cell(total, 4).value == 1865
    assert sheet.cell(total + 1, 1).value == "備註："


def test_a_page_ends_between_practices_or_inside_one_keeping_two_lines_each_side(printed) -> None:  # type: ignore[no-untyped-def]
    sheet = printed["計畫表"]
    breaks = [b.id for b in sheet.row_breaks.brk]  # 0-based rows after which a page ends (1-based: the last row)
    total = next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 1).value == "合計")
    assert breaks and all(5 <= b < total for b in breaks)
    for last in breaks:  # a box crossing the break keeps two lines of each of its cells on each side
        for column in range(2, 7):
            above = below = 0
            r = last
            while r >= 5 and not sheet.cell(r, 2).border.top.style and sheet.cell(r, column).value:
                above, r = above + 1, r - 1
            if r >= 5 and sheet.cell(r, column).value:
                above += 1
            r = last + 1
            while r < total and not sheet.cell(r, 2).border.top.style and sheet.cell(r, column).value:
                below, r = below + 1, r + 1
            assert not above or not below or min(above, below) >= 2, (last, column, above, below)
        assert sheet.cell(last, 2).border.bottom.style == "thin"  # the box closes at the foot of the page


def test_gantt_counts_practices_per_month(printed) -> None:  # type: ignore[no-untyped-def]
    sheet = printed["進度甘特圖"]
    months = [sheet.cell(2, c).value for c in range(3, 15)]
    assert months == [f"{m}月" for m in range(1, 13)]
    plan = read_plan(EXAMPLE)
    counts = [sheet.cell(3 + len(plan.items), c).value for c in range(3, 15)]
    assert counts == [sum(f"108.{m:02d}" in item.months for item in plan.items) for m in range(1, 13)]
    assert counts[7] == 30  # all but 肆三 and 柒二 (108.03-04) and 伍十 (108.01、04、07、10) run in August


def test_json_from_read_renders_like_the_workbook(tmp_path: Path, xltool: Runner) -> None:
    """Printed as typed (the default) and in the one spelling (--canonical), the JSON of a plan prints what the
    plan prints: its JSON held the tidy values alone, and printed 108.01-12 where the officer typed 「108年1月至12月」,
    300 for 「300千」, 綜合規劃業務 for 綜合業務."""
    from tests.test_check import untidy_example

    workbook = untidy_example(tmp_path / "計畫.xlsx")
    assert xltool("read", workbook, "-f", "json", "-o", tmp_path / "p.json").status == 0
    for how in ((), ("--canonical",)):
        printed = []
        for source in (workbook, tmp_path / "p.json"):
            out = tmp_path / f"印{source.suffix}{''.join(how)}.xlsx"
            assert xltool("render", source, "-o", out, *how).status == 0
            printed.append([[c.value for c in row] for row in load_workbook(out)["計畫表"].iter_rows()])
        assert printed[1] == printed[0]
    typed = load_workbook(tmp_path / "印.json.xlsx")["計畫表"]
    assert "108年1月至" in {cell.value for row in typed.iter_rows() for cell in row}  # 「12月」 on the next line


def test_it_prints_what_was_written_unless_asked_for_the_canonical_form(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    fill(template, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "全年", "budget": 5,
                     "category": "綜合業務", "performance": "政策目標 － 新聞揭露"}], unit="某處")  # fmt: skip
    as_written, canonical = tmp_path / "原樣.xlsx", tmp_path / "統一.xlsx"
    assert xltool("render", template, "-o", as_written).status == 0
    assert xltool("render", template, "-o", canonical, "--canonical").status == 0
    written = load_workbook(as_written)["計畫表"]
    assert (written["C5"].value, written["E5"].value) == ("全年", "綜合")
    assert "".join(written.cell(r, 6).value or "" for r in (5, 6, 7)) == "政策目標－新聞揭露".replace("－", " － ")
    fixed = load_workbook(canonical)["計畫表"]
    assert (fixed["C5"].value, "".join(fixed.cell(r, 5).value for r in (5, 6, 7))) == ("108.01-12", "綜合規劃業務")


def test_a_practice_numbered_another_way_prints_as_typed(template: Path, tmp_path: Path, xltool: Runner) -> None:
    """「(一)辦理宣導 3 場。」 was read as 一 and printed 「一、辦理宣導 3 場。」, from the workbook and its JSON alike (the
    JSON had no `written` for it); --canonical prints the form's way."""
    rows = [{"goal": "壹、目標", "practice": "(一)辦理宣導 3 場。", "schedule": "108.01-12", "budget": 5,
             "category": "防貪業務", "performance": "無"}, {"practice": "二.召開會報 2 次。", "schedule": "108.06",
             "budget": 0, "category": "防貪業務", "performance": "無"}]  # fmt: skip
    fill(template, rows, unit="某處")
    assert xltool("read", template, "-o", tmp_path / "p.json").status == 0
    items = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["items"]
    assert [item.get("written") for item in items] == [
        {"practice": "(一)辦理宣導 3 場。"},
        {"practice": "二.召開會報 2 次。"},
    ]
    for source in (template, tmp_path / "p.json"):
        for how, expected in (((), ["(一)辦理宣導 3 場。", "二.召開會報 2 次。"]),
                              (("--canonical",), ["一、辦理宣導 3 場。", "二、召開會報 2 次。"])):  # fmt: skip
            out = tmp_path / f"印{source.suffix}{''.join(how)}.xlsx"
            assert xltool("render", source, "-o", out, *how).status == 0
            cells = [c.value for row in load_workbook(out)["計畫表"].iter_rows() for c in row]
            assert [c for c in cells if isinstance(c, str) and ("宣導" in c or "會報" in c)] == expected


def test_a_performance_item_typed_on_two_lines_prints_as_one_item_as_in_the_document(template: Path) -> None:
    fill(template, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.01-12", "budget": 5,
                     "category": "防貪業務", "performance": "政策目標-\n反貪活動"}], unit="某處")  # fmt: skip
    plan = read_plan(template)
    widths = {c.key: usable_width(c.print_width) for c in COLUMNS}
    lines = lay_out(plan, widths, first_page=30, other_pages=30, tail=1).lines
    printed = [line.texts["performance"] for line in lines if "performance" in line.texts]
    assert printed == ["政策目標-", "反貪活動"]  # not 「政策目 / 標- 反貪 / 活動」
    assert "".join(printed) == plan.items[0].as_written()["performance"]  # what render --docx prints


def test_a_plan_with_errors_still_renders_and_says_so(template: Path, tmp_path: Path, xltool: Runner) -> None:
    fill(template, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "經常辦理", "budget": 5,
                     "category": "防貪業務"}])  # fmt: skip
    out = tmp_path / "draft.xlsx"
    done = xltool("render", template, "-o", out)
    assert done.status == 0
    assert "有 2 個錯誤" in done.err  # the vague schedule, and no unit
    assert load_workbook(out)["計畫表"]["C5"].value == "經常辦理"


def test_a_total_that_leaves_out_budgets_written_as_words_says_so(template: Path, xltool: Runner) -> None:
    """Budgets of 5, 「1萬5千元」, 「另案辦理」 and 15 print 合計 20: the printout looks complete, and render said
    nothing. It says the budgets left out, where and as written, as every total xltool says does."""
    from tests.test_check import GOOD

    budgets: list[object] = [5, "1萬5千元", "另案辦理", 15]
    rows = [{"practice": f"{'一二三四'[n]}、辦理宣導 {n + 1} 場。", **GOOD, "budget": b} for n, b in enumerate(budgets)]
    fill(template, [{"goal": "壹、目標", **rows[0]}, *rows[1:]], unit="丁政風室")
    done = xltool("render", template, "-o", template.with_name("列印.xlsx"))
    said = [line for line in done.err.splitlines() if "未計入" in line]
    assert done.status == 0 and said == [
        "注意：丁政風室 印出的預算合計 20 千元，另有 2 項預算不是金額、未計入（計畫表!D5「1萬5千元」、計畫表!D6「另案辦理」）"
    ], done.err
    assert "未計入" not in xltool("render", EXAMPLE, "-o", template.with_name("範例.xlsx")).err  # amounts only


def test_bad_json_is_one_clear_line(tmp_path: Path, xltool: Runner) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"hello": 1}), encoding="utf-8")
    done = xltool("render", bad)
    assert (done.status, done.code) == (2, "INPUT_NOT_PLAN_JSON") and str(bad) in done.error_line()


def test_pdf_without_libreoffice_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      xltool: Runner) -> None:  # fmt: skip
    monkeypatch.setenv("XLTOOL_SOFFICE", str(tmp_path / "no-soffice-here"))
    done = xltool("render", EXAMPLE, "--pdf", tmp_path / "p.pdf")
    assert (done.status, done.code) == (2, "OFFICE_MISSING") and "LibreOffice" in done.error_line()  # what to install
    assert not (tmp_path / "p.pdf").exists()


# --- the PDF, measured --------------------------------------------------------------------------------


def lines_of(words: list[Word]) -> list[tuple[int, float, float, str]]:
    """The printed lines in reading order: (page, top, left, text), words on one baseline joined."""
    lines: list[tuple[int, float, float, str]] = []
    for word in sorted(words, key=lambda w: (w.page, round(w.y0, 0), w.x0)):
        if lines and lines[-1][0] == word.page and abs(word.y0 - lines[-1][1]) < 3:
            page, top, left, text = lines[-1]
            lines[-1] = (page, top, left, text + " " + word.text)
        else:
            lines.append((word.page, word.y0, word.x0, word.text))
    return lines


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory, office: None) -> tuple[Path, list[Word]]:
    folder = tmp_path_factory.mktemp("pdf")
    pdf = folder / "金門 108.pdf"
    assert run_in_process("render", EXAMPLE, "--pdf", pdf).status == 0
    return pdf, pdf_words(pdf)


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595" in info and "841" in info  # A4 in points
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.usefixtures("office")
def test_the_pdf_has_the_header_and_its_page_number_centred_on_every_page(example_pdf) -> None:  # type: ignore[no-untyped-def]
    pdf, words = example_pdf
    pages = pages_of(pdf)
    assert pages > 1
    for page in range(1, pages + 1):
        on_page = [w for w in words if w.page == page]
        text = "".join(w.text for w in on_page)
        assert "具體作法" in text and "計畫" in text, page
        number = [w for w in on_page if w.y0 > A4_HEIGHT - MARGIN]
        footer = "".join(w.text for w in sorted(number, key=lambda w: w.x0))
        assert footer == f"第{page}頁，共{pages}頁", page
        centre = (min(w.x0 for w in number) + max(w.x1 for w in number)) / 2
        assert centre == pytest.approx(A4_WIDTH / 2, abs=6), page
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "UKai" in fonts  # a Kai face stands in for 標楷體, never a Ming face or boxes


@pytest.mark.usefixtures("office")
def test_title_18pt_body_14pt_at_full_scale_inside_the_margins(example_pdf) -> None:  # type: ignore[no-untyped-def]
    _, words = example_pdf
    title = next(w for w in words if w.text.startswith("金門縣政府政風處"))
    assert title.x1 - title.x0 == pytest.approx(18 * (len(title.text) - 3) + 9 * 3, abs=2)  # 18 pt: 3 digits half
    header = next(w for w in words if w.page == 1 and w.text == "具體作法")
    assert header.x1 - header.x0 == pytest.approx(4 * 14, abs=0.5)  # 14 pt at 100 %
    body = [w for w in words if MARGIN < w.y0 < A4_HEIGHT - MARGIN and w is not title]
    assert min(w.x0 for w in body) >= MARGIN and max(w.x1 for w in body) <= A4_WIDTH - MARGIN


@pytest.mark.usefixtures("office")
def test_lines_are_22pt_apart_and_broken_as_a_typesetter_would(example_pdf) -> None:  # type: ignore[no-untyped-def]
    _, words = example_pdf
    practice_left = MARGIN + 7 * COLUMNS[0].print_width + 5
    practice_right = practice_left + 7 * COLUMNS[1].print_width + 5
    column = [w for w in words if practice_left <= w.x0 < practice_right and MARGIN + 100 < w.y0 < A4_HEIGHT - MARGIN]
    tops = sorted({(w.page, round(w.y0, 1)) for w in column})
    gaps = [b[1] - a[1] for a, b in itertools.pairwise(tops) if a[0] == b[0]]
    assert len(gaps) > 100
    assert all(gap >= LINE_HEIGHT - 1.5 or gap > 2 * LINE_HEIGHT - 1.5 for gap in gaps)
    assert sum(abs(gap - LINE_HEIGHT) <= 1.5 for gap in gaps) > 0.8 * len(gaps)  # 22 pt, the form's 固定行高
    printed = lines_of(words)
    closing = "」，、。：；）"
    assert not [text for _, _, _, text in printed if text[:1] in closing]  # no line starts with closing marks
    schedules = {item.schedule_info.written for item in read_plan(EXAMPLE).items}
    drawn = " ".join(text for _, _, _, text in printed)
    for schedule in schedules:  # every schedule whole, or broken only after its 、
        assert schedule in drawn or all(part in drawn for part in schedule.split("、")), schedule


@pytest.mark.usefixtures("office")
def test_many_units_print_as_sections_with_their_own_titles_and_page_numbers(tmp_path: Path, xltool: Runner) -> None:
    from examples.make_example import example_items
    from xltool.template import write_template

    kinmen = json.loads((EXAMPLE.parent / "kinmen_108.json").read_text(encoding="utf-8"))
    folder = tmp_path / "各單位"
    folder.mkdir()
    for unit in ("甲縣政府政風處", "乙市政府政風處"):
        write_template(folder / f"{unit}.xlsx", year=108, unit=unit, items=example_items(kinmen)[:12])
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", folder, "-o", merged).status == 0
    combined = tmp_path / "全部.pdf"
    assert xltool("render", merged, "--pdf", combined).status == 0  # a merged workbook is split by unit
    words = pdf_words(combined)
    pages = pages_of(combined)
    titled = [w for w in words if w.text.endswith("108年度廉政工作計畫")]
    titles = {w.page: w.text for w in titled if w.y0 > MARGIN - 2}  # the form's title, on a unit's first page
    assert sorted(titles.values()) == ["乙市政府政風處108年度廉政工作計畫", "甲縣政府政風處108年度廉政工作計畫"]
    footers = ["".join(w.text for w in words if w.page == p and w.y0 > A4_HEIGHT - MARGIN) for p in range(1, pages + 1)]
    second = list(titles)[1]  # the page the second unit starts on
    per_unit = second - 1
    assert footers[0] == f"第1頁，共{per_unit}頁" and footers[second - 1] == f"第1頁，共{pages - per_unit}頁"
    # Every page names its unit above the form, in small type at the right, not only the first.
    heads = {w.page: w for w in titled if w.y1 < MARGIN}
    assert sorted(heads) == list(range(1, pages + 1))
    assert all(heads[p].text == titles[1 if p < second else second] for p in heads)
    assert all(heads[p].x1 > A4_WIDTH - MARGIN - 5 and heads[p].y1 - heads[p].y0 < 14 for p in heads)
    each = tmp_path / "各單位PDF"
    each.mkdir()
    assert xltool("render", folder, "--pdf-dir", each).status == 0
    assert sorted(p.name for p in each.iterdir()) == ["乙市政府政風處.pdf", "甲縣政府政風處.pdf"]
    for pdf in each.iterdir():  # printed apart, and then stacked: every page says whose it is, as above
        named = {w.page for w in pdf_words(pdf) if w.y1 < MARGIN and w.text == f"{pdf.stem}108年度廉政工作計畫"}
        assert named == set(range(1, pages_of(pdf) + 1)) and len(named) > 1, pdf.name


# --- a LibreOffice that misbehaves: a real program standing in for a broken install ------------------------

GARBAGE = """#!/bin/sh
# A broken LibreOffice: it says it converted, and leaves random bytes under each output's name.
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) outdir="$2"; shift 2;;
    --convert-to) fmt="${2%%:*}"; shift 2;;
    -*) shift;;
    *) name=$(basename "$1"); head -c 4096 /dev/urandom > "$outdir/${name%.*}.$fmt"; shift;;
  esac
done
exit 0
"""
FLOOD = """#!/bin/sh
# A LibreOffice that fails after 200,000 lines of complaints.
seq 1 200000 | sed 's/^/warn: something went wrong at line /' >&2
exit 1
"""


def fake_soffice(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    soffice = folder / "soffice"
    soffice.write_text(script, encoding="utf-8")
    soffice.chmod(0o755)
    monkeypatch.setenv("XLTOOL_SOFFICE", str(soffice))


@pytest.mark.parametrize("option", ["--pdf", "--odt", "--pdf-dir"])
def test_what_a_broken_libreoffice_writes_never_takes_the_outputs_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xltool: Runner, option: str
) -> None:
    fake_soffice(tmp_path, GARBAGE, monkeypatch)
    target = tmp_path / {"--pdf": "計畫.pdf", "--odt": "計畫.odt", "--pdf-dir": "各單位PDF"}[option]
    done = xltool("render", EXAMPLE, option, target)
    assert (done.status, done.code) == (2, "OFFICE_FAILED")
    err = done.error_line()
    assert str(target) in err and "xltool-" not in err  # the user's file, not a scratch copy
    assert not target.exists() or list(target.iterdir()) == []


def test_libreoffices_complaints_are_quoted_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xltool: Runner
) -> None:
    fake_soffice(tmp_path, FLOOD, monkeypatch)
    target = tmp_path / "計畫.pdf"
    done = xltool("render", EXAMPLE, "--pdf", target)
    assert (done.status, done.code) == (2, "OFFICE_FAILED")
    err = done.error_line()
    assert len(err) < 1000
    assert "line 200000" in err and str(target) in err and "xltool-" not in err  # its last words, the user's file
    assert not target.exists()


def test_a_libreoffice_that_never_finishes_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xltool.errors import OfficeError
    from xltool.office import convert

    fake_soffice(tmp_path, "#!/bin/sh\nsleep 60\n", monkeypatch)
    with pytest.raises(OfficeError) as stopped:
        convert(EXAMPLE, "pdf", tmp_path / "out", timeout=1)
    assert stopped.value.code == "OFFICE_TIMEOUT" and not (tmp_path / "out").exists()


def test_pdf_names_are_safe_on_windows() -> None:
    from xltool.render import pdf_name

    used: set[str] = set()
    names = [pdf_name(unit, used) for unit in ["CON", "nul", "Com1.政風", "LPT9 ", "CONSOLE", "a/b:c", "a_b_c", ""]]
    assert names == ["CON_", "nul_", "Com1_.政風", "LPT9_", "CONSOLE", "a_b_c", "a_b_c(2)", "計畫表"]


@pytest.mark.usefixtures("office")
def test_a_season_prints_in_roster_order_under_roster_names_skipping_a_bad_file(tmp_path: Path, xltool: Runner) -> None:
    from examples.make_example import example_items
    from xltool.template import write_template

    kinmen = json.loads((EXAMPLE.parent / "kinmen_108.json").read_text(encoding="utf-8"))
    folder = tmp_path / "收件匣"
    folder.mkdir()
    for unit in ("乙市政府政風處", "台東縣政府政風處", "CON"):
        write_template(folder / f"{unit}.xlsx", year=108, unit=unit, items=example_items(kinmen)[:3])
    (folder / "壞掉.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (folder / "空的.xlsx").write_bytes(b"")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n臺東縣政府政風處\n乙市政府政風處\n", encoding="utf-8")
    each, combined = tmp_path / "各單位PDF", tmp_path / "全部.pdf"  # the folder is not there yet
    args = ["render", str(folder), "--pdf-dir", str(each), "--pdf", str(combined), "--roster", str(roster)]
    done = xltool(*args)
    # A bad file stops everything unless skipped: each is named (not the first alone), and how to go on.
    assert (done.status, done.code) == (2, "MERGE_UNREADABLE") and not combined.exists()
    assert all(word in done.error_line() for word in ("2 個檔案無法讀取", "壞掉.xlsx", "空的.xlsx", "--skip-bad"))
    done = xltool(*args, "--skip-bad")
    assert done.status == 0
    skipped = [line for line in done.err.splitlines() if line.startswith("略過：")]
    assert len(skipped) == 2 and "壞掉.xlsx" in skipped[0]
    assert sorted(p.name for p in each.iterdir()) == ["CON_.pdf", "乙市政府政風處.pdf", "臺東縣政府政風處.pdf"]
    words = pdf_words(combined)
    titles = [
        w.text
        for w in sorted(words, key=lambda w: (w.page, w.y0))
        if w.y0 > MARGIN - 2 and "年度廉政工作計畫" in w.text
    ]
    assert titles == [f"{unit}108年度廉政工作計畫" for unit in ("臺東縣政府政風處", "乙市政府政風處", "CON")]


def test_a_printout_never_replaces_the_workbook_its_plan_was_read_from(tmp_path: Path) -> None:
    """A script naming each printout after its plan (``Path(plan.source).with_suffix(".xlsx")``) with force
    replaced the officer's workbook with the printout: render_plan did not know the plan's file was an input."""
    from xltool.errors import XltoolError
    from xltool.outputs import Outputs

    plan_file = tmp_path / "甲.xlsx"
    plan_file.write_bytes(EXAMPLE.read_bytes())
    plan = read_plan(plan_file)
    with pytest.raises(XltoolError) as refused:
        render_plan(plan, Path(plan.source).with_suffix(".xlsx"), outputs=Outputs(force=True))
    assert refused.value.code == "OUTPUT_IS_INPUT"
    assert plan_file.read_bytes() == EXAMPLE.read_bytes() and [p.name for p in tmp_path.iterdir()] == ["甲.xlsx"]


def test_the_pdf_folder_is_made_when_missing_but_its_parent_must_be_there(tmp_path: Path) -> None:
    from xltool.errors import OutputError
    from xltool.outputs import output_folder

    assert output_folder(tmp_path / "各單位PDF", "--pdf-dir").is_dir()  # the help's own example: not made yet
    with pytest.raises(OutputError, match="輸出資料夾不存在"):
        output_folder(tmp_path / "沒有" / "各單位PDF", "--pdf-dir")
    (tmp_path / "檔案").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="--pdf-dir 必須是資料夾"):
        output_folder(tmp_path / "檔案", "--pdf-dir")


def test_a_unit_sent_again_prints_once_in_the_version_merge_counts(tmp_path: Path, xltool: Runner) -> None:
    """An inbox holds a unit's first plan and its resubmission: the printout of the season has the unit
    once, as the newest version has it (as merge counts it), and says which; --allow-duplicate-units prints
    every file."""
    from openpyxl import load_workbook

    from tests.test_merge import UNITS, unit_workbook

    folder = tmp_path / "收件匣"
    folder.mkdir()
    first = unit_workbook(folder, UNITS[0])
    unit_workbook(folder, UNITS[1])
    newer = folder / f"{UNITS[0]}_修正.xlsx"
    book = load_workbook(first)
    book["計畫表"]["B5"] = "二、第二版改寫的作法，辦理 3 場。"
    book.save(newer)  # openpyxl records now as its saved time; the template's time is none: its file's date
    os.utime(first, (first.stat().st_mtime - 60,) * 2)  # sent a minute before
    out = tmp_path / "列印.xlsx"

    def printed() -> str:
        book = load_workbook(out)  # a column at a time: a practice's lines are rows of its column
        return "".join(str(c.value) for sheet in book.worksheets for col in sheet.iter_cols() for c in col if c.value)

    done = xltool("render", folder, "-o", out)
    assert done.status == 0 and "（2 個單位）" in done.err
    assert f"以最新的 {newer}" in done.err and f"不計 {first}" in done.err
    text = printed().replace("\n", "")
    assert "第二版改寫的作法" in text and text.count(f"{UNITS[0]}108年度廉政工作計畫") == 1
    done = xltool("render", folder, "-o", out, "--force", "--allow-duplicate-units")
    assert done.status == 0 and "（3 個單位）" in done.err
    assert printed().replace("\n", "").count(f"{UNITS[0]}108年度廉政工作計畫") == 2


def test_a_merged_workbook_among_its_units_is_not_printed_twice(tmp_path: Path, xltool: Runner) -> None:
    """The last merge saved into the inbox: printing the inbox would print each unit twice (its own file
    and the 彙整 one); it stops as merge does, naming both, and --allow-duplicate-units prints each unit
    once, from its own file."""
    from tests.test_merge import UNITS, unit_workbook

    folder = tmp_path / "收件匣"
    folder.mkdir()
    for unit in UNITS[:2]:
        unit_workbook(folder, unit)
    assert xltool("merge", folder, "-o", tmp_path / "彙整.xlsx").status == 0
    shutil.copy(tmp_path / "彙整.xlsx", folder)  # copied in by hand: xltool refuses to write it there
    out = tmp_path / "列印.xlsx"
    done = xltool("render", folder, "-o", out)
    assert (done.status, done.code) == (2, "MERGE_DUPLICATE_UNIT") and not out.exists()
    assert "彙整.xlsx（彙整檔）" in done.error_line() and "--allow-duplicate-units" in done.error_line()
    assert "等 2 個單位出現在多個檔案" in done.error_line()  # every unit is there twice, not the first alone
    done = xltool("render", folder, "-o", out, "--allow-duplicate-units")
    assert done.status == 0 and "（2 個單位）" in done.err


def test_a_folders_one_plan_is_printed_where_asked_not_into_the_folder(tmp_path: Path, xltool: Runner) -> None:
    """`render 收件匣` (a folder holding one plan, no output asked for) wrote 收件匣/甲_列印.xlsx, the default meant
    for a file named by itself, into the inbox, and the next merge of the inbox stopped on it."""
    from tests.test_merge import UNITS, unit_workbook

    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    plan = unit_workbook(inbox, UNITS[0])
    done = xltool("render", inbox)
    assert (done.status, done.code) == (2, "USAGE") and str(plan) in done.error_line()
    assert f"-o {plan.stem}_列印.xlsx" in done.error_line() and [p.name for p in inbox.iterdir()] == [plan.name]
    assert xltool("merge", inbox, "-o", tmp_path / "彙整.xlsx").status == 0


@pytest.mark.usefixtures("office")
def test_a_printout_left_in_the_inbox_is_named_as_one(tmp_path: Path, xltool: Runner) -> None:
    """`render 收件匣/甲.xlsx` writes 甲_列印.xlsx beside the plan, in the inbox: the next merge or check of the
    inbox said 「找不到計畫表的標題列…這可能不是廉政工作計畫」 of it. It says what the file is and what to do,
    also once LibreOffice has saved the printout again."""
    from tests.test_merge import UNITS, unit_workbook
    from xltool.office import convert

    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    plan = unit_workbook(inbox, UNITS[0])
    assert xltool("render", plan).status == 0
    printout = inbox / f"{plan.stem}_列印.xlsx"
    done = xltool("merge", inbox, "-o", tmp_path / "彙整.xlsx")
    assert (done.status, done.code) == (2, "MERGE_UNREADABLE") and "xltool render 產生的列印版" in done.error_line()
    saved = convert(printout, "xlsx", tmp_path / "存檔")
    done = xltool("check", saved, "-f", "json")
    assert done.status == 2 and json.loads(done.out)["files"][0]["error_code"] == "INPUT_PRINTOUT"


@pytest.mark.usefixtures("office")
def test_an_amount_wider_than_its_column_prints_whole_never_as_hashes(template: Path, tmp_path: Path) -> None:
    """1,234,567,890 typed (元 for 千元) printed 「###」 with 「90」 on the line below, a cell of its own in
    the printout; a text amount broke inside a number; 0.123456 printed 0.123; a ten-digit 合計 printed ###."""
    from tests.test_check import GOOD
    from xltool.office import convert

    budgets: list[object] = [1234567890, "新臺幣1,234,567,890元", 0.123456, 5]
    rows = [{"practice": f"{'一二三四'[n]}、辦理宣導 {n + 1} 場。", **GOOD, "budget": b} for n, b in enumerate(budgets)]
    fill(template, [{"goal": "壹、目標", **rows[0]}, *rows[1:]], unit="某處")
    out = render_plan(read_plan(template), tmp_path / "列印.xlsx")
    sheet = load_workbook(out).active
    column = [sheet.cell(r, 4).value for r in range(1, sheet.max_row + 1)]
    assert "90" not in column and "0.123456" in column  # no piece of a number; no amount rounded
    text = subprocess.run(["pdftotext", "-layout", str(convert(out, "pdf", tmp_path)), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "#" not in text
    assert "1,234,567,890" in text and "1,235,802,463.013" in text  # the amount, and the 合計, shrunk to fit
    assert re.search(r"新臺幣1,.*\n.*234,567,890", text)  # a text amount breaks only after a comma


@pytest.mark.usefixtures("office")
def test_the_gantt_asked_for_with_a_pdf_is_in_the_pdf(tmp_path: Path, xltool: Runner) -> None:
    """The help's own example (--pdf … --gantt) wrote a PDF without the chart and said nothing. Its pages
    come after the plan's, numbered on their own: the plan's 「共 N 頁」 still counts the plan."""
    pdf = tmp_path / "計畫.pdf"
    assert xltool("render", EXAMPLE, "--pdf", pdf, "--gantt").status == 0
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    plan_pages = [page for page in pages if "共 8 頁" in page]
    assert len(plan_pages) == 8 and "預定進度 第 1 頁" in pages[8] and "各月進行中的具體作法" in "".join(pages[8:])


@pytest.mark.usefixtures("office")
def test_libreoffices_part_shows_on_a_terminal_and_not_in_a_pipe(tmp_path: Path) -> None:
    """Eight units to one PDF took ten seconds with nothing on the screen: LibreOffice's part is a pass of
    its own on a terminal (standard error a terminal), and a pipe stays clean."""
    import pty
    import sys

    def stderr_of(pdf: Path, terminal: bool) -> str:
        command = [sys.executable, "-m", "xltool", "render", str(EXAMPLE), "--pdf", str(pdf)]
        if not terminal:
            return subprocess.run(command, capture_output=True, text=True, check=True).stderr
        main, side = pty.openpty()
        running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=side)
        os.close(side)
        chunks = []
        while True:  # read as it writes: a terminal's buffer is small, and a full one would stop it
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed: all was read
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(main)
        assert running.wait(timeout=120) == 0
        return b"".join(chunks).decode("utf-8", "replace")

    assert "轉成 PDF（LibreOffice）" in stderr_of(tmp_path / "a.pdf", terminal=True)
    assert "LibreOffice" not in stderr_of(tmp_path / "b.pdf", terminal=False)


def test_a_long_practice_over_merged_rows_runs_down_beside_its_schedules(tmp_path: Path, xltool: Runner) -> None:
    """A hand-made plan's long practice merged down three rows, one schedule a row: printed on its first row
    alone, its second and third schedules came after the whole text (a box of 13 lines for 108.03). Its
    words now run down its rows, as the merged cell shows them, in one box."""
    practice = "一、辦理廉政宣導，" + "對象為本府各局處同仁及所屬機關，透過多元管道加強宣導，" * 6 + "共 3 場。"
    rows = [
        ["壹、強化宣導。", practice, "108.03", 5, "防貪業務", "無"],
        [None, None, "108.06", 5, "防貪業務", "無"],
        [None, None, "108.09", 5, "防貪業務", "無"],
        [None, "二、召開廉政會報 2 次。", "108.06", 5, "防貪業務", "無"],
    ]
    plan = tmp_path / "手做.xlsx"
    hand_made_plan(plan, rows, ["B3:B5", "A3:A6"])
    out = tmp_path / "列印.xlsx"
    assert xltool("render", plan, "-o", out).status == 0
    sheet = load_workbook(out)["計畫表"]
    schedules = [(r, str(sheet.cell(r, 3).value)) for r in range(1, 60) if sheet.cell(r, 3).value]
    (first, _), (second, _), (third, _), (last, _) = [row for row in schedules if row[1].startswith("108.")]
    assert second - first == third - second == 2  # each as tall as its category (防貪 / 業務), not the practice
    words = "".join(str(sheet.cell(r, 2).value or "") for r in range(first, last))
    assert practice.replace(" ", "") in words.replace(" ", "")  # every word printed, once, in order
    assert not sheet.cell(second, 2).border.top.style  # one box


@pytest.mark.usefixtures("office")
def test_a_long_units_title_prints_whole_broken_after_its_name(tmp_path: Path, xltool: Runner) -> None:
    """「國立臺灣大學醫學院附設醫院新竹臺大分院政風室108年度廉政工作計畫」 is wider than the table: LibreOffice
    printed 「灣大學…廉政工」, cut at both ends, on the plan's first page and the 預定進度 page, and Word broke it
    inside 「年度」. It prints whole, on two lines, the year's words on a line of their own, above the table."""
    from docx import Document

    unit = "國立臺灣大學醫學院附設醫院新竹臺大分院政風室"
    source = tmp_path / "長名.json"
    assert xltool("read", EXAMPLE, "-f", "json", "-o", source).status == 0
    plan = json.loads(source.read_text(encoding="utf-8"))
    plan["unit"] = unit
    source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    pdf, docx = tmp_path / "長名.pdf", tmp_path / "長名.docx"
    assert xltool("render", source, "--pdf", pdf, "--docx", docx, "--gantt").status == 0
    words = pdf_words(pdf)
    gantt = min(w.page for w in words if "預定進度" in w.text)  # landscape: the title fits on one line
    for page, width, after in ((1, A4_WIDTH, ""), (gantt, A4_HEIGHT, "預定進度")):
        header = min(w.y0 for w in words if w.page == page and w.text in ("計畫", "編號"))
        title = sorted((w for w in words if w.page == page and w.y0 < header - 2), key=lambda w: (w.y0, w.x0))
        assert "".join(w.text for w in title) == f"{unit}108年度廉政工作計畫{after}", page
        assert all(w.x0 >= MARGIN - 1 and w.x1 <= width - MARGIN + 1 for w in title), page
    assert [w.text for w in words if w.page == 1][:2] == [unit, "108年度廉政工作計畫"]  # two lines, whole words
    assert Document(str(docx)).paragraphs[0].text == f"{unit}\n108年度廉政工作計畫"


def test_the_gantt_reads_each_practice_on_one_line_under_a_title_of_its_own_height(
    tmp_path: Path, xltool: Runner
) -> None:
    """The 預定進度 sheet printed a practice typed over lines from its first line (「（一）上半年…」 over the
    header, or nothing but 「…」), and its title row, set to the plan's 36 pt, moved two practices overleaf."""
    source = tmp_path / "換行.json"
    assert xltool("read", EXAMPLE, "-f", "json", "-o", source).status == 0
    plan = json.loads(source.read_text(encoding="utf-8"))
    plan["items"][0]["practice"] = "\n\n辦理廉政講習：\n\n（一）上半年辦理一場。"
    source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "列印.xlsx"
    assert xltool("render", source, "-o", out, "--gantt").status == 0
    gantt = load_workbook(out)[GANTT_SHEET]
    assert gantt["B3"].value == "辦理廉政講習：（一）上半年辦理一場。"
    assert gantt.row_dimensions[1].height is None  # one line: the row fits it, as before


def test_an_ampersand_in_a_units_name_keeps_its_running_head(tmp_path: Path, xltool: Runner) -> None:
    """「研考&G科政風室」: its & doubled for the header codes still read 「&G」 (a picture's place) to xlsxwriter,
    which printed a Python warning on the terminal and dropped the unit's header from every page."""
    folder = tmp_path / "各單位"
    folder.mkdir()
    for name, unit in (("甲", "研考&G科政風室"), ("乙", "乙處&[Picture]")):
        source = folder / f"{name}.json"
        assert xltool("read", EXAMPLE, "-f", "json", "-o", source).status == 0
        plan = json.loads(source.read_text(encoding="utf-8"))
        plan["unit"] = unit
        source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "列印.xlsx"
    done = xltool("render", folder, "-o", out)
    assert done.status == 0 and "Warning" not in done.err, done.err
    heads = sorted(sheet.oddHeader.right.text for sheet in load_workbook(out).worksheets)
    assert heads == ["乙處＆[Picture]108年度廉政工作計畫", "研考＆G科政風室108年度廉政工作計畫"]


def test_a_long_units_running_head_stays_on_one_line(tmp_path: Path, xltool: Runner) -> None:
    """Several units printed together name their unit at the top right of each page: a 37-character name
    wrapped the head inside 「工作計畫」. The name is shortened with 「…」, the year's words kept: a long name in
    narrow Latin letters too (it fit the line in 81 characters, and the head's cut at 60 took the year's words)."""
    import docx

    folder = tmp_path / "各單位"
    folder.mkdir()
    long = "國立臺灣大學醫學院附設醫院新竹臺大分院生醫醫院竹東院區暨附設護理之家聯合政風室"  # 39 characters
    latin = "Ministry of Justice Investigation Bureau Kinmen County Field Office 政風室"
    for name, unit in (("甲", long), ("乙", "乙處"), ("丙", latin)):
        source = folder / f"{name}.json"
        assert xltool("read", EXAMPLE, "-f", "json", "-o", source).status == 0
        plan = json.loads(source.read_text(encoding="utf-8"))
        plan["unit"] = unit
        source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    out, document = tmp_path / "列印.xlsx", tmp_path / "列印.docx"
    assert xltool("render", folder, "-o", out, "--docx", document).status == 0
    heads = [sheet.oddHeader.right.text for sheet in load_workbook(out).worksheets if sheet.oddHeader.right.text]
    heads += [section.header.paragraphs[0].text for section in docx.Document(str(document)).sections]
    shortened = [head for head in heads if head.startswith((long[:10], latin[:10]))]
    assert len(shortened) == 4 and all("…" in head and head.endswith("108年度廉政工作計畫") for head in shortened)
    assert all(text_width(head, 10) <= 453.6 for head in shortened)


@pytest.mark.slow  # 250 printouts, through LibreOffice
@pytest.mark.usefixtures("office")
def test_a_supervising_office_of_hundreds_of_units_gets_every_units_pdf(tmp_path: Path, xltool: Runner) -> None:
    """render --pdf-dir of 300 units wrote nothing: LibreOffice, handed every printout in one start, converted
    the first 246, stopped without a word and exited 0, and every PDF was refused."""
    base = read_plan(EXAMPLE).to_dict()
    units = tmp_path / "各單位"
    units.mkdir()
    for n in range(250):
        plan = {**base, "unit": f"測試{n:03d}鄉公所", "items": base["items"][:2]}
        (units / f"{n:03d}.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    done = xltool("render", units, "--pdf-dir", tmp_path / "PDF")
    assert done.status == 0, done.err
    pdfs = sorted(path.name for path in (tmp_path / "PDF").iterdir())
    assert pdfs == [f"測試{n:03d}鄉公所.pdf" for n in range(250)]


def test_each_units_month_grid_follows_its_plan_and_names_it_on_every_page(tmp_path: Path, xltool: Runner) -> None:
    """render 各單位/ --pdf --gantt printed every grid after every plan, and a grid's pages after its first
    (no title there) named no unit: with dozens of units a loose page matched none."""
    base = read_plan(EXAMPLE).to_dict()
    units = tmp_path / "各單位"
    units.mkdir()
    for unit in ("甲鄉公所", "乙鄉公所"):
        (units / f"{unit}.json").write_text(json.dumps({**base, "unit": unit}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "列印.xlsx"
    assert xltool("render", units, "-o", out, "--gantt").status == 0
    book = load_workbook(out)
    plans = book.sheetnames[0::2]
    assert sorted(plans) == ["乙鄉公所", "甲鄉公所"]
    assert book.sheetnames[1::2] == [f"{unit}{GANTT_SHEET}" for unit in plans]
    for unit in ("甲鄉公所", "乙鄉公所"):
        assert unit in book[f"{unit}{GANTT_SHEET}"].oddHeader.right.text


@pytest.mark.usefixtures("office")
def test_a_units_pdf_is_named_after_it_without_disguises_and_within_a_disks_limit(
    tmp_path: Path, xltool: Runner
) -> None:
    """--pdf-dir named each PDF after its unit as written: a right-to-left mark made 「乙處\\u202egpj.exe.pdf」 show
    as 「乙處fdp.exe.jpg」 in a file list, and a name of 80 four-byte characters was past the 255 bytes a disk
    takes, which refused every unit's PDF."""
    base = read_plan(EXAMPLE).to_dict()
    units = tmp_path / "各單位"
    units.mkdir()
    for n, unit in enumerate(("甲處", "乙處\u202egpj.exe", "\U00020000" * 80)):
        plan = {**base, "unit": unit, "items": base["items"][:2]}
        (units / f"{n}.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    done = xltool("render", units, "--pdf-dir", tmp_path / "PDF")
    assert done.status == 0, done.err
    names = sorted(path.name for path in (tmp_path / "PDF").iterdir())
    assert len(names) == 3 and "甲處.pdf" in names and "乙處_gpj.exe.pdf" in names
    assert all(len(name.encode()) <= 255 and "\u202e" not in name for name in names)


@pytest.mark.usefixtures("office")
def test_a_unit_whose_name_is_a_file_name_gets_it_in_the_pdf_folder(tmp_path: Path, xltool: Runner) -> None:
    """甲/乙政風室 and 甲:乙政風室 come before 甲_乙政風室 in the folder: the first took 甲_乙政風室.pdf, and whoever
    opened that file read another unit's plan. A name a file can have as it is goes to its own unit."""
    folder = tmp_path / "各單位"
    folder.mkdir()
    from xltool.export import plan_json

    plan = json.loads(plan_json(read_plan(EXAMPLE)))
    for n, unit in enumerate(["甲/乙政風室", "甲:乙政風室", "甲_乙政風室"]):
        (folder / f"{n}.json").write_text(json.dumps({**plan, "unit": unit}, ensure_ascii=False), encoding="utf-8")
    each = tmp_path / "PDF"
    assert xltool("render", folder, "--pdf-dir", each).status == 0
    titles = {pdf.name: pdf_words(pdf)[0].text for pdf in each.iterdir()}
    assert titles["甲_乙政風室.pdf"].startswith("甲_乙政風室")
    assert {titles["甲_乙政風室(2).pdf"][:6], titles["甲_乙政風室(3).pdf"][:6]} == {"甲/乙政風室", "甲:乙政風室"}


@pytest.mark.usefixtures("office")
def test_a_units_pdf_refused_is_refused_before_anything_is_written(tmp_path: Path, xltool: Runner) -> None:
    """--pdf-dir's PDFs, named after the units, were claimed only when they were written: one there already
    (no --force), or the very file --pdf names, was refused after -o's workbook or --pdf's PDF was on disk,
    while the run said it wrote nothing."""
    from tests.test_merge import UNITS, unit_workbook

    inbox, each = tmp_path / "收件匣", tmp_path / "PDF"
    inbox.mkdir()
    each.mkdir()
    for unit in UNITS[:2]:
        unit_workbook(inbox, unit)
    (each / f"{UNITS[0]}.pdf").write_bytes(b"%PDF-1.4 last week's")
    done = xltool("render", inbox, "-o", tmp_path / "列印.xlsx", "--pdf-dir", each)
    assert (done.status, done.code) == (2, "OUTPUT_EXISTS") and f"{UNITS[0]}.pdf" in done.error_line()
    (each / f"{UNITS[0]}.pdf").unlink()
    done = xltool("render", inbox, "--pdf", each / f"{UNITS[0]}.pdf", "--pdf-dir", each)
    assert (done.status, done.code) == (2, "OUTPUT_TWICE")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["PDF", "收件匣"] and list(each.iterdir()) == []


def test_a_remark_column_the_form_has_not_is_said_to_be_left_out(tmp_path: Path, xltool: Runner) -> None:
    """A hand-made sheet with a 備註 column after the form's: read returned it, and render and merge left it
    out without a word (a note the officer wrote for the office vanished from the paper)."""
    import xlsxwriter

    legacy = tmp_path / "舊表.xlsx"
    book = xlsxwriter.Workbook(legacy)
    sheet = book.add_worksheet("計畫表")
    sheet.write_row(0, 0, ["金門縣政府政風處108年度廉政工作計畫"])
    sheet.write_row(
        1,
        0,
        ["計畫目標", "具體作法", "預定進度", "備考(預算金額 單位：千元)", "業務類別", "提列績效對應項目(新增)", "備註"],
    )
    sheet.write_row(
        2, 0, ["壹、遵行政策指引。", "一、辦理廉政宣導。", "108.01-12", 5, "防貪業務", "無", "本項經費另案簽辦"]
    )
    book.close()
    assert read_plan(legacy).items[0].remark == "本項經費另案簽辦"
    for command in ("render", "merge"):
        done = xltool(command, legacy, "-o", tmp_path / f"{command}.xlsx")
        assert done.status == 0 and "「備註」欄不是表單的欄位（1 項作法有填）" in done.err, done.err


def test_a_json_practice_longer_than_a_cell_prints_what_a_cell_holds(tmp_path: Path, xltool: Runner) -> None:
    """A JSON plan's practice of 1.5 million characters made a printout of 2,000 pages (the PDF took
    LibreOffice 40 s); a workbook's cell holds 32,767. The printout holds that much of it, and says so, on the
    terminal and where the text stops."""
    from xltool.export import plan_json

    plan = json.loads(plan_json(read_plan(EXAMPLE)))
    plan["items"][0]["practice"] = "鱻" * 40_000  # a character the example has not
    source = tmp_path / "長.json"
    source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    done = xltool("render", source, "-o", tmp_path / "列印.xlsx")
    assert done.status == 0 and "第 1 項的目標或作法超過一格可容納的 32,767 字" in done.err
    book = load_workbook(tmp_path / "列印.xlsx")
    cells = [str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    mark = "…（以下未印出，全文共 40,000 字）"  # on the paper too: the notice is only on the terminal
    assert sum(cell.count("鱻") for cell in cells) == 32_767 - len(mark)
    assert mark in "".join(cells)
