"""Nothing lost, nothing invented, nothing armed: what a careless officer, a hostile file and a flaky
machine tried, each as a user would notice it (exit code, one zh-TW line, the input's bytes unchanged,
nothing written). Files are made at test time."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import EXAMPLE, MODULE, Runner, fill
from xltool.outputs import CSV, WORKBOOK, Outputs
from xltool.reader import read_plan
from xltool.template import write_template


@pytest.fixture
def plan_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "計畫.xlsx"
    copy.write_bytes(EXAMPLE.read_bytes())
    return copy


# --- 2. never lose an input ----------------------------------------------------------------------------


def _writers(plan: Path, tmp: Path, xltool: Runner) -> dict[str, list[object]]:
    """Every writer, each told to write over ``plan`` (with --force, which must not matter)."""
    as_json = tmp / "計畫.json"
    as_json.write_text(xltool("read", EXAMPLE, "-f", "json").out, encoding="utf-8")
    return {
        "read -o": ["read", plan, "-f", "json", "-o", plan],
        "check --annotate": ["check", plan, "--annotate", plan],
        "check --fix": ["check", plan, "--fix", plan],
        "render -o": ["render", plan, "-o", plan],
        "render --pdf": ["render", plan, "--pdf", plan],
        "render json --pdf": ["render", as_json, "--pdf", as_json],
        "merge": ["merge", plan, "-o", plan],
        "import": ["import", plan, "-o", plan],
        "rollover": ["rollover", plan, "--year", "109", "-o", plan],
        "diff --annotate": ["diff", plan, plan, "--annotate", plan],
    }


def test_no_writer_writes_over_an_input_even_with_force(plan_copy: Path, tmp_path: Path, xltool: Runner) -> None:
    for name, args in _writers(plan_copy, tmp_path, xltool).items():
        target = Path(str(args[-1]))
        before = target.read_bytes()
        done = xltool(*args, "--force")
        assert done.status == 2, name
        assert done.code == "OUTPUT_IS_INPUT" and done.error_line(), name
        assert target.read_bytes() == before, name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["計畫.json", "計畫.xlsx"]  # no temporary left


def test_every_output_is_named_for_what_it_holds(plan_copy: Path, tmp_path: Path, xltool: Runner) -> None:
    """Windows and Excel open a file by its name: a printout named 列印 or a template named .ods would be no
    file to them. Each writer refuses a name that does not end in what it writes, before any work."""
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n金門縣政府政風處\n", encoding="utf-8")
    wrong = {
        "template": (["template", "-o", tmp_path / "範本.ods"], ".xlsx"),
        "read": (["read", plan_copy, "-o", tmp_path / "計畫.txt"], ".json 或 .csv"),
        "read -f csv": (["read", plan_copy, "-f", "csv", "-o", tmp_path / "計畫.json"], ".csv"),
        "check --annotate": (["check", plan_copy, "--annotate", tmp_path / "副本.ods"], ".xlsx"),
        "check --chase": (["check", plan_copy, "--roster", roster, "--chase", tmp_path / "待催.xlsx"], ".csv"),
        "render -o": (["render", plan_copy, "-o", tmp_path / "列印"], ".xlsx"),
        "render --pdf": (["render", plan_copy, "--pdf", tmp_path / "列印.xlsx"], ".pdf"),
        "render --docx": (["render", plan_copy, "--docx", tmp_path / "計畫.doc"], ".docx"),
        "render --odt": (["render", plan_copy, "--odt", tmp_path / "計畫.docx"], ".odt"),
        "merge": (["merge", plan_copy, "-o", tmp_path / "彙整.csv"], ".xlsx"),
        "import": (["import", plan_copy, "-o", tmp_path / "計畫.xls"], ".xlsx"),
        "rollover": (["rollover", plan_copy, "--year", "109", "-o", tmp_path / "109"], ".xlsx"),
        "catalog": (["catalog", "-o", tmp_path / "清單.txt"], ".toml 或 .json"),
        "catalog --new": (["catalog", "--new", "115", "-o", tmp_path / "115.json"], ".toml"),
    }
    for name, (args, ending) in wrong.items():
        done = xltool(*args, "--force")
        assert (done.status, done.code) == (2, "OUTPUT_WRONG_TYPE"), name
        assert str(args[-1]) in done.error_line() and f"以 {ending} 結尾" in done.error_line(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["名冊.csv", "計畫.xlsx"]  # nothing written


def test_an_option_taken_for_a_file_name_is_said_so(
    tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--pdf --force`: --pdf takes a name, so --force became the PDF's name (and no force)."""
    monkeypatch.chdir(tmp_path)
    done = xltool("render", EXAMPLE, "--pdf", "--force")
    assert (done.status, done.code) == (2, "OUTPUT_WRONG_TYPE")
    assert done.error_line().startswith("錯誤：--force：這是選項，不是檔名") and "以 .pdf 結尾" in done.error_line()
    assert list(tmp_path.iterdir()) == []


