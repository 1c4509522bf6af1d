"""xltool diff of two merged workbooks: unit by unit (the last merge against this one, last year's
against this year's), never a row of one unit matched with a row of another."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from examples.make_example import example_items
from tests.conftest import EXAMPLE, Runner, run_in_process
from tests.test_diff import KINMEN, next_year
from xltool.budget import parse_budget
from xltool.form import CHANGES_SHEET
from xltool.model import PlanItem
from xltool.schedule import parse_schedule
from xltool.template import write_template

ITEMS = example_items(KINMEN)
SMALL = [
    PlanItem("壹", "推動廉政宣導", "一", "辦理廉政宣導講習 3 場", parse_schedule("108.03-11", 108), parse_budget(20),
             "防貪業務", "政策目標-反貪活動"),
    PlanItem("壹", "推動廉政宣導", "二", "辦理採購稽核 2 次", parse_schedule("108.05", 108), parse_budget(5),
             "防貪業務", "無"),
]  # fmt: skip


def merged(folder: Path, plans: dict[str, tuple[str, list[PlanItem]]], year: int = 108) -> Path:
    """Each unit's workbook, as the template writes it, merged into 彙整.xlsx."""
    folder.mkdir()
    for name, (unit, items) in plans.items():
        write_template(folder / f"{name}.xlsx", year=year, unit=unit, items=items)
    out = folder.parent / f"{folder.name}_彙整.xlsx"
    done = run_in_process("merge", folder, "-o", out)
    assert done.status == 0, done.err
    return out


@pytest.fixture
def seasons(tmp_path: Path) -> tuple[Path, Path]:
    """The last merge and this one: 金門 changed one budget and added a practice, 甲 fixed its error
    (a schedule 經常辦理), 乙 is gone and 丙 is new, with 乙's very practices."""
    vague = [replace(SMALL[0], schedule_info=parse_schedule("經常辦理", 108)), SMALL[1]]
    last = merged(tmp_path / "上次", {"金門": ("金門縣政府政風處", ITEMS), "甲": ("甲政風室", vague),
                                     "乙": ("乙政風室", SMALL)})  # fmt: skip
    kinmen = list(ITEMS)
    kinmen[2] = replace(kinmen[2], budget_info=parse_budget(99))
    kinmen.append(replace(kinmen[-1], item_no="六", practice="辦理廉政志工培訓 1 場", budget_info=parse_budget(10)))
    this = merged(tmp_path / "這次", {"金門": ("金門縣政府政風處", kinmen), "甲": ("甲政風室", SMALL),
                                     "丙": ("丙政風室", SMALL)})  # fmt: skip
    return last, this


def test_two_merges_are_compared_unit_by_unit(seasons: tuple[Path, Path], xltool: Runner) -> None:
    last, this = seasons
    done = xltool("diff", last, this)
    assert done.status == 0, done.err
    lines = done.out.splitlines()
    table = lines[lines.index("各單位：") + 1 : lines.index("各單位：") + 5]
    assert [line.split()[:2] for line in table] == [  # this merge's order, then the unit it no longer has
        ["丙政風室", "新增"], ["甲政風室", "兩版都有"], ["金門縣政府政風處", "兩版都有"], ["乙政風室", "刪除"],
    ]  # fmt: skip
    third, first, kinmen, second = table
    budget = 1865 - int(ITEMS[2].budget or 0) + 99 + 10
    assert "作法 33 → 34（新增 1、刪除 0、修改 1）" in kinmen and f"預算 1,865 → {budget:,} 千元" in kinmen
    assert "錯誤 0  警告 20" in kinmen
    assert "錯誤 1 → 0" in first and "作法 2（新增 0、刪除 0、修改 1）" in first
    assert "作法 — → 2" in third and "預算 — → 25 千元" in third
    assert "作法 2 → —" in second
    # each unit's changes under its name; 丙 is not 乙 renamed, though its practices are 乙's word for word
    detail = done.out.split("【甲政風室】")[1]
    assert "【丙政風室】" not in done.out and "【乙政風室】" not in done.out
    first_part, kinmen_part = detail.split("【金門縣政府政風處】")
    assert [line.split("  ")[1] for line in kinmen_part.strip().splitlines()[:2]] == ["修改", "新增"]
    assert f"預算(千元)：{ITEMS[2].budget} → 99" in kinmen_part and "辦理廉政志工培訓 1 場" in kinmen_part
    assert "預定進度：經常辦理 → 108.03-11" in first_part
    assert lines[-1] == "單位：新增 1 個、刪除 1 個、兩版都有 2 個；兩版都有的單位共新增 1 項、刪除 0 項、修改 2 項"


