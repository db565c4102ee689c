using Spark3D.Data.Augmentation;
using Spark3D.Host.Config;

namespace Spark3D.Host.Tests.Config;

/// <summary>spark3d.finetune's recipe settings reach the fine-tuning options, with nnU-Net's values as defaults.</summary>
public class FineTuneConfigTests
{
    [Fact]
    public void Augmentation_defaults_are_nnUNets_and_each_transform_has_its_key()
    {
        Assert.Equal(SegmentationAugmentationOptions.NnUNet, FineTuneOptionsMapper.FromConfig(Spark3DConfig.Defaults()).Augmentation);
        var a = FineTuneOptionsMapper.FromConfig(Spark3DConfig.Load(null,
        [
            "spark3d.finetune.augmentation.gamma.probability=0", "spark3d.finetune.augmentation.noise.max=0.2",
            "spark3d.finetune.augmentation.blur.per-channel-probability=1", "spark3d.finetune.augmentation.low-resolution.min=0.25",
            "spark3d.finetune.augmentation.rotation.max=15", "spark3d.finetune.augmentation.scaling.min=0.9",
            "spark3d.finetune.augmentation.brightness.max=1.5", "spark3d.finetune.augmentation.contrast.min=0.5",
            "spark3d.finetune.augmentation.inverted-gamma.probability=0.5", "spark3d.finetune.augmentation.mirror.probability=0",
        ])).Augmentation;
        Assert.Equal(0, a.Gamma.Probability);
        Assert.Equal(0.2, a.Noise.Max);
        Assert.Equal(1, a.Blur.PerChannelProbability);
        Assert.Equal(0.25, a.LowResolution.Min);
        Assert.Equal(15, a.Rotation.Max);
        Assert.Equal(0.9, a.Scaling.Min);
        Assert.Equal(1.5, a.Brightness.Max);
        Assert.Equal(0.5, a.Contrast.Min);
        Assert.Equal(0.5, a.InvertedGamma.Probability);
        Assert.Equal(0, a.MirrorProbability);
        Assert.False(FineTuneOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.finetune.augmentation.enabled=off"])).Augmentation.Enabled);
    }

    [Fact]
    public void A_bad_augmentation_value_names_the_transform()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            FineTuneOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.finetune.augmentation.contrast.probability=2"])));
        Assert.Contains("contrast", e.Message);
    }

    [Fact]
    public void Deep_supervision_is_on_for_fine_tuning_by_default_and_can_be_turned_off()
    {
        Assert.True(FineTuneOptionsMapper.FromConfig(Spark3DConfig.Defaults()).DeepSupervision);
        Assert.False(FineTuneOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.finetune.deep-supervision=off"])).DeepSupervision);
        // spark3d.model.deep-supervision was mapped but read by nothing; it is gone, and setting it is an error, not a no-op.
        Assert.Throws<UnknownSettingException>(() => Spark3DConfig.Load(null, ["spark3d.model.deep-supervision=on"]));
    }

    [Fact]
    public void Test_time_mirroring_is_on_by_default_under_spark3d_predict()
    {
        Assert.True(FineTuneOptionsMapper.FromConfig(Spark3DConfig.Defaults()).TestTimeMirroring);
        Assert.False(FineTuneOptionsMapper.FromConfig(Spark3DConfig.Load(null, ["spark3d.predict.test-time-mirroring=off"])).TestTimeMirroring);
        Assert.False(PredictOptionsMapper.TestTimeMirroring(Spark3DConfig.Load(null, ["spark3d.predict.test-time-mirroring=false"])));
    }
}