def test_read_and_catalog_write_the_format_their_file_is_named_for(tmp_path: Path, xltool: Runner) -> None:
    as_csv, as_json = tmp_path / "計畫.csv", tmp_path / "計畫.json"
    assert xltool("read", EXAMPLE, "-o", as_csv).status == 0
    assert xltool("read", EXAMPLE, "-o", as_json).status == 0
    assert as_csv.read_text(encoding="utf-8-sig").startswith("單位,年度,")
    assert len(json.loads(as_json.read_text(encoding="utf-8"))["items"]) == 33
    table, toml = tmp_path / "清單.json", tmp_path / "清單.toml"
    assert xltool("catalog", "-o", table).status == 0 and xltool("catalog", "-o", toml).status == 0
    assert json.loads(table.read_text(encoding="utf-8"))["id"] == "aac-108"
    assert 'id = "aac-108"' in toml.read_text(encoding="utf-8")  # TOML, not JSON


def test_an_input_reached_by_a_link_is_still_an_input(plan_copy: Path, tmp_path: Path, xltool: Runner) -> None:
    symbolic = tmp_path / "捷徑.xlsx"
    symbolic.symlink_to(plan_copy)
    hard = tmp_path / "硬連結.xlsx"
    os.link(plan_copy, hard)
    before = plan_copy.read_bytes()
    for target in (symbolic, hard, tmp_path / "." / plan_copy.name):
        done = xltool("rollover", plan_copy, "--year", "109", "-o", target, "--force")
        assert (done.status, done.code) == (2, "OUTPUT_IS_INPUT") and done.error_line()
    assert plan_copy.read_bytes() == before


@pytest.mark.parametrize(
    "command",
    [
        ["render", "{plan}", "-o", "{out}"],
        ["merge", "{plan}", "-o", "{out}"],
        ["rollover", "{plan}", "--year", "109", "-o", "{out}"],
        ["import", "{plan}", "-o", "{out}"],
        ["diff", "{plan}", "{plan}", "--annotate", "{out}"],
        ["check", "{plan}", "--fix", "{out}"],
    ],
    ids=lambda command: command[0],
)
def test_the_catalog_given_is_an_input_no_output_replaces(
    plan_copy: Path, tmp_path: Path, xltool: Runner, command: list[str]
) -> None:
    """--catalog is read like the plans: an output reached through a link to it replaced the office's catalog
    with a workbook, --force given, as --chase named like it did with a CSV."""
    catalog = tmp_path / "清單.toml"
    catalog.write_bytes((Path(__file__).parents[1] / "xltool" / "catalogs" / "108.toml").read_bytes())
    kept = catalog.read_bytes()
    out = tmp_path / "輸出.xlsx"
    out.symlink_to(catalog)
    args = [part.format(plan=plan_copy, out=out) for part in command]
    done = xltool(*args, "--catalog", catalog, "--force")
    assert (done.status, done.code) == (2, "OUTPUT_IS_INPUT") and catalog.read_bytes() == kept


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_an_output_that_is_no_regular_file_is_refused_even_with_force(
    tmp_path: Path, kind: str, xltool: Runner
) -> None:
    if kind == "device":
        target = Path(os.devnull)
    elif kind == "fifo":
        target = tmp_path / "管線"
        os.mkfifo(target)
    else:
        target = tmp_path / "資料夾"
        target.mkdir()
    done = xltool("read", EXAMPLE, "-f", "json", "-o", target, "--force")
    assert done.status == 2
    assert done.code == "OUTPUT_NOT_FILE" and str(target) in done.error_line()
    if kind == "device":
        assert Path(os.devnull).is_char_device()  # still the device, not a file
    elif kind == "fifo":
        assert target.is_fifo()


def test_two_outputs_of_one_command_cannot_be_one_file(tmp_path: Path, xltool: Runner) -> None:
    out = tmp_path / "列印.xlsx"
    done = xltool("render", EXAMPLE, "-o", out, "--pdf", out)  # said before its name is not a PDF's
    assert (done.status, done.code) == (2, "OUTPUT_TWICE") and done.error_line()
    assert not out.exists()


