"""What ``xltool check``, ``render`` and ``merge`` do, as library calls: from the inputs a user names to
the files written and the exit status the results call for.

A script that imports xltool gets exactly what a command does (as black's ``Report`` or sqlite-utils'
thin CLI): the commands in ``xltool.cli`` only turn options into one of these calls, draw the progress it
reports, and print what it returns. Each run claims every output before it reads anything (``Outputs``),
so a run that would write over an input, or over a file without ``force``, stops before the long work.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from xltool.catalog import Catalog
from xltool.checks import check_plan
from xltool.errors import ErrorCode, ExitStatus, XltoolError
from xltool.export import exit_status
from xltool.model import FileResult, Plan
from xltool.ooxml import MAX_CELL_TEXT
from xltool.outputs import CSV, DOCX, ODT, PDF, WORKBOOK, Kind, Outputs, is_file, output_folder, same_file
from xltool.pipeline import (
    RETURN_SUFFIX,
    CheckOptions,
    Paths,
    Returned,
    annotate_each,
    as_paths,
    check_file,
    check_files,
    find_inputs,
    packed,
    refuse_unreadable,
    relative_names,
)
from xltool.reader import read_plan
from xltool.text import first_of

if TYPE_CHECKING:
    from xltool.annotate import Fix
    from xltool.merge import MergeResult
    from xltool.roster import Roster
    from xltool.season import Intake, Receipt, Submission

MAX_FOLDER_DEPTH = 64  # folders an inbox's file may lie under, looked for below an annotate folder


class Progress(Protocol):
    """What a run tells while it works: the CLI draws it on a terminal; a script may pass nothing."""

    def start(self, total: int, title: str, *, slow: bool = False) -> None:
        """A pass over ``total`` files begins (reading, checking, converting); a ``slow`` one takes seconds
        however few they are (LibreOffice starting and laying out pages)."""

    def advance(self, name: str = "") -> None:
        """One more file of the pass is done; ``name`` is the file."""

    def rows(self, done: int, total: int, title: str = "") -> None:
        """Rows of one large sheet read, or of a merged workbook written, so far (``title``: which)."""


def _gathered(
    inputs: Sequence[Path], roster: Roster | None, force: bool, catalog: Catalog | None
) -> tuple[list[Path], list[Path], Outputs]:
    """A run's plans, the other files of its folders, and the guard of its outputs. The roster and the
    catalog are read too (the roster holds the office's contacts): no output may replace them (``--force``
    or not; --chase named like the catalog replaced it), and an inbox that keeps them beside the plans
    does not have them read as plans."""
    aside = [Path(source.path) for source in (roster, catalog) if source is not None and source.path]
    files, others = find_inputs(inputs, besides=aside)
    return files, others, Outputs([*files, *aside], force=force)


def _named(inputs: Sequence[Path]) -> set[str]:
    """The files given one by one (not found in a folder): last round's 彙整 among them is given on purpose."""
    return {same_file(path) for path in inputs if is_file(path)}


def _not_inside(folder: Path, inputs: Sequence[Path]) -> None:
    """--annotate-dir outside the folders checked, and not the folder of a file checked (收件匣/*.xlsx, as a
    shell or xltool on Windows expands it): copies written among the plans would be read as the units'
    resubmissions the next time they are checked (each newer than the plan it marks). A folder inside a
    file's folder is not refused: last round's 彙整, given by name, lies beside 退回/ in the office's folder."""
    where = Path(same_file(folder))
    for given in inputs:
        if _inside(where, given):
            checked = f"要檢查的資料夾 {given} 或其中的資料夾"
        elif not given.is_dir() and where == Path(same_file(given.parent)):
            checked = f"要檢查的檔案 {given} 所在的資料夾"
        else:
            continue
        raise XltoolError(
            f"--annotate-dir 不能是{checked}：下次檢查時，副本會被當成單位重新送來的計畫；請另選一個資料夾（例如 退回/）。",
            code=ErrorCode.USAGE,
        )


def _inside(where: Path, given: Path) -> bool:
    """Whether ``where`` (spelled as :func:`same_file` spells it) is the folder ``given`` or under it."""
    return given.is_dir() and where.is_relative_to(same_file(given))


