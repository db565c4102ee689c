using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Devices;

/// <summary>Chooses the device and configures libtorch once per process, before any model is built.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Loads an optional external libtorch, picks the device (auto | cpu | cuda), enables TF32 on CUDA, applies the
    /// thread count and reports the compute dtype. Call it before anything else touches TorchSharp.
    /// </summary>
    /// <exception cref="DeviceUnavailableException">cuda was requested but no GPU is usable, or the libtorch folder is bad.</exception>
    public static TorchRuntimeInfo Initialize(DeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threads < 0) throw new ArgumentOutOfRangeException(nameof(options), $"device threads must be >= 0, got {options.Threads}.");

        // Must precede the first torch call: TorchSharp binds its native library on first use.
        IReadOnlyList<string> preloaded;
        if (string.IsNullOrWhiteSpace(options.LibTorchPath))
        {
            if (!LibTorchPreloader.BundledLibTorchPresent()) throw new DeviceUnavailableException(NoBundledLibTorchMessage);
            preloaded = [];
        }
        else
        {
            preloaded = LibTorchPreloader.Load(options.LibTorchPath);
        }

        var useCuda = options.Mode switch
        {
            DeviceMode.Cpu => false,
            DeviceMode.Cuda => CudaAvailable() ? true : throw new DeviceUnavailableException(CudaMissingMessage(options)),
            _ => CudaAvailable(),
        };

        var tf32 = false;
        if (useCuda)
        {
            backends.cuda.matmul.allow_tf32 = options.Tf32;
            backends.cudnn.allow_tf32 = options.Tf32;
            tf32 = options.Tf32;
        }
        if (options.Threads > 0) set_num_threads(options.Threads);

        return new TorchRuntimeInfo(
            useCuda ? CUDA : CPU,
            options.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32,
            tf32,
            get_num_threads(),
            __version__,
            preloaded);
    }

    private const string NoBundledLibTorchMessage =
        "this spark3d carries no libtorch (it is the GPU package, scripts/package-gpu.sh): set " +
        "spark3d.model.device.libtorch-path to a libtorch folder, e.g. a CUDA torch wheel's site-packages/torch/lib " +
        "(-D spark3d.model.device.libtorch-path=DIR); see docs/cuda.md.";

    private static bool CudaAvailable()
    {
        try
        {
            return cuda.is_available();
        }
        catch (NotSupportedException)
        {
            return false; // the CUDA backend could not be loaded at all
        }
    }

    private static string CudaMissingMessage(DeviceOptions o) =>
        "device = cuda, but libtorch reports no usable CUDA device" +
        (string.IsNullOrWhiteSpace(o.LibTorchPath)
            ? " (the bundled libtorch is CPU-only: set spark3d.model.device.libtorch-path to a CUDA libtorch 2.10 folder, see docs/cuda.md)."
            : $" (libtorch-path '{o.LibTorchPath}'; check that it is a CUDA build and that the NVIDIA driver is installed).");
}
