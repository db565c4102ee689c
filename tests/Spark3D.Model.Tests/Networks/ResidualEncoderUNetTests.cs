using Spark3D.Model.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Networks;

public class ResidualEncoderUNetTests
{
    [Fact]
    public void ResEncL_has_the_reference_parameter_count_with_all_five_heads()
    {
        using var net = ResidualEncoderUNet.FromPreset("resenc-l", device: META);
        Assert.Equal(102_348_965L, net.ParameterCount());
        // Spec §1 split: encoder (stem + stages) 90,296,576, decoder 12,052,389.
        Assert.Equal(90_296_576L, net.NamedEncoderParameters().Sum(p => p.Parameter.numel()));
        Assert.Equal(12_052_389L, net.NamedDecoderParameters().Sum(p => p.Parameter.numel()));
    }

    [Fact]
    public void ResEncL_with_k_classes_adds_805_per_extra_class()
    {
        using var net = ResidualEncoderUNet.FromPreset("resenc-l", numClasses: 4, device: META);
        Assert.Equal(102_348_965L + 805L * 3, net.ParameterCount());
    }

    [Theory]
    [InlineData("encoder.stem.convs.0.conv.weight", new long[] { 32, 1, 3, 3, 3 })]
    [InlineData("encoder.stem.convs.0.norm.weight", new long[] { 32 })]
    [InlineData("encoder.stages.0.blocks.0.conv1.conv.weight", new long[] { 32, 32, 3, 3, 3 })]
    [InlineData("encoder.stages.0.blocks.0.conv2.norm.bias", new long[] { 32 })]
    [InlineData("encoder.stages.1.blocks.0.conv1.conv.bias", new long[] { 64 })]
    [InlineData("encoder.stages.1.blocks.0.skip.1.conv.weight", new long[] { 64, 32, 1, 1, 1 })]
    [InlineData("encoder.stages.1.blocks.0.skip.1.norm.weight", new long[] { 64 })]
    [InlineData("encoder.stages.5.blocks.5.conv2.conv.weight", new long[] { 320, 320, 3, 3, 3 })]
    [InlineData("decoder.transpconvs.0.weight", new long[] { 320, 320, 2, 2, 2 })]
    [InlineData("decoder.transpconvs.4.bias", new long[] { 32 })]
    [InlineData("decoder.stages.0.convs.0.conv.weight", new long[] { 320, 640, 3, 3, 3 })]
    [InlineData("decoder.stages.4.convs.0.norm.bias", new long[] { 32 })]
    [InlineData("decoder.seg_layers.0.weight", new long[] { 1, 320, 1, 1, 1 })]
    [InlineData("decoder.seg_layers.4.weight", new long[] { 1, 32, 1, 1, 1 })]
    public void Parameter_names_and_shapes_follow_the_pytorch_reference(string name, long[] shape)
    {
        using var net = ResidualEncoderUNet.FromPreset("resenc-l", device: META);
        var found = net.named_parameters().Where(p => p.name == name).Select(p => p.parameter.shape).ToList();
        Assert.Single(found);
        Assert.Equal(shape, found[0]);
    }

    [Fact]
    public void Skip_projections_have_no_bias_and_the_last_stage_skip_is_pooling_only()
    {
        using var net = ResidualEncoderUNet.FromPreset("resenc-l", device: META);
        var names = net.named_parameters().Select(p => p.name).ToHashSet();
        Assert.DoesNotContain("encoder.stages.1.blocks.0.skip.1.conv.bias", names);
        Assert.DoesNotContain(names, n => n.StartsWith("encoder.stages.5.blocks.0.skip.", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("encoder.stages.0.blocks.0.skip.", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("decoder.encoder.", StringComparison.Ordinal));
    }

    [Fact]
    public void Tiny_maps_a_patch_to_a_same_size_output_and_exposes_skips()
    {
        using var net = ResidualEncoderUNet.FromPreset("tiny", numClasses: 3);
        using var x = randn([2, 1, 32, 32, 32]);
        using var y = net.forward(x);
        Assert.Equal(new long[] { 2, 3, 32, 32, 32 }, y.shape);

        var skips = net.Encoder.forward(x);
        Assert.Equal(4, skips.Length);
        for (int s = 0; s < 4; s++)
            Assert.Equal(new long[] { 2, net.Config.Features[s], 32 / net.Config.ReductionFactors[s], 32 / net.Config.ReductionFactors[s], 32 / net.Config.ReductionFactors[s] }, skips[s].shape);
        using var viaDecoder = net.Decoder.forward(skips);
        Assert.True(viaDecoder.allclose(y));

        var deep = net.ForwardDeepSupervision(x);
        Assert.Equal(new long[] { 2, 3, 32, 32, 32 }, deep[0].shape);
        Assert.Equal(new long[] { 2, 3, 8, 8, 8 }, deep[^1].shape); // coarsest decoder stage
        Assert.True(deep[0].allclose(y));
        foreach (var t in skips.Concat(deep)) t.Dispose();
    }

    [Fact]
    public void He_init_zeroes_biases_and_the_last_norm_of_each_residual_block()
    {
        using var net = ResidualEncoderUNet.FromPreset("small");
        net.InitializeHe();
        foreach (var (name, p) in net.named_parameters())
        {
            if (name.EndsWith("conv2.norm.weight", StringComparison.Ordinal) || name.EndsWith("conv2.norm.bias", StringComparison.Ordinal)
                || (name.EndsWith(".bias", StringComparison.Ordinal) && !name.Contains(".norm.", StringComparison.Ordinal)))
                Assert.Equal(0.0, p.abs().max().item<float>());
        }
        // kaiming_normal_(a=0.01, fan_in): std = sqrt(2 / (1 + a^2)) / sqrt(fan_in); stage-4 conv: fan_in = 160*27.
        var w = net.named_parameters().Single(p => p.name == "encoder.stages.4.blocks.1.conv1.conv.weight").parameter;
        double expected = Math.Sqrt(2.0 / (1 + 1e-4)) / Math.Sqrt(160 * 27);
        Assert.InRange(w.std().item<float>(), expected * 0.97, expected * 1.03);
        Assert.Equal(1.0f, net.named_parameters().Single(p => p.name == "encoder.stages.4.blocks.1.conv1.norm.weight").parameter.mean().item<float>());
    }

    [Fact]
    public void Presets_are_listed_and_unknown_names_fail_clearly()
    {
        Assert.Equal(["tiny", "small", "resenc-l"], NetworkPresets.Names);
        var ex = Assert.Throws<ArgumentException>(() => NetworkPresets.Get("resenc-xxl"));
        Assert.Contains("resenc-xxl", ex.Message);
        Assert.Contains("tiny", ex.Message);
        using var tiny = ResidualEncoderUNet.FromPreset("tiny", device: META);
        using var small = ResidualEncoderUNet.FromPreset("small", device: META);
        Assert.InRange(tiny.ParameterCount(), 100_000, 1_000_000);
        Assert.InRange(small.ParameterCount(), 5_000_000, 8_000_000);
    }

    [Fact]
    public void Summary_rows_add_up_to_the_total()
    {
        using var net = ResidualEncoderUNet.FromPreset("resenc-l", device: META);
        var summary = NetworkSummary.Of(net);
        Assert.Equal(102_348_965L, summary.TotalParameters);
        Assert.Equal(summary.TotalParameters, summary.Rows.Sum(r => r.Parameters));
        Assert.Equal(1 + 6 + 5, summary.Rows.Count);
        Assert.Equal(32, summary.Rows.Single(r => r.Part == "encoder.stages.5").ReductionFactor);
    }
}
