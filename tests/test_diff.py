"""xltool diff: what changed between two versions of a plan, each change at its cell, renumbering and the
year difference set aside. Fixtures are the Kinmen example's 33 practices, edited and written with the
template at test time; a practice at position k of the list written is on row 4 + k."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import zipfile
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from openpyxl import load_workbook

from examples.make_example import example_items
from tests.conftest import EXAMPLE, FIRST_INPUT_ROW, Runner, hand_made_plan, run_in_process
from xltool.budget import parse_budget
from xltool.diff import OTHER_GOAL, SAME_GOAL, diff_plans
from xltool.form import CHANGES_HEADER, CHANGES_SHEET, GOAL_NUMERALS, ITEM_NUMERALS, chinese_number, numeral_value
from xltool.model import PlanItem
from xltool.reader import read_plan
from xltool.schedule import parse_schedule
from xltool.template import write_template
from xltool.text import squash

KINMEN = json.loads((EXAMPLE.parent / "kinmen_108.json").read_text(encoding="utf-8"))
ITEMS = example_items(KINMEN)
UNIT = "金門縣政府政風處"
YELLOW, GREEN = "FFFFEB9C", "FFC6EFCE"  # as openpyxl reads the fills back


def workbook(path: Path, items: list[PlanItem], year: int = 108) -> Path:
    return write_template(path, year=year, unit=UNIT, items=items)


def diff_json(old: Path, new: Path) -> dict:  # type: ignore[type-arg]
    code, out, _ = run_in_process("diff", old, new, "--format", "json")
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


def row(items: list[PlanItem], item: PlanItem) -> int:
    return FIRST_INPUT_ROW + next(k for k, x in enumerate(items) if x is item)


@pytest.fixture
def old(tmp_path: Path) -> Path:
    return workbook(tmp_path / "第一次.xlsx", ITEMS)


# ------------------------------------------------------------------------------------------ the same plan


def test_a_plan_against_itself_and_its_json_changes_nothing(old: Path, tmp_path: Path, xltool: Runner) -> None:
    assert xltool("read", old, "--format", "json", "-o", tmp_path / "第一次.json").status == 0
    for other in (old, tmp_path / "第一次.json"):
        code, out, _ = xltool("diff", other, old)
        assert code == 0
        lines = out.splitlines()
        assert lines[-1] == "新增 0 項、刪除 0 項、修改 0 項"
        assert not any("  修改  " in line or "  新增  " in line or "  刪除  " in line for line in lines)
        assert "預算合計（千元）：1,865" in out


def test_a_plan_typed_untidily_against_its_json_changes_nothing(tmp_path: Path, xltool: Runner) -> None:
    """The JSON keeps each cell's own text beside its tidy value (「108年1月至12月」 beside 108.01-12): a plan and
    its JSON are still one plan to diff, either way round."""
    from tests.test_check import stored_example

    plan = stored_example(tmp_path / "計畫.xlsx")  # untidy, and schedules stored as numbers and dates
    assert xltool("read", plan, "-f", "json", "-o", tmp_path / "計畫.json").status == 0
    for pair in ((plan, tmp_path / "計畫.json"), (tmp_path / "計畫.json", plan)):
        done = xltool("diff", *pair)
        assert done.status == 0 and done.out.splitlines()[-1] == "新增 0 項、刪除 0 項、修改 0 項"
        assert "  修改  " not in done.out


def test_a_practice_over_rows_one_of_them_a_number_is_written_as_its_json(tmp_path: Path, xltool: Runner) -> None:
    """diff --format json gives each practice as read's JSON does, a practice written over rows as one: its
    schedules listed (「108.1、108.13」, the first cell a number) are no one cell's number, and are text; a
    practice whose one cell holds the number 108.08 keeps it, as read's JSON does."""
    hand_made_plan(tmp_path / "舊.xlsx", [["壹、目標", "一、辦理宣導 3 場", "108.03", 5, "防貪業務", ""]], [])
    rows = [["壹、目標", "一、辦理宣導 3 場", 108.1, 5, "防貪業務", ""], [None, None, "108.13", 5, None, None],
            [None, "二、辦理講習 2 場", 108.08, 5, "防貪業務", ""]]  # fmt: skip
    hand_made_plan(tmp_path / "新.xlsx", rows, ["A3:A5", "B3:B4"])
    done = xltool("diff", tmp_path / "舊.xlsx", tmp_path / "新.xlsx", "-f", "json")
    assert done.status == 0
    found = json.loads(done.out)
    [changed], [added] = found["changed"], found["added"]
    assert changed["new"]["schedule"] == "108.1、108.13" and "schedule" not in changed["new"].get("written", {})
    assert added["written"] == {"schedule": 108.08}


