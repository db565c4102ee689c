using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.predict</c>.</summary>
public static class PredictOptionsMapper
{
    /// <summary><c>spark3d.predict.test-time-mirroring</c>.</summary>
    public static bool TestTimeMirroring(Akka.Configuration.Config config) => Section(config, "spark3d.predict").GetBoolean("test-time-mirroring");
}
