using Spark3D.Data.Seeding;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Phantoms;

/// <summary>
/// Generates synthetic brain MR-like volumes with label maps: the built-in default data set and the tests' fixture.
/// Phantom <c>i</c> is a pure function of (seed, i): same options and index give bit-identical volumes on any machine
/// and thread count (noise is seeded per slice). Spacing (0.5–3 mm, anisotropic) and stored orientation vary by index;
/// the affine always maps voxels to RAS world mm with the head centred near the origin.
/// </summary>
public sealed class BrainPhantomGenerator
{
    private readonly PhantomOptions _options;

    public BrainPhantomGenerator(PhantomOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    public PhantomOptions Options => _options;

    public Phantom Generate(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var o = _options;
        var rng = new Random(SeedMixer.Mix(o.Seed, SeedMixer.Phantoms, index));
        var grid = PhantomGrid.Draw(o, rng);
        var anatomy = PhantomAnatomy.Draw(o, rng);
        var shape = grid.Shape;
        var image = new float[shape.Count];
        var labels = new float[shape.Count];
        var a = grid.Affine;
        double scale = o.IntensityScale, sigma = o.NoiseSigma * o.IntensityScale;

        Parallel.For(0, shape.Z, k =>
        {
            var noise = new GaussianNoise(SeedMixer.Mix(o.Seed, SeedMixer.PhantomNoise, index, k));
            for (int j = 0; j < shape.Y; j++)
            {
                var (x, y, z) = a.Apply(0, j, k);
                int row = (int)shape.Index(0, j, k);
                for (int i = 0; i < shape.X; i++, x += a[0, 0], y += a[1, 0], z += a[2, 0])
                {
                    var (v, label) = anatomy.Tissue(x, y, z);
                    double value = v == 0 ? 0 : v * anatomy.Bias(x, y, z) * scale;
                    if (sigma > 0)
                    {
                        // One normal pair per voxel: real and imaginary channel for the Rician magnitude.
                        var (na, nb) = noise.NextPair();
                        double re = value + sigma * na, im = sigma * nb;
                        value = o.Rician ? Math.Sqrt(re * re + im * im) : re;
                    }
                    // Skull stripping after the noise draw, so a stripped phantom is its unstripped twin masked to the brain.
                    if (o.SkullStripped && label == PhantomLabels.Background) value = 0;
                    image[row + i] = (float)value;
                    labels[row + i] = label;
                }
            }
        });

        return new Phantom($"phantom-{index:D5}",
            new Volume(image, shape, grid.Spacing, grid.Affine),
            new Volume(labels, shape, grid.Spacing, grid.Affine),
            anatomy.LesionCount);
    }
}
