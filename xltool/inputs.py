"""Files in: every input is looked at before any parser sees it.

An office receives files from dozens of units by mail; some are not workbooks at all, some are damaged,
protected or hostile. Each gets one zh-TW line that says what it really is, and no parser is ever
handed a password-protected file, a zip bomb or something that is not a workbook.
"""

from __future__ import annotations

import errno
import hashlib
import io
import lzma
import os
import stat
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from xltool.errors import ErrorCode, InputError, system_reason
from xltool.form import SHEET_COLUMNS, SHEET_ROWS, column_letter

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and Excel's encrypted (password) workbooks
# The workbooks a folder's plans are found among, with the templates an officer may save a plan as by mistake:
# read as the workbooks they are (their copies are workbooks: xlsxedit's as_workbook, LibreOffice for an .ots).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xltx", ".xltm", ".ots")
BINARY_WORKBOOK = ".xlsb"  # Excel's binary workbook: not read, but named for what it is, in an inbox too
SAVE_AS_XLSX = "在 Excel 另存為「Excel 活頁簿（.xlsx）」"
PASSWORD_PROTECTED = "檔案受密碼保護，請先移除密碼"
DAMAGED = "檔案已損毀（壓縮內容不完整），請重新存檔或向寄件者索取"
UNSAFE_XML = "活頁簿內的 XML 無效或含有不安全的實體宣告（可能是惡意檔案），已拒絕讀取"

# A zip bomb is told from a large honest workbook by both size and compression ratio: sheet XML
# deflates 5–25 times (a national merge of 240,000 practices is ~900 MB at ~15:1), a bomb ~1,000 times.
DEFAULT_MAX_UNCOMPRESSED_MB = 2048
BOMB_RATIO = 100
BOMB_RATIO_FROM_MB = 20

# calamine gives a sheet all the cells of the rectangle from A1 to its last filled cell, ~32 bytes each
# (and the reader a Python list of them): one cell at XFD1048576 asks for 549 GB and the process aborts.
# The cells calamine may allocate for one workbook are capped: a merged plan as long as Excel allows
# (1,048,576 rows of its ~11 columns) fits in about 12 million; a national merge of 240,000 practices
# is under 3 million.
MAX_CELLS = 12_000_000
_KEPT_UP_TO = 16 * 1024 * 1024  # members inflated once are kept up to this size (a sheet of ~1,000 saved rows)
_FEED = 256 * 1024  # compressed bytes handed to zlib at a time


