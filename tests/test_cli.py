"""The commands as a user runs them: output, exit codes, and one zh-TW line for every mistake."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CONSOLE_SCRIPT, EXAMPLE, MODULE, Runner, fill
from xltool.cli import run
from xltool.template import write_template


def test_read_json_has_the_documented_shape(xltool: Runner) -> None:
    code, out, _ = xltool("read", EXAMPLE, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"file", "unit", "year", "items", "totals"}
    assert (data["unit"], data["year"], len(data["items"])) == ("金門縣政府政風處", 108, 33)
    assert data["totals"]["budget"] == 1865
    assert sum(data["totals"]["by_category"].values()) == 1865
    item = data["items"][9]
    assert set(item) >= {"goal_no", "goal", "item_no", "practice", "schedule", "months", "budget", "category",
                         "performance", "remark", "sheet", "row", "cell", "cells"}  # fmt: skip
    assert (item["goal_no"], item["item_no"], item["cell"], item["row"]) == ("參", "三", "B13", 13)
    # each field's cell as the reader found it: the goal's where it is written, above its first practice
    assert item["cells"] == {"goal": "A11", "practice": "B13", "schedule": "C13", "budget": "D13", "category": "E13",
                             "performance": "F13"}  # fmt: skip
    assert item["schedule"] == "108.01-12" and item["months"][0] == "108.01" and len(item["months"]) == 12
    assert "金門縣政府政風處" in out  # UTF-8, not \\u escapes


@pytest.mark.parametrize(
    "cells",
    ['"D4"', '["D4"]', '{"budget": 4}', '{"budget": "D0"}', '{"budget": "XFE4"}', '{"budget": "D1048577"}',
     '{"budget": "計畫表!D4"}', '{"budget": "d4"}'],
)  # fmt: skip
def test_a_json_whose_cells_are_no_cells_is_refused(tmp_path: Path, xltool: Runner, cells: str) -> None:
    """`cells` of a JSON made by hand names each field's cell, an A1 reference within a sheet; anything else is
    said, not taken for a cell that check would point at."""
    plan = tmp_path / "計畫.json"
    plan.write_text(f'{{"items": [{{"practice": "一、辦理宣導 3 場", "row": 4, "cells": {cells}}}]}}', encoding="utf-8")
    done = xltool("check", plan, "-f", "json")
    (refused,) = json.loads(done.out)["files"]
    assert (done.status, refused["error_code"]) == (2, "INPUT_NOT_PLAN_JSON")
    assert "items 第 1 項的 cells" in refused["error"]


def test_a_json_cells_of_no_column_or_null_are_passed_over(tmp_path: Path, xltool: Runner) -> None:
    """A key of no column of the form (a later xltool's), a blank or a null: as if the JSON did not name it."""
    plan = tmp_path / "計畫.json"
    item = {"goal_no": "壹", "goal": "目標。", "item_no": "一", "practice": "辦理宣導 3 場。", "sheet": "計畫表",
            "row": 4, "cells": {"practice": "B4", "officer": "G4", "schedule": None, "category": ""}}  # fmt: skip
    plan.write_text(json.dumps({"unit": "某處", "year": 108, "items": [item]}, ensure_ascii=False), encoding="utf-8")
    done = xltool("check", plan, "-f", "json")
    found = {f["code"]: (f["cell"], f["row"]) for f in json.loads(done.out)["files"][0]["findings"]}
    assert found["SCHEDULE_MISSING"] == ("", 4) and found["CATEGORY_MISSING"] == ("", 4)
    shown = xltool("check", plan).out.splitlines()
    assert {"計畫表 第 4 列  錯誤  具體作法沒有填預定進度", "計畫表 第 4 列  錯誤  沒有填業務類別"} < set(shown)


def test_an_absurd_budget_still_gives_json(template: Path, xltool: Runner) -> None:
    """1e20 千元 is a typing slip, but the JSON must still come out (wider than any 64-bit integer)."""
    path = fill(template, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.01-12",
                                      "budget": 1e20, "category": "防貪業務"}], unit="某處")  # fmt: skip
    code, out, _ = xltool("read", path, "--format", "json")
    assert code == 0 and json.loads(out)["totals"]["budget"] == 1e20
    code, out, _ = xltool("check", path, "--format", "json")
    assert json.loads(out)["files"][0]["totals"]["budget"] == 1e20


def test_read_csv_opens_in_zh_tw_excel(tmp_path: Path, xltool: Runner) -> None:
    out = tmp_path / "計畫.csv"
    code, _, err = xltool("read", EXAMPLE, "--format", "csv", "-o", out)
    assert code == 0 and "（33 項具體作法）" in err
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())  # the BOM zh-TW Excel needs
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 34 and lines[0].startswith("單位,年度")


