namespace Spark3D.Data.Phantoms;

/// <summary>
/// Synthetic brain phantom settings (HOCON <c>spark3d.data.phantoms</c>). Spacing per axis is drawn log-uniformly in
/// [<see cref="MinSpacingMm"/>, <see cref="MaxSpacingMm"/>], then coarsened where needed so the grid over
/// <see cref="FieldOfViewMm"/> stays within <see cref="MaxVoxels"/>.
/// </summary>
public sealed record PhantomOptions
{
    /// <summary>Master seed: phantom i is a pure function of (Seed, i).</summary>
    public int Seed { get; init; } = 1234;

    /// <summary>Edge of the cubic field of view (world mm) the grid covers; the head sits in its centre.</summary>
    public double FieldOfViewMm { get; init; } = 200;

    /// <summary>Anterior–posterior head length range (mm); the other axes follow with adult-like proportions.</summary>
    public double HeadLengthMinMm { get; init; } = 150;

    public double HeadLengthMaxMm { get; init; } = 180;

    public double MinSpacingMm { get; init; } = 0.5;

    public double MaxSpacingMm { get; init; } = 3.0;

    /// <summary>Upper bound on voxels per phantom (≈ 104³ by default) to keep generation and tests fast.</summary>
    public long MaxVoxels { get; init; } = 1_125_000;

    /// <summary>Store each phantom in a random axis permutation / flip (the affine still maps to RAS world).</summary>
    public bool RandomOrientation { get; init; } = true;

    /// <summary>Noise standard deviation as a fraction of the white-matter intensity.</summary>
    public double NoiseSigma { get; init; } = 0.03;

    /// <summary>Rician (magnitude MRI) noise when true, additive Gaussian when false.</summary>
    public bool Rician { get; init; } = true;

    /// <summary>Strength of the smooth multiplicative bias field (0 = none; 0.2 ≈ ±20 % across the head).</summary>
    public double BiasStrength { get; init; } = 0.2;

    /// <summary>Each phantom has 0..MaxLesions small bright spherical lesions.</summary>
    public int MaxLesions { get; init; } = 3;

    /// <summary>
    /// Zero every voxel outside the brain (air, skull and scalp), noise included, like a skull-stripped brain MRI
    /// (BraTS, most public brain data sets): preprocessing then crops to the brain and z-scores over it.
    /// </summary>
    public bool SkullStripped { get; init; }

    /// <summary>White-matter intensity before bias and noise (arbitrary MR units).</summary>
    public double IntensityScale { get; init; } = 1000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new ArgumentException($"Phantom option {name} = {value} is invalid: {rule}.", name);
        }
        Check(FieldOfViewMm > 0, nameof(FieldOfViewMm), FieldOfViewMm, "must be positive");
        Check(HeadLengthMinMm > 0 && HeadLengthMinMm <= HeadLengthMaxMm, nameof(HeadLengthMinMm), HeadLengthMinMm, "0 < min <= max");
        Check(HeadLengthMaxMm < FieldOfViewMm, nameof(HeadLengthMaxMm), HeadLengthMaxMm, "the head must fit in the field of view");
        Check(MinSpacingMm > 0 && MinSpacingMm <= MaxSpacingMm, nameof(MinSpacingMm), MinSpacingMm, "0 < min <= max");
        Check(MaxVoxels >= 1000, nameof(MaxVoxels), MaxVoxels, "must be at least 1000");
        Check(NoiseSigma >= 0, nameof(NoiseSigma), NoiseSigma, "must be >= 0");
        Check(BiasStrength is >= 0 and <= 1, nameof(BiasStrength), BiasStrength, "must be in [0, 1]");
        Check(MaxLesions is >= 0 and <= 20, nameof(MaxLesions), MaxLesions, "must be in [0, 20]");
        Check(IntensityScale > 0, nameof(IntensityScale), IntensityScale, "must be positive");
    }
}