class Package:
    """One input file, read once and handed along: its bytes, what it is by content, and for a zip (.xlsx,
    .xlsm, .ods) its members, found by name the way Office finds parts.

    Everything that reads the workbook (calamine, the formula scan, number formats, the annotated copy)
    reads these bytes, so a file rewritten while it is read is seen whole or refused, never half old and
    half new; and every way a zip can be damaged (a wrong CRC, a local header that differs from the
    central directory, a truncated member) ends in the same one line, the file named.
    """

    def __init__(self, path: Path, kind: str, data: bytes, archive: zipfile.ZipFile | None = None) -> None:
        self.path, self.kind, self.data, self.archive = path, kind, data, archive
        # Part names are case-insensitive (Excel opens xl/VBAPROJECT.BIN as a VBA project), and some
        # Windows zip writers separate folders with backslashes, which calamine takes as slashes.
        self.infos = {part_key(info.filename): info for info in archive.infolist()} if archive else {}
        self.inflated: dict[str, bytes] = {}
        self.whole: set[str] = set()  # members inflated to their end and found to be what the zip declares

    @property
    def is_ooxml(self) -> bool:
        return self.kind == "xlsx"

    @property
    def has_macros(self) -> bool:
        return any(name == "xl/vbaproject.bin" or name.endswith("/vbaproject.bin") for name in self.infos)

    def has(self, name: str) -> bool:
        return part_key(name) in self.infos

    @cached_property
    def digest(self) -> str:
        """What the bytes read were (a plan keeps it): a copy is made only of a file that still holds them."""
        return hashlib.sha256(self.data).hexdigest()  # 1.5 ms a megabyte

    @property
    def names(self) -> list[str]:
        """The members' names as written."""
        return [info.filename for info in self.infos.values()]

    def size(self, name: str) -> int:
        """A member's size once inflated, as the zip declares it."""
        info = self.infos.get(part_key(name))
        return info.file_size if info is not None else 0

    def member(self, name: str) -> bytes:
        """A member's bytes, inflated once (the reader, then the annotated copy, ask for the same parts);
        a member the package lacks, or one that does not inflate to what the zip says, is a damaged file."""
        key = part_key(name)
        if key in self.inflated:
            return self.inflated[key]
        data = b"".join(self.pieces(name, _KEPT_UP_TO))
        if len(data) <= _KEPT_UP_TO:
            self.inflated[key] = data
        return data

    def pieces(self, name: str, size: int) -> Iterator[bytes]:
        """A member inflated ``size`` bytes at a time (a national merge's sheet is hundreds of MB)."""
        key = part_key(name)
        info = self.infos.get(key)
        if info is None or self.archive is None:
            raise InputError(DAMAGED, self.path, code=ErrorCode.INPUT_DAMAGED)
        if info.flag_bits & 0x1:  # a zip encrypted with a password (zip -P): zipfile raises a RuntimeError
            raise InputError(PASSWORD_PROTECTED, self.path, code=ErrorCode.INPUT_PASSWORD)
        try:
            yield from self._inflate(info, size)
        except (
            zipfile.BadZipFile,
            zlib.error,
            lzma.LZMAError,
            struct.error,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
        ):
            raise InputError(DAMAGED, self.path, code=ErrorCode.INPUT_DAMAGED) from None
        self.whole.add(key)

    def check_whole(self) -> None:
        """Inflate every member not inflated yet, to its end: before calamine is handed the package's own
        bytes, which it inflates as far as their compressed data goes, whatever the zip declares."""
        for key in [key for key in self.infos if key not in self.whole]:
            for _ in self.pieces(key, _KEPT_UP_TO):
                pass

    def _inflate(self, info: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
        """A member's bytes as the zip declares them, and a refusal of one whose compressed data goes on
        past them. Python's zipfile stops at the declared size (and checks the checksum of that much), but
        calamine inflates all there is: a member declaring 13 KB that inflates to 1.2 GB passed every
        guard here and took calamine's process past 2 GB."""
        assert self.archive is not None
        with self.archive.open(info) as stream:  # zipfile checks the local header against the directory
            if info.compress_type != zipfile.ZIP_DEFLATED or not self.data:  # (no bytes: a zip xltool writes)
                while piece := stream.read(size):
                    yield piece
                return
        header = info.header_offset
        name_length, extra_length = struct.unpack_from("<HH", self.data, header + 26)
        begin = header + 30 + name_length + extra_length
        compressed = memoryview(self.data)[begin : begin + info.compress_size]
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        total, crc = 0, 0
        # Fed a slice at a time (what the inflater leaves unconsumed is copied on each call), then with
        # nothing, for what it holds back when a piece fills up at the end of the last slice.
        feeds: list[bytes | memoryview] = [compressed[at : at + _FEED] for at in range(0, len(compressed), _FEED)]
        for feed in [*feeds, b""]:
            pending = feed
            while not inflater.eof:
                piece = inflater.decompress(pending, size)
                pending = inflater.unconsumed_tail
                if not piece and not pending:
                    break
                total += len(piece)
                if total > info.file_size:
                    raise InputError(
                        f"壓縮內容「{info.filename}」解壓縮後比它宣告的 {info.file_size:,} 位元組大，"
                        "是惡意的壓縮檔，已拒絕讀取",
                        self.path,
                        code=ErrorCode.INPUT_UNSAFE,
                    )
                crc = zlib.crc32(piece, crc)
                yield piece
            if inflater.eof:
                break
        if not inflater.eof or total != info.file_size or crc != info.CRC:
            raise zipfile.BadZipFile("short or damaged member")


def part_key(name: str) -> str:
    """A member name as Office compares them: case-insensitive, folders separated by either slash."""
    return name.replace("\\", "/").lstrip("/").lower()


@dataclass(frozen=True)
class SheetCells:
    """What a pass over one sheet's raw cells found before calamine was handed it."""

    rows: int = 0  # the last row holding anything, 1-based (0: none)
    columns: int = 0  # the last column holding anything, 1-based
    errors: Mapping[str, str] = field(default_factory=dict)  # cell → the error it shows (#REF!), read as blank
    formulas: frozenset[str] = frozenset()  # .xlsx: the formula cells (left of the 檢查 column, if known)
    without_value: frozenset[str] = frozenset()  # .xlsx: those saved without a result
    last_column: str = ""  # .xlsx: where the sheet's <dimension> says it ends (letters)
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()  # .ods: merged ranges, corners 0-based
    plain: bool = True  # .xlsx: no comment, instruction or CDATA in the sheet (ooxml.canonical)
    hidden_rows: frozenset[int] = frozenset()  # the rows hidden (<row hidden="1">, a ROW record's flag), 1-based

    @property
    def area(self) -> int:
        return self.rows * self.columns


def refuse_large_sheets(package: Package, sheets: Mapping[str, SheetCells]) -> None:
    """Refuse the workbook when the sheets calamine will read reach, together, past MAX_CELLS, or one reaches
    past the grid every spreadsheet has (a cell at B1048577 was read, and the copy marked at it failed)."""
    for name, cells in sheets.items():
        if cells.rows > SHEET_ROWS or cells.columns > SHEET_COLUMNS:
            last = f"{column_letter(cells.columns - 1)}{cells.rows}"
            raise InputError(
                f"工作表「{name}」延伸到 {last}，超出試算表的範圍（最多到 XFD{SHEET_ROWS}），檔案已損毀；"
                "請重新存檔或向寄件者索取",
                package.path,
                code=ErrorCode.INPUT_DAMAGED,
            )
    if sum(cells.area for cells in sheets.values()) <= MAX_CELLS:
        return
    name, cells = max(sheets.items(), key=lambda item: item[1].area)
    last = f"{column_letter(cells.columns - 1)}{cells.rows}"
    raise InputError(
        f"工作表「{name}」延伸到 {last}（{cells.rows:,} 列 × {cells.columns:,} 欄），遠超過計畫表的大小，已拒絕讀取；"
        "若是遠處誤填的儲存格，刪除後另存新檔即可",
        package.path,
        code=ErrorCode.INPUT_SHEET_TOO_LARGE,
    )


def check_input(path: str | Path) -> Path:
    """The path of a readable regular file, or an InputError that says why not."""
    source = Path(path)
    try:
        mode = source.stat().st_mode
    except FileNotFoundError:
        raise InputError("找不到檔案", source, code=ErrorCode.INPUT_MISSING) from None
    except OSError as exc:
        raise _unreadable(exc, source) from None
    if stat.S_ISDIR(mode):
        if not os.access(source, os.R_OK | os.X_OK):  # a folder a search could not open (find_workbooks)
            raise InputError("沒有開啟這個資料夾的權限，其中的檔案未讀取", source, code=ErrorCode.INPUT_NO_PERMISSION)
        raise InputError("這是資料夾，不是檔案", source, code=ErrorCode.INPUT_NOT_FILE)
    if not stat.S_ISREG(mode):
        raise InputError("不是一般檔案（裝置、管線或通訊端）", source, code=ErrorCode.INPUT_NOT_FILE)
    if not os.access(source, os.R_OK):
        raise InputError("沒有讀取這個檔案的權限", source, code=ErrorCode.INPUT_NO_PERMISSION)
    return source


def _unreadable(exc: OSError, source: Path) -> InputError:
    """A file the system would not read, in its words: INPUT_NO_PERMISSION only when permission is why (a
    link loop or a disk's read error was told to scripts as a permission to ask for)."""
    denied = exc.errno in (errno.EACCES, errno.EPERM)
    code = ErrorCode.INPUT_NO_PERMISSION if denied else ErrorCode.INPUT_SYSTEM
    return InputError(f"無法讀取：{system_reason(exc)}", source, code=code)


def max_uncompressed_bytes() -> int:
    """The absolute limit: XLTOOL_MAX_UNCOMPRESSED_MB, default 2,048 MB."""
    try:
        megabytes = float(os.environ.get("XLTOOL_MAX_UNCOMPRESSED_MB", DEFAULT_MAX_UNCOMPRESSED_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_UNCOMPRESSED_MB
    return int(megabytes * 1024 * 1024)


def inspect_workbook(path: str | Path | Package) -> Package:
    """The input read once, or one line saying what a file that is no workbook really is.

    An .xls renamed .xlsx is still read (the reader goes by content); an encrypted OOXML file is an OLE
    container too, told apart by its EncryptedPackage stream; a zip bomb is refused by the sizes the
    archive declares, before anything inflates it. A package already read is handed back as it is, and
    so is the last file read when it has not changed since (see ``_LAST_READ``).
    """
    if isinstance(path, Package):
        return path
    source = check_input(path)
    try:
        found = source.stat()
    except OSError:  # gone since check_input looked: reading it says so
        return _read(source)
    identity = (str(source), found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
    if identity not in _LAST_READ:
        book = _read(source)
        _LAST_READ.clear()
        _LAST_READ[identity] = book
    return _LAST_READ[identity]


# The last input read, by its name and its file's identity: the steps of a command that each take the
# file by name (the check, then its annotated and corrected copies) read it once, and see the same
# bytes. A file written since has another identity (its times change, and mostly its size) and is
# read again.
_LAST_READ: dict[tuple[object, ...], Package] = {}


def _read(source: Path) -> Package:
    try:
        with source.open("rb") as handle:
            head = handle.read(8)
            if head.startswith((OLE_MAGIC, b"PK")):  # the rest only of what may be a workbook
                size = os.fstat(handle.fileno()).st_size
                if size > max_uncompressed_bytes():
                    raise InputError(_too_large(size, "檔案 "), source, code=ErrorCode.INPUT_TOO_LARGE)
                data = head + handle.read()
    except OSError as exc:
        raise _unreadable(exc, source) from None
    if not head:
        raise InputError("檔案是空的", source, code=ErrorCode.INPUT_EMPTY)
    if head.startswith(OLE_MAGIC):
        return Package(source, _ole_kind(source, data), data)
    if head.startswith(b"%PDF"):
        raise InputError("這是 PDF 檔，不是活頁簿；請提供 .xlsx、.xlsm、.xls 或 .ods", source)
    if not head.startswith(b"PK"):
        raise InputError(_text_file(source), source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(DAMAGED, source, code=ErrorCode.INPUT_DAMAGED) from None
    members = archive.infolist()
    names = Counter(part_key(m.filename) for m in members)
    if len(names) != len(members):
        # Part names are unique regardless of case (Open Packaging Conventions); of two members with one
        # name, readers differ on which counts, so what is checked might not be what Excel shows.
        twice = next(m.filename for m in members if names[part_key(m.filename)] > 1)
        raise InputError(
            f"壓縮內容「{twice}」重複出現，檔案已損毀；請重新存檔或向寄件者索取", source, code=ErrorCode.INPUT_DAMAGED
        )
    if "word/document.xml" in names:
        raise InputError("這是 Word 文件，不是活頁簿", source)
    if "xl/workbook.bin" in names:  # it is Excel's: 「不是 Excel 活頁簿」 left its officer none the wiser
        raise InputError(f"這是 Excel 二進位活頁簿（{BINARY_WORKBOOK}），xltool 無法讀取；請{SAVE_AS_XLSX}", source)
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "content.xml" in names:
        document = _odf_document(archive) if "mimetype" in names else None
        if document is not None:  # an ODF text, slides or drawing has a content.xml too, and no sheet in it
            raise InputError(f"這是 {document}，不是活頁簿", source)
        kind = "ods"
    else:
        raise InputError("不是 Excel 或 ODS 活頁簿（壓縮檔中沒有活頁簿內容）", source)
    _refuse_bombs(source, members)
    return Package(source, kind, data, archive)


# ODF documents that are no workbook, by the media type their ``mimetype`` member states (ODF 1.2, 3.3).
ODF_DOCUMENTS = {
    "application/vnd.oasis.opendocument.text": "ODF 文字文件（.odt）",
    "application/vnd.oasis.opendocument.text-template": "ODF 文字文件範本（.ott）",
    "application/vnd.oasis.opendocument.presentation": "ODF 簡報（.odp）",
    "application/vnd.oasis.opendocument.graphics": "ODF 繪圖（.odg）",
}


def _odf_document(archive: zipfile.ZipFile) -> str | None:
    """What an ODF package that is no spreadsheet is, by its ``mimetype`` member; None for a spreadsheet, or
    a ``mimetype`` that cannot be read or says nothing known (the package is then read as an .ods, as before)."""
    member = next(m for m in archive.infolist() if part_key(m.filename) == "mimetype")
    if member.flag_bits & 1:  # encrypted (zipfile stops on it): the reading after this says so
        return None
    try:
        with archive.open(member) as handle:
            stated = handle.read(100)  # a media type is short: a hostile member is not inflated further
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, zlib.error):
        return None  # damaged: the reading after this says so
    return ODF_DOCUMENTS.get(stated.decode("ascii", "replace").strip())


def _text_file(source: Path) -> str:
    """What a file that is text says it is: web systems export 「.xls」 that are an HTML table or Excel
    2003's XML Spreadsheet, which Excel opens (after a warning) and xltool cannot read."""
    try:
        with source.open("rb") as handle:
            start = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    except OSError:
        start = b""
    if start.startswith((b"<!doctype html", b"<html")) or b"<table" in start:
        made = "網頁（HTML）表格"
    elif start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in start:
        made = "Excel 2003 XML 試算表"
    else:
        return "不是活頁簿（看起來是文字檔或 CSV）；請提供 .xlsx、.xlsm、.xls 或 .ods"
    named = f"，只是副檔名為 {source.suffix}" if source.suffix else ""
    return f"這是{made}{named}；請用 Excel 或 LibreOffice 開啟後另存為 .xlsx"


def _ole_kind(source: Path, data: bytes) -> str:
    """An OLE file is an .xls workbook, or an encrypted (password) .xlsx; their stream names say which."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise InputError(PASSWORD_PROTECTED, source, code=ErrorCode.INPUT_PASSWORD)
    if any(name.encode("utf-16-le") in data for name in ("Workbook", "Book")):
        return "xls"
    if _cut_short(data):  # the list of streams, which names the workbook, is past the file's end
        raise InputError(DAMAGED_XLS, source, code=ErrorCode.INPUT_DAMAGED)
    raise InputError("這是 Office 舊格式檔案，但不是 Excel 活頁簿（可能是 Word 或 PowerPoint）", source)


DAMAGED_XLS = "檔案已損毀（內容不完整，可能沒有下載或複製完成），請重新存檔或向寄件者索取"


def _cut_short(data: bytes) -> bool:
    """Whether an OLE file ends before the sectors its header says it has: its first directory sector or
    one of its allocation table's (a workbook cut short in a download was called a Word file)."""
    if len(data) < 512:
        return True
    size = 1 << struct.unpack_from("<H", data, 30)[0]
    directory = struct.unpack_from("<I", data, 48)[0]
    tables = [n for n in struct.unpack_from("<109I", data, 76) if n < 0xFFFFFFFA]
    return any((n + 2) * size > len(data) for n in [directory, *tables] if n < 0xFFFFFFFA)  # sector n: (n+1)·size on


def _too_large(size: int, what: str = "") -> str:
    limit = max_uncompressed_bytes()
    return (
        f"{what}{size // (1024 * 1024):,} MB，超過上限 {limit // (1024 * 1024):,} MB，已拒絕讀取"
        "（確定檔案無誤可設定環境變數 XLTOOL_MAX_UNCOMPRESSED_MB 提高上限）"
    )


def _refuse_bombs(source: Path, members: list[zipfile.ZipInfo]) -> None:
    total = sum(m.file_size for m in members)
    if total > max_uncompressed_bytes():
        raise InputError(_too_large(total, "解壓縮後 "), source, code=ErrorCode.INPUT_TOO_LARGE)
    for member in members:
        large = member.file_size > BOMB_RATIO_FROM_MB * 1024 * 1024
        if large and member.file_size > BOMB_RATIO * max(member.compress_size, 1):
            raise InputError(
                f"內容「{member.filename}」解壓縮後放大 {member.file_size // max(member.compress_size, 1):,} 倍"
                f"（{member.file_size // (1024 * 1024):,} MB），是惡意的壓縮炸彈，已拒絕讀取",
                source,
                code=ErrorCode.INPUT_UNSAFE,
            )
