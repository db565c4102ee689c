using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Preprocessing;

/// <summary>Small synthetic volumes for the preprocessing unit tests.</summary>
internal static class TestVolumes
{
    /// <summary>Distinct value per voxel (so any misplaced voxel shows), on the given affine.</summary>
    public static Volume Ramp(Shape3 shape, Affine affine, Spacing3 spacing)
    {
        var v = new float[shape.Count];
        for (int i = 0; i < v.Length; i++) v[i] = i + 1;
        return new Volume(v, shape, spacing, affine);
    }

    /// <summary>Affine whose voxel axes point along the given world axes with signs, e.g. ("L","P","S").</summary>
    public static Affine FromCodes(string codes, Spacing3 spacing, double ox, double oy, double oz)
    {
        var m = new double[16];
        m[15] = 1;
        m[3] = ox; m[7] = oy; m[11] = oz;
        for (int axis = 0; axis < 3; axis++)
        {
            char c = codes[axis];
            int world = "RLAPSI".IndexOf(c) / 2;
            double sign = "RAS".Contains(c) ? 1 : -1;
            m[world * 4 + axis] = sign * spacing[axis];
        }
        return new Affine(m);
    }
}
