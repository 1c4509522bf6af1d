"""Files out: the one guard every writer goes through.

An officer's workbook is the only copy of a year's work. So an output is never an input (however it
is reached: another spelling, a symbolic or a hard link), never another output of the same command,
never a folder or a device, and never an existing file unless ``--force`` says so — and ``--force``
lifts only that last rule. Its name ends in the extension of what it holds (:class:`Kind`): Windows
and Excel open a file by its name, so a workbook named 列印 or a PDF named --force is no file to them.
Every output appears whole or not at all: it is written to a temporary file beside it and renamed at
the end, and a file that appeared there meanwhile is not replaced.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from xltool.errors import ErrorCode, OutputError, XltoolError, system_reason


@dataclass(frozen=True)
class Kind:
    """What an output holds, told to the guard by its writer: the extensions its name may end in (the
    first is the one suggested) and how a user calls it."""

    what: str
    suffixes: tuple[str, ...]
    hint: str = ""  # said after the refusal: what to do instead

    def require(self, given: Path) -> None:
        """Refuse a name that does not end in one of the kind's extensions, before anything is written."""
        if given.suffix.lower() not in self.suffixes:
            raise self.refusal(given)

    def refusal(self, given: Path) -> OutputError:
        if given.name.startswith("-"):  # `--pdf --force`: the next option was taken as the file's name
            reason = f"這是選項，不是檔名：請在前一個選項後寫上輸出的檔名（{self.what}，以 {self.endings} 結尾）"
        elif given.name != given.name.rstrip() and Path(given.name.rstrip()).suffix.lower() in self.suffixes:
            reason = f"檔名結尾有空白（「{given.name}」）：請去掉 {self.endings} 後面的空白"
        else:
            reason = f"輸出是 {self.what}，檔名請以 {self.endings} 結尾{self.hint}"
        return OutputError(reason, given, code=ErrorCode.OUTPUT_WRONG_TYPE)

    @property
    def endings(self) -> str:
        return " 或 ".join(self.suffixes)


F = TypeVar("F")

# Each named so that it reads after 「輸出是 」.
WORKBOOK = Kind("Excel 活頁簿", (".xlsx",), "（LibreOffice 也能開啟，需要時可再另存為 .ods）")
MACRO_WORKBOOK = Kind("Excel 含巨集（VBA）活頁簿的副本", (".xlsm",), "（Excel 只以 .xlsm 開啟含巨集的活頁簿）")
PDF = Kind("PDF", (".pdf",))
DOCX = Kind("Word 文件", (".docx",))
ODT = Kind("ODF 文字文件", (".odt",))
JSON = Kind("JSON", (".json",))
CSV = Kind("CSV", (".csv",))
TOML = Kind("TOML 清單檔", (".toml",))


def format_named(path: Path, kinds: Mapping[F, Kind]) -> F:
    """The format an output's name asks for (計畫.csv → csv), for a command whose --format is not given:
    the name a user chose says what they want; one that says none of them is refused, naming them all."""
    for format, kind in kinds.items():
        if path.suffix.lower() in kind.suffixes:
            return format
    either = Kind(" 或 ".join(k.what for k in kinds.values()), tuple(s for k in kinds.values() for s in k.suffixes))
    raise either.refusal(path)


