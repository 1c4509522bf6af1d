#!/bin/sh
# xltool offline installer for Linux and macOS: find a Python that fits this kit, then run install.py with it.
# Usage: sh install.sh [folder]   (without a folder, install.py asks, offering ~/.local/share/xltool)
kit=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd) || exit 2
if [ ! -d "$kit/wheels" ]; then
    echo "找不到 wheels 資料夾：請先把整個 zip 檔解壓縮，再執行解壓後資料夾裡的 install.sh" >&2
    exit 2
fi
for python in @UNIX_PYTHONS@ python3 python; do
    if command -v "$python" >/dev/null 2>&1 && "$python" "$kit/install.py" --probe >/dev/null 2>&1; then
        exec "$python" "$kit/install.py" "$@"
    fi
done
echo "找不到可用的 Python：這個安裝包需要 @PLATFORM@ 上的 Python，版本為 @PYTHONS@ 任一" >&2
exit 2
