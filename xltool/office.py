"""LibreOffice, run headless: the converter behind PDF output and the way tests make .ods and .xls files.

Each run gets a private profile folder, so a LibreOffice the officer has open (or another conversion
running beside it) neither blocks the run nor is changed by it, and a time limit, so a stuck office
process can never hang a command.
"""

from __future__ import annotations

import contextlib
import lzma
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from xltool.errors import ErrorCode, OfficeError, system_reason
from xltool.outputs import PDF, Outputs

# Where installers put soffice when it is not on PATH (Windows: the program folders; macOS: the app).
_USUAL_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "/opt/libreoffice/program/soffice",
)
WRONG_OUTPUT = "LibreOffice 產生的檔案內容不符"
INSTALL_HINT = (
    "找不到 LibreOffice（soffice）。請安裝 LibreOffice（https://www.libreoffice.org/ ；"
    "Debian/Ubuntu：apt-get install libreoffice-calc-nogui libreoffice-writer-nogui），或以環境變數 XLTOOL_SOFFICE 指定 soffice 的路徑。"
)


def require_soffice() -> str:
    """The soffice program, or the error that says what to install (before any work is done)."""
    found = find_soffice()
    if found is None:
        raise OfficeError(INSTALL_HINT, code=ErrorCode.OFFICE_MISSING)
    return found


def find_soffice() -> str | None:
    """The soffice program: $XLTOOL_SOFFICE, then PATH, then the usual install folders."""
    configured = os.environ.get("XLTOOL_SOFFICE")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((place for place in _USUAL_PLACES if Path(place).is_file()), None)


