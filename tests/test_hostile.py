"""Hostile inputs, round 2: text that looks like a link, a formula or a number stays text in every output;
a signal during start-up, a line feed or an ESC in a file name, an unreadable catalog folder and a JSON
plan that is not valid text are each one zh-TW line (or a notice) and an ordinary exit status."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, MODULE, Runner
from xltool.reader import read_plan

# What xlsxwriter would make a live link of (strings_to_urls), and what a spreadsheet would run.
LINKS = [
    "http://evil.example/x",
    "https://evil.example/a?b=c",
    "ftp://evil.example/f",
    "mailto:someone@evil.example",
    "external:\\\\evil\\share\\a.xlsx",
    "external:/etc/passwd",
    "internal:'計畫表'!A1",
]
FORMULAS = ["=1+1", "+1+1", "-2+3", "@SUM(1,2)", '=HYPERLINK("http://evil.example","按我")']
NUMBERS = ["0012", "1e5", "3.0"]
HOSTILE = LINKS + FORMULAS + NUMBERS


def hostile_plan(folder: Path, unit: str = "http://evil.example/unit") -> Path:
    """A plan in xltool's JSON whose every text field, and its unit, is something a writer could turn
    into a link, a formula or a number."""
    items = [
        {
            "goal_no": "壹",
            "goal": "目標",
            "item_no": "一",
            "practice": text,
            "schedule": "108.01-12",
            "budget": 5,
            "category": text,
            "performance": text,
            "remark": text,
        }
        for text in HOSTILE
    ]
    path = folder / "惡意.json"
    path.write_text(json.dumps({"unit": unit, "year": 108, "items": items}, ensure_ascii=False), encoding="utf-8")
    return path


def live_content(path: Path) -> list[str]:
    """What in a package could act when its user clicks or recalculates: external relationships,
    hyperlinks, and formulas that hold anything of the hostile texts."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name).decode("utf-8", "replace")
            if name.endswith(".rels") and re.search(r'TargetMode="External"|/hyperlink"', data):
                found.append(f"{name}: external or hyperlink relationship")
            for link in re.findall(r"<(?:\w+:)?hyperlink\b[^>]*>", data):
                # xltool's own links jump to a cell of the workbook (檢查結果 → the cell): a location, no target
                if "r:id=" in link or not re.search(r'location="(?:\'[^\'!]+\'|[^\'!"]+)![A-Z]{1,3}[0-9]+"', link):
                    found.append(f"{name}: {link}")
            for formula in re.findall(r"<(?:\w+:)?f\b[^>]*>([^<]*)<", data):
                if "evil" in formula or "HYPERLINK" in formula.upper() or "SUM(1,2)" in formula:
                    found.append(f"{name}: formula {formula}")
    return found


def test_no_output_turns_an_officers_text_into_a_link_a_formula_or_a_number(xltool: Runner, tmp_path: Path) -> None:
    from xltool.pipeline import load_plan, write_template

    plan = hostile_plan(tmp_path)
    workbook = tmp_path / "惡意.xlsx"  # the same plan typed into a template
    read = load_plan(plan)
    write_template(workbook, year=108, unit=read.unit, items=read.items)
    outputs = {
        "template": ["template", "--unit", LINKS[4], "--year", "108", "-o", tmp_path / "範本.xlsx"],
        "import": ["import", workbook, "--year", "108", "-o", tmp_path / "匯入.xlsx"],
        "rollover": ["rollover", workbook, "--year", "109", "-o", tmp_path / "明年.xlsx"],
        "check --annotate": ["check", workbook, "--annotate", tmp_path / "標註.xlsx"],
        "check --fix": ["check", workbook, "--fix", tmp_path / "修正.xlsx"],
        "render -o": ["render", plan, "-o", tmp_path / "列印.xlsx"],
        "render --docx": ["render", plan, "--docx", tmp_path / "文件.docx"],
        "merge --by-unit": ["merge", plan, workbook, "--allow-duplicate-units", "--by-unit", "-o", tmp_path / "彙整.xlsx"],
        "diff --annotate": ["diff", plan, workbook, "--annotate", tmp_path / "比對.xlsx"],
    }  # fmt: skip
    written = {"typed": workbook}
    for what, args in outputs.items():
        code, _, err = xltool(*args)
        assert code in (0, 1), f"{what}: {err}"
        written[what] = Path(args[args.index("-o") + 1] if "-o" in args else args[-1])
    for what, path in written.items():
        assert live_content(path) == [], what
    # and the texts are there, as typed: a link is not shortened, an external: path not rewritten
    for what in ("typed", "import", "rollover", "check --annotate", "check --fix"):
        practices = [item.practice for item in read_plan(written[what]).items]
        assert practices == HOSTILE, what
    merged = read_plan(written["merge --by-unit"])
    assert [item.category_written for item in merged.items[: len(HOSTILE)]] == HOSTILE
    stats = zipfile.ZipFile(written["merge --by-unit"]).read("xl/workbook.xml").decode()
    assert "統計" in stats


