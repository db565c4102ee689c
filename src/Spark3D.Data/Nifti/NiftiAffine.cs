using Spark3D.Data.Volumes;

namespace Spark3D.Data.Nifti;

/// <summary>Which header field the voxel-to-world affine was taken from.</summary>
public enum NiftiAffineSource
{
    /// <summary>srow_x/y/z (sform_code &gt; 0).</summary>
    Sform,

    /// <summary>Quaternion + qoffset + pixdim (qform_code &gt; 0, sform_code &lt;= 0).</summary>
    Qform,

    /// <summary>Neither code set: nibabel's base affine (see <see cref="NiftiAffine.Fallback"/>).</summary>
    Fallback,
}

/// <summary>
/// The voxel-to-world rule: sform if sform_code &gt; 0, else qform if qform_code &gt; 0, else nibabel's
/// <c>get_base_affine()</c>: diag(-sx, sy, sz) with the volume centre at the origin.
/// </summary>
public static class NiftiAffine
{
    /// <summary>The affine the reader attaches to the volume, and where it came from.</summary>
    public static (Affine Affine, NiftiAffineSource Source) Best(NiftiHeader h)
    {
        if (h.SformCode > 0) return (Sform(h), NiftiAffineSource.Sform);
        if (h.QformCode > 0) return (Qform(h), NiftiAffineSource.Qform);
        return (Fallback(h), NiftiAffineSource.Fallback);
    }

    /// <summary>srow_x, srow_y, srow_z as the first three rows.</summary>
    public static Affine Sform(NiftiHeader h)
    {
        var m = new double[16];
        for (int i = 0; i < 12; i++) m[i] = h.Srow[i];
        m[15] = 1;
        return new Affine(m);
    }

    /// <summary>R(b, c, d) · diag(pixdim1, pixdim2, qfac·pixdim3) + qoffset; qfac = pixdim[0], 0 (or anything but -1) counts as 1.</summary>
    public static Affine Qform(NiftiHeader h)
    {
        double qfac = h.Pixdim[0] == -1 ? -1 : 1;
        var r = NiftiQuaternion.ToRotation(h.Quatern[0], h.Quatern[1], h.Quatern[2]);
        var s = h.Spacing;
        double[] scale = [s.X, s.Y, s.Z * qfac];
        var m = new double[16];
        for (int row = 0; row < 3; row++)
        {
            for (int col = 0; col < 3; col++) m[row * 4 + col] = r[row, col] * scale[col];
            m[row * 4 + 3] = h.QOffset[row];
        }
        m[15] = 1;
        return new Affine(m);
    }

    /// <summary>nibabel's base affine: x flipped, origin at the volume centre ((n-1)/2 voxels).</summary>
    public static Affine Fallback(NiftiHeader h)
    {
        var shape = h.Shape;
        var s = h.Spacing;
        double[] zooms = [-s.X, s.Y, s.Z];
        var m = new double[16];
        for (int axis = 0; axis < 3; axis++)
        {
            m[axis * 4 + axis] = zooms[axis];
            m[axis * 4 + 3] = -(shape[axis] - 1) / 2.0 * zooms[axis];
        }
        m[15] = 1;
        return new Affine(m);
    }
}
