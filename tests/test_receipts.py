"""A season's inbox as units really send it, and what check and merge make of it.

The inbox holds template files filled as an officer types, files saved by LibreOffice (.xlsx, .ods, .xls),
a JSON plan, an encrypted file, a resubmission, a blank 機關名稱, the ethics office's full title, a typo, a
lock file and nested folders. Every status and number is asserted against the rows the test itself typed
(an independent count), never against xltool's own reading.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE, Runner, fill
from tests.test_hostile_read import rewritten
from tests.test_merge import stats_table
from tests.test_season import KINMEN, example_items
from xltool.pipeline import write_template

ROSTER = """單位,別名,承辦人,電子郵件,電話
臺東縣政府政風處,,王小明,wang@taitung.gov.tw,089-000001
臺東縣警察局,,李大華,lee@police.taitung.gov.tw,089-000002
臺東縣延平鄉公所,,陳一,chen@yanping.gov.tw,089-000003
臺東縣卑南鄉公所,,林二,lin@beinan.gov.tw,089-000004
臺東縣成功鎮公所,,張三,chang@chenggong.gov.tw,089-000005
臺東縣關山鎮公所,,黃四,huang@guanshan.gov.tw,089-000006
臺東縣太麻里鄉公所,,吳五,wu@taimali.gov.tw,089-000007
臺東縣綠島鄉公所,,趙六,chao@ludao.gov.tw,089-000008
臺東縣蘭嶼鄉公所,,錢七,chien@lanyu.gov.tw,089-000009
臺東縣大武鄉公所,,孫八,=HYPERLINK("http://x.invalid"),089-000010
"""


def rows(name: str, budgets: list[object], schedule: object = "108.01-12") -> list[dict[str, object]]:
    """A unit's practices, one per budget: each quantified and complete, so only what a test means to be
    wrong is wrong."""
    typed: list[dict[str, object]] = []
    for n, budget in enumerate(budgets, start=1):
        row: dict[str, object] = {
            "practice": f"{'一二三四五六七八九'[n - 1]}、{name}第{n}項作法，辦理 {n} 場。",
            "schedule": schedule,
            "budget": budget,
            "category": "防貪業務",
            "performance": "政策目標-反貪活動",
        }
        if n == 1:
            row["goal"] = f"壹、{name}的目標。"
        typed.append(row)
    return typed


@dataclass
class Sent:
    """What a unit typed: the independent count every figure is checked against."""

    practices: int
    budget: Decimal
    files: list[str] = field(default_factory=list)


def amount(value: object) -> Decimal:
    return Decimal(str(value).replace(",", "")) if value not in ("", None) else Decimal(0)


def plan_file(template: Path, path: Path, unit: str, typed: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(template.read_bytes())
    return fill(path, typed, unit=unit)


def set_saved(path: Path, stamp: str) -> None:
    """Record ``stamp`` as the workbook's own saved time (docProps/core.xml), as Excel does on saving."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            out.writestr(info, data)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory, office: None) -> tuple[Path, Path, dict[str, Sent]]:
    """The folder as the supervising office has it, its roster, and what each unit sent."""
    from msoffcrypto.format.ooxml import OOXMLFile

    from xltool.office import convert_many

    base = tmp_path_factory.mktemp("season")
    template = write_template(base / "範本.xlsx", year=108, rows=20)
    folder = base / "收件"
    scratch = base / "草稿"
    sent: dict[str, Sent] = {}

    def unit(name: str, path: Path, typed: list[dict[str, object]], written: str | None = None) -> Path:
        made = plan_file(template, path, name if written is None else written, typed)
        sent[name] = Sent(len(typed), sum((amount(r["budget"]) for r in typed), Decimal(0)), [path.name])
        return made

    unit("臺東縣政府政風處", folder / "第1批" / "臺東縣政府.xlsx", rows("縣府", [5, 12.5, 30, 0]))
    # The template asks for the ethics office's full title; the roster lists the agency.
    unit("臺東縣警察局", folder / "第1批" / "警察局.xlsx", rows("警察局", [10, 20]), written="臺東縣警察局政風室")
    # 機關名稱 left blank: the file's name says whose it is.
    blank = folder / "第1批" / "臺東縣延平鄉公所108年度廉政工作計畫.xlsx"
    unit("臺東縣延平鄉公所", blank, rows("延平", [7, 8, 9]), written="")
    # Two blank-named files no roster name fits, of the same name in two folders: two units, never one.
    for part, budgets in (("一組", [1, 2]), ("二組", [3])):
        plan_file(template, folder / "第1批" / part / "計畫.xlsx", "", rows(f"計畫{part}", budgets))
    # Encrypted (Excel's 'Encrypt with password'), named after its unit.
    secret = plan_file(template, scratch / "卑南.xlsx", "臺東縣卑南鄉公所", rows("卑南", [4]))
    (folder / "第2批").mkdir(parents=True)
    with secret.open("rb") as plain, (folder / "第2批" / "臺東縣卑南鄉公所.xlsx").open("wb") as out:
        OOXMLFile(plain).encrypt("1234", out)
    # A JSON plan, deep in the folders.
    chenggong = rows("成功", [15, 25])
    (folder / "第2批" / "資料" / "JSON").mkdir(parents=True)
    (folder / "第2批" / "資料" / "JSON" / "成功鎮.json").write_text(
        json.dumps({"unit": "臺東縣成功鎮公所", "year": 108, "items": [
            {"goal_no": "壹", "goal": "成功的目標。", "item_no": "一二"[n], "practice": r["practice"][2:],
             "schedule": r["schedule"], "budget": r["budget"], "category": r["category"],
             "performance": r["performance"]} for n, r in enumerate(chenggong)]}, ensure_ascii=False),
        encoding="utf-8",
    )  # fmt: skip
    sent["臺東縣成功鎮公所"] = Sent(2, Decimal(40), ["成功鎮.json"])
    # Sent twice: the older version has the later time on disk (saved from the mail later), but its own
    # saved time is older; the newer version is what counts, never both added.
    old = unit("臺東縣關山鎮公所", folder / "第2批" / "關山鎮.xlsx", rows("關山舊", [381]))
    set_saved(old, "2024-03-01T09:00:00Z")
    new = unit("臺東縣關山鎮公所", folder / "第3批" / "關山鎮_更正.xlsx", rows("關山新", [600, 700]))
    set_saved(new, "2024-03-05T10:12:00Z")
    os.utime(new, (1_700_000_000, 1_700_000_000))
    os.utime(old, (1_800_000_000, 1_800_000_000))
    sent["臺東縣關山鎮公所"].files = ["關山鎮.xlsx", "關山鎮_更正.xlsx"]
    # Saved by LibreOffice: an .ods with a vague schedule (an error), an .xls, and an .xlsx whose unit has a typo.
    unit("臺東縣太麻里鄉公所", scratch / "太麻里.xlsx", rows("太麻里", [50], schedule="經常辦理"))
    unit("臺東縣綠島鄉公所", scratch / "綠島.xlsx", rows("綠島", [6, 6, 6]))
    plan_file(template, scratch / "大武" / "大武.xlsx", "臺東縣大武鄉工所", rows("大武", [11]))
    (folder / "第3批").mkdir(exist_ok=True)
    convert_many([scratch / "太麻里.xlsx"], "ods", folder / "第3批")
    convert_many([scratch / "綠島.xlsx"], "xls", folder / "第3批")
    convert_many([scratch / "大武" / "大武.xlsx"], "xlsx", folder / "第3批")
    sent["臺東縣太麻里鄉公所"].files = ["太麻里.ods"]
    sent["臺東縣綠島鄉公所"].files = ["綠島.xls"]
    # What a folder also holds: Excel's lock file and a hidden file.
    (folder / "第1批" / "~$臺東縣政府.xlsx").write_bytes(b"\x00lock")
    (folder / "第1批" / ".隱藏.xlsx").write_bytes(b"hidden")
    roster = base / "名冊.csv"
    roster.write_bytes(ROSTER.encode("utf-8-sig"))
    return folder, roster, sent


