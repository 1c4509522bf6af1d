"""Speed of xltool against the usual alternatives, measured in one run on this machine.

Every case runs as a whole process (start-up included, as an officer experiences it), once to warm
the disk cache and then --runs times, in turn with its baseline; the table gives the median, the spread
(min–max), the peak memory the OS reports for the process, and CPU time over wall time (above 1.0
means more than one core worked). Targets are ratios to a baseline measured in the same run (the
median of each round's ratio), never absolute seconds.

    python benchmarks/run.py              # full run, writes benchmarks/RESULTS.md (about 10 minutes)
    python benchmarks/run.py --quick      # fewer files and runs, for a smoke test
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from xltool.model import PlanItem

PY = sys.executable
EXAMPLE = ROOT / "examples" / "kinmen_108.xlsx"
# Python's default, as on an officer's machine: compiled bytecode is kept, so the warm-up run writes
# xltool's. A sandbox that sets PYTHONDONTWRITEBYTECODE would otherwise make every run compile xltool's
# source again, while pandas and typer, installed by pip, run from bytecode.
CHILD_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Measure:
    name: str
    command: list[str]
    times: list[float]
    peak_mb: float
    cpu_ratio: float

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def run_once(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS in MB and CPU seconds of one child process (from wait4's rusage)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=CHILD_ENV)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # check exits 1 when it finds errors; anything else is a broken benchmark
        raise SystemExit(
            f"failed ({code}): {' '.join(command)}\n{child.stderr.read().decode() if child.stderr else ''}"
        )
    # ru_maxrss counts the largest process of the tree that was waited for; children of children
    # (merge's workers) report through RUSAGE_CHILDREN, read below.
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


QUICK_ROUND = 5.0


def measure_together(group: list[tuple[str, list[str]]], runs: int) -> dict[str, Measure]:
    """A baseline and the cases compared with it: each once to warm up, then ``runs`` rounds of all of
    them in turn, so that a slow spell of a shared machine falls on the baseline and the cases alike.
    A group whose round takes under QUICK_ROUND seconds gets 2 × runs + 1 rounds: a short spell of a
    shared machine moves a sub-second median, and more rounds cost little."""
    import resource

    start = time.perf_counter()
    for _, command in group:
        run_once(command)  # warm-up: disk cache, and the bytecode of the first run
    if time.perf_counter() - start < QUICK_ROUND:
        runs = 2 * runs + 1
    times: dict[str, list[float]] = {name: [] for name, _ in group}
    peaks: dict[str, list[float]] = {name: [] for name, _ in group}
    cpu: dict[str, list[float]] = {name: [] for name, _ in group}
    for _ in range(runs):
        for name, command in group:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall, peak, own_cpu = run_once(command)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[name].append(wall)
            peaks[name].append(max(peak, after.ru_maxrss / 1024 if after.ru_maxrss > before.ru_maxrss else 0))
            cpu[name].append((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) or own_cpu)
    results = {}
    for name, command in group:
        median = statistics.median(times[name])
        print(f"  {name}: median {median:.3f} s", flush=True)
        results[name] = Measure(name, command, times[name], max(peaks[name]), statistics.median(cpu[name]) / median)
    return results


def paired_ratio(case: Measure, baseline: Measure) -> float:
    """The median over rounds of case time / baseline time in the same round: a slow spell then moves
    both sides of each ratio instead of one side of a ratio of medians."""
    return statistics.median(c / b for c, b in zip(case.times, baseline.times, strict=True))


def unit_items(n: int, count: int) -> list[PlanItem]:
    """``count`` practices for unit n, cycled from the Kinmen plan, renumbered as the form numbers them: eight
    to a goal, under one goal text (each practice's own goal, cut to 12 characters, gave a goal of eight
    practices two or three texts: the large plan had 3,714 numbering findings more than its goals past 99)."""
    from dataclasses import replace

    from examples.make_example import example_items
    from xltool.form import GOAL_NUMERALS, ITEM_NUMERALS, chinese_number

    base = example_items(json.loads((ROOT / "examples" / "kinmen_108.json").read_text(encoding="utf-8")))
    items = []
    for i in range(count):
        goal, item = divmod(i, 8)
        source = base[(i + n) % len(base)]
        items.append(
            replace(
                source,
                goal_no=chinese_number(goal + 1, GOAL_NUMERALS) if goal < 99 else "",
                goal=f"第{goal + 1}項目標：{base[(goal * 8 + n) % len(base)].goal[:12]}",
                item_no=chinese_number(item + 1, ITEM_NUMERALS),
                practice=f"{source.practice}（第{i + 1}項）",
            )
        )
    return items


SHAPES = ("returned", "plain")  # the template with its 檢查 column, and a plan of the form's columns alone
SHAPE_WORDS = {"returned": "範本填寫後經 LibreOffice 存檔", "plain": "只有表單欄位，經 LibreOffice 存檔"}
# Issue 23.6's targets, on files as they come back today. The plain shape is reported beside them: there
# pandas reads little too, and a whole xltool process (start-up, every rule) is most of the time.
TARGETS = {"returned": {"merge": 0.15, "check": 0.2}, "plain": {"merge": None, "check": None}}
BASES = 8  # distinct plans LibreOffice saves; the other units are these with their unit's name changed


PYDANTIC_CASE = "python -c 'import typer._adapters'"
FLOOR_CASE = "下限：typer 與 pydantic 載入、解壓縮工作表、calamine 只讀表單欄位（最大的計畫）"
TYPER_CASE = "typer 解析最大計畫的 check 指令列，不做任何事"
PYTHON_CASE = "python -c pass"


def _without_pydantic(results: dict[str, Measure], case: str, baseline: str) -> list[str]:
    """The large check with typer's parse-time pydantic counted apart: typer ≥ 0.29 (the CLI library the
    project is fixed to, used through its public API) builds a pydantic validator for every parameter it
    parses, so every command but ``--help`` pays pydantic's import; no parameter declaration avoids it."""
    cost = results[PYDANTIC_CASE].median - results["python -c 'import typer'"].median
    ratio = paired_ratio(results[case], results[baseline])
    apart = (results[case].median - cost) / results[baseline].median
    return [
        f"- typer's pydantic: {cost:.3f} s a command in this run ({PYDANTIC_CASE} − python -c 'import typer'); "
        f"the {case} is {ratio:.2f} × {baseline}, {apart:.2f} × with that counted apart (medians)"
    ]


