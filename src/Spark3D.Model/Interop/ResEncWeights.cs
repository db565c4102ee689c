using System.Text.RegularExpressions;
using Spark3D.Model.Networks;
using static TorchSharp.torch;

namespace Spark3D.Model.Interop;

/// <summary>
/// A ResEnc U-Net's weights under the names of MIC-DKFZ's dynamic-network-architectures <c>ResidualEncoderUNet</c>, which
/// nnU-Net v2 and nnssl use (<c>encoder.stem.convs.0.conv.weight</c>, <c>encoder.stages.1.blocks.0.skip.1.norm.weight</c>,
/// <c>decoder.transpconvs.0.weight</c>, <c>decoder.seg_layers.2.bias</c>): our modules carry those names already. From a
/// pre-training checkpoint (SparkMae) the <c>architecture.</c> prefix is dropped and the SparK-only tensors (mask tokens,
/// densify convs) left out.
/// </summary>
public static partial class ResEncWeights
{
    private const string MaePrefix = "architecture.";

    /// <summary>The network's tensors of a checkpoint's state dict (ResidualEncoderUNet or SparkMae), by name, ordinal order.
    /// The tensors are those of <paramref name="stateDict"/> (not copies).</summary>
    public static SortedDictionary<string, Tensor> FromStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        bool mae = stateDict.Keys.Any(k => k.StartsWith(MaePrefix, StringComparison.Ordinal));
        var named = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in stateDict)
        {
            if (!mae) named[name] = t;
            else if (name.StartsWith(MaePrefix, StringComparison.Ordinal)) named[name[MaePrefix.Length..]] = t;
        }
        var result = new SortedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in named)
            if (!IsFieldNameDuplicate(name, named)) result[name] = t;
        if (!result.ContainsKey("encoder.stem.convs.0.conv.weight"))
            throw new ArgumentException("not a ResEnc U-Net state dict: encoder.stem.convs.0.conv.weight is missing");
        return result;
    }

    /// <summary>
    /// TorchSharp's state dict also lists a few modules under their C# field names besides the registered ones
    /// (<c>skip.projection</c> = <c>skip.0</c>/<c>skip.1</c>, <c>decoder.segLayers</c> = <c>decoder.seg_layers</c>): the
    /// same tensors twice. PyTorch's network has only the registered names.
    /// </summary>
    private static bool IsFieldNameDuplicate(string name, IReadOnlyDictionary<string, Tensor> all)
    {
        if (name.Contains(".skip.projection.", StringComparison.Ordinal))
            return all.ContainsKey(name.Replace(".skip.projection.", ".skip.0.", StringComparison.Ordinal))
                   || all.ContainsKey(name.Replace(".skip.projection.", ".skip.1.", StringComparison.Ordinal));
        if (name.StartsWith("decoder.segLayers.", StringComparison.Ordinal))
            return all.ContainsKey("decoder.seg_layers." + name["decoder.segLayers.".Length..]);
        return false;
    }

    /// <summary>
    /// The preset whose shape these weights have, with their input channels and classes; throws
    /// <see cref="ArgumentException"/> when no preset fits.
    /// </summary>
    public static (string Preset, UNetConfig Config) InferConfig(IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int inChannels = (int)weights["encoder.stem.convs.0.conv.weight"].shape[1];
        var seg = weights.Keys.Where(k => SegLayerWeight().IsMatch(k)).OrderBy(k => int.Parse(SegLayerWeight().Match(k).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).LastOrDefault()
                  ?? throw new ArgumentException("no decoder.seg_layers.N.weight: not a U-Net with its decoder");
        int classes = (int)weights[seg].shape[0];
        var shapes = weights.ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal);
        foreach (var name in NetworkPresets.Names)
        {
            var config = NetworkPresets.Get(name, inChannels, classes);
            using var net = new ResidualEncoderUNet(config, META);
            var expected = FromStateDict(net.state_dict());
            if (expected.Count == shapes.Count && expected.All(kv => shapes.TryGetValue(kv.Key, out var s) && s.SequenceEqual(kv.Value.shape)))
                return (name, config);
        }
        throw new ArgumentException($"the weights ({inChannels} input channels, {classes} classes) fit none of the presets {string.Join(", ", NetworkPresets.Names)}");
    }

    /// <summary>
    /// <paramref name="weights"/> plus the aliases dynamic-network-architectures' modules also register, so that
    /// <c>load_state_dict(strict=True)</c> of nnU-Net's network accepts them: every conv/norm of a ConvDropoutNormReLU again as
    /// <c>all_modules.0</c>/<c>all_modules.1</c> (its nn.Sequential), and the whole encoder again as <c>decoder.encoder.*</c>
    /// (the decoder keeps a reference to it). Aliases are the same tensors.
    /// </summary>
    public static SortedDictionary<string, Tensor> WithDynamicNetworkAliases(IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var result = new SortedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in weights)
        {
            foreach (var n in WithAllModules(name)) result[n] = t;
            if (name.StartsWith("encoder.", StringComparison.Ordinal))
                foreach (var n in WithAllModules("decoder." + name)) result[n] = t;
        }
        return result;
    }

    private static IEnumerable<string> WithAllModules(string name)
    {
        yield return name;
        var m = ConvOrNorm().Match(name);
        if (m.Success) yield return $"{m.Groups[1].Value}.all_modules.{(m.Groups[2].Value == "conv" ? 0 : 1)}.{m.Groups[3].Value}";
    }

    [GeneratedRegex(@"^(.*)\.(conv|norm)\.(weight|bias)$")]
    private static partial Regex ConvOrNorm();

    [GeneratedRegex(@"^decoder\.seg_layers\.(\d+)\.weight$")]
    private static partial Regex SegLayerWeight();
}
