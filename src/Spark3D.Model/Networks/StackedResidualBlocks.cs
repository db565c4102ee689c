using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Networks;

/// <summary>One encoder stage: <see cref="BasicBlockD"/> blocks, the first carrying the stride; children <c>blocks.N</c>.</summary>
public sealed class StackedResidualBlocks : Module<Tensor, Tensor>
{
    private readonly ModuleList<BasicBlockD> blocks = new();

    /// <summary>A stage of <paramref name="count"/> blocks.</summary>
    public StackedResidualBlocks(int count, long inChannels, long outChannels, int stride, UNetConfig config, Device? device = null)
        : base(nameof(StackedResidualBlocks))
    {
        for (int i = 0; i < count; i++)
            blocks.Add(new BasicBlockD(i == 0 ? inChannels : outChannels, outChannels, i == 0 ? stride : 1, config, device));
        register_module("blocks", blocks);
    }

    /// <summary>The blocks in order.</summary>
    public IReadOnlyList<BasicBlockD> Blocks => blocks.ToList();

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Run(input, null);

    internal Tensor Run(Tensor input, SparseContext? sparse)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var b in blocks) x = b.Run(x, sparse);
        return scope.MoveToOuter(x);
    }
}
