using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spark3D.Host.Config;
using Spark3D.Model.Devices;
using Spark3D.Model.Mae;
using Spark3D.Model.Networks;
using static TorchSharp.torch;

namespace Spark3D.Host.Commands;

/// <summary>
/// `spark3d model --preset NAME [--json]`: per-stage layer summary and parameter count of a network preset.
/// Contract: with --json it prints exactly one JSON object holding at least <c>preset</c> and <c>parameters</c> (integer).
/// </summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var preset = new Option<string?>("--preset") { Description = "Network preset: " + string.Join(", ", NetworkPresets.Names) + " (default: spark3d.model.preset)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var cmd = new Command("model", "Show a network preset's layers and parameter count.") { preset, json };
        cmd.SetAction(result =>
        {
            var config = GlobalOptions.LoadConfig(result);
            var options = ModelOptionsMapper.Network(config);
            if (result.GetValue(preset) is { } name) options = options with { Preset = name };
            if (!NetworkPresets.Names.Contains(options.Preset, StringComparer.OrdinalIgnoreCase))
            {
                Console.Error.WriteLine($"Unknown network preset '{options.Preset}'. Valid presets: {string.Join(", ", NetworkPresets.Names)}.");
                return 2;
            }
            // The network is built with META tensors, but those still need libtorch: load the configured one (the GPU
            // package carries none), always on CPU.
            try
            {
                TorchRuntime.Initialize(DeviceOptionsMapper.Device(config) with { Mode = DeviceMode.Cpu, Threads = 0 });
            }
            catch (DeviceUnavailableException e)
            {
                Console.Error.WriteLine("spark3d model: " + e.Message);
                return 2;
            }
            // META tensors: shapes only, so even resenc-l is summarised without allocating its 400 MB.
            using var mae = new SparkMae(new ResidualEncoderUNet(options.ToConfig(), META), MaeOptionsMapper.Network(config));
            var summary = NetworkSummary.Of(mae.Network);
            long extras = mae.NamedSparkParameters().Sum(p => p.Parameter.numel());
            Console.Out.Write(result.GetValue(json) ? RenderJson(options.Preset, summary, extras) : RenderText(options.Preset, summary, extras));
            return 0;
        });
        return cmd;
    }

    private static string RenderText(string preset, NetworkSummary s, long sparkExtras)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        var c = s.Config;
        w.WriteLine($"preset {preset}: ResidualEncoderUNet, {c.Stages} stages, in {c.InputChannels}, classes {c.NumClasses}, kernel {c.KernelSize}, total stride {c.TotalReduction}");
        w.WriteLine($"{"part",-20} {"channels",8} {"factor",7} {"blocks",6} {"parameters",14}");
        foreach (var r in s.Rows)
            w.WriteLine($"{r.Part,-20} {r.Channels,8} {"1/" + r.ReductionFactor,7} {r.Blocks,6} {r.Parameters,14:N0}");
        w.WriteLine($"{"encoder",-20} {"",8} {"",7} {"",6} {s.EncoderParameters,14:N0}");
        w.WriteLine($"{"decoder",-20} {"",8} {"",7} {"",6} {s.DecoderParameters,14:N0}");
        w.WriteLine($"{"total",-20} {"",8} {"",7} {"",6} {s.TotalParameters,14:N0}");
        w.WriteLine($"{"+ SparK extras",-20} {"",8} {"",7} {"",6} {sparkExtras,14:N0}");
        return w.ToString();
    }

    private static string RenderJson(string preset, NetworkSummary s, long sparkExtras)
    {
        var c = s.Config;
        var doc = new Dictionary<string, object>
        {
            ["preset"] = preset,
            ["parameters"] = s.TotalParameters,
            ["encoderParameters"] = s.EncoderParameters,
            ["decoderParameters"] = s.DecoderParameters,
            ["sparkExtraParameters"] = sparkExtras,
            ["inputChannels"] = c.InputChannels,
            ["numClasses"] = c.NumClasses,
            ["features"] = c.Features,
            ["strides"] = c.Strides,
            ["blocksPerStage"] = c.BlocksPerStage,
            ["decoderConvsPerStage"] = c.DecoderConvsPerStage,
            ["parts"] = s.Rows.Select(r => new Dictionary<string, object>
            {
                ["part"] = r.Part, ["channels"] = r.Channels, ["reductionFactor"] = r.ReductionFactor,
                ["blocks"] = r.Blocks, ["parameters"] = r.Parameters,
            }).ToList(),
        };
        return JsonSerializer.Serialize(doc) + Environment.NewLine;
    }
}
