"""The work every command shares: find the inputs, load each plan (workbook or JSON), check it.

The CLI only parses options, prints and chooses exit codes; everything it does is a call here or to a
writer, so an office can script the same steps with ``import xltool``.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any

from xltool.catalog import Catalog
from xltool.catalogs import load_catalog
from xltool.checks import LIVE_RULES, check_plan
from xltool.errors import ErrorCode, InputError, MergeError, XltoolError, system_reason
from xltool.export import shown_path
from xltool.inputs import BINARY_WORKBOOK, WORKBOOK_SUFFIXES, Package, check_input
from xltool.model import FileResult, Plan
from xltool.outputs import Outputs, is_file, output_folder, same_file
from xltool.reader import read_plan, reads_as

Paths = str | Path | Iterable[str | Path]  # the files and folders a library call takes: a list of them, or one
PARALLEL_FROM = 16  # below this, starting worker processes costs more than it saves
OUT_OF_MEMORY = "記憶體不足，無法讀完這個檔案，已略過；其他檔案照常處理"
NO_MEMORY_FOR_COPY = "記憶體不足，無法產生這份副本，已略過；其他檔案照常處理"
WORKER_DIED = "讀取這個檔案的處理程序意外結束（常見原因是記憶體不足），已略過；其他檔案照常處理"
MAX_JSON_BYTES = 512 * 1024 * 1024
MAX_JSON_ITEMS = 500_000  # twice the nation's practices in one merged plan (about 240,000, README)


def load_plan(
    path: str | Path | Package,
    *,
    catalog: Catalog | None = None,
    year: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """A plan from a workbook (.xlsx .xlsm .xls .ods) or from the JSON ``xltool read`` writes.

    The plan carries the catalog it was read with: ``catalog`` when given, else its year's. A workbook
    already read (a :class:`~xltool.inputs.Package`) is not read from disk again.
    """
    if isinstance(path, Package) or Path(path).suffix.lower() != ".json":
        return read_plan(path, catalog=catalog, year=year, progress=progress)
    import json  # a plan JSON's only: a workbook's check does without its ~1.5 ms of imports

    source = Path(path)
    check_input(source)
    if source.stat().st_size == 0:  # as an empty workbook is said to be
        raise InputError("檔案是空的", source, code=ErrorCode.INPUT_EMPTY)
    try:
        if source.stat().st_size > MAX_JSON_BYTES:
            raise ValueError("檔案過大")
        data = source.read_bytes()
        too_many = f"內容超過 {MAX_JSON_ITEMS:,} 項，不是一份計畫"
        # Counted before parsing: 18 MB of 6,000,000 empty items took 2.8 GB and half a minute to refuse.
        # An item: an object and the object of its cells, a list of months.
        if max(data.count(b"{") // 2, data.count(b"[")) > MAX_JSON_ITEMS + 100:
            raise ValueError(too_many)
        parsed = json.loads(data.decode("utf-8-sig"))
        if isinstance(parsed, dict) and isinstance(parsed.get("items"), list) and len(parsed["items"]) > MAX_JSON_ITEMS:
            raise ValueError(too_many)  # items of no cells, counted once
        plan = Plan.from_dict(parsed, str(source))
    except (ValueError, RecursionError) as exc:  # json's errors are ValueErrors, and so are from_dict's
        reason = _json_reason(exc)
        raise InputError(
            f"不是 xltool read 輸出的計畫 JSON：{reason}", source, code=ErrorCode.INPUT_NOT_PLAN_JSON
        ) from None
    plan.catalog = _catalog_for(plan, catalog, year)
    if plan.catalog.notice:
        plan.notices.append(plan.catalog.notice)
    _stale_spellings_dropped(plan, plan.catalog)
    return plan


def _stale_spellings_dropped(plan: Plan, catalog: Catalog) -> None:
    """A JSON's `written` texts (the officer's own spelling of a cell: the alias 綜合業務, a practice with stray
    spaces) stand for the item's values only while they read as those values (:func:`reader.reads_as`; from_dict
    does the same for a schedule and a budget): a JSON edited by hand (its category changed to 防貪業務, its practice
    reworded, the old text left beside it) is checked, counted and printed by what it now says."""
    for item in plan.items:
        if item.category_written != item.category and not reads_as(item, "category", item.category_written, catalog):
            item.category_written = item.category
        if item.written and not all(reads_as(item, key, text, catalog) for key, text in item.written.items()):
            item.written = {key: text for key, text in item.written.items() if reads_as(item, key, text, catalog)}


def _json_reason(exc: ValueError | RecursionError) -> str:
    """Why a JSON is no plan, in zh-TW: from_dict says it so already; json and Python say it in English."""
    import json

    if isinstance(exc, json.JSONDecodeError):
        return f"第 {exc.lineno} 行第 {exc.colno} 個字元不是正確的 JSON"
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 編碼的文字（請另存為 UTF-8）"
    if isinstance(exc, RecursionError):
        return "巢狀太深"
    text = str(exc)
    return text if re.search(r"[\u4e00-\u9fff]", text) else "內容不是計畫（數字或結構不正確）"


def _catalog_for(plan: Plan, catalog: Catalog | None, year: int | None) -> Catalog:
    """The catalog a plan is read with: the one given, else its year's, else the year asked for's (as the
    reader chooses for a workbook)."""
    return catalog or load_catalog(plan.year if plan.year is not None else year)


@dataclass(frozen=True)
class CheckOptions:
    """What ``check`` is asked besides the file: the catalog, the year the plan must be for, a budget cap."""

    catalog: Catalog | None = None
    year: int | None = None
    budget_cap: Decimal | None = None


def check_file(
    path: str | Path | Package,
    options: CheckOptions = CheckOptions(),
    progress: Callable[[int, int], None] | None = None,
) -> FileResult:
    """Load and check one plan; a file that cannot be read becomes a result that says why."""
    name = str(path.path if isinstance(path, Package) else path)
    try:
        plan = load_plan(path, catalog=options.catalog, year=options.year, progress=progress)
        findings = check_plan(plan, year=options.year, budget_cap=options.budget_cap)
    except XltoolError as error:
        return FileResult(name, error=str(error), error_code=error.code)
    except MemoryError:  # what it had built is freed on the way here: the other files of a run still count
        return _aborted(name, OUT_OF_MEMORY)
    return FileResult(name, plan, findings)


def _aborted(name: str, why: str) -> FileResult:
    error = InputError(why, name, code=ErrorCode.INPUT_READ_ABORTED)
    return FileResult(name, error=str(error), error_code=error.code)


def _send_compactly() -> None:
    """In a worker process: send the dataclasses a result is made of as their class and their fields'
    values, rebuilt by their own ``__init__``. Pickled as they are, a dataclass with slots calls
    ``dataclasses.fields()`` for every object both ways, and a thousand plans send 40,000 items and as
    many findings: this halves the time the parent spends taking results in (measured, 1,000 returned
    plans: 0.47 → 0.27 s), and the parent does that while both cores are busy. A class whose fields
    cannot all be passed in order is sent as pickle sends it."""
    from multiprocessing.reduction import ForkingPickler

    from xltool.budget import Budget
    from xltool.model import Finding, PlanItem
    from xltool.schedule import Schedule

    for cls in (PlanItem, Finding, Schedule, Budget):
        declared = fields(cls)
        if len(declared) > 1 and all(f.init and not f.kw_only for f in declared):
            ForkingPickler.register(cls, partial(_as_fields, cls, attrgetter(*(f.name for f in declared))))


def _as_fields(cls: type, values: Callable[[Any], tuple[Any, ...]], obj: Any) -> tuple[type, tuple[Any, ...]]:
    return cls, values(obj)


def _in_workers(jobs: Sequence[tuple[str, CheckOptions]], workers: int) -> Iterator[FileResult]:
    """Each job's result in order, read in worker processes. A worker that dies (the OOM killer, a native
    library aborting on a failed allocation) breaks the pool and every result not yet back; the results
    before the first missing one did come back. That file is read again alone, in a process of its own
    where dying names it, and the rest go on in a new pool: each break costs a pool start and settles
    one file. A run that stops (Ctrl-C, SIGTERM) ends its workers and reads nothing more (:func:`_stop`)."""
    from concurrent.futures import ProcessPoolExecutor  # ~15 ms of imports a single check does not need
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import active_children

    done = 0
    while done < len(jobs):
        before = set(active_children())
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker)
        stopped = True  # until every result is in or the pool broke: anything else stops the run
        try:
            for result in pool.map(_check_in_worker, jobs[done:], chunksize=8):
                done += 1
                yield result
            stopped = False
        except BrokenProcessPool:
            stopped = False
            yield _alone(jobs[done])
            done += 1
        finally:
            if stopped:
                _stop(pool, set(active_children()) - before)
            else:
                pool.shutdown()


def _stop(pool: Any, workers: Iterable[Any]) -> None:
    """End a stopped run's workers now and wait for nothing. SIGTERM reaches this process alone, and its
    workers would read on; a worker Ctrl-C ended while it was sending a result left half a message in the
    pipe, for which the pool's own thread then waits forever — so its shutdown must not wait (and the CLI
    ends a stopped run with os._exit, which does not wait for that thread either)."""
    if sys.version_info < (3, 12):
        _quiet_cancelled_futures()
    for worker in workers:  # this pool's: the processes started with it (multiprocessing's public view)
        worker.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _quiet_cancelled_futures() -> None:
    """Python 3.11's pool thread, finding its workers gone, marks every future not yet done as failed,
    including those the stopped run cancelled, and prints that thread's InvalidStateError after 「已中斷」
    (fixed in 3.12: python/cpython#107219). That one error is left unsaid; any other still shows."""
    import threading
    from concurrent.futures import InvalidStateError

    shown = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if not isinstance(args.exc_value, InvalidStateError):
            shown(args)

    threading.excepthook = hook


def _alone(job: tuple[str, CheckOptions]) -> FileResult:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1, initializer=_start_worker) as pool:
        try:
            return pool.submit(_check_in_worker, job).result()
        except BrokenProcessPool:
            return _aborted(job[0], WORKER_DIED)


