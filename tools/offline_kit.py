"""Build a zip that installs xltool on a computer with no network: python tools/offline_kit.py -o KIT.zip

Supervising offices run xltool on government PCs that often reach no package registry. On a connected
machine this builds xltool's wheel from the checkout, downloads every dependency as a wheel for the target
(Windows x64 by default, for each Python asked for) and zips them with installers (install.cmd, install.sh,
both running install.py), a zh-TW 安裝說明.txt and the example workbook as 範例.xlsx. The installers make a
virtual environment and run ``pip install --no-index`` on the kit's wheels folder only.

Needs: Python ≥ 3.11 with pip and ``packaging`` (``pip install packaging``; the dev environment has it), and
the registry. Exit status: 0 built; 1 the kit could not be built (no network, a dependency without a wheel
for the target, an incomplete set); 2 a bad argument or output (one zh-TW line, nothing written).

pip resolves environment markers against the interpreter it runs in, even under ``--platform`` (pypa/pip
#10050, closed as not pip's job), so a Windows kit built on Linux would leave out ``colorama;
platform_system == "Windows"`` (typer) and ``tzdata; sys_platform == "win32"`` (pandas). pip is therefore
run with packaging's ``default_environment()`` answering for the target, and :func:`missing` then checks
the downloaded set on its own, with the real ``packaging``, before anything is zipped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the checkout's xltool (the output guard), installed or not

from xltool.errors import XltoolError  # noqa: E402  (stdlib only: no dependency needed to run this)
from xltool.outputs import Kind, Outputs  # noqa: E402

if TYPE_CHECKING:
    from packaging.tags import Tag

PROG = "python tools/offline_kit.py"
KIT_FILES = Path(__file__).resolve().parent / "kit"
EXAMPLE = ROOT / "examples" / "kinmen_108.xlsx"
TOP = "xltool-offline"  # the one folder in the zip: ASCII, so every unzip tool names it alike
PYTHONS = ("3.11", "3.12", "3.13", "3.14")  # xltool needs ≥ 3.11; 3.14 only if every dependency has wheels
DEFAULT_PYTHONS = ("3.11", "3.12", "3.13")
ZIP = Kind("zip 壓縮檔", (".zip",))  # the kit: one file to carry to an offline PC
CURRENT_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class KitError(Exception):
    """The kit could not be built; the message is the zh-TW line the builder reads."""


@dataclass(frozen=True)
class Target:
    """Where the kit will be installed: a wheel platform, or this machine (``current``)."""

    name: str
    label: str  # zh-TW, for messages and 安裝說明.txt
    sysconfig_platform: str  # what install.py compares with sysconfig.get_platform() on the office PC
    pip_platform: str | None = None  # None: this machine, pip's own defaults

    def pip_options(self, python: str) -> list[str]:
        if self.pip_platform is None:
            return []
        abi = "cp" + python.replace(".", "")
        return ["--platform", self.pip_platform, "--python-version", python, "--implementation", "cp", "--abi", abi]

    def environment(self, python: str) -> dict[str, str]:
        """PEP 508 marker values on the target (patch releases and OS build numbers cannot be known)."""
        from packaging.markers import default_environment

        if self.pip_platform is None:
            return {key: str(value) for key, value in default_environment().items()}
        return {
            "implementation_name": "cpython",
            "implementation_version": f"{python}.0",
            "os_name": "nt",
            "platform_machine": "AMD64",
            "platform_python_implementation": "CPython",
            "platform_release": "10",
            "platform_system": "Windows",
            "platform_version": "10.0.19045",
            "python_full_version": f"{python}.0",
            "python_version": python,
            "sys_platform": "win32",
        }

    def tags(self, python: str) -> frozenset[Tag]:
        """The wheel tags an interpreter on the target accepts."""
        from packaging import tags

        if self.pip_platform is None:
            return frozenset(tags.sys_tags())
        version = tuple(int(part) for part in python.split("."))
        abi = "cp" + python.replace(".", "")
        platforms = [self.pip_platform]
        return frozenset(
            [
                *tags.cpython_tags(version, [abi], platforms),
                *tags.compatible_tags(version, abi, platforms),
            ]
        )


def _current_label() -> str:
    return f"{platform.system()}（{sysconfig.get_platform()}）"


TARGETS = {
    "win_amd64": Target("win_amd64", "Windows 64 位元（x64）", "win-amd64", "win_amd64"),
    "current": Target("current", _current_label(), sysconfig.get_platform()),
}

# Run pip with markers evaluated for the target: see the module docstring. Exit 97 says pip changed.
_PIP_FOR_TARGET = """
import json, runpy, sys
from pip._vendor.packaging import markers
if not callable(getattr(markers, "default_environment", None)):
    sys.exit(97)