# ------------------------------------------------------------------------------------------ renumbering


def renumbered() -> list[PlanItem]:
    """A goal inserted at the top (every later goal's numeral moves on) and 貳's practices in reverse order
    (every one renumbered): only the new goal's two practices are new."""
    top = [
        replace(ITEMS[0], goal_no="壹", goal="推動數位廉政、強化資料治理。", item_no=no, practice=text)
        for no, text in (("一", "建置廉政風險資料庫，每季更新 1 次。"), ("二", "辦理數位廉政講習 3 場。"))
    ]
    shifted = [replace(i, goal_no=chinese_number(GOAL_NUMERALS.index(i.goal_no) + 2, GOAL_NUMERALS)) for i in ITEMS]
    places = [k for k, item in enumerate(shifted) if item.goal_no == "參"]
    for n, (k, item) in enumerate(zip(places, [shifted[k] for k in reversed(places)], strict=True), start=1):
        shifted[k] = replace(item, item_no=chinese_number(n, ITEM_NUMERALS))
    return top + shifted


def test_renumbering_alone_is_no_change(old: Path, tmp_path: Path, xltool: Runner) -> None:
    items = renumbered()
    assert [i.item_no for i in items if i.goal_no == "參"] == ["一", "二", "三", "四"]
    assert items[2].goal_no == "貳" and items[-1].goal_no == "捌"
    new = workbook(tmp_path / "第二次.xlsx", items)
    data = diff_json(old, new)
    assert [a["cell"] for a in data["added"]] == ["B4", "B5"]
    assert data["removed"] == [] and data["changed"] == []
    by_goal = data["totals"]["by_goal"]
    assert by_goal[0] == {"old": None, "new": "壹、推動數位廉政、強化資料治理。", "budget": [None, 10]}
    assert [(g["old"][0], g["new"][0], g["budget"]) for g in by_goal[1:3]] == [
        ("壹", "貳", [30, 30]),
        ("貳", "參", [350, 350]),
    ]

    code, out, _ = xltool("diff", old, new)
    assert code == 0
    assert "計畫表!A4  新增  計畫目標 「壹、推動數位廉政、強化資料治理。」" in out
    assert "計畫表!B5  新增  壹、二：辦理數位廉政講習 3 場。" in out
    assert "參（原貳） 350" in out
    assert out.splitlines()[-1] == "新增 2 項、刪除 0 項、修改 0 項"


def test_a_hand_made_plans_numbers_written_the_forms_way_are_no_change(
    old: Path, tmp_path: Path, xltool: Runner
) -> None:
    """Last year's hand-made numbering (goals 一、, practices 1.) against the form's (壹、, 一、), as import and
    check --fix write it: renumbering, not a change of words."""
    hand_made = []
    for item in ITEMS:
        goal = f"{ITEM_NUMERALS[GOAL_NUMERALS.index(item.goal_no)]}、{item.goal}"
        number = numeral_value(item.item_no, ITEM_NUMERALS)
        hand_made.append(replace(item, goal_no="", goal=goal, item_no="", practice=f"{number}.{item.practice}"))
    legacy = workbook(tmp_path / "手工版.xlsx", hand_made)
    assert read_plan(legacy).items[0].goal.startswith("一、")  # the reader leaves these numbers in the words
    code, out, _ = xltool("diff", legacy, old)
    assert code == 0 and out.splitlines()[-1] == "新增 0 項、刪除 0 項、修改 0 項"
    assert "壹（原無編號） 30" in out


# ------------------------------------------------------------------------------------------ an edited copy


