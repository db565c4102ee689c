using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spark3D.Model.Training;

/// <summary>
/// Classic mixed precision without autocast: a compute network (bf16) runs forward and backward, an fp32 master network
/// of the same architecture holds the weights the optimiser updates. Each step: <see cref="BeginStep"/> (clear the
/// compute gradients, mirror requires_grad), backward on the compute network, <see cref="GradientsToMaster"/> (fp32
/// copies for clipping, the non-finite check and the optimiser), optimiser step on the masters,
/// <see cref="CopyToCompute"/>. Parameters are paired by state-dict name.
/// </summary>
public sealed class MasterWeights
{
    private readonly (Parameter Master, Parameter Compute)[] pairs;

    /// <summary>Pairs the parameters of <paramref name="master"/> and <paramref name="compute"/> by name.</summary>
    /// <exception cref="ArgumentException">The two networks do not have the same parameter names and shapes.</exception>
    public MasterWeights(nn.Module master, nn.Module compute)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(compute);
        var computeByName = compute.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var masterNamed = master.named_parameters().ToList();
        if (masterNamed.Count != computeByName.Count)
            throw new ArgumentException($"master has {masterNamed.Count} parameters, the compute network {computeByName.Count}.");
        pairs = masterNamed.Select(m =>
        {
            if (!computeByName.TryGetValue(m.name, out var c) || !c.shape.SequenceEqual(m.parameter.shape))
                throw new ArgumentException($"the compute network has no parameter '{m.name}' of shape [{string.Join(",", m.parameter.shape)}].");
            if (m.parameter.dtype != ScalarType.Float32) throw new ArgumentException($"master parameter '{m.name}' is {m.parameter.dtype}, not Float32.");
            return (m.parameter, c);
        }).ToArray();
    }

    /// <summary>Before the forward pass: compute gradients cleared, requires_grad copied from the masters (frozen stays frozen).</summary>
    public void BeginStep()
    {
        foreach (var (master, compute) in pairs)
        {
            if (compute.requires_grad != master.requires_grad) compute.requires_grad = master.requires_grad;
            compute.grad = null;
        }
    }

    /// <summary>After backward: each master's gradient is its compute gradient in fp32 (none where the compute one has none).</summary>
    public void GradientsToMaster()
    {
        using var scope = NewDisposeScope();
        foreach (var (master, compute) in pairs)
        {
            var g = compute.grad;
            master.grad = g is null ? null : g.to(ScalarType.Float32);
        }
    }

    /// <summary>After the optimiser step, a checkpoint restore or a weight transfer: compute weights = masters (rounded).</summary>
    public void CopyToCompute()
    {
        using var noGrad = no_grad();
        foreach (var (master, compute) in pairs) compute.copy_(master);
    }
}
