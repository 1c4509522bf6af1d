"""LibreOffice, run headless: the converter behind PDF output and the way tests make .ods and .xls files.

Each run gets a private profile folder, so a LibreOffice the officer has open (or another conversion
running beside it) neither blocks the run nor is changed by it, and a time limit, so a stuck office
process can never hang a command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from xltool.errors import XltoolError

# Where installers put soffice when it is not on PATH (Windows: the program folders; macOS: the app).
_USUAL_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "/opt/libreoffice/program/soffice",
)
INSTALL_HINT = (
    "找不到 LibreOffice（soffice）。請安裝 LibreOffice（https://www.libreoffice.org/ ；"
    "Debian/Ubuntu：apt-get install libreoffice-calc-nogui），或以環境變數 XLTOOL_SOFFICE 指定 soffice 的路徑。"
)


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


def convert(source: str | Path, fmt: str, outdir: str | Path, *, timeout: float = 180) -> Path:
    """Convert ``source`` to ``fmt`` (pdf, ods, xlsx, xls …) in ``outdir``; returns the new file."""
    soffice = find_soffice()
    if soffice is None:
        raise XltoolError(INSTALL_HINT)
    source, outdir = Path(source).resolve(), Path(outdir).resolve()
    with tempfile.TemporaryDirectory(prefix="xltool-office-") as profile:
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
            str(source),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise XltoolError(f"LibreOffice 轉檔超過 {timeout:.0f} 秒仍未完成，已停止", source) from None
        except OSError as exc:
            raise XltoolError(f"無法執行 LibreOffice（{soffice}）：{exc}", source) from None
    target = outdir / f"{source.stem}.{fmt.split(':', 1)[0]}"
    if done.returncode != 0 or not target.is_file():
        detail = (done.stderr or done.stdout).decode(sys.getfilesystemencoding(), "replace").strip()
        raise XltoolError(f"LibreOffice 轉檔失敗（{fmt}）：{detail or '沒有產生輸出檔'}", source)
    return target
