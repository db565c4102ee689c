using Spark3D.Data.Preprocessing;

namespace Spark3D.Data.Cache;

/// <summary>
/// How a cache is built (HOCON <c>spark3d.preprocess</c> + <c>spark3d.data.cache</c>; the host maps config to this).
/// </summary>
/// <param name="Preprocess">Reorient / crop / z-score / resample settings.</param>
/// <param name="Chunks">Chunk edge, dtype and codec of the cache files.</param>
/// <param name="MaxParallelism">Volumes preprocessed at once; 0 = one per core.</param>
/// <param name="ManifestFileName">Name of the JSON-lines manifest inside the output folder.</param>
/// <param name="ChannelCt">Per input channel c: nnU-Net's CT normalisation properties (from the data set's labelled
/// foreground), or null for z-score per image; null or empty = every channel z-scored.</param>
public sealed record CacheBuildOptions(
    PreprocessOptions Preprocess,
    ChunkedVolumeOptions Chunks,
    int MaxParallelism = 0,
    string ManifestFileName = DatasetManifest.DefaultFileName,
    IReadOnlyList<CtIntensityProperties?>? ChannelCt = null)
{
    /// <summary>Channel c's CT properties, or null (z-score).</summary>
    public CtIntensityProperties? CtOf(int channel) => ChannelCt is { } ct && channel < ct.Count ? ct[channel] : null;

    /// <summary>What a file of channel <paramref name="channel"/> of <paramref name="channels"/> records it was made with.</summary>
    public CacheVolumeProvenance ProvenanceOf(int channel, int channels) => new(Preprocess, channel, channels, CtOf(channel));

    /// <summary>Built-in defaults (1 mm, trilinear, nonzero z-score; 32³ LZ4 float32 chunks; all cores).</summary>
    public static CacheBuildOptions Default { get; } = new(PreprocessOptions.Default, new ChunkedVolumeOptions());

    /// <summary><see cref="MaxParallelism"/>, or the core count when it is 0.</summary>
    public int EffectiveParallelism => MaxParallelism > 0 ? MaxParallelism : Environment.ProcessorCount;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad setting.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Preprocess);
        ArgumentNullException.ThrowIfNull(Chunks);
        Chunks.Validate();
        if (MaxParallelism < 0) throw new ArgumentException($"Parallelism must be >= 0 (got {MaxParallelism}); 0 = one per core.", nameof(MaxParallelism));
        if (string.IsNullOrWhiteSpace(ManifestFileName) || ManifestFileName.IndexOfAny(['/', '\\']) >= 0)
            throw new ArgumentException($"Manifest file name '{ManifestFileName}' must be a plain file name.", nameof(ManifestFileName));
    }
}
