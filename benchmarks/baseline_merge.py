"""The usual alternative to `xltool merge`: pandas.read_excel (openpyxl engine) per file, concat, to_excel.

python benchmarks/baseline_merge.py OUT.xlsx FILE...
"""

import sys

import pandas as pd

frames = []
for path in sys.argv[2:]:
    frame = pd.read_excel(path, sheet_name="計畫表", header=2, engine="openpyxl")
    frame.insert(0, "來源檔案", path)
    frames.append(frame)
pd.concat(frames, ignore_index=True).to_excel(sys.argv[1], index=False)
