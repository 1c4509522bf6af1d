"""What can go wrong that a user can fix, with a stable code each, and the exit statuses of the CLI.

The message is the one zh-TW line a person reads; the code is what a script matches on (``check
--format json`` gives it as ``error_code``), so scripts never parse prose. ``docs/errors.md`` lists
every code, and a test keeps the two in step.
"""

from __future__ import annotations

import errno
from enum import IntEnum, StrEnum
from pathlib import Path


class ExitStatus(IntEnum):
    """How every command ends; the CLI is the only place that exits, always with one of these."""

    OK = 0
    FINDINGS = 1  # check found errors (or warnings under --strict); units missing under --require-all
    BAD_INPUT = 2  # an input, an output or an argument the user can fix: one zh-TW line says which
    INTERNAL = 3  # a bug in xltool: please report it (XLTOOL_DEBUG=1 shows the traceback)
    INTERRUPTED = 130  # Ctrl-C; SIGTERM and SIGHUP end with 128 + their signal number, as shells do


class ErrorCode(StrEnum):
    # Inputs
    INPUT_MISSING = "INPUT_MISSING"
    INPUT_NOT_FILE = "INPUT_NOT_FILE"
    INPUT_NO_PERMISSION = "INPUT_NO_PERMISSION"
    INPUT_SYSTEM = "INPUT_SYSTEM"
    INPUT_EMPTY = "INPUT_EMPTY"
    INPUT_NOT_WORKBOOK = "INPUT_NOT_WORKBOOK"
    INPUT_DAMAGED = "INPUT_DAMAGED"
    INPUT_PASSWORD = "INPUT_PASSWORD"
    INPUT_TOO_LARGE = "INPUT_TOO_LARGE"
    INPUT_UNSAFE = "INPUT_UNSAFE"
    INPUT_SHEET_TOO_LARGE = "INPUT_SHEET_TOO_LARGE"
    INPUT_NO_PLAN = "INPUT_NO_PLAN"
    INPUT_PRINTOUT = "INPUT_PRINTOUT"
    INPUT_NOT_PLAN_JSON = "INPUT_NOT_PLAN_JSON"
    INPUT_NO_YEAR = "INPUT_NO_YEAR"
    INPUT_NOT_EDITABLE = "INPUT_NOT_EDITABLE"
    INPUT_READ_ABORTED = "INPUT_READ_ABORTED"
    INPUT_MERGED = "INPUT_MERGED"
    INPUT_CHANGED = "INPUT_CHANGED"
    NO_INPUTS = "NO_INPUTS"
    # Outputs
    OUTPUT_IS_INPUT = "OUTPUT_IS_INPUT"
    OUTPUT_TWICE = "OUTPUT_TWICE"
    OUTPUT_EXISTS = "OUTPUT_EXISTS"
    OUTPUT_APPEARED = "OUTPUT_APPEARED"
    OUTPUT_NOT_FILE = "OUTPUT_NOT_FILE"
    OUTPUT_NO_FOLDER = "OUTPUT_NO_FOLDER"
    OUTPUT_NO_PERMISSION = "OUTPUT_NO_PERMISSION"
    OUTPUT_IN_USE = "OUTPUT_IN_USE"
    OUTPUT_DISK_FULL = "OUTPUT_DISK_FULL"
    OUTPUT_NAME_TOO_LONG = "OUTPUT_NAME_TOO_LONG"
    OUTPUT_WRONG_TYPE = "OUTPUT_WRONG_TYPE"
    OUTPUT_FAILED = "OUTPUT_FAILED"
    STDOUT_CLOSED = "STDOUT_CLOSED"
    # Catalogs and rosters (data files an office edits)
    CATALOG_MISSING = "CATALOG_MISSING"
    CATALOG_INVALID = "CATALOG_INVALID"
    CATALOG_TOO_LARGE = "CATALOG_TOO_LARGE"
    ROSTER_INVALID = "ROSTER_INVALID"
    # Merging many units
    MERGE_UNREADABLE = "MERGE_UNREADABLE"
    MERGE_DUPLICATE_UNIT = "MERGE_DUPLICATE_UNIT"
    MERGE_MIXED_YEARS = "MERGE_MIXED_YEARS"
    MERGE_EMPTY = "MERGE_EMPTY"
    MERGE_NUMBER_TOO_LARGE = "MERGE_NUMBER_TOO_LARGE"
    # LibreOffice
    OFFICE_MISSING = "OFFICE_MISSING"
    OFFICE_TIMEOUT = "OFFICE_TIMEOUT"
    OFFICE_FAILED = "OFFICE_FAILED"
    # Arguments that no option parser could judge alone
    USAGE = "USAGE"


class XltoolError(Exception):
    """A problem the user can fix: a missing file, a file that is not a plan, an output in the way.

    ``str()`` is the line the user sees: the file, the cell when there is one, and what is wrong.
    """

    default_code = ErrorCode.USAGE

    def __init__(
        self, message: str, path: str | Path | None = None, cell: str | None = None, *, code: ErrorCode | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.cell = cell
        self.code = code or self.default_code

    def __str__(self) -> str:
        where = self.path or ""
        if self.cell:
            where = f"{where}（{self.cell}）" if where else self.cell
        return f"{where}：{self.message}" if where else self.message


class InputError(XltoolError):
    """An input that cannot be read as a plan (missing, not a workbook, damaged, protected, hostile)."""

    default_code = ErrorCode.INPUT_NOT_WORKBOOK


class OutputError(XltoolError):
    """An output that would lose something (an input, an existing file) or that cannot be written."""

    default_code = ErrorCode.OUTPUT_FAILED


class CatalogError(XltoolError):
    """A catalog or roster file that is not one."""

    default_code = ErrorCode.CATALOG_INVALID


class MergeError(XltoolError):
    """Inputs that cannot be merged without losing or inventing something."""

    default_code = ErrorCode.MERGE_DUPLICATE_UNIT


class OfficeError(XltoolError):
    """LibreOffice missing, stuck or failing."""

    default_code = ErrorCode.OFFICE_FAILED


# What the system's refusals mean, in the user's words: its own text (strerror) is English.
_SYSTEM_REASONS = {
    errno.ENOENT: "找不到（已被移走或刪除）",
    errno.EACCES: "沒有權限",
    errno.EPERM: "沒有權限",
    errno.EISDIR: "這是資料夾，不是檔案",
    errno.ENOTDIR: "路徑中有一段不是資料夾",
    errno.ELOOP: "資料夾的捷徑（符號連結）形成迴圈",
    errno.ENAMETOOLONG: "路徑或檔名超過系統的長度上限，請改用較短的檔名，或移到較淺的資料夾",
    errno.ENOSPC: "磁碟空間不足",
    errno.EDQUOT: "磁碟配額已滿",
    errno.EROFS: "這個位置是唯讀的",
    errno.EBUSY: "檔案正在使用中（請關閉開著它的程式）",
    errno.ETXTBSY: "檔案正在使用中（請關閉開著它的程式）",
    errno.EIO: "磁碟或網路磁碟機讀寫錯誤",
    errno.EMFILE: "同時開啟的檔案太多",
    errno.EINVAL: "名稱或路徑無效",
}


def system_reason(exc: BaseException) -> str:
    """An operating system's refusal (an OSError) in zh-TW; one the table does not know keeps the
    system's own words, marked as such, rather than nothing."""
    number = getattr(exc, "errno", None)
    if number in _SYSTEM_REASONS:
        return _SYSTEM_REASONS[number]
    own = getattr(exc, "strerror", None) or str(exc)
    return f"系統錯誤（{own}）"
