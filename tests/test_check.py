"""xltool check: one planted mistake per rule, found at its cell; a correct plan, found clean."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE, Runner, fill, hand_made_plan
from xltool.catalogs import load_catalog
from xltool.checks import RULES, check_plan
from xltool.form import COLUMNS
from xltool.model import Finding, Plan
from xltool.pipeline import check_file
from xltool.reader import read_plan
from xltool.template import write_template

GOOD = {"schedule": "108.01-12", "budget": 5, "category": "防貪業務", "performance": "政策目標-反貪活動"}
N = "一二三四五六七八九十"


def practice(n: int, text: str = "辦理宣導 3 場") -> str:
    numeral = N[n - 1] if n <= 10 else ("十" + N[n - 11] if n < 20 else "二十" + (N[n - 21] if n > 20 else ""))
    return f"{numeral}、{text}第{n}項"


# row (1-based) -> (cells overriding GOOD, expected code, expected cell)
PLANTED: list[tuple[dict[str, object], str, str]] = [
    ({"schedule": "經常辦理"}, "SCHEDULE_VAGUE", "C5"),
    ({"schedule": "隨便寫寫"}, "SCHEDULE_UNPARSED", "C6"),
    ({"schedule": "全年"}, "SCHEDULE_RELATIVE", "C7"),
    ({"schedule": "108.13"}, "SCHEDULE_BAD_MONTH", "C8"),
    ({"schedule": "108.12-03"}, "SCHEDULE_REVERSED", "C9"),
    ({"schedule": "107.01-12"}, "SCHEDULE_OTHER_YEAR", "C10"),
    ({"schedule": "108.10-109.03"}, "SCHEDULE_NEXT_YEAR", "C11"),
    ({"schedule": "1-12月"}, "SCHEDULE_MONTH_ONLY", "C12"),
    ({"schedule": "2019.01-12"}, "SCHEDULE_WESTERN_YEAR", "C13"),
    ({"schedule": 108.1}, "SCHEDULE_NUMBER_AMBIGUOUS", "C14"),
    ({"schedule": dt.datetime(2019, 1, 12)}, "SCHEDULE_DATE", "C15"),
    ({"schedule": None, "budget": None}, "SCHEDULE_MISSING", "C16"),
    ({"schedule": "108年1月至12月"}, "SCHEDULE_FORMAT", "C17"),
    ({"budget": "視情況"}, "BUDGET_NOT_NUMBER", "D18"),
    ({"budget": -5}, "BUDGET_NEGATIVE", "D19"),
    ({"budget": "無"}, "BUDGET_ZERO", "D20"),
    ({"budget": "10千元"}, "BUDGET_TEXT", "D21"),
    ({"budget": "5000元"}, "BUDGET_YUAN", "D22"),
    ({"budget": 1.23456}, "BUDGET_PRECISION", "D23"),
    ({"budget": None}, "BUDGET_MISSING", "D24"),
    ({"schedule": None, "budget": 5}, "BUDGET_WITHOUT_SCHEDULE", "D25"),
    ({"category": None}, "CATEGORY_MISSING", "E26"),
    ({"category": "亂寫業務"}, "CATEGORY_UNKNOWN", "E27"),
    ({"category": "綜合業務", "performance": "無"}, "CATEGORY_ALIAS", "E28"),
    ({"performance": "政策目標-不存在的項目"}, "PERFORMANCE_UNKNOWN", "F29"),
    ({"performance": "政策目標－新聞揭露"}, "PERFORMANCE_CATEGORY", "F30"),
    ({"performance": None}, "PERFORMANCE_MISSING", "F31"),
    ({"performance": "自主管理-"}, "PERFORMANCE_FREE_EMPTY", "F32"),
]
# Structure, after the rows above (goal 壹 holds practices 一 … 二十九 on rows 4-32).
STRUCTURE: list[tuple[dict[str, object], str, str]] = [
    ({"goal": "參、目標跳號", "practice": "一、辦理講習 2 場"}, "GOAL_NUMBER_ORDER", "A33"),
    ({"practice": "三、辦理稽核 4 次"}, "ITEM_NUMBER_ORDER", "B34"),
    ({"practice": "沒有編號的作法 2 場"}, "ITEM_NUMBER_MISSING", "B35"),
    ({"practice": None}, "PRACTICE_MISSING", "B36"),
    ({"goal": "目標沒有編號", "practice": "一、辦理訪查 5 次"}, "GOAL_NUMBER_MISSING", "A37"),
    ({"goal": "肆、" + "很長的目標" * 10, "practice": "一、辦理宣導 3 場第1項"}, "GOAL_TOO_LONG", "A38"),
    ({"practice": "二、推動廉政工作"}, "PRACTICE_NOT_QUANTIFIED", "B39"),
]
DUPLICATE = ("PRACTICE_DUPLICATE", "B38")  # row 38 repeats row 4's practice
PLAN_LEVEL = [
    ("UNIT_MISSING", "B2"),
    ("TOTAL_MISMATCH", "D64"),
    ("TITLE_YEAR_MISMATCH", "A1"),
    ("TEMPLATE_OUTDATED", ""),
]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Finding]]:
    path = write_template(tmp_path_factory.mktemp("planted") / "錯誤示範.xlsx", year=108, rows=60)
    rows: list[dict[str, object]] = [{"goal": "壹、目標一", "practice": practice(1), **GOOD}]
    for n, (cells, _, _) in enumerate(PLANTED, start=2):
        rows.append({"practice": practice(n), **GOOD, **cells})
    for cells, _, _ in STRUCTURE:
        rows.append({**GOOD, **cells})
    fill(path, rows)
    workbook = load_workbook(path)
    sheet = workbook["計畫表"]
    sheet["D64"] = 999  # a typed total that is not the sum
    sheet["A1"] = "107年度廉政工作計畫"  # a title that names another year
    workbook["xltool"]["B1"] = "0"  # made by an older template
    workbook.save(path)
    plan = read_plan(path)
    return path, check_plan(plan, load_catalog(108))


@pytest.mark.parametrize(("code", "cell"), [(c, cell) for _, c, cell in PLANTED + STRUCTURE] + [DUPLICATE] + PLAN_LEVEL)
def test_each_planted_mistake_is_found_at_its_cell(planted: tuple[Path, list[Finding]], code: str, cell: str) -> None:
    _, findings = planted
    assert any(f.code == code and f.cell == cell for f in findings), [
        (f.code, f.cell) for f in findings if f.code == code
    ]
    finding = next(f for f in findings if f.code == code and f.cell == cell)
    assert re.search(r"[\u4e00-\u9fff]", finding.message)  # zh-TW
    columns = {c.key: (letter, c.name) for letter, c in zip("ABCDEF", COLUMNS, strict=True)}
    if RULES[code].field in columns:  # the finding names the column the officer sees the cell under
        letter, name = columns[RULES[code].field]
        assert cell.startswith(letter) and finding.column == name


def test_no_finding_lands_on_a_correct_row(planted: tuple[Path, list[Finding]]) -> None:
    _, findings = planted
    assert [f for f in findings if f.row == 4] == []


def correct_rows(first: str = "壹", second: str = "貳") -> list[dict[str, object]]:
    """Two goals (numbered first and second) of two practices each that break no rule."""
    return [
        {"goal": f"{first}、強化廉政宣導。", "practice": "一、辦理廉政宣導 3 場。", **GOOD},
        {"practice": "二、召開廉政會報 2 次。", **GOOD, "schedule": "108.06、12", "performance": "無"},
        {"goal": f"{second}、落實資訊安全。", "practice": "一、辦理資安稽核 1 次。", "schedule": "108.10-12",
         "budget": 0.5, "category": "綜合維護業務", "performance": "政策目標-資訊稽核"},
        {"practice": "二、籌辦廉政透明委員會 2 次。", "schedule": "108.03", "budget": 40,
         "category": "防貪業務", "performance": "自主管理-籌辦廉政透明委員會"},
    ]  # fmt: skip


def test_a_correct_plan_has_no_findings_at_all(template: Path) -> None:
    fill(template, correct_rows(), unit="測試縣政府政風處")
    plan = read_plan(template)
    assert check_plan(plan, load_catalog(108)) == []


def test_year_missing_and_mismatch(template: Path) -> None:
    fill(template, [{"goal": "壹、目標", "practice": "一、作法 1 場", **GOOD}], unit="某處")
    workbook = load_workbook(template)
    workbook["計畫表"]["E2"] = None
    workbook.save(template)
    plan = read_plan(template)
    assert [(f.code, f.cell) for f in check_plan(plan, load_catalog(108)) if f.code == "YEAR_MISSING"] == [
        ("YEAR_MISSING", "E2")
    ]
    fill(template, [], year=107)
    findings = check_plan(read_plan(template), load_catalog(108), year=108)
    assert "YEAR_MISMATCH" in {f.code for f in findings}


def test_an_empty_plan_and_too_many_goals(template: Path, tmp_path: Path) -> None:
    assert "NO_ITEMS" in {f.code for f in check_plan(read_plan(template), load_catalog(108))}
    catalog_text = (Path(__file__).parents[1] / "xltool/catalogs/108.toml").read_text("utf-8")
    strict = tmp_path / "strict.toml"
    strict.write_text(catalog_text.replace("max_goals = 10", "max_goals = 1"), "utf-8")
    fill(
        template,
        [
            {"goal": "壹、一", "practice": "一、作法 1 場", **GOOD},
            {"goal": "貳、二", "practice": "一、作法 2 場", **GOOD},
        ],
        unit="某處",
    )
    findings = check_plan(read_plan(template), load_catalog(path=strict))
    assert [(f.code, f.cell) for f in findings if f.code == "GOALS_TOO_MANY"] == [("GOALS_TOO_MANY", "A5")]


def test_budget_cap_and_totals() -> None:
    plan = read_plan(EXAMPLE)
    assert "BUDGET_CAP" in {f.code for f in check_plan(plan, load_catalog(108), budget_cap=Decimal(1000))}
    assert "BUDGET_CAP" not in {f.code for f in check_plan(plan, load_catalog(108), budget_cap=Decimal(1865))}
    assert "TOTAL_MISMATCH" not in {f.code for f in check_plan(plan, load_catalog(108))}  # its 合計 adds up


def test_kinmen_example_has_no_errors_and_its_blank_performance_cells_are_warnings() -> None:
    findings = check_plan(read_plan(EXAMPLE), load_catalog(108))
    assert [f for f in findings if f.severity == "error"] == []
    warnings = [f for f in findings if f.severity == "warning"]
    assert {f.code for f in warnings} == {"PERFORMANCE_MISSING"}
    assert len(warnings) == 20  # 壹 3, 伍 11, 陸 2, 柒 4 blank, as printed in the seed
    aliases = [f for f in findings if f.code == "CATEGORY_ALIAS"]
    assert len(aliases) == 18 and aliases[0].cell == "E4"


def test_messages_fill_in_every_placeholder(planted: tuple[Path, list[Finding]]) -> None:
    _, findings = planted
    assert all("{" not in f.message + f.hint for f in findings)


def test_docs_list_exactly_the_rules_in_the_code() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "checks.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z_]+)` \| (error|warning|info) \|", docs, flags=re.MULTILINE)
    assert dict(rows) == {code: str(rule.severity) for code, rule in RULES.items()}
    # each with the message check shows (the docs said 「{text}」 where the message had become 「{typed}」)
    said = dict(re.findall(r"^\| `([A-Z_]+)` \| \w+ \| [^|]* \| (.*?) \| ", docs, flags=re.MULTILINE))
    assert said == {code: rule.message for code, rule in RULES.items()}
    # The last column marks the rules with a twin in the template's 檢查 column (Rule.live).
    marks = dict(re.findall(r"^\| `([A-Z_]+)` \|.*\| (✓|—) \|$", docs, flags=re.MULTILINE))
    assert marks == {code: "✓" if rule.live is not None else "—" for code, rule in RULES.items()}
    # and every error or warning without a twin is named where the docs say what the column does not check
    missing = docs.split("「檢查」欄不檢查的")[1].split("\n- ")[0]
    named = set(re.findall(r"`([A-Z_]+)`", missing))
    assert {code for code, rule in RULES.items() if rule.live is None and rule.severity != "info"} <= named


# --- the command -------------------------------------------------------------------------------------


def test_an_amount_past_2_53_is_reported_with_every_digit(tmp_path: Path, xltool: Runner) -> None:
    """A float holds 16 digits: the goal's total printed as 「1.2345678901234568e+16」 where the sheet shows it whole."""
    data = read_plan(EXAMPLE).to_dict()
    first = data["items"][0]
    first["budget"] = 12_345_678_901_234_567
    first.pop("written", None)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    goal = sum((item.budget or 0 for item in Plan.from_dict(data).items if item.goal_no == "壹"), Decimal(0))
    assert goal > 2**53
    _, out, _ = xltool("check", path)
    assert f"各目標：壹 {int(goal):,}、貳 350" in out.replace("\n", "") and "e+" not in out