def test_a_template_for_a_unit_named_like_a_link_keeps_the_name_as_text(tmp_path: Path) -> None:
    from xltool.pipeline import write_template

    path = write_template(tmp_path / "t.xlsx", year=108, unit=LINKS[4], rows=3)
    assert live_content(path) == []
    assert read_plan(path).unit == LINKS[4]


# --- a signal during start-up ---------------------------------------------------------------------------


@pytest.mark.slow  # two dozen processes, started and stopped
def test_sigterm_during_start_up_is_an_ordinary_interruption(tmp_path: Path) -> None:
    """Sent at moments spread over the start-up (imports, registering the command, reading): never a
    traceback, always the status of a terminated run."""
    for n in range(24):
        child = subprocess.Popen(
            [*MODULE, "check", str(EXAMPLE)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
        )  # fmt: skip
        time.sleep(0.01 + n * 0.012)
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=60)
        assert "Traceback" not in err, err
        # killed by the signal before Python ran xltool, or ended by it as 128 + 15; or done before it came
        assert child.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM, 0), (child.returncode, err)


def test_an_error_that_follows_a_sigterm_ends_as_the_interruption(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A SIGTERM that lands while calamine reads the file from Python raises inside calamine's read, which
    reports it as a damaged zip: the run said 「活頁簿內容損毀」 and exit 2 (the start-up test above, once in a
    CI run). After a stop was asked for, whatever error follows is the stop's."""
    from xltool import cli

    cli._received.append(signal.SIGTERM)
    try:
        status = cli.run(["check", str(tmp_path / "不存在.xlsx")])
    finally:
        cli._received.clear()
    err = capsys.readouterr().err
    assert status == 128 + signal.SIGTERM and "已中斷" in err and "找不到" not in err


# --- names that would break a line or drive the terminal ----------------------------------------------


def test_a_line_feed_or_an_escape_in_a_file_name_stays_on_one_line(xltool: Runner, tmp_path: Path) -> None:
    bad = tmp_path / "壞\n檔\x1b[31m.xlsx"
    bad.write_text("這不是活頁簿", encoding="utf-8")
    code, out, err = xltool("check", bad)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "\x1b" not in err and "壞\\x0a檔\\x1b[31m.xlsx" in err
    good = tmp_path / "好\n計畫.xlsx"
    shutil.copyfile(EXAMPLE, good)
    code, out, err = xltool("check", good, bad)
    assert code == 2
    assert all("\x1b" not in line for line in out.splitlines())
    assert sum("好\\x0a計畫.xlsx" in line for line in out.splitlines()) == 2  # its report and its summary line
    code, _, err = xltool("merge", good, "-o", tmp_path / "彙整\x1b\x07\n.xlsx")
    assert code == 0
    assert "\x1b" not in err and "\x07" not in err and "彙整\\x1b\\x07\\x0a.xlsx" in err


def test_a_mark_that_reorders_or_hides_text_in_a_file_name_is_shown_not_obeyed(xltool: Runner, tmp_path: Path) -> None:
    """U+202E (right-to-left override) made 「單位\u202eslx.exe」 show as a name ending in .exe, and a
    zero-width space made two units' files look the same: each is shown as its code."""
    spoofed = tmp_path / "單位\u202excod.xlsx"
    shutil.copyfile(EXAMPLE, spoofed)
    twin = tmp_path / "金門\u200b縣.xlsx"
    shutil.copyfile(EXAMPLE, twin)
    _, out, _ = xltool("check", spoofed, twin)
    assert "\u202e" not in out and "\u200b" not in out
    assert "單位\\u202excod.xlsx" in out and "金門\\u200b縣.xlsx" in out


def test_a_file_name_that_looks_like_markup_is_shown_as_written_on_the_progress_bar(
    xltool: Runner, tmp_path: Path
) -> None:
    """A folder of twenty plans shows a progress bar on a terminal, naming each file: 「[bold]」 in a name
    was obeyed as rich's markup (and a closing tag with nothing open stops rich), an ESC written out."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for n in range(20):
        shutil.copyfile(EXAMPLE, inbox / f"{n:02d}[bold]壞[red]\x1b[31m.xlsx")
    ran = xltool("check", inbox, "--format", "json", terminal=True)
    assert ran.status == 0 and "Traceback" not in ran.err
    assert "\x1b[31m" not in ran.err and "[bold]壞[red]\\x1b[31m.xlsx" in ran.err  # shown, escaped


# --- catalog folders that cannot be looked into ----------------------------------------------------------


def test_a_catalog_folder_that_cannot_be_read_is_passed_over_with_a_notice(
    xltool: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    too_long = str(tmp_path / ("長" * 2000))  # the system refuses the name itself (ENAMETOOLONG)
    monkeypatch.setenv("XLTOOL_CATALOGS", too_long)
    code, out, err = xltool("check", EXAMPLE)
    assert code == 0 and "0 個錯誤" in out
    assert "無法讀取分類清單資料夾" in err and len(err.strip().splitlines()) == 1


def as_an_ordinary_user() -> list[str]:
    """python -m xltool, and as root without the capabilities that override permissions: setpriv drops them
    for the command (the real kernel check, as an ordinary user meets it)."""
    if os.geteuid() != 0:
        return [*MODULE]
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's override of permissions")
    drop = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}", *MODULE]


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_catalog_folder_without_permission_is_passed_over(tmp_path: Path, xltool_process: Runner) -> None:
    """The folder an office shares, which this user may not read: exit 0 with a notice, not exit 3."""
    folder = tmp_path / "清單"
    folder.mkdir()
    (folder / "108.toml").write_text("不是清單", encoding="utf-8")
    folder.chmod(0)
    command = as_an_ordinary_user()
    try:
        done = xltool_process("check", EXAMPLE, command=command, env={"XLTOOL_CATALOGS": str(folder)})
    finally:
        folder.chmod(0o755)
    assert done.status == 0, done.err
    assert "無法讀取分類清單資料夾" in done.error_line()


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_return_this_user_may_not_read_is_named_and_the_rest_checked(tmp_path: Path, xltool_process: Runner) -> None:
    folder = tmp_path / "收件"
    folder.mkdir()
    shutil.copyfile(EXAMPLE, folder / "甲.xlsx")
    locked = folder / "乙.xlsx"
    shutil.copyfile(EXAMPLE, locked)
    locked.chmod(0)
    done = xltool_process("check", folder, "-f", "json", command=as_an_ordinary_user())
    files = {Path(f["file"]).name: f for f in json.loads(done.out)["files"]}
    assert done.status == 2 and files["乙.xlsx"]["error_code"] == "INPUT_NO_PERMISSION"
    assert files["甲.xlsx"]["totals"]["budget"] == 1865
    # named on the command line, it is the same line, not a usage error from the option parser
    done = xltool_process("check", locked, command=as_an_ordinary_user())
    assert done.status == 2 and "沒有讀取這個檔案的權限" in done.error_line() and "用法錯誤" not in done.err


# --- a JSON plan that is not valid text ---------------------------------------------------------------------


def test_a_json_plan_with_a_lone_surrogate_is_read_with_a_replacement_and_a_notice(
    xltool: Runner, tmp_path: Path
) -> None:
    path = tmp_path / "壞字.json"
    # a budget that is no amount is kept as text in read's JSON: it was taken as it came (read -f json, render and
    # rollover ended in 「xltool 內部錯誤」)
    item = {"goal_no": "壹", "goal": "目標", "item_no": "一", "practice": "辦理宣導 3 場\ud800", "schedule": "108.01-12",
            "budget": "另案\ud800", "category": "防貪業務", "performance": "無"}  # fmt: skip
    # json.dumps writes the lone surrogate as the escape \ud800, which is how such a file arrives
    path.write_text(json.dumps({"unit": "某\udfff處", "year": 108, "items": [item]}), encoding="utf-8")
    for args in (
        ["read", path, "--format", "csv", "-o", tmp_path / "a.csv"],
        ["merge", path, "-o", tmp_path / "彙整.xlsx"],
        ["render", path, "--docx", tmp_path / "a.docx"],
        ["check", path],
        ["read", path, "--format", "json"],
        ["rollover", path, "--year", "109", "-o", tmp_path / "109.xlsx"],
    ):
        code, _, err = xltool(*args)
        assert code in (0, 1), (args, err)
        assert "代理字元" in err, args
    merged = read_plan(tmp_path / "彙整.xlsx")
    assert merged.items[0].practice == "辦理宣導 3 場\ufffd" and merged.items[0].unit == "某\ufffd處"
    assert "辦理宣導 3 場\ufffd" in (tmp_path / "a.csv").read_bytes().decode("utf-8-sig")
    assert (
        merged.items[0].budget_info.written
        == read_plan(tmp_path / "109.xlsx").items[0].budget_info.written
        == "另案\ufffd"
    )


def test_a_sigterm_python_wrapped_while_a_module_loads_is_still_an_interruption(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python wraps what a class body's ``__set_name__`` raises in a RuntimeError: a SIGTERM that came while a
    command's module defined its dataclasses (the test above met it once) ended as 「xltool 內部錯誤」, exit 3."""
    import xltool.cli as cli

    def loading(args: object) -> None:  # the command's modules being imported, the signal arriving meanwhile
        class Arriving:
            def __set_name__(self, owner: type, name: str) -> None:
                raise cli.Terminated(signal.SIGTERM)

        class Defined:
            field = Arriving()

    monkeypatch.setattr(cli, "_register", loading)
    assert cli.run(["check", str(EXAMPLE)]) == 128 + signal.SIGTERM
    assert capsys.readouterr().err.strip() == "已中斷。"


# --- stopping a run read in worker processes --------------------------------------------------------------


def _workers_reading(tmp_path: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    """A check of 400 plans (about a second of reading on two cores) in its own process group, once its
    workers are reading: the run and its workers' process ids."""
    folder = tmp_path / "收件"
    folder.mkdir()
    for n in range(400):
        shutil.copyfile(EXAMPLE, folder / f"單位{n:03d}.xlsx")
    child = subprocess.Popen(
        [*MODULE, "check", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    children = Path(f"/proc/{child.pid}/task/{child.pid}/children")
    for _ in range(600):  # until the workers are reading
        if len(children.read_text().split()) >= 2:
            break
        time.sleep(0.01)
    time.sleep(0.2)
    assert child.poll() is None, "the run ended before it could be stopped"
    return child, [int(pid) for pid in children.read_text().split()]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_run_stopped_while_workers_read_says_only_that_it_stopped(tmp_path: Path, sig: signal.Signals) -> None:
    """Ctrl-C reaches the run and its workers (the terminal signals the whole foreground group); SIGTERM
    reaches the run, which stops its workers. Either way one line, 已中斷, and no worker's traceback."""
    child, _ = _workers_reading(tmp_path)
    if sig == signal.SIGINT:
        os.killpg(child.pid, sig)
    else:
        child.send_signal(sig)
    _, err = child.communicate(timeout=60)
    assert err.decode().strip() == "已中斷。", err.decode()
    assert child.returncode == (130 if sig == signal.SIGINT else 128 + sig)


def test_ctrl_c_while_a_worker_is_sending_its_results_still_ends_the_run(tmp_path: Path) -> None:
    """A worker ended by Ctrl-C in the middle of sending a result leaves half a message in the pipe, and the
    pool's thread waits forever for the rest: the run hung (seen in the test above on a busy machine).
    Made certain here: the run is paused so that no result is taken in, its workers fill the pipe and
    wait in the middle of a message (eight plans, ~110 KB, against a 64 KB pipe) and are ended there by
    Ctrl-C; then the run goes on and gets its own Ctrl-C. (Signalled while paused, the run itself could
    take it on a thread other than its main one, which Python does not wake: a pause's artefact.)"""
    child, workers = _workers_reading(tmp_path)
    os.kill(child.pid, signal.SIGSTOP)
    time.sleep(1.0)  # each worker finishes a chunk of eight plans and blocks sending it
    for worker in workers:
        os.kill(worker, signal.SIGINT)
    os.kill(child.pid, signal.SIGCONT)
    time.sleep(0.2)  # the pool's thread reads the half message and waits for the rest
    os.kill(child.pid, signal.SIGINT)
    try:
        _, err = child.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        pytest.fail("the run hung after Ctrl-C")
    assert err.decode().strip() == "已中斷。", err.decode()
    assert child.returncode == 130


def test_an_output_in_a_folder_this_user_may_not_write_is_refused_before_any_is_written(
    tmp_path: Path, xltool_process: Runner
) -> None:
    """merge -o 彙整.xlsx --chase 唯讀/待催.csv wrote the merged workbook, then refused the chase list
    and said nothing of the workbook: each output is looked at before the work, the folder's permission too."""
    locked = tmp_path / "唯讀"
    locked.mkdir()
    locked.chmod(0o555)
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n金門縣政府政風處\n", encoding="utf-8")
    merged = tmp_path / "彙整.xlsx"
    try:
        done = xltool_process("merge", EXAMPLE, "-o", merged, "--roster", roster, "--chase", locked / "待催.csv",
                              command=as_an_ordinary_user())  # fmt: skip
    finally:
        locked.chmod(0o755)
    assert done.status == 2 and "沒有在這個資料夾寫入檔案的權限" in done.error_line()
    assert not merged.exists()


def test_an_output_whose_folder_is_a_file_says_so(tmp_path: Path, xltool: Runner) -> None:
    """It said the folder was moved or replaced by a file during the run: it was a file from the start."""
    (tmp_path / "甲.xlsx").write_bytes(b"x")
    done = xltool("merge", EXAMPLE, "-o", tmp_path / "甲.xlsx" / "彙整.xlsx")
    assert (done.status, done.code) == (2, "OUTPUT_NO_FOLDER") and "是一個檔案，不是資料夾" in done.error_line()


def test_an_annotate_folder_this_user_may_not_write_is_refused_before_the_files_are_checked(
    tmp_path: Path, xltool_process: Runner
) -> None:
    """An --annotate-dir that is there already but not this user's to write in: every file was checked, and
    then each got 「未產生副本：沒有…權限」."""
    locked = tmp_path / "退回"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        done = xltool_process("check", EXAMPLE, "--annotate-dir", locked, command=as_an_ordinary_user())
    finally:
        locked.chmod(0o755)
    assert done.status == 2 and "沒有在這個資料夾寫入檔案的權限" in done.error_line() and done.out == ""


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2"'
)


def _ods_linking(path: Path, links: list[str]) -> Path:
    """A plan as an .ods whose last row shows an image from each of ``links`` (a web beacon, a share)."""

    def cell(value: object) -> str:
        number = f' office:value="{value}"' if isinstance(value, int) else ""
        kind = "float" if number else "string"
        return f'<table:table-cell office:value-type="{kind}"{number}><text:p>{value}</text:p></table:table-cell>'

    rows = [
        ["機關名稱", "測試政風室", "", "年度", 108],
        ["計畫目標", "具體作法", "預定進度", "備考(預算金額 單位：千元)", "業務類別", "提列績效對應項目(新增)"],
        ["壹、遵行政策", "一、辦理廉政會報，檢視風險", "108.13", 5, "綜合規劃業務", "無"],
    ]
    body = "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
    frames = "".join(
        f'<draw:frame svg:width="1cm" svg:height="1cm"><draw:image xlink:href="{link}" xlink:type="simple"/></draw:frame>'
        for link in links
    )
    body += f"<table:table-row><table:table-cell>{frames}</table:table-cell></table:table-row>"
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}><office:body><office:spreadsheet>'
        f'<table:table table:name="計畫表">{body}</table:table></office:spreadsheet></office:body></office:document-content>'
    )
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
        )
        package.writestr("content.xml", content.encode(), zipfile.ZIP_DEFLATED)
    return path