def edited() -> tuple[list[PlanItem], dict[str, PlanItem]]:
    """The Kinmen plan with one of each change; returns the items and the edited ones by what changed."""
    items = list(ITEMS)
    budget = items[4] = replace(items[4], budget_info=parse_budget(350))  # 貳二 300 → 350
    schedule = items[5] = replace(items[5], schedule_info=parse_schedule("108.08-12", 108))  # 貳三
    category = items[9] = replace(items[9], category="綜合規劃業務")  # 參三 防貪業務
    performance = items[14] = replace(items[14], performance="政策目標-發掘貪瀆案件線索")  # 伍一, blank
    wording = items[10] = replace(items[10], practice=items[10].practice[:-1] + "，並製作成果專刊。")  # 參四
    moved_from = items[30]  # 柒三 moves to 壹 as its 四
    removed = items[21]  # 伍八: 伍九–十一 become 八–十
    items = [i for i in items if i is not removed and i is not moved_from]
    for k, item in enumerate(items):
        if item.goal_no == "伍" and item.item_no in ("九", "十", "十一"):
            items[k] = replace(item, item_no={"九": "八", "十": "九", "十一": "十"}[item.item_no])
        if item.goal_no == "柒" and item.item_no in ("四", "五"):
            items[k] = replace(item, item_no={"四": "三", "五": "四"}[item.item_no])
    moved = replace(moved_from, goal_no="壹", goal=ITEMS[0].goal, item_no="四")
    items.insert(3, moved)
    added = replace(ITEMS[27], item_no="四", practice="辦理機關資通安全演練 1 場。", performance="無",
                    schedule_info=parse_schedule("108.10", 108), budget_info=parse_budget(15))  # fmt: skip
    items.insert(items.index(ITEMS[27]) + 1, added)  # after 陸三
    return items, {
        "budget": budget, "schedule": schedule, "category": category, "performance": performance,
        "wording": wording, "moved": moved, "added": added, "removed": removed,
    }  # fmt: skip


def test_an_edited_copy_reports_each_change_at_its_cell(old: Path, tmp_path: Path, xltool: Runner) -> None:
    items, what = edited()
    new = workbook(tmp_path / "第二次.xlsx", items)
    data = diff_json(old, new)
    at = {key: row(items, item) for key, item in what.items() if key != "removed"}
    fields = {c["new"]["cell"]: c["fields"] for c in data["changed"]}
    assert fields == {
        f"B{at['moved']}": {"goal": [ITEMS[30].goal, ITEMS[0].goal]},
        f"B{at['budget']}": {"budget": [300, 350]},
        f"B{at['schedule']}": {"schedule": ["108.08", "108.08-12"]},
        f"B{at['category']}": {"category": ["防貪業務", "綜合規劃業務"]},
        f"B{at['wording']}": {"practice": [ITEMS[10].practice, what["wording"].practice]},
        f"B{at['performance']}": {"performance": ["", "政策目標-發掘貪瀆案件線索"]},
    }
    assert data["changed"][0]["old"]["cell"] == "B34"  # the moved one, where it was (柒三)
    assert [a["cell"] for a in data["added"]] == [f"B{at['added']}"]
    assert [(r["cell"], r["goal_no"], r["item_no"]) for r in data["removed"]] == [("B25", "伍", "八")]

    code, out, _ = xltool("diff", old, new)
    assert code == 0
    lines = out.splitlines()
    expected = [
        f"計畫表!B{at['moved']}  移動  壹、四（上一版 柒、三）：移到「壹、",
        f"計畫表!D{at['budget']}  修改  貳、二 預算(千元)：300 → 350",
        f"計畫表!C{at['schedule']}  修改  貳、三 預定進度：108.08 → 108.08-12",
        f"計畫表!E{at['category']}  修改  參、三 業務類別：「防貪業務」 → 「綜合規劃業務」",
        f"計畫表!B{at['wording']}  修改  參、四 具體作法：「積極辦理廉潔楷模選拔",
        f"計畫表!F{at['performance']}  修改  伍、一 提列績效對應項目：「（空白）」 → 「政策目標-發掘貪瀆案件線索」",
        f"計畫表!B{at['added']}  新增  陸、四：辦理機關資通安全演練 1 場。（108.10，15 千元，綜合維護業務，無）",
        "計畫表!B25（上一版）  刪除  伍、八：依據常見弊失態樣",
    ]
    found = [next((n for n, line in enumerate(lines) if line.startswith(e)), -1) for e in expected]
    assert -1 not in found, [e for e, n in zip(expected, found, strict=True) if n < 0]
    assert found == sorted(found)  # NEW's reading order, what only OLD has last
    assert "預算合計（千元）：1,865 → 1,890" in out
    assert "柒 610 → 560" in out and "陸 50 → 65" in out
    assert lines[-1] == "新增 1 項、刪除 1 項、修改 6 項"


def test_a_reworded_goal_is_one_change_at_the_goal_cell(old: Path, tmp_path: Path, xltool: Runner) -> None:
    goal = "拓展公民參與、建構透明平臺、策進預警作為。"
    items = [replace(i, goal=goal) if i.goal_no == "貳" else i for i in ITEMS]
    new = workbook(tmp_path / "第二次.xlsx", items)
    data = diff_json(old, new)
    assert [c["new"]["cell"] for c in data["changed"]] == ["B7", "B8", "B9", "B10"]
    assert all(c["fields"] == {"goal": [ITEMS[3].goal, goal]} for c in data["changed"])
    _, out, _ = xltool("diff", old, new)
    assert [line for line in out.splitlines() if "  修改  " in line] == [
        f"計畫表!A7  修改  計畫目標：「貳、{ITEMS[3].goal}」 → 「貳、{goal}」"
    ]


