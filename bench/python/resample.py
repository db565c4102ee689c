#!/usr/bin/python3
"""Python side of the `resample` benchmark (bench/Spark3D.Bench/ResampleBench.cs).

Loads a NIfTI with nibabel, dumps the float32 input (X fastest) for the C# side, times scipy.ndimage.zoom
order 1 (mode 'nearest') and order 3 (mode 'mirror') with grid_mode=False onto the grid rule's output shape
(docs/resampling.md), dumps both results (for an accuracy check) and prints one JSON line with the timings.

usage: resample.py SRC OUTDIR --target 1 1 1 --repeats 2
"""
import argparse
import json
import os
import time

import nibabel as nib
import numpy as np
import scipy
from scipy import ndimage


def dump(folder, name, data, spacing, affine):
    np.asfortranarray(data, dtype='<f4').ravel(order='F').tofile(os.path.join(folder, name + '.f32'))
    with open(os.path.join(folder, name + '.json'), 'w') as f:
        json.dump({'shape': [int(n) for n in data.shape], 'spacing': [float(s) for s in spacing],
                   'affine': [float(v) for v in np.asarray(affine, dtype=np.float64).ravel()]}, f)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('src')
    p.add_argument('out')
    p.add_argument('--target', type=float, nargs=3, default=[1.0, 1.0, 1.0])
    p.add_argument('--repeats', type=int, default=2)
    a = p.parse_args()
    img = nib.load(a.src)
    data = img.get_fdata(dtype=np.float32)
    spacing = img.header.get_zooms()[:3]
    dump(a.out, 'input', data, spacing, img.affine)
    shape = tuple(1 if n == 1 else max(1, int(round(n * s / t))) for n, s, t in zip(data.shape, spacing, a.target))
    factors = [o / i for o, i in zip(shape, data.shape)]
    result = {'shape_in': list(data.shape), 'shape_out': list(shape), 'scipy': scipy.__version__, 'nibabel': nib.__version__}
    for order, mode in ((1, 'nearest'), (3, 'mirror')):
        best = float('inf')
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            out = ndimage.zoom(data, factors, order=order, mode=mode, grid_mode=False)
            best = min(best, time.perf_counter() - t0)
        assert out.shape == shape
        dump(a.out, 'order%d' % order, out, spacing, img.affine)
        result['order%d_s' % order] = best
    print(json.dumps(result))


if __name__ == '__main__':
    main()
