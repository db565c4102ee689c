using Spark3D.Model.Losses;
using Spark3D.Model.Mae;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Mae;

public class SparkMaeTrainingTests
{
    [Fact]
    public void Reconstruction_loss_falls_over_50_sgd_steps_on_phantoms()
    {
        torch.manual_seed(1);
        using var gen = new Generator(1);
        using var mae = SparkMae.FromPreset("tiny");
        using var loss = new MaskedReconstructionLoss();
        using var sgd = optim.SGD(mae.parameters(), 1e-2, momentum: 0.99, nesterov: true, weight_decay: 3e-5);
        var losses = new List<float>();
        for (int step = 0; step < 50; step++)
        {
            using var scope = NewDisposeScope();
            var image = MaeTestData.Phantoms(2, 32, gen);
            var mask = MaeTestData.BlockMask(2, 4, 0.75, gen);
            sgd.zero_grad();
            var l = loss.forward(mae.forward(image, mask), image, mask);
            l.backward();
            nn.utils.clip_grad_norm_(mae.parameters(), 12.0);
            sgd.step();
            losses.Add(l.item<float>());
        }
        Assert.All(losses, v => Assert.True(float.IsFinite(v)));
        double first = losses.Take(5).Average(), last = losses.TakeLast(5).Average();
        Assert.True(last < 0.6 * first, $"loss did not fall enough: first {first:F3}, last {last:F3}");
    }
}