@pytest.fixture
def beacon() -> Iterator[tuple[int, list[str]]]:
    """A web server on this machine that notes each address asked of it: a file's link that LibreOffice
    fetched would show here (the port, and the paths asked for)."""
    import http.server
    import threading

    asked: list[str] = []

    class Beacon(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_HEAD = do_OPTIONS = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Beacon)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], asked
    server.shutdown()


@pytest.mark.usefixtures("office")
def test_an_ods_converted_for_its_copy_fetches_nothing_it_links_to(
    tmp_path: Path, xltool: Runner, beacon: tuple[int, list[str]]
) -> None:
    """An .ods that shows an image from the web: LibreOffice, converting it for --annotate, fetched it three
    times, telling whoever sent the file when and where it was opened (a \\\\server\\share would hand a
    Windows user's login hash over). The copy is made; nothing outside the file is asked for."""
    port, asked = beacon
    plan = _ods_linking(tmp_path / "計畫.ods", [f"http://127.0.0.1:{port}/beacon.png", f"HTTP://127.0.0.1:{port}/b2"])
    done = xltool("check", plan, "--annotate", tmp_path / "標註.xlsx")
    assert done.status == 1, done.err  # the plan's 108.13
    assert (tmp_path / "標註.xlsx").is_file() and asked == []


