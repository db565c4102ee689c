namespace Spark3D.Model.Devices;

/// <summary>Device and native-runtime settings (HOCON `spark3d.model.device`).</summary>
/// <param name="Mode">auto | cpu | cuda.</param>
/// <param name="LibTorchPath">Optional folder holding a libtorch 2.10 build (e.g. a CUDA one); its libraries are
/// loaded before the first torch call. Null or empty: use the libtorch that ships with the program (CPU).</param>
/// <param name="Tf32">On CUDA, allow TF32 tensor-core math for matmul and cuDNN convolutions.</param>
/// <param name="Bf16">Ask for bfloat16 compute; reported in <see cref="TorchRuntimeInfo.ComputeDType"/>.</param>
/// <param name="Threads">Intra-op CPU threads (torch.set_num_threads); 0 keeps libtorch's default.</param>
public sealed record DeviceOptions(
    DeviceMode Mode = DeviceMode.Auto,
    string? LibTorchPath = null,
    bool Tf32 = true,
    bool Bf16 = false,
    int Threads = 0);
