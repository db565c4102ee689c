namespace Spark3D.Data.Augmentation;

/// <summary>
/// The mild spatial augmentation of SparK pre-training (spec §3 / §10.7, nnssl's <c>get_training_transforms</c>):
/// mirroring per axis, rotation about x, y and z, isotropic scaling. Ranges and probabilities default to the reference code.
/// </summary>
/// <param name="Enabled">False turns every transform off (the patch is a plain crop; nothing is drawn from the generator).</param>
/// <param name="MirrorProbability">Chance of flipping each axis (x, y, z independently).</param>
/// <param name="RotationProbability">Chance per sample of a rotation; when drawn, each axis gets an angle in ±<see cref="MaxRotationDegrees"/>.</param>
/// <param name="MaxRotationDegrees">Largest rotation angle per axis, degrees.</param>
/// <param name="ScaleProbability">Chance per sample of an isotropic scale drawn from U(<see cref="ScaleMin"/>, <see cref="ScaleMax"/>).</param>
/// <param name="ScaleMin">Smallest scale factor (coordinate multiplier: below 1 zooms in).</param>
/// <param name="ScaleMax">Largest scale factor (above 1 zooms out).</param>
public sealed record AugmentationOptions(
    bool Enabled = true,
    double MirrorProbability = 0.5,
    double RotationProbability = 0.2,
    double MaxRotationDegrees = 30,
    double ScaleProbability = 0.2,
    double ScaleMin = 0.7,
    double ScaleMax = 1.4)
{
    /// <summary>The reference settings.</summary>
    public static AugmentationOptions Default { get; } = new();

    /// <summary>No augmentation at all.</summary>
    public static AugmentationOptions None { get; } = new(Enabled: false);

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        Probability(MirrorProbability, nameof(MirrorProbability));
        Probability(RotationProbability, nameof(RotationProbability));
        Probability(ScaleProbability, nameof(ScaleProbability));
        if (!(MaxRotationDegrees is >= 0 and <= 180))
            throw new ArgumentException($"Augmentation {nameof(MaxRotationDegrees)} must be within 0..180 (got {MaxRotationDegrees}).", nameof(MaxRotationDegrees));
        if (!(ScaleMin > 0) || !(ScaleMax >= ScaleMin) || !double.IsFinite(ScaleMax))
            throw new ArgumentException($"Augmentation scale range must satisfy 0 < min <= max (got {ScaleMin}..{ScaleMax}).", nameof(ScaleMin));
    }

    private static void Probability(double p, string name)
    {
        if (!(p is >= 0 and <= 1)) throw new ArgumentException($"Augmentation {name} must be in [0, 1] (got {p}).", name);
    }
}
