"""A column is a declaration: one more ``Field`` in ``form.COLUMNS`` (docs/ARCHITECTURE.md, adding a column),
and the template, the reader, JSON and CSV, the merged workbook, the printout, the document and diff all have it.

The test does what a developer would: it edits form.py of a copy of xltool, and runs that copy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import xltool
from tests.conftest import FIRST_INPUT_ROW

# Two columns declared as docs/ARCHITECTURE.md says: 辦理單位 printed (its width taken from 具體作法's, so the
# printed columns still fill the page), 承辦人 not printed, its cells read without spaces (its parsing).
DECLARED = """
OFFICE = Field("office", "辦理單位", "辦理單位", "辦理\\n單位", ("辦理單位",), width=12, print_width=4, prompt="請填辦理的單位。")
OFFICER = Field("officer", "承辦人", "承辦人", words=("承辦人",), width=10, parse=squash)
"""
COLUMNS = "COLUMNS: tuple[Field, ...] = (GOAL, PRACTICE, SCHEDULE, BUDGET, CATEGORY, PERFORMANCE)"


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of xltool whose form.py declares the two columns, and nothing else changed but 具體作法's
    printed width."""
    root = tmp_path_factory.mktemp("extended")
    shutil.copytree(Path(xltool.__file__).parent, root / "xltool", ignore=shutil.ignore_patterns("__pycache__"))
    form = root / "xltool" / "form.py"
    text = form.read_text(encoding="utf-8")
    assert text.count(COLUMNS) == 1 and text.count("width=46, print_width=20,") == 1
    text = text.replace(COLUMNS, DECLARED + COLUMNS.replace(")", ", OFFICE, OFFICER)"))
    form.write_text(text.replace("width=46, print_width=20,", "width=46, print_width=16,"), encoding="utf-8")
    return root


