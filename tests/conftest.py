"""Shared fixtures: the bundled example, fresh templates, and filling a workbook the way a person types."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Callable, Iterator, Sequence
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


# --- LibreOffice itself, driven through its UNO bridge ---------------------------------------------------

SYSTEM_PYTHON = "/usr/bin/python3"  # LibreOffice's uno module is installed for the system Python
DRIVER = Path(__file__).with_name("uno_edit.py")
Edit = Callable[..., Path]  # edit(workbook, ops, target=None)


@pytest.fixture(scope="session")
def edit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edit]:
    """edit(workbook, ops[, target]) → the copy LibreOffice saved after doing ``ops`` (tests/uno_edit.py) to
    it, as an officer edits and saves in LibreOffice Calc. One office serves the whole run."""
    from xltool.office import find_soffice

    soffice = find_soffice()
    has_uno = Path(SYSTEM_PYTHON).exists() and subprocess.run([SYSTEM_PYTHON, "-c", "import uno"]).returncode == 0
    if soffice is None or not has_uno:
        if os.environ.get("CI"):
            pytest.fail("CI must install LibreOffice and python3-uno (.ci/run)")
        pytest.skip("LibreOffice or its Python bridge (python3-uno) is not installed")
    folder = tmp_path_factory.mktemp("uno")
    pipe = f"xltool_editing_{os.getpid()}"
    office = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         f"-env:UserInstallation={(folder / 'profile').as_uri()}",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    count = 0

    def drive(job: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([SYSTEM_PYTHON, str(DRIVER), pipe, str(job)], capture_output=True, text=True, timeout=180)

    def run(source: Path, ops: list[dict[str, object]], target: Path | None = None) -> Path:
        nonlocal count
        count += 1
        target = target or folder / f"{count:02d}_{source.stem}_saved.xlsx"
        job = folder / f"{count:02d}.json"
        job.write_text(json.dumps({"source": str(source), "target": str(target), "ops": ops}), encoding="utf-8")
        done = drive(job)
        assert done.returncode == 0, done.stderr
        return target

    # The bridge can fall over while the office is still starting: wait until a first job goes through.
    ready = folder / "ready.json"
    ready.write_text(json.dumps({"ping": True}), encoding="utf-8")
    for _ in range(20):
        if drive(ready).returncode == 0:
            break
    try:
        yield run
    finally:
        os.killpg(office.pid, signal.SIGTERM)  # the office and the soffice.bin it started: its own group
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(office.pid, signal.SIGKILL)
            office.wait(timeout=30)
