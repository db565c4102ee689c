using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Networks;

/// <summary>
/// Runs a Conv3d, working around a libtorch 2.10 CPU bug: its bf16 conv3d (oneDNN) computes a wrong weight gradient,
/// sometimes ~1e31 read from unset memory, when the input depth is 2 and the kernel is larger than 1 (measured on
/// AMD Zen 4 with a 3³ kernel: depths 1 and 3–10, and size 2 along the other axes, were right; whether it shows
/// depends on what the allocator hands out). Depth-2 maps are the deepest stages of small patches (tiny at 16³,
/// small at 32³, resenc-l at 32³–64³); there the convolution runs in fp32 and casts back, at negligible cost.
/// </summary>
public static class Conv3dPrecision
{
    /// <summary><paramref name="conv"/> applied to <paramref name="x"/>, in fp32 where the bf16 CPU kernel is wrong.</summary>
    public static Tensor Forward(Conv3d conv, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(conv);
        if (!NeedsFp32(conv, x)) return conv.forward(x);
        using var scope = NewDisposeScope();
        var y = functional.conv3d(x.to(ScalarType.Float32), conv.weight!.to(ScalarType.Float32), conv.bias?.to(ScalarType.Float32),
            strides: conv.stride, padding: conv.padding, dilation: conv.dilation, groups: conv.groups);
        return scope.MoveToOuter(y.to(x.dtype));
    }

    /// <summary>True for a bf16/fp16 CPU input of depth ≤ 2 into a kernel deeper than 1.</summary>
    public static bool NeedsFp32(Conv3d conv, Tensor x) =>
        Training.ComputePrecision.IsReduced(x.dtype) && x.device_type == TorchSharp.DeviceType.CPU && x.shape[2] <= 2 && conv.kernel_size[0] > 1;
}