def test_the_budget_by_goal_labels_practices_with_no_goal(template: Path, xltool: Runner) -> None:
    """A4 cleared: the first goal's practices have no goal, and their total had no label (「各目標： 10、貳 5.5」)."""
    rows = correct_rows()
    rows[0] = {key: value for key, value in rows[0].items() if key != "goal"}
    fill(template, rows, unit="測試縣政府政風處")
    _, out, _ = xltool("check", template)
    assert "各目標：（未填目標） 10、貳 40.5；" in out.replace("\n", "").replace("  ", ""), out


def test_check_exit_codes_and_closing_line(planted: tuple[Path, list[Finding]], xltool: Runner) -> None:
    code, out, _ = xltool("check", EXAMPLE)
    assert code == 0 and "0 個錯誤、20 個警告" in out
    assert "各目標：壹 30、貳 350、參 490、肆 135、伍 200、陸 50、柒 610" in out.replace("\n", "")
    assert xltool("check", EXAMPLE, "--strict").status == 1
    path, findings = planted
    code, out, _ = xltool("check", path)
    errors = sum(f.severity == "error" for f in findings)
    assert code == 1 and f"{errors} 個錯誤" in out
    assert "計畫表!C5" in out and "經常辦理" in out


def test_findings_of_one_rule_in_one_column_share_a_line(tmp_path: Path, xltool: Runner) -> None:
    """Two hundred blank performance cells are one line that names every cell, not two hundred lines."""
    from xltool.form import GOAL_NUMERALS, ITEM_NUMERALS, chinese_number

    count = 240
    rows = [
        {
            "goal": f"{chinese_number(n // 60 + 1, GOAL_NUMERALS)}、目標" if n % 60 == 0 else None,
            "practice": f"{chinese_number(n % 60 + 1, ITEM_NUMERALS)}、作法第 {n + 1} 場",
            "schedule": "108.01-12",
            "budget": 5,
            "category": "防貪業務",
            "performance": "無" if n == 100 else None,
        }
        for n in range(count)
    ]  # no performance item on any row but one: one warning each
    path = fill(write_template(tmp_path / "長.xlsx", year=108, rows=count), rows, unit="某處")
    code, out, _ = xltool("check", path)
    lines = [line for line in out.splitlines() if line.startswith("計畫表!F")]
    assert code == 0 and lines == ["計畫表!F4–F103、F105–F243，共 239 格  警告  沒有填提列績效對應項目"]
    assert f"0 個錯誤、{count - 1} 個警告" in out


