"""Files in and out: inputs checked before anything reads them, outputs written atomically.

An officer's workbook is the only copy of a year's work, so an output never replaces an input, never
replaces an existing file without ``--force``, and appears whole or not at all (temporary file in the
same folder, then an atomic rename).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from xltool.errors import XltoolError


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
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f"{target.suffix}.tmp", dir=target.parent)
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; give the file ordinary permissions
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(path: str | Path, data: bytes, *, force: bool = False, inputs: Iterable[str | Path] = ()) -> None:
    """Write a whole file atomically (JSON, CSV, reports)."""
    with atomic_output(path, force=force, inputs=inputs) as temporary:
        temporary.write_bytes(data)
