namespace Spark3D.Data.Augmentation;

/// <summary>
/// Fine-tuning augmentation: nnU-Net v2's default training transforms (<c>nnUNetTrainer.get_training_transforms</c>,
/// MIC-DKFZ/nnUNet @0e49508; transform code in MIC-DKFZ/batchgeneratorsv2 @3cb4f07), in nnU-Net's order and with its
/// probabilities and ranges as defaults. Applied by <see cref="SegmentationAugmenter"/>; docs/finetune.md lists the sources.
/// </summary>
/// <param name="Enabled">False: a plain crop, nothing drawn.</param>
/// <param name="Rotation">Per-sample probability; angle per axis (x, y, z) in degrees, uniform in [Min, Max] (nnU-Net 3D: p 0.2, ±30°).</param>
/// <param name="Scaling">Per-sample probability; isotropic coordinate multiplier in [Min, Max] (p 0.2, 0.7..1.4; below 1 zooms in).</param>
/// <param name="Noise">Gaussian noise: std uniform in [Min, Max] (p 0.1, 0..0.1).</param>
/// <param name="Blur">Gaussian blur: σ in voxels per axis uniform in [Min, Max] (p 0.2, per channel 0.5, 0.5..1).</param>
/// <param name="Brightness">Multiplicative brightness: factor by BGContrast over [Min, Max] (p 0.15, 0.75..1.25).</param>
/// <param name="Contrast">Contrast about the mean, range preserved: factor by BGContrast over [Min, Max] (p 0.15, 0.75..1.25).</param>
/// <param name="LowResolution">Simulated low resolution: zoom factor (same for all axes) in [Min, Max] (p 0.25, per channel 0.5, 0.5..1).</param>
/// <param name="InvertedGamma">Gamma of the negated image, statistics kept: γ by BGContrast over [Min, Max] (p 0.1, 0.7..1.5).</param>
/// <param name="Gamma">Gamma, statistics kept: γ by BGContrast over [Min, Max] (p 0.3, 0.7..1.5).</param>
/// <param name="MirrorProbability">Chance of flipping each axis, image and labels together (nnU-Net: 0.5).</param>
public sealed record SegmentationAugmentationOptions(
    bool Enabled,
    RandomTransformOptions Rotation,
    RandomTransformOptions Scaling,
    RandomTransformOptions Noise,
    RandomTransformOptions Blur,
    RandomTransformOptions Brightness,
    RandomTransformOptions Contrast,
    RandomTransformOptions LowResolution,
    RandomTransformOptions InvertedGamma,
    RandomTransformOptions Gamma,
    double MirrorProbability)
{
    /// <summary>nnU-Net v2's defaults for 3D patches.</summary>
    public static SegmentationAugmentationOptions NnUNet { get; } = new(
        Enabled: true,
        Rotation: new(0.2, -30, 30),
        Scaling: new(0.2, 0.7, 1.4),
        Noise: new(0.1, 0, 0.1),
        Blur: new(0.2, 0.5, 1.0, PerChannelProbability: 0.5),
        Brightness: new(0.15, 0.75, 1.25),
        Contrast: new(0.15, 0.75, 1.25),
        LowResolution: new(0.25, 0.5, 1.0, PerChannelProbability: 0.5),
        InvertedGamma: new(0.1, 0.7, 1.5),
        Gamma: new(0.3, 0.7, 1.5),
        MirrorProbability: 0.5);

    /// <summary>No augmentation at all.</summary>
    public static SegmentationAugmentationOptions None { get; } = NnUNet with { Enabled = false };

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad transform.</summary>
    public SegmentationAugmentationOptions Validate()
    {
        Rotation.Validate("rotation", lowest: -180);
        if (Rotation.Max > 180) throw new ArgumentException($"Augmentation rotation: max must be <= 180 degrees (got {Rotation.Max}).", "rotation");
        Scaling.Validate("scaling");
        if (!(Scaling.Min > 0)) throw new ArgumentException($"Augmentation scaling: min must be > 0 (got {Scaling.Min}).", "scaling");
        Noise.Validate("noise", lowest: 0);
        Blur.Validate("blur", lowest: 0);
        Brightness.Validate("brightness", lowest: 0);
        Contrast.Validate("contrast", lowest: 0);
        LowResolution.Validate("low-resolution");
        if (!(LowResolution.Min > 0) || LowResolution.Max > 1)
            throw new ArgumentException($"Augmentation low-resolution: zoom must lie in (0, 1] (got {LowResolution.Min}..{LowResolution.Max}).", "low-resolution");
        InvertedGamma.Validate("inverted-gamma");
        Gamma.Validate("gamma");
        if (!(InvertedGamma.Min > 0) || !(Gamma.Min > 0)) throw new ArgumentException("Augmentation gamma: min must be > 0.", "gamma");
        if (!(MirrorProbability is >= 0 and <= 1)) throw new ArgumentException($"Augmentation mirror: probability must be in [0, 1] (got {MirrorProbability}).", "mirror");
        return this;
    }
}