def _start_worker() -> None:
    """A worker ends at once and says nothing when the run is stopped: Ctrl-C reaches the whole process
    group and the run says 已中斷 itself, and the pool stops its workers with SIGTERM, which the handler
    a forked worker inherits from the CLI would turn into a traceback on the terminal."""
    import signal

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _send_compactly()


def _check_in_worker(job: tuple[str, CheckOptions]) -> FileResult:
    result = check_file(*job)
    if result.plan is not None:
        result.plan.catalog = None  # sent back to the parent once, not once per file
    return result


def check_files(
    files: Paths,
    options: CheckOptions = CheckOptions(),
    progress: Callable[[], None] | None = None,
) -> list[FileResult]:
    """Load and check many plans, in the order given, one process per core when there are many (the work
    is CPU-bound Python, which threads would not spread)."""
    jobs = [(str(f), options) for f in _one_or_many(files)]  # as the caller spelled them: its keys to the results
    workers = min(os.cpu_count() or 1, 8)
    results: list[FileResult] = []
    if len(jobs) >= PARALLEL_FROM and workers > 1:
        catalogs: dict[int | None, Catalog] = {}  # per plan year: finding a year's catalog lists its folders
        for result in _in_workers(jobs, workers):
            if (plan := result.plan) is not None:  # the catalog check_file read it with, left behind
                year = plan.year if plan.year is not None else options.year
                if year not in catalogs:
                    catalogs[year] = _catalog_for(plan, options.catalog, options.year)
                plan.catalog = catalogs[year]
            results.append(result)
            if progress:
                progress()
    else:
        for path, _ in jobs:
            results.append(check_file(path, options))
            if progress:
                progress()
    return results


