"""The template read back with openpyxl: what Excel and LibreOffice users will find in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.conftest import TEMPLATE, Runner
from xltool.catalogs import load_catalog
from xltool.form import column_index
from xltool.outputs import Outputs
from xltool.pipeline import write_template


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = write_template(tmp_path_factory.mktemp("t") / "t.xlsx", year=108, unit="測試處", rows=60)
    return load_workbook(path)


def validations(sheet: Worksheet) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}


def test_header_in_the_forms_order_with_the_forms_words(book) -> None:  # type: ignore[no-untyped-def]
    sheet = book["計畫表"]
    headers = [sheet.cell(3, c).value for c in range(1, 7)]
    words = ["計畫目標", "具體作法", "預定進度", "備考(預算金額 單位：千元)", "業務類別", "提列績效對應項目(新增)"]
    assert all(w in h for w, h in zip(words, headers, strict=True))
    assert sheet["A1"].value.startswith("=")  # the title follows the unit and year cells
    assert (sheet["B2"].value, sheet["E2"].value) == ("測試處", 108)


def test_category_dropdown_comes_from_a_very_hidden_lists_sheet(book) -> None:  # type: ignore[no-untyped-def]
    dv = validations(book["計畫表"])["E4:E63"]
    assert dv.type == "list" and dv.formula1 == "業務類別"
    assert dv.showErrorMessage and dv.errorStyle in (None, "stop")
    target = book.defined_names["業務類別"].attr_text
    assert target == "'清單'!$A$2:$A$7"
    assert book["清單"].sheet_state == "veryHidden"
    # locked too: LibreOffice saves it merely hidden, and anyone could show it and edit the lists
    assert book["清單"].protection.sheet and book["xltool"].protection.sheet
    names = [book["清單"].cell(r, 1).value for r in range(2, 8)]
    assert names == load_catalog(108).category_names


def test_a_catalog_of_many_long_names_keeps_its_dropdown_and_says_no_english(tmp_path: Path, xltool: Runner) -> None:
    """Twenty categories of fourteen characters: their list in the cell's message passed Excel's 255
    characters, and xlsxwriter dropped the 業務類別 validation, dropdown and all, with an English warning on
    the terminal. The message lists the names that fit and 「…」."""
    catalog = tmp_path / "清單.toml"
    names = [f"防貪業務{n:02}甲乙丙丁戊己庚辛" for n in range(20)]
    catalog.write_text("year = 108\n" + "".join(f"[[category]]\nname = '{name}'\n" for name in names), "utf-8")
    out = tmp_path / "範本.xlsx"
    done = xltool("template", "-o", out, "--year", "108", "--catalog", catalog)
    assert done.status == 0 and "Warning" not in done.err and "warn" not in done.err, done.err
    dv = validations(load_workbook(out)["計畫表"])["E4:E63"]
    assert dv.type == "list" and len(dv.prompt) <= 255 and dv.prompt.count("防貪業務") < 20 and "…" in dv.prompt


def test_performance_dropdown_follows_the_rows_category(book) -> None:  # type: ignore[no-untyped-def]
    dv = validations(book["計畫表"])["F4:F63"]
    assert dv.type == "list"
    assert "INDIRECT" in dv.formula1 and "$E4" in dv.formula1
    assert dv.errorStyle == "warning"  # 自主管理-<自創項目> may be typed
    lists = book["清單"]
    catalog = load_catalog(108)
    for category in catalog.categories:
        for name in (category.name, *category.aliases):
            ref = book.defined_names[f"績效_{name}"].attr_text
            cells = lists[ref.split("!")[1].replace("$", "")]
            assert [row[0].value for row in cells] == catalog.items(category)
    everything = lists[book.defined_names["績效_全部"].attr_text.split("!")[1].replace("$", "")]
    assert [row[0].value for row in everything][-1] == "無"


def test_schedule_cells_are_text_and_budget_cells_accept_decimals_at_least_zero(book) -> None:  # type: ignore[no-untyped-def]
    sheet = book["計畫表"]
    assert all(sheet[f"C{r}"].number_format == "@" for r in range(4, 64))
    budget = validations(sheet)["D4:D63"]
    assert (budget.type, budget.operator, budget.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert budget.showErrorMessage and "千元" in budget.error
    for ref, dv in validations(sheet).items():
        if ref.endswith("63"):
            assert dv.showInputMessage and dv.prompt, f"{ref} has no input prompt"
    assert "經常辦理" in validations(sheet)["C4:C63"].prompt


def test_only_input_cells_are_unlocked_and_the_sheet_is_protected(book) -> None:  # type: ignore[no-untyped-def]
    sheet = book["計畫表"]
    assert sheet.protection.sheet
    assert all(not sheet.cell(r, c).protection.locked for r in range(4, 64) for c in range(1, 7))
    assert not sheet["B2"].protection.locked and not sheet["E2"].protection.locked
    assert sheet["A3"].protection.locked and sheet["A1"].protection.locked and sheet["D64"].protection.locked
    assert sheet.freeze_panes == "A4"


def test_password_protects_the_sheet(tmp_path: Path) -> None:
    sheet = load_workbook(write_template(tmp_path / "p.xlsx", password="secret"))["計畫表"]
    assert sheet.protection.sheet and sheet.protection.password


def test_print_setup_follows_the_form(book) -> None:  # type: ignore[no-untyped-def]
    sheet = book["計畫表"]
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "portrait"
    # fitToWidth is left out when it is 1, the OOXML default.
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (None, 1)
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$3:$3"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    for side in ("left", "right", "top", "bottom"):
        assert getattr(sheet.page_margins, side) == pytest.approx(2.5 / 2.54)


def test_instructions_and_marker(book) -> None:  # type: ignore[no-untyped-def]
    guide = "\n".join(str(c.value) for c in book["填表說明"]["A"] if c.value)
    assert "經常辦理" in guide and "千元" in guide and "A4" in guide
    marker = {row[0].value: row[1].value for row in book["xltool"].iter_rows()}
    assert marker == {"template_version": "1", "year": "108", "catalog": "aac-108", "catalog_year": "108"}
    assert book["xltool"].sheet_state == "veryHidden"


def test_total_row_sums_the_budget_column(book) -> None:  # type: ignore[no-untyped-def]
    sheet = book["計畫表"]
    assert sheet["A64"].value == "合計"
    assert sheet["D64"].value == "=SUM(INDEX(D:D,3):INDEX(D:D,ROW()-1))"


def test_committed_template_is_exactly_what_the_defaults_write(tmp_path: Path) -> None:
    fresh = write_template(tmp_path / "plan_template.xlsx")
    assert fresh.read_bytes() == TEMPLATE.read_bytes(), "run: xltool template -o templates/plan_template.xlsx --force"


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    from xltool.errors import XltoolError

    path = write_template(tmp_path / "t.xlsx")
    before = path.read_bytes()
    with pytest.raises(XltoolError, match="--force"):
        write_template(path, unit="另一個單位")
    assert path.read_bytes() == before
    write_template(path, unit="另一個單位", outputs=Outputs(force=True))
    assert path.read_bytes() != before


def test_the_check_column_is_locked_formulas_with_hidden_verdicts_and_colours(book) -> None:  # type: ignore[no-untyped-def]
    """Pasting cannot reach it: locked formula cells beside the input cells, hidden columns (each row's first
    problems and state) after empty columns its messages run on over, and conditional formats in the annotate
    colours on the input cells and on the unit and year cells."""
    from xltool.checks import LIVE_RULES
    from xltool.form import FILLS
    from xltool.template import live_layout

    layout = live_layout(LIVE_RULES, 60)
    assert layout is not None
    sheet = book["計畫表"]
    assert sheet["G3"].value == "檢查" and sheet["G2"].value == "=檢_count"
    assert "不檢查" in sheet["G1"].value and "xltool check" in sheet["G1"].value
    stored = list(layout.stored.values())
    first, last = stored[0], stored[-1]
    for ref in ("G2", "G4", "G63", f"{first}4", f"{last}63"):
        assert sheet[ref].protection.locked and str(sheet[ref].value).startswith("=")
    assert all(sheet[f"{letter}4"].value is None for letter in "HIJKLMNOPQRS")  # a long message runs on over these
    helpers = sheet.column_dimensions[first]
    assert not sheet.column_dimensions["G"].hidden and helpers.hidden and helpers.min == column_index(first) + 1
    assert helpers.max == column_index(last) + 1
    rules = {str(r): [rule for rule in cf.rules] for r, cf in ((cf.sqref, cf) for cf in sheet.conditional_formatting)}
    for ref in [f"{letter}4:{letter}63" for letter in "ABCDEFG"] + ["B2:C2", "E2"]:
        colours = [rule.dxf.fill.bgColor.rgb[-6:] for rule in rules[ref]]
        assert colours == [FILLS["error"], FILLS["warning"]], ref
    assert str(sheet.print_area).endswith("$A$1:$F$64")  # the form's columns print; the 檢查 column does not


def test_every_example_a_template_gives_is_of_its_own_year(tmp_path: Path) -> None:
    """Officers copy the examples as they stand: a 115 template said 「例如 108.01-12」 in its guide, its input
    prompts, its year and schedule messages and above its 檢查 column, and check's hint did too."""
    from xltool.checks import check_plan
    from xltool.reader import read_plan

    path = write_template(tmp_path / "115.xlsx", year=115, rows=3)
    book = load_workbook(path)
    sheet, guide = book["計畫表"], book["填表說明"]
    texts = [str(row[0].value or "") for row in guide.iter_rows()]
    texts += [f"{v.promptTitle}{v.prompt}{v.error}" for v in sheet.data_validations.dataValidation]
    texts.append(str(sheet["G1"].value))
    assert not [text for text in texts if re.search(r"10[89]\.|10[89]年|例如 10[89]", text)]
    assert any("115.01-12、115.08、115.10-116.03" in text for text in texts)
    assert any("例如 115。" in text for text in texts) and "115年1月至12月" in sheet["G1"].value
    book["計畫表"]["B4"], book["計畫表"]["C4"] = "一、辦理宣導 3 場。", "明年再說"
    book.save(path)
    [hint] = [f.hint for f in check_plan(read_plan(path)) if f.code in ("SCHEDULE_UNPARSED", "SCHEDULE_VAGUE")]
    assert "115." in hint and "108" not in hint
