using Spark3D.Data.Augmentation;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;

namespace Spark3D.Training.Patches;

/// <summary>The sampling + augmentation step both producers share: a uniform random origin
/// (<see cref="RandomPatchSampler"/>, zero padding where the volume is smaller than the patch), then
/// <see cref="SpatialAugmenter"/>. Draw order from the generator: origin (x, y, z), then the augmentation.</summary>
internal sealed class PatchCutter
{
    private readonly RandomPatchSampler _sampler;
    private readonly SpatialAugmenter _augmenter;
    private readonly int _minExtent;

    public PatchCutter(PatchProducerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        PatchSize = options.PatchSize;
        _sampler = new RandomPatchSampler(options.PatchSize);
        _augmenter = new SpatialAugmenter(options.Augmentation);
        _minExtent = options.MinVolumeExtent;
    }

    public Shape3 PatchSize { get; }

    /// <summary>Throws <see cref="UnusableVolumeException"/> when an axis of <paramref name="shape"/> is below the minimum.</summary>
    public void CheckExtent(string path, Shape3 shape, string what)
    {
        if (shape.X < _minExtent || shape.Y < _minExtent || shape.Z < _minExtent)
            throw new UnusableVolumeException(path, $"{what} is only {shape} voxels; at least {_minExtent} per axis are needed for a training patch");
    }

    public Patch Cut(IVolumeCropSource source, Random rng)
    {
        var origin = _sampler.SampleOrigin(source.Shape, rng);
        var voxels = _augmenter.Extract(source, origin, PatchSize, rng);
        return new Patch(voxels, PatchSize) { Origin = origin };
    }
}
