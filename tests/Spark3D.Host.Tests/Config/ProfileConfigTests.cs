using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Host.Config;
using Spark3D.Model.Training;

namespace Spark3D.Host.Tests.Config;

/// <summary>config/profiles/*.conf load with --config (no unknown key) and set the pre-training values they name.</summary>
public class ProfileConfigTests
{
    private static string Profile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Spark3D.sln"))) return Path.Combine(dir.FullName, "config", "profiles", name);
        throw new DirectoryNotFoundException("Spark3D.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void The_paper_profile_sets_batch_6_32_voxel_blocks_and_dynamic_masking()
    {
        var c = Spark3DConfig.Load(Profile("paper.conf"), null);
        Assert.Equal(6, PipelineOptionsMapper.FromConfig(c, "/tmp/x", 10).BatchSize);
        Assert.Equal(new MaskOptions(BlockSize: 32, Ratio: 0.75, Dynamic: true, Min: 0.6, Max: 0.9), MaeOptionsMapper.Masks(c));
        AssertShared(c);
    }

    [Fact]
    public void The_nnssl_profile_sets_batch_2_16_voxel_blocks_and_a_fixed_ratio()
    {
        var c = Spark3DConfig.Load(Profile("nnssl.conf"), null);
        Assert.Equal(2, PipelineOptionsMapper.FromConfig(c, "/tmp/x", 10).BatchSize);
        Assert.Equal(new MaskOptions(BlockSize: 16, Ratio: 0.75, Dynamic: false), MaeOptionsMapper.Masks(c));
        Assert.Equal(12, TrainOptionsMapper.Optimizer(c).GradClip);
        AssertShared(c);
        // A later -D still wins over the profile.
        Assert.Equal(4, PipelineOptionsMapper.FromConfig(Spark3DConfig.Load(Profile("nnssl.conf"), ["spark3d.pipeline.batch-size=4"]), "/tmp/x", 10).BatchSize);
    }

    private static void AssertShared(Akka.Configuration.Config c)
    {
        Assert.Equal("resenc-l", ModelOptionsMapper.Preset(c));
        Assert.Equal(new Shape3(160, 160, 160), DataOptionsMapper.PatchSize(c));
        Assert.Equal(1.0, PreprocessOptionsMapper.Preprocess(c).TargetSpacing!.Value.X);
        var o = TrainOptionsMapper.Optimizer(c);
        Assert.Equal((OptimizerKind.Sgd, 0.01, 0.99, true, 3e-5), (o.Kind, o.Lr, o.Momentum, o.Nesterov, o.WeightDecay));
        Assert.Equal(250_000, TrainOptionsMapper.Steps(c));
    }
}
