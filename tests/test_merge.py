"""xltool merge: units combined exactly, conflicts refused before anything is written."""

from __future__ import annotations

import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from examples.make_example import example_items
from tests.conftest import EXAMPLE, fill
from xltool.cli import run
from xltool.merged import sheet_name
from xltool.pipeline import find_workbooks
from xltool.reader import read_plan
from xltool.template import write_template

KINMEN = json.loads((EXAMPLE.parent / "kinmen_108.json").read_text(encoding="utf-8"))
UNITS = ["甲縣政府政風處", "乙市政府政風處", "丙部政風處"]


def unit_workbook(folder: Path, unit: str, year: int = 108) -> Path:
    return write_template(folder / f"{unit}.xlsx", year=year, unit=unit, items=example_items(KINMEN))


def merge(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    code = run(["merge", *map(str, args)])
    return code, capsys.readouterr().err


@pytest.fixture
def units(tmp_path: Path) -> Path:
    folder = tmp_path / "各單位"
    folder.mkdir()
    for unit in UNITS:
        unit_workbook(folder, unit)
    return folder


def test_three_units_merge_exactly_and_read_back(
    units: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "彙整.xlsx"
    code, err = merge(capsys, units, "-o", out)
    assert code == 0
    assert "已彙整 3 個檔案、99 項具體作法；略過 0 個檔案；預算合計 5,595 千元" in err
    book = load_workbook(out)
    assert book.sheetnames[:3] == ["彙整", "統計", "檢查結果"]
    merged = book["彙整"]
    assert merged.max_row == 3 + 99
    assert [merged.cell(4 + 33 * i, 1).value for i in range(3)] == sorted(UNITS, key=lambda u: u)
    stats = book["統計"]
    rows = {r[0]: r[1:] for r in stats.iter_rows(min_row=2, max_row=6, values_only=True)}
    header = rows["單位"]
    for unit in UNITS:
        assert dict(zip(header, rows[unit], strict=True))["合計"] == 1865
    assert dict(zip(header, rows["合計"], strict=True)) == {
        "綜合維護業務": 150, "綜合規劃業務": 1095, "肅貪查處業務": 600, "防貪業務": 3750, "合計": 5595,
    }  # fmt: skip
    assert stats._charts, "a bar chart of budget by category"
    findings = [r for r in book["檢查結果"].iter_rows(min_row=2, values_only=True)]
    assert sum(r[2] == "警告" and r[3] == "PERFORMANCE_MISSING" for r in findings) == 60

    again = read_plan(out)
    originals = [i.to_dict() for unit in UNITS for i in read_plan(units / f"{unit}.xlsx").items]
    strip = ("sheet", "row", "cell", "unit")
    got = sorted(({k: v for k, v in i.to_dict().items() if k not in strip} for i in again.items), key=str)
    want = sorted(({k: v for k, v in d.items() if k not in strip} for d in originals), key=str)
    assert got == want
    assert {i.unit for i in again.items} == set(UNITS) and again.year == 108
    assert run(["check", str(out)]) == 0  # the merged workbook passes check again
    capsys.readouterr()


def test_same_unit_twice_is_refused_naming_both_files(
    units: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes((units / f"{UNITS[0]}.xlsx").read_bytes())
    out = tmp_path / "out.xlsx"
    code, err = merge(capsys, units, copy, "-o", out)
    assert code == 2 and "copy.xlsx" in err and f"{UNITS[0]}.xlsx" in err and "--allow-duplicate-units" in err
    assert not out.exists()
    assert merge(capsys, units, copy, "-o", out, "--allow-duplicate-units")[0] == 0
    assert load_workbook(out)["彙整"].max_row == 3 + 132


def test_different_years_are_refused(units: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unit_workbook(units, "丁局政風室", year=109)
    out = tmp_path / "out.xlsx"
    code, err = merge(capsys, units, "-o", out)
    assert code == 2 and "108 年度" in err and "109 年度" in err
    assert not out.exists()


def test_a_corrupt_input_stops_the_merge_unless_skipped(
    units: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (units / "壞掉.xlsx").write_bytes(b"PK\x03\x04 truncated")
    out = tmp_path / "out.xlsx"
    code, err = merge(capsys, units, "-o", out)
    assert code == 2 and "壞掉.xlsx" in err and not out.exists()
    code, err = merge(capsys, units, "-o", out, "--skip-bad")
    assert code == 0 and "略過 1 個檔案" in err
    skipped = [r for r in load_workbook(out)["檢查結果"].iter_rows(min_row=2, values_only=True) if r[2] == "無法讀取"]
    assert len(skipped) == 1 and "壞掉.xlsx" in skipped[0][0]


def test_formula_looking_text_stays_text(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = '=HYPERLINK("http://example.invalid","按我")'
    row = {"schedule": "108.01-12", "budget": 1, "category": "防貪業務", "performance": "@SUM(1)"}
    fill(template, [{"goal": "壹、目標", "practice": hostile, **row}, {"practice": "+1+1", **row},
                    {"practice": "-2+3", **row}], unit="某處")  # fmt: skip
    out = tmp_path / "out.xlsx"
    assert merge(capsys, template, "-o", out)[0] == 0
    with zipfile.ZipFile(out) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml  # nothing in the merged file can run
    merged = load_workbook(out)["彙整"]
    # The first row is written by xlsxwriter, the others straight into the sheet's XML: both stay text.
    assert [(merged[f"D{r}"].value, merged[f"D{r}"].data_type) for r in (4, 5, 6)] == [
        (hostile, "s"),
        ("+1+1", "s"),
        ("-2+3", "s"),
    ]
    assert [merged[f"H{r}"].value for r in (4, 5, 6)] == ["@SUM(1)"] * 3


def test_totals_are_exact_decimals(tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = []
    for n, budget in enumerate((0.1, 0.2, 0.3)):
        path = tmp_path / f"u{n}.xlsx"
        path.write_bytes(template.read_bytes())
        fill(path, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.01-12", "budget": budget,
                     "category": "防貪業務", "performance": "無"}], unit=f"單位{n}")  # fmt: skip
        paths.append(path)
    out = tmp_path / "out.xlsx"
    code, err = merge(capsys, *paths, "-o", out)
    assert code == 0 and "預算合計 0.6 千元" in err
    stats = load_workbook(out)["統計"]
    total = next(r for r in stats.iter_rows(values_only=True) if r[0] == "合計")
    assert total[-1] == 0.6 and Decimal(repr(total[-1])) == Decimal("0.6")


def test_folders_skip_lock_and_hidden_files_and_never_write_over_an_input(units: Path, tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    (units / "~$甲縣政府政風處.xlsx").write_bytes(b"lock")
    (units / ".hidden.xlsx").write_bytes(b"hidden")
    (units / "notes.txt").write_text("x", encoding="utf-8")
    assert len(find_workbooks([units])) == 3
    target = units / f"{UNITS[0]}.xlsx"
    before = target.read_bytes()
    code, err = merge(capsys, units, "-o", target, "--force")
    assert code == 2 and "輸入檔" in err and target.read_bytes() == before


def test_by_unit_sheets_have_valid_unique_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long_name = "法務部[廉政署]:北區/中區*聯合政風機構?測試用很長很長的名字"
    for unit in (long_name, long_name + "乙"):
        unit_workbook(tmp_path, unit.replace("/", "／"))
    names = set()
    first = sheet_name(long_name, names)
    assert first.startswith("法務部_廉政署__北區_中區_聯合政風機構_") and len(first) == 31
    assert sheet_name(long_name, names).endswith("(2)") and len(sheet_name(long_name, names)) <= 31
    out = tmp_path / "out.xlsx"
    assert merge(capsys, tmp_path, "-o", out, "--by-unit")[0] == 0
    sheets = load_workbook(out).sheetnames
    assert len(sheets) == 5 and all(len(s) <= 31 and not set(s) & set("[]:*?/\\") for s in sheets)


@pytest.mark.usefixtures("office")
def test_an_ods_input_merges_like_its_xlsx(units: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xltool.office import convert

    source = units / f"{UNITS[0]}.xlsx"
    ods = convert(source, "ods", tmp_path / "ods")
    source.unlink()
    out = tmp_path / "out.xlsx"
    code, err = merge(capsys, units, ods, "-o", out)
    assert code == 0 and "99 項具體作法" in err and "5,595" in err
    # LibreOffice opens the merged workbook (rows written straight into its XML) and keeps every value.
    again = read_plan(convert(out, "ods", tmp_path / "back"))
    assert len(again.items) == 99 and again.total == 5595


def test_a_merge_of_enough_files_to_use_worker_processes(tmp_path: Path) -> None:
    """From PARALLEL_FROM files on, plans are checked in worker processes and sent back pickled."""
    from xltool.pipeline import PARALLEL_FROM, check_files

    files = []
    for n in range(PARALLEL_FROM):
        files.append(tmp_path / f"unit_{n:02d}.xlsx")
        files[-1].write_bytes(EXAMPLE.read_bytes())
    results = check_files(files)
    assert [len(r.plan.items) for r in results if r.plan] == [33] * PARALLEL_FROM
    assert results[0].plan and results[0].plan.items == read_plan(EXAMPLE).items
