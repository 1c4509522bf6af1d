@echo off
rem xltool offline installer for Windows: find a Python that fits this kit, then run install.py with it.
rem The kit stores this file in code page 950 (Big5) with CRLF line ends, as cmd.exe on a zh-TW Windows reads it.
rem Usage: install.cmd [folder]   (double-clicked: install.py asks for the folder; the window waits at the end)
setlocal
set "KIT=%~dp0"
set "STATUS=2"
if not exist "%KIT%wheels\" (
  echo 找不到 wheels 資料夾：請先把整個 zip 檔解壓縮：在 zip 檔上按右鍵，選「全部解壓縮」，
  echo 再執行解壓後資料夾裡的 install.cmd。
  goto end
)
set "PY="
for %%V in (@PY_LAUNCHER_VERSIONS@) do (
  if not defined PY (
    py -%%V "%KIT%install.py" --probe >nul 2>&1 && set "PY=py -%%V"
  )
)
if not defined PY (
  python "%KIT%install.py" --probe >nul 2>&1 && set "PY=python"
)
if not defined PY (
  echo 找不到可用的 Python。這個安裝包需要 64 位元的 Python，版本為 @PYTHONS@ 任一。
  echo 請在可上網的電腦下載 Python 官方的 Windows 64 位元安裝程式，帶到這台電腦安裝後再執行本程式。
  goto end
)
%PY% "%KIT%install.py" %*
set "STATUS=%ERRORLEVEL%"
:end
if "%~1"=="" pause
exit /b %STATUS%