def refuse_unreadable(results: Sequence[FileResult]) -> None:
    """Stop a run that would leave out the files it cannot read (a merge, a printout of many): every one
    named, and how to go on without them."""
    bad = [r for r in results if r.error]
    if bad:
        listed = "；".join(shown_path(r.error or "") for r in bad)
        raise MergeError(
            f"{len(bad)} 個檔案無法讀取，未寫出任何檔案（可加 --skip-bad 略過）：{listed}",
            code=ErrorCode.MERGE_UNREADABLE,
        )


def as_paths(inputs: Paths) -> list[Path]:
    """The inputs of a library call, one path given alone (``run_check("收件匣")``) as a list of one: a str
    is iterable too, and was taken for the inputs 收、件、匣 (「收：找不到檔案或資料夾」); a Path raised TypeError."""
    return [Path(path) for path in _one_or_many(inputs)]


def _one_or_many(inputs: Paths) -> list[str | Path]:
    return [inputs] if isinstance(inputs, str | os.PathLike) else list(inputs)


def find_workbooks(inputs: Paths) -> list[Path]:
    """Files as given, and inside folders (recursively, in natural order: 第2組 before 第10組) every plan
    any command reads — workbooks and ``xltool read``'s JSON — without Excel's ~$ lock files and hidden
    files, each once. Every command that takes folders finds the same files here (a second rule once
    left a unit that sent JSON missing from merge).

    A folder that cannot be listed (nested past the system's path limit, no permission) is returned as
    found, so reading it reports it in one line like any unreadable file and every other file still counts.
    """
    return find_inputs(inputs)[0]