def test_only_links_out_of_an_ods_are_emptied_before_libreoffice_opens_it(tmp_path: Path) -> None:
    """A picture inside the package stays; one on the web, on a share, on a drive, escaped or out of the
    package goes, whatever the link's prefix; a hyperlink in the text (never followed on opening) stays."""
    from xltool.inputs import inspect_workbook
    from xltool.odf import offline

    inside = ["Pictures/1000000000000010.png", "./Object 1"]
    outside = [
        "http://evil.example/b.png",
        "\\\\evil\\share\\b.png",
        "file:///C:/b.png",
        "C:\\b.png",
        "/etc/b.png",
        "../b.png",
        "Pictures/../../b.png",
        "&#104;ttp://evil.example/b.png",
    ]
    path = _ods_linking(tmp_path / "連結.ods", inside + outside)
    with zipfile.ZipFile(path, "a") as package:  # other prefixes for the links, a base that moves them, and
        package.writestr(  # a fake tag in a comment that hid the real one after it
            "styles.xml",
            '<s xmlns:l="http://www.w3.org/1999/xlink" xmlns:連="http://www.w3.org/1999/xlink" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
            "<i l:href='http://evil.example/c.png' xml:base=\"http://evil.example/\"/>"
            '<i 連:href="http://evil.example/d.png"/><!-- <a b=\' --><i l:href="http://evil.example/e.png"/><!-- \' -->'
            '<text:a l:href="http://example.gov.tw/">網站</text:a></s>',
        )
    changed = offline(inspect_workbook(path))
    content, styles = changed["content.xml"].decode(), changed["styles.xml"].decode()
    assert all(f'"{link}"' in content for link in inside)
    assert "evil" not in content and "b.png" not in content and content.count('xlink:href=""') == len(outside)
    assert "evil" not in styles and 'l:href="http://example.gov.tw/"' in styles


