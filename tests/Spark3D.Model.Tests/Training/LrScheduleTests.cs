using Spark3D.Model.Training;

namespace Spark3D.Model.Tests.Training;

public class LrScheduleTests
{
    [Fact]
    public void Poly_follows_the_nnunet_formula_and_reaches_zero()
    {
        var s = new PolyLrSchedule(1e-2, 1000);
        Assert.Equal(1e-2, s.LearningRate(0), 15);
        Assert.Equal(1e-2 * Math.Pow(0.5, 0.9), s.LearningRate(500), 15);
        Assert.Equal(1e-2 * Math.Pow(1.0 / 1000, 0.9), s.LearningRate(999), 15);
        Assert.Equal(0.0, s.LearningRate(1000));
        Assert.Equal(0.0, s.LearningRate(5000));
        Assert.True(s.LearningRate(10) > s.LearningRate(11));
    }

    [Fact]
    public void Warmup_poly_rises_linearly_then_decays()
    {
        var s = new WarmupPolySchedule(1e-3, 50, 1000);
        Assert.Equal(1e-3 / 50, s.LearningRate(0), 15);
        Assert.Equal(1e-3 * 25 / 50, s.LearningRate(24), 15);
        Assert.Equal(1e-3, s.LearningRate(49), 15);
        Assert.Equal(1e-3, s.LearningRate(50), 15); // poly starts at the peak
        Assert.Equal(1e-3 * Math.Pow(1 - 100.0 / 950, 0.9), s.LearningRate(150), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupPolySchedule(1e-3, 100, 100));
    }

    [Fact]
    public void Sawtooth_stage_is_a_pure_function_of_the_step()
    {
        // The reference's epochs scaled 1:1 to steps: 25 + 25 + 50 of 1000.
        var s = new SawtoothFineTuneSchedule(1e-3, 25, 25, 50, 1000);
        Assert.Equal(FineTuneStage.DecoderWarmup, s.StageAt(0));
        Assert.Equal(FineTuneStage.DecoderWarmup, s.StageAt(24));
        Assert.Equal(FineTuneStage.DecoderDecay, s.StageAt(25));
        Assert.Equal(FineTuneStage.DecoderDecay, s.StageAt(49));
        Assert.Equal(FineTuneStage.AllWarmup, s.StageAt(50)); // the reference can never return this window
        Assert.Equal(FineTuneStage.AllWarmup, s.StageAt(99));
        Assert.Equal(FineTuneStage.AllDecay, s.StageAt(100));
        Assert.Equal(50, s.AllStageStart);
        Assert.True(s.TrainsDecoderOnly(49));
        Assert.False(s.TrainsDecoderOnly(50));

        // Spec §5.2 table, per step.
        Assert.Equal(1e-3 * 1 / 25, s.LearningRate(0), 15);
        Assert.Equal(1e-3, s.LearningRate(24), 15);
        Assert.Equal(1e-3 * Math.Pow(1 - 5.0 / 25, 0.9), s.LearningRate(30), 15);
        Assert.Equal(1e-3 * (60 - 49) / 50, s.LearningRate(60), 15);
        Assert.Equal(1e-3 * Math.Pow(1 - 200.0 / 900, 0.9), s.LearningRate(300), 15);

        // Resuming anywhere: a fresh instance (as rebuilt from a checkpoint) agrees on every step.
        var resumed = (SawtoothFineTuneSchedule)LrSchedule.FromJson(s.ToJson());
        for (long step = 0; step < 1000; step++)
        {
            Assert.Equal(s.StageAt(step), resumed.StageAt(step));
            Assert.Equal(s.LearningRate(step), resumed.LearningRate(step));
        }
    }

    [Fact]
    public void Schedules_round_trip_through_json_with_their_kind()
    {
        LrSchedule[] all =
        [
            new PolyLrSchedule(1e-2, 250_000, 0.9),
            new WarmupPolySchedule(1e-3, 12_500, 250_000),
            SawtoothFineTuneSchedule.Default(1e-3, 250_000),
            new ConstantLrSchedule(0.5),
        ];
        foreach (var s in all)
        {
            var json = s.ToJson();
            Assert.Contains("\"kind\":\"" + s.Name + "\"", json);
            var back = LrSchedule.FromJson(json);
            Assert.Equal(s, back);
            Assert.Equal(s.LearningRate(12_345), back.LearningRate(12_345));
        }
    }
}