EXPECTED = [
    ("臺東縣政府政風處", "已收"),
    ("臺東縣警察局", "已收"),
    ("臺東縣延平鄉公所", "已收"),
    ("臺東縣卑南鄉公所", "無法讀取"),
    ("臺東縣成功鎮公所", "已收"),
    ("臺東縣關山鎮公所", "重複"),
    ("臺東縣太麻里鄉公所", "已收"),
    ("臺東縣綠島鄉公所", "已收"),
    ("臺東縣蘭嶼鄉公所", "未收"),
    ("臺東縣大武鄉公所", "未收"),
    ("計畫", "名冊外"),  # off the roster: in the inputs' order (第1批 before 第3批)
    ("計畫（二組）", "名冊外"),
    ("臺東縣大武鄉工所", "名冊外"),
]


def test_every_unit_of_the_season_has_its_right_status_and_figures(
    inbox: tuple[Path, Path, dict[str, Sent]], tmp_path: Path, xltool: Runner
) -> None:
    folder, roster, sent = inbox
    chase = tmp_path / "待催.csv"
    done = xltool("check", folder, "--roster", roster, "--format", "json", "--chase", chase)
    assert done.status == 2, done.err  # the encrypted file cannot be read
    chased = [row["單位"] for row in csv.DictReader(io.StringIO(chase.read_bytes().decode("utf-8-sig")))]
    assert chased[:3] == ["臺東縣延平鄉公所", "臺東縣卑南鄉公所", "臺東縣太麻里鄉公所"]
    receipts = json.loads(done.out)["receipts"]
    assert [(r["unit"], r["status"]) for r in receipts] == EXPECTED
    by_unit = {r["unit"]: r for r in receipts}
    for name, typed in sent.items():
        line = by_unit[name]
        assert sorted(Path(f).name for f in line["files"]) == sorted(typed.files), name
        if line["status"] in ("已收", "重複"):
            assert (line["practices"], Decimal(str(line["budget"]))) == (typed.practices, typed.budget), name
    # The resubmission counts once, in its newest version by its own saved time, each file's figures shown.
    guanshan = by_unit["臺東縣關山鎮公所"]
    assert guanshan["budget"] == 1300 and guanshan["practices"] == 2
    counted = {Path(v["file"]).name: (v["counted"], v["budget"]) for v in guanshan["versions"]}
    assert counted == {"關山鎮_更正.xlsx": (True, 1300), "關山鎮.xlsx": (False, 381)}
    assert "以最新的" in guanshan["note"] and "381 千元" in guanshan["note"]
    # How each was told, said where the office reads it.
    assert "臺東縣警察局政風室" in by_unit["臺東縣警察局"]["note"]
    assert "機關名稱空白" in by_unit["臺東縣延平鄉公所"]["note"]
    assert "是否為「臺東縣大武鄉公所」" in by_unit["臺東縣大武鄉工所"]["note"]
    assert "臺東縣大武鄉工所" in by_unit["臺東縣大武鄉公所"]["note"]
    assert by_unit["臺東縣太麻里鄉公所"]["errors"] >= 1
    assert by_unit["臺東縣警察局"]["contact"]["email"] == "lee@police.taitung.gov.tw"
    assert next(f["error_code"] for f in json.loads(done.out)["files"] if "卑南" in f["file"]) == "INPUT_PASSWORD"
    notes = done.err
    assert "臺東縣延平鄉公所108年度廉政工作計畫.xlsx：沒有填機關名稱" in notes
    assert "單位「臺東縣關山鎮公所」有 2 個檔案：以最新的" in notes
    text = xltool("check", folder, "--roster", roster).out
    assert "尚缺 3 個單位：臺東縣卑南鄉公所（無法讀取）、臺東縣蘭嶼鄉公所、臺東縣大武鄉公所" in text