# 標楷體 (DFKai-SB) ships only with Windows. On Linux, LibreOffice asks fontconfig for a substitute; this
# alias makes the answer a Kai face (AR PL UKai TW, Debian's fonts-arphic-ukai) rather than a Ming one
# or boxes. Windows has the real font; on macOS LibreOffice substitutes on its own.
KAI_FAMILIES = ("AR PL UKai TW", "AR PL UKai TW MBE", "TW-Kai", "Kaiti TC", "BiauKai")
_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
</fontconfig>
"""


# The private profile's network settings: every web address goes through a proxy at a port nothing listens
# on, so LibreOffice fetches nothing a file links to while it converts it (an image on the web in an .ods or
# .xls given to --annotate was fetched, telling its sender when and where it was opened). xltool works
# offline; odf.offline also empties an .ods's links, for a \\server\share no proxy setting covers.
_PROXIED = ("ooInetHTTPProxy", "ooInetHTTPSProxy", "ooInetFTPProxy")
_OFFLINE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">\n'
    + "".join(
        f'<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>\n"
        for name, value in (
            ("ooInetProxyType", "2"),  # manual
            ("ooInetNoProxy", ""),  # this machine too
            *((f"{kind}Name", "127.0.0.1") for kind in _PROXIED),
            *((f"{kind}Port", "9") for kind in _PROXIED),  # the discard port, closed on any PC
        )
    )
    + "</oor:items>\n"
)


def _offline(profile: Path) -> None:
    user = profile / "user"
    user.mkdir(exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_OFFLINE, encoding="utf-8")


def _kai_fontconfig(folder: Path) -> Path:
    prefer = "".join(f"<family>{family}</family>" for family in KAI_FAMILIES)
    aliases = "\n".join(
        f'  <alias binding="strong"><family>{name}</family><prefer>{prefer}</prefer></alias>'
        for name in ("標楷體", "DFKai-SB", "BiauKai", "標楷體-繁")
    )
    path = folder / "fonts.conf"
    path.write_text(_FONTS_CONF.format(aliases=aliases), encoding="utf-8")
    return path


def convert(source: str | Path, fmt: str, outdir: str | Path, *, timeout: float = 180) -> Path:
    """Convert ``source`` to ``fmt`` (pdf, ods, xlsx, xls …) in ``outdir``; returns the new file."""
    return convert_many([source], fmt, outdir, timeout=timeout)[0]


MAX_BATCH = 100  # files one LibreOffice start converts: LibreOffice 7.4 stops after about 246 and exits 0


def convert_many(sources: Sequence[str | Path], fmt: str, outdir: str | Path, *, timeout: float = 180) -> list[Path]:
    """Convert several files in one LibreOffice start (starting it is most of a small conversion), or in
    one start for each :data:`MAX_BATCH` of them (``timeout`` is each start's): given 300 units' printouts
    at once, LibreOffice converted the first 246 and stopped without a word, and every one was refused.

    The files must have different names: LibreOffice names each result after its source.
    """
    if len(sources) > MAX_BATCH:
        batches = (sources[start : start + MAX_BATCH] for start in range(0, len(sources), MAX_BATCH))
        return [target for batch in batches for target in convert_many(batch, fmt, outdir, timeout=timeout)]
    soffice = require_soffice()
    paths = [Path(s).resolve() for s in sources]
    outdir = Path(outdir).resolve()
    with tempfile.TemporaryDirectory(prefix="xltool-office-", ignore_cleanup_errors=True) as profile:
        # LibreOffice's own scratch files (lu*.tmp) go into the private folder too, so they go with it
        # even when the run is stopped (SIGTERM) while LibreOffice works.
        scratch = Path(profile) / "tmp"
        scratch.mkdir()
        env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
        if sys.platform.startswith("linux"):
            env["FONTCONFIG_FILE"] = str(_kai_fontconfig(Path(profile)))
        _offline(Path(profile))
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, paths),
        ]
        returncode, output = _run(command, env, timeout, paths[0] if len(paths) == 1 else None)
    extension = fmt.split(":", 1)[0]
    targets = [outdir / f"{path.stem}.{extension}" for path in paths]
    missing = [path for path, target in zip(paths, targets, strict=True) if not target.is_file()]
    if returncode != 0 or missing:
        raise OfficeError(
            f"LibreOffice 轉檔失敗（{extension}）：{quoted(output) or '沒有產生輸出檔'}",
            missing[0] if missing else None,
        )
    for path, target in zip(paths, targets, strict=True):
        if not made_as(target, extension):  # a broken install may write anything under the name
            raise OfficeError(
                f"{WRONG_OUTPUT}：不是 {extension.upper()} 檔，未採用（LibreOffice 的安裝可能已損壞）", path
            )
    return targets


MAX_QUOTED = 400  # characters of LibreOffice's own output an error message quotes: the end, where it failed


def quoted(output: bytes) -> str:
    """LibreOffice's output for a one-line message: its last lines joined, at most :data:`MAX_QUOTED`
    characters (a broken install wrote 200,000 lines), control characters shown as spaces."""
    text = output[-16 * MAX_QUOTED :].decode(sys.getfilesystemencoding(), "replace")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    # 「failed to launch javaldx」 says only that Java is not installed, which no conversion here needs
    joined = " / ".join(line for line in lines if line and "javaldx" not in line)
    return joined if len(joined) <= MAX_QUOTED else "…" + joined[-MAX_QUOTED:]


_ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
_OOXML_MAIN = {"xlsx": "xl/workbook.xml", "xlsm": "xl/workbook.xml", "docx": "word/document.xml"}


def made_as(path: Path, extension: str) -> bool:
    """Whether a file LibreOffice wrote is what its name says: a PDF starts with %PDF-, an ODF document
    is a zip whose first member is its mimetype, an OOXML one a zip with its main part, an .xls an OLE2
    file. Other formats are taken as made."""
    with open(path, "rb") as file:
        head = file.read(8)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "xls":
        return head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if extension not in _ODF_MIMETYPES and extension not in _OOXML_MAIN:
        return True
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if extension in _ODF_MIMETYPES:
                return (
                    bool(members)
                    and members[0].filename == "mimetype"
                    and (archive.read(members[0]) == _ODF_MIMETYPES[extension])
                )
            return _OOXML_MAIN[extension] in archive.namelist()
    except (zipfile.BadZipFile, lzma.LZMAError, OSError, ValueError, NotImplementedError, EOFError):
        return False


def renamed(error: OfficeError, path: str | Path | None) -> OfficeError:
    """The same failure, named by the file the user asked for rather than a scratch copy."""
    return OfficeError(error.message, path, code=error.code)


def _run(command: list[str], env: dict[str, str], timeout: float, source: Path | None) -> tuple[int, bytes]:
    """Run LibreOffice in a process group of its own, so that a time-out, Ctrl-C or SIGTERM stops all
    of it (soffice starts soffice.bin, which would go on writing into the profile being removed)."""
    try:
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    except OSError as exc:
        raise OfficeError(f"無法執行 LibreOffice（{command[0]}）：{system_reason(exc)}", source) from None
    try:
        output, _ = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(child)
        raise OfficeError(
            f"LibreOffice 轉檔超過 {timeout:.0f} 秒仍未完成，已停止", source, code=ErrorCode.OFFICE_TIMEOUT
        ) from None
    except BaseException:
        _stop(child)
        raise
    return child.returncode, output


def _stop(child: subprocess.Popen[bytes]) -> None:
    if hasattr(os, "killpg"):
        with contextlib.suppress(OSError):
            os.killpg(child.pid, signal.SIGKILL)
    else:  # Windows: the process itself
        child.kill()
    child.wait()


def to_pdf(source: str | Path, target: str | Path, *, outputs: Outputs | None = None, timeout: float = 180) -> Path:
    """Convert a workbook to a PDF at ``target``, atomically (the conversion runs in a scratch folder)."""
    outputs = outputs or Outputs([source])  # a caller's guard knows the command's inputs and outputs
    outputs.reserve(target, PDF)
    with tempfile.TemporaryDirectory(prefix="xltool-pdf-") as scratch:
        try:
            pdf = convert(source, "pdf", scratch, timeout=timeout)
        except OfficeError as error:  # it names the workbook converted, often a scratch copy
            raise renamed(error, target) from None
        with outputs.atomic(target, PDF) as temporary:
            shutil.copyfile(pdf, temporary)
    return Path(target)