class Outputs:
    """The inputs and outputs of one command, so each output can be checked against all of them."""

    def __init__(self, inputs: Iterable[str | Path] = (), *, force: bool = False) -> None:
        self.force = force
        self._inputs = _Files()
        self._outputs = _Files()  # each output, known as it was given
        self._claimed: dict[Path, Path] = {}  # as given -> where it will be written
        self.add_inputs(inputs)

    def add_inputs(self, inputs: Iterable[str | Path]) -> None:
        """Inputs found later (a folder's workbooks) are protected as soon as they are known."""
        for path in inputs:
            source = Path(path)
            self._inputs.add(source, source)
            given = self._outputs.find(source)
            if given is not None:
                raise _is_input(given)

    def reserve(self, path: str | Path, kind: Kind | None = None) -> Path:
        """:meth:`claim` an output unless this command already has (a writer checking early what its
        caller may have checked first)."""
        given = Path(path)
        if given not in self._claimed:
            return self.claim(given, kind)
        if kind is not None:
            kind.require(given)
        return self._claimed[given]

    def claim(self, path: str | Path, kind: Kind | None = None) -> Path:
        """Check an output before the work that makes it (a refusal after a long merge helps nobody).

        Each output is claimed once: two options naming one file are refused. Returns where the file
        will be written: a symbolic link is followed to the file it names. ``kind``: what it will hold,
        when the caller knows already (the writer says it again, in :meth:`atomic`).
        """
        given = Path(path)
        target = Path(os.path.realpath(given))
        try:
            mode: int | None = target.stat().st_mode
        except FileNotFoundError:
            mode = None
        except NotADirectoryError:  # -o 甲.xlsx/彙整.xlsx: a file where its folder should be, from the start
            raise OutputError(
                "輸出資料夾的位置是一個檔案，不是資料夾", given.parent, code=ErrorCode.OUTPUT_NO_FOLDER
            ) from None
        except OSError as exc:
            raise _translate(exc, given) from None
        if mode is not None and stat.S_ISDIR(mode):
            raise OutputError("輸出路徑是資料夾，請指定檔名", given, code=ErrorCode.OUTPUT_NOT_FILE)
        if mode is not None and not stat.S_ISREG(mode):
            raise OutputError(
                "輸出路徑不是一般檔案（裝置、管線或通訊端），不會寫入", given, code=ErrorCode.OUTPUT_NOT_FILE
            )
        if not target.parent.is_dir():
            raise OutputError("輸出資料夾不存在", given.parent, code=ErrorCode.OUTPUT_NO_FOLDER)
        if not os.access(target.parent, os.W_OK | os.X_OK):  # said now, not after the other outputs are written
            raise _translate(PermissionError(errno.EACCES, "no permission"), given)
        if self._inputs.find(target) is not None:
            raise _is_input(given)
        other_given = self._outputs.find(target)
        if other_given is not None:
            raise OutputError(f"與另一個輸出（{other_given}）是同一個檔案", given, code=ErrorCode.OUTPUT_TWICE)
        if kind is not None:  # after what would lose a file (an input, a device): that is said first
            kind.require(given)
        if mode is not None and not self.force:
            raise OutputError("檔案已存在；如要覆寫請加上 --force", given, code=ErrorCode.OUTPUT_EXISTS)
        self._outputs.add(target, given)
        self._claimed[given] = target
        return target

    @contextmanager
    def atomic(self, path: str | Path, kind: Kind) -> Iterator[Path]:
        """Yield a temporary path beside the output; when the block succeeds it becomes the output, a
        file of ``kind``.

        The temporary file goes whatever ends the block: an error, Ctrl-C, or SIGTERM/SIGHUP (the CLI
        turns those into an exception, so this ``finally`` runs).
        """
        given = Path(path)
        target = self.reserve(given, kind)
        try:
            fd, name = tempfile.mkstemp(prefix=".xltool-", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise _translate(exc, given) from None
        os.close(fd)
        temporary = Path(name)
        try:
            try:
                yield temporary
                self._commit(temporary, target, given)
            except XltoolError:
                raise
            except Exception as exc:
                found = _os_error(exc)
                if found is None:
                    raise
                raise _translate(found, given) from None
        finally:
            with suppress(OSError):  # its folder gone or replaced by a file meanwhile: the error says so
                temporary.unlink(missing_ok=True)

    def write_bytes(self, path: str | Path, data: bytes, kind: Kind) -> Path:
        """Write a whole file atomically (JSON, CSV, TOML)."""
        with self.atomic(path, kind) as temporary:
            temporary.write_bytes(data)
        return Path(path)

    def _commit(self, temporary: Path, target: Path, given: Path) -> None:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)  # replacing a file keeps its permissions
        except FileNotFoundError:
            mode = 0o666 & ~_umask()  # mkstemp makes 0600; a new file gets the usual permissions
        os.chmod(temporary, mode)
        if self._inputs.find(target) is not None:  # a link made to an input meanwhile
            raise _is_input(given)
        if self.force:
            _replace(temporary, target, given)
            return
        # Without --force, a file that appeared while the command ran (another merge to the same output)
        # is not replaced: link() refuses an existing name, atomically.
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise _appeared(given) from None
        except OSError:
            # A file system without hard links (FAT, some network shares): rename, which Windows
            # refuses over an existing file; elsewhere the check just before is the best there is.
            if target.exists():
                raise _appeared(given) from None
            os.rename(temporary, target)


@cache
def _read_umask() -> int:
    """The umask, read the only way os offers: by setting it and setting it back. Done once, and set to 0o077
    for that moment: a file another thread makes then is at worst more private, never open to all."""
    umask = os.umask(0o077)
    os.umask(umask)
    return umask


