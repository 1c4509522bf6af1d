"""Shared fixtures: the bundled example, fresh templates, and filling a workbook the way a person types."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import settings

from xltool.pipeline import write_template

# A CI machine converting with LibreOffice beside the tests is slow at times: no per-example deadline.
settings.register_profile("xltool", deadline=None)
settings.load_profile("xltool")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kinmen_108.xlsx"
TEMPLATE = ROOT / "templates" / "plan_template.xlsx"
FIRST_INPUT_ROW = 4  # 1-based: title, unit/year, header, then input rows
COLUMN_LETTERS = {"goal": "A", "practice": "B", "schedule": "C", "budget": "D", "category": "E", "performance": "F"}


@pytest.fixture(autouse=True)
def no_catalogs_of_this_machine(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Catalog files the person running the tests keeps in their own folders must not change a result."""
    home = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.setenv("APPDATA", str(home))
    monkeypatch.delenv("XLTOOL_CATALOGS", raising=False)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return write_template(tmp_path / "空白範本.xlsx", year=108, rows=20)


def fill(path: Path, rows: Sequence[dict[str, object]], *, unit: str = "", year: object = None) -> Path:
    """Type into a template with openpyxl: text where a person types text, numbers where Excel makes them."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook["計畫表"]
    if unit:
        sheet["B2"] = unit
    if year is not None:
        sheet["E2"] = year
    for offset, row in enumerate(rows):
        for key, value in row.items():
            cell = sheet[f"{COLUMN_LETTERS[key]}{FIRST_INPUT_ROW + offset}"]
            cell.value = value
            if isinstance(value, str) and value.startswith("=") and cell.number_format == "@":
                cell.data_type = "s"  # typed into a text cell, Excel keeps "=…" as text, not a formula
    workbook.save(path)
    return path


@pytest.fixture
def office() -> None:
    """LibreOffice must be there: CI installs it; a developer machine without it skips these tests."""
    from xltool.office import find_soffice

    if find_soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install LibreOffice (.ci/run): soffice not found")
        pytest.skip("LibreOffice (soffice) is not installed")