def test_a_goal_rewritten_over_the_same_practices_is_still_that_goal() -> None:
    """Words too different to match (ratio below 0.6), but its practices, word for word, are all under it."""
    plan = read_plan(EXAMPLE)
    goal = "深化參與式治理。"
    assert SequenceMatcher(None, squash(plan.items[3].goal), goal).ratio() < SAME_GOAL
    result = diff_plans(
        plan, replace(plan, items=[replace(i, goal=goal) if i.goal_no == "貳" else i for i in plan.items])
    )
    assert [(c.new.cell, c.moved) for c in result.changed] == [
        ("B7", False),
        ("B8", False),
        ("B9", False),
        ("B10", False),
    ]
    assert [g.reworded for g in result.goals] == [False, True, False, False, False, False, False]


def test_a_practice_rewritten_from_scratch_is_removed_and_added() -> None:
    plan = read_plan(EXAMPLE)
    items = list(plan.items)
    items[1] = replace(items[1], practice="召開廉政會報 2 次，追蹤決議事項辦理情形。")
    result = diff_plans(plan, replace(plan, items=items))
    assert [i.cell for i in result.added] == ["B5"] and [i.cell for i in result.removed] == ["B5"]
    assert result.changed == []


@pytest.mark.parametrize("swapped", [False, True], ids=["a goal put in front", "two goals swapped"])
def test_the_same_words_under_two_goals_are_paired_within_their_goals(tmp_path: Path, swapped: bool) -> None:
    """A goal put in front whose practice is worded as one below (or two such goals swapped): the words were
    paired in order over the whole plan, so the new practice was the old one moved, its schedule, budget and
    category changed, and the untouched one was called added."""
    below = [["壹、強化廉政宣導", "一、辦理廉政宣導活動", "108.03", 5, "綜合規劃業務", "無"],
             ["", "二、印製宣導品", "108.05", 20, "綜合規劃業務", "無"]]  # fmt: skip
    front = ["壹、推動社會參與", "一、辦理廉政宣導活動", "108.09-12", 50, "防貪業務", "無"]
    old, new = tmp_path / "舊.xlsx", tmp_path / "新.xlsx"
    hand_made_plan(old, [front, ["貳、強化廉政宣導", *below[0][1:]], below[1]] if swapped else below, [])
    renumbered = [["貳、強化廉政宣導", *below[0][1:]], below[1]]
    hand_made_plan(new, [below[0], below[1], ["貳、推動社會參與", *front[1:]]] if swapped else [front, *renumbered], [])
    result = diff_plans(read_plan(old), read_plan(new))
    assert result.changed == [] and result.removed == []
    assert [i.cell for i in result.added] == ([] if swapped else ["B3"])


def test_a_long_practice_edited_at_its_end_is_one_change() -> None:
    """Two practices pasted as reports of thousands of characters: their likeness is judged on their first
    lines (difflib took minutes over the whole of two such texts), so one edited near its end is still the
    same practice, changed, and a different one is still another."""
    plan = read_plan(EXAMPLE)
    report = "".join(f"第{n}場次辦理廉政宣導與法紀教育，邀請機關同仁參加並填寫回饋問卷。" for n in range(120))
    items = list(plan.items)
    items[1] = replace(items[1], practice=report)
    before = replace(plan, items=items)
    after = list(items)
    after[1] = replace(items[1], practice=report[:-40] + "並將成果簽報首長核閱。")
    result = diff_plans(before, replace(plan, items=after))
    assert [(c.new.cell, list(c.fields)) for c in result.changed] == [("B5", ["practice"])]
    assert result.added == [] and result.removed == []


def test_on_a_narrow_terminal_no_amount_leaves_its_goal(
    old: Path, tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = workbook(tmp_path / "第二次.xlsx", renumbered())
    monkeypatch.setenv("COLUMNS", "60")
    lines = xltool("diff", old, new, tty=True).out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("各目標："))
    goals = list(itertools.takewhile(lambda line: not line.startswith("各業務類別"), lines[start:]))
    assert len(goals) > 1  # wrapped
    one = r"[壹貳參肆伍陸柒捌玖拾]+(（[^）]+）)? [\d,]+( → [\d,]+)?"
    assert all(re.fullmatch(rf"(各目標：|  )({one}、)*{one}、?", line) for line in goals), goals