def test_read_table_shows_every_practice_and_the_total(xltool: Runner) -> None:
    code, out, _ = xltool("read", EXAMPLE)
    assert code == 0
    assert "共 33 項具體作法，預算合計 1,865 千元" in out
    assert "B36" in out


def test_template_command_writes_a_readable_template(tmp_path: Path, xltool: Runner) -> None:
    out = tmp_path / "我的 計畫.xlsx"
    code, _, err = xltool("template", "-o", out, "--unit", "某某處", "--year", "109", "--rows", "10")
    assert code == 0 and "已產生範本" in err
    assert "沒有 109 年度的分類清單" in err  # said, not silent
    from xltool.reader import read_plan

    plan = read_plan(out)
    assert (plan.unit, plan.year, plan.items) == ("某某處", 109, [])


def test_existing_output_is_refused_without_force(tmp_path: Path, xltool: Runner) -> None:
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"precious")
    refused = xltool("template", "-o", out)
    assert (
        refused.status == 2 and refused.code == "OUTPUT_EXISTS" and "--force" in refused.err and str(out) in refused.err
    )
    assert out.read_bytes() == b"precious"
    assert xltool("template", "-o", out, "--force").status == 0


def test_read_never_writes_over_its_input(tmp_path: Path, xltool: Runner) -> None:
    copy = tmp_path / "plan.xlsx"
    copy.write_bytes(EXAMPLE.read_bytes())
    refused = xltool("read", copy, "-f", "json", "-o", copy, "--force")
    assert refused.status == 2 and refused.code == "OUTPUT_IS_INPUT"
    assert copy.read_bytes() == EXAMPLE.read_bytes()


def test_output_folder_must_exist(tmp_path: Path, xltool: Runner) -> None:
    refused = xltool("template", "-o", tmp_path / "沒有這個資料夾" / "t.xlsx")
    assert refused.status == 2 and refused.code == "OUTPUT_NO_FOLDER"
    assert not (tmp_path / "沒有這個資料夾").exists()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["read", "不存在.xlsx"], "INPUT_MISSING"),
        (["read", "."], "INPUT_NOT_FILE"),
        (["read", __file__], "INPUT_NOT_WORKBOOK"),
        (["read", EXAMPLE, "--catalog", "沒有.toml"], "CATALOG_MISSING"),
        (["check", EXAMPLE, "--budget-cap", "很多"], "USAGE"),
        (["read", EXAMPLE, "--format", "yaml"], None),  # the option parser's own: told in zh-TW below
        (["template", "--rows", "0"], None),
    ],
)
def test_bad_input_is_one_zh_tw_line_and_exit_2(xltool: Runner, args: list[str], code: str | None) -> None:
    refused = xltool(*args)
    assert (refused.status, refused.code) == (2, code)
    line = refused.error_line()
    assert refused.out == ""
    assert line.startswith("錯誤：" if code else "用法錯誤：")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["read", EXAMPLE, "--format", "yaml"],
            "--format 不能是「yaml」：輸出格式：table、json 或 csv（請見 xltool read --help）",
        ),
        (["check", EXAMPLE, "-fxml"], "--format 不能是「xml」：輸出格式：text 或 json（請見 xltool check --help）"),
        (["template", "--rows=0"], "--rows 不能是「0」：輸入列數（1 到 5000）（請見 xltool template --help）"),
        (
            ["check", EXAMPLE, "--year", "明年"],
            "--year 不能是「明年」：民國年度，例如 108（請見 xltool check --help）",
        ),
        (["check", EXAMPLE, "--roster"], "選項 --roster 需要一個值（請見 xltool check --help）"),
    ],
    ids=["option value", "short option joined", "option=value", "a year in words", "no value at the end"],
)
def test_a_refused_option_value_is_named_with_what_the_option_takes(xltool: Runner, args: list[str], line: str) -> None:
    """typer's reason is English and says no value: the line repeats what was typed and what is wanted."""
    refused = xltool(*args)
    assert refused.status == 2 and refused.error_line() == f"用法錯誤：{line}"


