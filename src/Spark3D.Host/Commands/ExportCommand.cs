using System.CommandLine;
using System.Text.Json.Nodes;
using Spark3D.Host.FineTune;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Devices;
using Spark3D.Model.Interop;
using Spark3D.Training.Engines;
using static TorchSharp.torch;

namespace Spark3D.Host.Commands;

/// <summary>
/// `spark3d export --model RUN --output FILE [--format pytorch|nnunet]`: hands a network's weights to PyTorch users.
/// RUN is a fine-tuning run (model.json + checkpoints/, its newest checkpoint) or a pre-training run, checkpoints folder or
/// checkpoint file (the MAE's network: 1 input channel, the reconstruction head as its one class). `pytorch` writes the
/// state_dict under nnU-Net/nnssl ResEnc names (<see cref="ResEncWeights"/>); `nnunet` writes the checkpoint layout
/// nnU-Net v2 loads (<see cref="NnUnetCheckpoint"/>; docs/nnunet.md).
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Fine-tuning run (model.json), or a pre-training run / checkpoints folder / checkpoint file.", Required = true };
        var output = new Option<string>("--output") { Description = "File to write (.pt / .pth).", Required = true };
        var format = new Option<string>("--format")
        {
            Description = "pytorch: the state_dict (nnU-Net/nnssl ResEnc names) | nnunet: an nnU-Net v2 checkpoint (network_weights, init_args, trainer_name).",
            DefaultValueFactory = _ => "pytorch",
        };
        var cmd = new Command("export", "Export a network's weights for PyTorch or nnU-Net v2.") { model, output, format };
        cmd.SetAction(r =>
        {
            try
            {
                return Run(GlobalOptions.LoadConfig(r), r.GetValue(model)!, r.GetValue(output)!, r.GetValue(format)!);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or CheckpointNotFoundException
                                          or CorruptCheckpointException or DeviceUnavailableException or UnauthorizedAccessException
                                          or Akka.Configuration.ConfigurationException)
            {
                Console.Error.WriteLine("spark3d export: " + e.Message.ReplaceLineEndings(" "));
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    private static int Run(Akka.Configuration.Config config, string modelPath, string output, string format)
    {
        format = format.Trim().ToLowerInvariant();
        if (format is not ("pytorch" or "nnunet")) throw new ArgumentException($"--format must be pytorch or nnunet, got '{format}'.");
        if (Directory.Exists(output)) throw new IOException($"--output '{output}' is a folder; name the file to write.");
        // Checkpoint tensors need libtorch (the configured one: the GPU package carries no other), always on CPU.
        TorchRuntime.Initialize(Config.DeviceOptionsMapper.Device(config) with { Mode = DeviceMode.Cpu, Threads = 0 });
        bool fineTuned = File.Exists(Path.Combine(modelPath, FineTunedModel.FileName));
        var run = fineTuned ? FineTunedModel.Read(modelPath) : null;
        var checkpoint = run is not null
            ? new CheckpointStore(run.CheckpointPath(modelPath), keepLast: int.MaxValue).LoadLatest(w => Console.Error.WriteLine("warning: " + w))
            : PretrainedWeights.ReadCheckpoint(modelPath, w => Console.Error.WriteLine("warning: " + w));
        var raw = TorchSharpStateDict.Read(checkpoint.ModelState);
        try
        {
            var weights = ResEncWeights.FromStateDict(raw);
            var (preset, network) = ResEncWeights.InferConfig(weights);
            if (format == "pytorch")
            {
                StateDictFiles.Write(weights, output);
            }
            else
            {
                NnUnetCheckpoint.Write(output, weights, network, Info(modelPath, run, network.InputChannels));
            }
            long parameters = weights.Values.Sum(t => t.numel());
            Console.Out.WriteLine($"spark3d export: {(fineTuned ? "fine-tuned" : "pre-trained")} {preset} network (step {checkpoint.Step}, " +
                                  $"{network.InputChannels} input channel(s), {network.NumClasses} output channel(s), {weights.Count} tensors, {parameters:N0} values) " +
                                  $"-> {Path.GetFullPath(output)} [{format}]");
            return ExitCodes.Success;
        }
        finally
        {
            foreach (var t in raw.Values) t.Dispose();
        }
    }

    /// <summary>What the nnU-Net checkpoint records besides weights: from model.json for a fine-tuning run, else defaults.</summary>
    private static NnUnetCheckpointInfo Info(string modelPath, FineTunedModel? run, int channels)
    {
        string name = "Dataset999_" + new DirectoryInfo(Path.GetFullPath(modelPath).TrimEnd('/')).Name;
        if (run is null) return new NnUnetCheckpointInfo([.. Enumerable.Repeat(160, 3)], null, ["ZScoreNormalization"], null, name);
        var channelNames = run.ChannelNames is { Count: > 0 } cn ? cn : Enumerable.Repeat("MRI", channels).ToList();
        var dataset = new JsonObject
        {
            ["channel_names"] = new JsonObject(channelNames.Select((n, i) => KeyValuePair.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture), (JsonNode?)n))),
            ["labels"] = new JsonObject(run.Labels.OrderBy(l => l.Key).Select(l => KeyValuePair.Create(l.Value, (JsonNode?)l.Key))),
            ["file_ending"] = ".nii.gz",
        };
        var schemes = channelNames.Select(n => Spark3D.Data.Segmentation.DatasetCtStatistics.IsCt(n) ? "CTNormalization" : "ZScoreNormalization").ToList();
        return new NnUnetCheckpointInfo([run.PatchSize[2], run.PatchSize[1], run.PatchSize[0]],
            run.TargetSpacing is { Length: 3 } s ? [s[2], s[1], s[0]] : null, schemes, dataset, name);
    }
}
