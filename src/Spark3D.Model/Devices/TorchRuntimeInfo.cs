using TorchSharp;

namespace Spark3D.Model.Devices;

/// <summary>What <see cref="TorchRuntime.Initialize"/> chose and set up.</summary>
/// <param name="Device">The device to put the model and batches on.</param>
/// <param name="ComputeDType">Float32, or BFloat16 when bf16 was asked for. TorchSharp 0.107 has no autocast,
/// so the caller casts the network and inputs itself.</param>
/// <param name="Tf32">Whether TF32 is enabled (CUDA only).</param>
/// <param name="Threads">torch.get_num_threads() after setup.</param>
/// <param name="TorchVersion">libtorch version TorchSharp was built for.</param>
/// <param name="LoadedLibraries">Native files loaded from <see cref="DeviceOptions.LibTorchPath"/> (empty if none).</param>
public sealed record TorchRuntimeInfo(
    torch.Device Device,
    torch.ScalarType ComputeDType,
    bool Tf32,
    int Threads,
    string TorchVersion,
    IReadOnlyList<string> LoadedLibraries)
{
    /// <summary>True when training runs on a GPU.</summary>
    public bool IsCuda => Device.type == DeviceType.CUDA;
}
