using Spark3D.Model.Networks;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.model</c> onto <see cref="NetworkOptions"/> (its <c>device</c> sub-section:
/// <see cref="DeviceOptionsMapper"/>).</summary>
public static class ModelOptionsMapper
{
    /// <summary>Preset, channels, classes and initialisation.</summary>
    public static NetworkOptions Network(Akka.Configuration.Config config)
    {
        var c = Section(config, "spark3d.model");
        string init = c.GetString("init");
        return new NetworkOptions(
            Preset(config),
            c.GetInt("input-channels"),
            c.GetInt("num-classes"),
            init switch
            {
                "pytorch-default" => NetworkInit.PyTorchDefault,
                "he" => NetworkInit.He,
                _ => throw new ArgumentException($"spark3d.model.init must be pytorch-default or he, got '{init}'."),
            });
    }

    /// <summary><c>spark3d.model.preset</c> alone (fine-tuning's fallback preset).</summary>
    public static string Preset(Akka.Configuration.Config config) => Section(config, "spark3d.model").GetString("preset");
}
