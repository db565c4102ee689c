using Spark3D.Data.Cache;
using Spark3D.Data.Sampling;
using Spark3D.Training.Ports;

namespace Spark3D.Training.Patches;

/// <summary>
/// Produces patches from preprocessed cache files (<c>*.s3d</c>, <see cref="ChunkedVolumeFile"/>): a random crop read from
/// the memory map (only the chunks it touches are decoded), zero-padded where the volume is smaller than the patch, then
/// the light spatial augmentation. Keeps up to <see cref="PatchProducerOptions.MaxOpenFiles"/> files open (LRU; a file is
/// closed once evicted and no reader uses it). Thread-safe. A corrupt file raises <see cref="UnusableVolumeException"/>
/// (quarantined at once); a missing file <see cref="FileNotFoundException"/>.
/// </summary>
public sealed class CachePatchProducer : IPatchProducer, IDisposable
{
    private readonly PatchCutter _cutter;
    private readonly LeasedLruCache<ChunkedVolumeFile> _files;
    private readonly bool _verifyChunks;

    /// <summary>Creates the producer; throws <see cref="ArgumentException"/> on bad options.</summary>
    public CachePatchProducer(PatchProducerOptions options)
    {
        _cutter = new PatchCutter(options);
        _verifyChunks = options.VerifyChunks;
        _files = new LeasedLruCache<ChunkedVolumeFile>(options.MaxOpenFiles, f => f.Dispose());
    }

    /// <summary>Files currently open.</summary>
    public int OpenFiles => _files.Count;

    /// <inheritdoc />
    public Patch Produce(VolumeRef volume, Random rng)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(rng);
        using var lease = _files.Acquire(volume.Path, Open);
        try
        {
            return _cutter.Cut(lease.Value, rng);
        }
        catch (CacheFormatException e)
        {
            throw new UnusableVolumeException(volume.Path, $"corrupt cache file: {e.Problem}", e);
        }
    }

    private ChunkedVolumeFile Open(string path)
    {
        ChunkedVolumeFile file;
        try
        {
            file = ChunkedVolumeFile.Open(path, _verifyChunks);
        }
        catch (CacheFormatException e)
        {
            throw new UnusableVolumeException(path, $"corrupt cache file: {e.Problem}", e);
        }
        try
        {
            _cutter.CheckExtent(path, file.Shape, "cached volume");
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return file;
    }

    /// <summary>Closes every open file (after their readers finish).</summary>
    public void Dispose() => _files.Dispose();
}
