using System.Diagnostics;
using System.Text.Json;
using Spark3D.Host.Startup;

namespace Spark3D.Host.Tests.Startup;

/// <summary>
/// Runs the built program (`dotnet spark3d.dll startup-report`) as a child and checks from inside it that it re-executed
/// itself in place under jemalloc: same PID as the process we started, jemalloc mapped, MALLOC_CONF set.
/// </summary>
public class JemallocPreloadTests
{
    private sealed record Report(int Pid, int? ReexecFromPid, bool JemallocMapped, string? LdPreload, string? MallocConf, string? Exe);

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    private static string ProgramDll()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "spark3d.dll");
        if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "spark3d.runtimeconfig.json"))) return local;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spark3D.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var config = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var built = Path.Combine(dir.FullName, "src", "Spark3D.Host", "bin", config, "net10.0", "spark3d.dll");
        Assert.True(File.Exists(built), built);
        return built;
    }

    private static (Report Report, int ChildPid, string Stderr) Run(Action<IDictionary<string, string?>> env)
    {
        var (exit, childPid, stdout, stderr) = Start("startup-report", env);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var line = stdout.Trim().Split('\n')[^1];
        return (JsonSerializer.Deserialize<Report>(line, Json)!, childPid, stderr);
    }

    /// <summary>Runs `spark3d COMMAND` as a child in a clean start-up environment, plus <paramref name="env"/>'s changes.</summary>
    private static (int Exit, int ChildPid, string Stdout, string Stderr) Start(string command, Action<IDictionary<string, string?>> env)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(ProgramDll());
        psi.ArgumentList.Add(command);
        // The test host itself may run under jemalloc (scripts/test.sh): start the child clean.
        psi.Environment.Remove("LD_PRELOAD");
        psi.Environment.Remove("MALLOC_CONF");
        psi.Environment.Remove(JemallocPreload.DisableVariable);
        psi.Environment.Remove(JemallocPreload.LibraryVariable);
        psi.Environment.Remove(Reexec.GuardVariable);
        env(psi.Environment);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, p.Id, stdout.Result, stderr);
    }

    [Fact]
    public void The_program_reexecs_itself_in_place_under_jemalloc()
    {
        Assert.True(File.Exists(JemallocPreload.DefaultLibrary), "libjemalloc2 missing (scripts/test.sh installs it)");
        var (r, childPid, stderr) = Run(_ => { });
        Assert.True(r.JemallocMapped, "jemalloc is not mapped in the child");
        Assert.Equal(childPid, r.Pid);              // the process we started is the one that runs: no child process
        Assert.Equal(childPid, r.ReexecFromPid);    // and it did go through execve
        Assert.Equal(JemallocPreload.MallocConf, r.MallocConf);
        Assert.StartsWith(JemallocPreload.DefaultLibrary, r.LdPreload);
        Assert.DoesNotContain("hint", stderr);
    }

    [Fact]
    public void The_guard_variable_disables_it()
    {
        var (r, childPid, _) = Run(e => e[JemallocPreload.DisableVariable] = "1");
        Assert.False(r.JemallocMapped);
        Assert.Null(r.ReexecFromPid);
        Assert.Equal(childPid, r.Pid);
        Assert.Null(r.LdPreload);
    }

    [Fact]
    public void An_already_preloaded_process_is_not_reexecuted()
    {
        var (r, _, _) = Run(e =>
        {
            e["LD_PRELOAD"] = JemallocPreload.DefaultLibrary;
            e["MALLOC_CONF"] = "narenas:2";
        });
        Assert.True(r.JemallocMapped);
        Assert.Null(r.ReexecFromPid);
        Assert.Equal("narenas:2", r.MallocConf);
    }

    [Fact]
    public void A_missing_library_gives_one_hint_line_and_no_reexec()
    {
        var (r, _, stderr) = Run(e => e[JemallocPreload.LibraryVariable] = "/nonexistent/libjemalloc.so.2");
        Assert.False(r.JemallocMapped);
        Assert.Null(r.ReexecFromPid);
        var hints = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("hint", StringComparison.Ordinal)).ToList();
        var hint = Assert.Single(hints);
        Assert.Contains("/nonexistent/libjemalloc.so.2", hint);
        Assert.Contains("libjemalloc2", hint);
    }

    [Fact]
    public void Calling_it_inside_a_test_host_never_reexecutes_the_host()
    {
        var pid = Environment.ProcessId;
        StartupEnvironment.Prepare(Program.Root().Parse(["config"])); // entry assembly is the test host, not spark3d
        Assert.Equal(pid, Environment.ProcessId);
        Assert.Null(Environment.GetEnvironmentVariable(Reexec.GuardVariable));
    }

    [Theory]
    [InlineData(true, "startup-report")]
    [InlineData(true, "model")]
    [InlineData(true, "pretrain", "--data", "cache")]
    [InlineData(true, "predict", "--model", "m", "--input", "in", "--output", "out")]
    [InlineData(false, "preprocess", "--input", "in", "--output", "out")]
    [InlineData(false, "phantoms", "--count", "1", "--output", "out")]
    [InlineData(false, "config")]
    [InlineData(false, "info", "cache")]
    public void Jemalloc_is_planned_for_the_commands_that_may_load_libtorch(bool expected, params string[] args)
    {
        var parse = Program.Root().Parse(args);
        Assert.Empty(parse.Errors); // a parse error would also give false
        Assert.Equal(expected, TorchCommands.MayLoadTorch(parse));
    }

    [Fact]
    public void A_torchless_command_starts_without_the_jemalloc_step()
    {
        // The missing library gives startup-report a hint (above); `config` never reaches the jemalloc step, so no hint.
        var (exit, _, stdout, stderr) = Start("config", e => e[JemallocPreload.LibraryVariable] = "/nonexistent/libjemalloc.so.2");
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("spark3d", stdout, StringComparison.Ordinal); // it did print the configuration
        Assert.DoesNotContain("libjemalloc", stderr, StringComparison.Ordinal);
    }
}
