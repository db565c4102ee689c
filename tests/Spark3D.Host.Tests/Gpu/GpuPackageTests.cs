using System.Text.Json;
using Spark3D.Build;

namespace Spark3D.Host.Tests.Gpu;

/// <summary>
/// The GPU package (issue: CUDA on a lent GPU machine) checked on CPU: it is small enough to carry, holds no libtorch,
/// runs from tar with its own .NET runtime, and binds to a libtorch it is pointed at (here the CPU one, copied away).
/// </summary>
public class GpuPackageTests : IClassFixture<GpuPackageFixture>
{
    private readonly GpuPackageFixture _package;

    public GpuPackageTests(GpuPackageFixture package) => _package = package;

    [Fact]
    public void The_archive_is_under_60_MiB_and_holds_the_runtime_but_no_libtorch()
    {
        Assert.True(new FileInfo(_package.Archive).Length < 60L * 1024 * 1024, _package.PackageOutput);
        string app = _package.AppDirectory;
        foreach (string name in new[] { "spark3d", "Spark3D.Bench", "libcoreclr.so", "libhostfxr.so", "TorchSharp.dll", "libLibTorchSharp.so", "PACKAGE.txt" })
            Assert.True(File.Exists(Path.Combine(app, name)), name);
        foreach (string name in new[] { "libtorch_cpu.so", "libtorch.so", "libc10.so", "libtorch_python.so" })
            Assert.False(File.Exists(Path.Combine(app, name)), name);
        // The program is precompiled (ReadyToRun), so it starts without JIT-compiling its start-up path.
        using (var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(Path.Combine(app, "spark3d.dll"))))
            Assert.True(pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0, "spark3d.dll is not a ReadyToRun image");
        // The GLIBCXX_3.4.32 requirement is weak whatever libstdc++ the packaging machine had.
        byte[] elf = File.ReadAllBytes(Path.Combine(app, "libLibTorchSharp.so"));
        Assert.Equal(ElfPatchResult.AlreadyWeak, ElfVersionPatcher.MakeVersionWeak(elf, "GLIBCXX_3.4.32"));
    }

    [Fact]
    public void The_packaged_program_runs_without_an_sdk_on_a_libtorch_outside_the_package()
    {
        var (code, output) = _package.RunPackaged("spark3d", "model", "--preset", "tiny", "--json",
            "-D", $"spark3d.model.device.libtorch-path={Path.GetDirectoryName(_package.ExternalLibTorch)}");
        Assert.True(code == 0, output);
        string json = output.Split('\n').First(l => l.TrimStart().StartsWith('{'));
        using var packaged = JsonDocument.Parse(json);

        // Same answer as the normally built program next to the tests.
        var (refCode, refOutput) = GpuPackageFixture.Run("dotnet", [Spark3DProcess.DllPath, "model", "--preset", "tiny", "--json"],
            _package.Root, TimeSpan.FromMinutes(2));
        Assert.True(refCode == 0, refOutput);
        using var reference = JsonDocument.Parse(refOutput.Split('\n').First(l => l.TrimStart().StartsWith('{')));
        Assert.Equal("tiny", packaged.RootElement.GetProperty("preset").GetString());
        Assert.Equal(reference.RootElement.GetProperty("parameters").GetInt64(), packaged.RootElement.GetProperty("parameters").GetInt64());
    }

    [Fact]
    public void Without_libtorch_path_the_packaged_program_says_what_to_set()
    {
        var (code, output) = _package.RunPackaged("spark3d", "model", "--preset", "tiny");
        Assert.Equal(2, code);
        Assert.Contains("spark3d.model.device.libtorch-path", output);
        Assert.Contains("GPU package", output);
    }

    [Fact]
    public void The_packaged_bench_trains_a_step_on_the_external_libtorch()
    {
        var (code, output) = _package.RunPackaged("Spark3D.Bench", "train-step", "--worker", "--preset", "tiny", "--patch", "32",
            "--batch", "1", "--threads", "1", "--steps", "1", "--warmup", "0", "--libtorch-path", _package.ExternalLibTorch);
        Assert.True(code == 0, output);
        using var doc = JsonDocument.Parse(output.Split('\n').First(l => l.TrimStart().StartsWith('{')));
        Assert.True(double.IsFinite(doc.RootElement.GetProperty("last_loss").GetDouble()), output);
    }
}