def test_a_long_refused_value_is_echoed_cut_short(xltool: Runner) -> None:
    """--year followed by 5,000 nines printed a usage line of 5,000 characters (and 4,000 nines, a range error
    quoting them all): a refused value is quoted by its first 20 characters and 「…」."""
    nines = "9" * 20 + "…"
    for args, line in [
        (("--year", "9" * 5000), f"用法錯誤：--year 不能是「{nines}」：民國年度，例如 108（請見 xltool check --help）"),
        (("--year", "9" * 4000), f"錯誤：--year 請填民國年度，例如 108（不是 {nines}）"),
        (("--budget-cap", "x" * 300), f"錯誤：--budget-cap 必須是數字（千元），不是「{'x' * 20}…」"),
        (
            ("-f", "j" * 300),
            f"用法錯誤：--format 不能是「{'j' * 20}…」：輸出格式：text 或 json（請見 xltool check --help）",
        ),
        (("--" + "x" * 300,), f"用法錯誤：沒有這個選項 --{'x' * 18}…（請見 xltool check --help）"),
    ]:
        done = xltool("check", EXAMPLE, *args)
        assert done.status == 2 and done.error_line() == line
    assert xltool("c" * 300).error_line().startswith(f"用法錯誤：沒有這個指令「{'c' * 20}…」")
    # 20 characters are quoted whole
    assert "不能是「abcdefghijklmnopqrst」" in xltool("check", EXAMPLE, "-f", "abcdefghijklmnopqrst").err


@pytest.mark.parametrize("typed", ["108年", "108年度", "民國108年", "民國 108 年", "１０８", "民國１０８年"])
def test_the_year_is_taken_as_an_officer_types_it(xltool: Runner, typed: str, tmp_path: Path) -> None:
    """--year 108年 was refused (「不能是「108年」」): the ROC year is taken with 年 or 年度 after it, 民國 before it,
    spaces and full-width digits, by every command's --year."""
    assert xltool("check", EXAMPLE, "--year", typed) == xltool("check", EXAMPLE, "--year", "108")
    made = xltool(
        "template", "-o", tmp_path / "範本.xlsx", "--year", typed.replace("108", "109").replace("１０８", "１０９")
    )
    assert made.status == 0 and "109 年度" in made.err
    western = xltool("check", EXAMPLE, "--year", typed.replace("108", "2019").replace("１０８", "２０１９"))
    assert western.error_line() == "錯誤：--year 請填民國年：西元 2019 年是民國 108 年（--year 108）"


def test_a_mistyped_command_is_answered_as_a_mistyped_option_is(xltool: Runner) -> None:
    """「xltool chek」 said only that there is no such command, where 「--anotate」 is offered --annotate; a format
    typed in capitals (-f JSON, as a file's .JSON is taken) was refused."""
    refused = xltool("chek", EXAMPLE)
    assert refused.status == 2 and "沒有這個指令「chek」；您是不是要用 check？" in refused.error_line()
    assert "您是不是" not in xltool("zzz").error_line()  # nothing near: no guess
    assert json.loads(xltool("read", EXAMPLE, "-f", "JSON").out)["unit"] == "金門縣政府政風處"
    assert json.loads(xltool("check", EXAMPLE, "--format", "Json").out)["files"][0]["errors"] == 0


def test_template_help_says_which_year_it_makes_without_year(xltool: Runner) -> None:
    """Without --year the template is of the newest built-in list's year (108 in 2026), and the help said no default."""
    assert "未指定時" in xltool("template", "--help").out


@pytest.mark.parametrize(
    "command",
    [[], ["template"], ["read"], ["check"], ["render"], ["merge"], ["import"], ["rollover"], ["catalog"], ["diff"]],
)
def test_every_command_has_zh_tw_help_with_an_example(xltool: Runner, command: list[str]) -> None:
    code, out, _ = xltool(*command, "--help")
    assert code == 0
    assert "用法" in out and "範例" in out and "顯示本說明後結束" in out
    assert "Show this message" not in out


@pytest.mark.parametrize("command", [[CONSOLE_SCRIPT], MODULE], ids=["script", "module"])
def test_the_installed_command_runs_with_a_chinese_path_and_no_traceback(
    tmp_path: Path, xltool_process: Runner, command: list[str]
) -> None:
    """A real process: the console script's (and python -m xltool's) error path, exit code and encoding."""
    folder = tmp_path / "政風 處"
    folder.mkdir()
    bad = folder / "不是活頁簿.xlsx"
    bad.write_text("hello", encoding="utf-8")
    done = xltool_process("read", bad, command=command)
    assert done.status == 2 and str(bad) in done.error_line()
    good = folder / "計畫 108.xlsx"
    good.write_bytes(EXAMPLE.read_bytes())
    done = xltool_process("read", good, "-f", "json", command=command)
    assert done.status == 0 and json.loads(done.out)["totals"]["budget"] == 1865


