using Spark3D.Data.Sampling;
using Spark3D.Data.Volumes;
using Spark3D.Host.Config;
using Spark3D.Model.Mae;

namespace Spark3D.Host.Tests.Config;

/// <summary>One mapper per section: what several commands share is parsed in one place, the same way for each.</summary>
public class SectionMapperTests
{
    [Fact]
    public void Pretraining_and_fine_tuning_read_the_patch_size_through_one_parser()
    {
        var config = Spark3DConfig.Load(null, ["spark3d.data.patch-size=[48, 32, 16]"]);
        var size = new Shape3(48, 32, 16);
        Assert.Equal(size, DataOptionsMapper.PatchSize(config));
        Assert.Equal(size, PretrainOptionsMapper.DataOptions(Spark3DConfig.Load(null, ["spark3d.data.patch-size=[48, 32, 16]"])).Producer.PatchSize);
        Assert.Equal(size, FineTuneOptionsMapper.FromConfig(config).PatchSize);

        var bad = Spark3DConfig.Load(null, ["spark3d.data.patch-size=[32, 32]"]);
        string pretrain = Assert.Throws<ArgumentException>(() => PretrainOptionsMapper.DataOptions(bad)).Message;
        Assert.Equal(pretrain, Assert.Throws<ArgumentException>(() => FineTuneOptionsMapper.FromConfig(bad)).Message);
        Assert.Contains("spark3d.data.patch-size", pretrain, StringComparison.Ordinal);
    }

    [Fact]
    public void The_mae_section_maps_to_the_network_and_the_masks_and_its_defaults_are_the_libraries()
    {
        var defaults = Spark3DConfig.Defaults();
        Assert.Equal(new SparkMaeOptions(), MaeOptionsMapper.Network(defaults));
        Assert.Equal(new MaskOptions(), MaeOptionsMapper.Masks(defaults));

        var config = Spark3DConfig.Load(null, ["spark3d.mae.block-size=8", "spark3d.mae.use-mask-token=false"]);
        Assert.Equal(8, MaeOptionsMapper.Masks(config).BlockSize);
        Assert.False(MaeOptionsMapper.Network(config).UseMaskToken);
        Assert.Throws<ArgumentException>(() => MaeOptionsMapper.Masks(Spark3DConfig.Load(null, ["spark3d.mae.mask-ratio=1.5"])));
    }

    [Fact]
    public void Checkpoint_and_demo_settings_come_from_the_conf_file()
    {
        var defaults = Spark3DConfig.Defaults();
        Assert.Equal(new CheckpointSettings("checkpoints", 3), CheckpointOptionsMapper.FromConfig(defaults));
        var demo = PretrainOptionsMapper.FromConfig(defaults).Demo;
        Assert.Equal((32, 300_000L), (demo.Phantoms, demo.MaxVoxels));
        Assert.Equal(Path.GetFullPath("data/phantoms"), demo.DataDirectory);
        Assert.Null(PretrainOptionsMapper.FromConfig(defaults).Data);
        Assert.Throws<ArgumentException>(() => CheckpointOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.checkpoint.keep-last=0"])));
    }
}
