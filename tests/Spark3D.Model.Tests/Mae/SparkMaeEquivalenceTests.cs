using Spark3D.Model.Mae;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Mae;

public class SparkMaeEquivalenceTests
{
    [Fact]
    public void With_ratio_zero_the_sparse_encoder_equals_the_dense_network()
    {
        using var gen = new Generator(3);
        using var mae = SparkMae.FromPreset("tiny");
        using var image = MaeTestData.Phantoms(2, 32, gen);
        using var allVisible = MaeTestData.BlockMask(2, 4, 0.0, gen);
        var sparse = mae.EncodeSparse(image, allVisible);
        var dense = mae.Network.Encoder.forward(image);
        Assert.Equal(dense.Length, sparse.Length);
        for (int s = 0; s < dense.Length; s++)
            Assert.True(sparse[s].allclose(dense[s], rtol: 1e-4, atol: 1e-4), $"stage {s} differs");
        foreach (var t in sparse.Concat(dense)) t.Dispose();
    }

    [Fact]
    public void Without_mask_tokens_and_ratio_zero_the_MAE_is_the_plain_network()
    {
        using var gen = new Generator(5);
        using var mae = SparkMae.FromPreset("tiny", options: new SparkMaeOptions(UseMaskToken: false));
        using var image = MaeTestData.Phantoms(1, 32, gen);
        using var allVisible = MaeTestData.BlockMask(1, 4, 0.0, gen);
        using var viaMae = mae.forward(image, allVisible);
        using var viaNet = mae.Network.forward(image);
        Assert.True(viaMae.allclose(viaNet, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void Mae_shares_the_network_parameters_under_dense_names()
    {
        using var mae = SparkMae.FromPreset("tiny");
        var maeNames = mae.named_parameters().Select(p => p.name).ToHashSet();
        foreach (var (name, _) in mae.Network.named_parameters())
            Assert.Contains("architecture." + name, maeNames);
        Assert.Contains("mask_tokens.0", maeNames);
        Assert.Contains("densify_projs.1.weight", maeNames);
        Assert.DoesNotContain("densify_projs.0.weight", maeNames);
        var token = mae.named_parameters().Single(p => p.name == "mask_tokens.2").parameter;
        Assert.Equal(new long[] { 1, 32, 1, 1, 1 }, token.shape);
        Assert.True(token.abs().max().item<float>() <= 0.02f);
        Assert.True(token.abs().max().item<float>() > 0f);
    }

    [Fact]
    public void ResEncL_spark_extras_match_the_spec()
    {
        using var mae = SparkMae.FromPreset("resenc-l", device: META);
        var extras = mae.NamedSparkParameters().ToList();
        Assert.Equal(1_120L, extras.Where(p => p.Name.StartsWith("mask_tokens.", StringComparison.Ordinal)).Sum(p => p.Parameter.numel()));
        Assert.Equal(7_853_120L, extras.Where(p => p.Name.StartsWith("densify_projs.", StringComparison.Ordinal)).Sum(p => p.Parameter.numel()));
        Assert.Equal(102_348_965L + 1_120 + 7_853_120, mae.parameters().Sum(p => p.numel()));
    }
}