def _without_typer(results: dict[str, Measure], case: str, baseline: str, target: float | None) -> list[str]:
    """The large check with all typer takes counted apart (typer_check.py: Python, typer, its pydantic and the
    check command's parameters parsed from the same command line, less Python starting): what xltool's own
    work costs against pandas, the part of the target this repository can meet."""
    typer = results[TYPER_CASE].median - results[PYTHON_CASE].median
    check, base = results[case].median, results[baseline].median
    apart = (check - typer) / base
    line = (
        f"- typer's whole part of the large check: {typer:.3f} s, {typer / base:.3f} × {baseline} ({TYPER_CASE} − "
        f"{PYTHON_CASE}); the check with it counted apart: {apart:.2f} ×"
    )
    if target is not None:
        line += f" (target {target} ×: {'met' if apart <= target else 'NOT met'} by xltool's own work)"
    return [line]


def _floor(results: dict[str, Measure], case: str, baseline: str, target: float | None) -> list[str]:
    """The large check against its floor (floor_check.py): what the target leaves for xltool's own work
    (reading into the model, the size checks, every rule, the JSON) once the libraries have taken theirs,
    and what that work takes now."""
    floor, check, base = (results[name].median for name in (FLOOR_CASE, case, baseline))
    left, own = (target or 0) * base - floor, check - floor
    head = f"- the floor of the large check: {floor:.3f} s, {floor / base:.2f} × {baseline} ({FLOOR_CASE}); "
    if left <= 0:
        return [head + f"the floor alone is over the target {target} ×; xltool's own work takes {own:.3f} s"]
    return [head + f"the target {target} × leaves {left:.3f} s for xltool's own work, which takes {own:.3f} s "
            f"({own / left:.1f} × that)"]  # fmt: skip