def test_the_season_merges_every_unit_once_under_its_roster_name(
    inbox: tuple[Path, Path, dict[str, Sent]], tmp_path: Path, xltool: Runner
) -> None:
    folder, roster, sent = inbox
    out, chase = tmp_path / "彙整.xlsx", tmp_path / "待催.csv"
    done = xltool("merge", folder, "--roster", roster, "-o", out, "--chase", chase)
    assert (done.status, done.code) == (2, "MERGE_UNREADABLE") and not out.exists() and not chase.exists()
    assert "臺東縣卑南鄉公所.xlsx" in done.error_line() and "--skip-bad" in done.err
    done = xltool("merge", folder, "--roster", roster, "-o", out, "--chase", chase, "--skip-bad", "--require-all")
    assert done.status == 1, done.err  # units are missing, one is unreadable: the merge is still written
    book = load_workbook(out)
    assert book.sheetnames[:4] == ["收件情形", "彙整", "統計", "檢查結果"]
    header = [c.value for c in book["收件情形"][3]]
    assert header[-3:] == ["承辦人", "電子郵件", "電話"]
    merged = list(book["彙整"].iter_rows(min_row=4, values_only=True))
    assert [c.value for c in book["彙整"][3]][8:] == ["來源檔案", "來源儲存格", "填寫的機關名稱", "來源存檔時間"]
    # Every unit once, in roster order, under the roster's name; the officer's spelling kept beside it.
    units = list(dict.fromkeys(r[0] for r in merged))
    assert units == [u for u, s in EXPECTED if s in ("已收", "重複")] + ["計畫", "計畫（二組）", "臺東縣大武鄉工所"]
    for name, typed in sent.items():
        mine = [r for r in merged if r[0] == name]
        if name != "臺東縣卑南鄉公所":
            assert len(mine) == typed.practices, name
            assert sum((amount(r[5]) for r in mine), Decimal(0)) == typed.budget, name
    assert {r[10] for r in merged if r[0] == "臺東縣警察局"} == {"臺東縣警察局政風室"}
    assert {r[10] for r in merged if r[0] == "臺東縣延平鄉公所"} == {None}  # blank as it was written
    assert len([r for r in merged if r[0] == "計畫"]) == 2 and len([r for r in merged if r[0] == "計畫（二組）"]) == 1
    overview = stats_table(book["統計"], "各單位概況（預算單位：千元）")
    assert overview["臺東縣關山鎮公所"]["預算(千元)"] == 1300  # never 381 + 1,300
    total = sum((s.budget for n, s in sent.items() if n != "臺東縣卑南鄉公所"), Decimal(0)) + 1 + 2 + 3 + 11
    assert Decimal(str(overview["合計"]["預算(千元)"])) == total
    receipts = {r[0]: r for r in book["收件情形"].iter_rows(min_row=4, values_only=True)}
    assert receipts["臺東縣關山鎮公所"][4] == 1300
    left = [r for r in book["檢查結果"].iter_rows(min_row=2, values_only=True) if r[2] in ("未計入", "無法讀取")]
    assert sorted((Path(r[0]).name, r[2]) for r in left) == [("臺東縣卑南鄉公所.xlsx", "無法讀取"),
                                                              ("關山鎮.xlsx", "未計入")]  # fmt: skip
    # The chase list: who to write to, their e-mail from the roster, and what each must do.
    table = list(csv.DictReader(io.StringIO(chase.read_bytes().decode("utf-8-sig"))))
    chased = {r["單位"]: r for r in table}
    assert chase.read_bytes().startswith(b"\xef\xbb\xbf")
    assert set(chased) == {"臺東縣延平鄉公所", "臺東縣卑南鄉公所", "臺東縣太麻里鄉公所", "臺東縣蘭嶼鄉公所",
                           "臺東縣大武鄉公所", "計畫", "計畫（二組）"}  # fmt: skip
    assert (
        chased["臺東縣卑南鄉公所"]["電子郵件"] == "lin@beinan.gov.tw" and "密碼" in chased["臺東縣卑南鄉公所"]["請辦理"]
    )
    assert chased["臺東縣蘭嶼鄉公所"]["狀態"] == "未收" and chased["臺東縣蘭嶼鄉公所"]["承辦人"] == "錢七"
    assert chased["臺東縣太麻里鄉公所"]["狀態"] == "有錯誤" and "錯誤" in chased["臺東縣太麻里鄉公所"]["請辦理"]
    assert "臺東縣大武鄉工所" in chased["臺東縣大武鄉公所"]["請辦理"]
    assert chased["臺東縣大武鄉公所"]["電子郵件"].startswith("'=")  # a roster cell Excel would run stays text
    assert all(row["請辦理"].endswith("。") for row in table)


