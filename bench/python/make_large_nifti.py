#!/usr/bin/python3
"""A large, highly compressible NIfTI for the preprocessing memory check (docs/preprocess.md, "Memory").

usage: make_large_nifti.py OUT.nii.gz [N]   (default N = 1200: 1200^3 uint8, 1.7 GB inflated, ~9 MB gzipped)

An ellipsoid "head" of three constant shells on a zero background, 1 mm isotropic, identity affine. Written slab by slab
(the header, then one z slice at a time through gzip), so making it needs one slice of memory, not the volume.
Do not commit the output.
"""
import gzip
import io
import sys

import nibabel as nib
import numpy as np


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1200
    hdr = nib.Nifti1Header()
    hdr.set_data_shape((n, n, n))
    hdr.set_data_dtype(np.uint8)
    hdr.set_zooms((1.0, 1.0, 1.0))
    hdr.set_qform(np.eye(4), code=1)
    hdr.set_sform(np.eye(4), code=1)
    hdr["vox_offset"] = 352
    buf = io.BytesIO()
    hdr.write_to(buf)
    header = buf.getvalue()[:348] + b"\0" * 4  # no extensions
    c = n / 2
    y, x = np.mgrid[0:n, 0:n].astype(np.float32)
    with gzip.open(out, "wb", compresslevel=6) as f:
        f.write(header)
        for z in range(n):
            r = ((x - c) / (0.40 * n)) ** 2 + ((y - c) / (0.433 * n)) ** 2 + ((z - c) / (0.375 * n)) ** 2
            sl = np.zeros((n, n), np.uint8)
            sl[r < 1] = 60
            sl[r < 0.8] = 110
            sl[r < 0.3] = 200
            f.write(sl.tobytes())  # sl[y, x]: x fastest, as NIfTI stores it


if __name__ == "__main__":
    main()
