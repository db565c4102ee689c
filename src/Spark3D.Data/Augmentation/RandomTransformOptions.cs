namespace Spark3D.Data.Augmentation;

/// <summary>
/// One randomly applied transform: applied to a sample with <paramref name="Probability"/>, then to each image channel
/// with <paramref name="PerChannelProbability"/>, with its parameter drawn from [<paramref name="Min"/>, <paramref name="Max"/>]
/// (what the parameter is depends on the transform; see <see cref="SegmentationAugmentationOptions"/>).
/// </summary>
public sealed record RandomTransformOptions(double Probability, double Min, double Max, double PerChannelProbability = 1)
{
    /// <summary>Never applied.</summary>
    public static RandomTransformOptions Off { get; } = new(0, 1, 1);

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="name"/> and the bad value.</summary>
    public void Validate(string name, double lowest = double.NegativeInfinity)
    {
        if (!(Probability is >= 0 and <= 1)) throw new ArgumentException($"Augmentation {name}: probability must be in [0, 1] (got {Probability}).", name);
        if (!(PerChannelProbability is >= 0 and <= 1))
            throw new ArgumentException($"Augmentation {name}: per-channel probability must be in [0, 1] (got {PerChannelProbability}).", name);
        if (!double.IsFinite(Min) || !double.IsFinite(Max) || Min > Max)
            throw new ArgumentException($"Augmentation {name}: range must satisfy min <= max, both finite (got {Min}..{Max}).", name);
        if (Min < lowest) throw new ArgumentException($"Augmentation {name}: min must be >= {lowest} (got {Min}).", name);
    }

    /// <summary>A uniform draw from [Min, Max] (batchgeneratorsv2's <c>sample_scalar</c> of a tuple); one generator draw.</summary>
    public double Uniform(Random rng) => Min + rng.NextDouble() * (Max - Min);

    /// <summary>
    /// batchgeneratorsv2's <c>BGContrast</c> draw: with chance 1/2 (and Min &lt; 1) from [Min, 1), else from
    /// [max(Min, 1), Max], so factors below and above 1 are equally likely whatever the range's asymmetry. Two draws.
    /// </summary>
    public double BgContrast(Random rng)
    {
        bool below = rng.NextDouble() < 0.5 && Min < 1;
        double u = rng.NextDouble();
        if (below) return Min + u * (1 - Min);
        double lo = Math.Max(Min, 1);
        return lo + u * (Max - lo);
    }
}