def find_inputs(inputs: Paths, besides: Iterable[Path] = ()) -> tuple[list[Path], list[Path]]:
    """:func:`find_workbooks`' plans, and in the same walk the files of the folders that are not plans (a
    zipped attachment, a PDF or Word file sent instead of the workbook; not lock or hidden files): a unit
    that sent one is not 未收 without a word. Files named one by one are never left out (reading them
    says what they are); ``besides``, the files a command reads for something else (the roster, often
    kept in the inbox), are neither plans nor others when a folder holds them."""
    inputs = as_paths(inputs)
    found: list[Path] = []
    others: list[Path] = []
    aside = {same_file(path) for path in besides}
    for given in inputs:
        try:
            folder, there = given.is_dir(), given.exists()
        except OSError as error:  # a name no disk takes (past 255 bytes): asking about it raises
            raise InputError(system_reason(error), given, code=ErrorCode.INPUT_MISSING) from None
        if folder:
            plans, left = _walk(given)
            found += sorted((path for path in plans if same_file(path) not in aside), key=natural_key)
            others += [path for path in left if same_file(path) not in aside]
        elif there:
            found.append(given)
        else:
            raise InputError("找不到檔案或資料夾", given, code=ErrorCode.INPUT_MISSING)
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(same_file(path), path)
    if not unique:
        where = "、".join(map(str, inputs)) or None
        names = [str(path) for path in packed(others)]
        unpack = f"；有壓縮檔（{'、'.join(names[:3])}{' 等' if len(names) > 3 else ''}），請先解壓縮" if names else ""
        raise InputError(
            f"沒有找到任何活頁簿或計畫 JSON（.xlsx、.xlsm、.xls、.ods、.json）{unpack}", where, code=ErrorCode.NO_INPUTS
        )
    return list(unique.values()), sorted(others, key=natural_key)


PLAN_SUFFIXES = (*WORKBOOK_SUFFIXES, ".json")
# What a folder's plans are found among: an .xlsb too, though no command reads one. Reading it says what it is
# and how to save it, and a unit that sent its plan so is 無法讀取 and told how, not 未收 beside a file 「不是活頁簿」.
_FOUND_AS_PLANS = (*PLAN_SUFFIXES, BINARY_WORKBOOK)
ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z")  # a mailed plan often comes packed: xltool does not unpack it


def packed(paths: Iterable[Path]) -> list[Path]:
    """The packed files among ``paths`` (.zip .rar .7z): what they hold is read by no command."""
    return [path for path in paths if path.suffix.lower() in ARCHIVE_SUFFIXES]


def _walk(folder: Path) -> tuple[list[Path], list[Path]]:
    """The plan files under ``folder``, and the other files a person sees there (not hidden, not Excel's ~$
    lock files). A folder that cannot be listed is among the plans itself, and so is a name that looks like
    a plan but is no file (a pipe, a link whose file is gone): reading it says why, where it was passed over
    without a word."""
    plans: list[Path] = []
    others: list[Path] = []
    unlisted: list[OSError] = []
    for top, folders, names in os.walk(folder, onerror=unlisted.append):
        folders[:] = [name for name in folders if not name.startswith((".", "~$"))]
        for name in names:
            if name.startswith((".", "~$")):
                continue
            path = Path(top, name)
            if path.suffix.lower() not in _FOUND_AS_PLANS:
                others.append(path)
                continue
            plans.append(path)  # a pipe or a link to nothing named .xlsx too: reading it says what it is
    plans += [Path(os.fsdecode(error.filename)) for error in unlisted if error.filename is not None]
    return plans, others


_DIGITS = re.compile(r"(\d+)")


def natural_key(path: str | Path) -> tuple[tuple[int, int | str], ...]:
    """Sort key reading digit runs as numbers: 第2組 before 第10組, as a person would list them."""
    parts = _DIGITS.split(str(path).casefold())
    return tuple((1, int(part)) if part.isdecimal() else (0, part) for part in parts)