def test_a_file_that_appears_while_a_command_runs_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "彙整.xlsx"
    outputs = Outputs()
    with (
        pytest.raises(Exception, match="另一個程式建立了這個檔案") as caught,
        outputs.atomic(target, WORKBOOK) as temporary,
    ):
        temporary.write_bytes(b"ours")
        target.write_bytes(b"theirs")  # another merge, finishing first
    assert caught.value.code == "OUTPUT_APPEARED"  # type: ignore[attr-defined]
    assert target.read_bytes() == b"theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["彙整.xlsx"]
    with Outputs(force=True).atomic(target, WORKBOOK) as temporary:  # --force says replace it
        temporary.write_bytes(b"ours")
    assert target.read_bytes() == b"ours"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_output_is_written_without_touching_the_umask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each commit read the umask by setting it to 0 and back: for that moment every thread of the process had
    none, and a folder another run in a script made then (--annotate-dir's) came out open to all (0o777). The
    new file still gets the usual permissions, the umask applied."""
    real, set_to = os.umask, []
    monkeypatch.setattr(os, "umask", lambda mask: set_to.append(mask) or real(mask))  # the real one, watched
    before = real(0o027)
    try:
        Outputs().write_bytes(tmp_path / "待催.csv", b"a,b\n", CSV)
    finally:
        real(before)
    assert set_to == []
    assert stat.S_IMODE((tmp_path / "待催.csv").stat().st_mode) == 0o640


def test_a_long_input_name_gives_a_short_temporary_name(tmp_path: Path, xltool: Runner) -> None:
    stem = "計" * 80  # 240 bytes of UTF-8: a legal name, with no room for a longer temporary beside it
    plan = tmp_path / f"{stem}.xlsx"
    plan.write_bytes(EXAMPLE.read_bytes())
    out = tmp_path / f"{stem}.json"
    done = xltool("read", plan, "-f", "json", "-o", out)
    assert done.status == 0, done.err
    assert json.loads(out.read_text(encoding="utf-8"))["totals"]["budget"] == 1865


def _interrupt_render(tmp_path: Path, sig: signal.Signals, *args: str | Path, settle: float) -> tuple[int, str]:
    """Run `xltool render` on the example with args (outputs go to tmp_path/out), interrupt it with sig while
    LibreOffice is converting (its profile sits in tmp_path/tmp, our TMPDIR), and return exit code and stderr."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    (tmp_path / "out").mkdir()
    child = subprocess.Popen([*MODULE, "render", str(EXAMPLE), *map(str, args)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={**os.environ, "TMPDIR": str(scratch)})  # fmt: skip
    for _ in range(400):  # until LibreOffice is converting
        if any(p.name.startswith("xltool-office-") for p in scratch.iterdir()):
            break
        time.sleep(0.05)
    time.sleep(settle)
    child.send_signal(sig)
    _, err = child.communicate(timeout=60)
    return child.returncode, err.decode()


@pytest.mark.usefixtures("office")
def test_sigterm_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, err = _interrupt_render(
        tmp_path, signal.SIGTERM, "-o", out / "列印.xlsx", "--pdf", out / "列印.pdf", settle=0.5
    )
    assert code == 128 + signal.SIGTERM, err
    assert "已中斷" in err
    assert not (out / "列印.pdf").exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert list((tmp_path / "tmp").iterdir()) == []


# --- 3. never invent: each unit counted once -----------------------------------------------------------


@pytest.fixture
def two_units(tmp_path: Path) -> Path:
    from examples.make_example import example_items

    kinmen = json.loads((EXAMPLE.parent / "kinmen_108.json").read_text(encoding="utf-8"))
    folder = tmp_path / "各單位"
    folder.mkdir()
    for unit in ("甲縣政府政風處", "乙市政府政風處"):
        write_template(folder / f"{unit}.xlsx", year=108, unit=unit, items=example_items(kinmen))
    return folder


def test_a_merged_workbook_and_its_units_are_not_counted_twice(two_units: Path, tmp_path: Path, xltool: Runner) -> None:
    m1 = tmp_path / "m1.xlsx"
    assert xltool("merge", two_units, "-o", m1).status == 0
    again = read_plan(m1)
    assert len(again.items) == 66 and again.total == 3730
    # given by name with a unit's own file (a second round): that unit once, from its own file
    done = xltool("merge", m1, two_units / "甲縣政府政風處.xlsx", "-o", tmp_path / "m2.xlsx")
    assert done.status == 0 and "以自己的檔案" in done.err
    assert (len(read_plan(tmp_path / "m2.xlsx").items), read_plan(tmp_path / "m2.xlsx").total) == (66, 3730)
    # merging a merged workbook alone gives back each unit once
    assert xltool("merge", m1, "-o", tmp_path / "m3.xlsx").status == 0
    assert read_plan(tmp_path / "m3.xlsx").total == 3730


def test_a_unit_spelled_with_台_in_one_file_and_臺_in_another_is_counted_once(tmp_path: Path, xltool: Runner) -> None:
    from examples.make_example import example_items

    kinmen = json.loads((EXAMPLE.parent / "kinmen_108.json").read_text(encoding="utf-8"))
    folder = tmp_path / "各單位"
    folder.mkdir()
    for n, unit in enumerate(("台北市政府政風處", "臺北市政府 政風處")):
        write_template(folder / f"{n}.xlsx", year=108, unit=unit, items=example_items(kinmen)[:3])
    first = folder / "0.xlsx"
    os.utime(first, (first.stat().st_mtime - 60,) * 2)  # sent a minute before the second
    done = xltool("merge", folder, "-o", tmp_path / "m.xlsx")
    # One unit sent twice: one version counts (the newest), and the message names both files.
    assert done.status == 0 and "單位「臺北市政府 政風處」有 2 個檔案" in done.err
    assert "0.xlsx" in done.err and "1.xlsx" in done.err
    assert len(read_plan(tmp_path / "m.xlsx").items) == 3
    # The agency's name in one, its ethics office's full title (as the template asks) in the other: one unit
    # (it was two, every number counted twice), with or without brackets around the office.
    for n, unit in enumerate(("臺東縣警察局", "臺東縣警察局（政風室）")):
        (folder / f"{n}.xlsx").unlink()
        write_template(folder / f"{n}.xlsx", year=108, unit=unit, items=example_items(kinmen)[:3])
    done = xltool("merge", folder, "-o", tmp_path / "m.xlsx", "--force")
    assert done.status == 0 and "有 2 個檔案" in done.err
    assert len(read_plan(tmp_path / "m.xlsx").items) == 3


def test_a_merge_written_into_its_own_input_folder_is_not_read_again(two_units: Path, xltool: Runner) -> None:
    """xltool does not write a 彙整 into the folder it reads (test_season); one copied there by hand stops
    the next merge rather than counting each unit twice."""
    done = xltool("merge", two_units, "-o", two_units / "out.xlsx")
    assert (done.status, done.code) == (2, "USAGE") and not (two_units / "out.xlsx").exists()
    assert xltool("merge", two_units, "-o", two_units.parent / "out.xlsx").status == 0
    shutil.copy(two_units.parent / "out.xlsx", two_units)
    done = xltool("merge", two_units, "-o", two_units.parent / "out2.xlsx")
    assert (done.status, done.code) == (2, "MERGE_DUPLICATE_UNIT") and done.error_line()
    assert not (two_units.parent / "out2.xlsx").exists()


def test_a_large_merged_workbook_reads_back_within_the_bomb_limits(tmp_path: Path) -> None:
    """xltool's own output must never look like a zip bomb: it deflates far less than the limit allows."""
    from dataclasses import replace

    from xltool.inputs import BOMB_RATIO, inspect_workbook
    from xltool.merged import write_merged
    from xltool.model import FileResult
    from xltool.summary import summarize

    plan = read_plan(EXAMPLE)
    results = [FileResult(f"單位{n}.xlsx", replace(plan, unit=f"第{n}單位")) for n in range(300)]
    out = write_merged(tmp_path / "全國.xlsx", results, [], summarize(results, plan.catalog))
    inspect_workbook(out)
    with zipfile.ZipFile(out) as archive:
        worst = max(m.file_size / m.compress_size for m in archive.infolist() if m.file_size > 1 << 20)
    assert worst < BOMB_RATIO / 3
    assert len(read_plan(out).items) == 300 * 33


# --- 4. never arm a copy -------------------------------------------------------------------------------

HOSTILE_TEXTS = [" =3+3 ", "\t=1+1", "=HYPERLINK(\"http://example.com\",\"按我\")", "=cmd|' /C calc'!A0", "+1+1",
                 "@SUM(1,2)", "-2+3+cmd|' /C calc'!A0",
                 # after a no-break or a zero-width space, a byte-order mark; in full-width forms
                 "\u00a0=1+1", "\u200b=1+1", "\ufeff+1", "＝1+1", "＠SUM(1,2)", "\u200b =1+1", "\u200e=1+1",
                 "﹦1+1"]  # fmt: skip


def _formulas(path: Path) -> list[bytes]:
    """Every formula in every sheet of a workbook, as written in its XML."""
    with zipfile.ZipFile(path) as archive:
        return sorted(
            formula
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
            for formula in re.findall(rb"<(?:\w+:)?f\b[^>]*>([^<]*)<", archive.read(name))
        )


def test_copies_write_text_as_text_whatever_it_starts_with(template: Path, tmp_path: Path, xltool: Runner) -> None:
    rows = [
        {"goal": "壹、目標" if n == 0 else None, "practice": text, "schedule": "108.01-12", "budget": 5,
         "category": "防貪業務", "performance": text}
        for n, text in enumerate(HOSTILE_TEXTS)
    ]  # fmt: skip
    fill(template, rows, unit="某處")
    before = _formulas(template)  # the template's own: the title and the 合計
    for option in ("--annotate", "--fix"):
        out = tmp_path / f"副本{option}.xlsx"
        done = xltool("check", template, option, out)
        assert done.status == 1, done.err
        assert [i.practice for i in read_plan(out).items] == [i.practice for i in read_plan(template).items]
        assert _formulas(out) == before, option  # not one formula more, anywhere


def test_csv_quotes_every_text_a_spreadsheet_would_run(template: Path, xltool: Runner) -> None:
    fill(template, [{"goal": "壹、目標", "practice": text, "schedule": "108.01-12", "budget": 5,
                     "category": "防貪業務", "performance": "無"} for text in HOSTILE_TEXTS[:1]], unit="某處")  # fmt: skip
    from xltool.export import csv_safe

    for text in HOSTILE_TEXTS:
        assert str(csv_safe(text)).startswith("'")
    out = xltool("read", template, "-f", "csv").out
    assert "'=3+3" in out and ",=" not in out


def test_fix_never_replaces_a_formula_with_its_value(template: Path, tmp_path: Path, xltool: Runner) -> None:
    from openpyxl import load_workbook

    book = load_workbook(template)
    book.create_sheet("參照")["A1"] = "１０８．０１－１２"
    book.save(template)
    fill(template, [{"goal": "壹、目標", "practice": "一、辦理宣導 3 場", "schedule": "=參照!A1", "budget": 5,
                     "category": "綜合業務", "performance": "無"}], unit="某處")  # fmt: skip
    book = load_workbook(template)
    book["計畫表"]["C4"].data_type = "f"  # a real formula, as an officer's reference to another sheet
    book.save(template)
    # LibreOffice would store the result; a script-made file has none, which check reports.
    out = tmp_path / "修正.xlsx"
    done = xltool("check", template, "--fix", out)
    assert "C4" not in done.err.split("修正")[-1]  # not among the fixes listed
    assert load_workbook(out)["計畫表"]["C4"].value == "=參照!A1"
    assert load_workbook(out)["計畫表"]["E4"].value == "綜合規劃業務"  # the cell beside it was fixed


def _with_picture(path: Path) -> Path:
    import struct
    import zlib

    import xlsxwriter

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = tmp_png = path.with_suffix(".png")
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
                    + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))  # fmt: skip
    plan = read_plan(EXAMPLE)
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("計畫表")
    sheet.write_row(0, 0, ["機關名稱", plan.unit, "年度", plan.year])
    sheet.write_row(2, 0, ["計畫目標", "具體作法", "預定進度", "備考", "業務類別", "提列績效對應項目"])
    for r, item in enumerate(plan.items[:5], start=3):
        sheet.write_row(r, 0, [item.numbered_goal, item.numbered_practice, item.schedule, float(item.budget or 0),
                               "綜合業務", item.performance])  # fmt: skip
    sheet.insert_image("H2", str(tmp_png))
    sheet.write_comment("B4", "承辦人的註解")
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({"values": "=計畫表!$D$4:$D$8"})
    sheet.insert_chart("H10", chart)
    workbook.close()
    return path


