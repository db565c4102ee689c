using Spark3D.Data.Phantoms;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.data.phantoms</c> onto <see cref="PhantomOptions"/>.</summary>
public static class PhantomOptionsMapper
{
    /// <summary>The phantom options; <paramref name="seed"/> (e.g. <c>--seed</c>) overrides the config when given.</summary>
    public static PhantomOptions FromConfig(Akka.Configuration.Config config, int? seed = null)
    {
        var p = Section(config, "spark3d.data.phantoms");
        var options = new PhantomOptions
        {
            Seed = seed ?? p.GetInt("seed"),
            FieldOfViewMm = p.GetDouble("field-of-view-mm"),
            HeadLengthMinMm = p.GetDouble("head-length-min-mm"),
            HeadLengthMaxMm = p.GetDouble("head-length-max-mm"),
            MinSpacingMm = p.GetDouble("min-spacing-mm"),
            MaxSpacingMm = p.GetDouble("max-spacing-mm"),
            MaxVoxels = p.GetLong("max-voxels"),
            RandomOrientation = p.GetBoolean("random-orientation"),
            NoiseSigma = p.GetDouble("noise-sigma"),
            Rician = p.GetBoolean("rician"),
            BiasStrength = p.GetDouble("bias-strength"),
            MaxLesions = p.GetInt("max-lesions"),
            SkullStripped = p.GetBoolean("skull-stripped"),
            IntensityScale = p.GetDouble("intensity-scale"),
        };
        options.Validate();
        return options;
    }
}
