using System.Text.Json;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Tests.Training;
using Spark3D.Model.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OptimizerOptions = Spark3D.Model.Training.OptimizerOptions;

namespace Spark3D.Model.Tests.Checkpoints;

/// <summary>Resuming from step k reproduces an uninterrupted run bit for bit (CPU, same seed).</summary>
[Collection(TorchStateCollection.Name)]
public class ResumeTests
{
    private const int K = 7;
    private const int N = 15;

    /// <summary>A caller-side RNG (xorshift64*) whose state travels in the checkpoint as JSON.</summary>
    private sealed class CallerRng
    {
        public ulong State { get; set; } = 0x9E3779B97F4A7C15UL;

        public int Next(int bound)
        {
            State ^= State >> 12;
            State ^= State << 25;
            State ^= State >> 27;
            return (int)((State * 0x2545F4914F6CDD1DUL) >> 33) % bound;
        }
    }

    private sealed class Run : IDisposable
    {
        public readonly TinyTestNet Net = TestNets.Create(31);
        public readonly OptimizerHelper Optimizer;
        public readonly TrainingStep Step;
        public CallerRng Rng = new();
        public long DataIndex;
        public readonly LrSchedule Schedule = new PolyLrSchedule(1e-2, N);

        public Run()
        {
            var options = new OptimizerOptions();
            Optimizer = OptimizerFactory.Create(Net.parameters(), options);
            // Data from torch's global RNG (restored from the checkpoint) plus a caller RNG choosing a flip axis.
            Step = new TrainingStep(Optimizer, () =>
            {
                var x = randn([2, 1, 16, 16, 16]);
                var axis = 2 + Rng.Next(3);
                DataIndex++;
                return nn.functional.mse_loss(Net.forward(x.flip(axis)), x.mul(0.5));
            }, Schedule, options);
        }

        public void Dispose()
        {
            Optimizer.Dispose();
            Net.Dispose();
        }
    }

    [Fact]
    public void Restoring_at_step_k_gives_the_same_weights_at_step_n_bit_for_bit()
    {
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path, keepLast: 2);

        random.manual_seed(1234);
        using var uninterrupted = new Run();
        for (var s = 0; s < K; s++) uninterrupted.Step.Run(s);
        store.Save(Checkpoint.Capture(uninterrupted.Net, uninterrupted.Optimizer, K, uninterrupted.Schedule,
            dataCursorJson: JsonSerializer.Serialize(uninterrupted.DataIndex),
            callerRngJson: JsonSerializer.Serialize(uninterrupted.Rng.State)));
        for (var s = K; s < N; s++) uninterrupted.Step.Run(s);

        // Scramble global state, as a fresh process would have.
        random.manual_seed(999);
        using var _ = randn(100);

        using var resumed = new Run();
        var c = store.LoadLatest();
        c.Restore(resumed.Net, resumed.Optimizer);
        resumed.Rng.State = JsonSerializer.Deserialize<ulong>(c.CallerRngJson!);
        resumed.DataIndex = JsonSerializer.Deserialize<long>(c.DataCursorJson!);
        Assert.Equal(resumed.Schedule, c.Schedule);
        for (var s = c.Step; s < N; s++) resumed.Step.Run(s);

        Assert.Equal(uninterrupted.DataIndex, resumed.DataIndex);
        Assert.True(TestNets.BitEqual(uninterrupted.Net, resumed.Net), "weights differ after resuming");

        // Control: without the optimizer state (momentum) the result differs, so the test can fail.
        using var noMomentum = new Run();
        c.Restore(noMomentum.Net, null);
        noMomentum.Rng.State = JsonSerializer.Deserialize<ulong>(c.CallerRngJson!);
        for (var s = c.Step; s < N; s++) noMomentum.Step.Run(s);
        Assert.False(TestNets.BitEqual(uninterrupted.Net, noMomentum.Net));
    }
}
