using Spark3D.Actors.Cluster;
using Spark3D.Data.Cache;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;
using Spark3D.Host.Config;

namespace Spark3D.Host.Tests;

/// <summary>HOCON → options for preprocessing, the cache, phantoms and the cluster.</summary>
public sealed class PreprocessConfigMapperTests
{
    [Fact]
    public void Defaults_MatchTheLibraryDefaults()
    {
        var config = Spark3DConfig.Defaults();
        var o = PreprocessOptionsMapper.FromConfig(config);
        Assert.Equal(new Spacing3(1, 1, 1), o.Preprocess.TargetSpacing);
        Assert.Equal(Interpolation.Trilinear, o.Preprocess.ImageInterpolation);
        Assert.Equal(ZScoreOptions.Default, o.Preprocess.ZScore);
        Assert.True(o.Preprocess.CropToNonzero && o.Preprocess.Reorient);
        Assert.Equal(VoxelBudget.DefaultMaxVoxels, o.Preprocess.MaxVolumeVoxels);
        Assert.Equal(new ChunkedVolumeOptions(), o.Chunks);
        Assert.Equal(0, o.MaxParallelism);
        Assert.Equal("manifest.jsonl", o.ManifestFileName);
        Assert.Equal(new PhantomOptions(), PhantomOptionsMapper.FromConfig(config));
        Assert.Equal(new PreprocessJobOptions(), ClusterOptionsMapper.Job(config));
        var node = ClusterOptionsMapper.Node(config);
        Assert.Equal(("spark3d", "127.0.0.1", 4053, SplitBrainStrategy.KeepMajority), (node.SystemName, node.Hostname, node.Port, node.SplitBrainResolver));
        Assert.Empty(node.Seeds);
        Assert.Equal("INFO", node.LogLevel);
    }

    [Fact]
    public void Overrides_Reach_EveryField()
    {
        var config = Spark3DConfig.Load(null,
        [
            "spark3d.preprocess.target-spacing=[1.5,2,3]", "spark3d.preprocess.image-interpolation=cubic-bspline",
            "spark3d.preprocess.zscore-mode=all-voxels", "spark3d.preprocess.resample=true", "spark3d.preprocess.parallelism=3",
            "spark3d.data.cache.dtype=float16", "spark3d.data.cache.codec=zstd", "spark3d.data.cache.chunk-size=64",
            "spark3d.data.phantoms.seed=77", "spark3d.cluster.lease-timeout=30s", "spark3d.cluster.seeds=[\"10.0.0.1:4053\"]",
            "spark3d.cluster.split-brain-resolver=keep-oldest",
        ]);
        var o = PreprocessOptionsMapper.FromConfig(config);
        Assert.Equal(new Spacing3(1.5, 2, 3), o.Preprocess.TargetSpacing);
        Assert.Equal(Interpolation.CubicBSpline, o.Preprocess.ImageInterpolation);
        Assert.Equal(ZScoreMode.AllVoxels, o.Preprocess.ZScore!.Mode);
        Assert.Equal((CacheDType.Float16, ChunkCodec.Zstd, 64), (o.Chunks.DType, o.Chunks.Codec, o.Chunks.ChunkSize));
        Assert.Equal(3, o.MaxParallelism);
        Assert.Equal(5, PreprocessOptionsMapper.FromConfig(config, parallelism: 5).MaxParallelism);
        Assert.Equal(77, PhantomOptionsMapper.FromConfig(config).Seed);
        Assert.Equal(9, PhantomOptionsMapper.FromConfig(config, seed: 9).Seed);
        Assert.Equal(TimeSpan.FromSeconds(30), ClusterOptionsMapper.Job(config).LeaseTimeout);
        var node = ClusterOptionsMapper.Node(config);
        Assert.Equal(["10.0.0.1:4053"], node.Seeds);
        Assert.Equal(SplitBrainStrategy.KeepOldest, node.SplitBrainResolver);

        Assert.Equal(5_000_000_000L, PreprocessOptionsMapper.Preprocess(Spark3DConfig.Load(null, ["spark3d.preprocess.max-volume-voxels=5000000000"])).MaxVolumeVoxels);
        var noResample = Spark3DConfig.Load(null, ["spark3d.preprocess.resample=false"]);
        Assert.Null(PreprocessOptionsMapper.Preprocess(noResample).TargetSpacing);
    }

    [Fact]
    public void BadValues_AreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => PreprocessOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.preprocess.zscore-mode=median"])));
        Assert.Contains("zscore-mode", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => PreprocessOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.preprocess.target-spacing=[1,0,1]"])));
        Assert.Contains("target-spacing", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => PreprocessOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.preprocess.max-volume-voxels=0"])));
        Assert.Contains("spark3d.preprocess.max-volume-voxels", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PhantomOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.data.phantoms.noise-sigma=-1"])));
    }
}
