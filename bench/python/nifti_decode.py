"""nibabel side of the nifti-decode benchmark (run by bench/Spark3D.Bench NiftiDecodeBench with /usr/bin/python3).

usage: nifti_decode.py ROUNDS FILE:COUNT...
For each file: load with nibabel and decode to float32 after scaling (img.get_fdata(dtype=float32), the same output
our reader produces; every volume of a 4-D file). One warm-up decode per file, then ROUNDS samples; a sample times
COUNT decodes in a row (chosen by the C# side so a sample lasts long enough to time small files) and reports the
time per decode. Prints JSON [{file, bytes, cpu: [...], seconds: [...]}] (per-decode process CPU seconds, from
clock_gettime(CLOCK_PROCESS_CPUTIME_ID), and wall seconds), or {file, error} when nibabel cannot decode the file.
mmap=False so the data really is read.
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
    rounds, specs = int(sys.argv[1]), sys.argv[2:]
    out = []
    for spec in specs:
        path, count = spec.rsplit(":", 1)
        count = int(count)
        try:
            nbytes, _ = decode(path)
        except Exception as e:  # noqa: BLE001 - a file nibabel cannot read is reported, not fatal
            out.append({"file": path, "error": f"{type(e).__name__}: {e}"})
            continue
        times, cpu = [], []
        for _ in range(rounds):
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(count):
                decode(path)
            times.append((time.perf_counter() - t0) / count)
            cpu.append((time.process_time() - c0) / count)
        out.append({"file": path, "bytes": nbytes, "seconds": times, "cpu": cpu})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