def relative_names(inputs: Paths, files: Iterable[Path]) -> dict[Path, Path]:
    """Each file's path under the folder it was found in (a file given by itself, or outside every folder
    given: its name), so copies made for many files can mirror where they came from, and stay in the folder
    they are made in. Paths are compared absolute, their .. taken out: as spelled, `check . ../其他/乙.xlsx`
    found 乙 under ".", and its copy, named ../其他/乙_檢查.xlsx there, was written beside 乙's plan."""
    folders = [Path(os.path.abspath(p)) for p in as_paths(inputs) if p.is_dir()]
    files = list(files)
    names: dict[Path, Path] = {}
    for file in files:
        where = Path(os.path.abspath(file))
        base = next((folder for folder in folders if where.is_relative_to(folder)), None)
        names[file] = where.relative_to(base) if base is not None else Path(file.name)
    if len({os.path.normcase(name) for name in names.values()}) < len(names):
        # Two units' folders given one by one, each with its 108年度廉政工作計畫.xlsx: named from the folder
        # that holds them all (甲/…, 乙/…), as when that folder is given.
        try:
            common = Path(os.path.commonpath([os.path.abspath(file.parent) for file in files]))
        except ValueError:  # on two drives: nothing holds them all; the copies' names are told apart later
            return names
        names = {file: Path(os.path.abspath(file)).relative_to(common) for file in files}
    return names


@dataclass
class Returned:
    """One unit's annotated copy, or why it has none (``needed`` False: the file has nothing to fix)."""

    file: str
    copy: Path | None = None
    reason: str = ""
    needed: bool = True
    kept: bool = False  # the copy is there from an earlier run and was left as it was (no --force)
    stale: Path | None = None  # a copy an earlier run made of this file, which this run does not return


RETURN_SUFFIX = "_檢查"  # before the copy's extension: .xlsx, or .xlsm for a macro-enabled workbook