def test_require_all_fails_while_a_unit_is_unreadable(
    inbox: tuple[Path, Path, dict[str, Sent]], tmp_path: Path, xltool: Runner
) -> None:
    folder, _, _ = inbox
    roster = tmp_path / "兩個單位.csv"
    roster.write_text("單位\n臺東縣政府政風處\n臺東縣卑南鄉公所\n", encoding="utf-8")
    inputs = [folder / "第1批" / "臺東縣政府.xlsx", folder / "第2批" / "臺東縣卑南鄉公所.xlsx"]
    done = xltool("merge", *inputs, "--roster", roster, "--skip-bad", "--require-all", "-o", tmp_path / "m.xlsx")
    assert done.status == 1 and "尚缺 1 個單位：臺東縣卑南鄉公所（無法讀取）" in done.out
    assert "都已收到" not in done.out


def test_a_merge_of_a_merge_says_what_the_units_say(tmp_path: Path, xltool: Runner) -> None:
    """Each cell as the officer wrote it, type included: a schedule Excel made a number (108.1 and a
    108.10 shown with two decimals), a date, 全年, a text budget, a category's short name, a performance
    item with odd dashes — check of the merged workbook, and of a merge of it, finds what check of the unit found."""
    import datetime as dt

    template = write_template(tmp_path / "範本.xlsx", year=108, rows=20)
    unit = tmp_path / "單位" / "甲.xlsx"
    typed = rows("甲", [5, "30", "5千元", 12.5, "無", 1])
    typed[0]["schedule"] = 108.1  # January, or October mangled: an error either way
    typed[1]["schedule"] = "全年"
    typed[2]["schedule"] = dt.datetime(2019, 1, 12)  # 1-12 typed into a General cell
    typed[3]["category"] = "綜合業務"
    typed[4]["performance"] = "政策目標 － 反貪活動"
    typed[5]["schedule"] = 108.1
    plan_file(template, unit, "甲政風處", typed)
    book = load_workbook(unit)
    book["計畫表"]["C9"].number_format = "0.00"  # the last row's 108.1 shows as 108.10: October
    book.save(unit)

    def findings(path: Path) -> list[tuple[str, str]]:
        done = xltool("check", path, "--format", "json", "--info")
        data = json.loads(done.out)["files"][0]
        keep = {"goal", "practice", "schedule", "budget", "category", "performance"}
        return sorted((f["code"], f["value"]) for f in data["findings"] if f["field"] in keep)

    first = findings(unit)
    codes = {code for code, _ in first}
    assert {"SCHEDULE_NUMBER_AMBIGUOUS", "SCHEDULE_NUMBER", "SCHEDULE_RELATIVE", "SCHEDULE_DATE", "BUDGET_TEXT",
            "BUDGET_ZERO", "CATEGORY_ALIAS", "PERFORMANCE_FORMAT"} <= codes  # fmt: skip
    once, twice = tmp_path / "一.xlsx", tmp_path / "二.xlsx"
    assert xltool("merge", unit, "-o", once).status == 0
    assert findings(once) == first
    assert xltool("merge", once, "-o", twice).status == 0
    assert findings(twice) == first
    cells = [r[4:6] for r in load_workbook(once)["彙整"].iter_rows(min_row=4, values_only=True)]
    assert cells[1] == ("全年", "30") and cells[2][1] == "5千元" and cells[4][1] == "無"  # text stays text
    assert cells[0] == (108.1, 5) and cells[3][1] == 12.5  # a number stays a number


