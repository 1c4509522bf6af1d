"""The library owns the run: what ``check``, ``render`` and ``merge`` do — the files written and the exit
status — is one call in ``xltool.runs`` that a script makes as the command does, and the commands only
parse options and print."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

import xltool as api  # the package's public API (the fixture named xltool runs the command)
from tests.conftest import EXAMPLE, Runner
from tests.test_merge import UNITS, unit_workbook
from xltool.errors import ErrorCode, ExitStatus, XltoolError
from xltool.pipeline import CheckOptions
from xltool.reader import read_plan
from xltool.roster import load_roster


@pytest.fixture
def season(tmp_path: Path) -> tuple[Path, Path]:
    """Two of a roster's three units have sent their plans; the roster gives each an e-mail."""
    folder = tmp_path / "各單位"
    folder.mkdir()
    for unit in UNITS[:2]:
        unit_workbook(folder, unit)
    roster = tmp_path / "名冊.csv"
    rows = "".join(f"{unit},{n}@example.gov.tw\n" for n, unit in enumerate(UNITS))
    roster.write_text("單位,電子郵件\n" + rows, encoding="utf-8-sig")
    return folder, roster


def test_a_check_run_is_what_the_command_does(season: tuple[Path, Path], tmp_path: Path, xltool: Runner) -> None:
    folder, roster_file = season
    roster = load_roster(roster_file)
    run = api.run_check([folder], roster=roster, require_all=True, chase=tmp_path / "待催.csv")
    # the example's plan has 20 warnings and no error; the third unit is still to come
    assert [r.errors for r in run.results] == [0, 0] and all(r.warnings for r in run.results)
    assert run.status == ExitStatus.FINDINGS
    assert [line.unit for line in run.receipts if line.status == "未收"] == [UNITS[2]]
    with (tmp_path / "待催.csv").open(encoding="utf-8-sig") as handle:
        assert [row["電子郵件"] for row in csv.DictReader(handle)] == ["2@example.gov.tw"]
    # the command, on the same inputs, exits with the same status
    done = xltool("check", folder, "--roster", roster_file, "--require-all")
    assert done.status == run.status
    # and the exit policy is the run's: strict counts warnings, a plain run passes
    assert api.run_check([EXAMPLE]).status == ExitStatus.OK
    assert api.run_check([EXAMPLE], strict=True).status == ExitStatus.FINDINGS


def test_a_run_refuses_what_the_command_refuses_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(XltoolError) as refused:
        api.run_check([EXAMPLE], require_all=True)
    assert refused.value.code == ErrorCode.USAGE
    with pytest.raises(XltoolError) as refused:
        api.run_check([EXAMPLE, EXAMPLE.parent / "kinmen_108.json"], annotate=tmp_path / "x.xlsx")
    assert refused.value.code == ErrorCode.USAGE and not (tmp_path / "x.xlsx").exists()
    with pytest.raises(XltoolError) as refused:  # an input is never an output, however asked
        api.run_check([EXAMPLE], annotate=EXAMPLE, force=True)
    assert refused.value.code == ErrorCode.OUTPUT_IS_INPUT


def test_a_check_run_writes_the_copies_and_returns(season: tuple[Path, Path], tmp_path: Path) -> None:
    folder, _ = season
    one = next(folder.iterdir())
    run = api.run_check([one], annotate=tmp_path / "標註.xlsx", fix=tmp_path / "修正.xlsx")
    assert run.annotated == tmp_path / "標註.xlsx" and run.fixed == tmp_path / "修正.xlsx"
    assert run.annotated.exists() and run.fixed.exists()
    # the fixes the run reports are the ones in the copy: checked again, no short category name is left
    assert {(f.before, f.after) for f in run.fixes} == {("綜合業務", "綜合規劃業務"), ("肅貪業務", "肅貪查處業務"),
                                                      ("維護業務", "綜合維護業務")}  # fmt: skip
    again = api.run_check([run.fixed], options=CheckOptions(year=108))
    assert not [f for f in again.results[0].findings if f.code == "CATEGORY_ALIAS"]
    back = api.run_check([folder], annotate_dir=tmp_path / "退回", options=CheckOptions(year=108))
    assert back.returned is not None and sorted(r.copy.name for r in back.returned if r.copy) == sorted(
        f"{unit}_檢查.xlsx" for unit in UNITS[:2]
    )
    assert back.status == ExitStatus.OK


def test_merge_and_render_runs(season: tuple[Path, Path], tmp_path: Path) -> None:
    folder, roster_file = season
    roster = load_roster(roster_file)
    run = api.run_merge([folder], tmp_path / "彙整.xlsx", roster=roster, require_all=True)
    assert run.status == ExitStatus.FINDINGS and run.merged.missing == [UNITS[2]]
    assert len(read_plan(tmp_path / "彙整.xlsx").items) == 2 * 33
    assert api.run_merge([folder], tmp_path / "又一次.xlsx", roster=roster).status == ExitStatus.OK
    printed = api.run_render([tmp_path / "彙整.xlsx"], output=tmp_path / "列印.xlsx", roster=roster)
    assert [plan.unit for plan in printed.plans] == UNITS[:2] and printed.workbook == tmp_path / "列印.xlsx"
    assert printed.status == ExitStatus.OK


