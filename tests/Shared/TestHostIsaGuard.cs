using System.Runtime.CompilerServices;
using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Tests.Shared;

/// <summary>
/// Test hosts run libtorch in-process, without spark3d's start-up, so they apply the same oneDNN ISA guard here, when
/// the test assembly loads and before any test touches torch: the suite then computes exactly as the program would on
/// this CPU (capped at AVX2 on a known-bad CPU or after a failed self-check; docs/cpu-numerics.md). Linked into every
/// test project that uses torch.
/// </summary>
internal static class TestHostIsaGuard
{
#pragma warning disable CA2255 // running before any test is the point: oneDNN fixes its ISA level at its first primitive
    [ModuleInitializer]
    internal static void Apply() => IsaGuard.ApplyInProcess(FindProgram());
#pragma warning restore CA2255

    /// <summary>spark3d.dll for the self-check child: next to the test assembly (the Host tests reference the program),
    /// else the Host project's build output of the same configuration; null when not built.</summary>
    internal static string? FindProgram()
    {
        string local = Path.Combine(AppContext.BaseDirectory, "spark3d.dll");
        if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "spark3d.runtimeconfig.json"))) return local;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spark3D.sln"))) dir = dir.Parent;
        if (dir is null) return null;
        string config = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        string built = Path.Combine(dir.FullName, "src", "Spark3D.Host", "bin", config, "net10.0", "spark3d.dll");
        return File.Exists(built) ? built : null;
    }
}
