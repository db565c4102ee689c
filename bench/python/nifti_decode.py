"""nibabel side of the nifti-decode benchmark (run by bench/Spark3D.Bench NiftiDecodeBench with /usr/bin/python3).

usage: nifti_decode.py REPS FILE...
For each file: load with nibabel and decode to float32 after scaling (img.get_fdata(dtype=float32), the same
output our reader produces), REPS times after one warm-up; prints JSON [{file, bytes, seconds: [...]}] where bytes
is the uncompressed voxel data size (prod(shape) * itemsize), seconds the wall time and cpu the process CPU time
of each run (CPU time is the fair measure on a loaded machine). mmap=False so the data really is read.
"""
import json
import sys
import time

import numpy as np
import nibabel as nib


def decode(path):
    img = nib.load(path, mmap=False)
    data = img.get_fdata(dtype=np.float32, caching="unchanged")
    return int(np.prod(img.shape)) * img.header.get_data_dtype().itemsize, data


def main():
    reps, files = int(sys.argv[1]), sys.argv[2:]
    out = []
    for path in files:
        nbytes, _ = decode(path)
        times, cpu = [], []
        for _ in range(reps):
            t0, c0 = time.perf_counter(), time.process_time()
            decode(path)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out.append({"file": path, "bytes": nbytes, "seconds": times, "cpu": cpu})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
