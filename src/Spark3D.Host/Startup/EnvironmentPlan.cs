namespace Spark3D.Host.Startup;

/// <summary>
/// The environment this process should run under, built from the current one by the start-up steps (jemalloc preload,
/// oneDNN ISA cap). Variables that only count from process start (or from libtorch's load) are "start-up" variables:
/// changing any of them asks for the one in-place re-exec. Others are only informational and are set in-process.
/// </summary>
internal sealed class EnvironmentPlan
{
    private readonly Dictionary<string, string> _environment;
    private readonly Dictionary<string, string> _changes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _startupChanges = new(StringComparer.Ordinal);

    public EnvironmentPlan(IReadOnlyDictionary<string, string> current) =>
        _environment = new Dictionary<string, string>(current, StringComparer.Ordinal);

    /// <summary>The environment with every planned change applied.</summary>
    public IReadOnlyDictionary<string, string> Environment => _environment;

    /// <summary>The planned changes (name → value).</summary>
    public IReadOnlyDictionary<string, string> Changes => _changes;

    /// <summary>Whether a start-up variable changes, so the process must be re-executed to apply it.</summary>
    public bool NeedsReexec => _startupChanges.Count > 0;

    /// <summary>The start-up variables that change, e.g. "LD_PRELOAD, MALLOC_CONF".</summary>
    public string StartupChanges => string.Join(", ", _startupChanges.Order(StringComparer.Ordinal));

    /// <summary>The variable's planned value (or current one), or null.</summary>
    public string? Get(string name) => _environment.TryGetValue(name, out var v) ? v : null;

    /// <summary>Plans <paramref name="name"/>=<paramref name="value"/>; <paramref name="startup"/> when it must be
    /// in place before the process (or libtorch) starts. Setting the current value changes nothing.</summary>
    public void Set(string name, string value, bool startup)
    {
        if (_environment.TryGetValue(name, out var old) && old == value) return;
        _environment[name] = value;
        _changes[name] = value;
        if (startup) _startupChanges.Add(name);
    }
}
