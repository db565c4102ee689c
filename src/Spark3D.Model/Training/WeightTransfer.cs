using static TorchSharp.torch;

namespace Spark3D.Model.Training;

/// <summary>Copies pre-trained weights into a network by state-dict name (fine-tuning from a MAE checkpoint).</summary>
public static class WeightTransfer
{
    /// <summary>
    /// For every target state-dict entry (parameters and buffers) accepted by <paramref name="include"/>, copies the
    /// source tensor of the same name when the shapes match. Never throws on a mismatch: it is reported.
    /// </summary>
    /// <param name="target">The network to load into (any device; values are converted to its dtype/device).</param>
    /// <param name="source">Name → tensor, e.g. from <see cref="Interop.StateDictFiles"/>.</param>
    /// <param name="include">Which names to transfer (see <see cref="WeightFilters"/>).</param>
    /// <param name="adaptInputChannels">When true, a source weight with 1 input channel (dim 1) fills a target with C
    /// input channels by repeating it and dividing by C (nnssl's multi-channel stem rule, spec §5.2).</param>
    public static WeightTransferReport Load(nn.Module target, IDictionary<string, Tensor> source, Func<string, bool> include, bool adaptInputChannels = false)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(include);
        var loaded = new List<string>();
        var excluded = new List<string>();
        var mismatched = new List<string>();
        var missing = new List<string>();
        var adapted = new List<string>();
        var targetDict = target.state_dict();

        using (no_grad())
        {
            foreach (var (name, dst) in targetDict)
            {
                var inSource = source.TryGetValue(name, out var src);
                if (!include(name))
                {
                    if (inSource) excluded.Add(name);
                    continue;
                }
                if (!inSource || src is null)
                {
                    missing.Add(name);
                    continue;
                }
                // Temporaries of the copy die with this scope; dst and src were made outside it and survive.
                using var scope = NewDisposeScope();
                if (src.shape.SequenceEqual(dst.shape))
                {
                    dst.copy_(src.to(dst.dtype, dst.device));
                    loaded.Add(name);
                }
                else if (adaptInputChannels && IsChannelAdaptable(src.shape, dst.shape))
                {
                    dst.copy_(src.to(dst.dtype, dst.device).expand(dst.shape).div(dst.shape[1]));
                    loaded.Add(name);
                    adapted.Add($"{name} (1 → {dst.shape[1]} channels)");
                }
                else
                {
                    mismatched.Add($"{name}: source [{string.Join(",", src.shape)}] vs target [{string.Join(",", dst.shape)}]");
                }
            }
        }
        var unused = source.Keys.Where(k => !targetDict.ContainsKey(k)).ToList();
        return new WeightTransferReport(loaded, excluded, mismatched, missing, unused) { AdaptedInputChannels = adapted };
    }

    private static bool IsChannelAdaptable(long[] src, long[] dst) =>
        src.Length == dst.Length && src.Length >= 2 && src[1] == 1 && dst[1] > 1 &&
        Enumerable.Range(0, src.Length).All(i => i == 1 || src[i] == dst[i]);
}
