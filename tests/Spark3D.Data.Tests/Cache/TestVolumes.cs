using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Cache;

/// <summary>Deterministic test volumes: smooth signal with a zero background (so codecs have something to compress) plus noise.</summary>
internal static class TestVolumes
{
    public static Volume Smooth(Shape3 shape, int seed = 1)
    {
        var rng = new Random(seed);
        var v = new float[shape.Count];
        for (int z = 0; z < shape.Z; z++)
            for (int y = 0; y < shape.Y; y++)
                for (int x = 0; x < shape.X; x++)
                {
                    double dx = (x - shape.X / 2.0) / shape.X, dy = (y - shape.Y / 2.0) / shape.Y, dz = (z - shape.Z / 2.0) / shape.Z;
                    double r = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                    v[shape.Index(x, y, z)] = r > 0.45 ? 0f : (float)(Math.Sin(x * 0.3) + Math.Cos(y * 0.2 + z * 0.1) + 0.1 * rng.NextDouble());
                }
        var affine = new Affine(new double[] { 0, 0, -1.5, 40, 0.9, 0, 0, -60, 0, 1.1, 0, 12.5, 0, 0, 0, 1 });
        return new Volume(v, shape, new Spacing3(0.9, 1.1, 1.5), affine);
    }
}
