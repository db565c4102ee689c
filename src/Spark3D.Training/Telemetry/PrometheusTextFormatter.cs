using System.Globalization;
using System.Text;

namespace Spark3D.Training.Telemetry;

/// <summary>Renders aggregated series in the Prometheus text exposition format (version 0.0.4).</summary>
public static class PrometheusTextFormatter
{
    public static string Format(IEnumerable<SeriesSnapshot> series)
    {
        var sb = new StringBuilder();
        foreach (var group in series.GroupBy(s => MetricName(s.Name)))
        {
            var first = group.First();
            string type = first.Kind switch
            {
                InstrumentKind.Counter or InstrumentKind.ObservedTotal => "counter",
                InstrumentKind.Histogram => "summary",
                _ => "gauge",
            };
            string name = group.Key + (type == "counter" ? "_total" : "");
            sb.Append("# HELP ").Append(name).Append(' ').Append(Help(first)).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var s in group)
            {
                string labels = s.TagText.Length == 0 ? "" : "{" + s.TagText + "}";
                if (type == "summary")
                {
                    Line(sb, name + "_sum", labels, s.Sum);
                    Line(sb, name + "_count", labels, s.Count);
                }
                else
                {
                    Line(sb, name, labels, s.Sum);
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>Prometheus metric names allow [a-zA-Z0-9_:]; dots and dashes become underscores.</summary>
    public static string MetricName(string instrument)
    {
        var chars = instrument.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_').ToArray();
        var name = new string(chars);
        return char.IsAsciiDigit(name[0]) ? "_" + name : name;
    }

    private static string Help(SeriesSnapshot s)
    {
        string d = string.IsNullOrEmpty(s.Description) ? s.Name : s.Description;
        if (!string.IsNullOrEmpty(s.Unit)) d += $" ({s.Unit})";
        return d.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    private static void Line(StringBuilder sb, string name, string labels, double value) =>
        sb.Append(name).Append(labels).Append(' ').Append(Value(value)).Append('\n');

    private static string Value(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);
}
