using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spark3D.Model.Training;

/// <summary>
/// The numeric rules of reduced-precision (bf16) compute. TorchSharp 0.107 has no autocast, so the network itself is cast:
/// convolutions, transposed convolutions and mask tokens run in the compute dtype, while every InstanceNorm keeps its
/// γ/β in fp32. With fp32 γ/β, libtorch's mixed-type instance norm takes a bf16 input, accumulates its statistics in
/// fp32 and returns bf16; an all-bf16 norm rounds its intermediates (mean, variance) to 8 significant bits. The
/// masked norms compute in fp32 themselves (<see cref="Networks.MaskedInstanceNorm"/>).
/// </summary>
public static class ComputePrecision
{
    /// <summary>True for dtypes below fp32 (bf16, fp16): they need fp32 master weights and fp32 statistics.</summary>
    public static bool IsReduced(ScalarType dtype) => dtype is ScalarType.BFloat16 or ScalarType.Float16;

    /// <summary>The dtype statistics and losses are computed in: fp32 for reduced dtypes, else the dtype itself.</summary>
    public static ScalarType Accumulation(ScalarType dtype) => IsReduced(dtype) ? ScalarType.Float32 : dtype;

    /// <summary>Short name for logs: fp32, bf16, fp16, fp64.</summary>
    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "fp32",
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        ScalarType.Float64 => "fp64",
        _ => dtype.ToString(),
    };

    /// <summary>Casts <paramref name="module"/> in place to <paramref name="dtype"/>, keeping normalisation parameters fp32.</summary>
    public static void CastForCompute(nn.Module module, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(module);
        module.to(dtype);
        if (!IsReduced(dtype)) return;
        foreach (var (_, child) in module.named_modules())
            if (child is InstanceNorm3d norm) norm.to(ScalarType.Float32);
    }

    /// <summary><paramref name="x"/> in <paramref name="dtype"/> (the same tensor object when it already is).</summary>
    public static Tensor To(Tensor x, ScalarType dtype) => x.dtype == dtype ? x : x.to(dtype);
}
