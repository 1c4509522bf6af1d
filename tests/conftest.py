"""Shared fixtures: the bundled example, fresh templates, filling a workbook the way a person types, running
the command (in this process, or as a real process where the process is the point), and the markers that let
a developer run the fast part of the suite: ``pytest -n auto -m "not office and not packaging and not slow"``."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from xltool.form import COLUMNS, column_letter
from xltool.pipeline import write_template

# A CI machine converting with LibreOffice beside the tests is slow at times: no per-example deadline.
settings.register_profile("xltool", deadline=None)
settings.load_profile("xltool")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kinmen_108.xlsx"
TEMPLATE = ROOT / "templates" / "plan_template.xlsx"
FIRST_INPUT_ROW = 4  # 1-based: title, unit/year, header, then input rows
COLUMN_LETTERS = {c.key: column_letter(i) for i, c in enumerate(COLUMNS)}  # goal A, practice B … performance F


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


# --- running the command ------------------------------------------------------------------------------


def hand_made_plan(path: Path, rows: list[list[object]], merged: list[str]) -> Any:
    """A plan made by hand, without the template, as offices had them: a title, the form's header, ``rows``
    from row 3, and the ``merged`` ranges; saved to ``path``. Returns the openpyxl workbook."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "計畫表"
    sheet.append(["某處108年度廉政工作計畫"])
    sheet.append(["計畫目標", "具體作法", "預定進度", "備考(預算金額 單位：千元)", "業務類別", "提列績效對應項目"])
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    book.save(path)
    return book


@dataclass
class Ran:
    """What one run of xltool left: its exit status, standard output and standard error (unpacks as
    ``status, out, err``), and the stable code of the error that ended it (in-process runs only)."""

    status: int
    out: str
    err: str
    code: str | None = None

    def __iter__(self) -> Iterator[object]:
        return iter((self.status, self.out, self.err))

    def error_line(self) -> str:
        """The one zh-TW line on standard error, and no traceback: how every refusal must look."""
        lines = self.err.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in self.err, self.err
        return lines[0]


class _Captured(io.TextIOWrapper):
    """A standard stream as the console script sets it up when piped (UTF-8, unshowable text replaced), with
    the bytes underneath that JSON and CSV are written to; ``tty`` makes it claim to be a terminal."""

    def __init__(self, tty: bool = False) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors="replace", newline="", write_through=True)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty

    def text(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


def run_in_process(*args: object, tty: bool = False, terminal: bool = False, stdout: bool = True) -> Ran:
    """``xltool ARGS`` run by ``xltool.cli.run`` in this process: what the command prints and its exit status,
    without the second it takes to start Python and import the libraries. The run leaves nothing behind for the
    next one: the output's closed-pipe flag is reset, and the current folder and environment are restored.
    Environment variables a test sets (``monkeypatch.setenv``) are seen, as a process would see them.
    ``stdout=False`` runs it with no standard output at all, as Python starts when that descriptor is closed;
    ``tty`` makes standard output a terminal, ``terminal`` standard error (where progress is shown)."""
    from xltool.cli import run, show
    from xltool.errors import XltoolError

    out, err = _Captured(tty), _Captured(terminal)
    codes: list[str] = []
    report = show.error

    def error(line: str) -> None:  # the run's one-line report of an XltoolError: keep its code for the test
        failure = sys.exc_info()[1]
        if isinstance(failure, XltoolError):
            codes.append(str(failure.code))
        report(line)

    folder, environment = Path.cwd(), dict(os.environ)
    show._closed = False
    show.error = error  # type: ignore[assignment]
    try:
        with contextlib.redirect_stdout(out if stdout else None), contextlib.redirect_stderr(err):  # type: ignore[arg-type]
            status = run([str(a) for a in args])
    finally:
        show.error = report  # type: ignore[assignment]
        show._closed = False
        os.chdir(folder)
        if os.environ != environment:
            os.environ.clear()
            os.environ.update(environment)
    return Ran(status, out.text(), err.text(), codes[-1] if codes else None)


# The installed console script (``xltool = "xltool.cli:main"``) beside this Python, and ``python -m xltool``.
CONSOLE_SCRIPT = str(Path(sysconfig.get_path("scripts")) / "xltool")
MODULE = (sys.executable, "-m", "xltool")


def run_process(
    *args: object,
    command: Sequence[str] = MODULE,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
    memory: int | None = None,
) -> Ran:
    """``xltool ARGS`` as a real process, for what only a process has: its start-up (imports, environment
    variables read before the command runs), the console script, signals, encodings of a console, a cap on
    its address space (``memory`` bytes: a hostile file that made a reader allocate the sheet's whole grid
    ends that process, not the test run). ``env`` is added to this process's environment."""

    def capped() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    done = subprocess.run(
        [*command, *map(str, args)], capture_output=True, cwd=cwd, timeout=timeout,
        env={**os.environ, **env} if env is not None else None, preexec_fn=capped if memory else None,
    )  # fmt: skip
    return Ran(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))


