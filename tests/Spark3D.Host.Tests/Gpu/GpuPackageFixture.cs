using System.Diagnostics;

namespace Spark3D.Host.Tests.Gpu;

/// <summary>
/// Builds the GPU package once (scripts/package-gpu.sh, a real self-contained publish) and unpacks it with tar, the
/// way the GPU check does; also copies the NuGet CPU libtorch to a folder of its own, standing in for the GPU
/// machine's torch/lib (a libtorch outside the package).
/// </summary>
public sealed class GpuPackageFixture : IDisposable
{
    public GpuPackageFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "spark3d-gpu-package-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        string repo = RepositoryRoot();
        var (code, output) = Run("bash", [Path.Combine(repo, "scripts", "package-gpu.sh"), Path.Combine(Root, "dist")], repo, TimeSpan.FromMinutes(8));
        PackageOutput = output;
        if (code != 0) throw new InvalidOperationException($"package-gpu.sh failed ({code}):\n{output}");
        Archive = Path.Combine(Root, "dist", "spark3d-gpu-linux-x64.tar.gz");
        string unpacked = Path.Combine(Root, "unpacked");
        Directory.CreateDirectory(unpacked);
        var (tarCode, tarOut) = Run("tar", ["-xzf", Archive, "-C", unpacked], Root, TimeSpan.FromMinutes(2));
        if (tarCode != 0) throw new InvalidOperationException($"tar failed ({tarCode}): {tarOut}");
        AppDirectory = Path.Combine(unpacked, "spark3d-gpu");

        // The CPU libtorch of the test output, copied elsewhere: the package must load it through libtorch-path alone.
        string bundled = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        ExternalLibTorch = Path.Combine(Root, "external-libtorch", "lib");
        Directory.CreateDirectory(ExternalLibTorch);
        foreach (string f in Directory.GetFiles(bundled).Where(f => !f.EndsWith("libLibTorchSharp.so", StringComparison.Ordinal)))
            File.Copy(f, Path.Combine(ExternalLibTorch, Path.GetFileName(f)));
    }

    public string Root { get; }

    public string Archive { get; }

    public string AppDirectory { get; }

    public string ExternalLibTorch { get; }

    public string PackageOutput { get; }

    /// <summary>Runs the packaged apphost with no .NET SDK reachable: PATH without dotnet, DOTNET_ROOT pointing nowhere.</summary>
    public (int Code, string Output) RunPackaged(string exe, params string[] args)
    {
        var env = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/bin:/bin",
            ["DOTNET_ROOT"] = Path.Combine(Root, "no-dotnet-here"),
            ["DOTNET_CLI_HOME"] = Root,
        };
        return Run(Path.Combine(AppDirectory, exe), args, Root, TimeSpan.FromMinutes(2), env);
    }

    public static (int Code, string Output) Run(string exe, string[] args, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish in {timeout}");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "package-gpu.sh"))) return dir.FullName;
        throw new DirectoryNotFoundException("scripts/package-gpu.sh not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