def test_one_path_given_alone_is_one_input(
    season: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commonest call names one folder or file: a Path raised TypeError, and a str was taken for the
    inputs 收、件、匣 (「收：找不到檔案或資料夾」)."""
    folder, _ = season
    monkeypatch.chdir(folder.parent)
    name = folder.name
    one = sorted(folder.iterdir())[0]
    for given in (name, Path(name)):
        assert set(api.find_workbooks(given)) == set(Path(name).iterdir())
        assert len(api.run_check(given).results) == 2
        assert len(api.check_files(str(one))) == 1
        assert len(api.run_merge(given, tmp_path / f"{type(given).__name__}.xlsx").merged.merged) == 2
    printed = api.run_render(str(one), output=tmp_path / "列印.xlsx")
    assert [plan.unit for plan in printed.plans] == [read_plan(one).unit] and printed.workbook == tmp_path / "列印.xlsx"
    assert len(read_plan(api.merge_files(str(one), tmp_path / "一份.xlsx").path).items) == 33


COMMANDS = ("check", "render", "merge")
# What a thin command may call: parsing helpers and printing; the run itself comes from xltool.runs.
ORCHESTRATION = {
    "xltool.pipeline": {"check_file", "check_files", "find_workbooks", "annotate_each", "split_units"},
    "xltool.outputs": {"Outputs"},
    "xltool.merge": {"merge_files"},
    "xltool.render": {"render_plans", "pdf_of", "pdfs_of"},
    "xltool.annotate": {"copies", "annotate_workbook", "fix_workbook", "editable"},
    "xltool.export": {"exit_status"},
    "xltool.season": {"intake", "missing", "chase_csv"},
    "xltool.document": {"write_docx", "write_odt"},
}


def test_the_commands_only_parse_and_print() -> None:
    """No command module imports what a run does (reading, checking, writing, deciding the exit status):
    the command ends with the status its run decided."""
    root = Path(api.__file__).parent / "cli"
    for command in COMMANDS:
        tree = ast.parse((root / f"{command}.py").read_text(encoding="utf-8"))
        imported = {
            (node.module, alias.name)
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names
        }
        assert {(m, n) for m, n in imported if n in ORCHESTRATION.get(m, ())} == set(), command
        assert ("xltool.runs", f"run_{command}") in imported, command
        assert "run.status" in (root / f"{command}.py").read_text(encoding="utf-8"), command


def _stored_copy(target: Path, budget: str) -> Path:
    """The example zipped without compression, its D8 budget (300) set to ``budget`` of the same length: a
    file of the same size holding another plan."""
    import zipfile

    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<c r="D8" s="9"><v>300</v></c>' in data
                data = data.replace(
                    b'<c r="D8" s="9"><v>300</v></c>', b'<c r="D8" s="9"><v>%s</v></c>' % budget.encode()
                )
            out.writestr(zipfile.ZipInfo(info.filename, date_time=info.date_time), data)
    return target


def test_a_file_changed_between_two_runs_of_one_script_is_not_its_old_copy(tmp_path: Path) -> None:
    """A script merging an inbox twice: 乙 was a byte copy of 甲 (counted once), then 乙 became another plan of
    the same size. Its hash was remembered by name, 乙 was still the copy, and 甲 was left out of the total."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    _stored_copy(inbox / "甲.xlsx", "300")
    _stored_copy(inbox / "乙.xlsx", "300")
    first = api.run_merge([inbox], tmp_path / "彙整1.xlsx", allow_duplicate_units=True)
    assert first.merged.total == 1865 and any("內容完全相同" in note for note in first.merged.notes)
    _stored_copy(inbox / "乙.xlsx", "900")
    again = api.run_merge([inbox], tmp_path / "彙整2.xlsx", allow_duplicate_units=True)
    assert again.merged.total == 1865 + 2465 and not any("內容完全相同" in note for note in again.merged.notes)


def test_two_threads_reading_at_once_give_stderr_back(tmp_path: Path) -> None:
    """calamine's panics are kept off stderr by sending the process's stderr to the null device while it
    reads. Two threads of a script reading at once each saved and restored it, one the other's null device:
    stderr stayed there, and all the script wrote to it after was lost."""
    import os
    import threading

    def checks() -> None:
        for _ in range(30):
            api.run_check([EXAMPLE])

    before = os.fstat(2)
    threads = [threading.Thread(target=checks) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = os.fstat(2)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)


def test_a_catalog_edited_while_a_script_runs_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xltool: Runner
) -> None:
    """The office renames a category in its own year list while a script runs: the script went on with the
    list as it first read it."""
    monkeypatch.setenv("XLTOOL_CATALOGS", str(tmp_path))
    draft = tmp_path / "115.toml"
    assert xltool("catalog", "--new", "115", "-o", draft).status == 0
    assert "視察業務" in [c.name for c in api.load_catalog(115).categories]
    draft.write_text(
        draft.read_text(encoding="utf-8").replace('name = "視察業務"', 'name = "政風視察業務"'), encoding="utf-8"
    )
    assert "政風視察業務" in [c.name for c in api.load_catalog(115).categories]


def test_a_script_catches_each_kind_of_error_by_the_name_the_readme_gives() -> None:
    """README names the kinds of XltoolError; a script had to import them from xltool.errors to catch one."""
    for name in ("InputError", "OutputError", "CatalogError", "MergeError", "OfficeError"):
        kind = getattr(api, name)
        assert issubclass(kind, XltoolError) and name in api.__all__
    with pytest.raises(api.InputError):
        api.read_plan(Path(__file__))  # a Python file is no workbook


def test_check_files_answers_each_file_as_the_script_spelled_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script keys the results by its own paths: 「./計畫.xlsx」 came back 「計畫.xlsx」 (a KeyError)."""
    import shutil

    shutil.copy(EXAMPLE, tmp_path / "計畫.xlsx")
    monkeypatch.chdir(tmp_path)
    assert [result.file for result in api.check_files(["./計畫.xlsx"])] == ["./計畫.xlsx"]
    assert [result.file for result in api.check_files("./計畫.xlsx")] == ["./計畫.xlsx"]
