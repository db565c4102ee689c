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
            x = pool.forward(x);
            if (sparse is not null) x = sparse.MaskInPlace(x);
        }
        if (projection is not null) x = projection.Run(x, sparse);
        return scope.MoveToOuter(x);
    }
}