def _row_and_start(results: dict[str, Measure], sizes: list[int], words: str) -> list[str]:
    """The 10,000-row check split into what each row costs and what a process costs before its first
    row (the straight line through the smallest and the largest size), for xltool check and for pandas:
    the whole-process ratio mixes the two, and start-up is mostly the libraries each side loads."""
    small, large = sizes[0], sizes[-1]
    lines = ["- the large check, per row and at start-up (a line through the smallest and the largest size):"]
    slopes = {}
    for name in ("xltool check", "pandas.read_excel"):
        low, high = results[f"{name} {small} 列（{words}）"].median, results[f"{name} {large} 列（{words}）"].median
        slopes[name] = (high - low) / (large - small)
        start = low - small * slopes[name]
        lines.append(f"  - {name}: {slopes[name] * 1000:.4f} ms a row, {start:.3f} s before the first row")
    lines.append(
        f"  - each added row: xltool check {slopes['xltool check'] / slopes['pandas.read_excel']:.2f} × pandas"
    )
    return lines


def make_inputs(work: Path, units: int, big_rows: int) -> dict[str, Path]:
    """Unit workbooks and a large plan the way they come back from the officers: filled, then saved by
    LibreOffice, which writes every formula out in full (~15 KB a row with the 檢查 column; the shared
    formulas xltool writes do not survive). Two shapes: the template as it is today ("returned") and a
    plan of the form's columns alone ("plain", the floor any slimmer template can reach)."""
    from xltool.office import convert_many
    from xltool.pipeline import write_template
    from xltool.template import write_template as write_without_column

    written = work / "written"
    written.mkdir()
    made = []
    for shape, write in zip(SHAPES, (write_template, write_without_column), strict=True):
        for n in range(BASES):
            made.append(write(written / f"{shape}_{n}.xlsx", year=108, unit=_unit(n), items=unit_items(n, 40)))
        for rows in _big_sizes(shape, big_rows):
            made.append(write(written / f"{shape}_big_{rows}.xlsx", year=108, unit="大型單位", rows=rows,
                              items=unit_items(0, rows)))  # fmt: skip
    saved = work / "saved"
    saved.mkdir()
    convert_many(made, "xlsx", saved, timeout=1800)
    paths: dict[str, Path] = {}
    for shape in SHAPES:
        folders = {size: work / f"{shape}_units_{size}" for size in _unit_sizes(shape, units)}
        for folder in folders.values():
            folder.mkdir()
        for n in range(units):
            path = folders[units] / f"unit_{n:04d}.xlsx"
            _renamed_unit(saved / f"{shape}_{n % BASES}.xlsx", path, _unit(n % BASES), _unit(n))
            for size, folder in folders.items():
                if n < size and folder != folders[units]:
                    shutil.copyfile(path, folder / path.name)
        paths |= {f"{shape}_units_{size}": folder for size, folder in folders.items()}
        paths |= {f"{shape}_big_{rows}": saved / f"{shape}_big_{rows}.xlsx" for rows in _big_sizes(shape, big_rows)}
    return paths


def _unit(n: int) -> str:
    return f"測試單位{n:04d}"


