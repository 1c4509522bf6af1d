"""The supervising office's season: a roster and who is missing, every unit's annotated return, a 統計
worth printing, each unit's plan printed under its own name."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from examples.make_example import example_items
from tests.conftest import EXAMPLE, Runner
from tests.test_merge import stats_table
from xltool.form import MERGED_FIELDS, RESULTS_SHEET, column_index
from xltool.reader import read_plan
from xltool.schedule import parse_schedule
from xltool.template import write_template

KINMEN = json.loads((EXAMPLE.parent / "kinmen_108.json").read_text(encoding="utf-8"))


def unit_plan(path: Path, unit: str, *, own: str = "") -> Path:
    """A unit's plan: the Kinmen practices, or (with ``own``) the same shape in the unit's own words."""
    items = example_items(KINMEN)
    if own:
        items = [replace(item, practice=f"{own}第{n}項工作：{item.practice[-12:]}") for n, item in enumerate(items)]
    return write_template(path, year=108, unit=unit, items=items)


def round_one(
    tmp_path: Path, xltool: Runner, plans: dict[str, tuple[str, str]], units: list[str], *, saved: str = ""
) -> tuple[Path, Path, Path]:
    """A season's first round merged: each file of 收件 (name → its 機關名稱 and its own words, saved at ``saved``
    or, without, dated by the file) against a roster of ``units``. Returns last round's 彙整, the empty folder
    of the second round's files, and the roster."""
    inbox, late = tmp_path / "收件", tmp_path / "遲交"
    inbox.mkdir()
    late.mkdir()
    for name, (unit, own) in plans.items():
        made = unit_plan(inbox / name, unit, own=own)
        if saved:
            _saved(made, saved)
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n" + "".join(f"{unit}\n" for unit in units), encoding="utf-8")
    first = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "-o", first).status == 0
    return first, late, roster


ROSTER = "單位,別名\n臺北市政府政風處,北市政風\n新北市政府 政風處,\n桃園市政府政風處,\n臺中市政府政風處,\n高雄市政府政風處,\n"


@pytest.fixture
def season(tmp_path: Path) -> tuple[Path, Path]:
    """A folder as an office has it mid-season, and its roster (UTF-8 with a BOM, as Excel writes it)."""
    folder = tmp_path / "收件"
    (folder / "北區").mkdir(parents=True)
    unit_plan(folder / "北區" / "台北.xlsx", "台北市政府政風處", own="北市")  # 台 for 臺: still 臺北市
    unit_plan(folder / "北區" / "新北.xlsx", "新北市政府政風處", own="新北")  # no space: still the roster's
    (folder / "桃園市政府政風處.xlsx").write_bytes(b"PK\x03\x04 broken")  # unreadable, named after its unit
    first = unit_plan(folder / "臺中一.xlsx", "臺中市政府政風處", own="臺中")
    unit_plan(folder / "臺中二.xlsx", "臺中市政府政風處", own="臺中")  # sent twice
    os.utime(first, (first.stat().st_mtime - 60,) * 2)  # saved within the same second: the file date decides
    unit_plan(folder / "金門.xlsx", "金門縣政府政風處", own="金門")  # not on this roster
    roster = tmp_path / "名冊.csv"
    roster.write_bytes(ROSTER.encode("utf-8-sig"))
    return folder, roster


EXPECTED = [
    ("臺北市政府政風處", "已收"),
    ("新北市政府 政風處", "已收"),
    ("桃園市政府政風處", "無法讀取"),
    ("臺中市政府政風處", "重複"),
    ("高雄市政府政風處", "未收"),
    ("金門縣政府政風處", "名冊外"),
]


def test_check_with_a_roster_lists_every_unit_in_roster_order(season: tuple[Path, Path], xltool: Runner) -> None:
    folder, roster = season
    done = xltool("check", folder, "--roster", roster, "--format", "json")
    assert done.status == 2  # one file could not be read
    receipts = json.loads(done.out)["receipts"]
    assert [(r["unit"], r["status"]) for r in receipts] == EXPECTED
    taipei = receipts[0]
    assert taipei["practices"] == 33 and taipei["budget"] == 1865 and taipei["files"][0].endswith("台北.xlsx")
    text = xltool("check", folder, "--roster", roster)
    assert "尚缺 2 個單位：桃園市政府政風處（無法讀取）、高雄市政府政風處" in text.out
    lines = text.out.splitlines()
    assert lines.index(next(line for line in lines if line.startswith("收件情形"))) > 0


def test_require_all_makes_a_missing_unit_a_failure_but_the_merge_is_written(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    folder, roster = season
    out = tmp_path / "彙整.xlsx"
    done = xltool("merge", folder, "--roster", roster, "--skip-bad", "--allow-duplicate-units", "-o", out,
                  "--require-all")  # fmt: skip
    assert done.status == 1 and out.exists()
    assert "尚缺 2 個單位：桃園市政府政風處（無法讀取）、高雄市政府政風處" in done.out
    book = load_workbook(out)
    assert book.sheetnames[0] == "收件情形"
    rows = list(book["收件情形"].iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[1]) for r in rows[: len(EXPECTED)]] == EXPECTED
    # The unreadable file's line in 檢查結果 names the unit it was told to be (by its name), as 收件情形 does.
    [unreadable] = [r for r in book["檢查結果"].iter_rows(values_only=True) if r[2] == "無法讀取"]
    assert unreadable[1] == "桃園市政府政風處"
    # Nothing read is no figures (0 錯誤 said an unreadable file had none), as on the terminal.
    assert {r[3:7] for r in rows[: len(EXPECTED)] if r[1] in ("未收", "無法讀取")} == {(None, None, None, None)}
    overview = stats_table(book["統計"], "各單位概況（預算單位：千元）")
    assert list(overview)[:2] == ["臺北市政府政風處", "新北市政府 政風處"]  # the roster's order and names
    spelled = {r[0]: r[10] for r in book["彙整"].iter_rows(min_row=4, values_only=True)}
    assert spelled["臺北市政府政風處"] == "台北市政府政風處"  # the officer's spelling stays in the data
    assert (
        xltool(
            "merge", folder, "--roster", roster, "--skip-bad", "--allow-duplicate-units", "-o", tmp_path / "b.xlsx"
        ).status
        == 0
    )  # fmt: skip  mid-season, without --require-all: fine


@pytest.mark.parametrize("command", ["check", "merge"])
def test_require_all_without_a_roster_is_refused_before_any_work(command: str, tmp_path: Path, xltool: Runner) -> None:
    out = tmp_path / "彙整.xlsx"
    args = ["-o", out] if command == "merge" else []
    done = xltool(command, EXAMPLE, "--require-all", *args)
    assert (done.status, done.code) == (2, "USAGE") and "--roster" in done.error_line()
    assert not out.exists()


@pytest.mark.parametrize(
    ("body", "named"),  # what the line names: the missing column, the name listed twice, the alias's owner
    [
        ("名稱,別名\n甲,\n", "「單位」"),
        ("單位\n甲政風處\n乙政風處\n甲 政風處\n", "「甲 政風處」"),
        ("單位,別名\n甲政風處,政風\n乙政風處,政風\n", "「甲政風處」"),
    ],
)
def test_a_roster_that_cannot_say_who_is_who_is_refused(
    season: tuple[Path, Path], tmp_path: Path, body: str, named: str, xltool: Runner
) -> None:
    folder, _ = season
    roster = tmp_path / "壞名冊.csv"
    roster.write_text(body, encoding="utf-8")
    out = tmp_path / "m.xlsx"
    done = xltool("merge", folder, "--roster", roster, "-o", out)
    assert (done.status, done.code) == (2, "ROSTER_INVALID")
    assert str(roster) in done.error_line() and named in done.err and not out.exists()


