namespace Spark3D.Data.Sampling;

/// <summary>
/// Mask settings (HOCON <c>spark3d.mae</c>). Defaults follow nnssl's code: 16³ blocks, fixed 75 %;
/// <see cref="Dynamic"/> draws the ratio from U(<see cref="Min"/>, <see cref="Max"/>) once per batch (the paper's final S3D setting).
/// </summary>
public sealed record MaskOptions(int BlockSize = 16, double Ratio = 0.75, bool Dynamic = false, double Min = 0.6, double Max = 0.9)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (BlockSize <= 0) throw new ArgumentException($"Mask block size must be positive (got {BlockSize}).", nameof(BlockSize));
        if (!(Ratio is >= 0 and <= 1)) throw new ArgumentException($"Mask ratio must be in [0, 1] (got {Ratio}).", nameof(Ratio));
        if (!(Min is >= 0 and <= 1) || !(Max is >= 0 and <= 1) || Min > Max)
            throw new ArgumentException($"Dynamic mask range must satisfy 0 <= min <= max <= 1 (got {Min}..{Max}).", nameof(Min));
    }
}
