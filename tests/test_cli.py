"""The commands as a user runs them: output, exit codes, and one zh-TW line for every mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, fill
from xltool.cli import run


def xltool(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_read_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = xltool(capsys, "read", EXAMPLE, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"file", "unit", "year", "items", "totals"}
    assert (data["unit"], data["year"], len(data["items"])) == ("金門縣政府政風處", 108, 33)
    assert data["totals"]["budget"] == 1865
    assert sum(data["totals"]["by_category"].values()) == 1865
    item = data["items"][9]
    assert set(item) >= {"goal_no", "goal", "item_no", "practice", "schedule", "months", "budget", "category",
                         "performance", "remark", "sheet", "row", "cell"}  # fmt: skip
    assert (item["goal_no"], item["item_no"], item["cell"], item["row"]) == ("參", "三", "B13", 13)
    assert item["schedule"] == "108.01-12" and item["months"][0] == "108.01" and len(item["months"]) == 12
    assert "金門縣政府政風處" in out  # UTF-8, not \\u escapes


def test_an_absurd_budget_still_gives_json(template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1e20 千元 is a typing slip, but the JSON must still come out (wider than any 64-bit integer)."""
    path = fill(template, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.01-12",
                                      "budget": 1e20, "category": "防貪業務"}], unit="某處")  # fmt: skip
    code, out, _ = xltool(capsys, "read", path, "--format", "json")
    assert code == 0 and json.loads(out)["totals"]["budget"] == 1e20
    code, out, _ = xltool(capsys, "check", path, "--format", "json")
    assert json.loads(out)["files"][0]["totals"]["budget"] == 1e20


def test_read_csv_opens_in_zh_tw_excel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "計畫.csv"
    code, _, err = xltool(capsys, "read", EXAMPLE, "--format", "csv", "-o", out)
    assert code == 0 and "（33 項具體作法）" in err
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())  # the BOM zh-TW Excel needs
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 34 and lines[0].startswith("單位,年度")


def test_read_table_shows_every_practice_and_the_total(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = xltool(capsys, "read", EXAMPLE)
    assert code == 0
    assert "共 33 項具體作法，預算合計 1,865 千元" in out
    assert "B36" in out


def test_template_command_writes_a_readable_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "我的 計畫.xlsx"
    code, _, err = xltool(capsys, "template", "-o", out, "--unit", "某某處", "--year", "109", "--rows", "10")
    assert code == 0 and "已產生範本" in err
    assert "沒有 109 年度的分類清單" in err  # said, not silent
    from xltool.reader import read_plan

    plan = read_plan(out)
    assert (plan.unit, plan.year, plan.items) == ("某某處", 109, [])


def test_existing_output_is_refused_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"precious")
    code, _, err = xltool(capsys, "template", "-o", out)
    assert code == 2 and "--force" in err and str(out) in err
    assert out.read_bytes() == b"precious"
    assert xltool(capsys, "template", "-o", out, "--force")[0] == 0


def test_read_never_writes_over_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "plan.xlsx"
    copy.write_bytes(EXAMPLE.read_bytes())
    code, _, err = xltool(capsys, "read", copy, "-f", "json", "-o", copy, "--force")
    assert code == 2 and "輸入檔" in err
    assert copy.read_bytes() == EXAMPLE.read_bytes()


def test_output_folder_must_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = xltool(capsys, "template", "-o", tmp_path / "沒有這個資料夾" / "t.xlsx")
    assert code == 2 and "輸出資料夾不存在" in err
    assert not (tmp_path / "沒有這個資料夾").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["read", "不存在.xlsx"], "找不到檔案"),
        (["read", "."], "資料夾"),
        (["read", __file__], "不是活頁簿"),
        (["read", EXAMPLE, "--format", "yaml"], "用法錯誤"),
        (["template", "--rows", "0"], "用法錯誤"),
        (["read", EXAMPLE, "--catalog", "沒有.toml"], "找不到分類清單檔"),
    ],
)
def test_bad_input_is_one_zh_tw_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = xltool(capsys, *args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(
    "command",
    [[], ["template"], ["read"], ["check"], ["render"], ["merge"], ["import"], ["rollover"], ["catalog"], ["diff"]],
)
def test_every_command_has_zh_tw_help_with_an_example(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    code, out, _ = xltool(capsys, *command, "--help")
    assert code == 0
    assert "用法" in out and "範例" in out and "顯示本說明後結束" in out
    assert "Show this message" not in out


def test_the_installed_command_runs_with_a_chinese_path_and_no_traceback(tmp_path: Path) -> None:
    """A real process: the console script's error path, exit code and encoding, not the in-process runner."""
    folder = tmp_path / "政風 處"
    folder.mkdir()
    bad = folder / "不是活頁簿.xlsx"
    bad.write_text("hello", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "xltool", "read", str(bad)], capture_output=True, timeout=60)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2
    assert str(bad) in err and "Traceback" not in err
    good = folder / "計畫 108.xlsx"
    good.write_bytes(EXAMPLE.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "xltool", "read", str(good), "-f", "json"], capture_output=True, timeout=60
    )
    assert done.returncode == 0 and json.loads(done.stdout.decode("utf-8"))["totals"]["budget"] == 1865


def test_a_cp950_console_does_not_crash_the_output(tmp_path: Path) -> None:
    """Windows consoles in Taiwan use cp950; characters it lacks are replaced, never fatal."""
    import os

    env = {**os.environ, "PYTHONIOENCODING": "cp950"}
    code = "import sys; from xltool.cli import main; sys.argv=['xltool','read',sys.argv[1]]; main()"
    plan = tmp_path / "p.xlsx"
    plan.write_bytes(EXAMPLE.read_bytes())
    done = subprocess.run([sys.executable, "-c", code, str(plan)], capture_output=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "1,865" in done.stdout.decode("utf-8", "replace")


def test_bare_xltool_shows_its_help_and_a_missing_argument_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = xltool(capsys)
    assert code == 2 and out.startswith("用法：") and "template" in out and err == ""
    code, out, err = xltool(capsys, "check")
    assert code == 2 and "缺少參數 檔案或資料夾..." in err and out == ""


def test_a_bug_is_one_line_and_exit_3_and_xltool_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The one place a fault must be put in by hand: a bug that xltool does not have."""
    from xltool import pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "load_plan", broken)
    code, _, err = xltool(capsys, "read", EXAMPLE)
    assert code == 3 and "xltool 內部錯誤：RuntimeError: a bug" in err and "XLTOOL_DEBUG" in err
    assert len(err.strip().splitlines()) == 1
    monkeypatch.setenv("XLTOOL_DEBUG", "1")
    with pytest.raises(RuntimeError, match="a bug"):
        run(["read", str(EXAMPLE)])


def test_options_a_supervisor_uses_change_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = xltool(capsys, "check", EXAMPLE, "--budget-cap", "1,000")
    assert code == 1 and "預算合計 1865 千元超過上限 1000 千元" in out
    code, out, _ = xltool(capsys, "check", EXAMPLE, "--year", "109")
    assert code == 1 and "計畫年度 108 與指定的 109 年不同" in out
    code, out, _ = xltool(capsys, "check", EXAMPLE, "--info")
    assert code == 0 and "提示" in out and "另有" not in out
    code, _, err = xltool(capsys, "check", EXAMPLE, "--budget-cap", "很多")
    assert code == 2 and "--budget-cap 必須是數字" in err
