using Spark3D.Model.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OptimizerOptions = Spark3D.Model.Training.OptimizerOptions;

namespace Spark3D.Model.Tests.Training;

public class TrainingStepTests
{
    private static (Tensor X, Tensor Y) Batch(long seed)
    {
        using var g = new Generator((ulong)seed, CPU);
        var x = randn([2, 1, 16, 16, 16], generator: g);
        var y = x.roll(1, 2).mul(0.5); // a learnable, non-trivial target
        return (x, y);
    }

    [Fact]
    public void Sgd_steps_lower_the_loss_and_report_lr_and_grad_norm()
    {
        using var net = TestNets.Create(1);
        var (x, y) = Batch(7);
        var options = new OptimizerOptions(Lr: 1e-2);
        using var opt = OptimizerFactory.Create(net.parameters(), options);
        var step = new TrainingStep(opt, () => nn.functional.mse_loss(net.forward(x), y), new PolyLrSchedule(options.Lr, 100), options);
        var results = Enumerable.Range(0, 30).Select(i => step.Run(i)).ToList();

        Assert.True(results[^1].Loss < 0.9 * results[0].Loss, $"loss {results[0].Loss} -> {results[^1].Loss}");
        Assert.Equal(1e-2, results[0].Lr, 15);
        Assert.Equal(1e-2 * Math.Pow(1 - 29 / 100.0, 0.9), results[29].Lr, 15);
        Assert.All(results, r => Assert.True(r.GradNorm > 0 && double.IsFinite(r.GradNorm)));
        Assert.Equal(29, results[^1].Step);
        Assert.Equal(1e-2 * Math.Pow(1 - 29 / 100.0, 0.9), opt.ParamGroups.Single().LearningRate, 15);
    }

    [Fact]
    public void AdamW_option_builds_and_trains()
    {
        using var net = TestNets.Create(2);
        var (x, y) = Batch(8);
        var options = new OptimizerOptions(Kind: OptimizerKind.AdamW, Lr: 1e-3);
        using var opt = OptimizerFactory.Create(net.parameters(), options);
        Assert.IsType<AdamW>(opt);
        var step = new TrainingStep(opt, () => nn.functional.mse_loss(net.forward(x), y), new ConstantLrSchedule(1e-3), options);
        var first = step.Run(0).Loss;
        double last = first;
        for (var i = 1; i < 30; i++) last = step.Run(i).Loss;
        Assert.True(last < first, $"{first} -> {last}");
    }

    [Fact]
    public void Gradient_norm_is_clipped_to_the_configured_bound()
    {
        using var net = TestNets.Create(3);
        var (x, y) = Batch(9);
        using var opt = OptimizerFactory.Create(net.parameters(), new OptimizerOptions());
        // A loss scaled up so the raw gradient norm is far above the clip.
        var step = new TrainingStep(opt, () => nn.functional.mse_loss(net.forward(x), y).mul(1e4), new ConstantLrSchedule(0.0), gradClip: 1.0);
        var r = step.Run(0);
        Assert.True(r.GradNorm > 10, $"raw norm {r.GradNorm}");
        var clipped = Math.Sqrt(net.parameters().Sum(p => p.grad!.pow(2).sum().item<float>()));
        Assert.True(clipped <= 1.0 + 1e-3, $"norm after clipping {clipped}");
    }

    [Fact]
    public void Non_finite_loss_throws_typed_and_leaves_the_weights_alone()
    {
        using var net = TestNets.Create(4);
        var before = TestNets.Flatten(net);
        using var opt = OptimizerFactory.Create(net.parameters(), new OptimizerOptions());
        var (x, _) = Batch(10);
        var step = new TrainingStep(opt, () => net.forward(x).mean().mul(double.NaN), new ConstantLrSchedule(1e-2), gradClip: 12);
        var e = Assert.Throws<NonFiniteLossException>(() => step.Run(5));
        Assert.Equal(5, e.Step);
        Assert.Equal("loss", e.Quantity);
        Assert.True(double.IsNaN(e.Value));
        Assert.Equal(before, TestNets.Flatten(net));
    }

    [Fact]
    public void Groups_get_scaled_learning_rates_and_frozen_parameters_do_not_move()
    {
        using var net = TestNets.Create(5);
        Assert.Equal(4, ParameterGroups.Freeze(net, "encoder.stem."));
        var stemBefore = ParameterGroups.Select(net, n => n.StartsWith("encoder.stem.")).Select(p => p.detach().clone()).ToList();
        var groups = new[]
        {
            ParameterGroups.Group(net, "encoder", WeightFilters.IsEncoder, lrScale: 0.1),
            ParameterGroups.Group(net, "decoder", WeightFilters.IsDecoderOnly),
        };
        using var opt = OptimizerFactory.Create(groups, new OptimizerOptions());
        Assert.Equal(2, opt.ParamGroups.Count());
        // Frozen stem parameters are left out of the optimiser.
        Assert.Equal(net.parameters().Count(p => p.requires_grad), opt.parameters().Count());

        var (x, y) = Batch(11);
        var step = new TrainingStep(opt, () => nn.functional.mse_loss(net.forward(x), y), new ConstantLrSchedule(1e-2), 12.0, [0.1, 1.0]);
        step.Run(0);
        step.Run(1);
        var lrs = opt.ParamGroups.Select(g => g.LearningRate).ToArray();
        Assert.Equal(1e-3, lrs[0], 15);
        Assert.Equal(1e-2, lrs[1], 15);
        var stemAfter = ParameterGroups.Select(net, n => n.StartsWith("encoder.stem.")).ToList();
        for (var i = 0; i < stemAfter.Count; i++) Assert.True(TestNets.Same(stemBefore[i], stemAfter[i]));

        Assert.Equal(4, ParameterGroups.Unfreeze(net, "encoder.stem."));
        Assert.All(net.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void Options_are_validated_with_clear_messages()
    {
        Assert.Contains("lr", Assert.Throws<ArgumentException>(() => new OptimizerOptions(Lr: 0).Validate()).Message);
        Assert.Contains("momentum", Assert.Throws<ArgumentException>(() => new OptimizerOptions(Momentum: 1.0).Validate()).Message);
        using var net = TestNets.Create(6);
        ParameterGroups.Freeze(net, "");
        Assert.Throws<ArgumentException>(() => OptimizerFactory.Create(net.parameters(), new OptimizerOptions()));
    }
}
