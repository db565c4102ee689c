using System.Diagnostics;
using System.Globalization;

namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>
/// Runs the self-check in a child `spark3d cpu-check` process, so that the deciding process never loads libtorch
/// (oneDNN fixes its ISA level at the first primitive and cannot be capped afterwards).
/// </summary>
public static class SelfCheckProcess
{
    /// <summary>The hidden command that runs <see cref="ConvNumericsSelfCheck"/> and prints its JSON.</summary>
    public const string CommandName = "cpu-check";

    /// <summary>How long the check may spend comparing (libtorch loading comes on top, 0.4–1.1 s on CPU).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(600);

    /// <summary>A child that does not answer in this time is killed and the CPU capped (a CUDA libtorch loads slowly).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// The command line for the check: <paramref name="program"/> is spark3d.dll (run through the dotnet host) or the
    /// spark3d apphost. The child gets <paramref name="environment"/> (the run's own: the same allocator preload) minus
    /// any oneDNN ISA setting, since it measures oneDNN's default.
    /// </summary>
    public static ProcessStartInfo StartInfo(string program, int threads, string? libTorchPath, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        bool dll = program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var psi = new ProcessStartInfo(dll ? DotnetHost() : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (dll) psi.ArgumentList.Add(program);
        psi.ArgumentList.Add(CommandName);
        psi.ArgumentList.Add("--threads");
        psi.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrWhiteSpace(libTorchPath))
        {
            psi.ArgumentList.Add("--libtorch-path");
            psi.ArgumentList.Add(libTorchPath);
        }
        psi.Environment.Clear();
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        psi.Environment.Remove(IsaGuard.MaxCpuIsaVariable);
        psi.Environment.Remove(IsaGuard.DecisionVariable);
        return psi;
    }

    /// <summary>Starts <paramref name="psi"/> and reads its result (the last JSON line on stdout).</summary>
    public static SelfCheckOutcome Run(ProcessStartInfo psi)
    {
        ArgumentNullException.ThrowIfNull(psi);
        Process? p;
        try
        {
            p = Process.Start(psi);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return SelfCheckOutcome.Failed($"cannot start {psi.FileName}: {e.Message}");
        }
        if (p is null) return SelfCheckOutcome.Failed($"cannot start {psi.FileName}");
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(Timeout))
            {
                try
                {
                    p.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }
                return SelfCheckOutcome.Failed($"no answer within {Timeout.TotalSeconds:0} s");
            }
            p.WaitForExit();
            string? line = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
            if (p.ExitCode != 0 || SelfCheckResult.FromJson(line) is not { } result)
            {
                string err = stderr.Result.Trim().ReplaceLineEndings(" ");
                return SelfCheckOutcome.Failed($"exit {p.ExitCode}{(err.Length > 0 ? ": " + err[..Math.Min(err.Length, 300)] : "")}");
            }
            return new SelfCheckOutcome(result, null);
        }
    }

    // The dotnet host: this process's, when it is one; else the one the SDK names for child processes; else PATH's.
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