def test_a_name_no_disk_takes_is_one_line_given_or_made(tmp_path: Path, xltool: Runner) -> None:
    """A file name of 254 bytes (Linux takes up to 255): given on the command line, asking whether it was
    there raised, and check ended with 「內部錯誤」; in a folder with --annotate-dir, its copy's name (with
    「_檢查」) was past the limit, and asking whether an old copy was there ended the run the same way."""
    long_name = "金門縣政府政風處" * 10 + "計畫表.xlsx"  # 254 bytes
    done = xltool("check", tmp_path / ("甲" * 100 + ".xlsx"))
    assert done.status == 2 and done.err.count("\n") == 1 and "檔名超過系統的長度上限" in done.err
    inbox = tmp_path / "收件"
    inbox.mkdir()
    shutil.copy(EXAMPLE, inbox / "甲.xlsx")
    shutil.copy(EXAMPLE, inbox / long_name)
    done = xltool("check", inbox, "--annotate-dir", tmp_path / "退回")
    assert "內部錯誤" not in done.err and done.status in (0, 1), done.err
    assert (tmp_path / "退回" / "甲_檢查.xlsx").is_file()


@pytest.mark.parametrize(
    ("template", "workbook", "copy"),
    [
        ("spreadsheetml.template.main+xml", "spreadsheetml.sheet.main+xml", "標註.xlsx"),
        ("ms-excel.template.macroEnabled.main+xml", "ms-excel.sheet.macroEnabled.main+xml", "標註.xlsm"),
    ],
)
def test_a_copy_of_an_excel_template_is_a_workbook(
    tmp_path: Path, xltool: Runner, template: str, workbook: str, copy: str
) -> None:
    """A plan kept as an Excel template (.xltx, or one renamed .xlsx): its --annotate and --fix copies kept the
    template's type under a .xlsx name, which Excel refuses to open (「檔案格式或副檔名無效」)."""
    source = tmp_path / "計畫.xltx"
    with zipfile.ZipFile(EXAMPLE) as example, zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as out:
        for info in example.infolist():
            data = example.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"spreadsheetml.sheet.main+xml", template.encode())
            out.writestr(info.filename, data)
    for option in ("--annotate", "--fix"):
        target = tmp_path / f"{option.strip('-')}{copy}"
        assert xltool("check", source, option, target).status == 0
        with zipfile.ZipFile(target) as made:
            types = made.read("[Content_Types].xml").decode()
        assert workbook in types and "template" not in types


