using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Networks;

/// <summary>
/// ResNet-D shortcut of a <see cref="BasicBlockD"/>: AvgPool(stride) when the block strides, then a 1×1×1 conv (no bias) + IN
/// when the width changes. Children are numbered like the reference <c>nn.Sequential</c> (<c>skip.0</c>, <c>skip.1</c>).
/// </summary>
public sealed class ResidualSkip : Module<Tensor, Tensor>
{
    private readonly AvgPool3d? pool;
    private readonly ConvNormAct? projection;

    /// <summary>Builds the shortcut; at least one of pooling or projection must be needed.</summary>
    public ResidualSkip(long inChannels, long outChannels, int stride, UNetConfig config, Device? device = null) : base(nameof(ResidualSkip))
    {
        int index = 0;
        if (stride != 1)
        {
            pool = AvgPool3d([stride, stride, stride], [stride, stride, stride]);
            register_module((index++).ToString(System.Globalization.CultureInfo.InvariantCulture), pool);
        }
        if (inChannels != outChannels)
        {
            projection = new ConvNormAct(inChannels, outChannels, 1, 1, bias: false, config, activate: false, device);
            register_module(index.ToString(System.Globalization.CultureInfo.InvariantCulture), projection);
        }
        if (pool is null && projection is null) throw new ArgumentException("A residual skip needs a stride or a width change.");
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Run(input, null);

    internal Tensor Run(Tensor input, SparseContext? sparse)
    {
        using var scope = NewDisposeScope();
        var x = input;
        if (pool is not null)
        {
            x = Pool(x);
            if (sparse is not null) x = sparse.MaskInPlace(x);
        }
        if (projection is not null) x = projection.Run(x, sparse);
        return scope.MoveToOuter(x);
    }

    // libtorch 2.10's CPU avg_pool3d has no bf16 kernel ("avg_pool3d_out_frame not implemented for 'BFloat16'"):
    // there a bf16 input is pooled in fp32 and cast back (exact up to the final rounding).
    private Tensor Pool(Tensor x)
    {
        if (!Training.ComputePrecision.IsReduced(x.dtype) || x.device_type != TorchSharp.DeviceType.CPU) return pool!.forward(x);
        using var wide = x.to(ScalarType.Float32);
        using var pooled = pool!.forward(wide);
        return pooled.to(x.dtype);
    }
}