def _workbook_outside(output: Path | None, inputs: Sequence[Path]) -> None:
    """-o outside the folders read: a 彙整 or a printout written into the inbox is read with the units'
    plans the next time the inbox is given, and that run stops on it (a unit twice, or a printout that is no
    plan), over a file xltool put there itself."""
    if output is None:  # (called after the output is claimed: -o naming an input is refused as that first)
        return
    where = Path(same_file(output.parent))
    for given in inputs:
        if _inside(where, given):
            raise XltoolError(
                f"-o 不能寫在讀取的資料夾 {given} 裡：下次彙整或列印這個資料夾時，這個檔案會和各單位的計畫一起被讀入而停止；"
                "請存到資料夾外（例如它的上一層）。",
                code=ErrorCode.USAGE,
            )


def _roster_needed(roster: Roster | None, require_all: bool, chase: Path | None) -> None:
    """--require-all and --chase ask who is missing, which only a roster can say."""
    for asked, option in ((require_all, "--require-all"), (chase is not None, "--chase")):
        if asked and roster is None:
            raise XltoolError(f"{option} 需要 --roster 名冊。", code=ErrorCode.USAGE)


def _claimed(outputs: Outputs, paths: Iterable[tuple[Path | None, Kind | None]]) -> None:
    """Each output asked for, with what it will hold (None: the input decides, as for a copy)."""
    for path, kind in paths:
        if path is not None:
            outputs.claim(path, kind)  # refused before the work, not after it: an input is never an output


def _counted(files: Sequence[Path], progress: Progress | None, title: str) -> Callable[[], None] | None:
    """The per-file callback ``check_files`` calls, as the progress of a pass over ``files`` (which come
    back in the order given, so the n-th call is the n-th file)."""
    if progress is None:
        return None
    progress.start(len(files), title)
    names = iter(files)
    return lambda: progress.advance(next(names, Path()).name)


def _rows(progress: Progress | None, title: str) -> Callable[[int, int], None] | None:
    """The rows callback of one large sheet's pass, as the progress of it."""
    if progress is None:
        return None
    return lambda done, total: progress.rows(done, total, title)


def _write_chase(chase: Path | None, receipts: Sequence[Receipt], outputs: Outputs) -> None:
    if chase is not None:
        from xltool.season import chase_csv

        outputs.write_bytes(chase, chase_csv(receipts), CSV)


# ------------------------------------------------------------------------------------------------ check


@dataclass
class CheckRun:
    """One ``xltool check``: every file's result, what was written, and the exit status they call for."""

    results: list[FileResult]
    strict: bool = False  # warnings count as errors
    require_all: bool = False  # a roster unit still missing is a failure
    season: Intake | None = None  # with a roster: who sent what, 收件情形 and the decisions taken
    annotated: Path | None = None  # --annotate's copy
    fixed: Path | None = None  # --fix's copy
    fixes: list[Fix] = field(default_factory=list)  # what --fix changed
    annotate_dir: Path | None = None  # --annotate-dir's folder
    returned: list[Returned] | None = None  # … each file's copy there, or why it has none
    chase: Path | None = None  # --chase's list
    archives: list[Path] = field(default_factory=list)  # packed files in the folders, not unpacked

    @property
    def receipts(self) -> list[Receipt]:
        return self.season.receipts if self.season is not None else []

    @property
    def counted(self) -> list[FileResult]:
        """The results that count: with a roster, the files of the versions the season counts (a version left
        out for a newer one, or of another year, is no unit's plan: its errors were fixed or are not this
        year's) and every file that could not be read; without one, every result. Of last round's 彙整, only
        the units that count: a unit whose own file now counts instead had its old errors end check with 1."""
        if self.season is None:
            return self.results
        subs: dict[str, list[Submission]] = {}
        for sub in self.season.counted:
            subs.setdefault(sub.file, []).append(sub)
        counted = []
        for result in self.results:
            if result.plan is not None and result.file not in subs:
                continue
            if result.plan is not None and result.plan.is_merged():
                kept = {id(finding) for sub in subs[result.file] for finding in sub.findings}
                result = replace(result, findings=[f for f in result.findings if id(f) in kept])
            counted.append(result)
        return counted

    @property
    def status(self) -> ExitStatus:
        """BAD_INPUT when a file could not be read or a copy it needed could not be made; FINDINGS when a
        file that counts (:attr:`counted`) has errors (or warnings, ``strict``) or, with ``require_all``, a
        roster unit is still to come (未收, 無法讀取 or 年度不符); else OK."""
        status = exit_status(self.counted, strict=self.strict)
        if self.returned is not None and any(one.copy is None and one.needed for one in self.returned):
            status = ExitStatus.BAD_INPUT
        if status == ExitStatus.OK and self.require_all:
            from xltool.season import missing

            status = ExitStatus.FINDINGS if missing(self.receipts) else status
        return status