def test_a_cp950_console_does_not_crash_the_output(tmp_path: Path, xltool_process: Runner) -> None:
    """Windows consoles in Taiwan use cp950; characters it lacks are replaced, never fatal."""
    plan = tmp_path / "p.xlsx"
    plan.write_bytes(EXAMPLE.read_bytes())
    done = xltool_process("read", plan, env={"PYTHONIOENCODING": "cp950"})
    assert done.status == 0, done.err
    assert "1,865" in done.out


def test_piped_output_is_utf8_unless_pythonioencoding_asks_for_big5(tmp_path: Path) -> None:
    """A script reads UTF-8; an office that pipes to `type` or findstr on a cp950 console sets
    PYTHONIOENCODING=cp950 and gets Big5 (a character Big5 lacks becomes ?)."""
    plan = fill(write_template(tmp_path / "堃.xlsx", year=108, rows=3), [], unit="堃峯鄉公所")
    for env, encoding in (({}, "utf-8"), ({"PYTHONIOENCODING": "cp950"}, "cp950")):
        done = subprocess.run([*MODULE, "check", str(plan)], capture_output=True, env={**os.environ, **env})
        assert done.returncode == 1 and "計畫表裡沒有任何具體作法" in done.stdout.decode(encoding), encoding
    assert "??鄉公所" in done.stdout.decode("cp950")


@pytest.mark.parametrize(
    "args",
    [
        ["template", "-o", "{tmp}/範本.xlsx", "--year", "2025"],
        ["check", EXAMPLE, "--year", "2025"],
        ["rollover", EXAMPLE, "--year", "2025", "-o", "{tmp}/明年.xlsx"],
        ["catalog", "--new", "2025"],
    ],
    ids=["template", "check", "rollover", "catalog --new"],
)
def test_a_western_year_option_is_named_with_its_roc_year(tmp_path: Path, xltool: Runner, args: list[str]) -> None:
    """2025 for 114 is the usual slip: the line says which ROC year was meant, where a range error said
    only 「--year 的值不正確」."""
    done = xltool(*(str(a).replace("{tmp}", str(tmp_path)) for a in args))
    option = "--new" if "--new" in args else "--year"
    assert (done.status, done.code) == (2, "USAGE")
    assert done.error_line() == f"錯誤：{option} 請填民國年：西元 2025 年是民國 114 年（{option} 114）"
    assert list(tmp_path.iterdir()) == []
    zero = xltool("template", "-o", tmp_path / "範本.xlsx", "--year", "0")
    assert (zero.status, zero.code) == (2, "USAGE") and "民國年度" in zero.error_line()
    # a number no western year: no ROC year of 20 digits offered (it said --year 99999999999999998088)
    huge = xltool("check", EXAMPLE, "--year", "99999999999999999999")
    assert huge.error_line() == "錯誤：--year 請填民國年度，例如 108（不是 99999999999999999999）"


def test_an_empty_plan_is_told_without_an_empty_budget_line(template: Path, xltool: Runner) -> None:
    done = xltool("check", template)
    assert done.status == 1 and "計畫表裡沒有任何具體作法" in done.out
    assert "預算（千元）" not in done.out


def test_rollover_of_a_plan_that_names_no_year_is_refused(template: Path, tmp_path: Path, xltool: Runner) -> None:
    from openpyxl import load_workbook

    plan = fill(template, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.01-12"}], unit="某處")
    book = load_workbook(plan)
    book["計畫表"]["E2"] = None
    book.save(plan)
    done = xltool("rollover", plan, "--year", "109", "-o", tmp_path / "明年.xlsx")
    assert (done.status, done.code) == (2, "INPUT_NO_YEAR") and str(plan) in done.error_line()
    assert not (tmp_path / "明年.xlsx").exists()


def test_bare_xltool_shows_its_help_and_a_missing_argument_is_named(xltool: Runner) -> None:
    code, out, err = xltool()
    assert code == 2 and out.startswith("用法：") and "template" in out and err == ""
    code, out, err = xltool("check")
    assert code == 2 and "缺少參數 檔案或資料夾..." in err and out == ""


def test_a_bug_is_one_line_and_exit_3_and_xltool_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, xltool: Runner
) -> None:
    """The one place a fault must be put in by hand: a bug that xltool does not have."""
    from xltool import pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "load_plan", broken)
    code, _, err = xltool("read", EXAMPLE)
    assert code == 3 and "xltool 內部錯誤：RuntimeError: a bug" in err and "XLTOOL_DEBUG" in err
    assert len(err.strip().splitlines()) == 1
    monkeypatch.setenv("XLTOOL_DEBUG", "1")
    with pytest.raises(RuntimeError, match="a bug"):
        run(["read", str(EXAMPLE)])


