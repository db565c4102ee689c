using Spark3D.Data.Augmentation;
using Spark3D.Training.Patches;
using static Spark3D.Host.Config.ConfigSections;

namespace Spark3D.Host.Config;

/// <summary>Maps <c>spark3d.pretrain</c>: the run's folders, fault injection, the demo, and (with <c>spark3d.data</c>,
/// <c>spark3d.mae</c> and <c>spark3d.preprocess</c>) how its data becomes patches.</summary>
public static class PretrainOptionsMapper
{
    /// <summary>Folders (as full paths), fault injection and the demo.</summary>
    public static PretrainOptions FromConfig(Akka.Configuration.Config config)
    {
        var p = Section(config, "spark3d.pretrain");
        var demo = Section(config, "spark3d.pretrain.demo");
        return new PretrainOptions(
            Path.GetFullPath(p.GetString("run-directory")),
            DataFolder(config) is { } data ? Path.GetFullPath(data) : null,
            p.GetLong("inject-failure-at-step"),
            new DemoOptions(Path.GetFullPath(demo.GetString("data-directory")), demo.GetInt("phantoms"), demo.GetLong("max-voxels")));
    }

    /// <summary><c>spark3d.pretrain.data</c> as given, or null when empty (the demo).</summary>
    public static string? DataFolder(Akka.Configuration.Config config) =>
        Section(config, "spark3d.pretrain").GetString("data") is { } d && !string.IsNullOrWhiteSpace(d) ? d : null;

    /// <summary>Patch production, masks, raw-data preprocessing and the manifest's name, validated.</summary>
    public static PretrainDataOptions DataOptions(Akka.Configuration.Config config)
    {
        var p = Section(config, "spark3d.pretrain");
        var producer = new PatchProducerOptions(DataOptionsMapper.PatchSize(config))
        {
            Augmentation = p.GetBoolean("augmentation") ? AugmentationOptions.Default : AugmentationOptions.None,
            MaxCachedVolumes = p.GetInt("raw-volume-cache"),
            MaxOpenFiles = p.GetInt("open-cache-files"),
            VerifyChunks = CacheOptionsMapper.VerifyChecksums(config),
        };
        producer.Validate();
        return new PretrainDataOptions(producer, MaeOptionsMapper.Masks(config), PreprocessOptionsMapper.Preprocess(config),
            CacheOptionsMapper.ManifestFileName(config));
    }
}
