#!/usr/bin/env python3
"""Fits the peak-memory model of Spark3D.Model.Memory.MemoryCalibration to the table of scripts/memory-calibration.sh.

  peak = fixed + bytes_per_parameter x parameters + bytes_per_voxel[preset] x patch voxels x batch

by least squares, separately per task (pretrain, finetune, predict) and dtype (fp32, bf16); prints the constants and
each run's measured vs fitted peak.   /usr/bin/python3 scripts/memory-calibration-fit.py TABLE [TABLE ...]
"""
import sys

import numpy as np

PRESETS = ["tiny", "small", "resenc-l"]
# Parameters of the network each task trains or runs (`spark3d model --json`; MAE = U-Net + SparK extras; 5 classes).
PARAMETERS = {
    "pretrain": {"tiny": 319_419 + 145_384, "small": 6_135_796 + 1_272_592, "resenc-l": 102_348_965 + 7_854_240},
    "finetune": {"tiny": 319_419 + 4 * 9, "small": 6_135_796 + 4 * 17, "resenc-l": 102_348_965 + 4 * 805},
}
PARAMETERS["predict"] = PARAMETERS["finetune"]
MIB = 1 << 20

rows = []
for path in sys.argv[1:]:
    for line in open(path):
        f = line.split()
        if len(f) == 6 and f[0] in PARAMETERS and f[5].isdigit():
            rows.append((f[0], f[1], f[2], int(f[3]), int(f[4]), int(f[5])))

for task in PARAMETERS:
    for dtype in ("fp32", "bf16"):
        runs = [r for r in rows if r[0] == task and r[1] == dtype]
        if not runs:
            continue
        a = np.array([[1.0, PARAMETERS[task][p] / 1e6] + [(n ** 3 * b / 1e6 if q == p else 0.0) for q in PRESETS]
                      for _, _, p, n, b, _ in runs])
        y = np.array([r[5] for r in runs], float)
        x, *_ = np.linalg.lstsq(a, y, rcond=None)
        fitted = a @ x
        per = lambda v: v * MIB / 1e6  # MiB per million -> bytes per unit
        print(f"{task} {dtype}: fixed {x[0]:.0f} MiB, {per(x[1]):.1f} B/parameter, bytes/voxel/sample " +
              ", ".join(f"{p} {per(x[2 + i]):.0f}" for i, p in enumerate(PRESETS)))
        for (_, _, p, n, b, mib), fit in zip(runs, fitted):
            print(f"    {p:9} {n:4}^3 x{b}  measured {mib:6} MiB  fitted {fit:7.0f}  {100 * (fit - mib) / mib:+4.0f} %")
