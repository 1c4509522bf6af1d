"""The package keeps its shape: the form is described once, the layers of docs/ARCHITECTURE.md hold, every
error code is documented, and the built wheel carries everything the command needs."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, run_process
from xltool import form
from xltool.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "xltool"


def modules() -> dict[str, Path]:
    """Every module of the package, by its dotted name without the ``xltool.`` prefix."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path) -> set[str]:
    """The xltool modules a file imports, without the prefix (``from xltool.cli import app`` → cli)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("xltool"):
            found.add(node.module.removeprefix("xltool").removeprefix("."))
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("xltool").removeprefix(".") for a in node.names if a.name.startswith("xltool")
            }
    return found


def form_words() -> set[str]:
    """What only form.py may spell: every sheet name, and every column header and name long enough not
    to be an everyday word (年度, 單位, 合計 appear in messages and labels in their own right)."""
    words = {value for key, value in vars(form).items() if key.endswith("_SHEET")} - {form.MARKER_SHEET}
    for value in vars(form).values():
        if isinstance(value, form.Field):
            words |= {text for text in (value.header, value.printed, value.name) if len(text) > 2}
    return words


def test_no_module_but_the_form_spells_a_column_header_or_a_sheet_name() -> None:
    words = form_words()
    spelled = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
        for name, path in modules().items()
        if name != "form"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in words
    ]
    assert spelled == [], "take these from xltool/form.py"


def layers() -> dict[int, tuple[set[str], set[int]]]:
    """The layer table of docs/ARCHITECTURE.md: layer → (its modules, the layers it may import)."""
    page = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table: dict[int, tuple[set[str], set[int]]] = {}
    for number, _, names, allowed in re.findall(r"^\| (\d) \| ([^|]+) \| ([^|]+) \| ([\d ]+) \|$", page, re.M):
        table[int(number)] = (set(names.split()), {int(n) for n in allowed.split()})
    assert len(table) >= 8, "the layer table of docs/ARCHITECTURE.md"
    return table


def layer_of(module: str, table: dict[int, tuple[set[str], set[int]]]) -> int | None:
    head = module.split(".")[0]
    return next((number for number, (names, _) in table.items() if head in names), None)


def test_every_module_has_a_layer() -> None:
    table = layers()
    unplaced = [name for name in modules() if name not in ("", "__main__") and layer_of(name, table) is None]
    assert unplaced == [], "add them to the layer table of docs/ARCHITECTURE.md"


def test_imports_follow_the_layers() -> None:
    table = layers()
    wrong = []
    for name, path in modules().items():
        own = layer_of(name, table)
        if own is None:  # the package's lazy API and __main__ reach every layer by design
            continue
        for target in imports(path):
            other = layer_of(target, table)
            head, target_head = name.split(".")[0], target.split(".")[0]
            if other is None or head == target_head:
                continue
            if other not in table[own][1]:
                wrong.append(f"{name} (layer {own}) → {target} (layer {other})")
    assert wrong == [], "arrows docs/ARCHITECTURE.md does not allow"


def test_the_seams_of_xlsxedit_import_only_those_before_them() -> None:
    """docs/ARCHITECTURE.md orders xlsxedit's modules (`xmltext` → `package` → …); each imports only earlier ones."""
    page = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    listed = re.search(r"`xmltext`(?: → `\w+`)+", page)
    assert listed is not None, "the order of xlsxedit's modules in docs/ARCHITECTURE.md"
    order = [f"xlsxedit.{name}" for name in re.findall(r"`(\w+)`", listed.group(0))]
    found = {name for name in modules() if name.startswith("xlsxedit.")}
    assert set(order) == found, "every module of xltool/xlsxedit/ in the order, and only those"
    wrong = [
        f"{name} → {target}"
        for index, name in enumerate(order)
        for target in imports(modules()[name])
        if target.startswith("xlsxedit") and target not in order[:index]
    ]
    assert wrong == []


def test_docs_list_exactly_the_error_codes() -> None:
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([A-Z_]+)` \|", page, re.M)
    assert sorted(documented) == sorted(code.value for code in ErrorCode)


@pytest.mark.packaging
def test_the_built_wheel_installs_and_checks_the_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Built and installed as a user would (no source tree on the path): a file missing from the package
    (a catalog, a module) fails here."""
    wheels = tmp_path / "wheels"
    monkeypatch.delenv("PYTHONPATH", raising=False)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if built.returncode != 0 and "No matching distribution" in built.stderr:
        pytest.skip("no package registry to build with")
    assert built.returncode == 0, built.stderr
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    wheel = next(wheels.glob("xltool-*.whl"))
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True, timeout=900
    )
    assert installed.returncode == 0, installed.stderr
    installed_xltool = [str(venv / ("Scripts/xltool.exe" if os.name == "nt" else "bin/xltool"))]
    done = run_process("check", EXAMPLE, command=installed_xltool, cwd=tmp_path)
    assert done.status == 0, done.err
    assert "金門縣政府政風處" in done.out and "0 個錯誤、20 個警告" in done.out
    with_year = run_process("catalog", "--year", "108", "-f", "json", command=installed_xltool, cwd=tmp_path)
    assert with_year.status == 0 and '"year":108' in with_year.out.replace(" ", "")