def test_json_per_unit(seasons: tuple[Path, Path], xltool: Runner) -> None:
    last, this = seasons
    done = xltool("diff", last, this, "--format", "json")
    data = json.loads(done.out)
    assert data["new"]["units"] == ["丙政風室", "甲政風室", "金門縣政府政風處"]
    units = {u["unit"]: u for u in data["units"]}
    assert [u["status"] for u in data["units"]] == ["added", "kept", "kept", "removed"]
    assert units["金門縣政府政風處"]["budget"] == [1865, 1865 - int(ITEMS[2].budget or 0) + 109]
    assert units["金門縣政府政風處"]["practices"] == [33, 34] and units["金門縣政府政風處"]["changed"] == 1
    assert (units["甲政風室"]["errors"], units["丙政風室"]["errors"], units["乙政風室"]["practices"]) == (
        [1, 0], [None, 0], [2, None],
    )  # fmt: skip
    changed = units["甲政風室"]["diff"]["changed"]
    assert [c["fields"] for c in changed] == [{"schedule": ["經常辦理", "108.03-11"]}]
    assert all(item["unit"] == "丙政風室" for item in units["丙政風室"]["diff"]["added"])


def test_last_years_merge_against_this_years(tmp_path: Path, xltool: Runner) -> None:
    last = merged(tmp_path / "108", {"金門": ("金門縣政府政風處", ITEMS), "乙": ("乙政風室", SMALL)})
    later = [replace(i, schedule_info=parse_schedule(i.schedule.replace("108", "109"), 109)) for i in SMALL]
    later[1] = replace(later[1], schedule_info=parse_schedule("109.06", 109))
    this = merged(tmp_path / "109", {"金門": ("金門縣政府政風處", next_year(ITEMS)), "乙": ("乙政風室", later)}, 109)
    done = xltool("diff", last, this)
    assert "兩版相差 1 年" in done.out
    assert "金門縣政府政風處  兩版都有  作法 33（新增 0、刪除 0、修改 0）" in done.out  # moved on a year: the same
    assert "預定進度：108.05 → 109.06" in done.out.split("【乙政風室】")[1]


def test_a_unit_against_a_merged_workbook_compares_that_unit(seasons: tuple[Path, Path], xltool: Runner) -> None:
    _, this = seasons
    done = xltool("diff", EXAMPLE, this)
    assert "上一版是一個單位的計畫：只比較「金門縣政府政風處」" in done.out
    table = done.out.split("各單位：\n")[1].split("\n\n")[0].splitlines()
    assert len(table) == 1 and "作法 33 → 34" in table[0]


def test_annotating_a_merge_marks_each_units_changes(
    seasons: tuple[Path, Path], tmp_path: Path, xltool: Runner
) -> None:
    last, this = seasons
    out = tmp_path / "比對.xlsx"
    assert xltool("diff", last, this, "--annotate", out).status == 0
    book = load_workbook(out)
    rows = list(book[CHANGES_SHEET].iter_rows(values_only=True))
    assert rows[0][:2] == ("機關名稱", "變更")
    assert {row[0] for row in rows[1:]} == {"金門縣政府政風處", "甲政風室", "丙政風室", "乙政風室"}
    assert ("丙政風室", "新增") in {row[:2] for row in rows[1:]} and ("乙政風室", "刪除") in {
        row[:2] for row in rows[1:]
    }
    sheet = book["彙整"]
    new_unit = next(c for c in sheet["A"] if c.value == "丙政風室")
    assert new_unit.fill.fgColor.rgb == "FFC6EFCE" and new_unit.comment.text == "上一版沒有這個單位"
