using Spark3D.Model.Training;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Training;

public class WeightTransferTests
{
    [Fact]
    public void Encoder_only_transfer_copies_stem_and_stages_and_reports_the_rest()
    {
        using var pretrained = TestNets.Create(21);
        using var target = TestNets.Create(22, outChannels: 3); // segmentation head differs
        var source = pretrained.state_dict();
        var report = WeightTransfer.Load(target, source, WeightFilters.EncoderOnly);

        var targetDict = target.state_dict();
        foreach (var name in targetDict.Keys.Where(WeightFilters.IsEncoder))
            Assert.True(TestNets.Same(targetDict[name], source[name]), name);
        Assert.False(TestNets.Same(targetDict["decoder.stages.0.weight"], source["decoder.stages.0.weight"]));
        Assert.Equal(targetDict.Keys.Count(WeightFilters.IsEncoder), report.Loaded.Count);
        Assert.Contains("decoder.stages.0.weight", report.Excluded);
        Assert.Empty(report.Mismatched);
        Assert.Empty(report.MissingInSource);
    }

    [Fact]
    public void Decoder_transfer_skips_heads_and_reports_shape_mismatches()
    {
        using var pretrained = TestNets.Create(23);
        using var target = TestNets.Create(24, outChannels: 3);
        var source = pretrained.state_dict();

        var withDecoder = WeightTransfer.Load(target, source, WeightFilters.EncoderAndDecoder);
        Assert.Contains("decoder.stages.0.weight", withDecoder.Loaded);
        Assert.Contains("decoder.seg_layers.weight", withDecoder.Excluded);
        Assert.True(TestNets.Same(target.state_dict()["decoder.stages.0.weight"], source["decoder.stages.0.weight"]));

        var everything = WeightTransfer.Load(target, source, _ => true);
        Assert.Contains(everything.Mismatched, m => m.StartsWith("decoder.seg_layers.weight: source [1,8,1,1,1] vs target [3,8,1,1,1]", StringComparison.Ordinal));
    }

    [Fact]
    public void Decoder_encoder_alias_names_are_never_decoder()
    {
        Assert.False(WeightFilters.IsDecoderOnly("decoder.encoder.stages.0.blocks.0.conv1.conv.weight"));
        Assert.False(WeightFilters.IsTransferableDecoder("decoder.encoder.stem.convs.0.conv.weight"));
        Assert.True(WeightFilters.IsDecoderOnly("decoder.stages.0.convs.0.conv.weight"));
        Assert.True(WeightFilters.IsEncoder("encoder.stem.convs.0.conv.weight"));
        Assert.False(WeightFilters.IsEncoder("decoder.encoder.stem.convs.0.conv.weight"));
        Assert.False(WeightFilters.EncoderAndDecoder("decoder.encoder.stages.1.blocks.0.conv1.conv.weight"));

        // Against a real source dict carrying the alias, nothing under decoder.encoder.* is copied as decoder.
        using var target = TestNets.Create(25);
        var source = new Dictionary<string, Tensor>
        {
            ["decoder.encoder.stem.conv.weight"] = ones([8, 1, 3, 3, 3]),
        };
        var report = WeightTransfer.Load(target, source, WeightFilters.EncoderAndDecoder);
        Assert.Empty(report.Loaded);
        Assert.Equal(["decoder.encoder.stem.conv.weight"], report.UnusedSource);
    }

    [Fact]
    public void Single_channel_stem_is_repeated_and_divided_for_multi_channel_input()
    {
        using var pretrained = TestNets.Create(26, inChannels: 1);
        using var target = TestNets.Create(27, inChannels: 3);
        var source = pretrained.state_dict();
        var plain = WeightTransfer.Load(target, source, WeightFilters.EncoderOnly);
        Assert.Contains(plain.Mismatched, m => m.StartsWith("encoder.stem.conv.weight", StringComparison.Ordinal));

        var adapted = WeightTransfer.Load(target, source, WeightFilters.EncoderOnly, adaptInputChannels: true);
        Assert.Contains("encoder.stem.conv.weight", adapted.Loaded);
        var w = target.state_dict()["encoder.stem.conv.weight"];
        var expected = source["encoder.stem.conv.weight"].div(3.0);
        for (var c = 0; c < 3; c++)
            Assert.True(w.narrow(1, c, 1).allclose(expected, 0, 1e-7));
    }
}
