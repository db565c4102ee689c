namespace Spark3D.Model.Training;

/// <summary>Windows of the two-stage ("sawtooth") fine-tuning schedule.</summary>
public enum FineTuneStage
{
    /// <summary>Decoder only, linear warm-up.</summary>
    DecoderWarmup,
    /// <summary>Decoder only, poly decay.</summary>
    DecoderDecay,
    /// <summary>Whole network, linear warm-up with a fresh optimiser.</summary>
    AllWarmup,
    /// <summary>Whole network, poly decay (same optimiser as <see cref="AllWarmup"/>).</summary>
    AllDecay,
}
