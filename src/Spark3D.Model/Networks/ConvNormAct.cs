using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Networks;

/// <summary>
/// Conv3d → InstanceNorm3d(affine) → optional LeakyReLU (DNA's <c>ConvDropoutNormReLU</c>, no dropout).
/// Children are named <c>conv</c> and <c>norm</c> as in the reference.
/// </summary>
public sealed class ConvNormAct : Module<Tensor, Tensor>
{
    private readonly Conv3d conv;
    private readonly InstanceNorm3d norm;
    private readonly double eps;
    private readonly double? slope;

    /// <summary>A block with a cubic <paramref name="kernelSize"/> conv, "same" padding, and <paramref name="activate"/> LeakyReLU.</summary>
    public ConvNormAct(long inChannels, long outChannels, int kernelSize, int stride, bool bias, UNetConfig config, bool activate,
        Device? device = null) : base(nameof(ConvNormAct))
    {
        conv = Conv3d(inChannels, outChannels, kernelSize, stride: stride, padding: (kernelSize - 1) / 2, bias: bias, device: device);
        norm = InstanceNorm3d(outChannels, eps: config.NormEps, affine: true, device: device);
        eps = config.NormEps;
        slope = activate ? config.LeakySlope : null;
        register_module("conv", conv);
        register_module("norm", norm);
    }

    /// <summary>The convolution.</summary>
    public Conv3d Conv => conv;

    /// <summary>The affine instance norm.</summary>
    public InstanceNorm3d Norm => norm;

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Run(input, null);

    internal Tensor Run(Tensor input, SparseContext? sparse)
    {
        using var scope = NewDisposeScope();
        var y = Conv3dPrecision.Forward(conv, input);
        var mask = sparse?.For(y);
        if (mask is null)
        {
            y = norm.forward(y);
        }
        else
        {
            y.mul_(mask.Visible);
            y = MaskedInstanceNorm.Apply(y, mask.Visible, mask.VisibleCount, norm.weight, norm.bias, eps);
        }
        if (slope is double s) y = functional.leaky_relu(y, s, inplace: true);
        return scope.MoveToOuter(y);
    }
}