def _umask() -> int:
    """The process's umask now, read without changing it: set to read it, it was 0 for a moment for every
    thread, and a folder another run made meanwhile (--annotate-dir's, a script's own) came out 0o777. Linux
    says it in /proc; elsewhere the one first read stands (a program seldom changes it afterwards), read when
    first needed rather than on every start-up."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return _read_umask()


def _replace(temporary: Path, target: Path, given: Path) -> None:
    try:
        os.replace(temporary, target)
    except PermissionError:
        # On Windows a workbook open in Excel cannot be replaced; the old file stays as it was.
        raise OutputError(
            "無法寫入：檔案可能正在 Excel 或 LibreOffice 中開啟，請關閉後再試", given, code=ErrorCode.OUTPUT_IN_USE
        ) from None
    except IsADirectoryError:
        raise OutputError("輸出路徑是資料夾，請指定檔名", given, code=ErrorCode.OUTPUT_NOT_FILE) from None


class _Files:
    """Files by every name that reaches them: the real path (symbolic links followed, case folded where
    the system folds it) and the inode (hard links). A lookup is two dictionary probes, so a command with
    a thousand inputs and a thousand outputs compares each output once, not with every input."""

    def __init__(self) -> None:
        self._paths: dict[str, Path] = {}
        self._inodes: dict[tuple[int, int], Path] = {}

    def add(self, path: Path, label: Path) -> None:
        real, inode = _identity(path)
        self._paths.setdefault(real, label)
        if inode is not None:
            self._inodes.setdefault(inode, label)

    def find(self, path: Path) -> Path | None:
        """The label of the file known here that ``path`` reaches, if any."""
        real, inode = _identity(path)
        found = self._paths.get(real)
        return found if found is not None or inode is None else self._inodes.get(inode)


def is_file(path: Path) -> bool:
    """Whether a file is there; a name no disk takes (a 來源檔案 of 250 bytes, with 「_檢查」 past 255) is none
    (Path.is_file and exists raise on it, and a folder's run ended with 「內部錯誤」)."""
    try:
        return path.is_file()
    except OSError:
        return False


def same_file(path: str | Path) -> str:
    """One key for every spelling of a path (relative, through a link, another case on Windows)."""
    return os.path.normcase(os.path.realpath(path))


def _identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    real = same_file(path)
    try:
        found = os.stat(path)
    except OSError:
        return real, None  # not there (yet): only its path can name it
    return real, (found.st_dev, found.st_ino)


def output_folder(folder: str | Path, option: str) -> Path:
    """The folder an option (``--annotate-dir``, ``--pdf-dir``) names, made if it is not there yet; its
    parent must be. A folder that cannot be made (no permission, a name too long) is one line, as a file
    that cannot be written is."""
    folder = Path(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"{option} 必須是資料夾", folder, code=ErrorCode.OUTPUT_NOT_FILE)
        if not folder.parent.is_dir():
            raise OutputError("輸出資料夾不存在", folder.parent, code=ErrorCode.OUTPUT_NO_FOLDER)
        folder.mkdir(exist_ok=True)
    except OSError as exc:  # a name too long is refused by exists() already
        raise _translate(exc, folder) from None
    if not os.access(folder, os.W_OK | os.X_OK):  # there already, but this user may not write in it: said now
        raise _translate(PermissionError(errno.EACCES, "no permission"), folder)
    return folder


def _is_input(given: Path) -> OutputError:
    return OutputError("輸出檔不可與輸入檔相同，以免覆蓋原始資料（--force 也不會覆寫輸入檔）", given,
                       code=ErrorCode.OUTPUT_IS_INPUT)  # fmt: skip


def _appeared(given: Path) -> OutputError:
    return OutputError(
        "執行期間有另一個程式建立了這個檔案，未覆寫；如要覆寫請加上 --force", given, code=ErrorCode.OUTPUT_APPEARED
    )


def _os_error(exc: BaseException) -> OSError | None:
    """The OS error behind an exception: xlsxwriter and zipfile wrap the one that says the disk is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno is not None:
            return current
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return None


_OS_MESSAGES = {
    errno.ENOSPC: ("磁碟空間不足，未寫出任何檔案", ErrorCode.OUTPUT_DISK_FULL),
    errno.EDQUOT: ("磁碟配額已滿，未寫出任何檔案", ErrorCode.OUTPUT_DISK_FULL),
    errno.EACCES: ("沒有在這個資料夾寫入檔案的權限", ErrorCode.OUTPUT_NO_PERMISSION),
    errno.EPERM: ("沒有在這個資料夾寫入檔案的權限", ErrorCode.OUTPUT_NO_PERMISSION),
    errno.EROFS: ("這個位置是唯讀的，無法寫入", ErrorCode.OUTPUT_NO_PERMISSION),
    errno.ENAMETOOLONG: ("檔名太長，請改用較短的檔名", ErrorCode.OUTPUT_NAME_TOO_LONG),
    errno.ENOTDIR: ("輸出資料夾在執行期間被移走或換成了檔案，未寫出任何檔案", ErrorCode.OUTPUT_NO_FOLDER),
    errno.ENOENT: ("輸出資料夾在執行期間被移走，未寫出任何檔案", ErrorCode.OUTPUT_NO_FOLDER),
}


def _translate(exc: OSError, given: Path) -> OutputError:
    message, code = _OS_MESSAGES.get(exc.errno or 0, (f"無法寫入：{system_reason(exc)}", ErrorCode.OUTPUT_FAILED))
    return OutputError(message, given, code=code)