def annotate_each(
    results: Sequence[FileResult],
    folder: Path,
    names: dict[Path, Path],
    outputs: Outputs,
    *,
    infos: bool = False,
    superseded: Mapping[str, str] | None = None,
) -> list[Returned]:
    """The annotated copy of every workbook with an error or a warning, in ``folder``, mirroring the
    inputs' folders and named <name>_檢查.xlsx (.xlsm for a macro-enabled one): each unit gets back its own
    file, marked, and a unit with nothing to fix gets nothing to read. A version ``superseded`` names
    (file → why another version of the unit counts, which gets the copy) gets none either: a unit is sent back the
    plan it is to fix; nor does a merged workbook (last round's 彙整), whose plans are every unit's. An .xls, an
    .ods or a Strict .xlsx is converted with LibreOffice first (cells stay where they were). A file that cannot
    have a copy is listed with the reason, and the others still get theirs."""
    from xltool.annotate import annotate_workbook, as_checked, copy_kind

    output_folder(folder, "--annotate-dir")
    workbooks = [Path(r.file) for r in results if r.plan is not None and Path(r.file).suffix.lower() != ".json"]
    tags = _stem_tags(workbooks, names)
    # The workbooks that get a copy: one named 乙_檢查.xlsx keeps its name unless a 乙.xlsx beside it gets one too
    books = set(workbooks)
    copied = [
        Path(r.file)
        for r in results
        if Path(r.file) in books and (r.errors or r.warnings) and not (superseded and r.file in superseded)
    ]
    stems = {_stem(w, names) for w in copied}
    returned: list[Returned] = []
    left: set[Path] = set()  # copies there from an earlier run, left as they were (no --force)

    def target_of(source: Path) -> Path:
        """<name>_檢查.xlsx in the inputs' folder there; an edited copy sent back (乙_檢查.xlsx) keeps its name."""
        name = names.get(source, Path(source.name))
        tag = tags.get(source, "")
        beside = _stem(source, names).removesuffix(os.path.normcase(RETURN_SUFFIX)) in stems
        suffix = "" if source.stem.endswith(RETURN_SUFFIX) and not tag and not beside else RETURN_SUFFIX
        return folder / name.with_name(source.stem + tag + suffix + copy_kind(source).suffixes[0])

    def no_copy(result: FileResult, reason: str) -> Returned:
        target = target_of(Path(result.file))
        return Returned(result.file, reason=reason, needed=False, stale=target if is_file(target) else None)

    for result in results:
        source = Path(result.file)
        if result.plan is None:
            returned.append(Returned(result.file, reason="無法讀取，未產生副本"))
            continue
        if source.suffix.lower() == ".json":
            returned.append(Returned(result.file, reason="JSON 不是活頁簿，沒有可標註的儲存格", needed=False))
            continue
        if superseded and result.file in superseded:
            returned.append(no_copy(result, f"{superseded[result.file]}，這個版本不退回"))
            continue
        if result.plan.is_merged():  # every unit's plan in one: no unit's to send back (each has its own)
            returned.append(no_copy(result, "已彙整的活頁簿，含各單位的計畫，不退回（各單位的副本由各自的檔案標註）"))
            continue
        if not (result.errors or result.warnings):
            returned.append(no_copy(result, "沒有錯誤或警告，不需退回"))
            continue
        try:
            target = target_of(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            outputs.claim(target)
            book = as_checked(source, result.plan)
            annotate_workbook(book, result.findings, target, infos=infos, outputs=outputs, plan=result.plan)
        except (XltoolError, OSError) as error:
            if isinstance(error, XltoolError):  # the source need not be named twice; an output is named
                reason = error.message if error.path in (None, str(source)) else str(error)
            else:
                reason = system_reason(error)
            kept = isinstance(error, XltoolError) and error.code == ErrorCode.OUTPUT_EXISTS
            if kept and _older(target, source):  # a unit sent a new version since the copy was made
                reason = (
                    f"{target}：已有這份副本，但它是依較舊的版本做的（收到的檔案之後又更新了）；如要覆寫請加上 --force"
                )
            returned.append(Returned(result.file, reason=reason, kept=kept))
            if kept:
                left.add(target)
            continue
        except MemoryError:  # freed on the way here: the other units still get their copies
            returned.append(Returned(result.file, reason=NO_MEMORY_FOR_COPY))
            continue
        returned.append(Returned(result.file, target))
    made = {one.copy for one in returned if one.copy is not None} | left
    for one in returned:
        if one.stale in made:  # the copy of the unit's counted version, made again or left as it was (said)
            one.stale = None
    return returned


def _older(copy: Path, source: Path) -> bool:
    """Whether a copy left from an earlier run was written before its source was last changed."""
    try:
        return copy.stat().st_mtime < source.stat().st_mtime
    except OSError:
        return False


def _stem_tags(sources: Sequence[Path], names: Mapping[Path, Path]) -> dict[Path, str]:
    """What tells apart the copies of workbooks that would be one file: two of one folder with one name and
    two extensions (甲.xlsx and 甲.ods; a .xls and an .xlsx both called 108年度廉政工作計畫 by two units).
    Each copy of those carries the extension it came with (甲_ods_檢查.xlsx); two whose extensions differ
    only in case, as a disk that tells case apart can hold (計畫.xlsx, 計畫.XLSX), as written."""
    count = Counter(_stem(source, names) for source in sources)
    shared = [source for source in sources if count[_stem(source, names)] > 1]
    cased = Counter((_stem(source, names), source.suffix.lower()) for source in shared)
    return {
        source: "_"
        + (source.suffix[1:] if cased[_stem(source, names), source.suffix.lower()] > 1 else source.suffix[1:].lower())
        for source in shared
    }


def _stem(source: Path, names: Mapping[Path, Path]) -> str:
    """A workbook's place among the copies: its path under its input folder, without the extension, as
    the file system compares names (Windows: whatever the case)."""
    return os.path.normcase(str(names.get(source, Path(source.name)).with_suffix("")))


def split_units(plan: Plan) -> list[Plan]:
    """A merged workbook's plan as one plan per unit (its rows name their unit); a unit's plan as it is."""
    if not plan.is_merged():
        return [plan]
    plans: dict[str, Plan] = {}
    for item in plan.items:
        unit = item.unit or plan.unit
        if unit not in plans:
            plans[unit] = replace(plan, unit=unit, items=[], notices=[])
        plans[unit].items.append(item)
    return list(plans.values())


def write_template(path: str | Path, **options: Any) -> Path:
    """The input template with its 檢查 column: :func:`xltool.template.write_template` (same options)
    given the live twins of the rule table. The writer does not import the rules; this is where the two meet."""
    from xltool import template

    options.setdefault("checks", LIVE_RULES)
    return template.write_template(path, **options)