target = json.loads(sys.argv.pop(1))
markers.default_environment = lambda: dict(target)
sys.argv[0] = "pip"
runpy.run_module("pip", run_name="__main__", alter_sys=True)
"""


# --- the command line ------------------------------------------------------------------------------


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action], groups: Iterable[Any],
                  prefix: str | None = None) -> None:  # fmt: skip
        super().add_usage(usage, actions, groups, "用法：")


# argparse's own messages are English; the ones a builder can meet are put into zh-TW.
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (.*)"), "缺少必要的參數：{0}"),
    (re.compile(r"unrecognized arguments: (.*)"), "無法辨識的參數：{0}"),
    (re.compile(r"argument (.*?): expected one argument"), "{0} 後面要接一個值"),
    (re.compile(r"argument (.*?): expected at least one argument"), "{0} 後面至少要接一個值"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for pattern, text in _ARGPARSE_MESSAGES:
            found = pattern.fullmatch(message)
            if found:
                message = text.format(*found.groups())
                break
        else:
            message = f"參數有誤（{message}）"
        _fail(f"{message}；用法請看 {PROG} --help")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        usage=f"{PROG} -o 安裝包.zip [--platform win_amd64|current] [--python 版本 …] [--force]",
        description="產生 xltool 的離線安裝包（zip）：xltool 與所有相依套件的 wheel、安裝程式、安裝說明與範例檔。\n"
        "需要在可連上套件庫的電腦執行；安裝包帶到沒有網路的電腦解壓縮後執行 install.cmd（Windows）或 install.sh。",
        epilog="範例：\n"
        "  Windows 64 位元，Python 3.11、3.12、3.13（預設）：\n"
        f"    {PROG} -o xltool-離線安裝.zip\n"
        "  只給 Python 3.12：\n"
        f"    {PROG} -o xltool-離線安裝-py312.zip --python 3.12\n"
        "  這台電腦的平台與 Python：\n"
        f"    {PROG} -o xltool-本機.zip --platform current\n\n"
        "結束代碼：0 完成；1 無法產生（沒有網路、相依套件沒有該平台的 wheel）；2 參數或輸出檔有誤。",
        formatter_class=_Formatter,
        add_help=False,
    )
    group = parser.add_argument_group("選項")
    group.add_argument("-o", "--output", required=True, metavar="安裝包.zip", help="要寫出的 zip 檔")
    group.add_argument("--platform", default="win_amd64", metavar="平台",
                       help="win_amd64（預設，Windows 64 位元）或 current（這台電腦）")  # fmt: skip
    group.add_argument("--python", nargs="+", metavar="版本",
                       help=f"Python 版本，可多個（可用 {'、'.join(PYTHONS)}；預設 win_amd64 為 "
                       f"{'、'.join(DEFAULT_PYTHONS)}，current 為本機的 {CURRENT_PYTHON}）")  # fmt: skip
    group.add_argument("--force", action="store_true", help="輸出檔已存在時覆寫")
    group.add_argument("-h", "--help", action="help", help="顯示這個說明")
    return parser


def _fail(message: str) -> NoReturn:
    print(f"offline_kit：{message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def choose(platform: str, pythons: Sequence[str] | None) -> tuple[Target, list[str]]:
    """The target and its Pythons, or one zh-TW line and exit 2 (before anything is downloaded)."""
    target = TARGETS.get(platform)
    if target is None:
        _fail(f"不支援的平台「{platform}」：請用 {'、'.join(TARGETS)}")
    asked = list(dict.fromkeys(pythons or (DEFAULT_PYTHONS if target.pip_platform else (CURRENT_PYTHON,))))
    for python in asked:
        if python not in PYTHONS:
            _fail(f"不支援的 Python 版本「{python}」：請用 {'、'.join(PYTHONS)}")
    if target.pip_platform is None and asked != [CURRENT_PYTHON]:
        _fail(f"--platform current 只能用本機的 Python {CURRENT_PYTHON}（要給別的版本請用 --platform win_amd64）")
    return target, sorted(asked, key=lambda v: tuple(map(int, v.split("."))))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    target, pythons = choose(args.platform, args.python)
    try:
        import packaging.markers  # noqa: F401  (needed by missing(): say so before the downloads)
    except ImportError:
        _fail("需要 packaging 套件：請先執行 python -m pip install packaging")
    outputs = Outputs([EXAMPLE], force=args.force)
    try:
        outputs.claim(args.output, ZIP)
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="xltool-kit-") as scratch:
            kit = build(target, pythons, Path(scratch))
            with outputs.atomic(args.output, ZIP) as temporary:
                count = write_zip(kit, temporary)
    except XltoolError as exc:
        _fail(str(exc))
    except KitError as exc:
        print(f"offline_kit：{exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("offline_kit：已中斷，未寫出安裝包", file=sys.stderr)
        return 130
    size = Path(args.output).stat().st_size
    _say(
        f"完成：{args.output}（{size / 1_000_000:.1f} MB，{count} 個 wheel，{target.label}，"
        f"Python {'、'.join(pythons)}，{time.monotonic() - started:.0f} 秒）"
    )
    # To compare after the copy to a USB stick (Windows: certutil -hashfile 檔名 SHA256).
    with open(args.output, "rb") as written:
        _say(f"SHA-256：{hashlib.file_digest(written, 'sha256').hexdigest()}")
    return EXIT_OK


# --- building -----------------------------------------------------------------------------------------


def build(target: Target, pythons: Sequence[str], scratch: Path) -> Path:
    """Lay the kit out in ``scratch/TOP``: wheels, installers, instructions, example. Returns that folder."""
    kit = scratch / TOP
    wheels = kit / "wheels"
    wheels.mkdir(parents=True)
    _say("建置 xltool 的 wheel…")
    xltool_wheel = build_wheel(scratch / "build", wheels)
    for python in pythons:
        _say(f"下載相依套件：{target.label}，Python {python}…")
        download(xltool_wheel, target, python, wheels)
    for python in pythons:
        problems = missing(wheels, target, python)
        if problems:
            raise KitError(f"{target.label}、Python {python} 的套件不齊全，未寫出安裝包：" + "；".join(problems))
    version = xltool_wheel.name.split("-")[1]
    write_files(kit, target, pythons, version)
    return kit


def _pip(arguments: Sequence[str], *, target: Target | None = None, python: str = "") -> None:
    """Run pip (markers evaluated for ``target`` when it is another platform); its output only on failure."""
    if target is not None and target.pip_platform is not None:
        command = [sys.executable, "-c", _PIP_FOR_TARGET, json.dumps(target.environment(python)), *arguments]
    else:
        command = [sys.executable, "-m", "pip", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, errors="replace")
    if result.returncode == 97:
        raise KitError("這個 pip 版本無法替其他平台判斷環境標記（environment markers），請改用 pip 23 至 25")
    if result.returncode != 0:
        detail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise KitError(f"pip {arguments[0]} 失敗（網路無法連線，或有套件沒有這個平台的 wheel）：\n{detail}")


def build_wheel(scratch: Path, wheels: Path) -> Path:
    """xltool's wheel, built from a copy of the checkout (so no build/ or egg-info is left in it)."""
    source = scratch / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".*cache", ".venv",
                                      "venv", "*.zip"),
    )  # fmt: skip
    _pip(["wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(source)])
    found = sorted(wheels.glob("xltool-*.whl"))
    if len(found) != 1:
        raise KitError(f"建置 xltool 的 wheel 後找到 {len(found)} 個檔案，預期 1 個")
    return found[0]


def download(xltool_wheel: Path, target: Target, python: str, wheels: Path) -> None:
    """Every dependency of xltool as a wheel for ``target`` and ``python`` (pure-Python ones fit every target)."""
    options = ["download", "--quiet", "--only-binary=:all:", *target.pip_options(python)]
    _pip([*options, "--dest", str(wheels), str(xltool_wheel)], target=target, python=python)


def missing(wheels: Path, target: Target, python: str) -> list[str]:
    """What an offline install on ``target`` with ``python`` would lack, found without pip.

    From xltool down, every requirement whose markers hold on the target (with the extras asked for) needs a
    wheel that the target accepts and whose version fits; the highest such is followed, as pip would. Empty
    when the set is complete.
    """
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version

    accepted = target.tags(python)
    environment = target.environment(python)
    found: dict[str, list[tuple[Version, Path]]] = {}
    for wheel in wheels.glob("*.whl"):
        name, version, _, wheel_tags = parse_wheel_filename(wheel.name)
        if accepted.intersection(wheel_tags):
            found.setdefault(name, []).append((version, wheel))
    problems: list[str] = []
    todo: list[tuple[Requirement, str]] = [(Requirement("xltool"), "")]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        requirement, needed_by = todo.pop()
        name = canonicalize_name(requirement.name)
        fitting = [(v, w) for v, w in found.get(name, []) if requirement.specifier.contains(v, prereleases=True)]
        if not fitting:
            by = f"（{needed_by} 需要）" if needed_by else ""
            problems.append(f"缺少 {requirement.name}{requirement.specifier}{by}")
            continue
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        metadata = _metadata(max(fitting)[1])
        requires_python = metadata.get("Requires-Python")
        if requires_python and not SpecifierSet(requires_python).contains(f"{python}.0", prereleases=True):
            problems.append(f"{name} 不支援 Python {python}（需要 {requires_python}）")
        for line in metadata.get_all("Requires-Dist") or []:
            dependency = Requirement(line)
            extras = ["", *sorted(requirement.extras)]
            if dependency.marker is None or any(
                dependency.marker.evaluate({**environment, "extra": extra}) for extra in extras
            ):
                todo.append((dependency, name))
    return problems


def _metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        return HeaderParser().parsestr(archive.read(name).decode("utf-8"))


# --- the files beside the wheels ----------------------------------------------------------------------


def write_files(kit: Path, target: Target, pythons: Sequence[str], version: str) -> None:
    """install.py, the two scripts that find a Python for it, 安裝說明.txt, 範例.xlsx and kit.json."""
    newest_first = list(reversed(pythons))
    values = {
        "VERSION": version,
        "PLATFORM": target.label,
        "PYTHONS": "、".join(pythons),
        "PY_LAUNCHER_VERSIONS": " ".join(newest_first),
        "UNIX_PYTHONS": " ".join(f"python{v}" for v in newest_first),
    }
    shutil.copyfile(KIT_FILES / "install.py", kit / "install.py")
    # cmd.exe reads a batch file in the console's code page: 950 (Big5) on a zh-TW Windows; CRLF line ends.
    (kit / "install.cmd").write_bytes(_fill("install.cmd", values).replace("\n", "\r\n").encode("cp950"))
    (kit / "install.sh").write_bytes(_fill("install.sh", values).encode("utf-8"))
    # Notepad on every Windows reads UTF-8 with a BOM; CRLF for the old Notepad.
    (kit / "安裝說明.txt").write_bytes(_fill("instructions.txt", values).replace("\n", "\r\n").encode("utf-8-sig"))
    shutil.copyfile(EXAMPLE, kit / "範例.xlsx")
    info = {"xltool": version, "platform": target.sysconfig_platform, "label": target.label, "pythons": list(pythons)}
    (kit / "kit.json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _fill(name: str, values: dict[str, str]) -> str:
    text = (KIT_FILES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise KitError(f"{name} 有未替換的欄位：{'、'.join(left)}")
    return text


def write_zip(kit: Path, path: Path) -> int:
    """Zip the kit under its one folder; wheels are zips already, so they are stored, not compressed again."""
    count = 0
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(p for p in kit.rglob("*") if p.is_file()):
            name = f"{TOP}/{file.relative_to(kit).as_posix()}"
            stored = file.suffix == ".whl"
            count += stored
            info = zipfile.ZipInfo.from_file(file, name)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            if file.suffix in (".sh", ".py"):
                info.external_attr = (0o100755 << 16) | (info.external_attr & 0xFFFF)
            with file.open("rb") as source, archive.open(info, "w") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
    return count


if __name__ == "__main__":
    sys.exit(main())
