"""The printable sheet read back with openpyxl, and its PDF made by a real LibreOffice."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE, fill
from xltool.cli import run
from xltool.form import COLUMNS, LINE_HEIGHT
from xltool.reader import read_plan
from xltool.render import display_width, line_count, render_plan


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = render_plan(read_plan(EXAMPLE), tmp_path_factory.mktemp("render") / "列印.xlsx", gantt=True)
    return load_workbook(path)


def test_line_count_counts_cjk_twice() -> None:
    assert display_width("計畫ab") == 6
    assert line_count("一二三四五", 10) == 1
    assert line_count("一二三四五六", 10) == 2
    assert line_count("第一行\n第二行", 20) == 2
    assert line_count("", 10) == 1


def test_page_setup_follows_the_form(printed) -> None:  # type: ignore[no-untyped-def]
    sheet = printed["計畫表"]
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "portrait"
    for side in ("left", "right", "top", "bottom"):
        assert getattr(sheet.page_margins, side) == pytest.approx(2.5 / 2.54)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.oddFooter.center.text == "第 &P 頁，共 &N 頁"


def test_fonts_title_header_and_body(printed) -> None:  # type: ignore[no-untyped-def]
    sheet = printed["計畫表"]
    assert sheet["A1"].value == "金門縣政府政風處108年度廉政工作計畫"
    assert (sheet["A1"].font.name, sheet["A1"].font.sz) == ("標楷體", 18)
    headers = "".join(sheet.cell(2, c).value.replace("\n", "") for c in range(1, 7))
    for words in ("計畫目標", "具體作法", "預定進度", "備考(預算金額單位：千元)", "業務類別", "提列績效對應項目(新增)"):
        assert words in headers
    body = [sheet.cell(r, c) for r in range(3, 36) for c in range(1, 7)]
    assert {(cell.font.name, cell.font.sz) for cell in body if cell.value is not None} == {("標楷體", 14)}


def test_row_heights_are_22pt_lines_and_fit_their_text(printed) -> None:  # type: ignore[no-untyped-def]
    sheet = printed["計畫表"]
    widths = [c.print_width for c in COLUMNS]
    for r in range(3, 36):  # the 33 practices
        height = sheet.row_dimensions[r].height
        assert height % LINE_HEIGHT == 0
        for c in range(2, 7):
            value = sheet.cell(r, c).value
            if value is not None:
                assert height >= LINE_HEIGHT * line_count(str(value), widths[c - 1]), (r, c)


def test_goals_merge_down_their_practices_and_the_total(printed) -> None:  # type: ignore[no-untyped-def]
    sheet = printed["計畫表"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A5", "A6:A9", "A10:A13", "A14:A16", "A17:A27", "A28:A30", "A31:A35"} <= merged
    assert sheet["A3"].value.startswith("壹、遵行政策指引")
    assert sheet["B3"].value.startswith("一、秉縣長")
    assert sheet["A36"].value == "合計" and sheet["D36"].value == 1865
    assert sheet["D3"].alignment.horizontal == "right"
    assert sheet["A37"].value == "備註："


def test_gantt_counts_practices_per_month(printed) -> None:  # type: ignore[no-untyped-def]
    sheet = printed["進度甘特圖"]
    months = [sheet.cell(2, c).value for c in range(3, 15)]
    assert months == [f"{m}月" for m in range(1, 13)]
    plan = read_plan(EXAMPLE)
    counts = [sheet.cell(3 + len(plan.items), c).value for c in range(3, 15)]
    assert counts == [sum(f"108.{m:02d}" in item.months for item in plan.items) for m in range(1, 13)]
    assert counts[7] == 30  # all but 肆三 and 柒二 (108.03-04) and 伍十 (108.01、04、07、10) run in August


def test_json_from_read_renders_like_the_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["read", str(EXAMPLE), "-f", "json", "-o", str(tmp_path / "p.json")]) == 0
    assert run(["render", str(tmp_path / "p.json"), "-o", str(tmp_path / "from_json.xlsx")]) == 0
    assert run(["render", str(EXAMPLE), "-o", str(tmp_path / "from_xlsx.xlsx")]) == 0
    a = load_workbook(tmp_path / "from_json.xlsx")["計畫表"]
    b = load_workbook(tmp_path / "from_xlsx.xlsx")["計畫表"]
    assert [[c.value for c in row] for row in a.iter_rows()] == [[c.value for c in row] for row in b.iter_rows()]


def test_a_plan_with_errors_still_renders_and_says_so(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(
        template,
        [
            {
                "goal": "壹、目標",
                "practice": "一、作法 1 場",
                "schedule": "經常辦理",
                "budget": 5,
                "category": "防貪業務",
            }
        ],
    )
    out = tmp_path / "draft.xlsx"
    assert run(["render", str(template), "-o", str(out)]) == 0
    assert "個錯誤" in capsys.readouterr().err
    assert load_workbook(out)["計畫表"]["C3"].value == "經常辦理"


def test_bad_json_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"hello": 1}), encoding="utf-8")
    assert run(["render", str(bad)]) == 2
    assert "不是 xltool read 輸出的計畫 JSON" in capsys.readouterr().err


def test_pdf_without_libreoffice_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("XLTOOL_SOFFICE", str(tmp_path / "no-soffice-here"))
    assert run(["render", str(EXAMPLE), "--pdf", str(tmp_path / "p.pdf")]) == 2
    assert "LibreOffice" in capsys.readouterr().err
    assert not (tmp_path / "p.pdf").exists()


@pytest.mark.usefixtures("office")
def test_the_examples_pdf_is_a4_with_header_and_page_number_on_every_page(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.fail("poppler-utils (pdftotext, pdfinfo) must be installed with LibreOffice")
    pdf = tmp_path / "金門 108.pdf"
    assert run(["render", str(EXAMPLE), "--pdf", str(pdf)]) == 0
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages > 1
    assert "595" in info and "841" in info  # A4 in points
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        squashed = "".join(text.split())
        assert "計畫目標" in squashed and "具體作法" in squashed, page
        assert f"第{page}頁，共{pages}頁" in squashed, page
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "UKai" in fonts  # a Kai face stands in for 標楷體, never a Ming face or boxes
