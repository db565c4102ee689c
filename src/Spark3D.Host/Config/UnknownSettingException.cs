namespace Spark3D.Host.Config;

/// <summary>
/// A setting under <c>spark3d</c> that the built-in defaults do not have: almost always a typo, which HOCON would
/// otherwise ignore silently (the run would go on with the default).
/// </summary>
public sealed class UnknownSettingException : ArgumentException
{
    public UnknownSettingException(string path, string source, string? suggestion)
        : base($"unknown setting '{path}' ({source}); " +
               (suggestion is null ? "" : $"did you mean '{suggestion}'? ") +
               "`spark3d config` prints every setting.")
    {
        Path = path;
        Origin = source;
        Suggestion = suggestion;
    }

    public UnknownSettingException()
    {
        Path = Origin = "";
    }

    public UnknownSettingException(string message)
        : base(message)
    {
        Path = Origin = "";
    }

    public UnknownSettingException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = Origin = "";
    }

    /// <summary>The full HOCON path, e.g. <c>spark3d.train.stpes</c>.</summary>
    public string Path { get; }

    /// <summary>Where it came from: the --config file or the -D override.</summary>
    public string Origin { get; }

    /// <summary>The closest known setting, if one is close.</summary>
    public string? Suggestion { get; }
}