Runner = Callable[..., Ran]


@pytest.fixture
def xltool() -> Runner:
    """``xltool(*args)`` → :class:`Ran`, in this process (see :func:`run_in_process`)."""
    return run_in_process


@pytest.fixture
def xltool_process() -> Runner:
    """``xltool_process(*args, env=…)`` → :class:`Ran`, as a real process (see :func:`run_process`)."""
    return run_process


# --- markers ---------------------------------------------------------------------------------------------

OFFICE_FIXTURES = {"office", "edit"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses LibreOffice (the office or edit fixture, or a fixture that needs one) is marked office."""
    for item in items:
        if OFFICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.office)


@pytest.fixture(autouse=True)
def libreoffice_only_where_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test not marked office cannot start LibreOffice (xltool finds none), so the fast suite, which
    leaves those tests out, never pays for one and never misses one."""
    if request.node.get_closest_marker("office") is None:
        monkeypatch.setenv("XLTOOL_SOFFICE", str(Path(os.devnull) / "soffice-needs-the-office-marker"))


@pytest.fixture(scope="session")
def office() -> None:
    """LibreOffice must be there: CI installs it; a developer machine without it skips these tests."""
    from xltool.office import find_soffice

    if find_soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install LibreOffice (.ci/run): soffice not found")
        pytest.skip("LibreOffice (soffice) is not installed")


# --- LibreOffice itself, driven through its UNO bridge ---------------------------------------------------


def _ended(office: subprocess.Popen[bytes]) -> bool:
    """Whether the office has died (given a few seconds: it may be going as the job reports)."""
    try:
        office.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return False
    return True


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
    count = 0

    def drive(job: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([SYSTEM_PYTHON, str(DRIVER), pipe, str(job)], capture_output=True, text=True, timeout=180)

    def start() -> subprocess.Popen[bytes]:
        office = subprocess.Popen(
            [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             f"-env:UserInstallation={(folder / 'profile').as_uri()}",
             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        # The bridge can fall over while the office is still starting: wait until a first job goes through.
        ready = folder / "ready.json"
        ready.write_text(json.dumps({"ping": True}), encoding="utf-8")
        for _ in range(20):
            if drive(ready).returncode == 0:
                break
        return office

    def stop(office: subprocess.Popen[bytes]) -> None:
        try:
            os.killpg(office.pid, signal.SIGTERM)  # the office and the soffice.bin it started: its own group
            office.wait(timeout=30)
        except ProcessLookupError:  # it died, and all it started with it
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(office.pid, signal.SIGKILL)
            office.wait(timeout=30)

    office = start()

    def run(source: Path, ops: list[dict[str, object]], target: Path | None = None) -> Path:
        nonlocal count, office
        count += 1
        target = target or folder / f"{count:02d}_{source.stem}_saved.xlsx"
        job = folder / f"{count:02d}.json"
        job.write_text(json.dumps({"source": str(source), "target": str(target), "ops": ops}), encoding="utf-8")
        done = drive(job)
        if done.returncode != 0 and _ended(office):
            # Headless LibreOffice 7.4 now and then dies of its own clipboard (copy and paste on a loaded
            # machine: 「Binary URP bridge disposed」) and every job after it failed: a new office does the job
            # again, once. A job that fails with the office alive fails the test.
            stop(office)
            office = start()
            done = drive(job)
        assert done.returncode == 0, done.stderr
        return target

    try:
        yield run
    finally:
        stop(office)
