namespace Spark3D.Model.Networks;

/// <summary>
/// Shape of a residual-encoder U-Net (MIC-DKFZ dynamic-network-architectures `ResidualEncoderUNet`, BasicBlockD).
/// One entry per stage in <see cref="Features"/>, <see cref="Strides"/> and <see cref="BlocksPerStage"/>;
/// one entry per decoder stage (stages - 1) in <see cref="DecoderConvsPerStage"/>. Strides are isotropic.
/// </summary>
public sealed record UNetConfig(
    int InputChannels,
    int[] Features,
    int[] Strides,
    int[] BlocksPerStage,
    int[] DecoderConvsPerStage,
    int NumClasses,
    int KernelSize = 3,
    bool ConvBias = true,
    double NormEps = 1e-5,
    double LeakySlope = 0.01)
{
    /// <summary>Number of resolution stages.</summary>
    public int Stages => Features.Length;

    /// <summary>Cumulative downsampling factor of each stage output relative to the input (finest first).</summary>
    public int[] ReductionFactors
    {
        get
        {
            var f = new int[Stages];
            int r = 1;
            for (int s = 0; s < Stages; s++) { r *= Strides[s]; f[s] = r; }
            return f;
        }
    }

    /// <summary>The product of all strides: input sizes must be multiples of it.</summary>
    public int TotalReduction => ReductionFactors[^1];

    /// <summary>Returns this config with another number of output classes (e.g. for fine-tuning).</summary>
    public UNetConfig WithClasses(int numClasses) => this with { NumClasses = numClasses };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public void Validate()
    {
        if (InputChannels < 1) throw new ArgumentException($"UNetConfig.InputChannels must be >= 1, got {InputChannels}.");
        if (NumClasses < 1) throw new ArgumentException($"UNetConfig.NumClasses must be >= 1, got {NumClasses}.");
        if (Features is null || Features.Length < 2) throw new ArgumentException("UNetConfig.Features needs at least 2 stages.");
        if (Strides is null || Strides.Length != Stages)
            throw new ArgumentException($"UNetConfig.Strides has {Strides?.Length ?? 0} entries, expected {Stages} (one per stage).");
        if (BlocksPerStage is null || BlocksPerStage.Length != Stages)
            throw new ArgumentException($"UNetConfig.BlocksPerStage has {BlocksPerStage?.Length ?? 0} entries, expected {Stages}.");
        if (DecoderConvsPerStage is null || DecoderConvsPerStage.Length != Stages - 1)
            throw new ArgumentException($"UNetConfig.DecoderConvsPerStage has {DecoderConvsPerStage?.Length ?? 0} entries, expected {Stages - 1}.");
        if (KernelSize < 1 || KernelSize % 2 == 0) throw new ArgumentException($"UNetConfig.KernelSize must be odd and >= 1, got {KernelSize}.");
        if (Features.Any(f => f < 1)) throw new ArgumentException("UNetConfig.Features must all be >= 1.");
        if (Strides.Any(s => s < 1)) throw new ArgumentException("UNetConfig.Strides must all be >= 1.");
        if (BlocksPerStage.Any(b => b < 1)) throw new ArgumentException("UNetConfig.BlocksPerStage must all be >= 1.");
        if (DecoderConvsPerStage.Any(b => b < 1)) throw new ArgumentException("UNetConfig.DecoderConvsPerStage must all be >= 1.");
    }
}