def test_the_kinmen_report_reads_at_80_columns(xltool: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A default Windows console: the example fits in 40 lines, no line is wider than 80 columns, and no
    number, cell reference or quote is broken across lines."""
    from xltool.cli.show import width

    monkeypatch.setenv("COLUMNS", "80")
    done = xltool("check", EXAMPLE, tty=True)
    lines = done.out.splitlines()
    assert done.status == 0 and len(lines) <= 40
    assert all(width(line) <= 80 for line in lines)
    assert "計畫表!F4–F6、F18–F28、F30–F35，共 20 格  警告  沒有填提列績效對應項目" in lines
    for line, after in itertools.pairwise(lines):
        assert line.count("「") == line.count("」")  # a quote is never split
        assert not (re.search(r"[0-9,.]$", line) and re.match(r"\s+[0-9,.]", after))  # nor a number


@pytest.mark.parametrize("columns", range(24, 61, 3))
def test_the_terminal_keeps_the_printouts_kinsoku(columns: int) -> None:
    """A wrapped line of the report never starts with closing punctuation nor ends with opening punctuation:
    the one set of rules (text.NO_LINE_START, NO_LINE_END) the printout keeps."""
    from xltool.cli.show import wrap
    from xltool.text import NO_LINE_END, NO_LINE_START

    text = "計畫表!C9  錯誤  預定進度「108.13」的月份不在 1 到 12 之間（請見填表說明 三），請改寫，例如（108.01-12）。"
    lines = wrap(text, columns, "    ")
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
    for line in lines[1:]:
        assert line.strip()[:1] not in NO_LINE_START, lines
    for line in lines[:-1]:
        assert line.rstrip()[-1:] not in NO_LINE_END, lines


def test_check_json_shape_and_worst_exit_code(tmp_path: Path, xltool: Runner) -> None:
    broken = tmp_path / "壞掉.xlsx"
    broken.write_bytes(b"not a zip")
    code, out, _ = xltool("check", EXAMPLE, broken, "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert (data["errors"], data["warnings"]) == (0, 20)
    first, second = data["files"]
    assert set(first) >= {"file", "errors", "warnings", "findings"}
    assert set(first["findings"][0]) == {
        "code", "severity", "sheet", "cell", "row", "column", "value", "message", "hint", "field", "fix",
    }  # fmt: skip
    assert first["findings"][0] == check_file(EXAMPLE).findings[0].to_dict()
    assert second["error_code"] == "INPUT_NOT_WORKBOOK"
    assert first["totals"]["budget"] == 1865 and first["totals"]["by_category"]["防貪業務"] == 1250
    assert "error" in second and str(broken) in second["error"]


def test_the_links_of_a_sheet_named_with_a_quote_lead_to_its_cells(tmp_path: Path, xltool: Runner) -> None:
    """A sheet renamed 「計畫'表」 (Excel allows it): the 檢查結果 and 變更比對 links said '計畫'表'!C4, which
    goes nowhere; a quote in a sheet's name is doubled where a link names it."""
    book = load_workbook(EXAMPLE)
    book["計畫表"].title = "計畫'表"
    book["計畫'表"]["D5"] = 99  # a change for diff to link to
    plan = tmp_path / "引號.xlsx"
    book.save(plan)
    marked, compared = tmp_path / "標註.xlsx", tmp_path / "比對.xlsx"
    assert xltool("check", plan, "--annotate", marked).status in (0, 1)
    assert xltool("diff", EXAMPLE, plan, "--annotate", compared).status in (0, 1)
    for out, sheet in ((marked, "檢查結果"), (compared, "變更比對")):
        links = [c.hyperlink.location for row in load_workbook(out)[sheet].iter_rows() for c in row if c.hyperlink]
        assert links and all(link.startswith("'計畫''表'!") for link in links), (sheet, links[:3])


def test_annotate_marks_cells_and_lists_findings(planted: tuple[Path, list[Finding]], tmp_path: Path,
                                                 xltool: Runner) -> None:  # fmt: skip
    path, findings = planted
    before = path.read_bytes()
    out = tmp_path / "標註.xlsx"
    assert xltool("check", path, "--annotate", out).status == 1
    assert path.read_bytes() == before
    book = load_workbook(out)
    sheet = book["計畫表"]
    assert sheet["C5"].fill.start_color.rgb.endswith("FFC7CE")  # error: red
    assert sheet["C7"].fill.start_color.rgb.endswith("FFEB9C")  # warning: yellow
    assert "經常辦理" in sheet["C5"].comment.text and "建議" in sheet["C5"].comment.text
    results = book["檢查結果"]
    assert results.max_row == len([f for f in findings if f.severity != "info"]) + 1  # infos only with --info
    links = [c.hyperlink.location for c in results["C"][1:] if c.hyperlink]
    assert "'計畫表'!C5" in links
    # what the officer had survives: values, protection, the template's dropdowns, the hidden lists
    assert sheet["B5"].value == practice(2)
    assert sheet.protection.sheet and not sheet["C5"].protection.locked
    kinds = {str(dv.sqref): dv.type for dv in sheet.data_validations.dataValidation}
    assert kinds["E4:E63"] == "list" and kinds["F4:F63"] == "list" and kinds["D4:D63"] == "decimal"
    assert book["清單"].sheet_state == "veryHidden"
    assert read_plan(out).items == read_plan(path).items


def test_fix_applies_only_unambiguous_corrections(template: Path, tmp_path: Path, xltool: Runner) -> None:
    fill(
        template,
        [
            {"goal": "壹、目標　", "practice": " 一、辦理宣導 3 場 ", "schedule": "１０８．０１－１２", "budget": 5,
             "category": "綜合業務", "performance": "政策目標－新聞揭露"},
            {"practice": "二、辦理講習 2 場", "schedule": 108.12, "budget": "1,000", "category": "防貪業務",
             "performance": "無"},
            {"practice": "三、辦理稽核 1 次", "schedule": "全年", "budget": 5, "category": "防貪業務", "performance": "無"},
            {"practice": "四、辦理座談 1 場", "schedule": 108.1, "budget": 5, "category": "防貪業務", "performance": "無"},
            {"practice": "五、辦理訪查 2 次", "schedule": 108.1, "budget": 5, "category": "防貪業務", "performance": "無"},
        ],
        unit="某處",
    )  # fmt: skip
    workbook = load_workbook(template)
    workbook["計畫表"]["C8"].number_format = "0.00"  # the officer saw 108.10 in this one
    workbook.save(template)
    out = tmp_path / "修正.xlsx"
    code, _, err = xltool("check", template, "--fix", out)
    assert code == 1  # the findings are about the input, which --fix never changes
    assert "C5" in err and "108.12（數字）→「108.12」（文字）" in err and "「1,000」→ 1000（數字）" in err
    sheet = load_workbook(out)["計畫表"]
    assert (sheet["A4"].value, sheet["B4"].value) == ("壹、目標", "一、辦理宣導 3 場")
    assert (sheet["C4"].value, sheet["E4"].value, sheet["F4"].value) == (
        "108.01-12",
        "綜合規劃業務",
        "政策目標-新聞揭露",
    )
    assert sheet["C5"].value == "108.12" and sheet["C5"].number_format == "@"
    assert sheet["D5"].value == 1000  # a number now: the sheet's own 合計 counts it
    assert sheet["C6"].value == "全年"  # a judgement, left for the officer and still reported
    assert sheet["C7"].value == 108.1  # January or October? not guessed
    assert sheet["C8"].value == "108.10"  # shown as 108.10: what the officer saw
    findings = check_plan(read_plan(out), load_catalog(108))
    assert {f.code for f in findings} == {"SCHEDULE_RELATIVE", "SCHEDULE_NUMBER_AMBIGUOUS"}
    ambiguous = next(f for f in findings if f.code == "SCHEDULE_NUMBER_AMBIGUOUS")
    assert "108.01" in ambiguous.message and "108.10" in ambiguous.message


def test_a_practice_numbered_another_way_is_a_warning_that_fix_corrects(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    """「(一)」 and 「二.」 were read as 一 and 二 and nothing said so, even with --info, where 「1.」 is told to be 一、:
    printed as typed, they are not the form's 「一、」. Two practices in one cell (「(三)…⏎(四)…」) get no fix."""
    rows = [{"goal": "壹、目標", "practice": "(一)辦理宣導 3 場", **GOOD}, {"practice": "二.辦理講習 2 場", **GOOD},
            {"practice": "（三）辦理稽核 1 次\n（四）辦理座談 2 場", **GOOD}, {"practice": "五、辦理訪查 2 次", **GOOD}]  # fmt: skip
    fill(template, rows, unit="某處")
    found = [f for f in check_plan(read_plan(template), load_catalog(108)) if f.field == "practice"]
    assert [(f.cell, f.code, f.severity, f.fix) for f in found if f.code != "PRACTICE_TWO"] == [
        ("B4", "ITEM_NUMBER_STYLE", "warning", "一、辦理宣導 3 場"),
        ("B5", "ITEM_NUMBER_STYLE", "warning", "二、辦理講習 2 場"),
        ("B6", "ITEM_NUMBER_STYLE", "warning", None),
    ]
    assert found[0].message == "具體作法編號寫成「(一)」，不是表單的「一、」"
    out = tmp_path / "修正.xlsx"
    assert xltool("check", template, "--fix", out).status == 0
    sheet = load_workbook(out)["計畫表"]
    assert [sheet[f"B{r}"].value for r in (4, 5, 7)] == ["一、辦理宣導 3 場", "二、辦理講習 2 場", "五、辦理訪查 2 次"]


def test_an_amount_in_yuan_with_a_comma_out_of_place_says_the_comma_may_be_a_point(template: Path) -> None:
    """「5,00元」: told 「改為 0.5（千元）」 and nothing of the comma, which, a decimal point, makes it 0.005."""
    fill(template, [{"goal": "壹、目標", "practice": "一、辦理宣導 1 場", "schedule": "108.01-12", "budget": "5,00元",
                     "category": "防貪業務", "performance": "無"}], unit="某處")  # fmt: skip
    (yuan,) = [f for f in check_plan(read_plan(template), load_catalog(108)) if f.field == "budget"]
    assert (
        yuan.code == "BUDGET_YUAN"
        and yuan.hint == "改為 0.5（千元）；千分位逗號的位置不對（可能是小數點），請確認金額後自行輸入"
    )


@pytest.mark.usefixtures("office")
def test_fix_guesses_no_amount_and_promises_no_fix_it_will_not_write(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    """--fix wrote 「5,00」 as 500 and 「1,234,5」 as 12345 (a comma that may be a decimal point) and 「NT$5,000」 as
    5,000 千元 (five million, where 「5,000元」 is 5); and the advice offered --fix for a formula cell, which it
    never changes (「修正 0 處」)."""
    from xltool.office import convert

    rows = [{"goal": "壹、目標", "practice": "一、辦理宣導 1 場", "schedule": "108.01-12", "budget": budget,
             "category": "防貪業務", "performance": "無"} for budget in ("5,00", "1,234,5", "NT$5,000", "1,000")]  # fmt: skip
    rows[1:] = [{**row, "goal": None, "practice": f"{n}、辦理宣導"} for n, row in zip("二三四", rows[1:], strict=True)]
    fill(template, rows, unit="某處")
    book = load_workbook(template)
    book["計畫表"]["D7"] = '="1,000"'  # a formula giving text, as a calculated sheet holds it
    book.save(template)
    calculated = convert(template, "xlsx", tmp_path / "算過")
    findings = {f.cell: f for f in check_plan(read_plan(calculated), load_catalog(108)) if f.field == "budget"}
    assert findings["D4"].fix is None and "千分位逗號的位置不對" in findings["D4"].hint
    assert findings["D5"].fix is None and "--fix" not in findings["D5"].hint
    assert (
        findings["D6"].code == "BUDGET_YUAN"
        and findings["D6"].message == "預算「NT$5,000」以元為單位，但備考欄的單位是千元"
    )
    assert (
        findings["D7"].fix is None and "這一格是公式" in findings["D7"].hint and "可自動改正" not in findings["D7"].hint
    )
    out = tmp_path / "修正.xlsx"
    xltool("check", calculated, "--fix", out)
    sheet = load_workbook(out)["計畫表"]
    assert [sheet[f"D{r}"].value for r in range(4, 8)] == ["5,00", "1,234,5", "NT$5,000", '="1,000"']


def test_a_quote_prefix_or_a_line_break_in_a_schedule_is_read_as_the_officer_meant(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    """Typed in LibreOffice: '108.10 in a text cell keeps its quote prefix (the README's guide teaches it
    for rows made by moving others down), and 108.03 Alt+Enter 108.09 lists two months. Both were
    errors (「無法解讀預定進度「108.03108.09」」, quoting text nobody typed); now a note with --fix's
    rewriting."""
    rows = [{"practice": "二、辦理講習 2 場", "schedule": "'108.10", "budget": 5, "category": "防貪業務", "performance": "無"},
            {"practice": "三、辦理稽核 2 次", "schedule": "108.03\n108.09", "budget": 5, "category": "防貪業務",
             "performance": "無"}]  # fmt: skip
    fill(template, [{"goal": "壹、目標", "practice": "一、作法 1 場", **GOOD}, *rows], unit="某處")
    findings = [f for f in check_plan(read_plan(template), load_catalog(108)) if f.field == "schedule"]
    assert [(f.code, f.cell, f.fix) for f in findings] == [
        ("SCHEDULE_FORMAT", "C5", "108.10"),
        ("SCHEDULE_FORMAT", "C6", "108.03、09"),
    ]
    out = tmp_path / "修正.xlsx"
    assert xltool("check", template, "--fix", out).status == 0
    sheet = load_workbook(out)["計畫表"]
    assert (sheet["C5"].value, sheet["C6"].value) == ("108.10", "108.03、09")


def test_a_budget_merged_over_two_practices_counts_once(template: Path) -> None:
    """An officer who unprotected the sheet merged D5:D6 (one amount for two practices): the sheet's =SUM
    counts it once, and so does xltool, where it read 5 on both rows and blamed the 合計; the second row
    has not left its budget out."""
    rows = [{"practice": f"{n}、辦理講習 2 場", **GOOD} for n in "二三"]
    fill(template, [{"goal": "壹、目標", "practice": "一、作法 1 場", **GOOD}, *rows], unit="某處")
    workbook = load_workbook(template)
    workbook["計畫表"]["D6"] = None
    workbook["計畫表"].merge_cells("D5:D6")
    workbook.save(template)
    plan = read_plan(template)
    assert [item.budget for item in plan.items] == [5, 5, None] and plan.total == 10
    assert [f.code for f in check_plan(plan, load_catalog(108)) if f.field == "budget"] == []


def test_a_date_typed_as_a_budget_is_blamed_on_its_row_not_on_the_total(template: Path) -> None:
    """1/5 typed into 預算 became a date, which the sheet's =SUM counts as its day number, 46,027: the
    problem is the row's, not 「請重新計算合計」 at a 合計 that is already =SUM. It is the day number 偏大, with
    the advice that says a date was made of it, as the 檢查 column says (check called it 「2026-01-05」, no
    number, which the officer never typed)."""
    rows = [{"goal": "壹、目標", "practice": "一、作法 1 場", **GOOD}, {"practice": "二、辦理講習 2 場", **GOOD}]
    fill(template, rows, unit="某處")
    total = read_plan(template).cells["total"]

    def codes(budget: object) -> set[str]:
        workbook = load_workbook(template)
        workbook["計畫表"]["D5"] = budget
        workbook["計畫表"][total] = 5 + 46027  # the 合計 the sheet showed with a date in D5, as its value
        workbook.save(template)
        return {f.code for f in check_plan(read_plan(template), load_catalog(108)) if f.field in ("budget", "total")}

    assert codes(5) == {"TOTAL_MISMATCH"}  # with numbers on every row, a wrong 合計 is the 合計's
    assert codes(dt.datetime(2026, 1, 5)) == {"BUDGET_LARGE"}


def test_annotate_and_fix_take_one_workbook_of_their_own_kind(tmp_path: Path, xltool: Runner) -> None:
    other = tmp_path / "另一份.xlsx"
    other.write_bytes(EXAMPLE.read_bytes())
    done = xltool("check", EXAMPLE, other, "--annotate", tmp_path / "o.xlsx")
    assert (done.status, done.code) == (2, "USAGE") and "--annotate-dir" in done.error_line()  # the option for many
    plan_json = tmp_path / "計畫.json"
    assert xltool("read", EXAMPLE, "-f", "json", "-o", plan_json).status == 0
    done = xltool("check", plan_json, "--annotate", tmp_path / "o.xlsx")
    assert (done.status, done.code) == (2, "INPUT_NOT_EDITABLE") and str(plan_json) in done.error_line()
    assert not (tmp_path / "o.xlsx").exists()


# --- numbering: one slip, one finding; two practices in a cell ----------------------------------------


def numbered(template: Path, goals: list[list[str]]) -> list[Finding]:
    """A plan whose goals hold practices numbered as given ("二" → 「二、作法 n 場」), checked."""
    rows: list[dict[str, object]] = []
    for g, numbers in enumerate(goals):
        for n, number in enumerate(numbers):
            goal = {"goal": f"{'壹貳參肆伍'[g]}、目標{g}"} if n == 0 else {}
            rows.append({**goal, "practice": f"{number}、作法 {g * 10 + n} 場", **GOOD})
    fill(template, rows, unit="某處")
    return [f for f in check_plan(read_plan(template), load_catalog(108)) if f.code.startswith("ITEM_NUMBER")]


def follow(goals: list[list[str]], findings: list[Finding]) -> list[list[str]]:
    """The numbers after doing what every message says: the blamed number made the expected one, and
    where the message says so, the ones after it renumbered in order."""
    rows = [(g, n) for g, numbers in enumerate(goals) for n in range(len(numbers))]
    fixed = [list(numbers) for numbers in goals]
    for finding in findings:
        g, n = rows[finding.row - 4]
        fixed[g][n] = finding.message.split("應為「")[1][0]
        if "其後各作法也請依序接續編號" in finding.message:
            for k in range(n + 1, len(fixed[g])):
                fixed[g][k] = N[N.index(fixed[g][k - 1]) + 1]
    return fixed


@pytest.mark.parametrize(
    "goals",
    [
        [["二", "二", "三"]],  # the case: one finding, at the first
        [["一", "二", "四", "五", "六"]],  # a skipped number shifts the rest: one finding
        [["一", "二", "二", "三", "四"]],  # a repeated one: one finding
        [["一", "三", "二"], ["二", "三"]],  # swapped; a goal starting at 二
        [["一", "二", "四", "三", "五"]],
    ],
)
def test_a_numbering_slip_is_blamed_once_and_following_the_messages_fixes_it(
    template: Path, goals: list[list[str]]
) -> None:
    findings = numbered(template, goals)
    wrong = sum(1 for numbers in goals for n, number in enumerate(numbers) if N.index(number) != n)
    assert 0 < len(findings) <= wrong
    fixed = follow(goals, findings)
    assert numbered(template, fixed) == [] and all(numbers == list(N[: len(numbers)]) for numbers in fixed)


def test_two_two_three_is_one_finding_at_the_first(template: Path) -> None:
    findings = numbered(template, [["二", "二", "三"]])
    assert [(f.cell, f.message) for f in findings] == [("B4", "具體作法編號「二」應為「一」")]
    findings = numbered(template, [["一", "二", "四", "五", "六"]])
    assert [(f.cell, f.message) for f in findings] == [
        ("B6", "具體作法編號「四」應為「三」，其後各作法也請依序接續編號")
    ]


def test_a_hand_made_plans_numbering_is_told_and_fixed_when_the_number_is_the_right_one(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    """Plans moved in from hand-made sheets number goals 一、 and practices 1. or (1): check says they are
    not numbered as the form numbers them (not that they have no number), and --fix writes the form's
    numbering where the number written is the one the place calls for; any other is left to the officer."""
    rows = [
        {"goal": "一、推動廉政", "practice": "1.辦理宣導 3 場", **GOOD},
        {"practice": "(2)辦理講習 2 場", **GOOD},
        {"goal": "三、強化維護", "practice": "1.5 萬份文宣，發送 3 次", **GOOD},  # 三 where 貳 belongs; an amount
        {"practice": "２、辦理訪查 5 次", **GOOD},
    ]
    fill(template, rows, unit="某處")
    findings = [f for f in check_plan(read_plan(template), load_catalog(108)) if f.code.endswith("NUMBER_MISSING")]
    assert [(f.cell, f.message, f.fix) for f in findings] == [
        ("A4", "計畫目標沒有依表單以壹、貳、參…編號", "壹、推動廉政"),
        ("B4", "具體作法沒有依表單以一、二、三…編號", "一、辦理宣導 3 場"),
        ("B5", "具體作法沒有依表單以一、二、三…編號", "二、辦理講習 2 場"),
        ("A6", "計畫目標沒有依表單以壹、貳、參…編號", None),
        ("B6", "具體作法沒有依表單以一、二、三…編號", None),
        ("B7", "具體作法沒有依表單以一、二、三…編號", "二、辦理訪查 5 次"),
    ]
    fixed = tmp_path / "修正.xlsx"
    assert xltool("check", template, "--fix", fixed).status == 1  # 「1.5 萬份」 and 三 are still to do
    sheet = load_workbook(fixed)["計畫表"]
    assert [sheet[cell].value for cell in ("A4", "B4", "B5", "A6", "B6", "B7")] == [
        "壹、推動廉政", "一、辦理宣導 3 場", "二、辦理講習 2 場", "三、強化維護", "1.5 萬份文宣，發送 3 次",
        "二、辦理訪查 5 次",
    ]  # fmt: skip


def test_two_practices_in_one_cell_are_counted_and_kept_in_every_output(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    from openpyxl import load_workbook as load

    two = "二、召開廉政會報 2 次。\n三、辦理講習 1 場。"
    rows = correct_rows()
    rows[1] = {**rows[1], "practice": two}
    rows.insert(2, {"practice": "四、辦理座談 2 場。", **GOOD})
    fill(template, rows, unit="某處")
    plan = read_plan(template)
    assert plan.items[1].practice == "召開廉政會報 2 次。\n三、辦理講習 1 場。"
    findings = check_plan(plan, load_catalog(108))
    assert [(f.code, f.cell, f.message) for f in findings if f.severity != "info"] == [
        ("PRACTICE_TWO", "B5", "這一格有 2 個具體作法")
    ]  # and no numbering finding on 四, the next row
    code, out, _ = xltool("read", template)
    lines = out.splitlines()  # the table: one line a row, the second practice not a line of its own
    assert (
        code == 0
        and any(line.startswith("B5 ") for line in lines)
        and not any(line.startswith("三、") for line in lines)
    )
    assert xltool("read", template, "-f", "json", "-o", tmp_path / "p.json").status == 0
    assert json.loads((tmp_path / "p.json").read_text("utf-8"))["items"][1]["practice"].endswith(
        "\n三、辦理講習 1 場。"
    )
    assert xltool("read", template, "-f", "csv", "-o", tmp_path / "p.csv").status == 0
    assert "次。\n三、辦理講習" in (tmp_path / "p.csv").read_text("utf-8-sig")
    assert xltool("merge", template, "-o", tmp_path / "m.xlsx").status == 0
    merged = [c.value for row in load(tmp_path / "m.xlsx")["彙整"].iter_rows() for c in row]
    assert two in merged
    assert xltool("render", template, "-o", tmp_path / "r.xlsx").status == 0
    printed = [c.value for row in load(tmp_path / "r.xlsx").worksheets[0].iter_rows() for c in row]
    assert "三、辦理講習 1 場。" in printed  # the printout breaks the line there (render lays out its own lines)


def test_steps_numbered_a_level_down_are_one_practice(template: Path) -> None:
    """「(一)」「(二)」 under 「二、」 are the steps of one practice, as official documents number them: they were
    counted as three practices, and the next, correct 「三、」 was told to be 「五」."""
    rows = correct_rows()
    rows[1] = {**rows[1], "practice": "二、召開廉政會報：\n(一)上半年 1 次。\n(二)下半年 1 次。"}
    rows.insert(2, {"practice": "三、辦理座談 2 場。", **GOOD})
    rows.append({"goal": "參、以括號編號", "practice": "(一)辦理宣導 1 場。\n(二)辦理講習 2 場。", **GOOD})
    rows.append({"practice": "(三)辦理座談 3 場。", **GOOD})
    fill(template, rows, unit="某處")
    findings = check_plan(read_plan(template), load_catalog(108))
    # numbered 「(一)」 themselves, the practices of 參 are told the form's way is 「一、」 (and 「(三)」 is not 「五」)
    assert [(f.code, f.cell) for f in findings if f.severity != "info"] == [
        ("ITEM_NUMBER_STYLE", "B9"),
        ("PRACTICE_TWO", "B9"),
        ("ITEM_NUMBER_STYLE", "B10"),
    ]


def test_two_practices_numbered_with_digits_in_one_cell_are_two(template: Path) -> None:
    """A hand-made plan numbers practices 1. 2. 3. 4.: 「2.…⏎3.…」 typed in one cell was one practice, with no
    PRACTICE_TWO, and the next, correct 4. was told to be 三. Points numbered 1. 2. under a practice stay one."""
    rows = correct_rows()
    rows[0] = {**rows[0], "practice": "1.召開廉政會報 2 次。"}
    rows[1] = {**rows[1], "practice": "2.辦理廉政宣導 3 場。\n3.辦理採購監辦 10 件。"}
    rows.insert(2, {"practice": "4.辦理公務機密維護宣導 1 場。", **GOOD})
    rows.append({"goal": "參、作法下分點", "practice": "一、辦理宣導：\n1.上半年 1 場。\n2.下半年 1 場。", **GOOD})
    rows.append({"practice": "2.召開會報：\n1.上半年 1 次。\n2.下半年 1 次。", **GOOD})  # numbered afresh
    rows.append({"practice": "(3)辦理講習 2 場\n(4)辦理座談 3 場", **GOOD})
    fill(template, rows, unit="某處")
    findings = [f for f in check_plan(read_plan(template), load_catalog(108)) if f.severity != "info"]
    assert [(f.code, f.cell, f.message, f.fix) for f in findings if f.code == "PRACTICE_TWO"] == [
        ("PRACTICE_TWO", "B5", "這一格有 2 個具體作法", None),
        ("PRACTICE_TWO", "B11", "這一格有 2 個具體作法", None),
    ]
    # each digit-numbered row is still to be numbered the form's way, with the number its place calls for
    missing = {f.cell: (f.hint, f.fix) for f in findings if f.code == "ITEM_NUMBER_MISSING"}
    assert missing == {
        "B4": ("請以「一、」開頭", "一、召開廉政會報 2 次。"),
        "B5": ("請以「二、」開頭", None),  # two practices: no fix renumbers the first alone
        "B6": ("請以「四、」開頭", "四、辦理公務機密維護宣導 1 場。"),
        "B10": ("請以「二、」開頭", "二、召開會報：\n1.上半年 1 次。\n2.下半年 1 次。"),
        "B11": ("請以「三、」開頭", None),
    }
    assert not [f for f in findings if f.code == "ITEM_NUMBER_ORDER"]


def test_a_budget_is_quoted_with_every_digit_it_holds(template: Path) -> None:
    """A large budget was quoted in six digits: 1234567 as 「1.23457e+06」, 123456.75 as 「123457」, a number
    not in the cell (and 10000.0001 was 「10000」 with 超過三位小數)."""
    rows = correct_rows()
    rows[0] = {**rows[0], "budget": 1234567}
    rows[1] = {**rows[1], "budget": 123456.75}
    rows[2] = {**rows[2], "budget": 10000.0001}
    fill(template, rows, unit="某處")
    quoted = {(f.code, f.value) for f in check_plan(read_plan(template), load_catalog(108))}
    assert {("BUDGET_LARGE", "1234567"), ("BUDGET_LARGE", "123456.75"), ("BUDGET_PRECISION", "10000.0001")} <= quoted


def test_a_western_year_cell_is_one_finding_there(template: Path) -> None:
    fill(template, correct_rows(), unit="某處", year=2019)
    plan = read_plan(template)
    assert plan.year == 108
    findings = check_plan(plan, load_catalog(108))
    assert [(f.code, f.cell, f.message) for f in findings] == [("YEAR_WESTERN", "E2", "年度請填民國年：108")]


def test_simplified_characters_in_the_performance_item_are_caught(template: Path) -> None:
    rows = correct_rows()
    rows[0] = {**rows[0], "performance": "政策目标-反贪活动"}
    fill(template, rows, unit="某處")
    findings = check_plan(read_plan(template), load_catalog(108))
    [finding] = [f for f in findings if f.field == "performance"]
    assert (finding.code, finding.cell) == ("PERFORMANCE_UNKNOWN", "F4") and "正體字" in finding.hint


def test_a_goal_with_no_practice_is_kept_and_named_and_a_goal_on_its_own_row_carries_down(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    """壹 typed on its own row and 貳 right under it: 壹 has no practice. It once vanished (from read, the
    merged workbook and the printout) and check told the officer that 貳 should be 壹. 參 on its own row
    with its practices below it is the other layout, and fine; 肆 at the end has none either."""
    from openpyxl import load_workbook as load

    rows = [
        {"goal": "壹、提升廉能透明"},
        {"goal": "貳、防制貪瀆", "practice": "一、辦理宣導 3 場", **GOOD},
        {"goal": "參、目標單獨一列"},
        {"practice": "一、辦理稽核 2 次", **GOOD},
        {"practice": "二、辦理講習 1 場", **GOOD},
        {"goal": "肆、最後的目標"},
    ]
    fill(template, rows, unit="某處")
    plan = read_plan(template)
    assert [(i.goal_no, i.practice, i.row) for i in plan.items] == [
        ("壹", "", 4), ("貳", "辦理宣導 3 場", 5), ("參", "辦理稽核 2 次", 7), ("參", "辦理講習 1 場", 8), ("肆", "", 9)
    ]  # fmt: skip
    assert plan.practices == 3
    findings = check_plan(plan, load_catalog(108))
    assert [(f.code, f.cell) for f in findings if f.severity != "info"] == [
        ("GOAL_WITHOUT_PRACTICE", "A4"),
        ("GOAL_WITHOUT_PRACTICE", "A9"),
    ]  # no numbering slip for 貳, 參 or 肆
    assert xltool("merge", template, "-o", tmp_path / "m.xlsx").status == 0
    merged = load(tmp_path / "m.xlsx")
    assert "壹、提升廉能透明" in [c.value for row in merged["彙整"].iter_rows() for c in row]
    overview = [[c.value for c in row] for row in merged["統計"].iter_rows()]
    assert any(row[:2] == ["某處", 3] for row in overview)  # three practices, not five
    again = check_plan(read_plan(tmp_path / "m.xlsx"), load_catalog(108))  # the merged workbook says the same
    assert [f.code for f in again if f.severity != "info"] == ["GOAL_WITHOUT_PRACTICE"] * 2
    assert xltool("render", template, "-o", tmp_path / "r.xlsx").status == 0
    cells = [c.value for row in load(tmp_path / "r.xlsx").worksheets[0].iter_rows() for c in row]
    printed = "".join(value.replace("\n", "") for value in cells if isinstance(value, str))  # lines laid out
    assert "壹、提升廉能透明" in printed and "肆、最後的目標" in printed
    both = xltool("check", template, EXAMPLE).out  # a folder's summary counts practices as the file's own line does
    assert f"{template}（某處 108 年度，3 項具體作法" in both and f"  {template}：某處，3 項作法，" in both
    (entry,) = json.loads(xltool("check", template, "-f", "json").out)["files"]
    assert (entry["items"], entry["practices"]) == (5, 3)  # scripts count what the report counts


def test_a_remark_about_one_file_of_a_folder_names_it(tmp_path: Path, xltool: Runner) -> None:
    """「這份範本存成了 .xls…」, 「沒有 125 年度的分類清單…」: in a folder of thirty, said of one file without
    saying which. A remark every file shares is said once, as it was."""
    from examples.make_example import example_items

    folder = tmp_path / "收件"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "甲.xlsx")
    items = example_items(json.loads((EXAMPLE.parent / "kinmen_108.json").read_text(encoding="utf-8")))
    write_template(folder / "乙.xlsx", year=125, unit="乙政風室", items=items)
    lines = [line for line in xltool("check", folder).err.splitlines() if "分類清單" in line]
    assert lines == [f"注意：{folder / '乙.xlsx'}：沒有 125 年度的分類清單，{lines[0].split('清單，', 1)[1]}"]
    alone = xltool("check", folder / "乙.xlsx").err
    assert "注意：沒有 125 年度的分類清單" in alone


def test_a_goal_or_practice_that_is_only_its_number_is_blamed_once(template: Path) -> None:
    """「壹、」 typed with no words, 「二、」 the same: each is missing its words, and holds its place, so the
    goal and the practice after it are not told their numbers are wrong for the same slip."""
    fill(template, [
        {"goal": "壹、", "practice": "一、辦理廉政宣導 3 場。", **GOOD},
        {"practice": "二、", **GOOD},
        {"practice": "三、召開廉政會報 2 次。", **GOOD},
        {"goal": "貳、落實資訊安全。", "practice": "一、辦理資安稽核 1 次。", **GOOD},
    ], unit="某處")  # fmt: skip
    found = {(f.code, f.cell) for f in check_file(template).findings if f.severity != "info"}
    assert found == {("GOAL_MISSING", "A4"), ("PRACTICE_MISSING", "B5")}


def test_a_western_year_excel_made_a_number_is_quoted_as_typed(template: Path) -> None:
    """2019.03 typed into a General cell: the message said Excel rewrote 「108.03」, which nobody typed."""
    fill(template, [{"goal": "壹、目標", "practice": "一、辦理宣導 3 場。", **GOOD, "schedule": 2019.03}], unit="某處")
    [found] = [f for f in check_file(template).findings if f.code == "SCHEDULE_NUMBER"]
    assert (
        "（Excel 或 LibreOffice）把輸入的「2019.03」改寫成了數字" in found.message and "重新輸入 108.03" in found.hint
    )


@pytest.mark.parametrize("year", [1e308, 0, "9" * 5000, 2.5e15], ids=["1E+308", "0", "5,000 digits", "2.5E+15"])
def test_a_year_no_plan_can_have_is_unreadable_not_a_damaged_file_nor_a_year(template: Path, year: object) -> None:
    """1E+308 was 「年度請填民國年：1000…」 (309 digits) and asked for a catalog of that year; 0 put every
    schedule 「不在計畫年度 0 年」; 5,000 digits (past what int() converts) called the file damaged."""
    fill(template, [{"goal": "壹、目標", "practice": "一、辦理宣導 3 場。", **GOOD}], unit="某處", year=year)
    found = [(f.code, f.cell) for f in check_file(template).findings if f.severity != "info"]
    assert found == [("YEAR_UNREADABLE", "E2")]


def test_a_practice_written_over_two_merged_rows_is_one_practice(tmp_path: Path, xltool: Runner) -> None:
    """A hand-made plan's practice with two schedules, its cell merged down both rows: check said it was
    numbered wrong (「二」應為「三」) and repeated 「與 B3 相同」 of itself, and the plan counted 3 practices
    where it has 2; following the message broke a correct plan. Merged and read again, it is still one; a
    blank row the merge runs over is a blank row (it was 「沒有填預定進度」), and the printouts print it once."""
    rows = [
        ["壹、強化宣導。", "一、辦理廉政宣導 3 場。", "108.03", 5, "防貪業務", "無"],
        [None, None, "108.09", 5, "防貪業務", "無"],
        [],
        [None, "二、召開廉政會報 2 次。", "108.06", 5, "防貪業務", "無"],
    ]
    plan = tmp_path / "手做.xlsx"
    book = hand_made_plan(plan, rows, ["B3:B5", "A3:A6"])
    sheet = book.active
    result = check_file(plan)
    assert [f.code for f in result.findings] == []
    assert result.plan is not None and (result.plan.practices, result.plan.total) == (2, 15)
    merged = tmp_path / "彙整.xlsx"
    assert "2 項具體作法" in xltool("merge", plan, "-o", merged).err
    again = check_file(merged)
    assert again.plan is not None and again.plan.practices == 2
    from xltool.summary import summarize

    [by_category] = [t for t in summarize([result], load_catalog(108)).tables if "業務類別具體作法數" in t.title]
    assert by_category.rows[0][by_category.header.index("防貪業務")] == 2  # the 統計 sheet's count
    assert [f.code for f in again.findings if f.severity != "info"] == []
    printout = tmp_path / "列印.xlsx"
    assert xltool("render", plan, "-o", printout).status == 0
    from python_calamine import CalamineWorkbook

    printed = [str(row[1]) for row in CalamineWorkbook.from_path(printout).get_sheet_by_name("計畫表").to_python()]
    assert sum("辦理廉政宣導" in text for text in printed) == 1  # printed once, as its goal is
    # in one box down its rows, as in the plan (each row was a box of its own, the lower ones empty)
    from openpyxl import load_workbook

    sheet_printed = load_workbook(printout)["計畫表"]
    first = next(r for r in range(1, 30) if "辦理廉政宣導" in str(sheet_printed.cell(r, 2).value))
    schedules = [str(sheet_printed.cell(r, 3).value) for r in range(first, first + 8)]
    second, third = first + schedules.index("108.09"), first + schedules.index("108.06")
    ruled = [bool(sheet_printed.cell(r, 2).border.top.style) for r in (second, third)]
    assert ruled == [False, True] and sheet_printed.cell(second, 3).border.top.style  # schedules ruled apart
    document = tmp_path / "計畫.docx"
    assert xltool("render", plan, "--docx", document).status == 0
    from docx import Document

    table = Document(str(document)).tables[0]
    cells = {cell._tc: cell.text for row in table.rows for cell in row.cells}  # a merged cell is on each row
    assert sum("辦理廉政宣導" in text for text in cells.values()) == 1  # Word's table too (it was on each row)
    upper, lower = table.rows[1].cells[1]._tc.xml, table.rows[2].cells[1]._tc.xml  # one box down its rows
    assert 'w:bottom w:val="nil"' in upper and 'w:top w:val="nil"' in lower
    assert table.rows[2].cells[2]._tc is not table.rows[1].cells[2]._tc  # each of its schedules a cell
    # Typed out twice, not merged, it is the same practice written twice: said, as ever.
    sheet.unmerge_cells("B3:B5")
    sheet["B4"] = "一、辦理廉政宣導 3 場。"
    book.save(plan)
    assert {"ITEM_NUMBER_ORDER", "PRACTICE_DUPLICATE"} <= {f.code for f in check_file(plan).findings}


def test_a_practice_over_merged_rows_says_the_same_in_every_command(tmp_path: Path, xltool: Runner) -> None:
    """A practice written over rows is one practice wherever it goes: its category written once (on any of its
    rows) is not missing on the others, nor （未填） in the totals; a budget cell merged down its rows is no
    budget missing, in the unit's file, the merged workbook or its JSON; a blank category cell merged down three
    rows is one error, not three; its months count once; import and rollover write it as one row that passes
    check (they wrote it three times over: 「一」應為「二」, 與 B4 相同)."""
    rows = [
        ["壹、強化宣導。", "一、辦理廉政宣導 3 場。", None, None, None, None],  # its words on a row of their own
        [None, None, "108.01-12", 10, "防貪業務", "無"],
        [None, None, "108.06", None, None, None],  # its budget cell merged with the one above
        [None, "二、召開廉政會報 2 次。", "108.06", 5, "防貪業務", "無"],
    ]
    plan = tmp_path / "手做.xlsx"
    hand_made_plan(plan, rows, ["B3:B5", "D4:D5", "A3:A6"])
    merged, as_json = tmp_path / "彙整.xlsx", tmp_path / "計畫.json"
    assert xltool("merge", plan, "-o", merged).status == 0
    assert xltool("read", plan, "-f", "json", "-o", as_json).status == 0
    for path in (plan, merged, as_json):
        result = check_file(path)
        assert [f.code for f in result.findings if f.severity != "info"] == [], path.name
        assert result.plan is not None and result.plan.totals_by_category() == {"防貪業務": 15}, path.name
    by_month = {row[0]: row[1] for row in load_workbook(merged)["統計"].iter_rows(values_only=True) if row[0]}
    assert (by_month["108.05"], by_month["108.06"]) == (1, 2)  # 一 and 二 in June: 一 once, though on two rows
    for command in (("import", plan), ("rollover", plan, "--year", "109")):
        out = tmp_path / f"{command[0]}.xlsx"
        done = xltool(*command, "-o", out)
        assert done.status == 0 and "1 項寫在多列的具體作法（儲存格向下合併）各寫成一列" in done.out + done.err
        again = check_file(out)
        assert again.plan is not None and (again.plan.practices, again.plan.total) == (2, 15)
        assert [f.code for f in again.findings if f.severity == "error"] == []
    # a category cell left blank and merged down the practice's three rows: one cell, one error; in the merged
    # workbook and the JSON, where each row is a row of its own, still one (it was three), on its first row
    rows[1][4] = None
    hand_made_plan(plan, rows, ["B3:B5", "D4:D5", "A3:A6", "E3:E5"])
    assert [f.cell for f in check_file(plan).findings if f.code == "CATEGORY_MISSING"] == ["E3"]
    assert xltool("merge", plan, "-o", merged, "--force").status == 0
    assert xltool("read", plan, "-f", "json", "-o", as_json, "--force").status == 0
    for path in (merged, as_json):
        assert [f.row for f in check_file(path).findings if f.code == "CATEGORY_MISSING"] == [
            3 if path == as_json else 4
        ]
    # two categories on its rows, and words beside an amount: import keeps one row, says what it left out
    rows[1][4], rows[2][4], rows[2][3] = "防貪業務", "綜合規劃業務", "另案辦理"
    hand_made_plan(plan, rows, ["B3:B5", "A3:A6"])
    done = xltool("import", plan, "-o", tmp_path / "再匯入.xlsx")
    assert (
        "業務類別「防貪業務、綜合規劃業務」只留第一個" in done.err and "預算的文字「另案辦理」沒有算進金額" in done.err
    )


def test_a_json_item_copied_and_renumbered_is_a_practice_of_its_own(tmp_path: Path, xltool: Runner) -> None:
    """An officer copies item 一 in the JSON from xltool read and renumbers it 二 (same cell, same text yet):
    it was taken for more rows of 一's merged cell, counted once and printed blank."""
    plan = json.loads(xltool("read", EXAMPLE, "-f", "json").out)
    first = plan["items"][0]
    plan["items"].insert(1, {**first, "item_no": "二", "schedule": "108.09"})
    source = tmp_path / "計畫.json"
    source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    result = check_file(source)
    assert result.plan is not None and result.plan.practices == 34
    assert "PRACTICE_DUPLICATE" in {f.code for f in result.findings}


@pytest.mark.parametrize(("typed", "codes"), [(2019, {"YEAR_WESTERN"}), (0, {"YEAR_UNREADABLE"})])
def test_a_json_year_typed_as_a_western_year_or_zero_is_told_as_the_year_cell_is(
    tmp_path: Path, xltool: Runner, typed: int, codes: set[str]
) -> None:
    """「year": 2019 typed into the JSON: each of 33 schedules was 「不在計畫年度 2019 年」, and xltool suggested
    `catalog --new 2019` and `merge --year 2019`, which it refuses. Read as the year cell is: 2019 is 108,
    said once, and 0 is no year."""
    plan = json.loads(xltool("read", EXAMPLE, "-f", "json").out)
    source = tmp_path / "計畫.json"
    source.write_text(json.dumps({**plan, "year": typed}, ensure_ascii=False), encoding="utf-8")
    result = check_file(source)
    assert result.plan is not None and result.plan.year == (108 if typed else None)
    assert {f.code for f in result.findings if f.severity == "error"} == codes
    shown = xltool("check", source).out
    assert (
        ("年度請填民國年：108" in shown and "不在計畫年度" not in shown) if typed else "年度「0」不是民國年度" in shown
    )


@pytest.mark.usefixtures("office")
def test_merged_cells_of_an_ods_read_as_those_of_an_xlsx(tmp_path: Path) -> None:
    """calamine reports no merged ranges of an .ods: a category merged down two practices read as left blank
    on the second (「沒有填業務類別」), a practice merged down two rows as a second practice with no text."""
    from xltool.office import convert

    rows = [
        ["壹、強化宣導。", "一、辦理廉政宣導 3 場。", "108.03", 5, "防貪業務", "無"],
        [None, None, "108.09", 5, None, "無"],
        [None, "二、召開廉政會報 2 次。", "108.06", 5, None, "無"],
    ]
    plan = tmp_path / "手做.xlsx"
    hand_made_plan(plan, rows, ["A3:A5", "B3:B4", "E3:E5"])
    ods = convert(plan, "ods", tmp_path / "ods")
    for path in (plan, ods):
        result = check_file(path)
        assert [f.code for f in result.findings] == [], path.suffix
        assert result.plan is not None and result.plan.practices == 2
        assert [item.category for item in result.plan.items] == ["防貪業務"] * 3


@pytest.mark.parametrize("prefix", ["政策目標-", "自主管理-"])
def test_a_performance_prefix_with_nothing_after_it_is_told_how_to_finish_it(prefix: str) -> None:
    """「政策目標-」 left with no item was told 「請寫成「自主管理-項目名稱」」: followed, it turned a policy item
    into one the unit made up. The hint says how each prefix is finished."""
    from xltool.budget import parse_budget
    from xltool.model import Plan, PlanItem
    from xltool.schedule import parse_schedule

    item = PlanItem(
        "壹", "目標", "一", "辦理宣導 3 場", parse_schedule("108.03", 108), parse_budget(5), "防貪業務", prefix
    )
    plan = Plan(unit="測試單位", year=108, items=[item])
    found = next(f for f in check_plan(plan, load_catalog(108)) if f.code == "PERFORMANCE_FREE_EMPTY")
    assert "由下拉清單選擇本列業務類別的項目" in found.hint and "自主管理-項目名稱" in found.hint


# ------------------------------------------------------------------------------------------ the JSON of read


def _check_both(xltool: Runner, workbook: Path, as_json: Path) -> None:
    """check of a workbook and of the JSON `read` wrote from it: the same lines (but the file's name) and exit
    status, and the same findings at the same cells for a script."""
    assert xltool("read", workbook, "-f", "json", "-o", as_json).status == 0
    done = [xltool("check", path, "--info") for path in (workbook, as_json)]
    assert done[1].out.splitlines()[1:] == done[0].out.splitlines()[1:] and done[1].status == done[0].status
    found = [json.loads(xltool("check", path, "-f", "json", "--info").out)["files"][0] for path in (workbook, as_json)]
    where = [[(f["code"], f["severity"], f["sheet"], f["cell"], f["row"], f["column"], f["message"]) for f in one["findings"]]
             for one in found]  # fmt: skip
    assert where[1] == where[0]


def test_the_json_of_read_is_checked_at_the_workbooks_cells(tmp_path: Path, xltool: Runner) -> None:
    """`xltool read 計畫.xlsx -o 計畫.json; xltool check 計畫.json` printed twenty lines 「計畫表  警告  沒有填
    提列績效對應項目」, none saying where (the JSON kept the practice's cell alone), and `--format json` gave each a
    blank `cell`: the JSON now keeps every field's cell, and check says what it says of the workbook."""
    as_json = tmp_path / "計畫.json"
    _check_both(xltool, EXAMPLE, as_json)
    assert (
        "計畫表!F4–F6、F18–F28、F30–F35，共 20 格  警告  沒有填提列績效對應項目"
        in xltool("check", as_json).out.splitlines()
    )
    item = json.loads(as_json.read_text("utf-8"))["items"][0]
    assert item["cells"] == {"goal": "A4", "practice": "B4", "schedule": "C4", "budget": "D4", "category": "E4",
                             "performance": "F4"}  # fmt: skip


def untidy_example(path: Path) -> Path:
    """The Kinmen plan with cells typed as officers type them, each a hint or a warning on the cell's own text
    (its totals as they were): the example itself types 綜合業務 (CATEGORY_ALIAS)."""
    book = load_workbook(EXAMPLE)
    sheet = book["計畫表"]
    sheet["A11"] = f"{sheet['A11'].value}  "  # GOAL_SPACES
    sheet["B6"] = "三、透過本府施政滿意度委託研究  及所屬政風單位民意問卷調查 2 次，檢討策進。"  # PRACTICE_SPACES
    sheet["C5"] = "108年1月至12月"  # SCHEDULE_FORMAT
    sheet["C13"] = "全年"  # SCHEDULE_RELATIVE
    sheet["D8"] = "300千"  # BUDGET_TEXT
    sheet["D20"] = "１０"  # BUDGET_TEXT, a full-width amount
    sheet["F7"] = "自主管理 - 籌辦廉政透明委員會"  # PERFORMANCE_FORMAT
    book.save(path)
    return path


# Each cell of untidy_example that check tells of, by its own text, and the rule that does.
UNTIDY = {"A11": "GOAL_SPACES", "B6": "PRACTICE_SPACES", "C5": "SCHEDULE_FORMAT", "C13": "SCHEDULE_RELATIVE",
          "D8": "BUDGET_TEXT", "D20": "BUDGET_TEXT", "F7": "PERFORMANCE_FORMAT", "E4": "CATEGORY_ALIAS"}  # fmt: skip


def test_the_json_of_read_keeps_the_officers_own_text_for_check(tmp_path: Path, xltool: Runner) -> None:
    """The JSON held the tidy values alone (108.01-12 for 「108年1月至12月」, the practice without its double space):
    check of the workbook said 「預定進度「108年1月至12月」可統一寫成「108.01-12」」, 「具體作法前後或中間有多餘的空白」,
    「預算「300千」是文字格式的數字」 … and check of its JSON none of them. An item keeps each cell's own text where it
    is not the tidy value (`written`), and check of the JSON says what check of the workbook says."""
    workbook, as_json = untidy_example(tmp_path / "計畫.xlsx"), tmp_path / "計畫.json"
    _check_both(xltool, workbook, as_json)
    assert set(UNTIDY.items()) <= {(f.cell, f.code) for f in check_file(as_json).findings}
    items = {item["row"]: item for item in json.loads(as_json.read_text("utf-8"))["items"]}
    assert items[5]["written"] == {"schedule": "108年1月至12月"} and items[5]["schedule"] == "108.01-12"
    assert items[8]["written"] == {"budget": "300千"} and items[8]["budget"] == 300
    assert items[4]["written"] == {"category": "綜合業務"} and items[4]["category"] == "綜合規劃業務"
    assert items[7]["written"] == {"performance": "自主管理 - 籌辦廉政透明委員會"}
    assert items[11]["written"] == {"goal": f"參、{items[11]['goal']}  "}
    assert "written" not in items[9]  # typed tidy: the item as it always was


def test_an_own_text_that_no_longer_reads_as_the_jsons_value_is_not_used(tmp_path: Path, xltool: Runner) -> None:
    """A JSON edited by hand (the schedule, practice, budget … changed, each cell's own text left beside it in
    `written`) is checked and printed by what it now says: the stale text would be told of (「預定進度
    「108年1月至12月」可統一寫成「108.01-12」」 of a schedule now 108.03) and printed in its place."""
    as_json = tmp_path / "計畫.json"
    assert xltool("read", untidy_example(tmp_path / "計畫.xlsx"), "-o", as_json).status == 0
    data = json.loads(as_json.read_text("utf-8"))
    items = {item["row"]: item for item in data["items"]}
    items[4]["category"] = "防貪業務"
    items[5]["schedule"] = "108.03"
    items[6]["practice"] = "透過民意問卷調查 2 次，檢討策進。"
    items[7]["performance"] = "無"
    items[8]["budget"] = 30
    for row in range(11, 15):  # a goal is on each of its practices
        items[row]["goal"] = "啟動服務深耕。"
    edited = tmp_path / "改過.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = check_file(edited)
    assert result.plan is not None
    found = {(f.cell, f.code) for f in result.findings}
    assert found & set(UNTIDY.items()) == {("C13", "SCHEDULE_RELATIVE"), ("D20", "BUDGET_TEXT")}  # not edited
    shown = {item.row: item.as_written() for item in result.plan.items}
    edits = {(4, "category"): "防貪業務", (5, "schedule"): "108.03", (6, "practice"): "三、透過民意問卷調查 2 次，檢討策進。",
             (7, "performance"): "無", (8, "budget"): "30", (11, "goal"): "參、啟動服務深耕。"}  # fmt: skip
    assert {(row, key): shown[row][key] for row, key in edits} == edits
    assert shown[13]["schedule"] == "全年"


def stored_example(path: Path) -> Path:
    """untidy_example with schedules the spreadsheet stored as numbers or dates (typed into a General cell), each
    an error check tells of by the cell's type, and budgets whose findings come of theirs."""
    book = load_workbook(untidy_example(path))
    sheet = book["計畫表"]
    sheet["C6"] = 108.08  # SCHEDULE_NUMBER: 「108.08」 typed
    sheet["C7"] = 108.1  # SCHEDULE_NUMBER_AMBIGUOUS: January or October
    sheet["C9"] = 108.1
    sheet["C9"].number_format = "0.00"  # shown as 108.10: October, SCHEDULE_NUMBER
    sheet["C10"] = dt.datetime(2019, 1, 12)  # SCHEDULE_DATE: 1/12 typed
    sheet["C11"] = 43466  # SCHEDULE_DATE: a date's day count (2019-01-01)
    sheet["C12"] = dt.time(8, 30)  # SCHEDULE_DATE
    sheet["C14"] = 2019.03  # SCHEDULE_NUMBER and SCHEDULE_WESTERN_YEAR
    sheet["D15"] = dt.datetime(2019, 1, 5)  # BUDGET_LARGE: 1/5 typed into 預算, a day count to the sheet
    sheet["D16"] = True  # BUDGET_NOT_NUMBER 「TRUE」
    sheet["D17"] = "0"  # BUDGET_ZERO
    sheet["D18"] = "5,00"  # BUDGET_TEXT
    sheet["D19"] = 1.23456  # BUDGET_PRECISION
    sheet["D21"] = "NT$5,000"  # BUDGET_YUAN
    book.save(path)
    return path


# Each cell of stored_example that check tells of by what the cell held, and the rule that does.
STORED = {"C6": "SCHEDULE_NUMBER", "C7": "SCHEDULE_NUMBER_AMBIGUOUS", "C9": "SCHEDULE_NUMBER", "C10": "SCHEDULE_DATE",
          "C11": "SCHEDULE_DATE", "C12": "SCHEDULE_DATE", "C14": "SCHEDULE_NUMBER", "D15": "BUDGET_LARGE",
          "D16": "BUDGET_NOT_NUMBER", "D17": "BUDGET_ZERO", "D18": "BUDGET_TEXT", "D19": "BUDGET_PRECISION",
          "D21": "BUDGET_YUAN"}  # fmt: skip


def test_a_schedule_stored_as_a_number_or_a_date_is_kept_in_the_json(tmp_path: Path, xltool: Runner) -> None:
    """108.08 typed into a General cell: check of the workbook said 「預定進度被存成數字 108.08」 (an error, exit 1)
    and check of its JSON nothing (exit 0), the JSON holding the text 108.08; a date (1/12 typed) was 「無法解讀
    預定進度「2019-01-12」」, a number 108.1 a hint to write 108.01. The JSON keeps the number (`written`'s
    schedule a JSON number) or the date ({"date": …}): check of it says what check of the workbook says."""
    workbook, as_json = stored_example(tmp_path / "計畫.xlsx"), tmp_path / "計畫.json"
    _check_both(xltool, workbook, as_json)
    assert set(STORED.items()) <= {(f.cell, f.code) for f in check_file(as_json).findings}
    items = {item["row"]: item for item in json.loads(as_json.read_text("utf-8"))["items"]}
    kept = {6: ("108.08", 108.08), 7: ("108.1", 108.1), 9: ("108.10", 108.1), 10: ("2019-01-12", {"date": "2019-01-12"}),
            11: ("2019-01-01", 43466), 12: ("08:30:00", {"date": "08:30:00"})}  # fmt: skip
    assert {row: (items[row]["schedule"], items[row]["written"]["schedule"]) for row in kept} == kept


def test_a_stored_schedule_that_no_longer_reads_as_the_jsons_schedule_is_not_used(
    tmp_path: Path, xltool: Runner
) -> None:
    """A JSON whose schedules were corrected by hand (108.03 for the number 108.08, 108.01 for 108.1, 108.05 for
    the date), the number or date left beside them, is checked by what it says: the error stays with the
    workbook. The number 108.1 with the schedule 108.10 is a cell shown as 108.10, as read writes it."""
    as_json = tmp_path / "計畫.json"
    assert xltool("read", stored_example(tmp_path / "計畫.xlsx"), "-o", as_json).status == 0
    data = json.loads(as_json.read_text("utf-8"))
    items = {item["row"]: item for item in data["items"]}
    for row, schedule in ((6, "108.03"), (7, "108.01"), (10, "108.05"), (11, "108.06"), (12, "108.07"), (14, "108.04")):
        items[row]["schedule"] = schedule
    edited = tmp_path / "改過.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    found = {(f.cell, f.code) for f in check_file(edited).findings}
    assert found & set(STORED.items()) == {("C9", "SCHEDULE_NUMBER")} | {
        (cell, code) for cell, code in STORED.items() if cell.startswith("D")
    }


# What check of a workbook finds in cells its JSON does not keep (runs.JSON_UNCHECKED): each planted alone.
WORKBOOK_ONLY = {
    "TITLE_YEAR_MISMATCH": ("計畫表", "A1", "107年度廉政工作計畫"),
    "TOTAL_MISMATCH": ("計畫表", "D64", 999),
    "FORMULA_NO_VALUE": ("計畫表", "D9", "=5*1"),
    "CELL_ERROR": ("計畫表", "D10", "#REF!"),
    "PRACTICE_AFTER_TOTAL": ("計畫表", "B66", "六、辦理宣導 3 場"),
    "YEAR_WESTERN": ("計畫表", "E2", 2019),
    "TEMPLATE_OUTDATED": ("xltool", "B1", "0"),
}


@pytest.mark.parametrize("code", WORKBOOK_ONLY)
def test_check_of_a_json_says_once_what_only_the_workbook_can_tell(tmp_path: Path, xltool: Runner, code: str) -> None:
    """A title naming 107 in a plan for 108, a typed 合計 of 999, a formula without its value, a #REF!, a practice
    below 合計, 2019 in the year cell: check of the workbook ends 1, check of its JSON ended 0 and said nothing, the
    JSON keeping the practices and not those cells. Check of a JSON says so, once however many JSONs it counts."""
    from xltool.runs import JSON_UNCHECKED

    sheet, cell, value = WORKBOOK_ONLY[code]
    book = load_workbook(EXAMPLE)
    book[sheet][cell] = value
    book.save(tmp_path / "計畫.xlsx")
    (tmp_path / "JSON").mkdir()
    assert xltool("read", tmp_path / "計畫.xlsx", "-o", tmp_path / "JSON" / "甲.json").status == 0
    shutil.copy(tmp_path / "JSON" / "甲.json", tmp_path / "JSON" / "乙.json")
    of_workbook = xltool("check", tmp_path / "計畫.xlsx", "-f", "json")
    assert code in {f["code"] for f in json.loads(of_workbook.out)["files"][0]["findings"]}
    assert JSON_UNCHECKED not in of_workbook.err
    for inputs in ((tmp_path / "JSON" / "甲.json",), (tmp_path / "JSON",)):
        of_json = xltool("check", *inputs, "-f", "json")
        assert code not in {f["code"] for one in json.loads(of_json.out)["files"] for f in one["findings"]}
        assert of_json.err.splitlines().count(f"注意：{JSON_UNCHECKED}") == 1


@pytest.mark.parametrize(
    "written",
    ["全年", ["全年"], {"schedule": True}, {"schedule": {"date": 43466}}, {"schedule": {"day": "2019-01-12"}}],
)
def test_a_json_whose_written_is_malformed_is_refused_in_one_line(
    tmp_path: Path, xltool: Runner, written: object
) -> None:
    """A `written` that is no object of texts is said, not read as the officer's text."""
    plan = tmp_path / "計畫.json"
    item = {"practice": "辦理宣導 3 場", "schedule": "108.01-12", "row": 4, "written": written}
    plan.write_text(json.dumps({"items": [item]}, ensure_ascii=False), encoding="utf-8")
    done = xltool("check", plan)
    assert done.status == 2 and "不是 xltool read 輸出的計畫 JSON：items 第 1 項的 written" in done.error_line()


def test_the_json_of_a_merged_workbook_is_checked_at_its_cells(tmp_path: Path, xltool: Runner) -> None:
    """A 彙整 read to JSON (rows of two units, its 單位 and 年度 columns first): check finds what it finds in the
    merged workbook, at the same cells of 彙整."""
    other = json.loads(xltool("read", EXAMPLE, "-f", "json").out)
    (tmp_path / "乙.json").write_text(json.dumps({**other, "unit": "乙單位"}, ensure_ascii=False), encoding="utf-8")
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", EXAMPLE, tmp_path / "乙.json", "-o", merged).status == 0
    _check_both(xltool, merged, tmp_path / "彙整.json")
    shown = xltool("check", tmp_path / "彙整.json").out
    # each unit's line, naming it (test_season: a merged workbook's problems are told by unit)
    assert "彙整!H4–H6、H18–H28、H30–H35，共 20 格（金門縣政府政風處）  警告  沒有填提列績效對應項目" in shown
    assert "彙整!H37–H39、H51–H61、H63–H68，共 20 格（乙單位）  警告  沒有填提列績效對應項目" in shown


def test_a_practice_moved_or_typed_into_the_json_goes_with_the_goal_above_it(tmp_path: Path, xltool: Runner) -> None:
    """Moved under goal 壹 in the JSON (keeping the cells read wrote) or typed in with no cells, a practice began a
    goal of its own: 「計畫目標編號「壹」應為「貳」」 and 「具體作法編號「四」應為「一」」, where the workbook edited
    alike has none."""
    data = json.loads(xltool("read", EXAMPLE, "-f", "json").out)
    first = data["items"][0]
    moved = json.loads(json.dumps(data))
    practice = moved["items"].pop(6)
    practice.update(goal_no="壹", goal=first["goal"], item_no="四")
    moved["items"].insert(3, practice)
    typed = json.loads(json.dumps(data))
    new = {key: value for key, value in first.items() if key not in ("cells", "cell", "row")}
    typed["items"].insert(3, {**new, "item_no": "四", "practice": "辦理廉政座談會 2 場。", "performance": "無"})
    for name, plan in (("移動.json", moved), ("新增.json", typed)):
        (tmp_path / name).write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        result = check_file(tmp_path / name)
        assert [f.code for f in result.findings if f.severity == "error"] == [], name


def test_a_json_without_cells_says_the_row(tmp_path: Path, xltool: Runner) -> None:
    """The JSON of an older xltool (the practice's `cell` alone) or one made by hand (not even that): a finding
    of another field is on a row it names, 「計畫表 第 4 列」, neither the bare sheet nor 「計畫表!4」; a script
    still reads a blank `cell` and the row."""
    plan = json.loads(xltool("read", EXAMPLE, "-f", "json").out)
    for item in plan["items"]:
        item.pop("cells", None)
    older = tmp_path / "舊版.json"
    older.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    shown = xltool("check", older).out.splitlines()
    assert "計畫表 第 4–6、18–28、30–35 列，共 20 列  警告  沒有填提列績效對應項目" in shown
    assert not any(line.startswith(("計畫表  ", "計畫表!4")) for line in shown)
    (found,) = json.loads(xltool("check", older, "-f", "json").out)["files"]
    missing = [(f["cell"], f["row"]) for f in found["findings"] if f["code"] == "PERFORMANCE_MISSING"]
    assert missing[:4] == [("", 4), ("", 5), ("", 6), ("", 18)] and len(missing) == 20
    # one row of its own, in a JSON with no cell at all
    for item in plan["items"]:
        item.pop("cell")
        item["performance"] = item["performance"] or "無"
    plan["items"][1]["performance"] = ""
    older.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    assert "計畫表 第 5 列  警告  沒有填提列績效對應項目" in xltool("check", older).out.splitlines()


# --- what the officer's printout does not show -----------------------------------------------------------


def merged_keeping_contents(path: Path, ranges: str) -> Path:
    """``path`` with ``ranges`` merged and the cells they cover keeping their contents, as LibreOffice saves
    Merge Cells with 「keep the contents of the hidden cells」 (openpyxl empties them)."""
    import zipfile

    with zipfile.ZipFile(path) as book:
        members = {name: book.read(name) for name in book.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = re.sub(
        rb"(<mergeCells[^>]*>)", rb'\1<mergeCell ref="%s"/>' % ranges.encode(), members[sheet], count=1
    )
    with zipfile.ZipFile(path, "w") as book:
        for name, data in members.items():
            book.writestr(name, data)
    return path


def test_a_value_a_merged_cell_covers_is_said_where_it_is(template: Path, xltool: Runner) -> None:
    """B6:C6 merged (the sheet unprotected), C6 keeping 108.10-12: the printout shows B6 alone, and check said
    only 「B6 具體作法沒有填預定進度」 and read's JSON had schedule "" with no word of the schedule covered."""
    fill(template, [*correct_rows(), {"practice": "三、辦理講習 1 場。", **GOOD}], unit="某處")
    merged_keeping_contents(template, "B6:C6")
    done = xltool("check", template, "-f", "json")
    found = {(f["code"], f["cell"]): f for f in json.loads(done.out)["files"][0]["findings"]}
    covered = found[("CELL_COVERED", "C6")]
    assert covered["severity"] == "warning"
    assert covered["message"] == "預定進度被合併儲存格 B6:C6 蓋住，這一格的「108.10-12」印不出來，xltool 讀成空白"
    assert ("SCHEDULE_MISSING", "B6") in found  # the plan, as printed, has no schedule there
    read = xltool("read", template, "-f", "json")
    assert json.loads(read.out)["items"][2]["schedule"] == ""
    assert "注意：計畫表!C6 被合併儲存格 B6:C6 蓋住，其中的「108.10-12」印不出來" in read.err


def hidden_rows(path: Path, rows: Sequence[int]) -> Path:
    """``path`` with ``rows`` hidden, as an officer hides practices (allowed while the sheet is protected)."""
    book = load_workbook(path)
    for row in rows:
        book["計畫表"].row_dimensions[row].hidden = True
    book.save(path)
    return path


def test_hidden_rows_are_read_and_said(template: Path, tmp_path: Path, xltool: Runner) -> None:
    """Rows 6-7 hidden to drop two practices: the officer's printout leaves them out, and check, read and render
    took them in without a word. Hiding is not deleting: they are still read, and said once, naming the rows."""
    fill(template, correct_rows(), unit="某處")
    hidden_rows(template, (6, 7))
    findings = check_plan(read_plan(template), load_catalog(108))
    assert [(f.code, f.cell, f.severity) for f in findings] == [
        ("ROW_HIDDEN", "B6", "warning"),
        ("ROW_HIDDEN", "B7", "warning"),
    ]
    done = xltool("check", template)
    assert "計畫表!B6–B7，共 2 格  警告  這一列是隱藏的列，仍列入檢查、彙整與列印" in done.out
    said = "計畫表 第 6、7 列是隱藏的列，仍列入檢查、彙整與列印"
    assert said not in done.err  # check says it once, as a finding
    rendered = xltool("render", template, "-o", tmp_path / "印.xlsx")
    assert rendered.status == 0 and f"注意：某處：{said}" in rendered.err
    read = xltool("read", template, "-f", "json")
    assert len(json.loads(read.out)["items"]) == 4 and said in read.err


@pytest.mark.usefixtures("office")
def test_rows_libreoffice_hides_are_said_in_xlsx_ods_and_xls(template: Path, tmp_path: Path) -> None:
    """LibreOffice writes a hidden row hidden="true" (hidden="false" on every other row) in an .xlsx,
    table:visibility="collapse" in an .ods and a ROW record flagged hidden in an .xls (whose hidden rows went
    unsaid); a hidden <col> (the template's helper columns) is no row."""
    from xltool.office import convert

    fill(template, correct_rows(), unit="某處")
    hidden_rows(template, (5, 7))
    for fmt in ("xlsx", "ods", "xls"):
        saved = convert(template, fmt, tmp_path / fmt)
        plan = read_plan(saved)
        assert plan.hidden_rows == (5, 7) and len(plan.items) == 4, fmt
