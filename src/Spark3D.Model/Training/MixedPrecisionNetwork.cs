using static TorchSharp.torch;

namespace Spark3D.Model.Training;

/// <summary>
/// A network as training sees it: the fp32 <see cref="Master"/> (what the optimiser updates and checkpoints store, so
/// checkpoints stay fp32 and dtype-independent) and the <see cref="Compute"/> network forward and backward run on. In
/// fp32 they are the same object and nothing is copied; in bf16 the compute twin is a second instance of the
/// architecture cast by <see cref="ComputePrecision.CastForCompute"/>, kept in step by <see cref="MasterWeights"/>.
/// Owns both networks.
/// </summary>
public sealed class MixedPrecisionNetwork<TModule> : IDisposable where TModule : nn.Module
{
    private MixedPrecisionNetwork(TModule master, TModule compute, ScalarType dtype, MasterWeights? weights)
    {
        Master = master;
        Compute = compute;
        ComputeDType = dtype;
        MasterWeights = weights;
    }

    /// <summary>The fp32 network: optimiser parameters, checkpoints, weight transfer.</summary>
    public TModule Master { get; }

    /// <summary>The network forward and backward run on (== <see cref="Master"/> in fp32).</summary>
    public TModule Compute { get; }

    /// <summary>The dtype of <see cref="Compute"/>'s convolutions and activations.</summary>
    public ScalarType ComputeDType { get; }

    /// <summary>The master/compute pairing; null in fp32.</summary>
    public MasterWeights? MasterWeights { get; }

    /// <summary>
    /// Wraps <paramref name="master"/> (fp32, already initialised or loaded). For a reduced <paramref name="dtype"/>,
    /// <paramref name="buildSameArchitecture"/> makes the compute twin on the master's device; torch's RNG is left as it
    /// was, so a bf16 run draws the same random numbers afterwards as an fp32 one.
    /// </summary>
    public static MixedPrecisionNetwork<TModule> Create(TModule master, ScalarType dtype, Func<TModule> buildSameArchitecture)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(buildSameArchitecture);
        if (!ComputePrecision.IsReduced(dtype)) return new(master, master, dtype, null);
        TModule compute;
        using (var rng = random.get_rng_state())
        {
            compute = buildSameArchitecture();
            random.set_rng_state(rng);
        }
        ComputePrecision.CastForCompute(compute, dtype);
        var weights = new MasterWeights(master, compute);
        weights.CopyToCompute();
        return new(master, compute, dtype, weights);
    }

    /// <summary>An input batch in the compute dtype.</summary>
    public Tensor ToCompute(Tensor x) => ComputePrecision.To(x, ComputeDType);

    /// <summary>Copies the masters into the compute twin (after a checkpoint restore); nothing in fp32.</summary>
    public void SyncCompute() => MasterWeights?.CopyToCompute();

    /// <summary>train() on both networks.</summary>
    public void Train()
    {
        Master.train();
        Compute.train();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!ReferenceEquals(Compute, Master)) Compute.Dispose();
        Master.Dispose();
    }
}
