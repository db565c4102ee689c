using Spark3D.Data.Augmentation;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Augmentation;

/// <summary>Property tests of each fine-tuning transform: labels keep their value set, shapes are kept, p = 0 is the
/// identity, and p = 1 really changes the patch.</summary>
public class SegmentationAugmenterTests
{
    private static readonly Shape3 VolumeShape = new(40, 36, 30);
    private static readonly Shape3 PatchShape = new(24, 20, 16);
    private static readonly (int, int, int) Origin = (6, 5, 4);
    private static readonly float[] LabelValues = [0, 1, 2, 5];

    public static TheoryData<string> Transforms => new()
    {
        "rotation", "scaling", "noise", "blur", "brightness", "contrast", "low-resolution", "inverted-gamma", "gamma", "mirror",
    };

    private static readonly string[] Spatial = ["rotation", "scaling", "mirror"];

    private static SegmentationAugmentationOptions Nothing => SegmentationAugmentationOptions.NnUNet with
    {
        Rotation = RandomTransformOptions.Off, Scaling = RandomTransformOptions.Off, Noise = RandomTransformOptions.Off,
        Blur = RandomTransformOptions.Off, Brightness = RandomTransformOptions.Off, Contrast = RandomTransformOptions.Off,
        LowResolution = RandomTransformOptions.Off, InvertedGamma = RandomTransformOptions.Off, Gamma = RandomTransformOptions.Off,
        MirrorProbability = 0,
    };

    /// <summary>Only <paramref name="name"/> enabled, at probability <paramref name="p"/>, with nnU-Net's range.</summary>
    private static SegmentationAugmentationOptions Only(string name, double p)
    {
        var d = SegmentationAugmentationOptions.NnUNet;
        RandomTransformOptions At(RandomTransformOptions t) => t with { Probability = p, PerChannelProbability = 1 };
        return name switch
        {
            "rotation" => Nothing with { Rotation = At(d.Rotation) },
            "scaling" => Nothing with { Scaling = At(d.Scaling) },
            "noise" => Nothing with { Noise = At(d.Noise) },
            "blur" => Nothing with { Blur = At(d.Blur) },
            "brightness" => Nothing with { Brightness = At(d.Brightness) },
            "contrast" => Nothing with { Contrast = At(d.Contrast) },
            "low-resolution" => Nothing with { LowResolution = At(d.LowResolution) },
            "inverted-gamma" => Nothing with { InvertedGamma = At(d.InvertedGamma) },
            "gamma" => Nothing with { Gamma = At(d.Gamma) },
            "mirror" => Nothing with { MirrorProbability = p },
            _ => throw new ArgumentException(name),
        };
    }

    private static (VolumeCropSource Image, VolumeCropSource Labels) Case()
    {
        var rng = new Random(11);
        var image = new float[VolumeShape.Count];
        var labels = new float[VolumeShape.Count];
        for (int z = 0; z < VolumeShape.Z; z++)
            for (int y = 0; y < VolumeShape.Y; y++)
                for (int x = 0; x < VolumeShape.X; x++)
                {
                    long i = VolumeShape.Index(x, y, z);
                    // Blobs of labels 1, 2, 5 (no 3 or 4: a blend of 2 and 5 would show) on a smooth, noisy image.
                    int l = x < 14 ? (y < 18 ? 1 : 2) : z > 15 ? 5 : 0;
                    labels[i] = l;
                    image[i] = (float)(l * 0.7 + 0.05 * x + rng.NextDouble() * 0.3);
                }
        return (new VolumeCropSource(new Volume(image, VolumeShape, Spacing3.Isotropic1mm, Affine.Identity)),
                new VolumeCropSource(new Volume(labels, VolumeShape, Spacing3.Isotropic1mm, Affine.Identity)));
    }

    private static (float[] Image, float[] Labels) PlainCrop()
    {
        var (image, labels) = Case();
        return new SegmentationAugmenter(SegmentationAugmentationOptions.None).Extract(image, labels, Origin, PatchShape, new Random(0));
    }

    [Theory]
    [MemberData(nameof(Transforms))]
    public void Transform_at_p1_keeps_shape_and_label_values_and_changes_the_patch(string name)
    {
        var (image, labels) = Case();
        var plain = PlainCrop();
        var aug = new SegmentationAugmenter(Only(name, 1));
        int changed = 0;
        for (int seed = 0; seed < 6; seed++)
        {
            var (img, lab) = aug.Extract(image, labels, Origin, PatchShape, new Random(seed));
            Assert.Equal(PatchShape.Count, img.Length);
            Assert.Equal(PatchShape.Count, lab.Length);
            Assert.All(img, v => Assert.True(float.IsFinite(v)));
            Assert.All(lab, l => Assert.Contains(l, LabelValues)); // nearest: no blended or new label values
            if (!Spatial.Contains(name)) Assert.Equal(plain.Labels, lab); // intensity transforms never touch labels
            if (!img.SequenceEqual(plain.Image)) changed++;
        }
        Assert.True(changed >= (name == "mirror" ? 4 : 6), $"{name} at p = 1 changed only {changed} of 6 patches");
    }

