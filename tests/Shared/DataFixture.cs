using Spark3D.Data.Cache;
using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Volumes;

namespace Spark3D.Tests.Shared;

/// <summary>A temporary folder with helpers that write small phantom cache files and NIfTI files into it.</summary>
internal sealed class DataFixture : IDisposable
{
    public static readonly PhantomOptions SmallPhantoms = new() { MaxVoxels = 60_000 };

    public DataFixture() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "spark3d-pipedata-" + Guid.NewGuid().ToString("N")[..10]);

    public string PathOf(string relative)
    {
        string p = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        return p;
    }

    public static Volume Phantom(int index) => new BrainPhantomGenerator(SmallPhantoms).Generate(index).Image;

    public string WriteCache(string relative, Volume v)
    {
        string p = PathOf(relative);
        ChunkedVolumeWriter.Write(p, v, new ChunkedVolumeOptions(ChunkSize: 16));
        return p;
    }

    public string WriteNifti(string relative, Volume v)
    {
        string p = PathOf(relative);
        NiftiWriter.Write(p, v);
        return p;
    }

    public string WriteBytes(string relative, byte[] bytes)
    {
        string p = PathOf(relative);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    public static Volume Filled(Shape3 s, Func<int, float> value)
    {
        var v = new float[s.Count];
        for (int i = 0; i < v.Length; i++) v[i] = value(i);
        return new Volume(v, s, Spacing3.Isotropic1mm, Affine.Identity);
    }

    /// <summary>
    /// A hostile-but-valid volume: an n³ cube of bright voxels at a coarse isotropic spacing, so resampling it to 1 mm
    /// asks for a huge grid (12³ at 120 mm → 1440³) from a file of a few kilobytes.
    /// </summary>
    public static Volume CoarseCube(int n, double spacingMm)
    {
        var spacing = new Spacing3(spacingMm, spacingMm, spacingMm);
        var s = new Shape3(n, n, n);
        var v = new float[s.Count];
        for (int i = 0; i < v.Length; i++) v[i] = 100 + i % 7;
        return new Volume(v, s, spacing, Affine.FromSpacing(spacing));
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
