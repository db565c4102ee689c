namespace Spark3D.Host.Config;

/// <summary>
/// What every mapper shares. The built-in <c>config/spark3d.conf</c> holds every setting with its default and is always
/// layered under the user's, so mappers read keys without fallbacks of their own: each default lives in that file
/// only, and no command repeats one.
/// </summary>
internal static class ConfigSections
{
    /// <summary>The section at <paramref name="path"/>; a missing one (a user set it to null) is an error naming it.</summary>
    public static Akka.Configuration.Config Section(Akka.Configuration.Config config, string path)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.GetConfig(path) ?? throw new InvalidOperationException($"The configuration has no {path} section.");
    }
}