    [Theory]
    [MemberData(nameof(Transforms))]
    public void Transform_at_p0_is_the_identity(string name)
    {
        var (image, labels) = Case();
        var plain = PlainCrop();
        var aug = new SegmentationAugmenter(Only(name, 0));
        for (int seed = 0; seed < 4; seed++)
        {
            var (img, lab) = aug.Extract(image, labels, Origin, PatchShape, new Random(seed));
            Assert.Equal(plain.Image, img);
            Assert.Equal(plain.Labels, lab);
        }
    }

    [Fact]
    public void Spatial_transforms_move_labels_with_the_image()
    {
        // Image = 10 x label: after rotation + scaling + mirroring, wherever the label is 5 the image must be near 50
        // (trilinear blends only at label borders), so labels and image went through the same geometry.
        var labels = Case().Labels;
        var labelVolume = new float[VolumeShape.Count];
        labels.ReadCrop(0, 0, 0, VolumeShape, labelVolume);
        var image = new VolumeCropSource(new Volume(labelVolume.Select(l => l * 10f).ToArray(), VolumeShape, Spacing3.Isotropic1mm, Affine.Identity));
        var aug = new SegmentationAugmenter(Nothing with
        {
            Rotation = new RandomTransformOptions(1, -30, 30), Scaling = new RandomTransformOptions(1, 0.7, 1.4), MirrorProbability = 0.5,
        });
        for (int seed = 0; seed < 5; seed++)
        {
            var (img, lab) = aug.Extract(image, labels, Origin, PatchShape, new Random(seed));
            int agree = 0;
            for (int i = 0; i < img.Length; i++)
                if (Math.Abs(img[i] - 10 * lab[i]) < 1e-3) agree++;
            Assert.True(agree > 0.8 * img.Length, $"seed {seed}: image and labels agree at only {agree} of {img.Length} voxels");
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_patch_under_the_full_default_augmentation()
    {
        var (image, labels) = Case();
        var aug = new SegmentationAugmenter(SegmentationAugmentationOptions.NnUNet with
        {
            Noise = SegmentationAugmentationOptions.NnUNet.Noise with { Probability = 1 },
        });
        var a = aug.Extract(image, labels, Origin, PatchShape, new Random(7));
        var b = aug.Extract(image, labels, Origin, PatchShape, new Random(7));
        var c = aug.Extract(image, labels, Origin, PatchShape, new Random(8));
        Assert.Equal(a.Image, b.Image);
        Assert.Equal(a.Labels, b.Labels);
        Assert.NotEqual(a.Image, c.Image);
    }

    [Fact]
    public void Bad_options_name_the_transform()
    {
        var e = Assert.Throws<ArgumentException>(() => (SegmentationAugmentationOptions.NnUNet with { Gamma = new(1.5, 0.7, 1.5) }).Validate());
        Assert.Contains("gamma", e.Message);
        e = Assert.Throws<ArgumentException>(() => (SegmentationAugmentationOptions.NnUNet with { LowResolution = new(0.2, 0.5, 2) }).Validate());
        Assert.Contains("low-resolution", e.Message);
        e = Assert.Throws<ArgumentException>(() => (SegmentationAugmentationOptions.NnUNet with { Blur = new(0.2, 1, 0.5) }).Validate());
        Assert.Contains("blur", e.Message);
    }

    [Fact]
    public void BgContrast_draws_factors_below_and_above_one_equally_often()
    {
        var t = new RandomTransformOptions(1, 0.75, 1.25);
        var rng = new Random(1);
        var draws = Enumerable.Range(0, 4000).Select(_ => t.BgContrast(rng)).ToArray();
        Assert.All(draws, f => Assert.InRange(f, 0.75, 1.25));
        Assert.InRange(draws.Count(f => f < 1) / 4000.0, 0.46, 0.54);
        // Asymmetric range (0.7..1.5): still half below one, which a plain uniform draw (3/8) would not give.
        var g = new RandomTransformOptions(1, 0.7, 1.5);
        Assert.InRange(Enumerable.Range(0, 4000).Count(_ => g.BgContrast(rng) < 1) / 4000.0, 0.46, 0.54);
    }
}
