using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Networks;

/// <summary>
/// Residual-encoder U-Net (DNA <c>ResidualEncoderUNet</c> with BasicBlockD): <c>encoder</c> (<see cref="ResidualEncoder"/>)
/// and <c>decoder</c> (<see cref="UNetDecoder"/>). Parameter names follow the PyTorch reference
/// (<c>encoder.stem.convs.0.conv.weight</c>, <c>encoder.stages.1.blocks.0.skip.1.norm.weight</c>,
/// <c>decoder.transpconvs.0.weight</c>, <c>decoder.seg_layers.4.bias</c>, ...). Constructed with PyTorch's default
/// init (nnssl pretraining); call <see cref="InitializeHe"/> for the fine-tuning init.
/// </summary>
public sealed class ResidualEncoderUNet : Module<Tensor, Tensor>
{
    private readonly ResidualEncoder encoder;
    private readonly UNetDecoder decoder;

    /// <summary>Builds the network of <paramref name="config"/> on <paramref name="device"/> (CPU when null; META builds no storage).</summary>
    public ResidualEncoderUNet(UNetConfig config, Device? device = null) : base(nameof(ResidualEncoderUNet))
    {
        config.Validate();
        Config = config;
        encoder = new ResidualEncoder(config, device);
        decoder = new UNetDecoder(config, device);
        register_module("encoder", encoder);
        register_module("decoder", decoder);
    }

    /// <summary>The preset <paramref name="preset"/> (see <see cref="NetworkPresets"/>).</summary>
    public static ResidualEncoderUNet FromPreset(string preset, int inputChannels = 1, int numClasses = 1, Device? device = null) =>
        new(NetworkPresets.Get(preset, inputChannels, numClasses), device);

    /// <summary>The network shape.</summary>
    public UNetConfig Config { get; }

    /// <summary>The encoder (stem + stages); its forward returns the skip list, finest first.</summary>
    public ResidualEncoder Encoder => encoder;

    /// <summary>The decoder; its forward takes the skip list.</summary>
    public UNetDecoder Decoder => decoder;

    /// <summary>Logits B×NumClasses×D×H×W from the full-resolution head (input B×InputChannels×D×H×W, sizes divisible by <see cref="UNetConfig.TotalReduction"/>).</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var skips = encoder.forward(input);
        var y = decoder.forward(skips);
        return scope.MoveToOuter(y);
    }

    /// <summary>Deep-supervision logits, full resolution first (one per decoder stage).</summary>
    public Tensor[] ForwardDeepSupervision(Tensor input)
    {
        using var scope = NewDisposeScope();
        var outputs = decoder.ForwardDeepSupervision(encoder.forward(input));
        scope.MoveToOuter(outputs);
        return outputs;
    }

    /// <summary>Encoder parameters (names start with <c>encoder.</c>: stem and stages).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedEncoderParameters() =>
        named_parameters().Where(p => p.name.StartsWith("encoder.", StringComparison.Ordinal));

    /// <summary>Decoder parameters (names start with <c>decoder.</c>; never includes the encoder).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedDecoderParameters() =>
        named_parameters().Where(p => p.name.StartsWith("decoder.", StringComparison.Ordinal));

    /// <summary>Total number of parameter elements.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>
    /// nnU-Net / DNA fine-tuning init: He-normal (neg slope 1e-2, fan-in) for every conv and transposed conv, zero
    /// biases, and zero γ/β of the last IN in each residual block (<c>conv2.norm</c>).
    /// </summary>
    public void InitializeHe(double negativeSlope = 1e-2)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case Conv3d c:
                    init.kaiming_normal_(c.weight, negativeSlope);
                    if (c.bias is not null) init.zeros_(c.bias);
                    break;
                case ConvTranspose3d t:
                    init.kaiming_normal_(t.weight, negativeSlope);
                    if (t.bias is not null) init.zeros_(t.bias);
                    break;
                case BasicBlockD b:
                    if (b.Conv2.Norm.weight is not null) init.zeros_(b.Conv2.Norm.weight);
                    if (b.Conv2.Norm.bias is not null) init.zeros_(b.Conv2.Norm.bias);
                    break;
            }
        }
    }
}
