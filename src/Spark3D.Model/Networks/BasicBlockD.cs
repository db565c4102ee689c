using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Networks;

/// <summary>
/// ResNet-D basic residual block (DNA <c>BasicBlockD</c>): conv1 (carries the stride) → IN → LReLU → conv2 → IN,
/// plus the shortcut (<see cref="ResidualSkip"/> or identity), then LReLU.
/// </summary>
public sealed class BasicBlockD : Module<Tensor, Tensor>
{
    private readonly ConvNormAct conv1;
    private readonly ConvNormAct conv2;
    private readonly ResidualSkip? skip;
    private readonly double slope;

    /// <summary>A block mapping <paramref name="inChannels"/> to <paramref name="outChannels"/> at <paramref name="stride"/>.</summary>
    public BasicBlockD(long inChannels, long outChannels, int stride, UNetConfig config, Device? device = null) : base(nameof(BasicBlockD))
    {
        conv1 = new ConvNormAct(inChannels, outChannels, config.KernelSize, stride, config.ConvBias, config, activate: true, device);
        conv2 = new ConvNormAct(outChannels, outChannels, config.KernelSize, 1, config.ConvBias, config, activate: false, device);
        slope = config.LeakySlope;
        register_module("conv1", conv1);
        register_module("conv2", conv2);
        if (stride != 1 || inChannels != outChannels)
        {
            skip = new ResidualSkip(inChannels, outChannels, stride, config, device);
            register_module("skip", skip);
        }
    }

    /// <summary>The second conv block, whose IN is zero-initialised by <see cref="ResidualEncoderUNet.InitializeHe"/>.</summary>
    public ConvNormAct Conv2 => conv2;

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Run(input, null);

    internal Tensor Run(Tensor input, SparseContext? sparse)
    {
        using var scope = NewDisposeScope();
        var residual = skip is null ? input : skip.Run(input, sparse);
        var h = conv1.Run(input, sparse);
        var y = conv2.Run(h, sparse);
        y.add_(residual);
        y = functional.leaky_relu(y, slope, inplace: true);
        return scope.MoveToOuter(y);
    }
}
