using Spark3D.Data.Volumes;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.data</c>: the patch size and the foreground oversampling of fine-tuning (its sub-sections
/// <c>cache</c> and <c>phantoms</c> have mappers of their own).</summary>
public static class DataOptionsMapper
{
    /// <summary><c>spark3d.data.patch-size</c> [x, y, z], the patch of pre-training and fine-tuning.</summary>
    public static Shape3 PatchSize(Akka.Configuration.Config config)
    {
        var p = Section(config, "spark3d.data").GetIntList("patch-size");
        if (p.Count != 3 || p.Any(v => v <= 0))
            throw new ArgumentException($"spark3d.data.patch-size must be three positive integers, got [{string.Join(", ", p)}].");
        return new Shape3(p[0], p[1], p[2]);
    }

    /// <summary><c>spark3d.data.foreground-probability</c>.</summary>
    public static double ForegroundProbability(Akka.Configuration.Config config) =>
        Section(config, "spark3d.data").GetDouble("foreground-probability");
}