def run(extended: Path, folder: Path, *commands: list[str]) -> str:
    """The commands, each as ``xltool ARGS`` of the extended copy, in one process: their standard output."""
    script = (
        "import json, sys\nfrom xltool.cli import run\nsys.exit(max(run(args) for args in json.loads(sys.argv[1])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(commands)],
        env={**os.environ, "PYTHONPATH": str(extended)}, cwd=folder, capture_output=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def outputs(extended: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The extended copy's template, filled by an officer; then read, merged, printed and compared."""
    folder = tmp_path_factory.mktemp("outputs")
    run(extended, folder, ["template", "-o", "範本.xlsx", "--unit", "測試單位", "--rows", "5"])
    workbook = load_workbook(folder / "範本.xlsx")
    sheet = workbook["計畫表"]
    rows = [
        ["壹、推動廉政宣導。", "一、辦理廉政講習 3 場。", "108.03", 5, "防貪業務", "政策目標-反貪活動", "政風室", "王 小明"],
        [None, "二、辦理採購稽核 2 次。", "108.05-06", 10, "防貪業務", "無", None, "李大華"],
    ]  # fmt: skip
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            sheet.cell(FIRST_INPUT_ROW + offset, column, value)
    workbook.save(folder / "計畫.xlsx")
    sheet["H5"] = "張三"
    workbook.save(folder / "計畫_改.xlsx")
    compared = run(extended, folder,
        ["read", "計畫.xlsx", "-f", "json", "-o", "計畫.json"], ["read", "計畫.xlsx", "-f", "csv", "-o", "計畫.csv"],
        ["read", "計畫.json", "-f", "csv", "-o", "讀回.csv"], ["merge", "計畫.xlsx", "-o", "彙整.xlsx"],
        ["read", "彙整.xlsx", "-f", "json", "-o", "彙整.json"], ["merge", "計畫.json", "-o", "彙整_JSON.xlsx"],
        ["render", "計畫.xlsx", "-o", "列印.xlsx", "--docx", "計畫.docx"],
        ["diff", "計畫.xlsx", "計畫_改.xlsx", "-f", "json"],  # the one command here that writes to standard output
    )  # fmt: skip
    (folder / "比較.json").write_text(compared, encoding="utf-8")
    return folder


def test_the_template_has_the_declared_columns_before_its_check_column(outputs: Path) -> None:
    sheet = load_workbook(outputs / "範本.xlsx")["計畫表"]
    assert [cell.value for cell in sheet[3]][5:9] == ["提列績效對應項目(新增)", "辦理單位", "承辦人", "檢查"]
    prompts = {str(v.sqref).split(":")[0]: v.prompt for v in sheet.data_validations.dataValidation}
    assert prompts["G4"] == "請填辦理的單位。" and "H4" not in prompts  # 承辦人 declares no prompt
    assert sheet["H4"].number_format == "@" and not sheet["H4"].protection.locked  # a text cell to type in


def test_the_reader_reads_them_and_json_and_csv_carry_them(outputs: Path) -> None:
    items = json.loads((outputs / "計畫.json").read_text(encoding="utf-8"))["items"]
    assert [(item["office"], item["officer"]) for item in items] == [("政風室", "王小明"), ("", "李大華")]
    assert items[0]["written"] == {"officer": "王 小明"} and "written" not in items[1]  # the cell's own text
    assert list(items[0])[8:11] == ["performance", "office", "officer"]  # each column's field in the form's order
    for csv in ("計畫.csv", "讀回.csv"):  # from the workbook, and from its JSON read back
        lines = (outputs / csv).read_text(encoding="utf-8-sig").splitlines()
        header, first = lines[0].split(","), lines[1].split(",")
        assert header[header.index("提列績效對應項目") + 1 :][:2] == ["辦理單位", "承辦人"]
        assert first[header.index("辦理單位")] == "政風室" and first[header.index("承辦人")] == "王小明"


def test_the_merged_workbook_copies_them_as_written_and_reads_back(outputs: Path) -> None:
    sheet = load_workbook(outputs / "彙整.xlsx")["彙整"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3, max_row=5)]
    at = rows[0].index("辦理單位")
    assert rows[0][at + 1] == "承辦人"
    assert [row[at : at + 2] for row in rows[1:]] == [["政風室", "王 小明"], [None, "李大華"]]  # as typed
    from_json = load_workbook(outputs / "彙整_JSON.xlsx")["彙整"]  # and from the JSON, which keeps the own text
    assert [[cell.value for cell in row][at : at + 2] for row in from_json.iter_rows(min_row=4, max_row=5)] == [
        ["政風室", "王 小明"], [None, "李大華"]
    ]  # fmt: skip
    items = json.loads((outputs / "彙整.json").read_text(encoding="utf-8"))["items"]
    assert [(item["office"], item["officer"]) for item in items] == [("政風室", "王小明"), ("", "李大華")]


def test_the_printout_and_document_print_the_printed_column_only(outputs: Path) -> None:
    from docx import Document

    sheet = load_workbook(outputs / "列印.xlsx")["計畫表"]
    last = "".join(str(cell.value or "") for cell in sheet["G"])  # its lines, one a row
    assert sheet.max_column == 7 and last.startswith("辦理單位") and "政風室" in last
    assert not any("李大華" in str(cell.value) for row in sheet.iter_rows() for cell in row)  # 承辦人 is not printed
    table = Document(str(outputs / "計畫.docx")).tables[0]
    assert [cell.text for cell in table.rows[0].cells][-1] == "辦理\n單位"
    assert [cell.text for cell in table.rows[1].cells][-1] == "政風室"
    assert not any("李大華" in cell.text for row in table.rows for cell in row.cells)


def test_diff_compares_them(outputs: Path) -> None:
    changed = json.loads((outputs / "比較.json").read_text(encoding="utf-8"))["changed"]
    assert [change["fields"] for change in changed] == [{"officer": ["李大華", "張三"]}]