def _unit_sizes(shape: str, units: int) -> list[int]:
    """The returned shape at three sizes (growth), the plain one at the full size."""
    return sorted({units // 4, units // 2, units}) if shape == "returned" else [units]


def _big_sizes(shape: str, rows: int) -> list[int]:
    return [rows // 4, rows // 2, rows] if shape == "returned" else [rows]


def _renamed_unit(source: Path, target: Path, old: str, new: str) -> None:
    """A copy of a saved unit workbook with its unit's name changed (the name is a shared string)."""
    import zipfile

    with zipfile.ZipFile(source) as saved, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in saved.infolist():
            data = saved.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                data = data.replace(old.encode(), new.encode())
            out.writestr(item, data)


TEMPLATE_ROWS = 5000


def make_templates(work: Path, rows: int) -> dict[str, Path]:
    """Templates of ``rows`` rows with and without the 檢查 column, empty and filled (the Kinmen plan cycled)."""
    from xltool.pipeline import write_template
    from xltool.template import write_template as write_without_column

    items = unit_items(0, rows)
    made = {}
    for filled in (False, True):
        for column, write in (("with", write_template), ("without", write_without_column)):
            name = f"template_{'filled' if filled else 'empty'}_{column}"
            made[name] = write(work / f"{name}.xlsx", year=108, rows=rows, items=items if filled else ())
    return made


SAVED_ROWS = 60
SAVED_TARGET = 3000  # bytes of sheet XML a row, once LibreOffice has saved the plan


def saved_template_sizes(work: Path) -> dict[str, float]:
    """Bytes of sheet XML a row of a 60-row template once LibreOffice has saved it (as every returned plan
    is): empty, and filled with the Kinmen plan; LibreOffice writes every formula out in full."""
    import zipfile

    from xltool.office import convert
    from xltool.pipeline import write_template

    made = {
        "empty": write_template(work / "saved_empty.xlsx", year=108, rows=SAVED_ROWS),
        "filled": write_template(
            work / "saved_filled.xlsx", year=108, unit="大型單位", rows=SAVED_ROWS, items=unit_items(0, SAVED_ROWS)
        ),
    }
    sizes = {}
    for name, path in made.items():
        saved = convert(path, "xlsx", work / f"saved_{name}")
        sizes[name] = len(zipfile.ZipFile(saved).read("xl/worksheets/sheet1.xml")) / SAVED_ROWS
    return sizes


def long_cells(path: Path, phrase: str = "辦理廉政宣導、") -> Path:
    """The example with its first goal and a practice each 32,000 characters long (Excel's limit is 32,767):
    a pasted report, which the printout's line breaking, and diff's likeness of two, once took minutes over."""
    import re
    import zipfile

    text = (phrase * (32000 // len(phrase) + 1))[:32000].encode()
    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for ref in (b"A4", b"B5"):
                    cell = rb'<c r="' + ref + rb'"([^>]*?) t="s"><v>\d+</v></c>'
                    filled = rb'<c r="' + ref + rb'"\1 t="inlineStr"><is><t>' + text + rb"</t></is></c>"
                    data = re.sub(cell, filled, data, count=1)
            out.writestr(item, data)
    return path


def office_open(path: Path, outdir: Path) -> list[str]:
    """A headless LibreOffice that opens a workbook, calculates it and writes its first sheet's values
    (CSV: the least it can write, so the time is opening and calculating)."""
    return [PY, "-c", f"from xltool.office import convert; convert({str(path)!r}, 'csv', {str(outdir)!r})"]


def main() -> None:
    if sys.argv[1:2] == ["--make-inputs"]:
        work, units, big_rows = Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        paths = {**make_inputs(work, units, big_rows), **make_templates(work, TEMPLATE_ROWS)}
        print(json.dumps({name: str(path) for name, path in paths.items()}))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 files, 2,000 rows, 3 runs")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()
    units, big_rows, runs = (100, 2000, 3) if args.quick else (1000, 10000, 5)
    runs = args.runs or runs
    xltool = [PY, "-m", "xltool"]

    with tempfile.TemporaryDirectory(prefix="xltool-bench-") as scratch:
        work = Path(scratch)
        print(f"making inputs in {work} …", flush=True)
        # In a process of its own: a process started from this one would report this one's memory as its
        # peak (Linux keeps the larger of the two across exec), and making the inputs takes ~100 MB.
        made = subprocess.run(
            [PY, __file__, "--make-inputs", str(work), str(units), str(big_rows)],
            check=True, capture_output=True, text=True, env=CHILD_ENV,
        ).stdout  # fmt: skip
        paths = {name: Path(path) for name, path in json.loads(made).items()}
        inputs = {name: path for name, path in paths.items() if not name.startswith("template_")}
        templates = {name: path for name, path in paths.items() if name.startswith("template_")}
        sizes = {name: path.stat().st_size for name, path in templates.items()}
        saved = saved_template_sizes(work)
        all_units = sorted(str(p) for p in inputs[f"returned_units_{units}"].glob("*.xlsx"))
        read_excel = "import pandas; pandas.read_excel({!r}, engine='openpyxl')"
        cases = [
            # (name, command, baseline name, target ratio)
            ("pandas.read_excel 範例", [PY, "-c", read_excel.format(str(EXAMPLE))], None, None),
            ("xltool check 範例", [*xltool, "check", str(EXAMPLE)], "pandas.read_excel 範例", 0.5),
            ("python -c 'import typer'", [PY, "-c", "import typer"], None, None),
            ("xltool --help", [*xltool, "--help"], "python -c 'import typer'", 1.5),
            ("xltool check --help", [*xltool, "check", "--help"], "python -c 'import typer'", None),
            # What typer ≥ 0.29 adds once it parses a command's parameters: pydantic, for their validation.
            (PYDANTIC_CASE, [PY, "-c", "import typer._adapters"], "python -c 'import typer'", None),
        ]
        for shape in SHAPES:
            words = SHAPE_WORDS[shape]
            folder = inputs[f"{shape}_units_{units}"]
            baseline = f"基準：pandas 合併 {units} 檔（{words}）"
            files = sorted(str(p) for p in folder.glob("*.xlsx"))
            cases.append((baseline, [PY, str(ROOT / "benchmarks" / "baseline_merge.py"), str(work / "baseline.xlsx"), *files],
                          None, None))  # fmt: skip
            for size in _unit_sizes(shape, units):
                merged = work / f"merged_{shape}_{size}.xlsx"
                command = [*xltool, "merge", str(inputs[f"{shape}_units_{size}"]), "-o", str(merged), "--force"]
                full = size == units
                target = TARGETS[shape]["merge"] if full else None
                cases.append((f"xltool merge {size} 檔（{words}）", command, baseline if full else None, target))
        # Printing: the example to PDF against LibreOffice converting the workbook alone, and fifty units
        # (one PDF, a section each, one LibreOffice start) against one.
        fifty = work / "print_50"
        fifty.mkdir()
        for path in all_units[:50]:
            shutil.copyfile(path, fifty / Path(path).name)
        convert = "from xltool.office import convert; convert({!r}, 'pdf', {!r})"
        cases += [
            ("LibreOffice 轉 PDF：範例活頁簿", [PY, "-c", convert.format(str(EXAMPLE), str(work))], None, None),
            (
                "xltool render 範例 --pdf",
                [*xltool, "render", str(EXAMPLE), "--pdf", str(work / "render.pdf"), "--force"],
                "LibreOffice 轉 PDF：範例活頁簿",
                1.5,
            ),
            ("xltool render 1 單位 --pdf", [*xltool, "render", all_units[0], "--pdf", str(work / "one.pdf"), "--force"],
             None, None),
            ("xltool render 50 單位 --pdf", [*xltool, "render", str(fifty), "--pdf", str(work / "fifty.pdf"), "--force"],
             "xltool render 1 單位 --pdf", 4.0),
            ("xltool render 範例 --docx", [*xltool, "render", str(EXAMPLE), "--docx", str(work / "e.docx"), "--force"],
             None, None),
            ("xltool render 三萬字的目標與作法 --docx", [*xltool, "render", str(long_cells(work / "long.xlsx")), "--docx",
             str(work / "long.docx"), "--force"], "xltool render 範例 --docx", 5.0),
            ("xltool diff 範例 範例", [*xltool, "diff", str(EXAMPLE), str(EXAMPLE)], None, None),
            ("xltool diff 兩版三萬字的目標與作法", [*xltool, "diff", str(work / "long.xlsx"),
             str(long_cells(work / "long2.xlsx", "辦理廉政講習、"))], "xltool diff 範例 範例", 3.0),
        ]  # fmt: skip
        for shape in SHAPES:
            words = SHAPE_WORDS[shape]
            baseline = f"pandas.read_excel {big_rows} 列（{words}）"
            # pandas at each size too: the growth section sets what each added row costs against start-up.
            for rows in _big_sizes(shape, big_rows):
                command = [PY, "-c", read_excel.format(str(inputs[f"{shape}_big_{rows}"]))]
                cases.append((f"pandas.read_excel {rows} 列（{words}）", command, None, None))
            for rows in _big_sizes(shape, big_rows):
                command = [*xltool, "check", str(inputs[f"{shape}_big_{rows}"]), "-f", "json"]
                full = rows == big_rows
                target = TARGETS[shape]["check"] if full else None
                cases.append((f"xltool check {rows} 列（{words}）", command, baseline if full else None, target))
            if shape == "returned":  # what is left of the target for xltool's own work: see floor_check.py
                floor = [PY, str(ROOT / "benchmarks" / "floor_check.py"), str(inputs[f"returned_big_{big_rows}"]),
                         str(inputs[f"plain_big_{big_rows}"])]  # fmt: skip
                cases.append((FLOOR_CASE, floor, baseline, None))
                # and what typer alone takes of the same command line: see typer_check.py
                parsed = [PY, str(ROOT / "benchmarks" / "typer_check.py"), str(inputs[f"returned_big_{big_rows}"]), "-f",
                          "json"]  # fmt: skip
                cases += [(TYPER_CASE, parsed, baseline, None), (PYTHON_CASE, [PY, "-c", "pass"], baseline, None)]
        # One large plan merged: its findings are tens of thousands, and the merge must stay linear in them.
        for rows in _big_sizes("returned", big_rows):
            merged_big = str(work / f"merged_big_{rows}.xlsx")
            cases.append(
                (f"xltool merge 大型計畫 {rows} 列（{SHAPE_WORDS['returned']}）", [*xltool, "merge",
                 str(inputs[f"returned_big_{rows}"]), "-o", merged_big, "--force"], None, None)
            )  # fmt: skip
        # One large plan printed: its pages are laid out in near-linear time (a pass over every page end for each
        # goal, restarted at each goal put off to the next page, made 32,000 practices take three minutes).
        small, large = _big_sizes("returned", big_rows)[0], big_rows
        for rows in (small, large):
            printed = str(work / f"printed_big_{rows}.xlsx")
            cases.append(
                (f"xltool render 大型計畫 {rows} 列", [*xltool, "render", str(inputs[f"returned_big_{rows}"]), "-o",
                 printed, "--force"], f"xltool render 大型計畫 {small} 列" if rows == large else None,
                 5.0 if rows == large else None)
            )  # fmt: skip

        for state, words in (("empty", "空白範本"), ("filled", "已填計畫")):
            baseline = f"LibreOffice 開啟{words} {TEMPLATE_ROWS} 列（無檢查欄）"
            cases.append((baseline, office_open(templates[f"template_{state}_without"], work / "csv"), None, None))
            cases.append(
                (
                    f"LibreOffice 開啟{words} {TEMPLATE_ROWS} 列（含檢查欄）",
                    office_open(templates[f"template_{state}_with"], work / "csv"),
                    baseline,
                    2.0 if state == "empty" else None,
                )
            )

        # Each case runs in turn with its baseline (a case without one, with the case after it that has one).
        results: dict[str, Measure] = {}
        group: list[tuple[str, list[str]]] = []
        for position, (name, command, baseline, _) in enumerate(cases):
            group.append((name, command))
            following = cases[position + 1] if position + 1 < len(cases) else None
            if following is None or (baseline is not None and following[2] != baseline):
                results.update(measure_together(group, runs))
                group = []

    lines = [
        "# xltool benchmarks",
        "",
        f"- date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        f"- Python {platform.python_version()}; runs per case: {runs} after one warm-up ({2 * runs + 1} where a round "
        f"of a case and its baseline takes under {QUICK_ROUND:.0f} s), each case in turn with its baseline; "
        f"inputs: {units} unit workbooks of 40 practices and workbooks of up to {big_rows} practices, each filled and "
        f"saved by LibreOffice (every formula written out in full, as officers return them), in two shapes: the "
        f"template with its 檢查 column ({SHAPE_WORDS['returned']}) and the form's columns alone "
        f"({SHAPE_WORDS['plain']}); templates of {TEMPLATE_ROWS} rows with and without the 檢查 column, empty and "
        f"filled (all made by benchmarks/run.py)",
        "- times are whole processes (start-up included); spread is min–max; CPU/wall above 1 means more than one core",
        "- ratio to baseline: the median of the ratios of the same round (case time / baseline time)",
        "- compiled bytecode is kept between runs, as Python does by default (PYTHONDONTWRITEBYTECODE is cleared)",
        "",
        "| case | median s | spread s | peak MB | CPU/wall | ratio to baseline | target | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for name, _, baseline, target in cases:
        m = results[name]
        ratio = paired_ratio(m, results[baseline]) if baseline else None
        met = "" if ratio is None or target is None else ("yes" if ratio <= target else "NO")
        if ratio is not None and target is not None:
            verdicts.append(met == "yes")
        lines.append(
            f"| {name} | {m.median:.3f} | {min(m.times):.3f}–{max(m.times):.3f} | {m.peak_mb:.0f} | {m.cpu_ratio:.2f} | "
            f"{'' if ratio is None else f'{ratio:.2f} × {baseline}'} | {'' if target is None else f'≤ {target}'} | {met} |"
        )
    merge_full = results[f"xltool merge {units} 檔（{SHAPE_WORDS['returned']}）"]
    empty_ratio = sizes["template_empty_with"] / sizes["template_empty_without"]
    filled_ratio = sizes["template_filled_with"] / sizes["template_filled_without"]
    verdicts.append(empty_ratio <= 3)
    lines += [
        "",
        f"- template of {TEMPLATE_ROWS} rows with the 檢查 column: {sizes['template_empty_with'] / 1024:.0f} KB, "
        f"{empty_ratio:.2f} × the {sizes['template_empty_without'] / 1024:.0f} KB of one without (target ≤ 3: "
        f"{'yes' if empty_ratio <= 3 else 'NO'}); filled with {TEMPLATE_ROWS} practices: "
        f"{filled_ratio:.2f} × ({sizes['template_filled_with'] / 1024:.0f} KB against "
        f"{sizes['template_filled_without'] / 1024:.0f} KB)",
    ]
    verdicts.append(max(saved.values()) <= SAVED_TARGET)
    lines.append(
        f"- a {SAVED_ROWS}-row template saved by LibreOffice (every formula written out in full): "
        f"{saved['empty']:,.0f} bytes of sheet XML a row empty, {saved['filled']:,.0f} filled with {SAVED_ROWS} "
        f"practices (target ≤ {SAVED_TARGET:,}: {'yes' if max(saved.values()) <= SAVED_TARGET else 'NO'})"
    )
    lines += [
        "",
        f"- merge of {units} files: peak memory {merge_full.peak_mb:.0f} MB (target ≤ 300 MB: "
        f"{'yes' if merge_full.peak_mb <= 300 else 'NO'}), CPU/wall {merge_full.cpu_ratio:.2f} (both cores: "
        f"{'yes' if merge_full.cpu_ratio > 1.2 else 'NO'})",
        "- growth (the cost of each added file or row, between consecutive sizes; linear when these agree):",
    ]
    returned = SHAPE_WORDS["returned"]
    for prefix, unit, sizes in (
        ("xltool merge", "檔", _unit_sizes("returned", units)),
        ("xltool check", "列", _big_sizes("returned", big_rows)),
        ("xltool merge 大型計畫", "列", _big_sizes("returned", big_rows)),
    ):
        steps = []
        for small, large in itertools.pairwise(sizes):
            extra = results[f"{prefix} {large} {unit}（{returned}）"].median
            extra -= results[f"{prefix} {small} {unit}（{returned}）"].median
            steps.append(f"{small}→{large}: {extra / (large - small) * 1000:.3f} ms")
        lines.append(f"  - {prefix}（每{unit}）: " + "；".join(steps))
    lines += _row_and_start(results, _big_sizes("returned", big_rows), returned)
    big = f"{big_rows} 列（{returned}）"
    lines += _without_pydantic(results, f"xltool check {big}", f"pandas.read_excel {big}")
    lines += _without_typer(results, f"xltool check {big}", f"pandas.read_excel {big}", TARGETS["returned"]["check"])
    lines += _floor(results, f"xltool check {big}", f"pandas.read_excel {big}", TARGETS["returned"]["check"])
    lines += ["", "Commands:", ""]

    def shown(command: list[str]) -> str:
        words = [Path(c).name if c.startswith(scratch) else c.replace(f"{ROOT}/", "") for c in command]
        words[0] = "python"
        return " ".join([*words[:6], f"… ({len(words) - 6} more)"] if len(words) > 12 else words)

    lines += [f"- {name}: `{shown(command)}`" for name, command, _, _ in cases]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))
    if not all(verdicts):
        print("some targets were not met", file=sys.stderr)


if __name__ == "__main__":
    main()
