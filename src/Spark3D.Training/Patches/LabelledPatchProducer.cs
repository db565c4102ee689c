using Spark3D.Data.Augmentation;
using Spark3D.Data.Cache;
using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Catalogs;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Patches;

/// <summary>
/// The fine-tuning patch producer: reads image + label map, preprocesses both on the fly (image as in pre-training,
/// labels with the same geometry and nearest-neighbour sampling) or reads them from a matching preprocessed cache
/// (<see cref="LabelledVolumeCatalog.Preprocessed"/>), keeps the result in a small LRU cache
/// (<see cref="LeasedLruCache{T}"/>: a case is loaded once even when several preprocessors ask for it together), and
/// cuts one patch per call: with probability <see cref="LabelledPatchOptions.ForegroundProbability"/> centred on a random voxel of
/// a random foreground class present (nnU-Net's oversampling), else uniform; then augmented as nnU-Net v2 trains
/// (<see cref="SegmentationAugmenter"/>: spatial steps on image and labels alike, labels nearest). Thread-safe.
/// </summary>
public sealed class LabelledPatchProducer : IPatchProducer
{
    private readonly LabelledVolumeCatalog _catalog;
    private readonly LabelledPatchOptions _options;
    private readonly CasePreprocessor _preprocessor;
    private readonly RandomPatchSampler _sampler;
    private readonly LeasedLruCache<PreprocessedCase> _cache;
    private readonly SegmentationAugmenter _augmenter;

    /// <summary>Creates the producer for the cases of <paramref name="catalog"/>.</summary>
    public LabelledPatchProducer(LabelledVolumeCatalog catalog, LabelledPatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _options = options.Validate();
        _preprocessor = new CasePreprocessor(options.Preprocess, options.ChannelCt);
        _sampler = new RandomPatchSampler(options.PatchSize);
        _cache = new LeasedLruCache<PreprocessedCase>(options.CacheCapacity, release: null);
        _augmenter = new SegmentationAugmenter(options.Augmentation ?? SegmentationAugmentationOptions.NnUNet);
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
        // The augmentation draws come after the origin's, from the same generator: a seeded patch is reproducible.
        var (crops, labels) = _augmenter.Extract(c.Channels.Select(ch => (IVolumeCropSource)new VolumeCropSource(ch)).ToList(),
            new VolumeCropSource(c.Labels), origin, size, rng);
        var image = crops.Length == 1 ? crops[0] : Concat(crops);
        return new Patch(image, size, labels) { Origin = origin, Channels = crops.Length };
    }

    /// <summary>Reads and preprocesses one case, or reads it from the preprocessed cache when the catalog has its files
    /// (also used by tests).</summary>
    public PreprocessedCase Load(VolumeRef volume)
    {
        if (_catalog.PreprocessedOf(volume.Id) is { } cached) return LoadCached(cached);
        string labelPath = _catalog.LabelPathOf(volume.Id);
        var paths = _catalog.ChannelPathsOf(volume.Id);
        var budget = _preprocessor.Options.Budget;
        foreach (var p in paths) budget.CheckFile(p); // before the voxels are allocated
        budget.CheckFile(labelPath);
        var images = paths.Select(p => NiftiReader.Read(p).Volume).ToList();
        var labels = NiftiReader.Read(labelPath).Volume;
        for (int c = 0; c < images.Count; c++)
            if (images[c].Shape != labels.Shape)
                throw new InvalidDataException($"{paths[c]}: image shape {images[c].Shape} differs from the label map's {labels.Shape} ({labelPath}).");
        var (processed, record) = _preprocessor.Process(images);
        var processedLabels = VolumePreprocessor.ProcessLabels(labels, record);
        return new PreprocessedCase(processed[0], processedLabels, PreprocessedCase.FindForeground(processedLabels, _options.IgnoreLabel))
        {
            Channels = processed,
        };
    }

    /// <summary>A case from `spark3d preprocess --labels` files: the same volumes <see cref="Load"/> would make (the cache
    /// was checked against the settings), without reading NIfTI or preprocessing.</summary>
    private PreprocessedCase LoadCached(PreprocessedCaseFiles files)
    {
        var channels = files.Channels.Select(ReadAll).ToList();
        var labels = ReadAll(files.Labels);
        for (int c = 0; c < channels.Count; c++)
            if (channels[c].Shape != labels.Shape)
                throw new InvalidDataException($"{files.Channels[c]}: cached image shape {channels[c].Shape} differs from the cached label map's {labels.Shape} ({files.Labels}).");
        return new PreprocessedCase(channels[0], labels, PreprocessedCase.FindForeground(labels, _options.IgnoreLabel)) { Channels = channels };
    }

    private static Volume ReadAll(string cacheFile)
    {
        using var file = ChunkedVolumeFile.Open(cacheFile);
        return file.ReadAll();
    }

    /// <summary>Channel-major (C, Z, Y, X) voxels of C equally long crops.</summary>
    private static float[] Concat(IReadOnlyList<float[]> crops)
    {
        int n = crops[0].Length;
        var all = new float[(long)n * crops.Count];
        for (int c = 0; c < crops.Count; c++)
        {
            Array.Copy(crops[c], 0, all, (long)c * n, n);
            PatchArrayPool.Shared.Return(crops[c]); // copied: the next patch may reuse it
        }
        return all;
    }
}
