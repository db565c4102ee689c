#!/usr/bin/python3
"""Python side of the `preprocess-e2e` benchmark (bench/Spark3D.Bench/PreprocessE2EBench.cs).

A plain nibabel + scipy preprocessing pipeline, the same steps as `spark3d preprocess` (docs/resampling.md):
nibabel load, as_closest_canonical, float32 voxels, crop to the nonzero bounding box, z-score over the nonzero
voxels (zeros stay 0), scipy.ndimage.zoom(order=1, mode='nearest', grid_mode=False) onto the grid rule's shape
(round(n * s / 1 mm)), np.save of the float32 result. One file per process-pool task; -j 1 runs in this process.

usage: preprocess_e2e.py OUTDIR [-j N] FILE...
Prints one JSON object: per-file seconds of each stage (load = load + as_closest_canonical + get_fdata, crop,
zscore, zoom, save) and its total,
the output shape, and the whole run's wall seconds (pool start-up included, interpreter start-up not).
"""
import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import nibabel as nib
import numpy as np
from scipy import ndimage


def process(path, outdir):
    stages = {}
    t = time.perf_counter()

    def lap(name):
        nonlocal t
        now = time.perf_counter()
        stages[name] = now - t
        t = now

    img = nib.as_closest_canonical(nib.load(path))  # reorients the raw array (no copy when already RAS+)
    data = img.get_fdata(dtype=np.float32)  # decode: inflate, convert, scale
    if data.ndim > 3:  # 4-D/5-D: the first volume (what spark3d preprocess uses)
        data = np.ascontiguousarray(data.reshape(data.shape[:3] + (-1,), order="F")[..., 0])
    spacing = img.header.get_zooms()[:3]
    lap("load")
    nz = np.nonzero(data)
    if nz[0].size:
        box = tuple(slice(int(a.min()), int(a.max()) + 1) for a in nz)
        data = data[box]
    lap("crop")
    mask = data != 0
    fg = data[mask].astype(np.float64)
    if fg.size:
        mean, std = fg.mean(), fg.std()
        if not std > 1e-8:
            std = 1.0
        data = np.where(mask, (data - mean) / std, 0).astype(np.float32)
    lap("zscore")
    shape = tuple(1 if n == 1 else max(1, int(round(n * s / 1.0))) for n, s in zip(data.shape, spacing))
    factors = [o / i for o, i in zip(shape, data.shape)]
    out = ndimage.zoom(data, factors, order=1, mode="nearest", grid_mode=False)
    lap("zoom")
    np.save(os.path.join(outdir, os.path.basename(path).split(".")[0] + ".npy"), out)
    lap("save")
    stages["total"] = sum(stages.values())
    return {"file": path, "shape": list(out.shape), "stages": stages}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("-j", type=int, default=1)
    p.add_argument("files", nargs="+")
    a = p.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    t0 = time.perf_counter()
    if a.j <= 1:
        results = [process(f, a.outdir) for f in a.files]
    else:
        with ProcessPoolExecutor(max_workers=a.j) as pool:
            results = list(pool.map(process, a.files, [a.outdir] * len(a.files)))
    json.dump({"wall": time.perf_counter() - t0, "files": results,
               "nibabel": nib.__version__, "numpy": np.__version__}, sys.stdout)


if __name__ == "__main__":
    main()
