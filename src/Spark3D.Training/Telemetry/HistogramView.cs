namespace Spark3D.Training.Telemetry;

/// <summary>Explicit bucket boundaries for one histogram instrument, registered as an OpenTelemetry view by
/// <see cref="MetricsExporter"/> (the SDK's default buckets, 0 to 10 000, are made for milliseconds). Each instrument's
/// owner declares its boundaries next to it, chosen for the range its values really take.</summary>
/// <param name="Instrument">The instrument's name, e.g. <c>spark3d.pipeline.trainer.step_time</c>.</param>
/// <param name="Boundaries">Upper bucket bounds, strictly increasing; the exporter adds +Inf.</param>
public sealed record HistogramView(string Instrument, double[] Boundaries)
{
    /// <summary>Throws <see cref="ArgumentException"/> unless the boundaries are finite and strictly increasing.</summary>
    public HistogramView Validate()
    {
        if (Boundaries.Length == 0) throw new ArgumentException($"Histogram view {Instrument}: no boundaries.");
        for (int i = 0; i < Boundaries.Length; i++)
        {
            if (!double.IsFinite(Boundaries[i]) || (i > 0 && Boundaries[i] <= Boundaries[i - 1]))
                throw new ArgumentException($"Histogram view {Instrument}: boundaries must be finite and strictly increasing.");
        }
        return this;
    }
}