# What check of read's JSON cannot say, the JSON keeping the practices and not the workbook's other cells: its
# title, year cell as typed, 合計, formulas and error values, rows below 合計 and template version
# (TITLE_YEAR_MISMATCH, TOTAL_MISMATCH, FORMULA_NO_VALUE, CELL_ERROR, PRACTICE_AFTER_TOTAL, YEAR_WESTERN,
# TEMPLATE_OUTDATED: tests/test_check.py plants each; and the warnings CELL_COVERED and ROW_HIDDEN). Said once
# where a JSON counts, whose exit status cannot.
JSON_UNCHECKED = (
    "檢查 JSON 時不會指出只有活頁簿裡才有的問題：標題的年度不符、合計與各列加總不符、公式沒有計算結果、"
    "儲存格顯示錯誤值（#REF! 等）、合計列下方還有作法、年度寫成西元年、範本較舊、被合併儲存格蓋住的內容、隱藏的列；"
    "這些請檢查活頁簿"
)


def run_check(
    inputs: Paths,
    *,
    options: CheckOptions | None = None,
    roster: Roster | None = None,
    require_all: bool = False,
    strict: bool = False,
    annotate: Path | None = None,
    fix: Path | None = None,
    annotate_dir: Path | None = None,
    chase: Path | None = None,
    infos: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> CheckRun:
    """Check every plan in ``inputs`` (files and folders), and write what is asked: an annotated and a
    corrected copy of one file, an annotated copy of each file that needs one into ``annotate_dir``, the
    list of units to chase. With a roster, the season's intake decides which unit each file counts for."""
    inputs, options = as_paths(inputs), options or CheckOptions()
    files, others, outputs = _gathered(inputs, roster, force, options.catalog)
    if (annotate or fix) and len(files) != 1:
        raise XltoolError(
            "--annotate 與 --fix 一次只能用在一個檔案；多個檔案請用 --annotate-dir。", code=ErrorCode.USAGE
        )
    _roster_needed(roster, require_all, chase)
    if annotate_dir is not None:
        _not_inside(annotate_dir, inputs)
    _claimed(outputs, ((chase, CSV), (annotate, None), (fix, None)))  # a copy's: see editable
    for out in (annotate, fix):
        if out is not None:
            from xltool.annotate import editable  # imported only when asked for: start-up time

            editable(files[0], out)  # an .ods without LibreOffice, a macro workbook's copy named .xlsx: now
    if len(files) == 1:
        results = [check_file(files[0], options, _rows(progress, "讀取"))]
    else:
        results = check_files(files, options, _counted(files, progress, "檢查"))
    run = CheckRun(results, strict, require_all, annotate_dir=annotate_dir, chase=chase, archives=packed(others))
    named = _named(inputs)  # last round's 彙整 given by name is no sending of its units, as merge reads it
    if (annotate or fix) and results[0].plan is not None:  # a file that could not be read has no copy
        from xltool.annotate import copies

        run.fixes = copies(results[0], annotate=annotate, fix=fix, infos=infos, outputs=outputs)
        run.annotated, run.fixed = annotate, fix
    if roster is not None:
        # Only a roster or an annotate folder asks who sent what: xltool.season (~7 ms of imports, its
        # patterns and classes) is not imported for the plain check an officer runs again and again.
        from xltool.season import intake

        run.season = intake(results, roster, others=others, year=options.year, named=named)
        if options.year is None and run.season.inferred and _checked_for_the_season(run.season, options):
            # its receipt counts the findings of the year it was checked for now (the JSON's versions said 0)
            run.season = intake(results, roster, others=others, year=options.year, named=named)
    if annotate_dir is not None:
        from xltool.season import intake, left_out

        names = relative_names(inputs, [Path(r.file) for r in results])
        # A unit sent again gets back its newest workbook (a JSON has no cells to mark), roster or not.
        books = [r for r in results if Path(r.file).suffix.lower() != ".json"]
        # the roster's intake when it was made of these same files (no JSON among them): not made twice
        workbooks = (
            run.season
            if run.season is not None and len(books) == len(results)
            else intake(books, roster, year=options.year, named=named)
        )
        superseded = {old.file: left_out(old, new) for old, new in workbooks.older}
        run.returned = annotate_each(results, annotate_dir, names, outputs, infos=infos, superseded=superseded)
        run.returned += _last_rounds_copies(workbooks, annotate_dir, run.returned, set(names.values()))
    for counted in run.counted:  # said where a JSON counts, whose exit status cannot say it
        if counted.plan is not None and Path(counted.file).suffix.lower() == ".json":
            counted.plan.notices.append(JSON_UNCHECKED)
    _write_chase(chase, run.receipts, outputs)
    return run


def _last_rounds_copies(season: Intake, folder: Path, returned: list[Returned], inputs: set[Path]) -> list[Returned]:
    """The copies an earlier run left in ``folder`` of the files last round's 彙整 took its units' plans from
    (their rows' 來源檔案), where those units now count by a newer file: not to be mailed, as a run over one
    inbox says of a superseded version's copy. A run over last round's 彙整 and the new files said nothing of
    them. A copy of a file among this run's inputs (``inputs``: their names there) is this run's own, and one
    of another unit's plan (a file of the same name from another folder: 108年度廉政工作計畫.xlsx) is not this one's."""
    from xltool.roster import group_key

    counted = {id(s) for s in season.counted}
    renewed = {group_key(s.unit): s for s in season.counted if not s.from_merged}
    made = {one.copy for one in returned if one.copy is not None}
    found: list[Returned] = []
    for sub in season.submissions:
        if not sub.from_merged or id(sub) in counted or group_key(sub.unit) not in renewed or sub.plan is None:
            continue
        names = {
            group_key(sub.unit),
            *(group_key(i.origin.unit_written) for i in sub.plan.items if i.origin and i.origin.unit_written),
        }
        for origin in dict.fromkeys(item.origin.file for item in sub.plan.items if item.origin and item.origin.file):
            # its path as the merge wrote it, on any system, and never above the folder (a 彙整 is an input too)
            parts = [part for part in re.split(r"[\\/]", origin) if part not in ("", ".", "..") and ":" not in part]
            # No inbox nests its files deeper (a Windows path of 260 characters holds about 30 folders): a 彙整's
            # 來源檔案 of 16,000 parts had every tail of it built and looked for, a minute a row.
            for start in range(max(0, len(parts) - MAX_FOLDER_DEPTH), len(parts)):
                name = Path(*parts[start:])
                copies = [folder / name.with_name(name.stem + RETURN_SUFFIX + kind) for kind in (".xlsx", ".xlsm")]
                copy = next((c for c in copies if is_file(c)), None)
                if copy is not None and _unit_of(copy) in names:
                    if copy not in made and name not in inputs:
                        newer = renewed[group_key(sub.unit)].name
                        reason = f"這個版本在已彙整的活頁簿 {sub.name} 中，這次以較新的 {newer} 為準"
                        found.append(Returned(origin, reason=reason, needed=False, stale=copy))
                    break
    return found


def _unit_of(copy: Path) -> str:
    """The unit a return copy is of, as a group key ("" when it cannot be read)."""
    from xltool.roster import group_key

    try:
        return group_key(read_plan(copy).unit)
    except (XltoolError, OSError):
        return ""


def _checked_for_the_season(season: Intake, options: CheckOptions) -> bool:
    """A plan of another year, the only one its unit sent, checked for the year most plans are for, as
    --year checks it: its line said 年度不符 while its return copy said nothing of the year (and asked for
    the performance items of last year's plan). Whether any was."""
    checked = [sub for sub in season.other_year if sub.plan is not None and not sub.from_merged]
    for sub in checked:
        assert sub.plan is not None
        sub.result.findings = check_plan(sub.plan, year=season.year, budget_cap=options.budget_cap)
    return bool(checked)


# ----------------------------------------------------------------------------------------------- render


@dataclass
class RenderRun:
    """One ``xltool render``: the plans printed (one per unit, in print order) and the files written."""

    results: list[FileResult]
    plans: list[Plan]
    unprinted: list[str] = field(default_factory=list)  # a unit's older version, another year's plan
    notes: list[str] = field(default_factory=list)  # zh-TW: which version of a unit sent again is printed
    archives: list[Path] = field(default_factory=list)  # packed files in the folders, not unpacked
    workbook: Path | None = None  # -o, or the default 原檔名_列印.xlsx
    pdf: Path | None = None
    pdfs: list[Path] = field(default_factory=list)  # --pdf-dir: one a unit
    docx: Path | None = None
    odt: Path | None = None

    @property
    def skipped(self) -> list[FileResult]:
        """Files left out with ``skip_bad``, each with why."""
        return [r for r in self.results if r.error]

    @property
    def status(self) -> ExitStatus:
        """OK: a run that could not print stops with an error before it writes anything; files skipped on
        request are listed, as merge --skip-bad lists them."""
        return ExitStatus.OK


def run_render(
    inputs: Paths,
    *,
    output: Path | None = None,
    pdf: Path | None = None,
    pdf_dir: Path | None = None,
    docx: Path | None = None,
    odt: Path | None = None,
    gantt: bool = False,
    canonical: bool = False,
    catalog: Catalog | None = None,
    roster: Roster | None = None,
    skip_bad: bool = False,
    allow_duplicate_units: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    year: int | None = None,
) -> RenderRun:
    """Print every plan in ``inputs`` (a merged workbook: each of its units) in the form's layout, to each
    output asked for; with none, one file given by name has its printout beside it as 原檔名_列印.xlsx. A unit sent more
    than once prints once, in the version merge counts (the newest), and a unit both in a merged workbook
    and in its own file stops the run as it stops merge, unless ``allow_duplicate_units``. With a roster
    the units print in its order, under its names. A file that cannot be read stops the run, unless
    ``skip_bad`` leaves it out (listed in the result). A folder's one plan has no default: beside the plan
    is inside the folder, where the next merge of it stopped on the printout."""
    from xltool.office import require_soffice
    from xltool.render import pdf_of, pdf_targets, pdfs_of, render_plans
    from xltool.season import intake, nothing_of_the_year, other_year_lines, version_notes

    inputs = as_paths(inputs)  # walked for the plans, then for the files given by name
    files, others, outputs = _gathered(inputs, roster, force, catalog)
    if output is None and pdf is None and pdf_dir is None and docx is None and odt is None:
        if len(files) > 1:
            raise XltoolError("多個檔案請以 -o、--pdf、--pdf-dir、--docx 或 --odt 指定輸出。", code=ErrorCode.USAGE)
        if same_file(files[0]) not in _named(inputs):  # the one plan of a folder: 原檔名_列印.xlsx went into it
            raise XltoolError(
                f"資料夾裡的計畫請以 -o 指定列印版（例如 -o {files[0].stem}_列印.xlsx）或 --pdf、--docx：預設寫在計畫旁邊，"
                "就在這個資料夾裡，下次 merge 這個資料夾時會讀到列印版而停止。",
                files[0],
                code=ErrorCode.USAGE,
            )
        output = files[0].with_name(f"{files[0].stem}_列印.xlsx")
    _claimed(outputs, ((output, WORKBOOK), (pdf, PDF), (docx, DOCX), (odt, ODT)))
    _workbook_outside(output, inputs)
    if pdf is not None or pdf_dir is not None or odt is not None:
        require_soffice()
    if pdf_dir is not None:
        output_folder(pdf_dir, "--pdf-dir")  # made (or refused) before the work, as --annotate-dir is
    results = check_files(files, CheckOptions(catalog=catalog, year=year), _counted(files, progress, "讀取"))
    if len(results) == 1 and results[0].error and not skip_bad:  # the file asked for: its own line and code
        one = results[0]
        raise XltoolError(one.error, code=ErrorCode(one.error_code) if one.error_code else None)
    if not skip_bad:  # a folder: every file that stops it, and how to print the others, as merge says
        refuse_unreadable(results)
    season = intake(results, roster, allow_duplicates=allow_duplicate_units, year=year, named=_named(inputs))
    if not allow_duplicate_units:
        season.refuse_conflicts("全部列印")
    if roster is not None:  # a roster's season prints one year's plans (without one, each file as it is)
        season.refuse_undecided()
    plans = [_printed(sub) for sub in season.counted if sub.plan is not None]
    plans, cut = _within_a_cell(plans)
    if not plans:
        why = nothing_of_the_year(season) if season.other_year else "沒有任何可讀取的計畫，未寫出任何檔案"
        raise XltoolError(why, code=ErrorCode.MERGE_EMPTY)
    # Another year's plan, all a roster unit sent: not this season's, not printed, and said (it went unsaid).
    other_year = other_year_lines(season, "未列印")
    unprinted = [old.file for old, _ in season.older] + [sub.file for sub in season.other_year]
    run = RenderRun(results, plans, unprinted, version_notes(season) + other_year + cut, packed(others))
    if pdf_dir is not None:  # named after the units read, and claimed before -o or --pdf is written
        _claimed(outputs, ((target, PDF) for target in pdf_targets(plans, pdf_dir)))
    if output is not None:
        run.workbook = render_plans(plans, output, gantt=gantt, canonical=canonical, outputs=outputs)
    # LibreOffice's part takes seconds (a hundred units, a minute): said as a pass of its own on a terminal.
    if pdf is not None:
        with _office_pass(progress, "轉成 PDF（LibreOffice）", pdf):
            run.pdf = pdf_of(plans, pdf, gantt=gantt, canonical=canonical, outputs=outputs)
    if pdf_dir is not None:
        with _office_pass(progress, f"{len(plans)} 個單位轉成 PDF（LibreOffice）", pdf_dir):
            run.pdfs = pdfs_of(plans, pdf_dir, gantt=gantt, canonical=canonical, outputs=outputs)
    if docx is not None:
        with _office_pass(progress, "寫出 Word 文件" + ("（LibreOffice 計算頁數）" if len(plans) > 1 else ""), docx):
            run.docx = _docx(plans, docx, canonical, outputs)
    if odt is not None:
        from xltool.document import write_odt

        with _office_pass(progress, "轉成 ODT（LibreOffice）", odt):
            run.odt = write_odt(plans, odt, outputs=outputs, canonical=canonical)
    return run


@contextlib.contextmanager
def _office_pass(progress: Progress | None, title: str, output: Path) -> Iterator[None]:
    """One step of a run that LibreOffice does, as a pass of one (the output) on the run's progress."""
    if progress is not None:
        progress.start(1, title, slow=True)
    yield
    if progress is not None:
        progress.advance(output.name)


def _printed(sub: Submission) -> Plan:
    """A unit's plan as it prints: under the roster's name when the season found it there, else as written
    (a unit left blank stays blank: the printout is the officer's own document)."""
    assert sub.plan is not None
    if sub.roster_unit is None or sub.plan.unit == sub.roster_unit.name:
        return sub.plan
    return replace(sub.plan, unit=sub.roster_unit.name)


def _within_a_cell(plans: list[Plan]) -> tuple[list[Plan], list[str]]:
    """The plans with each goal and practice no longer than a workbook's cell holds (a JSON plan's may be:
    one of 1.5 million characters made 2,000 pages, and the PDF took LibreOffice 40 s), and a line for each
    plan cut, to say so."""
    printed, notes = [], []
    for plan in plans:
        long = [n for n, item in enumerate(plan.items) if max(len(item.goal), len(item.practice)) > MAX_CELL_TEXT]
        if long:
            shown = first_of([f"第 {n + 1} 項" for n in long], 3, "項")
            notes.append(
                f"{plan.unit or plan.source}：{shown}的目標或作法超過一格可容納的 {MAX_CELL_TEXT:,} 字，"
                "列印版印到這個長度為止，並在截斷處註明「以下未印出」"
            )
            items = list(plan.items)
            for n in long:
                items[n] = replace(items[n], goal=_cut(items[n].goal), practice=_cut(items[n].practice))
            plan = replace(plan, items=items)
        printed.append(plan)
    return printed, notes


def _cut(text: str) -> str:
    """A text a cell can hold, the cut said where it is made (the paper shows no terminal's notice)."""
    if len(text) <= MAX_CELL_TEXT:
        return text
    mark = f"…（以下未印出，全文共 {len(text):,} 字）"
    return text[: MAX_CELL_TEXT - len(mark)] + mark


def _docx(plans: list[Plan], docx: Path, canonical: bool, outputs: Outputs) -> Path:
    """The plan as a Word document. With several units, each unit's page count is counted by LibreOffice
    (when it is there) and written in: Word counts a section's pages itself, LibreOffice 7 does not."""
    import tempfile

    from xltool.document import count_pages, write_docx
    from xltool.errors import OfficeError
    from xltool.office import find_soffice, renamed

    counts = None
    if len(plans) > 1 and find_soffice() is not None:
        with tempfile.TemporaryDirectory(prefix="xltool-pages-") as scratch:
            try:
                counts = count_pages(plans, scratch, canonical=canonical)
            except OfficeError as error:  # it names a scratch copy, which the user never sees
                raise renamed(error, docx) from None
    return write_docx(plans, docx, outputs=outputs, page_counts=counts, canonical=canonical)


# ------------------------------------------------------------------------------------------------ merge


@dataclass
class MergeRun:
    """One ``xltool merge``: what was merged (:class:`xltool.merge.MergeResult`) and the exit status."""

    merged: MergeResult
    require_all: bool = False
    chase: Path | None = None
    archives: list[Path] = field(default_factory=list)  # packed files in the folders, not unpacked

    @property
    def status(self) -> ExitStatus:
        """FINDINGS when, with ``require_all``, a roster unit is still to come (未收 or 無法讀取); else OK
        (a merge that cannot be made stops with an error before it writes anything)."""
        return ExitStatus.FINDINGS if self.require_all and self.merged.missing else ExitStatus.OK


def run_merge(
    inputs: Paths,
    output: Path,
    *,
    catalog: Catalog | None = None,
    roster: Roster | None = None,
    skip_bad: bool = False,
    allow_duplicate_units: bool = False,
    by_unit: bool = False,
    infos: bool = False,
    require_all: bool = False,
    chase: Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
    year: int | None = None,
) -> MergeRun:
    """Merge every plan in ``inputs`` into ``output`` (:func:`xltool.merge.merge_files`), and the list of
    units to chase when asked."""
    from xltool.merge import merge_files

    inputs = as_paths(inputs)  # walked for the plans, then for the files given by name
    files, others, outputs = _gathered(inputs, roster, force, catalog)
    _roster_needed(roster, require_all, chase)
    _claimed(outputs, ((chase, CSV), (output, WORKBOOK)))
    _workbook_outside(output, inputs)
    merged = merge_files(
        files, output, catalog=catalog, roster=roster, skip_bad=skip_bad,
        allow_duplicate_units=allow_duplicate_units, by_unit=by_unit, infos=infos, outputs=outputs,
        progress=_counted(files, progress, "讀取與檢查"),
        writing=_rows(progress, "寫出"), others=others, year=year, named=_named(inputs),
    )  # fmt: skip
    _write_chase(chase, merged.receipts, outputs)
    return MergeRun(merged, require_all, chase, packed(others))