@pytest.mark.usefixtures("office")
def test_libreoffice_fetches_nothing_a_file_links_to_while_it_converts_it(
    tmp_path: Path, beacon: tuple[int, list[str]]
) -> None:
    """Whatever a file's links escape (an .xls's linked picture, which nothing rewrites before LibreOffice opens
    it): LibreOffice converts it through a proxy nothing listens on, and asks the web for nothing."""
    from xltool.office import convert

    port, asked = beacon
    plan = _ods_linking(tmp_path / "計畫.ods", [f"http://127.0.0.1:{port}/beacon.png"])
    xls = convert(plan, "xls:MS Excel 97", tmp_path / "xls")  # the picture's link kept in the .xls
    convert(xls, "xlsx", tmp_path / "xlsx")
    assert asked == []


@pytest.mark.usefixtures("office")
def test_an_ods_libreoffice_must_convert_is_named_as_given(tmp_path: Path, xltool: Runner) -> None:
    """An .ods saved under a .xlsx name was copied for LibreOffice under that name and converted onto itself
    (「LibreOffice 的安裝可能已損壞」); an .ods LibreOffice cannot load was named by the scratch copy
    (/tmp/xltool-copy-…/copy.ods). The first is annotated; the second is one line naming the officer's file."""
    disguised = _ods_linking(tmp_path / "計畫.xlsx", [])
    done = xltool("check", disguised, "--annotate", tmp_path / "標註.xlsx")
    assert done.status == 1 and (tmp_path / "標註.xlsx").is_file(), done.err
    refused = _ods_linking(tmp_path / "計畫.ods", [])
    with zipfile.ZipFile(refused, "a") as package:  # a declaration LibreOffice will not load, xltool reads past
        package.writestr("styles.xml", '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY e "x">]><s/>')
    done = xltool("check", refused, "--annotate", tmp_path / "標註2.xlsx")
    assert done.status == 2 and done.err.count("\n") == 1  # LibreOffice refused it (LibreOffice 7.4)
    assert done.err.startswith(f"錯誤：{refused}：") and "xltool-copy" not in done.err and "javaldx" not in done.err