def test_copies_keep_every_part_of_the_officers_package(tmp_path: Path, xltool: Runner) -> None:
    source = _with_picture(tmp_path / "有圖.xlsx")
    with zipfile.ZipFile(source) as archive:
        before = {name: archive.read(name) for name in archive.namelist()}
    for option in ("--annotate", "--fix"):
        out = tmp_path / f"副本{option}.xlsx"
        assert xltool("check", source, option, out).status in (0, 1)
        with zipfile.ZipFile(out) as archive:
            after = {name: archive.read(name) for name in archive.namelist()}
        assert set(before) <= set(after), option
        for name in ("xl/media/image1.png", "xl/charts/chart1.xml", "xl/drawings/drawing1.xml", "xl/comments1.xml"):
            if name != "xl/comments1.xml" or option == "--fix":
                assert after[name] == before[name], (option, name)


# --- 5. numbers agree with the sheet ------------------------------------------------------------------


@pytest.mark.usefixtures("office")
def test_after_fix_the_total_the_sheet_shows_is_the_total_check_states(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    from python_calamine import CalamineWorkbook

    from xltool.office import convert_many

    budgets = ["1,000", "5千元", "５", " 20 ", 22]
    fill(template, [{"goal": "壹、目標" if n == 0 else None, "practice": f"{'一二三四五'[n]}、作法 {n + 1} 場",
                     "schedule": "108.01-12", "budget": b, "category": "防貪業務", "performance": "無"}
                    for n, b in enumerate(budgets)], unit="某處")  # fmt: skip
    done = xltool("check", template, "-f", "json")
    data = json.loads(done.out)["files"][0]
    assert data["totals"]["budget"] == 1052
    assert sorted(f["cell"] for f in data["findings"] if f["code"] == "BUDGET_TEXT") == ["D4", "D5", "D6", "D7"]

    fixed = tmp_path / "修正.xlsx"
    assert xltool("check", template, "--fix", fixed).status == 0

    def sheet_total(calculated: Path) -> float:
        rows = CalamineWorkbook.from_path(str(calculated)).get_sheet_by_name("計畫表").to_python()
        return next(float(r[3]) for r in rows if r and r[0] == "合計")

    before, after = convert_many([template, fixed], "xlsx", tmp_path / "saved")  # LibreOffice calculates =SUM
    assert sheet_total(before) == 22  # the sheet's own 合計 skips text
    assert sheet_total(after) == 1052
    # Saved with its 合計 calculated (22), the file gets one finding per text budget and none at the total:
    # the gap is those rows, and advice to recalculate a =SUM would be wrong.
    codes = [f["code"] for f in json.loads(xltool("check", before, "-f", "json").out)["files"][0]["findings"]]
    assert codes.count("BUDGET_TEXT") == 4 and "TOTAL_MISMATCH" not in codes


# --- 6. one line, never a traceback -------------------------------------------------------------------


def test_control_characters_and_markup_in_cells(
    tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xlsxwriter

    template = tmp_path / "控制字元.xlsx"
    workbook = xlsxwriter.Workbook(template)  # stores control characters as Excel does: _x0001_
    sheet = workbook.add_worksheet("計畫表")
    sheet.write_row(0, 0, ["機關名稱", "某處", "年度", 108])
    sheet.write_row(2, 0, ["計畫目標", "具體作法", "預定進度", "備考", "業務類別", "提列績效對應項目"])
    sheet.write_row(3, 0, ["壹、目標", "一、控制\x01字元[red]x[/red]", "經常辦理", 5, "防貪業務", "無"])
    sheet.write_row(4, 0, ["", "二、[/]\x1b[31m紅字", "108.01-12", 5, "防貪業務", "無"])
    workbook.close()
    out = tmp_path / "標註.xlsx"
    done = xltool("check", template, "--annotate", out)
    assert done.status == 1 and "Traceback" not in done.err
    assert read_plan(out).items[0].practice == "控制\x01字元[red]x[/red]"
    monkeypatch.setenv("COLUMNS", "200")
    table = xltool("read", template)
    assert table.status == 0
    assert "[red]x[/red]" in table.out and "[/]" in table.out  # shown as written
    assert "\x1b" not in table.out and "\\x1b" in table.out and "\\x01" in table.out


@contextlib.contextmanager
def tmpfs(mount: Path, options: str) -> Iterator[Path]:
    """A real 64 KB tmpfs mounted at ``mount`` with ``options`` (skips the test where mounting needs root)."""
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"{options}size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system with no space left: a 64 KB tmpfs, filled."""
    with tmpfs(tmp_path / "滿", "") as mount:
        with (mount / "filler").open("wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(b"\0" * 4096)
                    filler.flush()
            except OSError:
                pass
        yield mount


@pytest.mark.slow  # ten processes, one for each writer
def test_a_full_disk_is_one_line_for_every_writer(
    full_disk: Path, plan_copy: Path, tmp_path: Path, xltool: Runner, xltool_process: Runner
) -> None:
    """Real processes: what the library leaves for the garbage collector on a full disk (xlsxwriter's zip,
    closed again) must not print a second, English story when the process ends."""
    as_json = tmp_path / "計畫.json"
    as_json.write_text(xltool("read", EXAMPLE, "-f", "json").out, encoding="utf-8")
    writers = {
        "template": ["template", "-o", full_disk / "範本.xlsx"],
        "read json": ["read", plan_copy, "-f", "json", "-o", full_disk / "p.json"],
        "read csv": ["read", plan_copy, "-f", "csv", "-o", full_disk / "p.csv"],
        "annotate": ["check", plan_copy, "--annotate", full_disk / "a.xlsx"],
        "fix": ["check", plan_copy, "--fix", full_disk / "f.xlsx"],
        "render": ["render", as_json, "-o", full_disk / "r.xlsx"],
        "merge": ["merge", plan_copy, "-o", full_disk / "m.xlsx"],
        "import": ["import", plan_copy, "-o", full_disk / "i.xlsx"],
        "rollover": ["rollover", plan_copy, "--year", "109", "-o", full_disk / "o.xlsx"],
        "catalog": ["catalog", "--format", "toml", "-o", full_disk / "c.toml"],
    }
    for name, args in writers.items():
        done = xltool_process(*args)
        assert done.status == 2, (name, done.err)
        assert "磁碟空間不足" in done.err.strip().splitlines()[-1], (name, done.err)
        assert "Traceback" not in done.err, name
        assert sorted(p.name for p in full_disk.iterdir()) == ["filler"], name


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # said in a process: above
def test_a_full_disk_is_said_by_its_code(full_disk: Path, plan_copy: Path, xltool: Runner) -> None:
    for args in (
        ["read", plan_copy, "-f", "json", "-o", full_disk / "p.json"],
        ["template", "-o", full_disk / "t.xlsx"],
    ):
        done = xltool(*args)
        assert (done.status, done.code) == (2, "OUTPUT_DISK_FULL"), done.err


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A real file system mounted read-only (writing there fails even for root)."""
    with tmpfs(tmp_path / "唯讀", "ro,") as mount:
        yield mount


def test_an_output_the_system_refuses_is_one_line_with_its_code(
    read_only: Path, tmp_path: Path, xltool: Runner
) -> None:
    loop = tmp_path / "迴圈.json"
    loop.symlink_to(loop)  # a name the system cannot open for a reason xltool has no words of its own for
    for target, code in (
        (read_only / "計畫.json", "OUTPUT_NO_PERMISSION"),
        (tmp_path / ("計" * 90 + ".json"), "OUTPUT_NAME_TOO_LONG"),  # 270 bytes: past the 255 a name may have
        (loop, "OUTPUT_FAILED"),
    ):
        done = xltool("read", EXAMPLE, "-f", "json", "-o", target)
        assert (done.status, done.code) == (2, code) and str(target) in done.error_line()
    assert "符號連結）形成迴圈" in done.err  # the system's reason in the user's words, not its English
    assert list(read_only.iterdir()) == [] and loop.is_symlink()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('year = 108\nlimits = 5\n[[category]]\nname = "甲"\n', "CATALOG_INVALID"),
        ("year = 108\ncategory = [1, 2]\n", "CATALOG_INVALID"),
        ("year = 108\nx = " + "[" * 100_000 + "]" * 100_000 + "\n", "CATALOG_INVALID"),
        ("# " + "x" * (2 * 1024 * 1024) + "\nyear = 108\n", "CATALOG_TOO_LARGE"),
    ],
    ids=["limits-not-a-table", "categories-not-tables", "deep", "huge"],
)
def test_a_catalog_that_is_not_one_is_refused_quickly(tmp_path: Path, text: str, code: str, xltool: Runner) -> None:
    bad = tmp_path / "壞.toml"
    bad.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    done = xltool("check", EXAMPLE, "--catalog", bad)
    assert (done.status, done.code) == (2, code) and str(bad) in done.error_line()
    assert time.perf_counter() - started < 30


def test_a_json_plan_that_is_not_one(tmp_path: Path, xltool: Runner) -> None:
    for body in ('{"items": [1, 2, 3]}', '{"items": [{"practice": 5}]}', "[]", '{"items": "x"}', "{"):
        bad = tmp_path / "計畫.json"
        bad.write_text(body, encoding="utf-8")
        done = xltool("render", bad, "-o", tmp_path / "r.xlsx")
        assert (done.status, done.code) == (2, "INPUT_NOT_PLAN_JSON") and done.error_line(), body
        done = xltool("check", bad)
        assert done.status == 2 and str(bad) in done.error_line(), body
        done = xltool("check", bad, "-f", "json")
        assert (done.status, json.loads(done.out)["files"][0]["error_code"]) == (2, "INPUT_NOT_PLAN_JSON"), body
    assert not (tmp_path / "r.xlsx").exists()


def test_standard_output_closed(tmp_path: Path, xltool: Runner) -> None:
    """A real process started with its standard output closed (Python then has no sys.stdout at all)."""
    done = subprocess.run(
        f"{sys.executable} -m xltool read {EXAMPLE} -f json >&-", shell=True, capture_output=True, text=True
    )
    assert done.returncode == 2 and "標準輸出已關閉" in done.stderr and len(done.stderr.splitlines()) == 1
    in_process = xltool("read", EXAMPLE, "-f", "json", stdout=False)
    assert (in_process.status, in_process.code) == (2, "STDOUT_CLOSED")


def test_a_reader_that_goes_away_ends_quietly_with_the_results_status(tmp_path: Path) -> None:
    for plan, status in ((EXAMPLE, 0), (_with_errors(tmp_path), 1)):
        done = subprocess.run(
            f"{sys.executable} -m xltool check '{plan}' | head -1; exit ${{PIPESTATUS[0]}}",
            shell=True, executable="/bin/bash", capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == status, done.stderr
        assert done.stderr == ""


def _with_errors(tmp_path: Path) -> Path:
    path = write_template(tmp_path / "有錯.xlsx", year=108, rows=5)
    return fill(path, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "經常辦理"}], unit="某處")


@pytest.mark.usefixtures("office")
def test_an_xls_renamed_xlsx_is_read_by_its_content(tmp_path: Path, xltool: Runner) -> None:
    from xltool.office import convert

    xls = convert(EXAMPLE, "xls:MS Excel 97", tmp_path)
    renamed = tmp_path / "其實是舊格式.xlsx"
    xls.rename(renamed)
    done = xltool("read", renamed, "-f", "json")
    assert done.status == 0, done.err
    assert json.loads(done.out)["totals"]["budget"] == 1865


def test_a_workbook_with_an_unused_dtd_annotates(tmp_path: Path, xltool: Runner) -> None:
    with_dtd = tmp_path / "有DTD.xlsx"
    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(with_dtd, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b"?>", b"?><!DOCTYPE workbook [<!ELEMENT workbook ANY>]>", 1)
            out.writestr(item, data)
    out = tmp_path / "標註.xlsx"
    done = xltool("check", with_dtd, "--annotate", out)
    assert done.status in (0, 1) and "Traceback" not in done.err and done.err.count("\n") <= 2
    assert out.exists() or "錯誤：" in done.err


def test_a_file_name_that_is_not_utf8(tmp_path: Path, xltool: Runner) -> None:
    name = os.fsencode(tmp_path) + b"/\xb9\xef\xa8\xd3.xlsx"  # Big5 bytes: legal on Linux, not UTF-8
    with open(name, "wb") as handle:
        handle.write(EXAMPLE.read_bytes())
    done = xltool("read", os.fsdecode(name), "-f", "json")  # the argument as Python decodes it from argv
    assert done.status == 0, done.err
    assert json.loads(done.out)["totals"]["budget"] == 1865


# --- 7. smaller, still wrong -------------------------------------------------------------------------


def test_the_header_is_found_after_a_long_preamble(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "前言很長.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write(0, 0, "某某處108年度廉政工作計畫")
    for r in range(1, 150):
        sheet.write(r, 0, f"說明第 {r} 行")
    sheet.write_row(150, 0, ["計畫目標", "具體作法", "預定進度", "備考", "業務類別", "提列績效對應項目"])
    sheet.write_row(151, 0, ["壹、目標", "一、作法 1 場", "108.01-12", 5, "防貪業務", "無"])
    workbook.close()
    plan = read_plan(path)
    assert (plan.unit, plan.year, len(plan.items), plan.items[0].cell) == ("某某處", 108, 1, "B152")


@given(st.text(min_size=1).filter(lambda s: s.strip() and "\x00" not in s))
def test_catalog_toml_round_trips_any_text(text: str) -> None:
    from dataclasses import replace

    from xltool.catalog import parse_catalog, to_toml
    from xltool.catalogs import load_catalog

    catalog = replace(load_catalog(108), title=text, id=text)
    again = parse_catalog(to_toml(catalog), "again.toml")
    assert (again.title, again.id) == (text, text)


def test_render_hints_at_a_check_that_takes_the_same_file(tmp_path: Path, xltool: Runner) -> None:
    as_json = tmp_path / "計畫.json"
    plan = _with_errors(tmp_path)
    as_json.write_text(xltool("read", plan, "-f", "json").out, encoding="utf-8")
    done = xltool("render", as_json, "-o", tmp_path / "r.xlsx")
    hint = re.search(r"xltool check (\S+)", done.err)
    assert done.status == 0 and hint
    assert xltool("check", hint.group(1).rstrip("）")).status == 1  # the suggested command works


@pytest.mark.usefixtures("office")
def test_ctrl_c_leaves_no_temporary_file_and_exits_130(tmp_path: Path) -> None:
    code, err = _interrupt_render(tmp_path, signal.SIGINT, "--pdf", tmp_path / "out" / "p.pdf", settle=0.5)
    assert code == 130 and "已中斷" in err, err
    assert list((tmp_path / "out").iterdir()) == [] and list((tmp_path / "tmp").iterdir()) == []


def test_fix_keeps_the_macros_of_an_xlsm(tmp_path: Path, xltool: Runner) -> None:
    from tests import corpus

    book = corpus.with_macros(tmp_path / "巨集.xlsm", tmp_path)
    refused = xltool("check", book, "--fix", tmp_path / "修正.xlsx")
    assert (refused.status, refused.code) == (2, "OUTPUT_WRONG_TYPE") and ".xlsm" in refused.error_line()
    fixed = tmp_path / "修正.xlsm"
    assert xltool("check", book, "--fix", fixed).status in (0, 1)
    with zipfile.ZipFile(book) as before, zipfile.ZipFile(fixed) as after:
        assert after.read("xl/vbaProject.bin") == before.read("xl/vbaProject.bin")
    assert read_plan(fixed).items[0].category_written == "綜合規劃業務"  # 綜合業務 fixed


@pytest.mark.usefixtures("office")
@pytest.mark.parametrize("fmt", ["xls:MS Excel 97", "ods"])
def test_import_reads_a_legacy_xls_or_ods_like_its_xlsx(tmp_path: Path, fmt: str, xltool: Runner) -> None:
    from tests import corpus
    from xltool.office import convert

    legacy = corpus.legacy_workbook(tmp_path / "舊版計畫.xlsx")
    other = convert(legacy, fmt, tmp_path / "轉檔")
    from_xlsx, from_other = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert xltool("import", legacy, "-o", from_xlsx).status == 0
    assert xltool("import", other, "-o", from_other).status == 0
    strip = ("sheet", "row", "cell")
    a = [{k: v for k, v in i.to_dict().items() if k not in strip} for i in read_plan(from_xlsx).items]
    b = [{k: v for k, v in i.to_dict().items() if k not in strip} for i in read_plan(from_other).items]
    assert a == b and len(a) == 4
