"""Reference values from nibabel for the NIfTI conformance tests (run by NibabelReference.cs with /usr/bin/python3).

usage: nibabel_reference.py OUT_JSON VARIANT_DIR FILE...
Writes extra variant files (big-endian, NIfTI-2, pairs, gz pairs, scaled, every datatype, extensions, large
vox_offset) into VARIANT_DIR, then reports for every file nibabel reads as NIfTI-1/2: shape, affine, and per
volume (first and, for 4-D, second) min/max/mean/sum and sampled voxel values (Fortran/X-fastest linear index).
"""
import gzip
import json
import os
import sys

import numpy as np
import nibabel as nib


def write_raw(path, hdr, arr, pad=b""):
    """Header, optional padding, then raw voxels in the header's byte order (Fortran order), gzip by extension."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "wb") as f:
        hdr.write_to(f)
        f.write(pad)
        f.write(np.asarray(arr, dtype=hdr.get_data_dtype()).tobytes(order="F"))


def make_variants(d):
    rng = np.random.default_rng(7)
    aff = np.array([[0.9, 0.1, 0, -20.5], [-0.1, 0.95, 0.05, 10.25], [0, -0.05, 1.2, 5], [0, 0, 0, 1]])
    base = rng.integers(-300, 3000, size=(11, 9, 7, 3))
    files = []
    for dt in ["u1", "i1", "<i2", "<u2", "<i4", "<u4", "<i8", "<f4", "<f8", ">i2", ">f4", ">f8", ">u2", ">i4"]:
        for klass in (nib.Nifti1Header, nib.Nifti2Header):
            hdr = klass(endianness=dt[0] if dt[0] in "<>" else "<")
            hdr.set_data_dtype(np.dtype(dt).newbyteorder("=") if dt[0] in "<>" else dt)
            hdr.set_data_shape(base.shape)
            hdr.set_sform(aff, code=2)
            hdr.set_qform(aff, code=1)
            hdr.set_xyzt_units("mm", "sec")
            arr = base % 120 if dt in ("u1", "i1") else (np.abs(base) if "u" in dt else base)
            arr = arr.astype(np.float64) / 7.0 if "f" in dt else arr
            name = f"v{klass.__name__[5]}_{dt.replace('<', 'le').replace('>', 'be')}.nii"
            hdr["vox_offset"] = 0
            write_raw(os.path.join(d, name), hdr, arr)
            files.append(name)
    # scaled int16, qform only (sform_code 0), big-endian, gz
    hdr = nib.Nifti1Header(endianness=">")
    hdr.set_data_dtype(np.int16)
    hdr.set_data_shape((13, 8, 6))
    hdr.set_qform(aff, code=1)
    hdr.set_sform(np.eye(4), code=0)
    hdr.set_slope_inter(0.25, -12.5)
    write_raw(os.path.join(d, "scaled_qform_be.nii.gz"), hdr, rng.integers(-2000, 2000, size=(13, 8, 6)))
    # no sform, no qform: fallback affine; qfac -1 qform
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(np.float32)
    hdr.set_data_shape((6, 5, 4))
    hdr.set_zooms((2.0, 3.0, 1.5))
    write_raw(os.path.join(d, "no_xform.nii"), hdr, rng.normal(size=(6, 5, 4)))
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(np.uint8)
    hdr.set_data_shape((6, 5, 4))
    flip = np.diag([2.0, 3.0, -1.5, 1.0]); flip[:3, 3] = [1, 2, 3]
    hdr.set_qform(flip, code=1)
    write_raw(os.path.join(d, "qfac_neg.nii"), hdr, rng.integers(0, 255, size=(6, 5, 4)))
    # extension + vox_offset 1024, and a 5-D file
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(np.float32)
    hdr.set_data_shape((5, 4, 3))
    hdr.set_sform(aff, code=1)
    hdr["vox_offset"] = 1024
    ext = np.array([672, 6], dtype="<i4").tobytes() + b"spark3d test extension".ljust(664, b"\0")
    with open(os.path.join(d, "ext_offset.nii"), "wb") as f:
        f.write(hdr.binaryblock + b"\x01\0\0\0" + ext)
        f.write(rng.normal(size=(5, 4, 3)).astype("<f4").tobytes(order="F"))
    nib.save(nib.Nifti1Image(rng.integers(0, 100, size=(4, 3, 2, 2, 3)).astype(np.int16), aff), os.path.join(d, "five_d.nii.gz"))
    # .hdr/.img pairs, plain and gz, NIfTI-1 and NIfTI-2
    data = rng.integers(0, 1000, size=(7, 6, 5, 2)).astype(np.int16)
    nib.save(nib.Nifti1Pair(data, aff), os.path.join(d, "pair1.img"))
    nib.save(nib.Nifti2Pair(data, aff), os.path.join(d, "pair2.img"))
    hdr = nib.nifti1.Nifti1PairHeader(endianness=">")
    hdr.set_data_dtype(np.int16)
    hdr.set_data_shape(data.shape)
    hdr.set_sform(aff, code=1)
    hdr["vox_offset"] = 0
    with gzip.open(os.path.join(d, "pairgz.hdr.gz"), "wb") as f:
        hdr.write_to(f)
    with gzip.open(os.path.join(d, "pairgz.img.gz"), "wb") as f:
        f.write(data.astype(">i2").tobytes(order="F"))
    files += ["scaled_qform_be.nii.gz", "no_xform.nii", "qfac_neg.nii", "ext_offset.nii", "five_d.nii.gz",
              "pair1.hdr", "pair2.hdr", "pairgz.hdr.gz"]
    return [os.path.join(d, f) for f in files]


def describe(path):
    try:
        img = nib.load(path)
    except Exception as e:  # not readable at all
        return {"file": path, "nifti": False, "error": f"{type(e).__name__}: {e}"}
    if isinstance(img, nib.Cifti2Image):
        img = nib.Nifti2Image.from_filename(path)
    if not isinstance(img, (nib.Nifti1Image, nib.Nifti1Pair)):
        return {"file": path, "nifti": False, "error": type(img).__name__}
    out = {"file": path, "nifti": True, "shape": [int(s) for s in img.shape],
           "affine": np.asarray(img.affine, dtype=float).tolist(),
           "qform": np.asarray(img.header.get_qform(), dtype=float).tolist(),
           "qform_code": int(img.header["qform_code"]), "sform_code": int(img.header["sform_code"]),
           "slope_inter": [None if v is None else float(v) for v in img.header.get_slope_inter()]}
    try:
        data = np.asanyarray(img.dataobj).astype(np.float64)
    except Exception as e:
        out["error"] = f"{type(e).__name__}: {e}"
        return out
    shape3 = (tuple(data.shape) + (1, 1, 1))[:3]
    vols = data.reshape(shape3 + (-1,), order="F")
    out["volumes"] = []
    rng = np.random.default_rng(1)
    for k in range(min(2, vols.shape[3])):
        flat = vols[..., k].ravel(order="F")
        idx = sorted(set(np.linspace(0, flat.size - 1, 16).astype(int).tolist() +
                         rng.integers(0, flat.size, size=16).tolist() + [int(np.nanargmax(flat))]))
        finite = flat[np.isfinite(flat)]  # stats over finite values; a NaN sample is reported as null
        out["volumes"].append({"index": k, "min": float(finite.min()), "max": float(finite.max()),
                               "mean": float(finite.mean()), "sum": float(finite.sum()),
                               "nonfinite": int(flat.size - finite.size),
                               "samples": [[i, float(flat[i]) if np.isfinite(flat[i]) else None] for i in idx]})
    return out


def main():
    out_json, variant_dir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    if variant_dir != "-":
        files = files + make_variants(variant_dir)
    with open(out_json, "w") as f:
        json.dump([describe(p) for p in files], f)


if __name__ == "__main__":
    main()