def test_a_long_source_file_in_last_rounds_merge_is_no_hang(tmp_path: Path, xltool: Runner) -> None:
    """A 來源檔案 of 16,000 folders (32,000 characters, which a cell holds) in last round's 彙整, beside the
    unit's newer file: looking for the copy an earlier run left of it built and looked for every tail of the
    path, a minute a row, and `check --annotate-dir` of the inbox stood still."""
    from openpyxl import load_workbook

    from tests.conftest import run_process

    second = tmp_path / "乙政風處.xlsx"
    book = load_workbook(EXAMPLE)
    book["計畫表"]["B2"] = "乙政風處"
    book.save(second)
    merged = tmp_path / "第一輪.xlsx"
    assert xltool("merge", EXAMPLE, second, "-o", merged).status == 0
    book = load_workbook(merged)
    sheet = book["彙整"]
    column = next(cell.column for cell in sheet[3] if cell.value == "來源檔案")
    for row in range(4, sheet.max_row + 1):
        if sheet.cell(row, 1).value == "乙政風處":
            sheet.cell(row, column).value = "a/" * 16_000 + f"f{row}.xlsx"
    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    book.save(inbox / "第一輪.xlsx")
    shutil.copy(second, inbox / "乙政風處.xlsx")
    done = run_process("check", inbox, "--annotate-dir", tmp_path / "退回", timeout=60)
    assert done.status == 1 and "Traceback" not in done.err
    assert (tmp_path / "退回" / "乙政風處_檢查.xlsx").exists()


