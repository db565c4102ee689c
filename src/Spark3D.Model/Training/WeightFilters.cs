namespace Spark3D.Model.Training;

/// <summary>
/// Name predicates for weight transfer and parameter groups (PyTorch reference naming: `encoder.stem…`,
/// `encoder.stages.N…`, `decoder…`). Names under `decoder.encoder.` belong to the encoder, never to the decoder
/// (the reference decoder owns the encoder; spec §9.6).
/// </summary>
public static class WeightFilters
{
    /// <summary>`encoder.stem.*` and `encoder.stages.*`: what nnssl's fine-tuning loader transfers.</summary>
    public static bool IsEncoder(string name) =>
        name.StartsWith("encoder.stem.", StringComparison.Ordinal) || name.StartsWith("encoder.stages.", StringComparison.Ordinal);

    /// <summary>Decoder parameters proper: `decoder.*` but not `decoder.encoder.*`.</summary>
    public static bool IsDecoderOnly(string name) =>
        name.StartsWith("decoder.", StringComparison.Ordinal) && !name.StartsWith("decoder.encoder.", StringComparison.Ordinal);

    /// <summary>Decoder weights worth transferring from a pre-trained MAE: the decoder minus its output heads (`decoder.seg_layers.*`).</summary>
    public static bool IsTransferableDecoder(string name) =>
        IsDecoderOnly(name) && !name.StartsWith("decoder.seg_layers.", StringComparison.Ordinal);

    /// <summary>Encoder only (spec §5.2 default).</summary>
    public static Func<string, bool> EncoderOnly => IsEncoder;

    /// <summary>Encoder plus decoder without heads (spec §5.1 "N" variant).</summary>
    public static Func<string, bool> EncoderAndDecoder => n => IsEncoder(n) || IsTransferableDecoder(n);
}
