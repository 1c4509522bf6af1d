"""Heavy libraries load only where they are used: officers run check many times while fixing a plan."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLE

PROBE = (
    "import sys, json; from xltool.cli import run; code = run(sys.argv[1:]); "
    "print(json.dumps({'code': code, 'loaded': sorted(m for m in ('pandas', 'openpyxl', 'xlsxwriter', 'rich') if m in sys.modules)}), file=sys.stderr)"
)


def loaded_by(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, encoding="utf-8", timeout=60
    )
    result = json.loads(done.stderr.strip().splitlines()[-1])
    assert result["code"] in (0, 1)
    return list(result["loaded"])


def test_check_does_not_load_pandas_openpyxl_or_xlsxwriter() -> None:
    assert not {"pandas", "openpyxl", "xlsxwriter"} & set(loaded_by("check", str(EXAMPLE)))


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["merge", "--help"]])
def test_help_loads_neither_pandas_nor_openpyxl_nor_rich(args: list[str]) -> None:
    assert loaded_by(*args) == []


def test_read_json_loads_no_writer_and_no_rich() -> None:
    assert loaded_by("read", str(EXAMPLE), "-f", "json") == []
