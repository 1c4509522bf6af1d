"""Files in: every input is looked at before any parser sees it.

An office receives files from dozens of units by mail; some are not workbooks at all, some are damaged,
protected or hostile. Each gets one zh-TW line that says what it really is, and no parser is ever
handed a password-protected file, a zip bomb or something that is not a workbook.
"""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from xltool.errors import ErrorCode, InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and Excel's encrypted (password) workbooks
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
PASSWORD_PROTECTED = "檔案受密碼保護，請先移除密碼"
DAMAGED = "檔案已損毀（壓縮內容不完整），請重新存檔或向寄件者索取"

# A zip bomb is told from a large honest workbook by both size and compression ratio: sheet XML
# deflates 5–25 times (a national merge of 240,000 practices is ~900 MB at ~15:1), a bomb ~1,000 times.
DEFAULT_MAX_UNCOMPRESSED_MB = 2048
BOMB_RATIO = 100
BOMB_RATIO_FROM_MB = 20


@dataclass(frozen=True)
class Workbook:
    """What an input really is, by its content rather than its name."""

    path: Path
    kind: str  # "xlsx" (also .xlsm), "xls" or "ods"
    has_macros: bool = False

    @property
    def is_ooxml(self) -> bool:
        return self.kind == "xlsx"


def check_input(path: str | Path) -> Path:
    """The path of a readable regular file, or an InputError that says why not."""
    source = Path(path)
    try:
        mode = source.stat().st_mode
    except FileNotFoundError:
        raise InputError("找不到檔案", source, code=ErrorCode.INPUT_MISSING) from None
    except OSError as exc:
        reason = _UNREACHABLE.get(exc.errno or 0, exc.strerror)
        raise InputError(f"無法讀取：{reason}", source, code=ErrorCode.INPUT_NO_PERMISSION) from None
    if stat.S_ISDIR(mode):
        if not os.access(source, os.R_OK | os.X_OK):  # a folder a search could not open (find_workbooks)
            raise InputError("沒有開啟這個資料夾的權限，其中的檔案未讀取", source, code=ErrorCode.INPUT_NO_PERMISSION)
        raise InputError("這是資料夾，不是檔案", source, code=ErrorCode.INPUT_NOT_FILE)
    if not stat.S_ISREG(mode):
        raise InputError("不是一般檔案（裝置、管線或通訊端）", source, code=ErrorCode.INPUT_NOT_FILE)
    if not os.access(source, os.R_OK):
        raise InputError("沒有讀取這個檔案的權限", source, code=ErrorCode.INPUT_NO_PERMISSION)
    return source


_UNREACHABLE = {
    errno.ENAMETOOLONG: "路徑超過系統的長度上限（資料夾層數太深），請把檔案移到較淺的資料夾",
    errno.ELOOP: "資料夾的捷徑（符號連結）形成迴圈",
    errno.EACCES: "沒有讀取的權限",
}


def max_uncompressed_bytes() -> int:
    """The absolute limit: XLTOOL_MAX_UNCOMPRESSED_MB, default 2,048 MB."""
    try:
        megabytes = float(os.environ.get("XLTOOL_MAX_UNCOMPRESSED_MB", DEFAULT_MAX_UNCOMPRESSED_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_UNCOMPRESSED_MB
    return int(megabytes * 1024 * 1024)


def inspect_workbook(path: str | Path) -> Workbook:
    """Say in one line what a file that is no workbook really is, and what a workbook is by content.

    An .xls renamed .xlsx is still read (the reader goes by content); an encrypted OOXML file is an OLE
    container too, told apart by its EncryptedPackage stream; a zip bomb is refused by the sizes the
    archive declares, before anything inflates it.
    """
    source = check_input(path)
    with source.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise InputError("檔案是空的", source, code=ErrorCode.INPUT_EMPTY)
    if head.startswith(OLE_MAGIC):
        return Workbook(source, _ole_kind(source))
    if head.startswith(b"%PDF"):
        raise InputError("這是 PDF 檔，不是活頁簿；請提供 .xlsx、.xlsm、.xls 或 .ods", source)
    if not head.startswith(b"PK"):
        raise InputError("不是活頁簿（看起來是文字檔或 CSV）；請提供 .xlsx、.xlsm、.xls 或 .ods", source)
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(DAMAGED, source, code=ErrorCode.INPUT_DAMAGED) from None
    names = {m.filename for m in members}
    if "word/document.xml" in names:
        raise InputError("這是 Word 文件，不是活頁簿", source)
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "content.xml" in names:
        kind = "ods"
    else:
        raise InputError("不是 Excel 或 ODS 活頁簿（壓縮檔中沒有活頁簿內容）", source)
    _refuse_bombs(source, members)
    return Workbook(source, kind, "xl/vbaProject.bin" in names)


def _ole_kind(source: Path) -> str:
    """An OLE file is an .xls workbook, or an encrypted (password) .xlsx; their stream names say which."""
    data = source.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise InputError(PASSWORD_PROTECTED, source, code=ErrorCode.INPUT_PASSWORD)
    if any(name.encode("utf-16-le") in data for name in ("Workbook", "Book")):
        return "xls"
    raise InputError("這是 Office 舊格式檔案，但不是 Excel 活頁簿（可能是 Word 或 PowerPoint）", source)


def _refuse_bombs(source: Path, members: list[zipfile.ZipInfo]) -> None:
    limit = max_uncompressed_bytes()
    total = sum(m.file_size for m in members)
    if total > limit:
        raise InputError(
            f"解壓縮後 {total // (1024 * 1024):,} MB，超過上限 {limit // (1024 * 1024):,} MB，已拒絕讀取"
            "（確定檔案無誤可設定環境變數 XLTOOL_MAX_UNCOMPRESSED_MB 提高上限）",
            source,
            code=ErrorCode.INPUT_TOO_LARGE,
        )
    for member in members:
        large = member.file_size > BOMB_RATIO_FROM_MB * 1024 * 1024
        if large and member.file_size > BOMB_RATIO * max(member.compress_size, 1):
            raise InputError(
                f"內容「{member.filename}」解壓縮後放大 {member.file_size // max(member.compress_size, 1):,} 倍"
                f"（{member.file_size // (1024 * 1024):,} MB），是惡意的壓縮炸彈，已拒絕讀取",
                source,
                code=ErrorCode.INPUT_UNSAFE,
            )
