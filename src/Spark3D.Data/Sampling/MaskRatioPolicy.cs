namespace Spark3D.Data.Sampling;

/// <summary>
/// Picks the mask ratio for a batch: fixed, or U(min, max) drawn once per batch so every sample in the batch masks the
/// same number of cells (the sparse instance norm needs an equal visible count per sample, spec §9.3).
/// </summary>
public sealed class MaskRatioPolicy
{
    private readonly MaskOptions _options;

    public MaskRatioPolicy(MaskOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    public bool IsDynamic => _options.Dynamic;

    /// <summary>The ratio for the next batch. Draws from <paramref name="rng"/> only when dynamic.</summary>
    public double NextRatio(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return _options.Dynamic ? _options.Min + rng.NextDouble() * (_options.Max - _options.Min) : _options.Ratio;
    }
}
