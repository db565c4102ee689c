using System.Xml.Linq;

namespace Spark3D.Host.Tests.Build;

/// <summary>
/// The benches must time the code users run: bench/Spark3D.Bench has the spark3d host's JIT and GC settings. (A bench with
/// tiered compilation timed tier-0 loops; one without RetainVM re-faulted every decoded array's pages and measured
/// nifti-decode 1.4-2x slower than the host runs it.)
/// </summary>
public class BenchRuntimeSettingsTests
{
    [Theory]
    [InlineData("TieredCompilation")]
    [InlineData("ServerGarbageCollection")]
    [InlineData("RetainVMGarbageCollection")]
    public void Bench_program_uses_the_hosts_runtime_setting(string property)
    {
        string repo = FindRepo();
        string? host = PropertyOf(Path.Combine(repo, "src/Spark3D.Host/Spark3D.Host.csproj"), property);
        string? bench = PropertyOf(Path.Combine(repo, "bench/Spark3D.Bench/Spark3D.Bench.csproj"), property);
        Assert.NotNull(host);
        Assert.Equal(host, bench);
    }

    [Fact]
    public void Host_runtimeconfig_carries_the_settings()
    {
        // spark3d.runtimeconfig.json is copied next to this test assembly with the referenced program.
        string config = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "spark3d.runtimeconfig.json"));
        Assert.Contains("\"System.Runtime.TieredCompilation\": false", config, StringComparison.Ordinal);
        Assert.Contains("\"System.GC.RetainVM\": true", config, StringComparison.Ordinal);
    }

    private static string? PropertyOf(string csproj, string property) =>
        XDocument.Load(csproj).Descendants(property).Select(e => e.Value.Trim()).FirstOrDefault();

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Spark3D.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Spark3D.sln not found above " + AppContext.BaseDirectory);
    }
}
