using Spark3D.Model.Training;

namespace Spark3D.Training.Engines;

/// <summary>
/// The learning-rate plan of a fine-tuning run. Pre-trained: the paper's two stages (spec §5.2 sawtooth, 25+25+50 of
/// 1000 epochs) scaled to the run's steps, peak lr 1e-3. From scratch: nnU-Net's default poly decay from 1e-2 over the
/// same steps (the "no pre-training" baseline is plain nnU-Net, which has no warm-up).
/// </summary>
public static class FineTuneSchedules
{
    /// <summary>Pre-trained schedule: decoder warm-up, decoder decay, whole-net warm-up, whole-net poly (fractions of <paramref name="totalSteps"/>).</summary>
    public static SawtoothFineTuneSchedule Pretrained(double peakLr, long totalSteps,
        double decoderWarmupFraction = 0.025, double decoderDecayFraction = 0.025, double allWarmupFraction = 0.05)
    {
        long W(double f) => Math.Max(1, (long)Math.Round(totalSteps * f));
        if (totalSteps < 4) throw new ArgumentOutOfRangeException(nameof(totalSteps), $"A pre-trained fine-tune needs at least 4 steps (got {totalSteps}).");
        return new SawtoothFineTuneSchedule(peakLr, W(decoderWarmupFraction), W(decoderDecayFraction), W(allWarmupFraction), totalSteps);
    }

    /// <summary>From-scratch schedule: poly decay from <paramref name="peakLr"/> over <paramref name="totalSteps"/>.</summary>
    public static PolyLrSchedule FromScratch(double peakLr, long totalSteps) => new(peakLr, totalSteps);
}