def test_a_catalog_holding_a_number_of_thousands_of_digits_is_one_line_naming_the_catalog(
    tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An integer past Python's 4,300 digits is valid TOML that tomllib's int() refuses with a ValueError: check,
    template and catalog ended in 「xltool 內部錯誤：ValueError: Exceeds the limit…」, and a catalog found through
    XLTOOL_CATALOGS made check say the officer's workbook was 「活頁簿內容損毀」. A number short of that, which
    the template would write into its formulas, is refused too."""
    text = (Path(__file__).parents[1] / "xltool" / "catalogs" / "108.toml").read_text(encoding="utf-8")
    huge = tmp_path / "108.toml"
    huge.write_text(text.replace("max_goals = 10 ", "max_goals = 1" + "0" * 5000 + " ", 1), encoding="utf-8")
    for args in [
        ("check", EXAMPLE, "--catalog", huge),
        ("template", "-o", tmp_path / "範本.xlsx", "--catalog", huge),
        ("catalog", "--catalog", huge),
    ]:
        done = xltool(*args)
        assert (
            done.status == 2
            and done.error_line() == f"錯誤：{huge}（第 11 行）：分類清單檔有超過 4,300 位數的數字，不是分類清單"
        )
    monkeypatch.setenv("XLTOOL_CATALOGS", str(tmp_path))
    for args in [("check", EXAMPLE), ("merge", EXAMPLE, "-o", tmp_path / "彙整.xlsx")]:
        done = xltool(*args)
        assert done.status == 2 and str(huge) in done.error_line(), done.err
        assert "損毀" not in done.err and "內部錯誤" not in done.err
    large = tmp_path / "大.toml"
    large.write_text(text.replace("max_goals = 10 ", "max_goals = 1" + "0" * 400 + " ", 1), encoding="utf-8")
    done = xltool("template", "-o", tmp_path / "範本.xlsx", "--catalog", large)
    assert done.status == 2 and "「max_goals」必須是 1 到 32,767 的整數" in done.error_line()