# ------------------------------------------------------------------------------------------ last year


def next_year(items: list[PlanItem]) -> list[PlanItem]:
    """This year's plan as an officer types it from last year's: 108 → 109 in schedules and in words."""
    return [
        replace(i, schedule_info=parse_schedule(i.schedule.replace("108", "109"), 109),
                practice=i.practice.replace("107年度", "108年度"))
        for i in items
    ]  # fmt: skip


def test_last_year_against_this_year(old: Path, tmp_path: Path, xltool: Runner) -> None:
    items = next_year(ITEMS)
    assert items[0].schedule == "109.01-12" and "彙整108年度" in items[13].practice
    same = workbook(tmp_path / "109.xlsx", items, year=109)
    data = diff_json(old, same)
    assert (data["old"]["year"], data["new"]["year"]) == (108, 109)
    assert data["added"] == data["removed"] == data["changed"] == []

    items[0] = replace(items[0], schedule_info=parse_schedule("109.03-12", 109))
    moved = workbook(tmp_path / "109_改.xlsx", items, year=109)
    data = diff_json(old, moved)
    assert [(c["new"]["cell"], c["fields"]) for c in data["changed"]] == [
        ("B4", {"schedule": ["108.01-12", "109.03-12"]})
    ]
    _, out, _ = xltool("diff", old, moved)
    assert "計畫表!C4  修改  壹、一 預定進度：108.01-12 → 109.03-12" in out
    assert "兩版相差 1 年" in out


def test_a_new_year_whose_months_stayed_last_years_says_so(old: Path, tmp_path: Path, xltool: Runner) -> None:
    """Only the year changed to 109: 33 lines of 「預定進度：108.01-12 → 108.01-12」, both sides alike, and the office
    could not tell the unit what to fix; the copy's note said 「上一版：108.01-12」 on a cell holding 108.01-12."""
    unmoved = workbook(tmp_path / "109.xlsx", ITEMS, year=109)
    _, out, _ = xltool("diff", old, unmoved, "--annotate", tmp_path / "標註.xlsx")
    assert "計畫表!C4  修改  壹、一 預定進度：108.01-12 → 108.01-12（計畫年度不同，月份沒有跟著改）" in out
    assert out.count("月份沒有跟著改") == 33
    note = load_workbook(tmp_path / "標註.xlsx")["計畫表"]["C4"].comment
    assert note is not None and "月份沒有跟著改" in note.text


def test_a_budget_that_is_no_amount_is_said_to_be_left_out_of_the_totals(
    old: Path, tmp_path: Path, xltool: Runner
) -> None:
    """5 raised to 「1萬5千元」 read 「預算合計（千元）：1,865 → 1,860」, 「壹 30 → 25」: a decrease, and nothing said
    that one budget was not counted."""
    items = list(ITEMS)
    items[0] = replace(items[0], budget_info=parse_budget("1萬5千元"))
    new = workbook(tmp_path / "第二次.xlsx", items)
    _, out, _ = xltool("diff", old, new)
    assert "預算合計 1,860 千元，另有 1 項預算不是金額、未計入）" in out.splitlines()[1]
    assert "預算合計（千元）：1,865 → 1,860（另有不是金額的預算 0 → 1 項未計入）" in out
    assert diff_json(old, new)["totals"]["budget_not_counted"] == [0, 1]


# ------------------------------------------------------------------------------------------ JSON


def test_json_has_the_documented_shape(old: Path, tmp_path: Path, xltool: Runner) -> None:
    items, what = edited()
    new = workbook(tmp_path / "第二次.xlsx", items)
    data = diff_json(old, new)
    assert list(data) == ["old", "new", "units_differ", "added", "removed", "changed", "totals"]
    assert data["old"] == {"file": str(old), "unit": UNIT, "year": 108, "budget": 1865}
    assert data["new"] == {"file": str(new), "unit": UNIT, "year": 108, "budget": 1890}
    done = xltool("read", new, "--format", "json")
    assert done.status == 0
    read = {item["cell"]: item for item in json.loads(done.out)["items"]}
    assert data["added"] == [read[f"B{row(items, what['added'])}"]]  # exactly what xltool read gives
    assert all(list(c) == ["old", "new", "fields"] and c["new"] == read[c["new"]["cell"]] for c in data["changed"])
    assert all(isinstance(v, list) and len(v) == 2 for c in data["changed"] for v in c["fields"].values())
    totals = data["totals"]
    assert list(totals) == ["budget", "budget_not_counted", "by_goal", "by_category"]
    assert totals["budget"] == [1865, 1890] and totals["budget_not_counted"] == [0, 0]
    assert totals["by_category"]["綜合規劃業務"] == [365, 395]
    assert totals["by_goal"][0] == {"old": f"壹、{ITEMS[0].goal}", "new": f"壹、{ITEMS[0].goal}", "budget": [30, 80]}


