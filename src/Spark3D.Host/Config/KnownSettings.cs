using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Spark3D.Host.Config;

/// <summary>
/// Checks user settings under <c>spark3d</c> against the built-in defaults, which list every setting there is.
/// Only <c>spark3d.*</c> is checked: a top-level <c>akka</c> block is raw Akka HOCON (docs/cluster.md).
/// </summary>
public sealed class KnownSettings
{
    // Subtrees whose keys are free-form by design: the demo's overrides are paths relative to spark3d.
    private static readonly string[] FreeForm = ["spark3d.pretrain.demo.settings"];

    private readonly HashSet<string> _leaves;

    public KnownSettings(Akka.Configuration.Config defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        _leaves = new HashSet<string>(Leaves(defaults), StringComparer.Ordinal);
    }

    /// <summary>Throws <see cref="UnknownSettingException"/> for the first <c>spark3d.*</c> setting in
    /// <paramref name="user"/> that the defaults do not have.</summary>
    public void Check(Akka.Configuration.Config user, string source)
    {
        ArgumentNullException.ThrowIfNull(user);
        foreach (var path in Leaves(user))
        {
            if (!path.StartsWith("spark3d.", StringComparison.Ordinal) || _leaves.Contains(path)) continue;
            if (FreeForm.Any(f => path.StartsWith(f + ".", StringComparison.Ordinal) || path == f)) continue;
            if (IsKnownSection(path)) continue;
            throw new UnknownSettingException(path, source, Closest(path));
        }
    }

    // A user may replace a whole list- or object-valued setting with an object of its own, e.g. an empty one.
    private bool IsKnownSection(string path) => _leaves.Any(l => l.StartsWith(path + ".", StringComparison.Ordinal));

    /// <summary>The known setting with the smallest edit distance, when it is close (at most a third of the length).</summary>
    private string? Closest(string path)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var known in _leaves)
        {
            int d = EditDistance(path, known);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = known;
            }
        }
        var leaf = path[(path.LastIndexOf('.') + 1)..];
        return bestDistance <= Math.Max(2, leaf.Length / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>Every non-object value's full path (lists and scalars are leaves).</summary>
    internal static IEnumerable<string> Leaves(Akka.Configuration.Config config)
    {
        if (config.IsEmpty) yield break;
        var stack = new Stack<(string Prefix, HoconObject Object)>();
        stack.Push(("", config.Root.GetObject()));
        while (stack.Count > 0)
        {
            var (prefix, obj) = stack.Pop();
            foreach (var (key, value) in obj.Items)
            {
                string path = prefix.Length == 0 ? key : prefix + "." + key;
                if (value.IsObject()) stack.Push((path, value.GetObject()));
                else yield return path;
            }
        }
    }
}
