using System.Globalization;
using Spark3D.Model.Training;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Training;

[Collection(TorchStateCollection.Name)]
public class MemoryFlatTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static long RssBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    [Fact]
    public void Resident_memory_stays_flat_over_1000_steps()
    {
        // One intra-op thread: with many tiny ops, OpenMP hand-offs dominate on a busy 2-core machine.
        var threads = get_num_threads();
        set_num_threads(1);
        try
        {
            RunThousandSteps();
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    private void RunThousandSteps()
    {
        using var net = TestNets.Create(11);
        var options = new OptimizerOptions();
        using var opt = OptimizerFactory.Create(net.parameters(), options);
        using var g = new Generator(3, CPU);
        // Fresh input tensors every step, created inside the step's dispose scope (as a data loader would).
        var step = new TrainingStep(opt, () =>
        {
            var x = randn([1, 1, 16, 16, 16], generator: g);
            return nn.functional.mse_loss(net.forward(x), x.mul(0.5));
        }, new PolyLrSchedule(options.Lr, 1000), options);

        long after100 = 0;
        for (var i = 0; i < 1000; i++)
        {
            step.Run(i);
            if (i == 99)
            {
                GC.Collect();
                after100 = RssBytes();
            }
        }
        GC.Collect();
        var after1000 = RssBytes();
        var growthMb = (after1000 - after100) / (1024.0 * 1024.0);
        output.WriteLine($"VmRSS after step 100: {after100 / 1048576.0:F1} MB, after step 1000: {after1000 / 1048576.0:F1} MB, growth {growthMb:F2} MB");
        Assert.True(growthMb < 30, $"RSS grew {growthMb:F1} MB between step 100 ({after100 >> 20} MB) and step 1000 ({after1000 >> 20} MB)");
    }
}
