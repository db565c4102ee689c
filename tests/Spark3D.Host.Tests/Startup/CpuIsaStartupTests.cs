using System.Diagnostics;
using System.Text.Json.Nodes;
using Spark3D.Host.Startup;
using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Host.Tests.Startup;

/// <summary>
/// The built program's start-up with the oneDNN ISA guard, as a child process: `spark3d startup-report --plan-cpu-isa`
/// plans the guard exactly as pretrain does and then reports what the (re-executed) process runs under. A fake
/// /proc/cpuinfo (SPARK3D_CPUINFO) stands in for the CPUs this machine is not.
/// </summary>
public sealed class CpuIsaStartupTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "spark3d-isa-startup-" + Guid.NewGuid().ToString("N"));

    public CpuIsaStartupTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CacheHome => Path.Combine(_dir, "cache");

    private string FakeCpuInfo(int family, string name, bool avx512 = true)
    {
        string flags = "fpu sse sse2 avx avx2 fma" + (avx512 ? " avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bf16" : "");
        string path = Path.Combine(_dir, $"cpuinfo-{family}-{avx512}");
        File.WriteAllText(path, $"processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: {family}\nmodel\t\t: 2\nmodel name\t: {name}\nstepping\t: 0\nflags\t\t: {flags}\n\n");
        return path;
    }

    private sealed record Run(int ExitCode, int ChildPid, string FirstLine, JsonObject Report, string Stderr, double Seconds);

    private Run Start(Action<IDictionary<string, string?>> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "spark3d.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Start clean of this test host's own guard decision and allocator settings.
        foreach (var v in new[] { IsaGuard.MaxCpuIsaVariable, IsaGuard.DecisionVariable, CpuIdentity.CpuInfoFileVariable, Reexec.GuardVariable, "LD_PRELOAD", "MALLOC_CONF" })
            psi.Environment.Remove(v);
        psi.Environment["XDG_CACHE_HOME"] = CacheHome;
        env(psi.Environment);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var report = lines.Length > 0 && lines[^1].StartsWith('{') ? (JsonObject)JsonNode.Parse(lines[^1])! : [];
        return new Run(p.ExitCode, p.Id, lines.FirstOrDefault() ?? "", report, stderr, clock.Elapsed.TotalSeconds);
    }

    private static string? Str(JsonObject o, string path)
    {
        JsonNode? n = o;
        foreach (var part in path.Split('.')) n = n?[part];
        return n?.GetValue<string>();
    }

    [Fact]
    public void A_known_bad_cpu_gets_the_cap_through_the_one_in_place_reexec()
    {
        string cpuinfo = FakeCpuInfo(26, "AMD EPYC 9555 64-Core Processor");
        var r = Start(e => e[CpuIdentity.CpuInfoFileVariable] = cpuinfo, StartupReportCommand.Name, TorchCommands.PlanFlag);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("cpu: AMD EPYC 9555 64-Core Processor (family 26 model 2) — oneDNN capped at AVX2 (known-bad CPU: AMD family 26 (Zen 5))", r.FirstLine);
        Assert.Equal("AVX2", Str(r.Report, "oneDnnMaxCpuIsa"));
        Assert.Equal("known-bad-cpu", Str(r.Report, "cpuIsa.guard"));
        Assert.Equal(r.ChildPid, (int)r.Report["pid"]!);           // same process...
        Assert.Equal(r.ChildPid, (int)r.Report["reexecFromPid"]!); // ...re-executed once, with jemalloc in the same go
        Assert.Equal(File.Exists(JemallocPreload.DefaultLibrary), (bool)r.Report["jemallocMapped"]!);
        Assert.False(Directory.Exists(CacheHome)); // no self-check for a known-bad CPU
    }

    [Fact]
    public void Without_jemalloc_the_cap_alone_still_reexecs()
    {
        string cpuinfo = FakeCpuInfo(26, "AMD EPYC 9555 64-Core Processor");
        var r = Start(e =>
        {
            e[CpuIdentity.CpuInfoFileVariable] = cpuinfo;
            e[JemallocPreload.DisableVariable] = "1";
        }, StartupReportCommand.Name, TorchCommands.PlanFlag);
        Assert.Equal("AVX2", Str(r.Report, "oneDnnMaxCpuIsa"));
        Assert.Equal(r.ChildPid, (int)r.Report["reexecFromPid"]!);
        Assert.False((bool)r.Report["jemallocMapped"]!);
    }

    [Fact]
    public void The_users_own_setting_wins_and_is_recorded_as_user()
    {
        string cpuinfo = FakeCpuInfo(26, "AMD EPYC 9555 64-Core Processor");
        var r = Start(e =>
        {
            e[CpuIdentity.CpuInfoFileVariable] = cpuinfo;
            e[IsaGuard.MaxCpuIsaVariable] = "AVX512_CORE";
        }, StartupReportCommand.Name, TorchCommands.PlanFlag);
        Assert.Equal("AVX512_CORE", Str(r.Report, "oneDnnMaxCpuIsa"));
        Assert.Equal("user", Str(r.Report, "cpuIsa.guard"));
        Assert.Contains("ONEDNN_MAX_CPU_ISA=AVX512_CORE (set by the user; not checked)", r.FirstLine);
    }

    [Fact]
    public void The_setting_off_turns_the_guard_off()
    {
        string cpuinfo = FakeCpuInfo(26, "AMD EPYC 9555 64-Core Processor");
        var r = Start(e => e[CpuIdentity.CpuInfoFileVariable] = cpuinfo,
            "-D", "spark3d.model.device.cpu-isa-guard=off", StartupReportCommand.Name, TorchCommands.PlanFlag);
        Assert.Null(Str(r.Report, "oneDnnMaxCpuIsa"));
        Assert.Equal("off", Str(r.Report, "cpuIsa.guard"));
    }

    [Fact]
    public void A_cpu_without_avx512_is_not_checked()
    {
        string cpuinfo = FakeCpuInfo(25, "AMD EPYC 7B13", avx512: false);
        var r = Start(e => e[CpuIdentity.CpuInfoFileVariable] = cpuinfo, StartupReportCommand.Name, TorchCommands.PlanFlag);
        Assert.Null(Str(r.Report, "oneDnnMaxCpuIsa"));
        Assert.Equal("no-avx512", Str(r.Report, "cpuIsa.guard"));
        Assert.False(Directory.Exists(CacheHome));
    }

    [Fact]
    public void Commands_that_never_load_torch_run_no_guard()
    {
        var r = Start(_ => { }, StartupReportCommand.Name);
        Assert.Null(Str(r.Report, "oneDnnMaxCpuIsa"));
        Assert.Equal("unguarded", Str(r.Report, "cpuIsa.guard"));
        var config = Start(_ => { }, "config");
        Assert.Equal(0, config.ExitCode);
        Assert.DoesNotContain("cpu:", config.FirstLine, StringComparison.Ordinal);
        Assert.False(Directory.Exists(CacheHome)); // no self-check ran
    }

    [Fact]
    public void On_this_cpu_the_decision_is_made_once_and_then_read_from_the_cache()
    {
        var first = Start(_ => { }, StartupReportCommand.Name, TorchCommands.PlanFlag);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.StartsWith("cpu: ", first.FirstLine, StringComparison.Ordinal);
        string guard = Str(first.Report, "cpuIsa.guard")!;
        Assert.Contains(guard, new[] { "self-check", "known-bad-cpu", "no-avx512", "single-thread" });
        Assert.Equal(Str(first.Report, "cpuIsa.onednn_max_cpu_isa"), Str(first.Report, "oneDnnMaxCpuIsa"));
        if (guard != "self-check") return; // nothing to cache on this CPU

        Assert.Single(Directory.GetFiles(Path.Combine(CacheHome, "spark3d"), "cpu-check-*.json"));
        var second = Start(_ => { }, StartupReportCommand.Name, TorchCommands.PlanFlag);
        Assert.Equal("cached-self-check", Str(second.Report, "cpuIsa.guard"));
        Assert.Equal(Str(first.Report, "oneDnnMaxCpuIsa"), Str(second.Report, "oneDnnMaxCpuIsa"));
    }
}