def test_two_versions_saved_at_the_same_minute_are_told_apart_by_their_file_dates(
    tmp_path: Path, xltool: Runner
) -> None:
    """A unit's file mailed twice, or fixed in a program that left its saved time as it was: the newer file
    on disk counts, and the note shows that date, where it showed two equal saved times and chose one."""
    folder = tmp_path / "收件"
    folder.mkdir()
    older, newer, saved = folder / "金門_第一次.xlsx", folder / "金門_第二次.xlsx", tmp_path / "存檔.xlsx"
    book = load_workbook(EXAMPLE)
    book.save(saved)  # saved by a program that records when (xltool's own time is none)
    older.write_bytes(saved.read_bytes())
    book["計畫表"]["B5"] = "二、改寫的作法，辦理 3 場。"
    book.save(saved)
    with zipfile.ZipFile(older) as first, zipfile.ZipFile(saved) as edited, zipfile.ZipFile(newer, "w") as out:
        for item in edited.infolist():  # the same saved time inside, and not the same file
            name = item.filename
            out.writestr(item, first.read(name) if name == "docProps/core.xml" else edited.read(name))
    for path, day in ((newer, 3), (older, 1)):
        os.utime(path, (0, dt.datetime(2026, 3, day, 9, 30).timestamp()))
    done = xltool("merge", folder, "-o", tmp_path / "彙整.xlsx")
    assert done.status == 0, done.err
    note = next(line for line in done.err.splitlines() if "有 2 個檔案" in line)
    counted, left = note.split("為準，不計 ")
    assert "金門_第二次.xlsx（" in counted and "存檔，檔案日期 2026-03-03 09:30:00）" in counted
    assert "金門_第一次.xlsx（" in left and "存檔，檔案日期 2026-03-01 09:30:00）" in left


def test_a_resubmission_that_cannot_be_read_is_chased(template: Path, tmp_path: Path, xltool: Runner) -> None:
    """A unit's corrected plan arrives damaged: its first version still counts (so the season goes on), the
    note does not call that version the newest, and the chase list asks the unit to send the new one again."""
    folder = tmp_path / "收件"
    folder.mkdir()
    first = folder / "臺東縣政府政風處.xlsx"
    first.write_bytes(fill(template, rows("政風處", [10]), unit="臺東縣政府政風處").read_bytes())
    again = folder / "臺東縣政府政風處_修正版.xlsx"
    again.write_bytes(b"PK\x03\x04 cut short in the mail")
    later = first.stat().st_mtime + 3600
    os.utime(again, (later, later))  # the damaged file is the newer one (its time on disk: it has no other)
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位,電子郵件\n臺東縣政府政風處,a@taitung.gov.tw\n", encoding="utf-8")
    chase = tmp_path / "待催.csv"
    done = xltool("check", folder, "--roster", roster, "--chase", chase)
    assert done.status == 2  # a file could not be read
    assert f"以可讀取的版本中最新的 {first}" in done.out and "以最新的" not in done.out
    (line,) = csv.DictReader(io.StringIO(chase.read_bytes().decode("utf-8-sig")))
    assert line["單位"] == "臺東縣政府政風處" and line["狀態"] == "新版無法讀取"
    assert line["請辦理"].startswith(f"最新送來的 {again} 無法讀取") and "目前以較舊的版本為準" in line["請辦理"]
    # The readable one came later (its time on disk), though saved before the damaged one arrived: it is the
    # resubmission, and the unit is not asked to send again what it already sent (the damaged file has no
    # saved time of its own to compare with the other's).
    os.utime(first, (later + 3600, later + 3600))
    done = xltool("check", folder, "--roster", roster, "--chase", chase, "--force")
    assert "臺東縣政府政風處" not in chase.read_bytes().decode("utf-8-sig")
    # copied together (an inbox copied, attachments saved at once): nothing tells, and the damaged one is chased
    os.utime(again, (later + 3600, later + 3600))
    done = xltool("check", folder, "--roster", roster, "--chase", chase, "--force")
    assert "新版無法讀取" in chase.read_bytes().decode("utf-8-sig")