# ------------------------------------------------------------------------------------------ --annotate


def test_annotate_marks_the_changes_in_a_copy_of_new(old: Path, tmp_path: Path, xltool: Runner) -> None:
    items, what = edited()
    new = workbook(tmp_path / "第二次.xlsx", items)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (old, new)}
    out = tmp_path / "第二次_比對.xlsx"
    code, _, err = xltool("diff", old, new, "--annotate", out)
    assert code == 0 and "已寫出比對副本" in err
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (old, new)} == before

    book = load_workbook(out)
    sheet = book["計畫表"]
    at = {key: row(items, item) for key, item in what.items() if key != "removed"}
    for ref, note in [
        (f"D{at['budget']}", "上一版：300"),
        (f"C{at['schedule']}", "上一版：108.08"),
        (f"E{at['category']}", "上一版：防貪業務"),
        (f"F{at['performance']}", "上一版：（空白）"),
        (f"B{at['wording']}", f"上一版：{ITEMS[10].practice}"),
        (f"B{at['moved']}", f"上一版：在「柒、{ITEMS[30].goal}」之下（柒、三）"),
    ]:
        assert sheet[ref].fill.start_color.rgb == YELLOW, ref
        assert sheet[ref].comment is not None and sheet[ref].comment.text.strip() == note, ref
    added = at["added"]
    assert all(sheet[f"{c}{added}"].fill.start_color.rgb == GREEN for c in "BCDEF")
    assert "上一版沒有這項具體作法" in sheet[f"B{added}"].comment.text
    for ref in ("B4", "D4", f"D{at['wording']}", f"C{at['budget']}"):  # unchanged: as they were
        assert sheet[ref].fill.fill_type is None and sheet[ref].comment is None, ref

    changes = [list(r) for r in book[CHANGES_SHEET].iter_rows(values_only=True)]
    assert changes[0] == list(CHANGES_HEADER)
    assert [r[0] for r in changes[1:]] == ["移動", "修改", "修改", "修改", "修改", "修改", "新增", "刪除"]
    assert changes[2][1:] == [f"計畫表!D{at['budget']}", "計畫表!D8", "貳、二", "預算(千元)", 300, 350]
    assert changes[-1][:3] == ["刪除", None, "計畫表!B25"]

    with zipfile.ZipFile(new) as source, zipfile.ZipFile(out) as copy:
        kept = {n for n in source.namelist() if source.read(n) == copy.read(n)}
        assert set(source.namelist()) - kept <= {
            "[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
        }  # fmt: skip
        assert "xl/worksheets/sheet2.xml" in kept  # 填表說明, byte for byte


def test_annotate_needs_a_workbook_to_copy(old: Path, tmp_path: Path, xltool: Runner) -> None:
    as_json = tmp_path / "第二次.json"
    assert xltool("read", old, "--format", "json", "-o", as_json).status == 0
    done = xltool("diff", old, as_json, "--annotate", tmp_path / "比對.xlsx")
    assert (done.status, done.code) == (2, "INPUT_NOT_EDITABLE") and str(as_json) in done.error_line()
    assert done.out == ""
    assert not (tmp_path / "比對.xlsx").exists()


