namespace Spark3D.Model.Training;

/// <summary>
/// Two-stage fine-tuning (spec §5.2 `PretrainedTrainer_sawtooth`, in steps): decoder-only linear warm-up, decoder-only
/// poly decay, whole-net linear warm-up (new optimiser), whole-net poly decay to <see cref="TotalSteps"/>.
/// Unlike the reference, <see cref="StageAt"/> is a pure function of the step, so a run resumed inside any window
/// (including the whole-net warm-up) picks the right stage; "decoder" must exclude `decoder.encoder.*` (spec §9.6),
/// see <see cref="WeightFilters.IsDecoderOnly"/>.
/// </summary>
public sealed record SawtoothFineTuneSchedule : LrSchedule
{
    /// <summary>Creates the schedule; every window must be non-empty and fit into totalSteps.</summary>
    public SawtoothFineTuneSchedule(double lr0, long decoderWarmupSteps, long decoderDecaySteps, long allWarmupSteps, long totalSteps, double exponent = 0.9)
    {
        RequirePositive(decoderWarmupSteps, nameof(decoderWarmupSteps));
        RequirePositive(decoderDecaySteps, nameof(decoderDecaySteps));
        RequirePositive(allWarmupSteps, nameof(allWarmupSteps));
        if (totalSteps <= decoderWarmupSteps + decoderDecaySteps + allWarmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), $"totalSteps ({totalSteps}) must exceed the three warm-up/decay windows ({decoderWarmupSteps}+{decoderDecaySteps}+{allWarmupSteps}).");
        Lr0 = lr0;
        DecoderWarmupSteps = decoderWarmupSteps;
        DecoderDecaySteps = decoderDecaySteps;
        AllWarmupSteps = allWarmupSteps;
        TotalSteps = totalSteps;
        Exponent = exponent;
    }

    /// <summary>nnssl's 1000-epoch layout (25+25+50 of 1000 epochs) scaled to <paramref name="totalSteps"/>.</summary>
    public static SawtoothFineTuneSchedule Default(double lr0, long totalSteps) =>
        new(lr0, Math.Max(1, totalSteps / 40), Math.Max(1, totalSteps / 40), Math.Max(1, totalSteps / 20), totalSteps);

    /// <summary>Peak learning rate of both warm-ups.</summary>
    public double Lr0 { get; init; }
    /// <summary>Length of the decoder-only warm-up.</summary>
    public long DecoderWarmupSteps { get; init; }
    /// <summary>Length of the decoder-only poly decay.</summary>
    public long DecoderDecaySteps { get; init; }
    /// <summary>Length of the whole-net warm-up.</summary>
    public long AllWarmupSteps { get; init; }
    /// <summary>Total steps.</summary>
    public long TotalSteps { get; init; }
    /// <summary>Poly exponent.</summary>
    public double Exponent { get; init; }

    /// <summary>First step of the whole-net stage: build a new optimiser over all parameters here.</summary>
    public long AllStageStart => DecoderWarmupSteps + DecoderDecaySteps;

    /// <inheritdoc/>
    public override string Name => "sawtooth";

    /// <summary>The window that step belongs to.</summary>
    public FineTuneStage StageAt(long step) =>
        step < DecoderWarmupSteps ? FineTuneStage.DecoderWarmup
        : step < AllStageStart ? FineTuneStage.DecoderDecay
        : step < AllStageStart + AllWarmupSteps ? FineTuneStage.AllWarmup
        : FineTuneStage.AllDecay;

    /// <summary>Whether the step trains only the decoder (DecoderWarmup or DecoderDecay).</summary>
    public bool TrainsDecoderOnly(long step) => step < AllStageStart;

    /// <inheritdoc/>
    public override double LearningRate(long step)
    {
        var s = Math.Max(step, 0);
        return StageAt(s) switch
        {
            FineTuneStage.DecoderWarmup => Linear(Lr0, s, DecoderWarmupSteps),
            FineTuneStage.DecoderDecay => Poly(Lr0, s - DecoderWarmupSteps, DecoderDecaySteps, Exponent),
            FineTuneStage.AllWarmup => Linear(Lr0, s - AllStageStart, AllWarmupSteps),
            _ => Poly(Lr0, s - AllStageStart - AllWarmupSteps, TotalSteps - AllStageStart - AllWarmupSteps, Exponent),
        };
    }
}
