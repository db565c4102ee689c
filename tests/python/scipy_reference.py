#!/usr/bin/python3
"""Reference results for the Spark3D preprocessing tests (run with Debian's /usr/bin/python3: nibabel 5.0, scipy 1.10).

Exchange format (no NIfTI reader needed on the C# side): NAME.f32 = float32 little-endian voxels in X-fastest
(Fortran) order, NAME.json = {"shape": [X, Y, Z], "spacing": [sx, sy, sz], "affine": [16 values, row-major]}.

  zoom SRC OUT --order N --mode M --target sx sy sz [--block x0 y0 z0 nx ny nz]
      input  = SRC (optionally a sub-block) as float32
      output = scipy.ndimage.zoom(input, order=N, mode=M, grid_mode=False) onto the shape
               n_out = round-half-even(n_in * s_in / s_out) (1 if n_in == 1), i.e. the grid rule of docs/resampling.md
  canonical SRC OUT --codes LPS [--block ...]
      input  = SRC reoriented to the given axis codes (a non-canonical image, affine kept right by nibabel)
      output = nibabel.as_closest_canonical(input)
"""
import argparse
import json
import os
import time

import nibabel as nib
import numpy as np
from scipy import ndimage


def dump(folder, name, data, spacing, affine):
    data = np.asarray(data, dtype='<f4')
    np.asfortranarray(data).ravel(order='F').tofile(os.path.join(folder, name + '.f32'))
    with open(os.path.join(folder, name + '.json'), 'w') as f:
        json.dump({'shape': [int(n) for n in data.shape], 'spacing': [float(s) for s in spacing],
                   'affine': [float(v) for v in np.asarray(affine, dtype=np.float64).ravel()]}, f)


def load(path, block):
    img = nib.load(path)
    data = np.asarray(img.dataobj, dtype=np.float32)
    affine = img.affine.copy()
    if block:
        x0, y0, z0, nx, ny, nz = block
        data = data[x0:x0 + nx, y0:y0 + ny, z0:z0 + nz]
        affine[:3, 3] = affine[:3, :3] @ np.array([x0, y0, z0], dtype=np.float64) + affine[:3, 3]
    return nib.Nifti1Image(np.ascontiguousarray(data), affine)


def out_shape(shape, spacing, target):
    return tuple(1 if n == 1 else max(1, int(round(n * s / t))) for n, s, t in zip(shape, spacing, target))


def zoom_to(data, shape, order, mode):
    factors = [o / i for o, i in zip(shape, data.shape)]
    out = ndimage.zoom(data, factors, order=order, mode=mode, grid_mode=False)
    assert out.shape == tuple(shape), (out.shape, shape)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument('command', choices=['zoom', 'canonical'])
    p.add_argument('src')
    p.add_argument('out')
    p.add_argument('--order', type=int, default=1)
    p.add_argument('--mode', default='nearest')
    p.add_argument('--target', type=float, nargs=3, default=[1.0, 1.0, 1.0])
    p.add_argument('--block', type=int, nargs=6)
    p.add_argument('--codes', default='LPS')
    a = p.parse_args()
    img = load(a.src, a.block)
    spacing = img.header.get_zooms()[:3]
    if a.command == 'zoom':
        data = img.get_fdata(dtype=np.float32)
        dump(a.out, 'input', data, spacing, img.affine)
        shape = out_shape(data.shape, spacing, a.target)
        t0 = time.perf_counter()
        out = zoom_to(data, shape, a.order, a.mode)
        print(json.dumps({'seconds': time.perf_counter() - t0, 'shape': list(shape)}))
        dump(a.out, 'output', out, spacing, img.affine)
    else:
        start = nib.orientations.io_orientation(img.affine)
        wanted = nib.orientations.axcodes2ornt(a.codes)
        moved = img.as_reoriented(nib.orientations.ornt_transform(start, wanted))
        dump(a.out, 'input', moved.get_fdata(dtype=np.float32), moved.header.get_zooms()[:3], moved.affine)
        canon = nib.as_closest_canonical(moved)
        dump(a.out, 'output', canon.get_fdata(dtype=np.float32), canon.header.get_zooms()[:3], canon.affine)


if __name__ == '__main__':
    main()
