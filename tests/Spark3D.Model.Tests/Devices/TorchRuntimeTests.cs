using Spark3D.Model.Devices;
using Spark3D.Model.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Devices;

[Collection(TorchStateCollection.Name)]
public class TorchRuntimeTests
{
    [Fact]
    public void Cpu_mode_gives_the_cpu_device_threads_and_float32()
    {
        var before = get_num_threads();
        try
        {
            var info = TorchRuntime.Initialize(new DeviceOptions(DeviceMode.Cpu, Threads: 1));
            Assert.Equal(DeviceType.CPU, info.Device.type);
            Assert.Equal(1, info.Threads);
            Assert.Equal(1, get_num_threads());
            Assert.Equal(ScalarType.Float32, info.ComputeDType);
            Assert.False(info.Tf32);
            Assert.StartsWith("2.10", info.TorchVersion);
            Assert.Empty(info.LoadedLibraries);
        }
        finally
        {
            set_num_threads(before);
        }
    }

    [Fact]
    public void Bf16_is_reported_as_the_compute_dtype()
    {
        var info = TorchRuntime.Initialize(new DeviceOptions(DeviceMode.Cpu, Bf16: true));
        Assert.Equal(ScalarType.BFloat16, info.ComputeDType);
    }

    [Fact]
    public void Auto_and_cuda_follow_what_libtorch_reports()
    {
        var auto = TorchRuntime.Initialize(new DeviceOptions(DeviceMode.Auto));
        if (cuda.is_available())
        {
            Assert.True(auto.IsCuda);
            Assert.True(auto.Tf32);
            Assert.True(backends.cuda.matmul.allow_tf32);
            Assert.True(backends.cudnn.allow_tf32);
        }
        else
        {
            Assert.Equal(DeviceType.CPU, auto.Device.type);
            var e = Assert.Throws<DeviceUnavailableException>(() => TorchRuntime.Initialize(new DeviceOptions(DeviceMode.Cuda)));
            Assert.Contains("libtorch-path", e.Message);
        }
    }

    [Fact]
    public void A_libtorch_path_without_libtorch_is_rejected_clearly()
    {
        var dir = Path.Combine(Path.GetTempPath(), "spark3d-no-libtorch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var e = Assert.Throws<DeviceUnavailableException>(() => TorchRuntime.Initialize(new DeviceOptions(LibTorchPath: dir)));
            Assert.Contains(dir, e.Message);
            Assert.Contains("libtorch_cpu.so", e.Message);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void The_bundled_libtorch_folder_can_be_named_as_libtorch_path()
    {
        // Loading the libtorch this process already uses is a no-op for the dynamic linker: it exercises the
        // folder resolution and load order the CUDA route uses.
        var bundled = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        Assert.True(File.Exists(Path.Combine(bundled, "libtorch_cpu.so")), bundled);
        var info = TorchRuntime.Initialize(new DeviceOptions(DeviceMode.Cpu, LibTorchPath: bundled));
        Assert.Contains(info.LoadedLibraries, f => f.EndsWith("libtorch_cpu.so", StringComparison.Ordinal));
        Assert.Contains(info.LoadedLibraries, f => f.EndsWith("libtorch.so", StringComparison.Ordinal));
        using var t = ones(2, 2).matmul(ones(2, 2));
        Assert.Equal(2f, t[0, 0].item<float>());
    }
}