def test_a_roster_saved_by_excel_in_big5_or_as_a_workbook(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    import xlsxwriter

    folder, _ = season
    big5 = tmp_path / "名冊big5.csv"
    big5.write_bytes(ROSTER.encode("cp950"))
    book = tmp_path / "名冊.xlsx"
    workbook = xlsxwriter.Workbook(book)
    sheet = workbook.add_worksheet()
    sheet.write(0, 0, "各單位名冊（113 年 1 月）")
    for r, line in enumerate(ROSTER.splitlines(), start=2):
        sheet.write_row(r, 0, line.split(","))
    workbook.close()
    # Excel's 「Unicode 文字」 (UTF-16, tabs: it was 「請以 UTF-8 儲存」) and a CSV with semicolons (「沒有「單位」欄」)
    unicode_text = tmp_path / "名冊.txt"
    unicode_text.write_bytes(ROSTER.replace(",", "\t").replace("\n", "\r\n").encode("utf-16"))
    semicolons = tmp_path / "名冊分號.csv"
    semicolons.write_text(ROSTER.replace(",", ";"), encoding="utf-8")
    for roster in (big5, book, unicode_text, semicolons):
        receipts = json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
        assert [(r["unit"], r["status"]) for r in receipts] == EXPECTED, roster.name


def _roster_by_script(path: Path) -> Path:
    """The roster as a script writes it with openpyxl: 臺中's name a formula with no value saved, and a formula
    whose value is the empty string below the units."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in ROSTER.splitlines():
        sheet.append(line.split(","))
    sheet["A5"] = '="臺中市政府"&"政風處"'
    sheet["A8"] = '=IF(1=1,"","x")'
    book.save(path)
    return path


def test_a_roster_unit_written_as_a_formula_with_no_value_saved_is_refused_naming_the_cell(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    """calamine reads a formula without its saved value as blank: 臺中 was missing from the roster, never chased
    (its files 名冊外), and nothing said so. The roster is refused, as one that cannot say who is who: the
    office's list of who must send is the thing it relies on."""
    folder, _ = season
    roster = _roster_by_script(tmp_path / "名冊.xlsx")
    for command in (("check",), ("merge", "-o", tmp_path / "彙整.xlsx")):
        done = xltool(*command, folder, "--roster", roster)
        assert (done.status, done.code) == (2, "ROSTER_INVALID")
        assert done.error_line() == (
            f"錯誤：{roster}：名冊第一張工作表的 A5、A8 是公式，但檔案裡沒有它的計算結果，xltool 讀不到其中的單位名稱；"
            "請用 Excel 或 LibreOffice 開啟名冊後存檔（會存下計算結果），或直接填入單位名稱"
        )
    assert not (tmp_path / "彙整.xlsx").exists()


@pytest.mark.usefixtures("office")
def test_a_roster_of_formulas_saved_by_libreoffice_is_read_with_their_values(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    """Saved by LibreOffice, each formula has its value: 臺中's name, and the empty string (written as an empty
    <v></v> with t="str", as Excel writes it too) that is a value and not a formula left uncomputed."""
    from xltool.office import convert

    folder, _ = season
    roster = convert(_roster_by_script(tmp_path / "名冊.xlsx"), "xlsx", tmp_path / "存過")
    done = xltool("check", folder, "--roster", roster, "-f", "json")
    assert [(r["unit"], r["status"]) for r in json.loads(done.out)["receipts"]] == EXPECTED, done.err


def test_the_lines_of_an_offices_roster_that_name_no_unit_are_said_and_never_chased(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    """Group headings and a total without a 序號, and a signature line whose 序號 cell holds its label."""
    folder, _ = season
    roster = tmp_path / "名冊.csv"
    units = [line.split(",")[0] for line in ROSTER.splitlines()[1:]]
    lines = ["序號,單位,承辦人", ",一、直轄市政風機構,", *(f"{n},{u}," for n, u in enumerate(units[:3], 1)),
             ",（二）其他,", *(f"{n}.,{u}," for n, u in enumerate(units[3:], 4)), ",合計 5 個單位,", "製表人：,王小明,"]  # fmt: skip
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = xltool("check", folder, "--roster", roster, "-f", "json")
    assert [(r["unit"], r["status"]) for r in json.loads(done.out)["receipts"]] == EXPECTED
    assert (
        "名冊的第 2 列「一、直轄市政風機構」、第 6 列「（二）其他」、第 9 列「合計 5 個單位」、第 10 列「王小明」不是單位"
        in done.err
    )
    chase = tmp_path / "待催.csv"
    xltool("check", folder, "--roster", roster, "--chase", chase)
    assert [row.split(",")[0] for row in chase.read_text(encoding="utf-8-sig").splitlines()[1:]] == [
        "桃園市政府政風處",
        "高雄市政府政風處",
    ]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('單位,承辦人\r臺北市政府政風處,"王\r新北市政府政風處,李\r桃園市政府政風處,陳\r', "不成對的引號"),  # Mac's CR
        ("單位\n" + "甲" * 200_000 + "\n", "欄位過長"),
        # one column, no comma to give it away: 「乙\n丙」 was one unit, chased, and 丙 never
        ('單位\n臺北市政府政風處\n"新北市政府政風處\n桃園市政府政風處\n', "第 3 列有不成對的引號"),
    ],
    ids=["a quote left open", "a field past csv's limit", "a quote left open in the last rows of one column"],
)
def test_a_roster_csv_that_is_not_quite_one_is_one_line(
    season: tuple[Path, Path], tmp_path: Path, body: str, said: str, xltool: Runner
) -> None:
    """A stray " swallowed every row after it into one unit (299 units never chased, exit 0), or ended in
    csv's English error, exit 3."""
    folder, _ = season
    roster = tmp_path / "名冊.csv"
    roster.write_text(body, encoding="utf-8", newline="")
    done = xltool("check", folder, "--roster", roster)
    assert (done.status, done.code) == (2, "ROSTER_INVALID") and said in done.error_line()


def test_a_plan_given_as_the_roster_is_refused(season: tuple[Path, Path], xltool: Runner) -> None:
    """The wrong file picked for --roster: a plan's 機關名稱 label read as the 單位 column, and its goals
    壹、貳… became the roster (「尚缺 1 個單位：計畫目標」, the real unit 名冊外, exit 0)."""
    folder, _ = season
    plan = folder / "北區" / "台北.xlsx"
    for roster in (plan, EXAMPLE):
        done = xltool("check", folder, "--roster", roster)
        assert (done.status, done.code) == (2, "ROSTER_INVALID") and f"{roster}：這是計畫" in done.error_line()


def test_a_quote_typed_after_a_units_name_in_the_roster_is_taken_off_and_said(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    """「高雄市政府政風處"」 (a quote typed by hand, which csv keeps as it stands) stayed 未收 while the unit's
    plan was 名冊外, with only a 「是否為」 hint between them."""
    folder, roster = season
    quoted = tmp_path / "名冊.csv"
    quoted.write_text(
        roster.read_text(encoding="utf-8").replace("高雄市政府政風處", '高雄市政府政風處"', 1), encoding="utf-8"
    )

    def statuses(names: Path) -> dict[str, str]:
        done = xltool("check", folder, "--roster", names, "-f", "json")
        return {r["unit"]: r["status"] for r in json.loads(done.out)["receipts"]}

    assert statuses(quoted) == statuses(roster) and "高雄市政府政風處" in statuses(quoted)
    done = xltool("check", folder, "--roster", quoted)
    assert '「高雄市政府政風處"」有多餘的引號' in done.err
    # A quote at the start of the last line swallows nothing but its own line end: read as the name it quotes.
    opened = tmp_path / "名冊2.csv"
    opened.write_text(roster.read_text(encoding="utf-8").rstrip("\n") + '\n"澎湖縣政府政風室\n', encoding="utf-8")
    assert "澎湖縣政府政風室" in statuses(opened)


def test_a_roster_saved_by_excel_for_mac_and_units_numbered_their_own_way(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    """「CSV (Macintosh)」 ends rows with a lone CR (exit 3, English); 序號 「3之1」 or 「（4）」 are serials too
    (those units were left out as headings and never chased)."""
    folder, _ = season
    units = [line.split(",")[0] for line in ROSTER.splitlines()[1:]]
    serials = ["1", "2", "3之1", "（4）", "5-1"]
    roster = tmp_path / "名冊.csv"
    roster.write_text("\r".join(["序號,單位", *(f"{n},{u}" for n, u in zip(serials, units, strict=True))]) + "\r",
                      encoding="utf-8", newline="")  # fmt: skip
    receipts = json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    assert [(r["unit"], r["status"]) for r in receipts] == EXPECTED


def test_a_roster_that_lost_characters_to_big5_is_said_to_have(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    """Excel's 「CSV」 on a Chinese Windows is Big5: 堃 and 峯 are saved as ?, and the unit is both 未收 and
    名冊外. The ? are named with what to do, once, before the units."""
    folder, _ = season
    unit_plan(folder / "堃峯區公所.xlsx", "堃峯區公所")
    roster = tmp_path / "名冊.csv"
    roster.write_bytes((ROSTER + "堃峯區公所,\n").encode("cp950", "replace"))
    done = xltool("check", folder, "--roster", roster)
    assert (
        "名冊中的「??區公所」有「?」：可能是名冊存成 Big5 時遺失了 Big5 沒有的字，請在 Excel 另存為「CSV UTF-8」或 .xlsx"
        in done.err
    )


def test_the_roster_is_an_input_whatever_force_says_and_no_plan(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    """The roster holds the office's contacts: no output replaces it, not the chase list, not a merge,
    not with --force. Kept in the inbox beside the plans (a workbook, as offices keep it), it is not read as
    a plan that cannot be read (which made the check fail and merge stop)."""
    from openpyxl import Workbook

    folder, csv_roster = season
    kept = csv_roster.read_bytes()
    done = xltool("check", folder, "--roster", csv_roster, "--chase", csv_roster, "--force")
    assert (done.status, done.code) == (2, "OUTPUT_IS_INPUT") and csv_roster.read_bytes() == kept
    book = Workbook()
    for line in ROSTER.splitlines():
        book.active.append(line.split(","))
    roster = folder / "名冊.xlsx"
    book.save(roster)
    kept = roster.read_bytes()
    for command in (["merge", "--skip-bad", "-o", roster], ["render", "--skip-bad", "-o", roster]):
        done = xltool(command[0], folder, "--roster", roster, *command[1:], "--force")
        assert (done.status, done.code) == (2, "OUTPUT_IS_INPUT") and roster.read_bytes() == kept
    done = xltool("check", folder, "--roster", roster, "-f", "json")
    result = json.loads(done.out)
    assert not any(f["file"].endswith("名冊.xlsx") for f in result["files"])
    assert [(r["unit"], r["status"]) for r in result["receipts"]] == EXPECTED


def test_a_merge_or_printout_is_not_written_into_the_folder_it_reads(season: tuple[Path, Path], xltool: Runner) -> None:
    """`merge 收件 -o 收件/彙整.xlsx` wrote the 彙整 into the inbox, and the next round's `merge 收件` stopped
    on a unit twice, over a file xltool had put there itself. Refused before anything is written, as
    --annotate-dir is; beside files given by name it is still written (the next round gives it by name)."""
    folder, roster = season
    before = sorted(p.name for p in folder.rglob("*"))
    for command, output in (("merge", folder / "彙整.xlsx"), ("merge", folder / "北區" / "彙整.xlsx"),
                            ("render", folder / "列印.xlsx")):  # fmt: skip
        done = xltool(command, folder, "--roster", roster, "--skip-bad", "-o", output)
        assert (done.status, done.code) == (2, "USAGE") and str(folder) in done.error_line()
        assert "-o 不能寫在讀取的資料夾" in done.error_line()
    assert sorted(p.name for p in folder.rglob("*")) == before
    merged = folder / "北區" / "彙整.xlsx"
    plans = sorted((folder / "北區").glob("*.xlsx"))
    assert xltool("merge", *plans, "-o", merged).status == 0 and merged.exists()
    done = xltool("merge", *plans, merged, "-o", folder.parent / "第二輪.xlsx", "--roster", roster)
    assert done.status == 0  # the next round, given it by name, counts each unit once


def test_a_merged_workbook_left_in_the_inbox_adds_nothing_to_the_receipts(
    season: tuple[Path, Path], xltool: Runner
) -> None:
    """The last merge saved into the inbox holds a copy of each unit's plan: 收件情形 says 重複 and why,
    with the unit's own figures (33 practices, 1,865), where it added both (66, 3,730)."""
    folder, roster = season
    assert xltool("merge", folder, "--skip-bad", "-o", folder.parent / "彙整.xlsx").status == 0
    shutil.copy(folder.parent / "彙整.xlsx", folder)  # copied in by hand: xltool refuses to write it there
    receipts = json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    taipei = receipts[0]
    assert (taipei["status"], taipei["practices"], taipei["budget"]) == ("重複", 33, 1865)
    assert (
        taipei["note"]
        == f"以自己的檔案 {folder / '北區' / '台北.xlsx'} 為準，已彙整的活頁簿 {folder / '彙整.xlsx'} 中的版本不計"
    )
    counted = {Path(v["file"]).name: v["counted"] for v in taipei["versions"]}
    assert counted == {"台北.xlsx": True, "彙整.xlsx": False}


def test_a_unit_folder_names_a_plan_that_names_no_unit(season: tuple[Path, Path], xltool: Runner) -> None:
    """An inbox kept a folder a unit, and the plan in 高雄市政府政風處/ left 機關名稱 blank under a generic
    file name: the unit was chased as 未收 and the file counted as a unit of its own, named 「108年度廉政工作計畫」."""
    folder, roster = season
    (folder / "高雄市政府政風處").mkdir()
    unit_plan(folder / "高雄市政府政風處" / "108年度廉政工作計畫.xlsx", "")
    receipts = json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    assert [(r["unit"], r["status"]) for r in receipts] == [
        (unit, "已收" if unit == "高雄市政府政風處" else status) for unit, status in EXPECTED
    ]
    assert "機關名稱空白，依資料夾名稱認定" in receipts[4]["note"]


def test_a_file_named_for_a_missing_unit_that_names_another_is_pointed_out(
    season: tuple[Path, Path], xltool: Runner, tmp_path: Path
) -> None:
    """高雄 sent 臺中's plan as its own, named after itself, and left 臺中's 機關名稱 in it: 高雄 was chased
    to send a plan it has sent. Both lines now say what the file is, and the chase list asks 高雄 to
    correct the name."""
    folder, roster = season
    unit_plan(folder / "高雄市政府政風處108年度廉政工作計畫.xlsx", "臺中市政府政風處", own="高雄")
    chase = tmp_path / "待催.csv"
    done = xltool("check", folder, "--roster", roster, "--chase", chase, "-f", "json")
    receipts = {r["unit"]: r for r in json.loads(done.out)["receipts"]}
    assert receipts["高雄市政府政風處"]["status"] == "未收"
    assert "機關名稱卻寫「臺中市政府政風處」" in receipts["高雄市政府政風處"]["note"]
    taichung = receipts["臺中市政府政風處"]["note"]
    assert "高雄市政府政風處108年度廉政工作計畫.xlsx（檔名是「高雄市政府政風處」" in taichung
    assert taichung.count("檔名是") == 1  # where the file is listed, not in a sentence of its own again
    # the chase list names the file to correct (its 檔案 was empty, and 請辦理 named none)
    (row,) = [r for r in csv.DictReader(io.StringIO(chase.read_text(encoding="utf-8-sig"))) if r["狀態"] == "未收"
              and r["單位"] == "高雄市政府政風處"]  # fmt: skip
    sent = str(folder / "高雄市政府政風處108年度廉政工作計畫.xlsx")
    assert row["檔案"] == sent and row["請辦理"].startswith(f"收到的 {sent} 機關名稱寫「臺中市政府政風處」")


def test_a_newer_copy_named_after_another_unit_does_not_replace_the_units_own_plan(
    season: tuple[Path, Path], xltool: Runner
) -> None:
    """高雄 copied 臺中's plan and kept 臺中's 機關名稱, and its file came after 臺中's own: it counted as 臺中's
    newest version, so 臺中's real plan went out of the merge and 高雄's practices went in under 臺中's name.
    臺中's own file, named as it should be, counts; the other is named, and 高雄 is still asked."""
    folder, roster = season
    copied = unit_plan(folder / "高雄市政府政風處.xlsx", "臺中市政府政風處", own="高雄")
    later = (folder / "臺中二.xlsx").stat().st_mtime + 3600
    os.utime(copied, (later, later))
    receipts = {
        r["unit"]: r for r in json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    }
    taichung = receipts["臺中市政府政風處"]
    counted = [v["file"] for v in taichung["versions"] if v["counted"]]
    assert counted == [str(folder / "臺中二.xlsx")]
    assert "高雄市政府政風處.xlsx（檔名是「高雄市政府政風處」，" in taichung["note"]
    assert "以最新的" not in taichung["note"]  # the one that counts is not the newest
    assert receipts["高雄市政府政風處"]["status"] == "未收"
    assert "可能是" in receipts["高雄市政府政風處"]["note"]


def test_a_blank_named_file_of_a_unit_one_level_down_is_not_the_roster_units(tmp_path: Path, xltool: Runner) -> None:
    """臺東縣政府 is on the roster, its 警察局 is not: the police's blank-named 「臺東縣政府警察局108年度廉政工作計畫
    .xlsx」 was taken for 臺東縣政府's file by the roster name its name starts with, and counted over its own
    plan. It is a unit off the roster, named from its file; 臺東縣政府's own 「…政風處」 file is still its."""
    folder = tmp_path / "收件"
    folder.mkdir()
    own = unit_plan(folder / "臺東縣政府政風處108年度廉政工作計畫.xlsx", "", own="縣府")
    police = unit_plan(folder / "臺東縣政府警察局108年度廉政工作計畫.xlsx", "", own="警察局")
    os.utime(police, (own.stat().st_mtime + 3600,) * 2)
    # words about the plan after a unit's name are no other unit's name: the files are 卑南's and 延平's
    whole = unit_plan(folder / "臺東縣卑南鄉公所暨所屬機關108年度廉政工作計畫.xlsx", "", own="卑南")
    sent = unit_plan(folder / "臺東縣延平鄉公所陳報縣政府政風處108年度計畫.xlsx", "", own="延平")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n臺東縣政府\n臺東縣卑南鄉公所\n臺東縣延平鄉公所\n", encoding="utf-8")
    receipts = {
        r["unit"]: r for r in json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    }
    assert [v["file"] for v in receipts["臺東縣政府"]["versions"]] == [str(own)]
    assert receipts["臺東縣政府警察局"]["status"] == "名冊外"
    assert [v["file"] for v in receipts["臺東縣卑南鄉公所"]["versions"]] == [str(whole)]
    assert [v["file"] for v in receipts["臺東縣延平鄉公所"]["versions"]] == [str(sent)]


def test_a_folder_named_after_a_unit_does_not_make_a_units_newer_file_lose(tmp_path: Path, xltool: Runner) -> None:
    """The office's own inbox folder bears its name, which is on the roster: every file in it was taken for
    one named after another unit, and a unit's older file counted over its newer, correct one."""
    folder = tmp_path / "臺東縣政府政風處收件"
    folder.mkdir()
    older = unit_plan(folder / "臺東縣卑南鄉公所.xlsx", "臺東縣卑南鄉公所", own="舊")
    os.utime(older, (older.stat().st_mtime - 3600,) * 2)
    newer = unit_plan(folder / "108年度廉政工作計畫(修正版).xlsx", "臺東縣卑南鄉公所", own="新")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n臺東縣政府\n臺東縣卑南鄉公所\n", encoding="utf-8")
    receipts = {
        r["unit"]: r for r in json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    }
    counted = [v["file"] for v in receipts["臺東縣卑南鄉公所"]["versions"] if v["counted"]]
    assert counted == [str(newer)]


def test_last_years_plan_sent_again_does_not_replace_this_years(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    """臺北 sent last year's plan after this year's (a wrong attachment): check and render counted the 107
    plan as the newest version, while merge refused the mix of years. The season's year counts, and the note
    says why the newer file is left out."""
    folder, roster = season
    old = write_template(
        folder / "北區" / "台北_107.xlsx", year=107, unit="臺北市政府政風處", items=example_items(KINMEN)
    )
    os.utime(old, (old.stat().st_mtime + 60,) * 2)  # the newest file of all
    receipts = json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    taipei = receipts[0]
    assert (taipei["status"], taipei["practices"]) == ("重複", 33)
    assert [Path(v["file"]).name for v in taipei["versions"] if v["counted"]] == ["台北.xlsx"]
    assert "以 108 年度的版本中最新的" in taipei["note"] and "台北_107.xlsx（107 年度，" in taipei["note"]
    out = tmp_path / "彙整.xlsx"
    merged = xltool("merge", folder, "--roster", roster, "--skip-bad", "-o", out)
    assert merged.status == 0, merged.err
    # The terminal and 檢查結果 say it too: the newer file is not the older version, nor is merging both the cure.
    assert "單位「臺北市政府政風處」有 2 個檔案：以 108 年度的版本中最新的" in merged.err
    [left] = [
        r
        for r in load_workbook(out)["檢查結果"].iter_rows(values_only=True)
        if r[3] == "OLDER_VERSION" and "台北" in str(r[0])
    ]
    assert "這是 107 年度的計畫" in left[7] and "--allow-duplicate-units" not in left[8]


def test_a_unit_that_sent_only_next_years_plan_has_sent_nothing_for_this_one(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    """高雄 sent its 109 plan in a 108 season: check called it 已收 with no error (--require-all passed), and
    merge refused the whole inbox. The unit is 年度不符: chased, missing for --require-all, left out of the
    merge, which goes on with the others."""
    folder, roster = season
    write_template(folder / "高雄109.xlsx", year=109, unit="高雄市政府政風處", items=example_items(KINMEN))
    done = xltool("check", folder, "--roster", roster, "-f", "json", "--require-all", "--chase", tmp_path / "催.csv")
    kaohsiung = next(r for r in json.loads(done.out)["receipts"] if r["unit"] == "高雄市政府政風處")
    assert kaohsiung["status"] == "年度不符" and "送來的是 109 年度的計畫，這次收件是 108 年度" in kaohsiung["note"]
    assert done.status != 0
    chase = (tmp_path / "催.csv").read_text(encoding="utf-8-sig")
    assert "高雄市政府政風處,年度不符" in chase and "送來的是 109 年度的計畫，請送本年度的計畫。" in chase
    out = tmp_path / "彙整.xlsx"
    merged = xltool("merge", folder, "--roster", roster, "--skip-bad", "--allow-duplicate-units", "-o", out)
    assert merged.status == 0, merged.err
    units = {row[0] for row in load_workbook(out)["彙整"].iter_rows(min_row=4, values_only=True)}
    assert "高雄市政府政風處" not in units and "臺北市政府政風處" in units
    receipts = {r[0]: r for r in load_workbook(out)["收件情形"].iter_rows(min_row=4, values_only=True)}
    assert receipts["高雄市政府政風處"][1:4] == ("年度不符", str(folder / "高雄109.xlsx"), None)  # no figures
    # The season's printout leaves it out too, and says so (it was left out without a word, and told
    # 「有 N 個錯誤…仍照樣產生列印版」 of a plan it did not print).
    printout = tmp_path / "列印.xlsx"
    printed = xltool("render", folder, "--roster", roster, "--skip-bad", "--allow-duplicate-units", "-o", printout)
    assert printed.status == 0, printed.err
    assert "高雄109.xlsx：這是 109 年度的計畫，這次收件是 108 年度，未列印" in printed.err
    assert "高雄市政府政風處" not in load_workbook(printout).sheetnames
    assert not any("高雄109.xlsx 有" in line for line in printed.err.splitlines())
    assert "沒有 109 年度的分類清單" not in printed.err  # the catalog of a plan it did not print is no concern


def test_a_unit_that_sent_only_last_years_plan_is_told_the_seasons_year_in_its_copy(
    tmp_path: Path, xltool: Runner
) -> None:
    """The season's year taken from most plans (收件以 108 年度為準): the unit that sent only its 107 plan was
    年度不符 on its line, but its return copy said nothing of the year (only that 107's plan lacked its
    performance items). It says what --year 108 has it say."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for unit in ("甲鄉公所", "乙鄉公所"):
        unit_plan(inbox / f"{unit}.xlsx", unit, own=unit[0])
    write_template(inbox / "丙鄉公所107.xlsx", year=107, unit="丙鄉公所", items=example_items(KINMEN))
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲鄉公所\n乙鄉公所\n丙鄉公所\n", encoding="utf-8")
    done = xltool("check", inbox, "--roster", roster, "--annotate-dir", tmp_path / "退回", "-f", "json")
    files = {Path(f["file"]).name: f for f in json.loads(done.out)["files"]}
    assert "YEAR_MISMATCH" in {f["code"] for f in files["丙鄉公所107.xlsx"]["findings"]}
    assert "YEAR_MISMATCH" not in {f["code"] for f in files["甲鄉公所.xlsx"]["findings"]}
    results = load_workbook(tmp_path / "退回" / "丙鄉公所107_檢查.xlsx")[RESULTS_SHEET]
    assert "YEAR_MISMATCH" in {row[1] for row in results.iter_rows(min_row=2, values_only=True)}


def test_the_year_asked_for_is_the_seasons_year(tmp_path: Path, xltool: Runner) -> None:
    """check --year 108 --roster, early in the season when the one plan in is last year's: the unit was
    已收 and chased for its errors, as the year of most plans in (107) made the season's."""
    folder = tmp_path / "收件"
    folder.mkdir()
    write_template(folder / "甲.xlsx", year=107, unit="甲政風處", items=example_items(KINMEN))
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n乙政風處\n", encoding="utf-8")
    done = xltool("check", folder, "--roster", roster, "--year", "108", "-f", "json")
    statuses = {r["unit"]: r["status"] for r in json.loads(done.out)["receipts"]}
    assert statuses == {"甲政風處": "年度不符", "乙政風處": "未收"}
    # merge and render take the season's year too: with 乙's 108 plan in, and 丙's 107 as well, 107 was the
    # year of most plans, and the one plan of this season was left out
    write_template(folder / "乙.xlsx", year=108, unit="乙政風處", items=example_items(KINMEN))
    write_template(folder / "丙.xlsx", year=107, unit="丙政風處", items=example_items(KINMEN))
    roster.write_text("單位\n甲政風處\n乙政風處\n丙政風處\n", encoding="utf-8")
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", folder, "--roster", roster, "--year", "108", "-o", merged).status == 0
    assert {row[0] for row in load_workbook(merged)["彙整"].iter_rows(min_row=4, values_only=True)} == {"乙政風處"}
    printout = tmp_path / "列印.xlsx"
    printed = xltool("render", folder, "--roster", roster, "--year", "108", "-o", printout)
    [sheet] = load_workbook(printout).worksheets
    assert printed.status == 0 and str(sheet["A1"].value).startswith("乙政風處108年度")


def test_a_season_whose_year_no_one_said_and_the_plans_do_not_tell(tmp_path: Path, xltool: Runner) -> None:
    """As many plans for 108 as for 109 and no --year: check --roster said 已收 for all four, render printed
    both years, merge told a user who had given --roster to add --roster. Each now asks for --year; with it
    and no roster, merge leaves the other year's plans out and says which, counted in its closing line and
    listed in 檢查結果 (they went unsaid); a year no plan is for is said to be that."""
    folder = tmp_path / "收件"
    folder.mkdir()
    for name, year in (("甲", 108), ("乙", 109)):
        write_template(folder / f"{name}.xlsx", year=year, unit=f"{name}政風處", items=example_items(KINMEN))
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n乙政風處\n丙政風處\n", encoding="utf-8")
    asked = "看不出這次收件是哪一年度：請加上 --year 指定"
    assert asked in xltool("check", folder, "--roster", roster).err
    merged, printout = tmp_path / "彙整.xlsx", tmp_path / "列印.xlsx"
    for done in (xltool("merge", folder, "--roster", roster, "-o", merged),
                 xltool("render", folder, "--roster", roster, "-o", printout)):  # fmt: skip
        assert (done.status, done.code) == (2, "MERGE_MIXED_YEARS") and asked in done.err
    assert not merged.exists() and not printout.exists()
    done = xltool("merge", folder, "--year", "109", "-o", merged)
    assert done.status == 0 and "甲.xlsx：這是 108 年度的計畫，這次收件是 109 年度，未計入" in done.err
    assert "1 個檔案是其他年度的計畫，未計入" in done.err
    assert {row[0] for row in load_workbook(merged)["彙整"].iter_rows(min_row=4, values_only=True)} == {"乙政風處"}
    listed = [row for row in load_workbook(merged)["檢查結果"].iter_rows(values_only=True) if row[3] == "OTHER_YEAR"]
    assert [str(row[0]).endswith("甲.xlsx") for row in listed] == [True]
    none = xltool("merge", folder, "--year", "110", "-o", merged, "--force")
    assert (none.status, none.code) == (2, "MERGE_EMPTY") and "沒有 110 年度的計畫" in none.err
    # one plan more for 108: 108 is the season's, and said to be taken so (it may be January)
    write_template(folder / "丙.xlsx", year=108, unit="丙政風處", items=example_items(KINMEN))
    done = xltool("merge", folder, "--roster", roster, "-o", merged, "--force")
    assert done.status == 0 and "收到的計畫多數是 108 年度，這次收件以 108 年度為準" in done.err


def test_errors_fixed_in_a_newer_version_do_not_fail_the_season(tmp_path: Path, xltool: Runner) -> None:
    """甲 sent a plan with an error, then the corrected one: 收件情形 showed 0 errors, yet check --roster
    --require-all failed on the old version's error (merge --require-all passed). With a roster the versions
    that count decide; without one every file is checked as before."""
    folder = tmp_path / "收件"
    folder.mkdir()
    items = example_items(KINMEN)
    wrong = [replace(items[0], practice=""), *items[1:]]  # 這一列有資料但沒有具體作法: an error
    first = write_template(folder / "甲.xlsx", year=108, unit="甲政風處", items=wrong)
    os.utime(first, (first.stat().st_mtime - 60,) * 2)
    write_template(folder / "甲_修正.xlsx", year=108, unit="甲政風處", items=items)
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n", encoding="utf-8")
    done = xltool("check", folder, "--roster", roster, "--require-all")
    assert done.status == 0, done.out
    assert "共 2 個檔案：1 個錯誤" in done.out and "計入的版本：0 個錯誤" in done.out
    assert xltool("check", folder).status == 1  # no season: every file is its own
    # 收件情形 names the version that counts first, beside its figures (it named 甲.xlsx, by the name's order).
    [receipt] = json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    assert [Path(f).name for f in receipt["files"]] == ["甲_修正.xlsx", "甲.xlsx"] and receipt["errors"] == 0


def test_a_return_copy_left_in_the_inbox_is_not_the_units_newer_version(tmp_path: Path, xltool: Runner) -> None:
    """The office's 退回 folder ends up in the inbox: xltool's marked copy keeps the saved time of the file it
    was made from and is newer on disk, so it counted as the unit's newest version."""
    import shutil

    inbox = tmp_path / "收件"
    inbox.mkdir()
    plan = unit_plan(inbox / "甲.xlsx", "甲政風處")
    load_workbook(plan).save(plan)  # saved in a spreadsheet program, which records when
    os.utime(plan, (plan.stat().st_mtime - 60,) * 2)
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n", encoding="utf-8")
    returns = tmp_path / "退回"
    assert xltool("check", inbox, "--roster", roster, "--annotate-dir", returns).status in (0, 1)
    shutil.copytree(returns, inbox / "退回")
    receipts = json.loads(xltool("check", inbox, "--roster", roster, "-f", "json").out)["receipts"]
    counted = [Path(v["file"]) for v in receipts[0]["versions"] if v["counted"]]
    assert receipts[0]["status"] == "重複" and counted == [plan]
    assert "xltool 的標註副本" in receipts[0]["note"]


def test_a_plan_that_names_its_unit_only_政風處_is_told_by_its_files_name(
    season: tuple[Path, Path], xltool: Runner
) -> None:
    """高雄 shortened its name to 「政風處」: it was a unit off the roster, counted beside 高雄 (which stayed
    未收), with nothing said. Its file's name tells it; a file whose name does not either is said to."""
    folder, roster = season
    unit_plan(folder / "高雄市政府政風處108年度計畫.xlsx", "政風處")
    unit_plan(folder / "政風處(修正).xlsx", "政風處")
    receipts = {
        r["unit"]: r for r in json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    }
    kaohsiung = receipts["高雄市政府政風處"]
    assert kaohsiung["status"] == "已收" and "機關名稱只寫「政風處」，依檔名認定" in kaohsiung["note"]
    assert receipts["政風處"]["status"] == "名冊外" and "看不出是名冊上的哪個單位" in receipts["政風處"]["note"]


def test_next_years_plan_sent_after_last_rounds_merge_does_not_take_the_units_rows_out(
    tmp_path: Path, xltool: Runner
) -> None:
    """Last round's 彙整 holds 乙's 108 plan; 乙 then mails its 109 plan by mistake. The second-round merge
    the README recommends dropped 乙's 33 rows (its own file was of another year, the 彙整's copy not
    counted): the copy counts, and the note says why the file does not."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for unit in ("甲政風處", "乙政風處"):
        unit_plan(inbox / f"{unit}.xlsx", unit)
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n乙政風處\n", encoding="utf-8")
    last = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "-o", last).status == 0
    second = tmp_path / "第二輪"
    second.mkdir()
    write_template(second / "乙109.xlsx", year=109, unit="乙政風處", items=example_items(KINMEN))
    out = tmp_path / "第二輪.xlsx"
    done = xltool("merge", last, second, "--roster", roster, "--allow-duplicate-units", "-o", out)
    assert done.status == 0, done.err
    units = [row[0] for row in load_workbook(out)["彙整"].iter_rows(min_row=4, values_only=True)]
    assert units.count("乙政風處") == 33 and units.count("甲政風處") == 33
    assert (
        f"以已彙整的活頁簿 {last} 中的計畫為準；{second / '乙109.xlsx'} 是 109 年度的計畫，不計" in done.out + done.err
    )


def test_a_version_that_records_no_saved_time_is_dated_by_the_file(season: tuple[Path, Path], xltool: Runner) -> None:
    """A JSON records no saved time of its own: its file's date decides, and the note says 檔案日期
    of it, where it said 「… 存檔」 of the moment it was written to disk."""
    folder, roster = season
    made = folder / "臺中.json"
    assert xltool("read", folder / "臺中二.xlsx", "-f", "json", "-o", made).status == 0
    plan = json.loads(made.read_text(encoding="utf-8"))
    plan["items"][0]["budget"] = 99  # corrected in the JSON: a version of its own
    made.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    receipts = json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    note = next(r["note"] for r in receipts if r["unit"] == "臺中市政府政風處")
    assert re.search(r"臺中\.json（檔案日期 \d{4}-\d\d-\d\d \d\d:\d\d，", note), note
    assert re.search(r"臺中二\.xlsx（檔案日期 \d{4}-\d\d-\d\d \d\d:\d\d", note), note  # xltool wrote it


def test_a_json_read_of_a_version_is_dated_as_that_version(tmp_path: Path, xltool: Runner) -> None:
    """v1 and v2 of a unit, and the JSON read of v1 today: dated by its file, the JSON was the newest, and with
    v1 (the same plan) it kept v1 in the merge over v2, the correction. `read` writes the workbook's saved time
    into the JSON (``saved``), and the JSON is dated by it: v2 counts."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    first = unit_plan(inbox / "甲_v1.xlsx", "甲政風處", own="舊")
    _saved(first, "2019-02-01T09:00:00Z")
    second = unit_plan(inbox / "甲_v2.xlsx", "甲政風處", own="新")
    _saved(second, "2019-02-10T09:00:00Z")
    read = xltool("read", first, "-f", "json", "-o", inbox / "甲_v1.json")
    assert read.status == 0
    assert json.loads((inbox / "甲_v1.json").read_text(encoding="utf-8"))["saved"] == "2019-02-01T09:00:00+00:00"
    done = xltool("merge", inbox, "-o", tmp_path / "彙整.xlsx")
    assert f"以最新的 {second}（" in done.err
    assert f"{inbox / '甲_v1.json'}（2019-02-01 09:00 存檔" in done.err  # dated as v1, not as made today


@pytest.mark.usefixtures("office")
def test_an_xls_is_dated_by_the_saved_time_it_records(tmp_path: Path, xltool: Runner) -> None:
    """An .xls records when it was last saved (its SummaryInformation, as Excel and LibreOffice write it):
    dated by its file instead, as saved out of the mail today, last week's .xls counted over this week's
    corrected .xlsx."""
    from xltool.office import convert

    inbox, old = tmp_path / "收件", tmp_path / "舊"
    inbox.mkdir()
    old.mkdir()
    first = unit_plan(old / "甲.xlsx", "甲政風處", own="舊")
    _saved(first, "2019-02-01T09:00:00Z")
    xls = convert(first, "xls:MS Excel 97", inbox)
    _saved(unit_plan(inbox / "甲_修正版.xlsx", "甲政風處", own="新"), "2019-02-15T09:00:00Z")
    done = xltool("merge", inbox, "-o", tmp_path / "彙整.xlsx")
    assert f"以最新的 {inbox / '甲_修正版.xlsx'}（2019-02-15" in done.err and f"不計 {xls}（2019-02-01" in done.err
    # a plan xltool wrote, converted and never saved by anyone, records xltool's fixed time: none
    from xltool.saved import recorded_time

    assert recorded_time(convert(unit_plan(old / "乙.xlsx", "乙政風處"), "xls:MS Excel 97", old)) is None


def test_a_saved_time_years_ahead_does_not_outrank_the_corrections_sent_after_it(
    tmp_path: Path, xltool: Runner
) -> None:
    """A unit's first version was saved on a PC whose clock runs ten years ahead: believed, it counted over its
    correction (saved last week on a PC with a right clock) in this round and every later one, and the note
    named a saved time in 2036. A time later than now is no saved time: the file's date decides, and the note
    says why."""
    import datetime as dt

    inbox, late = tmp_path / "收件", tmp_path / "遲交"
    inbox.mkdir()
    late.mkdir()
    now = dt.datetime.now(dt.UTC)
    first = unit_plan(inbox / "甲.xlsx", "甲政風處", own="舊")
    _saved(first, f"{now.year + 10}-01-02T09:00:00Z")
    ago = (now - dt.timedelta(days=14)).timestamp()
    os.utime(first, (ago, ago))  # saved from the mail two weeks ago
    second = unit_plan(inbox / "甲_修正.xlsx", "甲政風處", own="新")
    _saved(second, f"{now - dt.timedelta(days=7):%Y-%m-%dT%H:%M:%SZ}")
    done = xltool("merge", inbox, "-o", tmp_path / "彙整.xlsx")
    assert done.status == 0, done.err
    assert f"以最新的 {second}（" in done.err
    assert f"不計 {first}（檔案日期 " in done.err and f"記的存檔時間 {now.year + 10}-01-02" in done.err
    assert "晚於現在，存檔的電腦時鐘可能有誤" in done.err
    # two rounds: the first version alone merged, its correction sent late counts over the 彙整's version
    round_one = tmp_path / "第一輪.xlsx"
    assert xltool("merge", first, "-o", round_one).status == 0
    shutil.move(second, late / second.name)
    again = xltool("merge", round_one, late, "-o", tmp_path / "第二輪.xlsx")
    assert again.status == 0, again.err
    assert f"以自己的檔案 {late / second.name} 為準" in again.err
    # a correction whose own clock runs ahead, set against last round's 彙整: dated by its file, and said so
    ahead = tmp_path / "又遲交"
    ahead.mkdir()
    fast = unit_plan(ahead / "甲_快.xlsx", "甲政風處", own="快")
    _saved(fast, f"{now.year + 3}-01-02T09:00:00Z")
    said = f"{fast} 記的存檔時間 {now.year + 3}-01-02"
    assert said in xltool("merge", round_one, ahead, "-o", tmp_path / "第三輪.xlsx").err
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n", encoding="utf-8")
    (line,) = json.loads(xltool("check", round_one, ahead, "--roster", roster, "-f", "json").out)["receipts"]
    assert said in line["note"] and "存檔的電腦時鐘可能有誤，以檔案日期計" in line["note"]


def _saved(path: Path, when: str) -> None:
    """Give a workbook xltool wrote (which records no saved time) the saved time ``when``, as Excel records it."""
    data = {}
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            data[name] = book.read(name)
    data["docProps/core.xml"] = re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + when.encode(), data["docProps/core.xml"]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, member in data.items():
            book.writestr(name, member)


def test_a_file_saved_again_between_two_runs_in_one_process_is_dated_by_its_new_save(tmp_path: Path) -> None:
    """A script that checks an inbox, waits for a unit's correction saved over the same file and checks again
    (or the test runner, which runs every command in one process) was told the first run's saved time."""
    from xltool.saved import saved_time

    plan = unit_plan(tmp_path / "甲政風處.xlsx", "甲政風處")
    _saved(plan, "2019-02-01T10:00:00Z")
    assert saved_time(plan).isoformat() == "2019-02-01T10:00:00+00:00"
    _saved(plan, "2019-02-05T10:00:00Z")
    os.utime(plan, (plan.stat().st_mtime + 60,) * 2)  # a minute later, as a save is (the clock's tick is coarse)
    assert saved_time(plan).isoformat() == "2019-02-05T10:00:00+00:00"


def test_the_json_read_from_a_workbook_is_the_same_plan_not_a_newer_version(tmp_path: Path, xltool: Runner) -> None:
    """An office read a unit's workbook to JSON into the inbox: the JSON, dated when it was made, counted as
    the unit's newer version over the workbook it was read from, and the note asked to confirm a tie. It is
    the same plan: counted once, said so, and nothing to confirm. The workbook is the one that counts, so
    that the unit's return copy is made of it (the JSON, counted, got none)."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    plan = unit_plan(inbox / "甲.xlsx", "甲政風處")
    assert xltool("read", plan, "-f", "json", "-o", inbox / "甲.json").status == 0
    done = xltool("merge", inbox, "-o", tmp_path / "彙整.xlsx")
    assert done.status == 0, done.err
    assert f"{inbox / '甲.json'} 與 {plan} 內容完全相同，只計一次" in done.err
    checked = xltool("check", inbox, "--annotate-dir", tmp_path / "退回")
    assert (tmp_path / "退回" / "甲_檢查.xlsx").exists(), checked.err
    assert "請確認" not in done.err and "以最新的" not in done.err
    units = [row[0] for row in load_workbook(tmp_path / "彙整.xlsx")["彙整"].iter_rows(min_row=4, values_only=True)]
    assert units.count("甲政風處") == 33


def test_a_plan_made_by_xltool_and_sent_as_it_is_is_dated_by_its_file(
    season: tuple[Path, Path], xltool: Runner
) -> None:
    """臺中 saved its plan in Excel, then a week later sent a corrected one made with xltool import: every
    workbook xltool writes records one fixed time (2019-01-01, so the same arguments give the same bytes),
    and the Excel file, «saved» later than 2019, counted; the office chased a plan already corrected."""
    folder, roster = season
    excel = folder / "臺中一.xlsx"
    load_workbook(excel).save(excel)  # saved by a spreadsheet program: it records the time it was saved
    (folder / "臺中二.xlsx").unlink()
    week_later = unit_plan(folder / "臺中二.xlsx", "臺中市政府政風處", own="臺中（修正）")  # corrected
    os.utime(week_later, (excel.stat().st_mtime + 7 * 86400,) * 2)
    receipts = json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    taichung = next(r for r in receipts if r["unit"] == "臺中市政府政風處")
    assert [Path(v["file"]).name for v in taichung["versions"] if v["counted"]] == ["臺中二.xlsx"]
    assert "2019-01-01" not in taichung["note"] and "臺中二.xlsx（檔案日期" in taichung["note"]


def test_the_closing_lines_count_files_as_files_and_units_as_units(
    season: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    """The chase list's line counted a file no unit could be told from as a unit; 「都已收到」 counted
    units and called them files (臺中 sent two)."""
    folder, roster = season
    (folder / "附件1.xlsx").write_bytes(b"PK\x03\x04 broken")  # no unit in its name, unreadable
    done = xltool("check", folder, "--roster", roster, "--chase", tmp_path / "待催.csv")
    assert "已寫出待催清單（2 個單位、1 個無法判斷單位的檔案）" in done.err
    for broken in ("附件1.xlsx", "桃園市政府政風處.xlsx"):
        (folder / broken).unlink()
    unit_plan(folder / "桃園市政府政風處.xlsx", "桃園市政府政風處")
    unit_plan(folder / "高雄.xlsx", "高雄市政府政風處")
    done = xltool("check", folder, "--roster", roster)
    assert "名冊上的單位都已收到（7 個檔案）" in done.out  # five units, 臺中 twice, and 金門 off the roster


def test_two_versions_nothing_tells_apart_are_said_to_be(season: tuple[Path, Path], xltool: Runner) -> None:
    """臺中's two files saved in the same second and written to disk at the same moment: one must count, and
    the note no longer calls it the newest without saying that nothing told them apart."""
    folder, roster = season
    first, second = folder / "臺中一.xlsx", folder / "臺中二.xlsx"
    second.unlink()
    unit_plan(second, "臺中市政府政風處", own="臺中修正")  # not the same file: one of them must be chosen
    os.utime(first, (second.stat().st_atime, second.stat().st_mtime))
    receipts = json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    note = next(r["note"] for r in receipts if r["unit"] == "臺中市政府政風處")
    assert "存檔時間與檔案日期都相同，無法判斷哪一個較新" in note


def test_copies_of_a_blank_named_plan_are_one_units_versions_not_units(tmp_path: Path, xltool: Runner) -> None:
    """Windows names a copy 丁 (1).xlsx or 丁 - 複製.xlsx, and a name typed with its extension while the
    Explorer hides extensions is 丁.xlsx.xlsx: without a roster each was a unit of its own, its budget
    counted four times. They are one unit's versions (the original counts when nothing tells them apart);
    two units' blank-named files of one name in two folders stay two units."""
    import shutil

    inbox = tmp_path / "收件匣"
    (inbox / "戊").mkdir(parents=True)
    original = unit_plan(inbox / "丁鄉公所.xlsx", "")
    for copy in ("丁鄉公所 (1).xlsx", "丁鄉公所 - 複製.xlsx", "丁鄉公所.xlsx.xlsx"):
        shutil.copy2(original, inbox / copy)
    unit_plan(inbox / "108年度廉政工作計畫.xlsx", "")
    unit_plan(inbox / "戊" / "108年度廉政工作計畫.xlsx", "")
    # A browser saves another unit's file of the same generic name beside it as 「… (1)」: a plan of its own.
    unit_plan(inbox / "108年度廉政工作計畫 (1).xlsx", "", own="己")
    out = tmp_path / "彙整.xlsx"
    done = xltool("merge", inbox, "-o", out)
    assert done.status == 0 and "已彙整 4 個檔案" in done.err and "另有 3 個版本未計入" in done.err
    assert f"與 {inbox / '丁鄉公所.xlsx'} 內容完全相同，只計一次" in done.err  # the same file thrice more
    units = {row[0] for row in load_workbook(out)["彙整"].iter_rows(min_row=4, values_only=True) if row[0]}
    assert len(units) == 4 and {"丁鄉公所", "108年度廉政工作計畫", "108年度廉政工作計畫（戊）"} < units


def test_without_a_roster_files_come_in_natural_order(tmp_path: Path, xltool: Runner) -> None:
    folder = tmp_path / "組"
    folder.mkdir()
    for n in (10, 2, 1):
        unit_plan(folder / f"第{n}組.xlsx", f"第{n}組政風室", own=f"第{n}組")
    out = tmp_path / "彙整.xlsx"
    assert xltool("merge", folder, "-o", out).status == 0
    overview = stats_table(load_workbook(out)["統計"], "各單位概況（預算單位：千元）")
    assert list(overview) == ["第1組政風室", "第2組政風室", "第10組政風室", "合計"]
    summary = xltool("check", folder).out.split("各檔案摘要：")[1]
    assert summary.index("第2組") < summary.index("第10組")


@pytest.mark.usefixtures("office")
def test_every_unit_gets_its_own_annotated_copy(season: tuple[Path, Path], tmp_path: Path, xltool: Runner) -> None:
    from xltool.office import convert

    folder, _ = season
    corrected = unit_plan(tmp_path / "金門修正.xlsx", "金門縣政府政風處", own="金門（修正）")
    ods = convert(corrected, "ods", folder / "北區")  # a unit that sent its corrected plan as .ods
    ods = ods.rename(folder / "北區" / "開放格式.ods")
    # 臺中's plan also as a JSON, newest of all: it has no cells to mark, so 臺中 gets its newest workbook
    assert xltool("read", folder / "臺中二.xlsx", "-f", "json", "-o", folder / "臺中.json").status == 0
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    returns = tmp_path / "退回"
    done = xltool("check", folder, "--annotate-dir", returns)
    assert done.status == 2  # the broken file is still reported
    made = sorted(str(p.relative_to(returns)) for p in returns.rglob("*.xlsx"))
    # one copy a unit: 金門 sent again as 開放格式.ods, 臺中 sent twice — the version the season counts
    assert made == ["北區/台北_檢查.xlsx", "北區/新北_檢查.xlsx", "北區/開放格式_檢查.xlsx", "臺中二_檢查.xlsx"]
    lines = done.err.splitlines()
    for old, new, why in (("臺中一.xlsx", "臺中二.xlsx", "內容完全相同"), ("金門.xlsx", "開放格式.ods", "較新的檔案")):
        said = next(line for line in lines if old in line)
        assert "不需副本" in said and why in said and new in said  # 臺中 sent the same file twice
    assert "桃園市政府政風處.xlsx" in done.err and "未產生副本" in done.err
    marked = load_workbook(returns / "北區" / "開放格式_檢查.xlsx")
    assert "檢查結果" in marked.sheetnames and marked["計畫表"]["F6"].comment is not None
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before  # inputs untouched
    again = xltool("check", folder, "--annotate-dir", returns)
    assert again.status == 2 and "檔案已存在" in again.err  # not over last time's without --force


def test_unit_folders_given_one_by_one_each_get_their_copy(tmp_path: Path, xltool: Runner) -> None:
    """`check 甲 乙 --annotate-dir 退回` (or 收件匣\\* on Windows, which xltool expands to the folders), each
    folder with its 108年度廉政工作計畫.xlsx: one copy came back oddly named and 乙 got none (exit 2)."""
    for unit in ("甲", "乙"):
        (tmp_path / unit).mkdir()
        unit_plan(tmp_path / unit / "108年度廉政工作計畫.xlsx", f"{unit}鄉公所")
    returns = tmp_path / "退回"
    done = xltool("check", tmp_path / "甲", tmp_path / "乙", "--annotate-dir", returns)
    assert done.status == 0, done.err
    assert sorted(p.relative_to(returns).as_posix() for p in returns.rglob("*.xlsx")) == [
        "乙/108年度廉政工作計畫_檢查.xlsx",
        "甲/108年度廉政工作計畫_檢查.xlsx",
    ]


def test_similar_plans_are_found_and_distinct_ones_are_not(tmp_path: Path, xltool: Runner) -> None:
    folder = tmp_path / "各單位"
    folder.mkdir()
    unit_plan(folder / "甲.xlsx", "甲政風處", own="甲處")
    unit_plan(folder / "乙.xlsx", "乙政風處", own="甲處")  # 乙 copied 甲's plan
    unit_plan(folder / "丙.xlsx", "丙政風處", own="丙處")
    out = tmp_path / "彙整.xlsx"
    assert xltool("merge", folder, "-o", out).status == 0
    similar = stats_table(load_workbook(out)["統計"], "相似計畫（具體作法相同達 80% 以上的單位）")
    pairs = [(row["單位一"], row["單位二"], row["相同比例"]) for row in similar.values()]
    assert pairs == [("乙政風處", "甲政風處", 1)] or pairs == [("甲政風處", "乙政風處", 1)]
    # a number shown as a percentage, so that the column sorts (as text 「100%」 came before 「87%」)
    sheet = load_workbook(out)["統計"]
    [share] = [row[3] for row in sheet.iter_rows() if row[3].value == 1 and row[0].value in ("甲政風處", "乙政風處")]
    assert share.number_format == "0%"


def test_a_plan_copied_with_its_own_name_put_in_is_still_a_copy(tmp_path: Path, xltool: Runner) -> None:
    """連江 copied 金門's plan, 本府 made 「連江縣政府」 and 縣長 「連江縣長」: 相似計畫 said （無）."""
    from xltool.template import write_template

    folder = tmp_path / "各單位"
    folder.mkdir()
    items = example_items(KINMEN)
    write_template(folder / "金門.xlsx", year=108, unit="金門縣政府政風處", items=items)
    copied = [replace(i, practice=i.practice.replace("本府", "連江縣政府").replace("縣長", "連江縣長")) for i in items]
    assert sum(a.practice != b.practice for a, b in zip(items, copied, strict=True)) >= 5
    write_template(folder / "連江.xlsx", year=108, unit="連江縣政府政風處", items=copied)
    out = tmp_path / "彙整.xlsx"
    assert xltool("merge", folder, "-o", out).status == 0
    similar = stats_table(load_workbook(out)["統計"], "相似計畫（具體作法相同達 80% 以上的單位）")
    assert {frozenset((row["單位一"], row["單位二"])) for row in similar.values()} == {
        frozenset(("金門縣政府政風處", "連江縣政府政風處"))
    }


def test_findings_sheet_lists_what_must_be_fixed_first_and_infos_only_when_asked(
    tmp_path: Path, xltool: Runner
) -> None:
    folder = tmp_path / "各單位"
    folder.mkdir()
    unit_plan(folder / "甲.xlsx", "甲政風處")
    plain, with_infos = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert xltool("merge", folder, "-o", plain).status == 0
    assert xltool("merge", folder, "-o", with_infos, "--info").status == 0
    severities = [r[2] for r in load_workbook(plain)["檢查結果"].iter_rows(min_row=2, values_only=True)]
    assert set(severities) == {"警告"} and len(severities) == 20
    severities = [r[2] for r in load_workbook(with_infos)["檢查結果"].iter_rows(min_row=2, values_only=True)]
    assert "提示" in severities and severities.index("提示") == 20 and set(severities[20:]) == {"提示"}


def test_every_merged_sheet_has_a_page_setup(tmp_path: Path, xltool: Runner) -> None:
    folder = tmp_path / "各單位"
    folder.mkdir()
    unit_plan(folder / "甲.xlsx", "甲政風處")
    out = tmp_path / "彙整.xlsx"
    assert xltool("merge", folder, "-o", out).status == 0
    with zipfile.ZipFile(out) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        for n in (1, 2, 3):
            sheet = archive.read(f"xl/worksheets/sheet{n}.xml").decode()
            assert 'paperSize="9"' in sheet and 'orientation="landscape"' in sheet
            assert 'fitToWidth="1"' in sheet or "fitToPage" in sheet
        chart = next(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart"))
    assert workbook.count("_xlnm.Print_Titles") == 2  # 彙整 and 檢查結果 repeat their header row
    assert 'formatCode="#,##0"' in chart and '<c:showVal val="1"/>' in chart  # separators and value labels


@pytest.mark.usefixtures("office")
def test_the_statistics_print_one_page_wide(season: tuple[Path, Path], tmp_path: Path, xltool: Runner) -> None:
    """Each table of 統計 on a page of its own, every column of it on that page (the unit names and the
    合計 column together), and the chart whole."""
    from xltool.office import convert

    folder, roster = season
    out = tmp_path / "彙整.xlsx"
    assert xltool("merge", folder, "--roster", roster, "--skip-bad", "--allow-duplicate-units", "-o", out).status == 0
    only_stats = tmp_path / "統計.xlsx"
    book = load_workbook(out)
    for name in book.sheetnames:
        if name != "統計":
            del book[name]
    book.save(only_stats)
    pdf = convert(only_stats, "pdf", tmp_path)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout.split("\f")
    overview = next(page for page in pages if "各單位概況" in page)
    assert "臺北市政府政風處" in overview or "台北市政府政風處" in overview
    assert "綜合規劃業務" in overview and "其他" in overview  # first and last category on the same page
    assert re.search(r"合計\s+\d", overview)


def test_rounds_given_by_name_count_each_unit_once(tmp_path: Path, xltool: Runner) -> None:
    """Two rounds' 彙整 given by name (or one mailed twice) added every unit up (132 practices for 66); a unit's
    own file of another year beside last round's 彙整 was dropped without a word. Each unit now counts once,
    from the newest 彙整 where it has no file of its own, and the file left out is said to be."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for unit in ("甲政風處", "乙政風處"):
        unit_plan(inbox / f"{unit}.xlsx", unit)
    first, second = tmp_path / "第一輪.xlsx", tmp_path / "第二輪.xlsx"
    assert xltool("merge", inbox, "-o", first).status == 0
    shutil.copy(first, second)  # the same 彙整 again: mailed twice, or a round that changed nothing
    out = tmp_path / "第三輪.xlsx"
    done = xltool("merge", first, second, "-o", out)
    assert done.status == 0 and "已彙整" in done.err
    assert len(read_plan(out).items) == 2 * 33
    late = tmp_path / "遲交"
    late.mkdir()
    write_template(late / "乙109.xlsx", year=109, unit="乙政風處", items=example_items(KINMEN))
    done = xltool("merge", first, late, "-o", out, "--force")
    assert done.status == 0 and "乙109.xlsx" in done.err and "109 年度" in done.err  # said, not dropped
    assert len(read_plan(out).items) == 2 * 33
    # next year's round given beside it: the season's year picks the 彙整 (the newest, 109, won and left nothing)
    for unit in ("甲政風處", "乙政風處"):
        write_template(late / f"{unit}109.xlsx", year=109, unit=unit, items=example_items(KINMEN))
    (late / "乙109.xlsx").unlink()
    following = tmp_path / "109第一輪.xlsx"
    assert xltool("merge", late, "-o", following).status == 0
    done = xltool("merge", first, following, "--year", "108", "-o", out, "--force")
    assert done.status == 0, done.err
    assert read_plan(out).year == 108 and len(read_plan(out).items) == 2 * 33


def test_the_seasons_year_is_most_units_not_most_files(tmp_path: Path, xltool: Runner) -> None:
    """甲 sent its 108 plan three times, 乙 and 丙 their 109 plans: 108 was taken for the season (three files
    to two) and the two units that sent this year's plan were 年度不符 and chased."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for name in ("甲", "甲(1)", "甲_修正"):
        unit_plan(inbox / f"{name}.xlsx", "甲政風處")
    for unit in ("乙", "丙"):
        write_template(inbox / f"{unit}.xlsx", year=109, unit=f"{unit}政風處", items=example_items(KINMEN))
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n乙政風處\n丙政風處\n", encoding="utf-8")
    receipts = json.loads(xltool("check", inbox, "--roster", roster, "-f", "json").out)["receipts"]
    assert {r["unit"]: r["status"] for r in receipts} == {
        "甲政風處": "年度不符",
        "乙政風處": "已收",
        "丙政風處": "已收",
    }


def test_two_units_that_wrote_only_their_level_are_two_units(tmp_path: Path, xltool: Runner) -> None:
    """「鄉公所政風室」 and 「鄉公所」, each in its own unit's folder: read as one unit by the rule that makes
    丙鄉公所 and 丙鄉公所政風室 one, the first was dropped as an older version."""
    inbox = tmp_path / "收件"
    for folder, unit in (("甲鄉公所", "鄉公所政風室"), ("乙鄉公所", "鄉公所")):
        (inbox / folder).mkdir(parents=True)
        unit_plan(inbox / folder / "計畫.xlsx", unit)
    done = xltool("merge", inbox, "-o", tmp_path / "彙整.xlsx")
    assert done.status == 0 and "有 2 個檔案" not in done.err
    assert len(read_plan(tmp_path / "彙整.xlsx").items) == 2 * 33


def test_a_merged_workbook_compared_with_itself_changes_nothing(tmp_path: Path, xltool: Runner) -> None:
    """A 彙整 that holds 丙鄉公所 and 丙鄉公所政風室 as two units (merged with --allow-duplicate-units): diff paired
    units as one by the agency's name and read the file against itself as 新增 of one of them."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    unit_plan(inbox / "a.xlsx", "丙鄉公所")
    unit_plan(inbox / "b.xlsx", "丙鄉公所政風室", own="丙")
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", inbox, "-o", merged, "--allow-duplicate-units").status == 0
    assert len(read_plan(merged).items) == 2 * 33
    done = xltool("diff", merged, merged)
    assert done.status == 0 and "新增" not in done.out.split("單位：")[0] and "兩版都有 2 個" in done.out


def test_a_unit_in_last_rounds_merge_that_sent_again_is_received(tmp_path: Path, xltool: Runner) -> None:
    """The second round with a roster: 乙, in last round's 彙整 (given by name) and in the late folder with
    its corrected plan, was 「重複」 in 收件情形, as if it had mailed two versions; it is 已收, from its own file.
    check of the same inputs said 重複 after merge was mended: its intake was not told what was given by name."""
    inbox, late = tmp_path / "收件", tmp_path / "遲交"
    inbox.mkdir()
    late.mkdir()
    for unit in ("甲政風處", "乙政風處"):
        unit_plan(inbox / f"{unit}.xlsx", unit)
    unit_plan(late / "乙政風處_修正.xlsx", "乙政風處", own="乙")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n乙政風處\n", encoding="utf-8")
    first = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "-o", first).status == 0
    done = xltool("merge", first, late, "--roster", roster, "-o", tmp_path / "第二輪.xlsx")
    assert done.status == 0, done.err
    rows = {line.split()[0]: line.split()[1] for line in done.out.splitlines() if line.startswith(("甲", "乙"))}
    assert rows == {"甲政風處": "已收", "乙政風處": "已收"} and "以自己的檔案" in done.out
    receipts = json.loads(xltool("check", first, late, "--roster", roster, "-f", "json").out)["receipts"]
    assert {r["unit"]: r["status"] for r in receipts} == {"甲政風處": "已收", "乙政風處": "已收"}


def test_a_unit_told_by_its_files_name_twice_is_said_so_once_and_a_stale_copy_named_once(
    tmp_path: Path, xltool: Runner
) -> None:
    """A blank-named unit whose newer file is damaged read 「依檔名認定；依檔名認定」; a unit that sent back its
    return copy with everything fixed had the old copy named twice in 「請勿寄出」 (its original and its copy
    both pointed at it)."""
    inbox, returns = tmp_path / "收件匣", tmp_path / "退回"
    inbox.mkdir()
    unit_plan(inbox / "臺東縣延平鄉公所.xlsx", "臺東縣延平鄉公所", own="延平")
    unit_plan(inbox / "臺東縣政府.xlsx", "", own="縣府")
    (inbox / "臺東縣政府_修正.xlsx").write_bytes(b"PK\x03\x04 broken")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n臺東縣延平鄉公所\n臺東縣政府\n", encoding="utf-8")
    assert xltool("check", inbox, "--roster", roster, "--annotate-dir", returns).status == 2  # one file unreadable
    copy = returns / "臺東縣延平鄉公所_檢查.xlsx"
    edited = load_workbook(copy)
    sheet = edited["計畫表"]
    for row in range(4, sheet.max_row + 1):
        if sheet[f"C{row}"].value and not sheet[f"F{row}"].value:
            sheet[f"F{row}"] = "無"
    edited.save(inbox / copy.name)
    original = inbox / "臺東縣延平鄉公所.xlsx"
    os.utime(original, (original.stat().st_mtime - 3600,) * 2)  # sent last week; the copy records today
    done = xltool("check", inbox, "--roster", roster, "--annotate-dir", returns, "--force")
    assert "臺東縣政府：機關名稱空白，依檔名認定；以" in done.out
    assert done.err.count(str(copy)) == 1 and "請勿寄出" in done.err


def test_every_version_in_the_json_has_every_key(season: tuple[Path, Path], xltool: Runner) -> None:
    """A 年度不符 unit's versions had only file, counted and year: a script reading a version's practices or
    errors, as README lists them, stopped with a KeyError."""
    folder, roster = season
    write_template(folder / "高雄109.xlsx", year=109, unit="高雄市政府政風處", items=example_items(KINMEN))
    receipts = json.loads(xltool("check", folder, "--roster", roster, "-f", "json").out)["receipts"]
    keys = {"file", "saved", "counted", "year", "practices", "budget", "errors", "warnings", "error"}
    assert [set(v) for r in receipts for v in r["versions"]] == [keys] * sum(len(r["versions"]) for r in receipts)
    kaohsiung = next(r for r in receipts if r["unit"] == "高雄市政府政風處")
    assert kaohsiung["status"] == "年度不符"
    assert kaohsiung["versions"][0] | {"file": ""} == {
        "file": "", "saved": "", "counted": False, "year": 109, "practices": 33, "budget": 1865,
        "errors": kaohsiung["versions"][0]["errors"], "warnings": kaohsiung["versions"][0]["warnings"], "error": "",
    }  # fmt: skip


def test_a_file_named_by_a_units_short_name_is_that_units(tmp_path: Path, xltool: Runner) -> None:
    """太麻里 copied 大武's plan into 「太麻里鄉公所.xlsx」 and left 大武's 機關名稱: the short name (no 臺東縣, no alias
    on the roster) named no unit, so the newer copy counted over 大武's own file and 太麻里 was told nothing. A
    short name only one roster unit has is that unit's, as the full one is; another county's is not."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    own = unit_plan(inbox / "大武鄉公所.xlsx", "臺東縣大武鄉公所", own="大武")
    copied = unit_plan(inbox / "太麻里鄉公所.xlsx", "臺東縣大武鄉公所", own="太麻里")
    os.utime(copied, (own.stat().st_mtime + 3600,) * 2)
    unit_plan(inbox / "新北市池上鄉公所.xlsx", "", own="新北")  # blank-named: no 臺東縣池上鄉公所's file
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n臺東縣大武鄉公所\n臺東縣太麻里鄉公所\n臺東縣池上鄉公所\n臺東縣政府\n", encoding="utf-8")
    receipts = {
        r["unit"]: r for r in json.loads(xltool("check", inbox, "--roster", roster, "-f", "json").out)["receipts"]
    }
    dawu = receipts["臺東縣大武鄉公所"]
    assert [v["file"] for v in dawu["versions"] if v["counted"]] == [str(own)]
    assert dawu["note"].count("檔名是「臺東縣太麻里鄉公所」") == 1  # said where the copy is listed, not again
    assert receipts["臺東縣太麻里鄉公所"]["status"] == "未收" and "可能是" in receipts["臺東縣太麻里鄉公所"]["note"]
    assert receipts["臺東縣池上鄉公所"]["status"] == "未收"


def test_a_file_named_after_another_unit_does_not_replace_a_units_plan_from_last_round(
    tmp_path: Path, xltool: Runner
) -> None:
    """In one inbox, 乙's copy of 甲's plan (named 乙, 機關名稱 甲) never counts over 甲's own file; in the second
    round it replaced 甲's plan from last round's 彙整, and 甲's practices went out of the merge."""
    first, late, roster = round_one(tmp_path, xltool, {"甲政風處.xlsx": ("甲政風處", "甲")}, ["甲政風處", "乙政風處"])
    unit_plan(late / "乙政風處.xlsx", "甲政風處", own="乙")
    second = tmp_path / "第二輪.xlsx"
    done = xltool("merge", first, late, "--roster", roster, "-o", second)
    assert done.status == 0, done.err
    practices = {row[3] for row in load_workbook(second)["彙整"].iter_rows(min_row=4, values_only=True)}
    assert any("甲第" in str(p) for p in practices) and not any("乙第" in str(p) for p in practices)
    receipts = json.loads(xltool("check", first, late, "--roster", roster, "-f", "json").out)["receipts"]
    jia, yi = receipts
    assert jia["status"] == "已收" and [Path(v["file"]).name for v in jia["versions"] if v["counted"]] == [first.name]
    assert "以已彙整的活頁簿" in jia["note"] and "檔名是「乙政風處」" in jia["note"]
    assert yi["status"] == "未收" and "可能是" in yi["note"]


def test_a_unit_that_corrected_its_short_name_is_one_unit(tmp_path: Path, xltool: Runner) -> None:
    """鹿野 first wrote 「鹿野鄉公所政風室」 (名冊外, 「是否為「臺東縣鹿野鄉公所」？」), then sent its plan under its full
    name: in the second round, and in one inbox, both counted, 統計 had the plan twice and the question was gone.
    The short name is the unit's older version; the newest counts."""
    inbox, late = tmp_path / "收件", tmp_path / "遲交"
    inbox.mkdir()
    late.mkdir()
    first = unit_plan(inbox / "鹿野鄉公所.xlsx", "鹿野鄉公所政風室", own="舊")
    unit_plan(inbox / "池上鄉公所.xlsx", "臺東縣池上鄉公所", own="池上")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n臺東縣鹿野鄉公所\n臺東縣池上鄉公所\n", encoding="utf-8")
    round_one = tmp_path / "第一輪.xlsx"
    done = xltool("merge", inbox, "--roster", roster, "-o", round_one)
    assert done.status == 0 and "是否為「臺東縣鹿野鄉公所」？" in done.out  # nothing else says it is, yet
    corrected = unit_plan(late / "鹿野鄉公所_更正.xlsx", "臺東縣鹿野鄉公所", own="新")
    os.utime(first, (corrected.stat().st_mtime - 3600,) * 2)
    round_two = tmp_path / "第二輪.xlsx"
    done = xltool("merge", round_one, late, "--roster", roster, "-o", round_two)
    assert done.status == 0, done.err
    overview = stats_table(load_workbook(round_two)["統計"], "各單位概況（預算單位：千元）")
    assert [unit for unit in overview if unit != "合計"] == ["臺東縣鹿野鄉公所", "臺東縣池上鄉公所"]
    assert len(read_plan(round_two).items) == 2 * 33
    assert "檔案寫「鹿野鄉公所政風室」" in done.out
    shutil.copy(corrected, inbox)  # the same two files in one inbox: versions of one unit
    receipts = json.loads(xltool("check", inbox, "--roster", roster, "-f", "json").out)["receipts"]
    assert [(r["unit"], r["status"]) for r in receipts] == [("臺東縣鹿野鄉公所", "重複"), ("臺東縣池上鄉公所", "已收")]
    assert [Path(v["file"]).name for v in receipts[0]["versions"] if v["counted"]] == [corrected.name]


def test_a_name_only_alike_a_unit_that_has_sent_its_own_is_still_asked_about(tmp_path: Path, xltool: Runner) -> None:
    """The police bureau first wrote 「臺東縣警察局政風室」 (off the roster's 「臺東縣政府警察局」, only alike: 名冊外,
    「是否為」), then sent its correction under the roster's name. Alike names are not taken for one unit, so both
    count; but the question was gone (it was asked only while the roster unit had nothing), and 統計 held the
    plan twice without a word. Both lines now say it."""
    first, late, roster = round_one(
        tmp_path, xltool, {"警察局.xlsx": ("臺東縣警察局政風室", "舊")}, ["臺東縣政府警察局", "臺東縣政府"]
    )
    unit_plan(late / "警察局_修正.xlsx", "臺東縣政府警察局", own="新")
    receipts = json.loads(xltool("check", first, late, "--roster", roster, "-f", "json").out)["receipts"]
    lines = {r["unit"]: r for r in receipts}
    assert lines["臺東縣政府警察局"]["status"] == "已收" and lines["臺東縣警察局政風室"]["status"] == "名冊外"
    assert (
        "是否為「臺東縣政府警察局」？該單位另有檔案，若是同一個單位，這一份是重複計入的舊版"
        in (lines["臺東縣警察局政風室"]["note"])
    )
    assert f"名冊外的「臺東縣警察局政風室」（{first}）可能是同一個單位，也已計入" in lines["臺東縣政府警察局"]["note"]
    # a sibling off the roster (第二 beside the roster's 第一) is another unit, not a version counted twice
    sibling = unit_plan(late / "第二分局.xlsx", "臺東縣政府警察局第二分局", own="二")
    first_branch = unit_plan(late / "第一分局.xlsx", "臺東縣政府警察局第一分局", own="一")
    roster.write_text("單位\n臺東縣政府警察局第一分局\n", encoding="utf-8")
    receipts = json.loads(xltool("check", first_branch, sibling, "--roster", roster, "-f", "json").out)["receipts"]
    assert all("重複計入" not in r["note"] and "也已計入" not in r["note"] for r in receipts), receipts


# A unit's two versions under two names in round one, made one roster unit for round two by an alias: the
# police bureau's old plan under its office's title and its correction under the roster's name; two units the
# roster has since joined (甲 and 乙 made one, their old names its aliases). Each shape: its files (name → 機關名稱,
# own words, saved), round one's roster, round two's, the roster unit and the own words of its newest version.
_JOINED = {
    "alias": (
        {"警察局.xlsx": ("臺東縣警察局政風室", "舊", "2019-02-01T09:00:00Z"),
         "警察局_修正.xlsx": ("臺東縣政府警察局", "新", "2019-02-10T09:00:00Z"),
         "縣府.xlsx": ("臺東縣政府", "縣府", "2019-02-10T09:00:00Z")},
        "單位\n臺東縣政府警察局\n臺東縣政府\n", "單位,別名\n臺東縣政府警察局,臺東縣警察局\n臺東縣政府,\n",
        "臺東縣政府警察局", "新",
    ),
    "joined": (  # the newer is the roster's second: the newest counts, not the first in the 彙整
        {"甲政風處.xlsx": ("甲政風處", "甲", "2019-02-01T09:00:00Z"),
         "乙政風處.xlsx": ("乙政風處", "乙", "2019-02-10T09:00:00Z"),
         "丙政風處.xlsx": ("丙政風處", "丙", "2019-02-10T09:00:00Z")},
        "單位\n甲政風處\n乙政風處\n丙政風處\n", "單位,別名\n甲乙政風處,甲政風處、乙政風處\n丙政風處,\n",
        "甲乙政風處", "乙",
    ),
}  # fmt: skip


@pytest.mark.parametrize("shape", list(_JOINED))
def test_a_units_two_versions_in_last_rounds_merge_count_once_when_the_roster_joins_their_names(
    tmp_path: Path, xltool: Runner, shape: str
) -> None:
    """Round one asked whether 「臺東縣警察局政風室」 was 「臺東縣政府警察局」, and the office added the alias for round
    two. Read from the 彙整, the unit's two versions were two parts of one file, and both counted: 已收 with 66
    practices, 統計 the plan twice, where the same roster on round one's files said 重複 and counted the newest.
    Round two says what the files say: 重複, the newest version alone, the totals once."""
    plans, first_roster, second_roster, unit, newest = _JOINED[shape]
    inbox, late = tmp_path / "收件", tmp_path / "遲交"
    inbox.mkdir()
    late.mkdir()
    for name, (written, own, saved) in plans.items():
        _saved(unit_plan(inbox / name, written, own=own), saved)
    roster = tmp_path / "名冊.csv"
    roster.write_text(first_roster, encoding="utf-8")
    first = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "-o", first).status == 0
    roster.write_text(second_roster, encoding="utf-8")
    files = json.loads(xltool("check", inbox, "--roster", roster, "-f", "json").out)["receipts"]
    from_files = {r["unit"]: (r["status"], r["practices"], r["budget"]) for r in files}
    assert from_files[unit] == ("重複", 33, 1865)  # the reference: the unit's own files, the same roster
    second = tmp_path / "第二輪.xlsx"
    done = xltool("merge", first, late, "--roster", roster, "-o", second)
    assert done.status == 0, done.err
    book = load_workbook(second)
    sheet = {row[0]: row for row in book["收件情形"].iter_rows(min_row=4, values_only=True) if row[0]}
    assert sheet[unit][1] == "重複" and sheet[unit][3:5] == (33, 1865), sheet[unit]
    assert "以最新的" in sheet[unit][7], sheet[unit][7]
    overview = stats_table(book["統計"], "各單位概況（預算單位：千元）")
    assert [name for name in overview if name != "合計"] == list(from_files)
    assert (overview["合計"]["具體作法數"], overview["合計"]["預算(千元)"]) == (2 * 33, 2 * 1865)
    column = [f.key for f in MERGED_FIELDS].index("practice")
    practices = [row[column] for row in book["彙整"].iter_rows(min_row=4, values_only=True) if row[0] == unit]
    assert len(practices) == 33 and all(f"、{newest}第" in str(p) for p in practices), practices[:2]
    again = json.loads(xltool("check", first, late, "--roster", roster, "-f", "json").out)["receipts"]
    assert {r["unit"]: (r["status"], r["practices"], r["budget"]) for r in again} == from_files


def test_a_units_rows_retyped_under_another_spelling_in_last_rounds_merge_are_still_one_version(
    tmp_path: Path, xltool: Runner
) -> None:
    """Two units of one 彙整 that are one roster unit are its versions only when they came from other files: a few
    單位 cells retyped 台 for 臺 (or sorted and filled in by hand) are rows of one version, all counted."""
    first, late, roster = round_one(tmp_path, xltool, {"縣府.xlsx": ("臺東縣政府", "縣府")}, ["臺東縣政府"])
    book = load_workbook(first)
    for row in list(book["彙整"].iter_rows(min_row=4))[:3]:
        row[0].value = "台東縣政府"
    book.save(first)
    (line,) = json.loads(xltool("check", first, late, "--roster", roster, "-f", "json").out)["receipts"]
    assert (line["status"], line["practices"], line["budget"]) == ("已收", 33, 1865), line


def test_a_unit_chased_from_last_rounds_merge_is_pointed_at_its_own_file(
    tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """乙's plan had an error in round one, and the chase list named its file, 收件/乙政風處.xlsx. In round two, 乙
    having sent nothing new, the chase list named 第一輪.xlsx, the office's 彙整 of every unit, as 乙's file to
    return. It names 乙's own file again, from the 彙整's 來源檔案; 收件情形 and the terminal keep the 彙整 (what
    counts) and say where the unit's rows in it came from."""
    monkeypatch.chdir(tmp_path)  # paths as an office types them: short enough for the terminal's column
    inbox, late, roster = Path("收件"), Path("遲交"), Path("名冊.csv")
    inbox.mkdir()
    late.mkdir()
    unit_plan(inbox / "甲政風處.xlsx", "甲政風處", own="甲")
    items = example_items(KINMEN)
    write_template(
        inbox / "乙政風處.xlsx", year=108, unit="乙政風處", items=[replace(items[0], category=""), *items[1:]]
    )
    roster.write_text("單位,承辦人,電子郵件\n甲政風處,王,a@x\n乙政風處,李,b@x\n丙政風處,陳,c@x\n", encoding="utf-8")
    xltool("merge", inbox, "--roster", roster, "-o", "第一輪.xlsx", "--chase", "待催1.csv")
    unit_plan(late / "丙政風處.xlsx", "丙政風處", own="丙")
    done = xltool("merge", "第一輪.xlsx", late, "--roster", roster, "-o", "第二輪.xlsx", "--chase", "待催2.csv")
    assert Path("第二輪.xlsx").exists(), done.err
    chased = [
        {row["單位"]: row for row in csv.DictReader(io.StringIO(Path(name).read_bytes().decode("utf-8-sig")))}
        for name in ("待催1.csv", "待催2.csv")
    ]
    own = str(inbox / "乙政風處.xlsx")
    assert chased[0]["乙政風處"]["檔案"] == own  # round one's
    assert (chased[1]["乙政風處"]["狀態"], chased[1]["乙政風處"]["檔案"]) == ("有錯誤", own)
    sheet = {row[0]: row[2] for row in load_workbook("第二輪.xlsx")["收件情形"].iter_rows(min_row=4, values_only=True)}
    assert sheet["乙政風處"] == f"第一輪.xlsx（來源：{own}）" and sheet["丙政風處"] == str(late / "丙政風處.xlsx")
    (terminal,) = [line for line in done.out.splitlines() if line.startswith("乙政風處")]
    assert "第一輪.xlsx（來源：" in terminal, done.out


def test_an_old_return_copy_in_the_second_round_loses_to_the_newer_version_merged(
    tmp_path: Path, xltool: Runner
) -> None:
    """甲's return copy of its first version (saved 02-01) in the second round's folder, after last round merged
    甲's correction (saved 02-10): the copy, a unit's own file, counted over the 彙整. The 彙整 now records when
    each unit's file was saved (來源存檔時間): the version merged counts, and the copy is said to be older. A 彙整
    of an earlier xltool, without that column, still lets the copy count and asks the office to look."""
    inbox, late, returns = tmp_path / "收件", tmp_path / "遲交", tmp_path / "退回"
    inbox.mkdir()
    late.mkdir()
    first = unit_plan(inbox / "甲政風處.xlsx", "甲政風處", own="舊")
    _saved(first, "2019-02-01T10:00:00Z")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n", encoding="utf-8")
    assert xltool("check", inbox, "--roster", roster, "--annotate-dir", returns).status in (0, 1)
    _saved(unit_plan(inbox / "甲政風處_修正.xlsx", "甲政風處", own="新"), "2019-02-10T10:00:00Z")
    round_one = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "-o", round_one).status == 0
    shutil.copy(returns / "甲政風處_檢查.xlsx", late)
    second = tmp_path / "第二輪.xlsx"
    done = xltool("merge", round_one, late, "--roster", roster, "-o", second)
    assert done.status == 0, done.err
    assert "以已彙整的活頁簿" in done.out and "甲政風處_檢查.xlsx（存檔時間早於其中的版本）" in done.out
    practices = {str(row[3]) for row in load_workbook(second)["彙整"].iter_rows(min_row=4, values_only=True)}
    assert any("新第" in p for p in practices) and not any("舊第" in p for p in practices)
    # last round's 彙整 as an earlier xltool wrote it: nothing says when 甲's version was saved
    book = load_workbook(round_one)
    sheet = book["彙整"]
    saved_column = next(c for c in sheet[3] if c.value == "來源存檔時間").column
    for (cell,) in sheet.iter_rows(min_row=3, min_col=saved_column, max_col=saved_column):
        cell.value = None
    book.save(round_one)
    done = xltool("merge", round_one, late, "--roster", roster, "-o", second, "--force")
    assert done.status == 0, done.err
    assert "甲政風處_檢查.xlsx（2019-02-01" in done.out and "是 xltool 的標註副本，沒有比已彙整的版本新" in done.out
    assert "請移出後重新執行" in done.out


def test_a_return_copy_the_unit_corrected_after_its_version_was_merged_is_not_told_to_be_moved_out(
    tmp_path: Path, xltool: Runner
) -> None:
    """甲's version (saved 02-01) was merged and returned; 甲 corrected the return copy and saved it on 02-05,
    before the office's 彙整 was saved (today). It counts, rightly, but the note called it older than the 彙整
    and asked the office to move it out: the unit's correction would have been lost. An unedited copy of the
    version merged (the copy keeps the saved time of the version it marks) is still said to be no newer."""
    inbox, late, returns = tmp_path / "收件", tmp_path / "遲交", tmp_path / "退回"
    inbox.mkdir()
    late.mkdir()
    _saved(unit_plan(inbox / "甲政風處.xlsx", "甲政風處"), "2019-02-01T10:00:00Z")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n", encoding="utf-8")
    assert xltool("check", inbox, "--roster", roster, "--annotate-dir", returns).status in (0, 1)
    round_one = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "-o", round_one).status == 0
    copy = late / "甲政風處_檢查.xlsx"
    shutil.copy(returns / copy.name, copy)
    done = xltool("merge", round_one, late, "--roster", roster, "-o", tmp_path / "未修改.xlsx")
    assert done.status == 0 and "沒有比已彙整的版本新" in done.out, done.out  # unedited: still asked about
    _saved(copy, "2019-02-05T10:00:00Z")  # the unit's correction of its copy
    done = xltool("merge", round_one, late, "--roster", roster, "-o", tmp_path / "第二輪.xlsx")
    assert done.status == 0, done.err
    assert "甲政風處_檢查.xlsx 為準" in done.out and "請移出" not in done.out, done.out


def test_a_return_copy_of_a_version_last_rounds_merge_took_is_named_stale_in_the_second_round(
    tmp_path: Path, xltool: Runner
) -> None:
    """Round one returned 甲's first version (退回/甲政風處_檢查.xlsx) and merged it; round two checks last round's
    彙整 with 甲's corrected file: the old copy stayed beside the new one with no word, where a run over one
    inbox says 請勿寄出 of it."""
    inbox, late, returns = tmp_path / "收件", tmp_path / "第二輪收件", tmp_path / "退回"
    inbox.mkdir()
    late.mkdir()
    _saved(unit_plan(inbox / "甲政風處.xlsx", "甲政風處", own="舊"), "2019-02-01T10:00:00Z")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n", encoding="utf-8")
    assert xltool("check", inbox, "--roster", roster, "--annotate-dir", returns).status in (0, 1)
    round_one = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "-o", round_one).status == 0
    _saved(unit_plan(late / "甲政風處_修正.xlsx", "甲政風處", own="新"), "2019-02-10T10:00:00Z")
    done = xltool("check", round_one, late, "--roster", roster, "--annotate-dir", returns)
    assert done.status in (0, 1), done.err
    assert (returns / "甲政風處_修正_檢查.xlsx").exists()
    assert "甲政風處_檢查.xlsx 是之前依較舊的版本做的副本" in done.err and "請勿寄出" in done.err
    # nor is last round's 彙整 marked whole: every unit's plan in one file is no unit's to send back
    assert not (returns / "第一輪_檢查.xlsx").exists() and "已彙整的活頁簿，含各單位的計畫，不退回" in done.err


def test_a_file_named_for_the_office_it_is_sent_to_is_its_senders(tmp_path: Path, xltool: Runner) -> None:
    """「太麻里鄉公所108年度廉政工作計畫_陳報臺東縣政府.xlsx」 names the office it goes to after 陳報: it was taken for a
    file named after 臺東縣政府, and in the second round 太麻里's new plan did not count over its plan in last
    round's 彙整."""
    plans = {"臺東縣政府.xlsx": ("臺東縣政府", "縣府"), "太麻里鄉公所.xlsx": ("臺東縣太麻里鄉公所", "舊")}
    first, late, roster = round_one(tmp_path, xltool, plans, ["臺東縣太麻里鄉公所", "臺東縣政府"])
    unit_plan(late / "太麻里鄉公所108年度廉政工作計畫_陳報臺東縣政府.xlsx", "臺東縣太麻里鄉公所", own="新")
    done = xltool("merge", first, late, "--roster", roster, "-o", tmp_path / "第二輪.xlsx")
    assert done.status == 0, done.err
    practices = [
        row[3] for row in load_workbook(tmp_path / "第二輪.xlsx")["彙整"].iter_rows(min_row=4, values_only=True)
    ]
    assert any("新第" in str(p) for p in practices) and not any("舊第" in str(p) for p in practices)


def test_a_unit_that_sent_only_another_years_plan_has_its_findings_in_the_json_versions(
    tmp_path: Path, xltool: Runner
) -> None:
    """A unit that sent only a 109 plan in a 108 season is checked for 108, as --year checks it; its receipt's
    versions in the JSON were counted before that and said 0 errors where the file had dozens."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for unit in ("甲政風處", "乙政風處"):
        unit_plan(inbox / f"{unit}.xlsx", unit)
    write_template(inbox / "丙政風處.xlsx", year=109, unit="丙政風處", items=example_items(KINMEN))
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n乙政風處\n丙政風處\n", encoding="utf-8")
    data = json.loads(xltool("check", inbox, "--roster", roster, "-f", "json").out)
    errors = next(f["errors"] for f in data["files"] if f["file"].endswith("丙政風處.xlsx"))
    receipt = next(r for r in data["receipts"] if r["unit"] == "丙政風處")
    assert receipt["status"] == "年度不符" and errors > 0
    assert [v["errors"] for v in receipt["versions"]] == [errors]


def test_a_return_copy_of_another_units_file_of_the_same_name_is_not_called_stale(
    tmp_path: Path, xltool: Runner
) -> None:
    """Each unit's folder holds 「108年度廉政工作計畫.xlsx」; 甲's folder was checked alone into 退回 (its copy
    退回/108年度廉政工作計畫_檢查.xlsx). In the second round 乙 sent a newer plan, and 甲's current copy was named
    乙's stale one: 請勿寄出, 可刪除."""
    inbox, late, returns = tmp_path / "收件", tmp_path / "遲交", tmp_path / "退回"
    for unit in ("甲政風處", "乙政風處"):
        (inbox / unit).mkdir(parents=True)
        unit_plan(inbox / unit / "108年度廉政工作計畫.xlsx", unit, own=unit[0])
    assert xltool("check", inbox / "甲政風處", "--annotate-dir", returns).status in (0, 1)
    assert (returns / "108年度廉政工作計畫_檢查.xlsx").exists()
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n乙政風處\n", encoding="utf-8")
    first = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "-o", first).status == 0
    late.mkdir()
    unit_plan(late / "乙政風處.xlsx", "乙政風處", own="新")
    done = xltool("check", first, late, "--roster", roster, "--annotate-dir", returns)
    assert done.status in (0, 1), done.err
    assert "請勿寄出" not in done.err


@pytest.mark.parametrize(
    ("name", "counted"),
    [
        ("重送_臺東縣池上鄉公所108年度廉政工作計畫.xlsx", "臺東縣池上鄉公所"),  # 送 ends 重送: no recipient
        ("108年第1次廉政會報-臺東縣池上鄉公所廉政工作計畫.xlsx", "臺東縣池上鄉公所"),  # 報 ends 會報
        ("臺東縣政府警察局108年度廉政工作計畫.xlsx", None),  # 警察局 after another county's government
    ],
)
def test_a_blank_named_file_is_told_by_its_name_without_misreading_it(
    tmp_path: Path, xltool: Runner, name: str, counted: str | None
) -> None:
    """A blank 機關名稱 is told by the file's name: a roster name after a word ending in 送 or 報 was taken for
    the office the file went to (池上 was chased for the plan it sent), and 花蓮縣警察局's short name 警察局 in
    Taitung's 「臺東縣政府警察局…」 gave 花蓮 Taitung's plan."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    unit_plan(inbox / name, "", own="甲")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n臺東縣池上鄉公所\n花蓮縣政府\n花蓮縣警察局\n", encoding="utf-8")
    receipts = json.loads(xltool("check", inbox, "--roster", roster, "-f", "json").out)["receipts"]
    received = [r["unit"] for r in receipts if r["status"] == "已收"]
    assert received == ([counted] if counted else [])


def test_a_long_file_name_in_last_rounds_merge_does_not_end_the_second_round(tmp_path: Path, xltool: Runner) -> None:
    """A file of 82 characters (251 bytes) in last round's 彙整: the second round looked for its return copy as
    「…_檢查.xlsx」, past the 255 bytes a disk takes, and ended with 「內部錯誤」."""
    long_name = "甲政風處" + "一" * 78 + ".xlsx"
    first, late, roster = round_one(tmp_path, xltool, {long_name: ("甲政風處", "舊")}, ["甲政風處"])
    unit_plan(late / "甲政風處_修正.xlsx", "甲政風處", own="新")
    done = xltool("check", first, late, "--roster", roster, "--annotate-dir", tmp_path / "退回")
    assert done.status in (0, 1) and "內部錯誤" not in done.err, done.err


def test_a_unit_with_nothing_received_has_blank_figures_in_the_receipt_sheet(tmp_path: Path, xltool: Runner) -> None:
    """The receipt sheet's first row is written apart from the others: a roster's first unit with nothing
    received read 「None」 under 具體作法數, 預算, 錯誤 and 警告."""
    first, _, _ = round_one(tmp_path, xltool, {"乙政風處.xlsx": ("乙政風處", "乙")}, ["甲政風處", "乙政風處"])
    rows = list(load_workbook(first)["收件情形"].iter_rows(min_row=4, values_only=True))
    assert rows[0][:2] == ("甲政風處", "未收") and all(value in (None, "") for value in rows[0][2:7])


def test_a_units_damaged_resubmission_in_the_second_round_is_chased(tmp_path: Path, xltool: Runner) -> None:
    """甲's corrected plan came damaged in the second round: last round's 彙整 stood in for it, and the line
    said only 「也在已彙整的活頁簿 … 中」. It says the new file cannot be read, and 甲 is asked to send it again."""
    first, late, roster = round_one(tmp_path, xltool, {"甲政風處.xlsx": ("甲政風處", "甲")}, ["甲政風處"])
    damaged = late / "甲政風處_修正.xlsx"
    damaged.write_bytes(b"PK\x03\x04 cut short in the mail")
    os.utime(damaged, (first.stat().st_mtime + 3600,) * 2)
    chase = tmp_path / "待催.csv"
    done = xltool("check", first, late, "--roster", roster, "--chase", chase, "-f", "json")
    (receipt,) = json.loads(done.out)["receipts"]
    assert f"以已彙整的活頁簿 {first} 中的計畫為準；較新的 {damaged} 無法讀取" in receipt["note"]
    (line,) = csv.DictReader(io.StringIO(chase.read_bytes().decode("utf-8-sig")))
    assert line["狀態"] == "新版無法讀取" and line["請辦理"].startswith(f"最新送來的 {damaged} 無法讀取")


def _damaged_round_one(tmp_path: Path, xltool: Runner, damaged: list[str]) -> tuple[Path, Path, Path]:
    """Round one: 甲's readable plan in 收件, then its corrections, ``damaged``, merged; the 彙整, the empty folder
    of round two and the roster."""
    inbox, late = tmp_path / "收件", tmp_path / "遲交"
    inbox.mkdir()
    late.mkdir()
    plan = unit_plan(inbox / "甲政風處.xlsx", "甲政風處", own="舊")
    _saved(plan, "2019-02-01T10:00:00Z")
    for n, name in enumerate(damaged, start=1):  # received after the plan, each a minute after the one before
        (inbox / name).write_bytes(b"PK\x03\x04 cut short in the mail")
        os.utime(inbox / name, (plan.stat().st_mtime + 60 * n,) * 2)
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n", encoding="utf-8")
    first = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "--skip-bad", "-o", first).status == 0
    return first, late, roster


def test_a_round_merged_without_the_roster_says_what_the_next_round_will_not_know(
    tmp_path: Path, xltool: Runner
) -> None:
    """Round two merged in haste without --roster: its 彙整 has no 收件情形, and round three, with the roster
    again, took 甲 (chased for its damaged correction) for 已收 and never asked again, without a word at any
    round. The round that drops the 收件情形 says so, naming who was waited for and for what."""
    first, late, _ = _damaged_round_one(tmp_path, xltool, ["甲政風處_修正.xlsx"])
    done = xltool("merge", first, late, "-o", tmp_path / "第二輪.xlsx")
    assert done.status == 0, done.err
    assert (
        f"{first} 有收件情形（1 個單位，尚待：甲政風處（新版無法讀取））；這次沒有指定 --roster，新的彙整檔不會有收件情形，"
        "下一輪也不會記得這些單位在等什麼：請加上 --roster 名冊 重新彙整"
    ) in done.err


def test_a_damaged_correction_is_chased_in_every_round_until_a_readable_one_comes(
    tmp_path: Path, xltool: Runner
) -> None:
    """甲's correction came damaged in round one, beside its readable first version. The chase list said
    新版無法讀取, the 彙整's 收件情形 only 重複; in round two, 甲 having sent nothing since, it was 已收 and never
    asked again for the correction it had tried to send. The sheet says 新版無法讀取, and so does every round
    after it, chasing 甲, until a readable file comes."""
    first, late, roster = _damaged_round_one(tmp_path, xltool, ["甲政風處_修正.xlsx"])
    sheet = {row[0]: row[1] for row in load_workbook(first)["收件情形"].iter_rows(min_row=4, values_only=True)}
    assert sheet["甲政風處"] == "新版無法讀取"
    rounds = [first]
    for n in (2, 3):  # nothing new from 甲: still asked for its correction, named
        chase = tmp_path / f"待催{n}.csv"
        done = xltool("check", rounds[-1], late, "--roster", roster, "--chase", chase, "-f", "json")
        (receipt,) = json.loads(done.out)["receipts"]
        assert receipt["status"] == "新版無法讀取" and "上次收件" in receipt["note"], receipt
        assert Path(receipt["resend"]).name == "甲政風處_修正.xlsx"  # for a script, without reading the note
        (line,) = csv.DictReader(io.StringIO(chase.read_bytes().decode("utf-8-sig")))
        assert line["狀態"] == "新版無法讀取" and "甲政風處_修正.xlsx 無法讀取" in line["請辦理"], line
        rounds.append(tmp_path / f"第{n}輪.xlsx")
        assert xltool("merge", rounds[-2], late, "--roster", roster, "-o", rounds[-1]).status == 0
    _saved(unit_plan(late / "甲政風處_修正.xlsx", "甲政風處", own="新"), "2019-03-01T10:00:00Z")
    done = xltool("check", rounds[-1], late, "--roster", roster, "-f", "json")
    (receipt,) = json.loads(done.out)["receipts"]
    assert receipt["status"] == "已收" and "無法讀取" not in receipt["note"] and receipt["resend"] is None, receipt


def test_a_unit_whose_plan_is_two_files_is_checked_file_by_file_in_later_rounds(tmp_path: Path, xltool: Runner) -> None:
    """甲 sent its plan as 本文 and 附表, merged with --allow-duplicate-units. Read back from the 彙整 in round two,
    its rows were one plan: 附表's 壹 was told to be 參 (an error in neither file) and 甲 was chased for it. In
    round three 甲 resent 附表 alone, and 本文's practices left the merge without a word: the note says so."""
    inbox, late, third = tmp_path / "收件", tmp_path / "遲交", tmp_path / "第三輪"
    for folder in (inbox, late, third):
        folder.mkdir()
    items = example_items(KINMEN)
    for name, own, count in (("本文", "本", 5), ("附表", "附", 4)):  # each numbered from 壹, as a plan is
        parts = [replace(item, practice=f"{own}第{n}項：{item.practice[-12:]}") for n, item in enumerate(items)]
        _saved(write_template(inbox / f"甲政風處_{name}.xlsx", year=108, unit="甲政風處", items=parts[:count]),
               f"2019-02-01T1{count}:00:00Z")  # fmt: skip
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n", encoding="utf-8")
    assert xltool("check", inbox, "--roster", roster).status == 0  # each file on its own: no error
    first = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "--allow-duplicate-units", "-o", first).status == 0
    chase = tmp_path / "待催.csv"
    done = xltool("check", first, late, "--roster", roster, "--chase", chase)
    assert done.status == 0 and "應為" not in done.out, done.out
    assert list(csv.DictReader(io.StringIO(chase.read_bytes().decode("utf-8-sig")))) == []
    unit_plan(third / "甲政風處_附表_修正.xlsx", "甲政風處", own="新附")  # 附表, resent under a name made from its own
    done = xltool("merge", first, third, "--roster", roster, "--allow-duplicate-units", "-o", tmp_path / "第三輪.xlsx")
    assert done.status == 0, done.err
    assert "已彙整的版本來自 2 個檔案，這次沒有再送來的 甲政風處_本文.xlsx（5 項） 不再計入" in done.out, done.out


def test_a_units_two_files_ending_and_starting_at_one_goal_are_numbered_file_by_file(
    tmp_path: Path, xltool: Runner
) -> None:
    """本文 ends with goal 壹, 附表 starts with it, in the same words: in the 彙整 (and its JSON) the two runs of 壹 are
    one after another, read as one goal, and check went on counting 本文's practices: 附表's 一 was told to be 四,
    an error in neither file."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    items = example_items(KINMEN)
    for name, own, count in (("本文", "本", 3), ("附表", "附", 4)):  # 壹 has three practices; 附表 goes on to 貳
        parts = [replace(item, practice=f"{own}第{n}項：{item.practice[-12:]}") for n, item in enumerate(items)]
        write_template(inbox / f"甲政風處_{name}.xlsx", year=108, unit="甲政風處", items=parts[:count])
    assert "應為" not in xltool("check", inbox).out
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", inbox, "--allow-duplicate-units", "-o", merged).status == 0
    assert xltool("read", merged, "-o", tmp_path / "彙整.json").status == 0
    for path in (merged, tmp_path / "彙整.json"):
        done = xltool("check", path)
        assert done.status == 0 and "應為" not in done.out, done.out


@pytest.mark.parametrize("damaged", ["甲政風處（修正版）.xlsx", "甲政風處_第2版、修正.xlsx"])
def test_the_damaged_file_carried_is_the_one_named_whatever_its_name_holds(
    tmp_path: Path, xltool: Runner, damaged: str
) -> None:
    """Round two read the damaged file's name back out of last round's note: 「（修正版）」 stopped it, and the
    chase list asked the unit to send 第一輪.xlsx (the office's own) again; a 、 in the name cut it to 「修正.xlsx」.
    Of two damaged corrections the older was asked for, and the reason became 「檔案損毀」."""
    first, late, roster = _damaged_round_one(tmp_path, xltool, ["甲政風處_草稿.xlsx", damaged])
    chase = tmp_path / "待催.csv"
    assert xltool("check", first, late, "--roster", roster, "--chase", chase).status == 0
    (line,) = csv.DictReader(io.StringIO(chase.read_bytes().decode("utf-8-sig")))
    assert line["請辦理"].startswith(f"最新送來的 {tmp_path / '收件' / damaged} 無法讀取（檔案已損毀"), line["請辦理"]


def test_two_rounds_given_by_name_are_two_versions_not_two_parts(tmp_path: Path, xltool: Runner) -> None:
    """Rounds one and two given by name with round three's folder: 甲's two versions, one in each 彙整, were taken
    for two parts of a plan (「來自 2 個檔案…請該單位一併送來」), and an unedited return copy of round two's version
    went unflagged (it had to be no newer than round one's older version too)."""
    inbox, late, third = tmp_path / "收件", tmp_path / "遲交", tmp_path / "第三輪"
    for folder in (inbox, late, third):
        folder.mkdir()
    _saved(unit_plan(inbox / "甲政風處.xlsx", "甲政風處", own="一"), "2019-02-01T10:00:00Z")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n", encoding="utf-8")
    first, second = tmp_path / "第一輪.xlsx", tmp_path / "第二輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "-o", first).status == 0
    _saved(unit_plan(late / "甲政風處_修正.xlsx", "甲政風處", own="二"), "2019-02-10T10:00:00Z")
    assert xltool("check", late, "--roster", roster, "--annotate-dir", tmp_path / "退回").status in (0, 1)
    assert xltool("merge", first, late, "--roster", roster, "-o", second).status == 0
    _saved(unit_plan(third / "甲政風處_再修正.xlsx", "甲政風處", own="三"), "2019-02-20T10:00:00Z")
    done = xltool("merge", first, second, third, "--roster", roster, "-o", tmp_path / "第三輪.xlsx")
    assert done.status == 0 and "甲政風處_再修正.xlsx 為準" in done.out and "不再計入" not in done.out, done.out
    (third / "甲政風處_再修正.xlsx").unlink()
    shutil.copy(tmp_path / "退回" / "甲政風處_修正_檢查.xlsx", third)  # round two's return copy, unedited
    done = xltool("merge", first, second, third, "--roster", roster, "-o", tmp_path / "第三輪b.xlsx")
    assert done.status == 0 and "沒有比已彙整的版本新" in done.out, done.out


def test_an_earlier_merge_opened_and_saved_again_does_not_undo_a_later_one(tmp_path: Path, xltool: Runner) -> None:
    """Round two's 彙整 took 甲's correction; the office then opened round one's 彙整 to print it and saved it.
    Given both in round three, the newer saved 彙整 held 甲, and 甲's correction went out of the merge. Each
    unit's version is dated by its own file's saved time (來源存檔時間), not by the 彙整 it is in."""
    plans = {"甲政風處.xlsx": ("甲政風處", "舊")}
    first, late, roster = round_one(tmp_path, xltool, plans, ["甲政風處"], saved="2019-01-05T10:00:00Z")
    _saved(unit_plan(late / "甲政風處_修正.xlsx", "甲政風處", own="新"), "2019-01-10T10:00:00Z")
    second = tmp_path / "第二輪.xlsx"
    assert xltool("merge", first, late, "--roster", roster, "-o", second).status == 0
    _saved(second, "2019-01-20T10:00:00Z")  # merged on the 20th (every time here is past: a later one is no time)
    _saved(first, "2019-02-01T10:00:00Z")  # opened and saved after round two
    third = tmp_path / "第三輪.xlsx"
    done = xltool("merge", first, second, "--roster", roster, "-o", third)
    assert done.status == 0, done.err
    practices = {str(row[3]) for row in load_workbook(third)["彙整"].iter_rows(min_row=4, values_only=True)}
    assert any("新第" in p for p in practices) and not any("舊第" in p for p in practices)
    assert f"以較新的已彙整活頁簿 {second} 中的計畫為準" in done.out


def _stamps(merged: Path, *values: object) -> None:
    """Type over the 來源存檔時間 cells of a 彙整 as someone might: ``values`` in turn down the rows."""
    import datetime as dt

    book = load_workbook(merged)
    sheet = book["彙整"]
    column = next(c for c in sheet[3] if c.value == "來源存檔時間").column
    for n, (cell,) in enumerate(sheet.iter_rows(min_row=4, min_col=column, max_col=column)):
        value = values[n % len(values)]
        cell.value = dt.datetime.fromisoformat(value) if isinstance(value, str) and "T" in value else value
    book.save(merged)


@pytest.mark.parametrize(
    "stamps",
    [("2019-01-10T09:00:00",), (None, "2019-01-10 09:00:00"), ("2019/1/10 9:00",), (43475.375,)],
    ids=["a date cell", "one cleared", "typed by hand", "a day count"],
)
def test_a_typed_over_saved_time_still_dates_the_version(tmp_path: Path, xltool: Runner, stamps: tuple[object]) -> None:
    """甲's version in last round's 彙整 was saved 2019-01-10. Its 來源存檔時間 typed over as a date, cleared in
    one row, retyped by hand: unread, the version was dated by when the 彙整 was saved (here the 2nd, before
    the draft of the 5th), and an old draft replaced it."""
    first, late, roster = round_one(tmp_path, xltool, {"甲政風處.xlsx": ("甲政風處", "舊")}, ["甲政風處"])
    _stamps(first, *stamps)
    _saved(first, "2019-01-02T09:00:00Z")
    _saved(unit_plan(late / "甲政風處_草稿.xlsx", "甲政風處", own="草"), "2019-01-05T09:00:00Z")
    second = tmp_path / "第二輪.xlsx"
    assert xltool("merge", first, late, "--roster", roster, "-o", second).status == 0
    practices = {str(row[3]) for row in load_workbook(second)["彙整"].iter_rows(min_row=4, values_only=True)}
    assert any("舊第" in p for p in practices) and not any("草第" in p for p in practices)
    (late / "甲政風處_草稿.xlsx").unlink()
    _saved(unit_plan(late / "甲政風處_修正.xlsx", "甲政風處", own="新"), "2019-01-15T09:00:00Z")
    assert xltool("merge", first, late, "--roster", roster, "-o", second, "--force").status == 0
    practices = {str(row[3]) for row in load_workbook(second)["彙整"].iter_rows(min_row=4, values_only=True)}
    assert any("新第" in p for p in practices) and not any("舊第" in p for p in practices)


def test_a_units_errors_in_last_rounds_merge_do_not_count_once_its_own_file_does(
    tmp_path: Path, xltool: Runner
) -> None:
    """乙's plan in last round's 彙整 had an error; its corrected file came in round two and counts. check
    ended with 1, for the error of the version it no longer counts (README: versions not counted do not
    decide the exit status)."""
    units = {"甲政風處.xlsx": ("甲政風處", "甲"), "乙政風處.xlsx": ("乙政風處", "")}
    first, late, roster = round_one(tmp_path, xltool, units, ["甲政風處", "乙政風處"])
    book = load_workbook(first)  # 乙's first schedule in the 彙整 made an error: 108.13
    sheet, schedule = book["彙整"], [f.key for f in MERGED_FIELDS].index("schedule") + 1
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "乙政風處")
    sheet.cell(row, schedule).value = "108.13"
    book.save(first)
    fixed = unit_plan(late / "乙政風處.xlsx", "乙政風處", own="乙")
    os.utime(fixed, (first.stat().st_mtime + 3600,) * 2)
    assert xltool("check", first, "--roster", roster).status == 1  # 乙's error, in the version that counts
    done = xltool("check", first, late, "--roster", roster)
    assert done.status == 0, done.out
    assert "計入的版本：0 個錯誤" in done.out


def test_a_unit_that_sent_another_years_plan_or_a_damaged_file_is_so_still_in_the_next_round(
    tmp_path: Path, xltool: Runner
) -> None:
    """乙 sent last year's plan and 丙 a damaged file, and neither has sent anything since: in the second round
    both were 未收, and the chase list asked them for a plan they had sent. Last round's 收件情形 says what
    they sent; the line says it again, and the chase list asks for what is wanted."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    unit_plan(inbox / "甲政風處.xlsx", "甲政風處", own="甲")
    write_template(inbox / "乙政風處.xlsx", year=107, unit="乙政風處", items=example_items(KINMEN)[:3])
    (inbox / "丙政風處.xlsx").write_bytes(b"PK\x03\x04 cut short in the mail")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n乙政風處\n丙政風處\n", encoding="utf-8")
    first = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "--skip-bad", "--year", "108", "-o", first).status == 0
    chase = tmp_path / "待催.csv"
    done = xltool("check", first, "--roster", roster, "--chase", chase, "-f", "json")
    receipts = {r["unit"]: r for r in json.loads(done.out)["receipts"]}
    assert [receipts[u]["status"] for u in ("甲政風處", "乙政風處", "丙政風處")] == ["已收", "年度不符", "無法讀取"]
    assert receipts["乙政風處"]["note"].startswith(f"上次收件（{first}）：送來的是 107 年度的計畫")
    rows = {row["單位"]: row for row in csv.DictReader(io.StringIO(chase.read_bytes().decode("utf-8-sig")))}
    assert rows["乙政風處"]["請辦理"] == "送來的是 107 年度的計畫，請送本年度的計畫。"
    assert rows["丙政風處"]["狀態"] == "無法讀取" and "請重新存檔後再送一次" in rows["丙政風處"]["請辦理"]
    text = xltool("check", first, "--roster", roster).out
    assert "尚缺 2 個單位：乙政風處（年度不符）、丙政風處（無法讀取）" in text and "；\n" not in text
    # the next round's roster renames 乙 (its old name an alias): still the same unit, still 年度不符
    roster.write_text("單位,別名\n甲政風處,\n乙政風署,乙政風處\n丙政風處,\n", encoding="utf-8")
    receipts = {
        r["unit"]: r for r in json.loads(xltool("check", first, "--roster", roster, "-f", "json").out)["receipts"]
    }
    assert receipts["乙政風署"]["status"] == "年度不符"


def test_a_file_no_unit_can_be_told_from_is_named_so_in_the_receipts_sheet(tmp_path: Path, xltool: Runner) -> None:
    """A damaged file named after no roster unit: the terminal said （無法判斷）, the 收件情形 sheet left its 單位
    blank, which on paper (or sorted by 單位) looked like a row that lost its unit."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    unit_plan(inbox / "甲政風處.xlsx", "甲政風處", own="甲")
    (inbox / "掃描檔.xlsx").write_bytes(b"PK\x03\x04 cut short in the mail")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n甲政風處\n", encoding="utf-8")
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", inbox, "--roster", roster, "--skip-bad", "-o", merged).status == 0
    rows = list(load_workbook(merged)["收件情形"].iter_rows(values_only=True))
    assert any(row[0] == "（無法判斷）" and row[1] == "無法讀取" for row in rows)


def _chased(chase: Path) -> dict[str, str]:
    return {row["單位"]: row["狀態"] for row in csv.DictReader(io.StringIO(chase.read_bytes().decode("utf-8-sig")))}


def test_a_unit_that_left_its_name_blank_is_still_chased_in_the_next_round(tmp_path: Path, xltool: Runner) -> None:
    """乙's file left 機關名稱 blank: told by its file's name and chased for 有錯誤 in round one. In round two,
    with nothing new from 乙, its plan came from last round's 彙整, whose 單位 column holds the roster's name:
    the check found no error, 乙 was 已收 and never asked for its name again. Its 填寫的機關名稱 is still blank,
    and the 彙整 says so at that cell; 甲, which filled its name, is not touched, and 乙's corrected file is 已收."""
    units = {"甲政風處.xlsx": ("甲政風處", "甲"), "乙政風處.xlsx": ("", "乙")}
    first, late, roster = round_one(tmp_path, xltool, units, ["甲政風處", "乙政風處"])
    second, chase = tmp_path / "第二輪.xlsx", tmp_path / "待催.csv"
    done = xltool("merge", first, late, "--roster", roster, "-o", second, "--chase", chase)
    assert done.status == 0, done.err
    assert _chased(chase) == {"乙政風處": "有錯誤"}
    receipts = {
        r["unit"]: r for r in json.loads(xltool("check", second, "--roster", roster, "-f", "json").out)["receipts"]
    }
    assert (receipts["甲政風處"]["errors"], receipts["乙政風處"]["errors"]) == (0, 1)  # and again in round three
    # Checked on its own, the 彙整 says it at 乙's first row's 填寫的機關名稱.
    written = get_column_letter([f.key for f in MERGED_FIELDS].index("unit_written") + 1)
    sheet = load_workbook(first)["彙整"]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "乙政風處")
    (finding,) = [f for f in json.loads(xltool("check", first, "-f", "json").out)["files"][0]["findings"]
                  if f["severity"] == "error"]  # fmt: skip
    assert (finding["code"], finding["sheet"], finding["cell"]) == ("UNIT_MISSING", "彙整", f"{written}{row}")
    assert finding["message"] == "沒有填機關名稱"
    # 乙 sends its plan with its name: 已收, chased no more.
    fixed = unit_plan(late / "乙政風處.xlsx", "乙政風處", own="乙")
    os.utime(fixed, (first.stat().st_mtime + 3600,) * 2)
    assert xltool("check", first, late, "--roster", roster, "--chase", chase, "--force").status == 0
    assert _chased(chase) == {}
    # A 彙整 by an older xltool, without the column, cannot tell: as before, nothing is said.
    book = load_workbook(first)
    book["彙整"].delete_cols(column_index(written) + 1)
    book.save(first)
    assert xltool("check", first, "--roster", roster, "--chase", chase, "--force").status == 0
    assert _chased(chase) == {}
    # nor in the 彙整 made from it: its units did not leave their names blank (each was 「沒有填機關名稱」, chased)
    assert xltool("merge", first, late, "--roster", roster, "-o", second, "--force").status == 0
    assert xltool("check", second, "--roster", roster, "--chase", chase, "--force").status == 0
    assert _chased(chase) == {}


def test_the_chase_list_names_only_the_version_that_counts(tmp_path: Path, xltool: Runner) -> None:
    """A unit whose correction still has an error was asked to correct 「甲_修正.xlsx、甲.xlsx」: the version it
    replaced, which counts for nothing, beside the one its returned copy is made from."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    month_13 = parse_schedule("108.13", 108)
    wrong = [replace(item, schedule_info=month_13) if n == 0 else item for n, item in enumerate(example_items(KINMEN))]
    first = write_template(inbox / "甲政風處.xlsx", year=108, unit="甲政風處", items=wrong)
    second = write_template(inbox / "甲政風處_修正.xlsx", year=108, unit="甲政風處", items=wrong)
    os.utime(first, (second.stat().st_mtime - 3600,) * 2)
    roster, chase = tmp_path / "名冊.csv", tmp_path / "待催.csv"
    roster.write_text("單位\n甲政風處\n", encoding="utf-8")
    assert xltool("check", inbox, "--roster", roster, "--chase", chase).status == 1
    (row,) = csv.DictReader(io.StringIO(chase.read_text(encoding="utf-8-sig")))
    assert (row["狀態"], row["檔案"]) == ("有錯誤", str(second))


def test_a_merged_workbooks_problems_are_told_by_unit(tmp_path: Path, xltool: Runner) -> None:
    """Round two checks last round's 彙整: 「彙整!G7、G18，共 2 格  錯誤  沒有填業務類別」 was two units' problems
    in one line, and no line said whose."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for unit in ("甲政風處", "乙政風處"):
        blank = [replace(item, category="") if n == 0 else item for n, item in enumerate(example_items(KINMEN))]
        write_template(inbox / f"{unit}.xlsx", year=108, unit=unit, items=blank)
    merged = tmp_path / "第一輪.xlsx"
    assert xltool("merge", inbox, "-o", merged).status == 0
    shown = xltool("check", merged).out.splitlines()
    lines = [line for line in shown if "沒有填業務類別" in line]
    assert sorted(line.split("  ")[0].split("（")[1] for line in lines) == ["乙政風處）", "甲政風處）"]
    # and a unit's lines together, though the 彙整 was sorted (its rows interleaved: they came 甲, 乙, 甲, 乙)
    from tests.conftest import fill
    from tests.test_check import GOOD

    small = tmp_path / "小"
    small.mkdir()
    two = [
        {"goal": "壹、強化廉政宣導。", "practice": "一、辦理廉政宣導 3 場。", **GOOD, "schedule": "經常辦理"},
        {"practice": "二、召開廉政會報 2 次。", **GOOD, "performance": None},
    ]
    for unit in ("甲政風處", "乙政風處"):
        fill(write_template(small / f"{unit}.xlsx", year=108, rows=20), two, unit=unit)
    assert xltool("merge", small, "-o", merged, "--force").status == 0
    book = load_workbook(merged)
    sheet = book["彙整"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4, max_row=7)]
    for at, row in enumerate([rows[0], rows[2], rows[1], rows[3]], start=4):  # sorted by something else
        for column, value in enumerate(row, start=1):
            sheet.cell(at, column).value = value
    book.save(merged)
    shown = xltool("check", merged).out.splitlines()
    units = [found.group(1) for line in shown if (found := re.search(r"（(.政風處)）  ", line))]
    assert len(units) > 2 and units == sorted(units, key=units.index)


def test_the_chase_list_points_at_a_units_own_file_and_its_newest_one_to_send_again(
    tmp_path: Path, xltool: Runner
) -> None:
    """乙's plan under a mistyped name inside last round's 彙整: the chase list asked 乙 to correct 第一輪.xlsx, the
    office's 彙整 of every unit. 甲's newest file could not be read: the chase list asked it to send that file
    again, but its 檔案 named only the older one that counts."""
    inbox, late = tmp_path / "收件", tmp_path / "遲交"
    inbox.mkdir()
    late.mkdir()
    unit_plan(inbox / "甲政風處.xlsx", "甲政風處")
    unit_plan(inbox / "乙的計畫.xlsx", "乙政風式")  # 乙政風處's plan, its name mistyped
    roster, chase, first = tmp_path / "名冊.csv", tmp_path / "待催.csv", tmp_path / "第一輪.xlsx"
    roster.write_text("單位\n甲政風處\n乙政風處\n", encoding="utf-8")
    assert xltool("merge", inbox, "-o", first).status == 0
    damaged = late / "甲政風處_修正.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + b"damaged" * 10)
    os.utime(damaged, (first.stat().st_mtime + 3600,) * 2)
    xltool("check", first, late, "--roster", roster, "--chase", chase)
    rows = {r["單位"]: r for r in csv.DictReader(io.StringIO(chase.read_text(encoding="utf-8-sig")))}
    own = str(inbox / "乙的計畫.xlsx")
    assert rows["乙政風處"]["檔案"] == own and rows["乙政風處"]["請辦理"].startswith(f"收到的 {own} 機關名稱")
    assert rows["甲政風處"]["狀態"] == "新版無法讀取" and str(damaged) in rows["甲政風處"]["檔案"].split("、")


def test_a_roster_whose_columns_speak_of_practices_is_still_a_roster(season: tuple[Path, Path], xltool: Runner) -> None:
    """A plan given as --roster is refused, but a roster with a 具體作法數 column and a 送件進度 one, or a remark
    「具體作法待補」 beside 「進度落後」, was refused with it: a plan's header names its goals and its practices."""
    folder, _ = season
    for body in ("單位,承辦人,備註,辦理進度\n臺北市政府政風處,王,具體作法待補,進度落後\n",
                 "單位,承辦人,電話,具體作法數,送件進度\n臺北市政府政風處,王,1,,\n"):  # fmt: skip
        roster = folder.parent / "名冊.csv"
        roster.write_text(body, encoding="utf-8")
        assert "收件情形" in xltool("check", folder, "--roster", roster).out
