using Spark3D.Actors.Pipeline;
using Spark3D.Host.Config;

namespace Spark3D.Host.Tests;

public class PipelineConfigTests
{
    [Fact]
    public void Built_in_pipeline_section_maps_to_the_library_defaults()
    {
        var mapped = PipelineOptionsMapper.FromConfig(Spark3DConfig.Defaults(), "runs/x", 1000);
        var defaults = new PipelineOptions { RunDirectory = "runs/x", TotalSteps = 1000 };
        Assert.Equal(defaults, mapped);
    }

    [Fact]
    public void Overrides_reach_the_options_and_bad_values_are_rejected()
    {
        var config = Spark3DConfig.Load(null, ["spark3d.pipeline.channels.patches=16", "spark3d.pipeline.io-retry.base-delay=50ms",
            "spark3d.pipeline.in-order=off"]);
        var mapped = PipelineOptionsMapper.FromConfig(config, "r", 10);
        Assert.Equal(16, mapped.PatchChannelCapacity);
        Assert.True(PipelineOptionsMapper.FromConfig(Spark3DConfig.Defaults(), "r", 10).InOrder);
        Assert.False(mapped.InOrder);
        Assert.Equal(TimeSpan.FromMilliseconds(50), mapped.IoRetryBaseDelay);

        var bad = Spark3DConfig.Load(null, ["spark3d.pipeline.batch-size=0"]);
        var e = Assert.Throws<ArgumentException>(() => PipelineOptionsMapper.FromConfig(bad, "r", 10));
        Assert.Contains("BatchSize", e.Message);
    }
}
