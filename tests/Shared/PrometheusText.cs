using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Spark3D.Tests.Shared;

/// <summary>One sample line of the Prometheus text format: <c>name{k="v",…} value</c>.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A small reader of the Prometheus text exposition format (0.0.4), strict enough to catch what a real Prometheus server
/// would reject: metric names and label keys must be legal, every sample must belong to a declared family, and a
/// histogram's buckets must be cumulative with increasing <c>le</c> ending at +Inf = <c>_count</c>.
/// </summary>
internal sealed partial class PrometheusText
{
    private PrometheusText(Dictionary<string, string> types, List<PrometheusSample> samples)
    {
        Types = types;
        Samples = samples;
    }

    /// <summary>Family name → type (counter, gauge, histogram, summary, untyped).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>Every sample, in order.</summary>
    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming the first bad line.</summary>
    public static PrometheusText Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length != 4 || !MetricName().IsMatch(parts[2])) throw new FormatException($"bad TYPE line: {line}");
                types[parts[2]] = parts[3];
                continue;
            }
            if (line.StartsWith('#')) continue;
            var m = SampleLine().Match(line);
            if (!m.Success) throw new FormatException($"bad sample line: {line}");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match l in Label().Matches(m.Groups["labels"].Value))
            {
                string key = l.Groups["key"].Value;
                if (!LabelKey().IsMatch(key)) throw new FormatException($"bad label key '{key}': {line}");
                labels[key] = l.Groups["value"].Value;
            }
            samples.Add(new PrometheusSample(m.Groups["name"].Value, labels, ParseValue(m.Groups["value"].Value)));
        }
        var result = new PrometheusText(types, samples);
        foreach (var s in samples)
            if (result.FamilyOf(s.Name) is null) throw new FormatException($"sample {s.Name} has no TYPE line");
        return result;
    }

    /// <summary>The samples of one metric name (e.g. <c>x_bucket</c>).</summary>
    public IEnumerable<PrometheusSample> Named(string name) => Samples.Where(s => s.Name == name);

    /// <summary>The single value of <paramref name="name"/> (optionally with one label).</summary>
    public double Value(string name, string? label = null, string? labelValue = null) =>
        Named(name).Single(s => label is null || (s.Labels.TryGetValue(label, out var v) && v == labelValue)).Value;

    /// <summary>
    /// Checks histogram <paramref name="family"/>: declared as a histogram, buckets present with strictly increasing
    /// <c>le</c> bounds ending in +Inf, counts non-decreasing, +Inf equal to <c>_count</c>; returns its finite bounds.
    /// </summary>
    public IReadOnlyList<double> CheckHistogram(string family)
    {
        if (!Types.TryGetValue(family, out var type) || type != "histogram") throw new FormatException($"{family} is not declared a histogram");
        var buckets = Named(family + "_bucket").ToList();
        if (buckets.Count < 2) throw new FormatException($"{family} has {buckets.Count} buckets");
        var bounds = buckets.Select(b => ParseValue(b.Labels["le"])).ToList();
        for (int i = 1; i < buckets.Count; i++)
        {
            if (!(bounds[i] > bounds[i - 1])) throw new FormatException($"{family}: le {bounds[i]} after {bounds[i - 1]}");
            if (buckets[i].Value < buckets[i - 1].Value) throw new FormatException($"{family}: bucket counts decrease at le {bounds[i]}");
        }
        if (!double.IsPositiveInfinity(bounds[^1])) throw new FormatException($"{family}: the last bucket is not +Inf");
        if (buckets[^1].Value != Value(family + "_count")) throw new FormatException($"{family}: +Inf bucket differs from _count");
        return bounds.Take(bounds.Count - 1).ToList();
    }

    /// <summary>The family a sample name belongs to (a histogram's _bucket/_sum/_count share it).</summary>
    public string? FamilyOf(string sample)
    {
        if (Types.ContainsKey(sample)) return sample;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count", "_total" })
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && Types.ContainsKey(sample[..^suffix.Length])) return sample[..^suffix.Length];
        return null;
    }

    /// <summary>Scrapes <paramref name="url"/> with a real HTTP client.</summary>
    public static async Task<PrometheusText> ScrapeAsync(string url, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(20) };
        return Parse(await http.GetStringAsync(new Uri(url)).ConfigureAwait(false));
    }

    /// <summary>A TCP port that was free on 127.0.0.1 a moment ago.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static double ParseValue(string v) => v switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelKey();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[^=,{}""\s]+)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
