using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Patches;

/// <summary>
/// Produces patches straight from raw NIfTI files when no cache exists: <see cref="VolumePreprocessor.ProcessFile"/>
/// (read, reorient, crop to nonzero, z-score, resample) → the same sampling and augmentation
/// as <see cref="CachePatchProducer"/>. The last <see cref="PatchProducerOptions.MaxCachedVolumes"/> preprocessed volumes
/// stay in memory (LRU), so a small data set is preprocessed once. Thread-safe.
/// Bad input never yields a patch: a corrupt file raises <see cref="NiftiFormatException"/>; NaN/Inf voxels, a volume
/// without nonzero voxels or one smaller than <see cref="PatchProducerOptions.MinVolumeExtent"/> raise
/// <see cref="UnusableVolumeException"/> naming the file.
/// </summary>
public sealed class NiftiPatchProducer : IPatchProducer, IDisposable
{
    private readonly PatchCutter _cutter;
    private readonly VolumePreprocessor _preprocessor;
    private readonly LeasedLruCache<Volume> _volumes;

    /// <summary>Creates the producer; throws <see cref="ArgumentException"/> on bad options.</summary>
    public NiftiPatchProducer(PatchProducerOptions options, PreprocessOptions preprocess)
    {
        ArgumentNullException.ThrowIfNull(preprocess);
        _cutter = new PatchCutter(options);
        _preprocessor = new VolumePreprocessor(preprocess);
        _volumes = new LeasedLruCache<Volume>(options.MaxCachedVolumes, release: null);
    }

    /// <inheritdoc />
    public Patch Produce(VolumeRef volume, Random rng)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(rng);
        using var lease = _volumes.Acquire(volume.Path, Load);
        return _cutter.Cut(new VolumeCropSource(lease.Value), rng);
    }

    /// <summary>Reads and preprocesses one file, rejecting volumes that cannot give a meaningful patch.</summary>
    public Volume Load(string path)
    {
        _preprocessor.Options.Budget.CheckFile(path); // before the voxels are allocated
        Volume processed;
        PreprocessRecord record;
        try
        {
            // The image stays in its on-disk type (a uint8 file is a quarter of its float32 size) in a pooled buffer.
            (processed, record) = _preprocessor.ProcessFile(path, shape => _cutter.CheckExtent(path, shape, "the image"));
        }
        catch (NonFiniteVoxelsException e)
        {
            throw new UnusableVolumeException(path, e.Message, e);
        }
        if (record.Stats is { Count: 0 }) throw new UnusableVolumeException(path, "the image has no nonzero voxels");
        _cutter.CheckExtent(path, processed.Shape, "the preprocessed (cropped, resampled) volume");
        return processed;
    }

    /// <summary>Drops the cached volumes.</summary>
    public void Dispose() => _volumes.Dispose();
}