def test_a_plan_sent_zipped_is_not_missing_without_a_word(template: Path, tmp_path: Path, xltool: Runner) -> None:
    """Mail often carries a plan packed in a .zip, or a PDF of it instead of the workbook: xltool reads
    neither, but the unit named on it is told of (note and chase list), the packed file is named on every
    run, and a folder holding only packed files says so instead of 「沒有找到任何活頁簿」 alone."""
    folder = tmp_path / "收件"
    folder.mkdir()
    fill(template, rows("政風處", [10]), unit="臺東縣政府政風處")
    with zipfile.ZipFile(folder / "臺東縣警察局.zip", "w") as packed:
        packed.write(template, "臺東縣警察局.xlsx")
    (folder / "臺東縣延平鄉公所.pdf").write_bytes(b"%PDF-1.4 the plan printed, not the workbook")
    (folder / "說明.txt").write_text("附件請查收", encoding="utf-8")  # named after no unit: nothing to say
    roster = tmp_path / "名冊.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    alone = xltool("check", folder)
    assert (alone.status, alone.code) == (2, "NO_INPUTS") and "有壓縮檔" in alone.error_line()
    assert "臺東縣警察局.zip" in alone.error_line()
    shutil.copyfile(template, folder / "臺東縣政府政風處.xlsx")
    chase = tmp_path / "待催.csv"
    done = xltool("check", folder, "--roster", roster, "--chase", chase)
    assert f"注意：{folder / '臺東縣警察局.zip'} 是壓縮檔，xltool 不會解壓縮" in done.err
    assert f"臺東縣警察局：收件匣有 {folder / '臺東縣警察局.zip'}，是壓縮檔，請解壓縮後再檢查" in done.out
    assert f"臺東縣延平鄉公所：收件匣有 {folder / '臺東縣延平鄉公所.pdf'}，不是活頁簿或計畫 JSON，未讀取" in done.out
    todo = {row["單位"]: row["請辦理"] for row in csv.DictReader(io.StringIO(chase.read_bytes().decode("utf-8-sig")))}
    assert todo["臺東縣警察局"].startswith(f"收到的 {folder / '臺東縣警察局.zip'} 不是計畫活頁簿")
    assert todo["臺東縣成功鎮公所"] == "尚未收到計畫，請於期限內送出。"
    merged = xltool("merge", folder, "--roster", roster, "-o", tmp_path / "彙整.xlsx")
    assert merged.status == 0 and "是壓縮檔" in merged.err and "臺東縣警察局：收件匣有" in merged.out