def test_annotate_makes_no_copy_of_a_new_version_saved_again_after_it_was_compared(
    old: Path, tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NEW saved again between the comparison and its copy: the copy was the file as saved since, marked with
    the changes of the version compared. Now none is made, and one line says the file changed."""
    from xltool import diff

    items, _ = edited()
    new = workbook(tmp_path / "第二次.xlsx", items)
    resaved = old.read_bytes()
    original = diff.annotate_diff

    def after_saving_again(*args: object, **kwargs: object) -> object:
        new.write_bytes(resaved)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(diff, "annotate_diff", after_saving_again)
    done = xltool("diff", old, new, "--annotate", tmp_path / "比對.xlsx")
    assert (done.status, done.code) == (2, "INPUT_CHANGED")
    assert done.error_line().startswith(f"錯誤：{new}：檔案在讀取之後又被更改")
    assert not (tmp_path / "比對.xlsx").exists()


# ------------------------------------------------------------------------------------------ bad input


def test_unreadable_input_is_one_line_and_exit_2(old: Path, tmp_path: Path, xltool: Runner) -> None:
    fake = tmp_path / "不是活頁簿.xlsx"
    fake.write_text("這不是活頁簿", encoding="utf-8")
    for args, code in (([fake, old], "INPUT_NOT_WORKBOOK"), ([old, tmp_path / "不存在.xlsx"], "INPUT_MISSING")):
        done = xltool("diff", *args, "--annotate", tmp_path / "比對.xlsx")
        assert (done.status, done.code) == (2, code) and done.out == ""
        assert str(args[0] if args[0] == fake else args[1]) in done.error_line()
        assert not (tmp_path / "比對.xlsx").exists()


# ------------------------------------------------------------------------------------------ the thresholds


def test_the_thresholds_leave_room_on_both_sides() -> None:
    """Two different practices of the example are far below the thresholds; a practice with a phrase added,
    inserted, replaced or cut stays well above both."""
    texts = [squash(i.practice) for i in ITEMS]

    def ratio(a: str, b: str) -> float:
        return SequenceMatcher(None, a, b, autojunk=False).ratio()

    assert max(ratio(a, b) for a, b in itertools.combinations(texts, 2)) < SAME_GOAL / 2
    goals = list(dict.fromkeys(squash(i.goal) for i in ITEMS))
    assert max(ratio(a, b) for a, b in itertools.combinations(goals, 2)) < SAME_GOAL / 2
    edits = [
        lambda t: t[:-1] + "，每季檢討一次。",
        lambda t: t[:8] + "並加強" + t[8:],
        lambda t: t[:6] + "擴大辦理" + t[10:],
        lambda t: t[: len(t) * 4 // 5],
    ]
    assert min(ratio(t, edit(t)) for t in texts for edit in edits) > OTHER_GOAL


# ------------------------------------------------------------------------------------------ help


def test_the_readme_describes_every_option_of_the_help(xltool: Runner) -> None:
    done = xltool("diff", "--help")
    assert done.status == 0
    options = set(re.findall(r"--[a-z]+", done.out))
    readme = (EXAMPLE.parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `xltool diff`", 1)[1].split("\n### ", 1)[0]
    assert options - {"--help"} <= set(re.findall(r"--[a-z]+", section))


def test_two_units_plans_compared_are_said_to_be(tmp_path: Path, xltool: Runner) -> None:
    """金門's plan against 連江's said 「新增 0 項、刪除 0 項、修改 0 項」 and nothing else."""
    from openpyxl import load_workbook

    other = tmp_path / "連江.xlsx"
    book = load_workbook(EXAMPLE)
    book["計畫表"]["B2"] = "連江縣政府政風處"
    book.save(other)
    done = xltool("diff", EXAMPLE, other)
    assert done.status == 0 and "兩版的機關名稱不同（「金門縣政府政風處」→「連江縣政府政風處」）" in done.out
    assert json.loads(xltool("diff", EXAMPLE, other, "-f", "json").out)["units_differ"] is True
    assert json.loads(xltool("diff", EXAMPLE, EXAMPLE, "-f", "json").out)["units_differ"] is False


def test_a_row_added_under_a_merged_practice_is_a_change_of_that_practice(tmp_path: Path, xltool: Runner) -> None:
    """A hand-made plan's practice written over rows, its cell merged down them: a second round that adds a
    row (a third schedule, 5 千元 more) read as 「新增」 of the practice it already had, beside counts of 2
    practices in each version; it is a change of that practice's schedule and budget, at its cells."""
    practice = ["壹、強化宣導。", "一、辦理廉政宣導 3 場。", "108.03", 5, "防貪業務", "無"]
    more = [[None, None, "108.09", 5, "防貪業務", "無"], [None, None, "108.11", 5, "防貪業務", "無"]]
    other = [None, "二、召開廉政會報 2 次。", "108.06", 5, "防貪業務", "無"]
    first, second = tmp_path / "第一次.xlsx", tmp_path / "第二次.xlsx"
    hand_made_plan(first, [practice, more[0], other], ["B3:B4", "A3:A5"])
    hand_made_plan(second, [practice, *more, other], ["B3:B5", "A3:A6"])
    result = xltool("diff", first, second)
    assert "  新增  " not in result.out and "新增 0 項、刪除 0 項、修改 1 項" in result.out
    found = diff_json(first, second)
    [change] = found["changed"]
    assert change["fields"] == {"schedule": ["108.03、09", "108.03、09、11"], "budget": [10, 15]}
    assert (change["new"]["cell"], found["totals"]["budget"]) == ("B3", [15, 20])
    # and back again: the row taken away is that practice's change too, not the practice removed
    assert diff_json(second, first)["removed"] == []
    # an amount moved from one of its rows to another changes no sum, and is a change all the same
    moved = tmp_path / "第三次.xlsx"
    hand_made_plan(
        moved, [[*practice[:3], 2, *practice[4:]], [*more[0][:3], 8, *more[0][4:]], other], ["B3:B4", "A3:A5"]
    )
    again = tmp_path / "第四次.xlsx"
    hand_made_plan(
        again, [[*practice[:3], 8, *practice[4:]], [*more[0][:3], 2, *more[0][4:]], other], ["B3:B4", "A3:A5"]
    )
    [change] = diff_json(moved, again)["changed"]
    assert change["fields"] == {"budget": ["2、8", "8、2"]}
    # onto a row that had none, too
    hand_made_plan(
        again, [[*practice[:3], None, *practice[4:]], [*more[0][:3], 10, *more[0][4:]], other], ["B3:B4", "A3:A5"]
    )
    hand_made_plan(
        moved, [[*practice[:3], 10, *practice[4:]], [*more[0][:3], None, *more[0][4:]], other], ["B3:B4", "A3:A5"]
    )
    [change] = diff_json(moved, again)["changed"]
    assert change["fields"] == {"budget": ["10、（空白）", "（空白）、10"]}


def test_a_change_in_the_json_of_read_is_at_its_cell(tmp_path: Path, xltool: Runner) -> None:
    """`diff 計畫.json 新.json` said a budget changed at 「計畫表!4」, no cell at all: the JSON keeps each field's
    cell now, and the change is where it is in the workbook; the JSON of an older xltool, which has the
    practice's cell alone, says the row (「計畫表 第 4 列」)."""
    edited = tmp_path / "新.xlsx"
    book = load_workbook(EXAMPLE)
    book["計畫表"]["D4"] = 99
    book.save(edited)
    plan, new = tmp_path / "計畫.json", tmp_path / "新.json"
    for source, target in ((EXAMPLE, plan), (edited, new)):
        assert xltool("read", source, "-f", "json", "-o", target).status == 0
    lines = [[line for line in xltool("diff", *pair).out.splitlines() if "  修改  " in line] for pair in
             ((EXAMPLE, edited), (plan, new), (EXAMPLE, new), (plan, edited))]  # fmt: skip
    assert lines[0] == ["計畫表!D4  修改  壹、一 預算(千元)：5 → 99"]
    assert lines[1:] == [lines[0]] * 3
    assert diff_json(plan, new)["changed"][0]["new"]["cells"]["budget"] == "D4"
    for path in (plan, new):  # as an older xltool wrote them
        data = json.loads(path.read_text("utf-8"))
        for item in data["items"]:
            del item["cells"]
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert [line for line in xltool("diff", plan, new).out.splitlines() if "  修改  " in line] == [
        "計畫表 第 4 列  修改  壹、一 預算(千元)：5 → 99"
    ]
    (change,) = diff_json(plan, new)["changed"]
    assert (change["new"]["cell"], change["new"]["row"], change["new"]["cells"]) == ("B4", 4, {"practice": "B4"})


def test_a_change_in_the_json_of_a_merged_workbook_is_at_its_cell(tmp_path: Path, xltool: Runner) -> None:
    """Two 彙整 read to JSON and compared unit by unit: a unit's change is at its cell of 彙整, as between the
    workbooks."""
    other = json.loads(xltool("read", EXAMPLE, "-f", "json").out)
    (tmp_path / "乙.json").write_text(json.dumps({**other, "unit": "乙單位"}, ensure_ascii=False), encoding="utf-8")
    merged, later = tmp_path / "彙整.xlsx", tmp_path / "彙整2.xlsx"
    assert xltool("merge", EXAMPLE, tmp_path / "乙.json", "-o", merged).status == 0
    book = load_workbook(merged)
    book["彙整"]["F40"] = 99
    book.save(later)
    for path in (merged, later):
        assert xltool("read", path, "-f", "json", "-o", path.with_suffix(".json")).status == 0
    shown = [
        [line.strip() for line in xltool("diff", *pair).out.splitlines() if "  修改  " in line]
        for pair in ((merged, later), (merged.with_suffix(".json"), later.with_suffix(".json")))
    ]
    assert len(shown[0]) == 1 and shown[0][0].startswith("彙整!F40  修改  ")
    assert shown[1] == shown[0]
