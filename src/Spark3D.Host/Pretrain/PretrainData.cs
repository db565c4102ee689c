using Spark3D.Data.Augmentation;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
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

    /// <summary>Opens <paramref name="directory"/> with the data, preprocessing, mask and loading settings of <paramref name="config"/>.</summary>
    public static PretrainData Open(string directory, Akka.Configuration.Config config)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Training data folder not found: {directory}");
        var patch = PatchSizeOf(config);
        var mask = MaskOptionsOf(config);
        mask.Validate();
        if (patch.X % mask.BlockSize != 0 || patch.Y % mask.BlockSize != 0 || patch.Z % mask.BlockSize != 0)
            throw new ArgumentException($"spark3d.data.patch-size {patch} must be a multiple of spark3d.mae.block-size {mask.BlockSize}.");
        var producerOptions = new PatchProducerOptions(patch)
        {
            Augmentation = config.GetBoolean("spark3d.pretrain.augmentation", true) ? AugmentationOptions.Default : AugmentationOptions.None,
            MaxCachedVolumes = config.GetInt("spark3d.pretrain.raw-volume-cache", 64),
            MaxOpenFiles = config.GetInt("spark3d.pretrain.open-cache-files", 32),
            VerifyChunks = config.GetBoolean("spark3d.data.cache.verify-checksums", true),
        };
        producerOptions.Validate();
        var batches = new MaskedBatchAssembler(mask, patch);
        if (CacheVolumeCatalog.IsCache(directory))
            return new PretrainData(CacheVolumeCatalog.Open(directory), new CachePatchProducer(producerOptions), batches, "preprocessed cache", patch);
        return new PretrainData(NiftiFolderCatalog.Open(directory), new NiftiPatchProducer(producerOptions, PreprocessOptionsOf(config)),
            batches, "raw NIfTI (preprocessed on the fly)", patch);
    }

    /// <summary><c>spark3d.data.patch-size</c> [x, y, z].</summary>
    public static Shape3 PatchSizeOf(Akka.Configuration.Config config)
    {
        var p = config.GetIntList("spark3d.data.patch-size");
        if (p.Count != 3 || p.Any(v => v <= 0)) throw new ArgumentException($"spark3d.data.patch-size must be three positive integers, got [{string.Join(", ", p)}].");
        return new Shape3(p[0], p[1], p[2]);
    }

    /// <summary><c>spark3d.mae</c> mask keys → <see cref="MaskOptions"/>.</summary>
    public static MaskOptions MaskOptionsOf(Akka.Configuration.Config config)
    {
        var d = new MaskOptions();
        var c = config.GetConfig("spark3d.mae");
        if (c is null) return d;
        return new MaskOptions(c.GetInt("block-size", d.BlockSize), c.GetDouble("mask-ratio", d.Ratio), c.GetBoolean("dynamic-ratio", d.Dynamic),
            c.GetDouble("ratio-min", d.Min), c.GetDouble("ratio-max", d.Max));
    }

    /// <summary><c>spark3d.preprocess</c> → <see cref="PreprocessOptions"/> (the same mapping as `spark3d preprocess`).</summary>
    public static PreprocessOptions PreprocessOptionsOf(Akka.Configuration.Config config) => Config.PreprocessOptionsMapper.Preprocess(config);

    /// <summary>Releases cached volumes and open cache files.</summary>
    public void Dispose()
    {
        (Producer as IDisposable)?.Dispose();
    }
}
