using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spark3D.Model.Networks;

/// <summary>A sequence of conv-IN-LReLU blocks (DNA's <c>StackedConvBlocks</c>); children <c>convs.N</c>.</summary>
public sealed class StackedConvBlocks : Module<Tensor, Tensor>
{
    private readonly ModuleList<ConvNormAct> convs = new();

    /// <summary><paramref name="count"/> blocks; the first maps <paramref name="inChannels"/> to <paramref name="outChannels"/> with <paramref name="firstStride"/>.</summary>
    public StackedConvBlocks(int count, long inChannels, long outChannels, int firstStride, UNetConfig config, Device? device = null)
        : base(nameof(StackedConvBlocks))
    {
        for (int i = 0; i < count; i++)
            convs.Add(new ConvNormAct(i == 0 ? inChannels : outChannels, outChannels, config.KernelSize, i == 0 ? firstStride : 1,
                config.ConvBias, config, activate: true, device));
        register_module("convs", convs);
    }

    /// <summary>The blocks in order.</summary>
    public IReadOnlyList<ConvNormAct> Convs => convs.ToList();

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Run(input, null);

    internal Tensor Run(Tensor input, SparseContext? sparse)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var c in convs) x = c.Run(x, sparse);
        return scope.MoveToOuter(x);
    }
}
