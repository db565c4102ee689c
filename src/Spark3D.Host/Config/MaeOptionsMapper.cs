using Spark3D.Data.Sampling;
using Spark3D.Model.Mae;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.mae</c>, the one place it is read: the network side (<see cref="SparkMaeOptions"/>) and the
/// masking side (<see cref="MaskOptions"/>).</summary>
public static class MaeOptionsMapper
{
    /// <summary>Mask tokens and densify normalisation of the SparK network.</summary>
    public static SparkMaeOptions Network(Akka.Configuration.Config config)
    {
        var c = Section(config, "spark3d.mae");
        return new SparkMaeOptions(c.GetBoolean("use-mask-token"), c.GetDouble("mask-token-std"), c.GetDouble("densify-norm-eps"));
    }

    /// <summary>Block size and mask ratio (fixed, or drawn per batch); validated.</summary>
    public static MaskOptions Masks(Akka.Configuration.Config config)
    {
        var c = Section(config, "spark3d.mae");
        var masks = new MaskOptions(c.GetInt("block-size"), c.GetDouble("mask-ratio"), c.GetBoolean("dynamic-ratio"),
            c.GetDouble("ratio-min"), c.GetDouble("ratio-max"));
        masks.Validate();
        return masks;
    }
}
