using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Where a run keeps its checkpoints (relative to the run directory unless rooted) and how many.</summary>
public sealed record CheckpointSettings(string Directory, int KeepLast);

/// <summary>Maps <c>spark3d.checkpoint</c>.</summary>
public static class CheckpointOptionsMapper
{
    /// <summary>The checkpoint folder and how many files to keep (at least one).</summary>
    public static CheckpointSettings FromConfig(Akka.Configuration.Config config)
    {
        var c = Section(config, "spark3d.checkpoint");
        var settings = new CheckpointSettings(c.GetString("directory") ?? "", c.GetInt("keep-last"));
        if (string.IsNullOrWhiteSpace(settings.Directory)) throw new ArgumentException("spark3d.checkpoint.directory is empty.");
        if (settings.KeepLast < 1) throw new ArgumentException($"spark3d.checkpoint.keep-last must be >= 1, got {settings.KeepLast}.");
        return settings;
    }
}
