using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Augmentation;

/// <summary>
/// Cuts one augmented (image, label map) training pair for fine-tuning, in the order of nnU-Net v2's
/// <c>get_training_transforms</c>: rotation + scaling (image trilinear, labels nearest, zero outside the volume, reusing
/// <see cref="SpatialAugmenter"/>'s resampler), Gaussian noise, Gaussian blur, multiplicative brightness, contrast,
/// simulated low resolution, inverted gamma, gamma, then mirroring (image and labels alike). Every draw comes from the
/// caller's <see cref="Random"/> in that fixed order, so a seeded patch is reproducible (and a resumed run identical).
/// Only the mirroring touches the labels after the spatial step. Thread-safe (no state besides the options).
/// </summary>
public sealed class SegmentationAugmenter
{
    /// <summary>Creates an augmenter; throws <see cref="ArgumentException"/> on bad options.</summary>
    public SegmentationAugmenter(SegmentationAugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
    }

    /// <summary>The settings.</summary>
    public SegmentationAugmentationOptions Options { get; }

    /// <summary>The augmented image and label patch whose un-augmented box starts at <paramref name="origin"/>. X fastest.</summary>
    public (float[] Image, float[] Labels) Extract(IVolumeCropSource image, IVolumeCropSource labels, (int X, int Y, int Z) origin, Shape3 patchSize, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (images, lab) = Extract([image], labels, origin, patchSize, rng);
        return (images[0], lab);
    }

    /// <summary>A multi-channel case: one spatial draw and one mirroring for every channel and the labels; the intensity
    /// transforms are drawn per channel, channel by channel (nnU-Net's <c>p_per_channel</c>). With one channel the draws
    /// are exactly those of the single-image overload.</summary>
    public (float[][] Images, float[] Labels) Extract(IReadOnlyList<IVolumeCropSource> images, IVolumeCropSource labels, (int X, int Y, int Z) origin, Shape3 patchSize, Random rng)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(rng);
        if (images.Count == 0) throw new ArgumentException("A case needs at least one image channel.", nameof(images));
        var o = Options;
        if (!o.Enabled)
            return (images.Select(i => SpatialAugmenter.Extract(i, origin, patchSize, SpatialTransformParams.Identity)).ToArray(),
                    SpatialAugmenter.Extract(labels, origin, patchSize, SpatialTransformParams.Identity, nearest: true));
        var spatial = DrawSpatial(rng);
        var imgs = images.Select(i => SpatialAugmenter.Extract(i, origin, patchSize, spatial, nearest: false)).ToArray();
        var lab = SpatialAugmenter.Extract(labels, origin, patchSize, spatial, nearest: true);
        foreach (var img in imgs) ApplyIntensity(img, patchSize, rng);
        bool mx = rng.NextDouble() < o.MirrorProbability, my = rng.NextDouble() < o.MirrorProbability, mz = rng.NextDouble() < o.MirrorProbability;
        foreach (var img in imgs) PatchMirror.Apply(img, patchSize, mx, my, mz);
        PatchMirror.Apply(lab, patchSize, mx, my, mz);
        return (imgs, lab);
    }

    /// <summary>Rotation (one draw, then three angles) and isotropic scaling (one draw, then the factor); no mirroring,
    /// which comes last in nnU-Net's order.</summary>
    public SpatialTransformParams DrawSpatial(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var o = Options;
        double ax = 0, ay = 0, az = 0, scale = 1;
        if (rng.NextDouble() < o.Rotation.Probability)
        {
            const double Radians = Math.PI / 180;
            ax = o.Rotation.Uniform(rng) * Radians;
            ay = o.Rotation.Uniform(rng) * Radians;
            az = o.Rotation.Uniform(rng) * Radians;
        }
        if (rng.NextDouble() < o.Scaling.Probability) scale = o.Scaling.Uniform(rng);
        return new SpatialTransformParams(false, false, false, ax, ay, az, scale);
    }

    /// <summary>The image-only transforms on one channel, each applied with its probabilities (sample, then channel).</summary>
    public void ApplyIntensity(Span<float> channel, Shape3 shape, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var o = Options;
        if (Applies(o.Noise, rng)) IntensityTransforms.AddGaussianNoise(channel, o.Noise.Uniform(rng), rng);
        if (Applies(o.Blur, rng))
        {
            double sx = o.Blur.Uniform(rng), sy = o.Blur.Uniform(rng), sz = o.Blur.Uniform(rng);
            IntensityTransforms.GaussianBlur(channel, shape, sx, sy, sz);
        }
        if (Applies(o.Brightness, rng)) IntensityTransforms.MultiplyBrightness(channel, o.Brightness.BgContrast(rng));
        if (Applies(o.Contrast, rng)) IntensityTransforms.Contrast(channel, o.Contrast.BgContrast(rng));
        if (Applies(o.LowResolution, rng)) IntensityTransforms.SimulateLowResolution(channel, shape, o.LowResolution.Uniform(rng));
        if (Applies(o.InvertedGamma, rng)) IntensityTransforms.Gamma(channel, o.InvertedGamma.BgContrast(rng), invert: true);
        if (Applies(o.Gamma, rng)) IntensityTransforms.Gamma(channel, o.Gamma.BgContrast(rng), invert: false);
    }

    // nnU-Net's RandomTransform(apply_probability) around a transform with p_per_channel: two draws, always both, so the
    // number of draws per transform does not depend on the first outcome's side effects.
    private static bool Applies(RandomTransformOptions t, Random rng)
    {
        bool sample = rng.NextDouble() < t.Probability;
        bool channel = rng.NextDouble() < t.PerChannelProbability;
        return sample && channel;
    }
}
