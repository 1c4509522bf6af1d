"""tools/offline_kit.py: a kit built here installs with no network and runs; a Windows kit is complete.

The build tests reach the package registry (as CI's own pip install does): the kit for this machine is
about 36 MB, the Windows one for Python 3.12 about 30 MB; each builds in about ten seconds here. Nothing is
kept outside pytest's tmp folders but pip's own cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from email.message import Message
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT, run_process

SCRIPT = ROOT / "tools" / "offline_kit.py"
THIS_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
DEAD_PROXY = "http://127.0.0.1:9"  # nothing listens there: any attempt to reach a registry fails


def kit_tool(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=cwd)


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("offline_kit", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def unzip(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(into)
    kit = into / "xltool-offline"
    for script in ("install.sh", "install.py"):
        (kit / script).chmod(0o755)
    return kit


# --- arguments: refused in one zh-TW line, exit 2, before anything is downloaded or written --------------

OTHER_PYTHON = next(v for v in ("3.12", "3.13", "3.11") if v != THIS_PYTHON)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--platform", "linux"], "不支援的平台「linux」"),
        (["--platform", "win32"], "不支援的平台「win32」"),
        (["--python", "3.10"], "不支援的 Python 版本「3.10」"),
        (["--python", "3.12", "three"], "不支援的 Python 版本「three」"),
        (["--platform", "current", "--python", OTHER_PYTHON], f"只能用本機的 Python {THIS_PYTHON}"),
        (["--python"], "--python 後面至少要接一個值"),
        (["--bogus"], "無法辨識的參數：--bogus"),
    ],
)
def test_a_bad_argument_is_one_zh_tw_line_and_exit_2(tmp_path: Path, args: list[str], says: str) -> None:
    result = kit_tool("-o", tmp_path / "kit.zip", *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_no_output_and_an_existing_output_are_refused(tmp_path: Path) -> None:
    result = kit_tool("--platform", "current")
    assert result.returncode == 2 and "缺少必要的參數：-o/--output" in result.stderr
    existing = tmp_path / "kit.zip"
    existing.write_bytes(b"an earlier kit")
    result = kit_tool("-o", existing)
    assert result.returncode == 2 and "檔案已存在；如要覆寫請加上 --force" in result.stderr
    assert existing.read_bytes() == b"an earlier kit"
    assert [p.name for p in tmp_path.iterdir()] == ["kit.zip"]  # no temporary left beside it


# --- the completeness check, on wheels made here (no network) ------------------------------------------


def fake_wheel(folder: Path, filename: str, *requires: str) -> None:
    name, version = filename.split("-")[:2]
    metadata = Message()
    metadata["Metadata-Version"] = "2.1"
    metadata["Name"] = name
    metadata["Version"] = version
    metadata["Requires-Python"] = ">=3.11"
    for requirement in requires:
        metadata["Requires-Dist"] = requirement
    with zipfile.ZipFile(folder / filename, "w") as wheel:
        wheel.writestr(f"{name}-{version}.dist-info/METADATA", metadata.as_string())


def test_missing_follows_the_targets_markers_and_tags(tmp_path: Path) -> None:
    """What pip gets wrong under --platform (markers read on this machine) is what missing() catches."""
    tool = load_tool()
    fake_wheel(tmp_path, "xltool-0.1.0-py3-none-any.whl", "typer>=0.29", "pandas>=2.1")
    fake_wheel(tmp_path, "typer-0.29.2-py3-none-any.whl", 'colorama; platform_system == "Windows"')
    fake_wheel(tmp_path, "pandas-3.1.1-cp312-cp312-win_amd64.whl", 'numpy>=2.0.2; python_version < "3.14"',
               'numpy>=2.3.3; python_version >= "3.14"', 'tzdata; sys_platform == "win32"')  # fmt: skip
    fake_wheel(tmp_path, "numpy-2.5.5-cp312-cp312-win_amd64.whl")
    fake_wheel(tmp_path, "tzdata-2026.6-py2.py3-none-any.whl")
    windows = tool.TARGETS["win_amd64"]
    assert tool.missing(tmp_path, windows, "3.12") == ["缺少 colorama（typer 需要）"]
    fake_wheel(tmp_path, "colorama-0.4.6-py2.py3-none-any.whl")
    assert tool.missing(tmp_path, windows, "3.12") == []
    assert tool.missing(tmp_path, windows, "3.13") == ["缺少 pandas>=2.1（xltool 需要）"]  # no cp313 wheel
    (tmp_path / "tzdata-2026.6-py2.py3-none-any.whl").unlink()
    assert tool.missing(tmp_path, windows, "3.12") == ["缺少 tzdata（pandas 需要）"]
    (tmp_path / "numpy-2.5.5-cp312-cp312-win_amd64.whl").rename(tmp_path / "numpy-2.5.5-cp312-cp312-win32.whl")
    assert "缺少 numpy>=2.0.2（pandas 需要）" in tool.missing(tmp_path, windows, "3.12")  # 32-bit does not fit


# --- building, with the registry -----------------------------------------------------------------------


@pytest.mark.packaging
def test_a_windows_kit_has_every_wheel_windows_needs(tmp_path: Path) -> None:
    """Built on this machine for Windows x64 and Python 3.12: resolved for Windows, not for here."""
    result = kit_tool("-o", tmp_path / "win.zip", "--python", "3.12")
    assert result.returncode == 0, result.stderr
    assert "Python 3.12" in result.stderr and "完成" in result.stderr
    assert f"SHA-256：{hashlib.sha256((tmp_path / 'win.zip').read_bytes()).hexdigest()}" in result.stderr
    with zipfile.ZipFile(tmp_path / "win.zip") as kit:
        names = kit.namelist()
        wheels = [n.rsplit("/", 1)[1] for n in names if n.endswith(".whl")]
        install_cmd = kit.read("xltool-offline/install.cmd")
        instructions = kit.read("xltool-offline/安裝說明.txt")
        info = json.loads(kit.read("xltool-offline/kit.json"))
        example = kit.read("xltool-offline/範例.xlsx")
    tags = {"-".join(w[: -len(".whl")].split("-")[-3:]) for w in wheels}
    assert tags <= {"py3-none-any", "py2.py3-none-any", "cp312-cp312-win_amd64", "cp312-abi3-win_amd64"}, tags
    names_only = {w.split("-")[0].lower() for w in wheels}
    # The platform's own wheels, and the dependencies only Windows needs (pip alone would leave them out).
    assert {"numpy", "pandas", "python_calamine", "orjson", "colorama", "tzdata", "xltool"} <= names_only
    assert any(w.startswith("numpy-") and w.endswith("-cp312-cp312-win_amd64.whl") for w in wheels)
    assert any(w.startswith("pandas-") and w.endswith("-cp312-cp312-win_amd64.whl") for w in wheels)
    assert info["platform"] == "win-amd64" and info["pythons"] == ["3.12"]
    assert example == (ROOT / "examples" / "kinmen_108.xlsx").read_bytes()
    # cmd.exe on a zh-TW Windows reads code page 950 with CRLF; no Big5 trail byte may be one of cmd's
    # special characters (「）」 is A1 5E: a caret).
    text = install_cmd.decode("cp950")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert "py -%%V" in text and "3.12" in text and "@" + "PYTHONS@" not in text
    position = 0
    while position < len(install_cmd):
        if install_cmd[position] >= 0x81:
            assert install_cmd[position + 1] not in b'\\|^&<>%"()!', install_cmd[position : position + 2]
            position += 2
        else:
            position += 1
    assert instructions.startswith(b"\xef\xbb\xbf")  # Notepad reads UTF-8 with a BOM on every Windows
    assert "check 範例.xlsx" in instructions.decode("utf-8-sig") and "LibreOffice" in instructions.decode("utf-8-sig")


@pytest.fixture(scope="module")
def local_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kit for this machine and this Python, built once and unzipped."""
    folder = tmp_path_factory.mktemp("kit")
    result = kit_tool("-o", folder / "kit.zip", "--platform", "current")
    assert result.returncode == 0, result.stderr
    return unzip(folder / "kit.zip", folder / "unzipped")


