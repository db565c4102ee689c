using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Networks;

/// <summary>
/// Residual encoder (DNA <c>ResidualEncoder</c>, return_skips): a conv-IN-LReLU <c>stem</c> at full resolution, then
/// <c>stages.N</c> of <see cref="BasicBlockD"/>. Returns every stage output, finest first (the decoder's skips).
/// </summary>
public sealed class ResidualEncoder : Module<Tensor, Tensor[]>
{
    private readonly StackedConvBlocks stem;
    private readonly ModuleList<StackedResidualBlocks> stages = new();

    /// <summary>Builds the encoder of <paramref name="config"/>.</summary>
    public ResidualEncoder(UNetConfig config, Device? device = null) : base(nameof(ResidualEncoder))
    {
        config.Validate();
        Config = config;
        stem = new StackedConvBlocks(1, config.InputChannels, config.Features[0], 1, config, device);
        long inCh = config.Features[0];
        for (int s = 0; s < config.Stages; s++)
        {
            stages.Add(new StackedResidualBlocks(config.BlocksPerStage[s], inCh, config.Features[s], config.Strides[s], config, device));
            inCh = config.Features[s];
        }
        register_module("stem", stem);
        register_module("stages", stages);
    }

    /// <summary>The network shape.</summary>
    public UNetConfig Config { get; }

    /// <summary>The stem block.</summary>
    public StackedConvBlocks Stem => stem;

    /// <summary>The stages, finest first.</summary>
    public IReadOnlyList<StackedResidualBlocks> Stages => stages.ToList();

    /// <summary>Stage outputs (skips), finest first: stage s has Features[s] channels at 1/ReductionFactors[s] resolution.</summary>
    public override Tensor[] forward(Tensor input) => Run(input, null);

    internal Tensor[] Run(Tensor input, SparseContext? sparse)
    {
        if (input.ndim != 5 || input.shape[1] != Config.InputChannels)
            throw new ArgumentException(
                $"Encoder expects B×{Config.InputChannels}×D×H×W, got [{string.Join(", ", input.shape)}].");
        using var scope = NewDisposeScope();
        var x = stem.Run(input, sparse);
        var skips = new Tensor[stages.Count];
        for (int s = 0; s < stages.Count; s++)
        {
            x = stages[s].Run(x, sparse);
            skips[s] = x;
        }
        scope.MoveToOuter(skips);
        return skips;
    }
}
