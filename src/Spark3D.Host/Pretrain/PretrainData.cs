using Spark3D.Data.Volumes;
using Spark3D.Host.Config;
using Spark3D.Training.Batches;
using Spark3D.Training.Catalogs;
using Spark3D.Training.Patches;
using Spark3D.Training.Ports;

namespace Spark3D.Host.Pretrain;

/// <summary>The data side of a run: catalog, patch producer and batch assembler for a folder that is either a preprocessed
/// cache (has manifest.jsonl or *.s3d files) or raw NIfTI files (preprocessed on the fly).</summary>
public sealed class PretrainData : IDisposable
{
    private PretrainData(IVolumeCatalog catalog, IPatchProducer producer, IBatchAssembler batches, string kind, Shape3 patch)
    {
        Catalog = catalog;
        Producer = producer;
        Batches = batches;
        Kind = kind;
        PatchSize = patch;
    }

    /// <summary>The volumes.</summary>
    public IVolumeCatalog Catalog { get; }
    /// <summary>Volume → patch.</summary>
    public IPatchProducer Producer { get; }
    /// <summary>Patches → masked batch.</summary>
    public IBatchAssembler Batches { get; }
    /// <summary>"cache" or "raw NIfTI (preprocessed on the fly)".</summary>
    public string Kind { get; }
    /// <summary>Patch size (X, Y, Z).</summary>
    public Shape3 PatchSize { get; }

    /// <summary>Opens <paramref name="directory"/>, a cache (its manifest or cache files at the top) or a raw NIfTI folder.</summary>
    public static PretrainData Open(string directory, PretrainDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Training data folder not found: {directory}");
        var patch = options.Producer.PatchSize;
        int block = options.Masks.BlockSize;
        if (patch.X % block != 0 || patch.Y % block != 0 || patch.Z % block != 0)
            throw new ArgumentException($"spark3d.data.patch-size {patch} must be a multiple of spark3d.mae.block-size {block}.");
        var batches = new MaskedBatchAssembler(options.Masks, patch);
        if (CacheVolumeCatalog.IsCache(directory, options.ManifestFileName))
            return new PretrainData(CacheVolumeCatalog.Open(directory, options.ManifestFileName), new CachePatchProducer(options.Producer),
                batches, "preprocessed cache", patch);
        return new PretrainData(NiftiFolderCatalog.Open(directory), new NiftiPatchProducer(options.Producer, options.Preprocess),
            batches, "raw NIfTI (preprocessed on the fly)", patch);
    }

    /// <summary>Releases cached volumes and open cache files.</summary>
    public void Dispose()
    {
        (Producer as IDisposable)?.Dispose();
    }
}
