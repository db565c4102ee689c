namespace Spark3D.Host.Tests;

/// <summary>-D overrides that make phantoms about 48³ voxels and preprocess them at 2 mm, so command tests stay fast.</summary>
internal static class SmallPhantomArgs
{
    public static readonly string[] Defines =
    [
        "-D", "spark3d.data.phantoms.field-of-view-mm=96",
        "-D", "spark3d.data.phantoms.head-length-min-mm=70",
        "-D", "spark3d.data.phantoms.head-length-max-mm=85",
        "-D", "spark3d.data.phantoms.min-spacing-mm=2",
        "-D", "spark3d.data.phantoms.max-spacing-mm=3",
        "-D", "spark3d.preprocess.target-spacing=[2,2,2]",
        "-D", "spark3d.data.cache.chunk-size=16",
    ];

    public static string[] With(params string[] args) => [.. args, .. Defines];
}
