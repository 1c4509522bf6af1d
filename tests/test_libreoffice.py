"""With a real LibreOffice: the template opens, prints and round-trips through ODF."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, TEMPLATE
from xltool.office import convert, convert_many
from xltool.reader import read_plan

pytestmark = pytest.mark.usefixtures("office")


def test_the_template_prints_on_a4_with_its_header_and_page_numbers(tmp_path: Path) -> None:
    import subprocess

    pdf = convert(TEMPLATE, "pdf", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595" in info and "841" in info  # A4 portrait, in points
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    squashed = "".join(first.split())
    assert "年度廉政工作計畫" in squashed and "具體作法" in squashed and "預定進度" in squashed
    assert "第1頁，共" in squashed


@pytest.fixture(scope="module")
def as_ods(tmp_path_factory: pytest.TempPathFactory, office: None) -> dict[Path, Path]:
    """The template and the example, saved as .ods by one LibreOffice start."""
    sources = [TEMPLATE, EXAMPLE]
    return dict(zip(sources, convert_many(sources, "ods", tmp_path_factory.mktemp("ods")), strict=True))


def test_template_converts_to_ods_and_reads_back_the_same(as_ods: dict[Path, Path]) -> None:
    ods = as_ods[TEMPLATE]
    original, again = read_plan(TEMPLATE), read_plan(ods)
    assert (again.unit, again.year, again.items, again.marker) == (original.unit, original.year, [], original.marker)


def test_the_example_saved_as_ods_reads_back_the_same(as_ods: dict[Path, Path]) -> None:
    ods = as_ods[EXAMPLE]
    original, again = read_plan(EXAMPLE), read_plan(ods)
    strip = lambda plan: [i.to_dict() for i in plan.items]  # noqa: E731
    assert strip(again) == strip(original)
    assert again.total == original.total == 1865


def test_a_workbook_saved_by_libreoffice_checks_and_annotates_the_same(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from xltool.annotate import annotate_workbook
    from xltool.catalogs import load_catalog
    from xltool.checks import check_plan

    saved = convert(EXAMPLE, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    original, again = read_plan(EXAMPLE), read_plan(saved)
    assert [i.to_dict() for i in again.items] == [i.to_dict() for i in original.items]
    catalog = load_catalog(108)
    findings = check_plan(again, catalog)
    assert [(f.code, f.cell) for f in findings] == [(f.code, f.cell) for f in check_plan(original, catalog)]
    out = annotate_workbook(saved, findings, tmp_path / "annotated.xlsx")
    sheet = load_workbook(out)["計畫表"]
    kinds = {str(dv.sqref): dv.type for dv in sheet.data_validations.dataValidation}
    assert kinds["E4:E63"] == "list" and kinds["F4:F63"] == "list"
    assert sheet["F4"].comment is not None and sheet.protection.sheet