def offline(command: list[str]) -> list[str]:
    """Run with no network at all where this machine allows a network namespace (CI runs as root)."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "--net", "true"], capture_output=True).returncode == 0:
        return [unshare, "--net", *command]
    return command


@pytest.mark.packaging
def test_the_kit_installs_with_no_registry_and_checks_the_example(local_kit: Path, tmp_path: Path) -> None:
    # pip settings outside the kit must not count: a folder of decoy wheels (a newer tzdata) offered through
    # PIP_FIND_LINKS, as a user's pip.conf might. The proxies lead nowhere; the network namespace has no network.
    decoys = tmp_path / "decoys"
    decoys.mkdir()
    fake_wheel(decoys, "tzdata-9999.1-py2.py3-none-any.whl")
    environment = {**os.environ, "PIP_FIND_LINKS": str(decoys), "NO_PROXY": "", "no_proxy": ""}
    # install.sh takes the first fitting python3.X on PATH: this one, which has venv and ensurepip.
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    environment.update({name: DEAD_PROXY for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")})
    venv = tmp_path / "安裝 位置" / "xltool"
    result = subprocess.run(offline(["sh", str(local_kit / "install.sh"), str(venv)]), capture_output=True,
                            text=True, env=environment, stdin=subprocess.DEVNULL, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "安裝完成" in result.stdout and "0 個錯誤、20 個警告" in result.stdout
    assert str(venv / "bin" / "xltool") in result.stdout  # says how to run it

    # Everything installed came from the kit: each distribution is one of its wheels, name and version.
    listed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    installed = {(d["name"].lower().replace("_", "-"), d["version"]) for d in json.loads(listed)}
    in_kit = {
        (w.name.split("-")[0].lower().replace("_", "-"), w.name.split("-")[1]) for w in (local_kit / "wheels").iterdir()
    }
    assert {name for name, _ in installed - in_kit} <= {"pip", "setuptools"}  # the venv's own
    assert {"xltool", "pandas", "numpy", "typer"} <= {name for name, _ in installed}

    # As 安裝說明.txt tells an officer to check it.
    check = run_process("check", "範例.xlsx", command=[str(venv / "bin" / "xltool")], cwd=local_kit, env=environment)
    assert check.status == 0, check.err
    assert "金門縣政府政風處 108 年度" in check.out and "0 個錯誤、20 個警告" in check.out


@pytest.mark.packaging
def test_the_installer_refuses_a_busy_folder_and_a_python_the_kit_lacks(local_kit: Path, tmp_path: Path) -> None:
    busy = tmp_path / "文件"
    busy.mkdir()
    (busy / "計畫.xlsx").write_bytes(b"an officer's file")
    result = subprocess.run([sys.executable, str(local_kit / "install.py"), str(busy)], capture_output=True,
                            text=True, stdin=subprocess.DEVNULL)  # fmt: skip
    assert result.returncode == 2 and "資料夾裡已經有其他檔案" in result.stderr
    assert [p.name for p in busy.iterdir()] == ["計畫.xlsx"]

    other = tmp_path / "other-kit"
    (other / "wheels").mkdir(parents=True)
    shutil.copyfile(local_kit / "install.py", other / "install.py")
    info = json.loads((local_kit / "kit.json").read_text(encoding="utf-8"))
    (other / "kit.json").write_text(json.dumps({**info, "pythons": ["3.99"]}), encoding="utf-8")
    result = subprocess.run([sys.executable, str(other / "install.py"), str(tmp_path / "new")], capture_output=True,
                            text=True, stdin=subprocess.DEVNULL)  # fmt: skip
    assert result.returncode == 2 and "這個安裝包是給" in result.stderr and "Python 3.99" in result.stderr
    assert not (tmp_path / "new").exists()
    probe = subprocess.run([sys.executable, str(other / "install.py"), "--probe"], capture_output=True)
    assert probe.returncode == 2
