namespace Spark3D.Model.Networks;

/// <summary>One row of a <see cref="NetworkSummary"/>: a part of the network, its width, resolution factor and parameters.</summary>
public sealed record NetworkSummaryRow(string Part, int Channels, int ReductionFactor, int Blocks, long Parameters);

/// <summary>Per-stage layer summary of a <see cref="ResidualEncoderUNet"/> (for <c>spark3d model</c>).</summary>
public sealed record NetworkSummary(UNetConfig Config, IReadOnlyList<NetworkSummaryRow> Rows, long EncoderParameters,
    long DecoderParameters, long TotalParameters)
{
    /// <summary>Summarises <paramref name="network"/> from its named parameters.</summary>
    public static NetworkSummary Of(ResidualEncoderUNet network)
    {
        var config = network.Config;
        var sizes = network.named_parameters().Select(p => (p.name, n: p.parameter.numel())).ToList();
        long Sum(params string[] prefixes) => sizes.Where(p => prefixes.Any(x => p.name.StartsWith(x, StringComparison.Ordinal))).Sum(p => p.n);

        var rows = new List<NetworkSummaryRow> { new("stem", config.Features[0], 1, 1, Sum("encoder.stem.")) };
        var factors = config.ReductionFactors;
        for (int s = 0; s < config.Stages; s++)
            rows.Add(new($"encoder.stages.{s}", config.Features[s], factors[s], config.BlocksPerStage[s], Sum($"encoder.stages.{s}.")));
        for (int s = 0; s < config.Stages - 1; s++)
        {
            int level = config.Stages - 2 - s;
            rows.Add(new($"decoder.stages.{s}", config.Features[level], factors[level], config.DecoderConvsPerStage[s],
                Sum($"decoder.stages.{s}.", $"decoder.transpconvs.{s}.", $"decoder.seg_layers.{s}.")));
        }
        return new NetworkSummary(config, rows, Sum("encoder."), Sum("decoder."), sizes.Sum(p => p.n));
    }
}
