using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Networks;

/// <summary>
/// U-Net decoder (DNA <c>UNetDecoder</c>): per stage from coarse to fine, <c>transpconvs.s</c> (ConvTranspose3d,
/// kernel = stride) → concat with the skip → <c>stages.s</c> conv blocks; all <c>seg_layers.s</c> 1×1×1 heads are built,
/// only the last is used unless deep supervision is on. Unlike DNA it does not hold the encoder, so its parameters
/// are the decoder's only (no <c>decoder.encoder.*</c> aliases).
/// </summary>
public sealed class UNetDecoder : Module<IReadOnlyList<Tensor>, Tensor>
{
    private readonly ModuleList<StackedConvBlocks> stages = new();
    private readonly ModuleList<ConvTranspose3d> transpconvs = new();
    private readonly ModuleList<Conv3d> segLayers = new();

    /// <summary>Builds the decoder of <paramref name="config"/>.</summary>
    public UNetDecoder(UNetConfig config, Device? device = null) : base(nameof(UNetDecoder))
    {
        config.Validate();
        Config = config;
        int n = config.Stages;
        for (int s = 1; s < n; s++)
        {
            long below = config.Features[n - s], skip = config.Features[n - s - 1];
            int stride = config.Strides[n - s];
            transpconvs.Add(ConvTranspose3d(below, skip, stride, stride: stride, bias: config.ConvBias, device: device));
            stages.Add(new StackedConvBlocks(config.DecoderConvsPerStage[s - 1], 2 * skip, skip, 1, config, device));
            segLayers.Add(Conv3d(skip, config.NumClasses, 1, bias: true, device: device));
        }
        register_module("stages", stages);
        register_module("transpconvs", transpconvs);
        register_module("seg_layers", segLayers);
    }

    /// <summary>The network shape.</summary>
    public UNetConfig Config { get; }

    /// <summary>Full-resolution logits from the last head (B×NumClasses×D×H×W).</summary>
    public override Tensor forward(IReadOnlyList<Tensor> skips) => Run(skips, deepSupervision: false)[0];

    /// <summary>Deep-supervision outputs, full resolution first (one per decoder stage).</summary>
    public Tensor[] ForwardDeepSupervision(IReadOnlyList<Tensor> skips) => Run(skips, deepSupervision: true);

    private Tensor[] Run(IReadOnlyList<Tensor> skips, bool deepSupervision)
    {
        if (skips.Count != Config.Stages)
            throw new ArgumentException($"Decoder expects {Config.Stages} skips (finest first), got {skips.Count}.");
        using var scope = NewDisposeScope();
        var outputs = new List<Tensor>();
        var x = skips[^1];
        for (int s = 0; s < stages.Count; s++)
        {
            var up = transpconvs[s].forward(x);
            var merged = torch.cat([up, skips[skips.Count - s - 2]], 1);
            up.Dispose();
            x = stages[s].forward(merged);
            merged.Dispose();
            if (deepSupervision) outputs.Add(segLayers[s].forward(x));
            else if (s == stages.Count - 1) outputs.Add(segLayers[^1].forward(x));
        }
        outputs.Reverse();
        var result = outputs.ToArray();
        scope.MoveToOuter(result);
        return result;
    }
}
