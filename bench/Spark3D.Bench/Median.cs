namespace Spark3D.Bench;

/// <summary>The median the benches report (the mean of the middle two for an even count).</summary>
internal static class Median
{
    public static double Of(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
