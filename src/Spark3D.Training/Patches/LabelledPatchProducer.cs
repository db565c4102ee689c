using Spark3D.Data.Augmentation;
using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Sampling;
using Spark3D.Training.Catalogs;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Patches;

/// <summary>
/// The fine-tuning patch producer: reads image + label map, preprocesses both on the fly (image as in pre-training,
/// labels with the same geometry and nearest-neighbour sampling), keeps the result in a small LRU cache
/// (<see cref="LeasedLruCache{T}"/>: a case is loaded once even when several preprocessors ask for it together), and
/// cuts one patch per call: with probability <see cref="LabelledPatchOptions.ForegroundProbability"/> centred on a random voxel of
/// a random foreground class present (nnU-Net's oversampling), else uniform; then mirrored identically. Thread-safe.
/// </summary>
public sealed class LabelledPatchProducer : IPatchProducer
{
    private readonly LabelledVolumeCatalog _catalog;
    private readonly LabelledPatchOptions _options;
    private readonly VolumePreprocessor _preprocessor;
    private readonly RandomPatchSampler _sampler;
    private readonly LeasedLruCache<PreprocessedCase> _cache;

    /// <summary>Creates the producer for the cases of <paramref name="catalog"/>.</summary>
    public LabelledPatchProducer(LabelledVolumeCatalog catalog, LabelledPatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _options = options.Validate();
        _preprocessor = new VolumePreprocessor(options.Preprocess);
        _sampler = new RandomPatchSampler(options.PatchSize);
        _cache = new LeasedLruCache<PreprocessedCase>(options.CacheCapacity, release: null);
    }

    /// <summary>Cases currently cached.</summary>
    public int CachedCases => _cache.Count;

    /// <inheritdoc />
    public Patch Produce(VolumeRef volume, Random rng)
    {
        using var lease = _cache.Acquire(volume.Id, _ => Load(volume));
        var c = lease.Value;
        var fg = c.ForegroundByClass;
        var classVoxels = fg.Count > 0 ? fg[rng.Next(fg.Count)] : null;
        var origin = _sampler.SampleOrigin(c.Image.Shape, rng, classVoxels, _options.ForegroundProbability);
        var size = _options.PatchSize;
        var image = c.Image.Crop(origin, size).Voxels;
        var labels = c.Labels.Crop(origin, size).Voxels;
        if (_options.Mirror)
        {
            // nnU-Net's mirroring: each axis flips with probability 0.5, the same way for image and labels. Drawn
            // z, y, x (the order fine-tuning has always used, so seeded runs reproduce); the crops are fresh arrays.
            bool z = rng.NextDouble() < 0.5, y = rng.NextDouble() < 0.5, x = rng.NextDouble() < 0.5;
            PatchMirror.Apply(image, size, x, y, z);
            PatchMirror.Apply(labels, size, x, y, z);
        }
        return new Patch(image, size, labels) { Origin = origin };
    }

    /// <summary>Reads and preprocesses one case (also used by tests).</summary>
    public PreprocessedCase Load(VolumeRef volume)
    {
        string labelPath = _catalog.LabelPathOf(volume.Id);
        var budget = _preprocessor.Options.Budget;
        budget.CheckFile(volume.Path); // before the voxels are allocated
        budget.CheckFile(labelPath);
        var image = NiftiReader.Read(volume.Path).Volume;
        var labels = NiftiReader.Read(labelPath).Volume;
        if (labels.Shape != image.Shape)
            throw new InvalidDataException($"{labelPath}: label map shape {labels.Shape} differs from the image's {image.Shape} ({volume.Path}).");
        var (processed, record) = _preprocessor.Process(image, volume.Path);
        var processedLabels = VolumePreprocessor.ProcessLabels(labels, record);
        return new PreprocessedCase(processed, processedLabels, PreprocessedCase.FindForeground(processedLabels));
    }
}