def test_a_plan_saved_as_an_excel_binary_workbook_is_unreadable_and_its_unit_told_how_to_save_it(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    """An .xlsb in the inbox is the unit's plan in a format xltool does not read: the unit is 無法讀取 (it
    was 未收, beside a note that its file 「不是活頁簿」), and the check and the chase list say to save it as .xlsx."""
    from tests import corpus

    folder = tmp_path / "收件"
    folder.mkdir()
    fill(template, rows("政風處", [10]), unit="臺東縣政府政風處")
    shutil.copyfile(template, folder / "臺東縣政府政風處.xlsx")
    corpus.binary_workbook(folder / "臺東縣警察局.xlsb")
    roster, chase = tmp_path / "名冊.csv", tmp_path / "待催.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    done = xltool("check", folder, "--roster", roster, "--chase", chase)
    assert done.status == 2  # a file could not be read
    assert f"錯誤：{folder / '臺東縣警察局.xlsb'}：這是 Excel 二進位活頁簿（.xlsb）" in done.err
    assert re.search(r"臺東縣警察局 +無法讀取 ", done.out)
    todo = {row["單位"]: row["請辦理"] for row in csv.DictReader(io.StringIO(chase.read_bytes().decode("utf-8-sig")))}
    assert "請在 Excel 另存為「Excel 活頁簿（.xlsx）」" in todo["臺東縣警察局"]
    # merged as a damaged plan is: not left out without a word (it was), but on the office's say
    refused = xltool("merge", folder, "--roster", roster, "-o", tmp_path / "彙整.xlsx")
    assert refused.code == "MERGE_UNREADABLE" and "臺東縣警察局.xlsb：這是 Excel 二進位活頁簿" in refused.error_line()
    merged = xltool("merge", folder, "--roster", roster, "-o", tmp_path / "彙整.xlsx", "--skip-bad")
    assert merged.status == 0 and "臺東縣警察局.xlsb" in merged.err


def test_plans_saved_as_templates_in_the_inbox_are_read_as_the_workbooks_they_are(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    """An officer who saved the plan as an Excel template (「Excel 範本」, .xltx) sent the plan: an inbox reads it,
    as xltool reads one given by name. It was passed over, and its unit stood 未收 beside a note that its file
    「不是活頁簿」. Its returned copy is a workbook Excel opens under .xlsx."""
    folder = tmp_path / "收件"
    folder.mkdir()
    fill(template, rows("政風處", [10, "30"]), unit="臺東縣政府政風處")
    rewritten(
        folder / "臺東縣政府政風處.xltx",
        lambda name, data: (  # all an .xltx differs by
            data.replace(b"spreadsheetml.sheet.main+xml", b"spreadsheetml.template.main+xml")
            if name == "[Content_Types].xml"
            else data
        ),
        source=template,
    )
    roster = tmp_path / "名冊.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    done = xltool("check", folder, "--roster", roster, "--annotate-dir", tmp_path / "退回")
    assert done.status == 0, done.err
    assert re.search(r"臺東縣政府政風處 +已收 +2 +40 ", done.out)
    with zipfile.ZipFile(tmp_path / "退回" / "臺東縣政府政風處_檢查.xlsx") as copy:
        assert "template" not in copy.read("[Content_Types].xml").decode()


@pytest.mark.usefixtures("office")
def test_a_plan_saved_as_an_odf_template_in_the_inbox_is_read(template: Path, tmp_path: Path, xltool: Runner) -> None:
    """LibreOffice's 「ODF 試算表範本」 (.ots), as an .xltx is (above)."""
    from xltool.office import convert

    folder = tmp_path / "收件"
    fill(template, rows("政風處", [10, "30"]), unit="臺東縣政府政風處")
    convert(template, "ots", folder).rename(folder / "臺東縣政府政風處.ots")
    roster = tmp_path / "名冊.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    done = xltool("check", folder, "--roster", roster, "--annotate-dir", tmp_path / "退回")
    assert done.status == 0, done.err
    assert re.search(r"臺東縣政府政風處 +已收 +2 +40 ", done.out)
    assert (tmp_path / "退回" / "臺東縣政府政風處_檢查.xlsx").exists()


def test_two_counties_are_not_taken_for_each_other_by_the_words_every_county_has(
    tmp_path: Path, xltool: Runner
) -> None:
    """連江縣政府政風室 (off the roster) was 「是否為「雲林縣政府政風處」？」 — they share 縣政府政風 — and the chase
    list told 雲林 to correct the name of a plan it never sent. A typo in a unit's own words is still
    asked about."""
    from tests.test_season import unit_plan

    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    for unit in ("臺北市政府政風處", "連江縣政府政風室", "臺北市政府警查局"):
        unit_plan(inbox / f"{unit}.xlsx", unit)
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n臺北市政府政風處\n雲林縣政府政風處\n臺北市政府警察局\n", encoding="utf-8")
    chase = tmp_path / "待催.csv"
    done = xltool("check", inbox, "--roster", roster, "--chase", chase)
    assert "是否為「雲林縣政府政風處」" not in done.out and "是否為「臺北市政府警察局」" in done.out
    todo = {row.split(",")[0]: row for row in chase.read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert "尚未收到計畫" in todo["雲林縣政府政風處"] and "更正機關名稱" in todo["臺北市政府警察局"]


def test_a_slip_in_the_words_every_name_shares_is_still_asked_about(tmp_path: Path, xltool: Runner) -> None:
    """臺北市政俯政風處 (府 mistyped) went 名冊外 without a word while 臺北市政府政風處 was chased as 未收: names are
    compared by their own words (臺北), and the slip kept 市政俯 in the file's. A slip of one character inside the
    shared words is asked about; a sibling city (新竹 for 新北, its own words) is not."""
    from tests.test_season import unit_plan

    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    for n, unit in enumerate(("臺北市政俯政風處", "臺中市政府政風處處", "新竹市政府政風處")):
        unit_plan(inbox / f"{n}.xlsx", unit)
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n臺北市政府政風處\n新北市政府政風處\n臺中市政府政風處\n", encoding="utf-8")
    receipts = json.loads(xltool("check", inbox, "--roster", roster, "-f", "json").out)["receipts"]
    notes = {r["unit"]: r["note"] for r in receipts}
    assert "是否為「臺北市政府政風處」" in notes["臺北市政俯政風處"]
    assert "是否為「臺中市政府政風處」" in notes["臺中市政府政風處處"]
    assert "是否為" not in notes["新竹市政府政風處"]


def test_a_unit_that_leaves_out_its_county_is_asked_about(tmp_path: Path, xltool: Runner) -> None:
    """The roster's 臺東縣延平鄉公所 sent 延平鄉公所: its words were too unlike (0.57) for a 「是否為」, so the unit was
    未收 and chased for a plan it had sent. With two counties' 延平鄉 on the roster, no guess."""
    from tests.test_season import unit_plan

    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    unit_plan(inbox / "延平鄉公所.xlsx", "延平鄉公所")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n臺東縣延平鄉公所\n臺東縣海端鄉公所\n", encoding="utf-8")
    assert "是否為「臺東縣延平鄉公所」" in xltool("check", inbox, "--roster", roster).out
    roster.write_text("單位\n臺東縣延平鄉公所\n某縣延平鄉公所\n", encoding="utf-8")
    assert "是否為" not in xltool("check", inbox, "--roster", roster).out


def test_a_saved_time_no_clock_can_show_is_no_saved_time(tmp_path: Path, xltool: Runner) -> None:
    """A version recording 9999-12-31T23:59:59-14:00 stopped the whole merge with an internal
    OverflowError in English: it is dated by its file, as one that records no time."""
    folder = tmp_path / "收件"
    folder.mkdir()
    odd, other = folder / "金門.xlsx", folder / "金門 (1).xlsx"
    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(odd, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified\b[^<>]*>)[^<]*", rb"\g<1>9999-12-31T23:59:59-14:00", data)
            out.writestr(item, data)
    write_template(other, year=108, unit="金門縣政府政風處", items=example_items(KINMEN)[:-1])  # another version
    done = xltool("merge", folder, "-o", tmp_path / "彙整.xlsx")
    assert done.status == 0, done.err
    assert f"{odd}（檔案日期" in done.err


def test_the_terminals_receipts_show_each_file_whole(tmp_path: Path, xltool: Runner) -> None:
    """The 檔案 column was cut at 30 columns: 「收件匣/花蓮/花蓮縣玉里鎮公所.…」, a second file hidden behind 「、…」
    and the 「（來源：…）」 of last round's 彙整 never shown; a file name could not be searched for in the output."""
    from tests.test_season import unit_plan

    folder = tmp_path / "收件匣" / "花蓮縣各鄉鎮市公所"
    folder.mkdir(parents=True)
    plan = unit_plan(folder / "花蓮縣玉里鎮公所108年度廉政工作計畫（修正版）.xlsx", "花蓮縣玉里鎮公所")
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n花蓮縣玉里鎮公所\n", encoding="utf-8")
    (row,) = [line for line in xltool("check", tmp_path / "收件匣", "--roster", roster).out.splitlines()
              if line.startswith("花蓮縣玉里鎮公所 ")]  # fmt: skip
    assert row.split()[:3] == ["花蓮縣玉里鎮公所", "已收", "33"] and row.endswith(str(plan))


def test_a_city_is_not_asked_about_as_its_county(tmp_path: Path, xltool: Runner) -> None:
    """嘉義市政府政風處 (off a county office's roster) was 「是否為「嘉義縣政府政風處」？」, and the chase list told
    嘉義縣 to correct the name of a plan it never sent: the two differ only in 市 and 縣, a character the words
    of their level share, which was taken for a slip. So were 信義鄉公所 (南投) and 信義區公所 (臺北)."""
    from tests.test_season import unit_plan

    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    for n, unit in enumerate(("嘉義市政府政風處", "信義鄉公所", "嘉義縣政俯政風處")):
        unit_plan(inbox / f"{n}.xlsx", unit)
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n嘉義縣政府政風處\n臺北市信義區公所\n", encoding="utf-8")
    chase = tmp_path / "待催.csv"
    receipts = json.loads(xltool("check", inbox, "--roster", roster, "--chase", chase, "-f", "json").out)["receipts"]
    notes = {r["unit"]: r["note"] for r in receipts}
    assert "是否為" not in notes["嘉義市政府政風處"] and "是否為" not in notes["信義鄉公所"]
    assert "是否為「嘉義縣政府政風處」" in notes["嘉義縣政俯政風處"]  # a slip of 府 is still asked about
