namespace Spark3D.Host.Startup;

/// <summary>
/// Makes `spark3d` run under jemalloc on Linux: libtorch's large tensors otherwise go through glibc's mmap/munmap on
/// every step (about 6× slower CPU training; docs/cuda.md, spec platform notes). jemalloc only works when preloaded
/// before the process starts, so this step plans LD_PRELOAD and MALLOC_CONF as start-up variables, and
/// <see cref="StartupEnvironment"/> re-executes the process in place (same PID) to apply them.
/// </summary>
/// <remarks>
/// Nothing is planned when: SPARK3D_NO_JEMALLOC=1; jemalloc is already mapped; the library file is missing (a one-line
/// hint goes to stderr); or this process is already the re-executed one (it would loop; a hint says so).
/// SPARK3D_JEMALLOC overrides the library path.
/// </remarks>
internal static class JemallocPreload
{
    /// <summary>Debian's libjemalloc2.</summary>
    public const string DefaultLibrary = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";

    /// <summary>Decay off: freed pages stay with the process, as the measured 1.05 s/step configuration.</summary>
    public const string MallocConf = "dirty_decay_ms:-1,muzzy_decay_ms:-1";

    /// <summary>Set to 1 to run with the default allocator.</summary>
    public const string DisableVariable = "SPARK3D_NO_JEMALLOC";

    /// <summary>Overrides <see cref="DefaultLibrary"/>.</summary>
    public const string LibraryVariable = "SPARK3D_JEMALLOC";

    /// <summary>Adds the jemalloc preload to <paramref name="plan"/> when it is wanted and possible.</summary>
    public static void AddTo(EnvironmentPlan plan)
    {
        if (plan.Get(DisableVariable) == "1") return;
        if (IsJemallocMapped()) return;
        var library = plan.Get(LibraryVariable) is { Length: > 0 } custom ? custom : DefaultLibrary;
        if (!File.Exists(library))
        {
            StartupEnvironment.Hint($"spark3d: hint: {library} not found; CPU training is ~6x slower with glibc malloc. Install it (apt-get install libjemalloc2) or set {DisableVariable}=1 to silence this.");
            return;
        }
        if (Reexec.HasHappened)
        {
            StartupEnvironment.Hint($"spark3d: hint: re-executed with LD_PRELOAD={library} but jemalloc is not mapped; continuing with the default allocator.");
            return;
        }
        var pre = plan.Get("LD_PRELOAD");
        plan.Set("LD_PRELOAD", pre is { Length: > 0 } ? $"{library}:{pre}" : library, startup: true);
        if (plan.Get("MALLOC_CONF") is null) plan.Set("MALLOC_CONF", MallocConf, startup: true); // a user's own setting wins
    }

    /// <summary>Whether a jemalloc library is mapped into this process (/proc/self/maps).</summary>
    public static bool IsJemallocMapped()
    {
        try
        {
            return File.ReadLines("/proc/self/maps").Any(l => l.Contains("jemalloc", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
