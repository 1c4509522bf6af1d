"""Files in and out: inputs checked before anything reads them, outputs written atomically.

An officer's workbook is the only copy of a year's work, so an output never replaces an input, never
replaces an existing file without ``--force``, and appears whole or not at all (temporary file in the
same folder, then an atomic rename).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from xltool.errors import XltoolError


def json_bytes(data: object) -> bytes:
    """Compact UTF-8 JSON and a newline, for scripts (``python -m json.tool`` pretty-prints it for a person).

    orjson, not json: a 10,000-row check has ~16,000 findings, and json's encoder spent ~40 ms on them.
    """
    import orjson

    return orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE)


def write_stdout(data: bytes) -> None:
    """Bytes to standard output, after any text already written there."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def check_input(path: str | Path) -> Path:
    """The path of a readable file, or an XltoolError that says why not."""
    source = Path(path)
    if not source.exists():
        raise XltoolError("找不到檔案", source)
    if source.is_dir():
        raise XltoolError("這是資料夾，不是檔案", source)
    if not os.access(source, os.R_OK):
        raise XltoolError("沒有讀取這個檔案的權限", source)
    return source


def check_output(path: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse an output that is a folder, in a missing folder, an input, or (without force) existing."""
    target = Path(path)
    if target.is_dir():
        raise XltoolError("輸出路徑是資料夾，請指定檔名", target)
    if not target.parent.is_dir():
        raise XltoolError("輸出資料夾不存在", target.parent)
    for source in inputs:
        if target.exists() and Path(source).exists() and target.samefile(source):
            raise XltoolError("輸出檔不可與輸入檔相同，以免覆蓋原始資料", target)
    if target.exists() and not force:
        raise XltoolError("檔案已存在；如要覆寫請加上 --force", target)
    return target


@contextmanager
def atomic_output(path: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block succeeds it becomes ``path`` at once."""
    target = check_output(path, force=force, inputs=inputs)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f"{target.suffix}.tmp", dir=target.parent)
    except PermissionError:
        raise XltoolError("沒有在這個資料夾寫入檔案的權限", target.parent) from None
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; give the file ordinary permissions
        try:
            os.replace(temporary, target)
        except PermissionError:
            # On Windows a workbook open in Excel cannot be replaced; the old file stays as it was.
            raise XltoolError("無法寫入：檔案可能正在 Excel 或 LibreOffice 中開啟，請關閉後再試", target) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(path: str | Path, data: bytes, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> None:
    """Write a whole file atomically (JSON, CSV, reports)."""
    with atomic_output(path, force=force, inputs=inputs) as temporary:
        temporary.write_bytes(data)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and Excel's encrypted (password) workbooks
DEFAULT_MAX_UNCOMPRESSED_MB = 200
# Said both when the sniffing here catches a file and when calamine does.
PASSWORD_PROTECTED = "檔案受密碼保護，請先移除密碼"
DAMAGED = "檔案已損毀（壓縮內容不完整），請重新存檔或向寄件者索取"


def max_uncompressed_bytes() -> int:
    """The zip-bomb limit: XLTOOL_MAX_UNCOMPRESSED_MB, default 200 MB (a 100,000-row plan is ~30 MB)."""
    try:
        megabytes = float(os.environ.get("XLTOOL_MAX_UNCOMPRESSED_MB", DEFAULT_MAX_UNCOMPRESSED_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_UNCOMPRESSED_MB
    return int(megabytes * 1024 * 1024)


def inspect_workbook(path: Path) -> bool:
    """Look at a file before any parser does; returns whether it carries VBA macros (never run).

    Says in one line what a file that is no workbook really is (a PDF, a Word file, text), catches a
    password-protected workbook (an encrypted OOXML file is an OLE container) and a zip bomb (by the
    sizes the archive declares), so no parser is ever handed them.
    """
    import zipfile

    with path.open("rb") as handle:
        head = handle.read(8)
    suffix = path.suffix.lower()
    if not head:
        raise XltoolError("檔案是空的", path)
    if head.startswith(OLE_MAGIC):
        if suffix in (".xlsx", ".xlsm", ".ods"):
            raise XltoolError(PASSWORD_PROTECTED, path)
        return False
    if head.startswith(b"%PDF"):
        raise XltoolError("這是 PDF 檔，不是活頁簿；請提供 .xlsx、.xlsm、.xls 或 .ods", path)
    if not head.startswith(b"PK"):
        raise XltoolError("不是活頁簿（看起來是文字檔或 CSV）；請提供 .xlsx、.xlsm、.xls 或 .ods", path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise XltoolError(DAMAGED, path) from None
    names = {m.filename for m in members}
    if "word/document.xml" in names:
        raise XltoolError("這是 Word 文件，不是活頁簿", path)
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        raise XltoolError("不是 Excel 或 ODS 活頁簿（壓縮檔中沒有活頁簿內容）", path)
    limit = max_uncompressed_bytes()
    if sum(m.file_size for m in members) > limit:
        raise XltoolError(
            f"解壓縮後超過 {limit // (1024 * 1024)} MB，可能是惡意的壓縮炸彈，已拒絕讀取"
            "（確定檔案無誤可設定環境變數 XLTOOL_MAX_UNCOMPRESSED_MB 提高上限）",
            path,
        )
    return "xl/vbaProject.bin" in names
