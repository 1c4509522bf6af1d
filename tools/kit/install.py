"""Install xltool from this offline kit: a virtual environment, then pip with the kit's wheels folder only.

install.cmd (Windows) and install.sh (Linux, macOS) find a Python that fits the kit (``--probe``) and run
this file with it. Usage: install.py [FOLDER]; without FOLDER it asks, offering %LOCALAPPDATA%\\Programs\\
xltool on Windows and ~/.local/share/xltool elsewhere. A folder that already holds a virtual environment
is upgraded in place; any other non-empty folder is refused. pip runs with no index, no configuration files
and no PIP_* variables, so it installs from this kit or not at all. Exit status: 0 installed (or, with
--probe, this Python fits the kit), 1 the installation failed, 2 wrong Python, platform or folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path

KIT = Path(__file__).resolve().parent
WINDOWS = sys.platform == "win32"


def misfit(info: dict[str, object]) -> str | None:
    """Why this Python cannot use the kit, or None when it can."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    pythons = [str(p) for p in info["pythons"]] if isinstance(info["pythons"], list) else []
    if sysconfig.get_platform() != info["platform"] or python not in pythons:
        return (
            f"這個安裝包是給 {info['label']}、Python {'、'.join(pythons)} 用的；"
            f"這個 Python 是 {python}（{sysconfig.get_platform()}）：{sys.executable}"
        )
    return None


def default_folder() -> Path:
    if WINDOWS and "WindowsApps" in sys.base_prefix + sys.executable:
        # A Python from the Microsoft Store writes new files under AppData into its own private copy, where
        # nothing else finds them: outside AppData, then.
        return Path.home() / "xltool"
    if WINDOWS:
        local = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(local) / "Programs" / "xltool"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "xltool"


def ask_folder() -> Path:
    default = default_folder()
    if not sys.stdin or not sys.stdin.isatty():
        return default
    try:
        answer = input(f"要安裝到哪個資料夾？（直接按 Enter：{default}）\n> ").strip().strip('"')
    except EOFError:
        answer = ""
    return Path(answer).expanduser() if answer else default


def program(folder: Path, name: str) -> Path:
    return folder / ("Scripts" if WINDOWS else "bin") / (name + (".exe" if WINDOWS else ""))


def pip_environment() -> dict[str, str]:
    """No pip configuration file and no PIP_* variable: the kit's wheels and nothing else."""
    environment = {key: value for key, value in os.environ.items() if not key.upper().startswith("PIP_")}
    environment["PIP_CONFIG_FILE"] = os.devnull
    return environment


def install(folder: Path, version: str) -> int:
    reuse = (folder / "pyvenv.cfg").is_file()
    if folder.exists() and not folder.is_dir():
        print(f"{folder}：這不是資料夾，請換一個位置", file=sys.stderr)
        return 2
    if not reuse and folder.is_dir() and any(folder.iterdir()):
        print(f"{folder}：資料夾裡已經有其他檔案；請指定一個新的或空的資料夾", file=sys.stderr)
        return 2
    if reuse:
        print(f"更新 {folder} 中的 xltool…", flush=True)
    else:
        print(f"建立 Python 虛擬環境：{folder}", flush=True)
        if subprocess.run([sys.executable, "-m", "venv", str(folder)]).returncode != 0:
            print("無法建立虛擬環境（Linux 上可能要先安裝 python3-venv 套件）", file=sys.stderr)
            return 1
    python = program(folder, "python")
    wheels = KIT / "wheels"
    pip = [str(python), "-m", "pip", "install", "--no-index", "--find-links", str(wheels),
           "--disable-pip-version-check", "--no-input", "--quiet"]  # fmt: skip
    print("安裝 xltool 與相依套件（不需網路，約需一、兩分鐘）…", flush=True)
    steps = [[*pip, "--upgrade", f"xltool=={version}"]]
    if reuse:  # the same version number built anew: replace xltool's own files too
        steps.append([*pip, "--force-reinstall", "--no-deps", f"xltool=={version}"])
    for step in steps:
        if subprocess.run(step, env=pip_environment()).returncode != 0:
            print("安裝失敗：請把上面的訊息交給資訊人員（安裝包可能不完整，或不是給這台電腦的）", file=sys.stderr)
            return 1
    xltool = program(folder, "xltool")
    example = KIT / "範例.xlsx"
    print(f"\n安裝完成：xltool {version} 在 {folder}")
    if example.is_file():
        print("用範例檔試跑一次：", flush=True)
        subprocess.run([str(xltool), "check", str(example)])
    print(f'\n執行方式：\n  "{xltool}" check 計畫.xlsx\n  "{xltool}" --help')
    scripts = xltool.parent
    if WINDOWS:
        print(f"想直接輸入 xltool：把 {scripts} 加到使用者環境變數 PATH（開始 → 搜尋「編輯您帳戶的環境變數」）。")
    else:
        print(f'想直接輸入 xltool：把 export PATH="{scripts}:$PATH" 加到 ~/.profile。')
    return 0


def main(argv: Sequence[str]) -> int:
    info = json.loads((KIT / "kit.json").read_text(encoding="utf-8"))
    problem = misfit(info)
    if argv[:1] == ["--probe"]:
        return 0 if problem is None else 2
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    if not (KIT / "wheels").is_dir():
        print("找不到 wheels 資料夾：請先把整個 zip 檔解壓縮，再執行解壓後資料夾裡的安裝程式", file=sys.stderr)
        return 2
    folder = Path(argv[0]).expanduser() if argv else ask_folder()
    return install(folder.absolute(), str(info["xltool"]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
