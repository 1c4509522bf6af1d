"""Catalogs by year: an office drafts next year's list, drops it in a folder, and every command finds it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Runner, fill
from xltool.catalog import parse_catalog
from xltool.template import write_template


@pytest.fixture
def drafted(tmp_path: Path, xltool: Runner) -> Path:
    folder = tmp_path / "共用清單"
    folder.mkdir()
    out = folder / "115.toml"
    done = xltool("catalog", "--new", "115", "-o", out)
    assert done.status == 0, done.err
    return out


def test_a_new_years_catalog_is_drafted_from_the_newest(drafted: Path) -> None:
    text = drafted.read_text(encoding="utf-8")
    assert text.startswith("# 115 年度分類清單（草稿，由 108 年度清單複製）")
    assert "核對" in text.splitlines()[0]
    catalog = parse_catalog(text, str(drafted))
    assert (catalog.year, catalog.id) == (115, "aac-115")
    assert catalog.category_names[0] == "綜合規劃業務"


def test_every_command_finds_a_years_catalog_in_the_offices_folder(
    drafted: Path, tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    drafted.write_text(drafted.read_text(encoding="utf-8").replace('"視察"', '"視察"]\nfree = ["新增的自創項目"', 1),
                       encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("XLTOOL_CATALOGS", str(drafted.parent))
    shown = xltool("catalog", "--year", "115")
    assert shown.status == 0 and str(drafted) in shown.out and "自主管理-新增的自創項目" in shown.out
    out = tmp_path / "範本.xlsx"
    made = xltool("template", "--year", "115", "-o", out)
    assert made.status == 0 and "沒有 115 年度" not in made.err
    monkeypatch.delenv("XLTOOL_CATALOGS")
    without = xltool("template", "--year", "115", "-o", tmp_path / "舊清單.xlsx")
    assert "沒有 115 年度的分類清單，改用 108 年度的清單" in without.err and "--new 115" in without.err


def test_the_users_own_folder_is_found_too(drafted: Path, tmp_path: Path, xltool: Runner) -> None:
    home = Path(os.environ["XDG_CONFIG_HOME"])
    folder = home / "xltool" / "catalogs"
    folder.mkdir(parents=True)
    (folder / "115.toml").write_bytes(drafted.read_bytes())
    shown = xltool("catalog", "--year", "115")
    assert shown.status == 0 and str(folder / "115.toml") in shown.out


def test_the_fallback_is_said_once_per_command(tmp_path: Path, xltool: Runner) -> None:
    folder = tmp_path / "各單位"
    folder.mkdir()
    for n in range(3):
        path = write_template(folder / f"第{n}組.xlsx", year=115, unit=f"第{n}組", rows=3)
        fill(path, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "115.01-12", "budget": 1,
                     "category": "防貪業務", "performance": "無"}])  # fmt: skip
    for args in (
        ["check", folder],
        ["merge", folder, "-o", tmp_path / "m.xlsx"],
        ["render", folder, "-o", tmp_path / "r.xlsx"],
    ):
        done = xltool(*args)
        assert done.err.count("沒有 115 年度的分類清單") == 1, (args, done.err)


def test_check_tells_an_officer_the_template_came_from_an_older_list(
    drafted: Path, tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = write_template(tmp_path / "舊範本.xlsx", year=115, unit="某處", rows=3)  # made while only 108 shipped
    fill(old, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "115.01-12", "budget": 1,
                "category": "防貪業務", "performance": "無"}])  # fmt: skip
    monkeypatch.setenv("XLTOOL_CATALOGS", str(drafted.parent))
    done = xltool("check", old)
    assert "TEMPLATE_OUTDATED" not in done.out  # codes are not shown in text
    assert "108 年度的清單" in done.out and "115 年度" in done.out


def test_a_plan_without_a_year_carries_the_same_catalog_from_worker_processes(
    drafted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked for 109 with the lists of 108 and 115 at hand, a plan that names no year is read with 108's
    (the newest up to 109), whether one file is checked or enough for worker processes."""
    from openpyxl import load_workbook

    from xltool.pipeline import PARALLEL_FROM, CheckOptions, check_file, check_files

    monkeypatch.setenv("XLTOOL_CATALOGS", str(drafted.parent))
    plan = fill(write_template(tmp_path / "範本.xlsx", year=108, rows=5), [{"practice": "一、作法 1 場"}], unit="某處")
    book = load_workbook(plan)
    book["計畫表"]["E2"] = None
    book.save(plan)
    options = CheckOptions(year=109)
    one = check_file(plan, options).plan
    many = check_files([plan] * PARALLEL_FROM, options)
    assert one is not None and one.year is None and one.catalog is not None and one.catalog.year == 108
    assert {r.plan.catalog.year for r in many if r.plan and r.plan.catalog} == {108} and len(many) == PARALLEL_FROM
