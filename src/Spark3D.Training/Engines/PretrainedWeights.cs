using Spark3D.Model.Checkpoints;
using Spark3D.Model.Interop;
using Spark3D.Model.Networks;
using Spark3D.Model.Training;
using static TorchSharp.torch;

namespace Spark3D.Training.Engines;

/// <summary>
/// Loads the stem + encoder (optionally the decoder, never its output heads <c>decoder.seg_layers.*</c>) of a
/// pre-training checkpoint into a segmentation network. A MAE checkpoint stores the wrapped network under
/// <c>architecture.</c> (SparkMae); that prefix is stripped, SparK-only tensors (mask tokens, densify convs) are ignored.
/// </summary>
public static class PretrainedWeights
{
    private const string MaePrefix = "architecture.";

    /// <summary>Resolves <paramref name="path"/>: a checkpoint file; a store's pointer file such as
    /// <c>checkpoints/latest</c> (what users tab-complete to), read like its folder; a checkpoint folder (its newest
    /// readable checkpoint); or a run folder holding <c>checkpoints/</c>.</summary>
    /// <param name="path">What the user named.</param>
    /// <param name="onWarning">Gets the store's fallback warnings (a newest checkpoint that does not verify).</param>
    /// <exception cref="FileNotFoundException">Nothing usable there.</exception>
    /// <exception cref="CorruptCheckpointException">A named checkpoint file (not a pointer) that does not verify.</exception>
    public static Checkpoint ReadCheckpoint(string path, Action<string>? onWarning = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string? dir;
        if (File.Exists(path))
        {
            if (!CheckpointStore.IsPointerFile(path, out _)) return CheckpointStore.Read(path);
            dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        }
        else
        {
            dir = Directory.Exists(Path.Combine(path, "checkpoints")) ? Path.Combine(path, "checkpoints")
                : Directory.Exists(path) ? path : null;
        }
        if (dir is null) throw new FileNotFoundException($"Pre-trained checkpoint not found: {path}", path);
        var store = new CheckpointStore(dir, keepLast: int.MaxValue);
        return store.TryLoadLatest(out var c, onWarning) ? c : throw new FileNotFoundException($"{path}: no readable checkpoint (step-*.ckpt) in {dir}", path);
    }

    /// <summary>Transfers the weights selected by <paramref name="includeDecoder"/> from <paramref name="checkpoint"/>.</summary>
    public static WeightTransferReport Load(ResidualEncoderUNet network, Checkpoint checkpoint, bool includeDecoder)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var raw = TorchSharpStateDict.Read(checkpoint.ModelState);
        var source = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            bool isMae = raw.Keys.Any(k => k.StartsWith(MaePrefix, StringComparison.Ordinal));
            foreach (var (name, tensor) in raw)
            {
                if (!isMae) source[name] = tensor;
                else if (name.StartsWith(MaePrefix, StringComparison.Ordinal)) source[name[MaePrefix.Length..]] = tensor;
                else source["spark." + name] = tensor; // mask tokens, densify convs: reported as unused
            }
            return WeightTransfer.Load(network, source, includeDecoder ? WeightFilters.EncoderAndDecoder : WeightFilters.EncoderOnly);
        }
        finally
        {
            foreach (var t in raw.Values) t.Dispose();
        }
    }
}