def test_options_a_supervisor_uses_change_the_verdict(xltool: Runner) -> None:
    def verdict(*options: str) -> tuple[int, set[str]]:
        done = xltool("check", EXAMPLE, "-f", "json", *options)
        findings = json.loads(done.out)["files"][0]["findings"]
        return done.status, {f["code"] for f in findings if f["severity"] != "info"}

    assert verdict() == (0, {"PERFORMANCE_MISSING"})
    assert verdict("--budget-cap", "1,000") == (1, {"PERFORMANCE_MISSING", "BUDGET_CAP"})
    assert verdict("--year", "109") == (1, {"PERFORMANCE_MISSING", "YEAR_MISMATCH", "SCHEDULE_OTHER_YEAR"})
    code, out, _ = xltool("check", EXAMPLE, "--info")
    assert code == 0 and "提示" in out and "另有" not in out
    refused = xltool("check", EXAMPLE, "--budget-cap", "很多")
    assert refused.status == 2 and "--budget-cap 必須是數字" in refused.error_line()


def test_windows_wildcards_name_their_files_as_a_unix_shell_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cmd.exe and PowerShell pass 收件匣\\*.xlsx as typed; typer expands it only when it reads the command
    line itself. Expanded the same here, tried with this machine's separator."""
    from xltool.cli import expand_wildcards

    for name in ("乙.xlsx", "甲.xlsx", "甲.ods", "[草稿]甲.xlsx", "彙整1.xlsx"):
        (tmp_path / name).write_bytes(b"")
    args = ["merge", str(tmp_path / "?.xlsx"), str(tmp_path / "[草稿]*"), str(tmp_path / "丙*.xlsx"),
            "-o", str(tmp_path / "彙整?.xlsx")]  # fmt: skip
    assert expand_wildcards(args, windows=False) == args  # a Unix shell has done it already
    # After a flag, a pattern is still one (--strict takes no value); a file named like an option is a file.
    (tmp_path / "-o乙.xlsx").write_bytes(b"")
    flagged = expand_wildcards(["check", "--strict", str(tmp_path / "?.xlsx")], windows=True)
    assert flagged == ["check", "--strict", str(tmp_path / "乙.xlsx"), str(tmp_path / "甲.xlsx")]
    monkeypatch.chdir(tmp_path)
    assert expand_wildcards(["merge", "--force", "*o乙.xlsx", "-o", "彙整.xlsx"], windows=True) == [
        "merge", "--force", os.path.join(os.curdir, "-o乙.xlsx"), "-o", "彙整.xlsx",
    ]  # fmt: skip
    (tmp_path / "-o乙.xlsx").unlink()
    assert expand_wildcards(args, windows=True) == [
        "merge",
        str(tmp_path / "乙.xlsx"),
        str(tmp_path / "甲.xlsx"),
        str(tmp_path / "[草稿]甲.xlsx"),
        str(tmp_path / "丙*.xlsx"),
        "-o",
        str(tmp_path / "彙整?.xlsx"),
    ]  # fmt: skip  (a pattern that names nothing stays as typed; an option's value is never one)


def test_an_output_name_ending_in_a_space_is_said_to(tmp_path: Path, xltool: Runner) -> None:
    """「彙整.xlsx 」 (a space copied along with the name) ends in .xlsx to the eye."""
    done = xltool("read", EXAMPLE, "-o", str(tmp_path / "彙整.json "))
    assert (done.status, done.code) == (2, "OUTPUT_WRONG_TYPE")
    assert "檔名結尾有空白" in done.error_line() and not list(tmp_path.iterdir())


def test_the_readmes_check_output_is_what_an_80_column_terminal_shows() -> None:
    """README shows the example's check as an 80-column terminal prints it; the block had drifted from what
    xltool prints (six lines, broken elsewhere, under 「7 行」)."""
    import fcntl
    import pty
    import struct
    import termios

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said, block = readme.split("範例的結果（80 欄的終端機上 ", 1)[1].split("```", 2)[:2]
    main, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "COLUMNS": "80", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.Popen([*MODULE, "check", "examples/kinmen_108.xlsx"], cwd=ROOT, env=env, stdout=terminal)
    os.close(terminal)
    shown = b""
    while chunk := _read(main):
        shown += chunk
    done.wait(timeout=60)
    lines = [line for line in shown.decode().replace("\r", "").splitlines() if line]
    assert lines == block.strip("\n").splitlines() and said.startswith(f"{len(lines)} 行")


def _read(descriptor: int) -> bytes:
    try:
        return os.read(descriptor, 65536)
    except OSError:  # the terminal's other end closed: all is read
        return b""
