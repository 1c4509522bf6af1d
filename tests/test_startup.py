"""Heavy libraries load only where they are used: officers run check many times while fixing a plan."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, run_process

HEAVY = ("pandas", "openpyxl", "xlsxwriter", "rich", "xltool.annotate", "xltool.cli.merge", "xltool.cli.render")


def loaded_by(*args: str, of: tuple[str, ...] = HEAVY) -> list[str]:
    """The heavy modules (those of ``of``) a run of xltool imported: a process of its own, started afresh."""
    probe = (
        "import sys, json; from xltool.cli import run; code = run(sys.argv[1:]); "
        f"print(json.dumps({{'code': code, 'loaded': sorted(m for m in {of!r} if m in sys.modules)}}), file=sys.stderr)"
    )
    done = run_process(*args, command=[sys.executable, "-c", probe], timeout=60)
    result = json.loads(done.err.strip().splitlines()[-1])
    assert result["code"] in (0, 1)
    return list(result["loaded"])


# What a check of one workbook, with no roster, does not need: the roster and the season's intake (--roster,
# --annotate-dir, render and merge) and the .ods reader. Imported, each cost every check its start-up time.
NOT_FOR_ONE_XLSX = ("xltool.roster", "xltool.season", "xltool.odf")


@pytest.mark.parametrize("output", [[], ["-f", "json"]])
def test_check_of_an_xlsx_loads_no_roster_nor_ods_reader(output: list[str]) -> None:
    assert loaded_by("check", str(EXAMPLE), *output, of=NOT_FOR_ONE_XLSX) == []


def test_check_does_not_load_pandas_openpyxl_or_xlsxwriter() -> None:
    assert not {"pandas", "openpyxl", "xlsxwriter"} & set(loaded_by("check", str(EXAMPLE)))


def test_check_json_loads_only_the_check() -> None:
    """No other command, no annotating, no table printing: each would cost start-up time."""
    assert loaded_by("check", str(EXAMPLE), "-f", "json") == []


@pytest.mark.parametrize("args", [["check", "--help"], ["read", "--help"]])
def test_command_help_loads_nothing_heavy(args: list[str]) -> None:
    assert loaded_by(*args) == []


def test_xltool_help_lists_every_command_and_loads_no_library() -> None:
    assert set(loaded_by("--help")) == {"xltool.cli.merge", "xltool.cli.render"}


def test_read_json_loads_no_writer_and_no_rich() -> None:
    assert loaded_by("read", str(EXAMPLE), "-f", "json") == []


def test_merge_does_not_load_pandas(tmp_path: Path) -> None:
    """The 統計 sheet's sums are plain Python: importing pandas alone took longer than a merge's arithmetic."""
    loaded = loaded_by("merge", str(EXAMPLE), "-o", str(tmp_path / "彙整.xlsx"))
    assert "xlsxwriter" in loaded and "pandas" not in loaded
