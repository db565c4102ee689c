using System.CommandLine;
using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Host.Config;
using Spark3D.Host.FineTune;
using Spark3D.Host.Memory;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Devices;
using Spark3D.Model.Training;

namespace Spark3D.Host.Commands;

/// <summary>
/// `spark3d predict --model R --input DIR|FILE --output DIR [--overlap F] [--checkpoint latest|best] [--save-probabilities]`:
/// segments every NIfTI with the fine-tuned run R (model.json + its newest checkpoint, or checkpoint_best) and writes uint8
/// label maps on each input's own grid (shape and affine), with the input's file name; an nnU-Net channel suffix is dropped
/// (CASE_0000.nii.gz → CASE.nii.gz) so the names match labelsTr. With --save-probabilities, also one float32 NIfTI per
/// class under probabilities/ (<see cref="ProbabilityName"/>), on the same grid.
/// A model of C channels takes each case as CASE_0000 … CASE_000(C-1) beside each other (nnU-Net's naming).
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Fine-tuning run directory (holds model.json and checkpoints/).", Required = true };
        var input = new Option<string>("--input") { Description = "A NIfTI file, or a folder of them.", Required = true };
        var output = new Option<string>("--output") { Description = "Folder for the label maps (created if missing).", Required = true };
        var overlap = new Option<double?>("--overlap") { Description = "Sliding-window overlap in [0, 1) (default: spark3d.finetune.predict.overlap)." };
        var checkpoint = new Option<string?>("--checkpoint")
        {
            Description = "latest (the newest step) or best (checkpoint_best: the best validation pseudo-Dice) (default: spark3d.finetune.predict.checkpoint).",
        };
        checkpoint.AcceptOnlyFromAmong("latest", "best");
        var probabilities = new Option<bool>("--save-probabilities")
        {
            Description = "Also write each class's softmax probabilities as float32 NIfTI: OUTPUT/probabilities/CASE_classK.nii.gz (K = label value).",
        };
        var cmd = new Command("predict", "Segment NIfTI images with a fine-tuned network (sliding window, Gaussian weighting, test-time mirroring).")
        {
            model, input, output, overlap, checkpoint, probabilities,
        };
        cmd.SetAction(r =>
        {
            using var log = GlobalOptions.CreateLog(r); // console only: predict has no run directory
            try
            {
                var config = GlobalOptions.LoadConfig(r);
                var settings = FineTuneOptionsMapper.FromConfig(config);
                double ov = r.GetValue(overlap) ?? settings.Overlap;
                if (ov is < 0 or >= 1) throw new ArgumentException($"--overlap must be in [0, 1), got {ov}.");
                var files = Inputs(r.GetValue(input)!);
                var described = FineTunedModel.Read(r.GetValue(model)!);
                var cases = Cases(files, described.InputChannels);
                var runtime = TorchRuntime.Initialize(settings.Device);
                var p = CommandWorkloads.Predict(described, runtime, cases.Select(c => c[0]).ToList());
                string? memory = MemoryPreflightStep.Run(DeviceOptionsMapper.MemoryPreflight(config), p.Workload, p.Current, p.Alternatives, log.For("spark3d.predict"));
                if (memory is not null) Console.Out.WriteLine(memory);
                string which = r.GetValue(checkpoint) ?? FineTuneOptionsMapper.PredictCheckpoint(config);
                using var predictor = SegmentationPredictor.Open(r.GetValue(model)!, runtime.Device, runtime.ComputeDType, best: which == "best");
                string outDir = r.GetValue(output)!;
                Directory.CreateDirectory(outDir);
                bool keep = r.GetValue(probabilities);
                var prediction = new PredictionSettings(ov, settings.GaussianSigmaScale, settings.TestTimeMirroring, keep);
                foreach (var channels in cases)
                {
                    foreach (var f in channels) settings.Preprocess.Budget.CheckFile(f); // before the voxels are allocated
                    var images = channels.Select(f => NiftiReader.Read(f).Volume).ToList();
                    var result = predictor.Segment(images, prediction);
                    string target = Path.Combine(outDir, OutputName(channels[0]));
                    NiftiWriter.Write(target, result.Labels, NiftiDataType.UInt8);
                    if (result.Probabilities is { } maps)
                    {
                        string folder = Path.Combine(outDir, ProbabilityFolder);
                        Directory.CreateDirectory(folder);
                        for (int k = 0; k < maps.Count; k++) NiftiWriter.Write(Path.Combine(folder, ProbabilityName(channels[0], k)), maps[k], NiftiDataType.Float32);
                    }
                    Console.Out.WriteLine($"{string.Join(" + ", channels)} -> {target} ({result.Labels.Shape})");
                }
                Console.Out.WriteLine($"spark3d predict: {cases.Count} label maps written to {Path.GetFullPath(outDir)} (model step {predictor.Step}, {which} checkpoint, " +
                                      $"{ComputePrecision.Name(predictor.ComputeDType)} on {runtime.Device.type.ToString().ToLowerInvariant()}, " +
                                      $"test-time mirroring {(settings.TestTimeMirroring ? "on" : "off")}" +
                                      $"{(keep ? $", probabilities in {Path.GetFullPath(Path.Combine(outDir, ProbabilityFolder))}" : "")}).");
                return 0;
            }
            catch (MemoryPreflightException e)
            {
                Console.Error.WriteLine("spark3d predict: " + e.Message);
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is IOException or NiftiFormatException or InvalidDataException or ArgumentException
                                          or CheckpointNotFoundException or CorruptCheckpointException or DeviceUnavailableException
                                          or InvalidOperationException or Akka.Configuration.ConfigurationException or VoxelBudgetExceededException)
            {
                Console.Error.WriteLine("spark3d predict: " + e.Message.ReplaceLineEndings(" "));
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    /// <summary>The NIfTI files to segment: the file itself, or a folder's .nii/.nii.gz files sorted by name.</summary>
    internal static IReadOnlyList<string> Inputs(string input)
    {
        if (File.Exists(input)) return [input];
        if (!Directory.Exists(input)) throw new FileNotFoundException($"--input {input}: no such file or folder.", input);
        var files = Directory.EnumerateFiles(input).Where(IsNifti).Order(StringComparer.Ordinal).ToList();
        return files.Count > 0 ? files : throw new FileNotFoundException($"--input {input}: no .nii/.nii.gz files in the folder.");
    }

    /// <summary>
    /// The files of each case: every file alone for a single-channel model; for C channels, each CASE_0000 file with its
    /// CASE_0001 … beside it (a missing one is an error naming it), other channel files being part of their case.
    /// </summary>
    internal static IReadOnlyList<IReadOnlyList<string>> Cases(IReadOnlyList<string> files, int channels)
    {
        if (channels <= 1) return files.Select(f => (IReadOnlyList<string>)[f]).ToList();
        var cases = new List<IReadOnlyList<string>>();
        foreach (var f in files)
        {
            var (stem, ext) = Split(f);
            if (!stem.EndsWith("_0000", StringComparison.Ordinal))
            {
                if (System.Text.RegularExpressions.Regex.IsMatch(stem, @"_\d{4}$")) continue; // another channel of a case
                throw new ArgumentException($"{f}: the model takes {channels} channels, named CASE_0000{ext} … CASE_{channels - 1:D4}{ext}; this file has no channel suffix.");
            }
            var paths = Enumerable.Range(0, channels).Select(c => stem[..^4] + c.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + ext).ToList();
            foreach (var p in paths)
                if (!File.Exists(p)) throw new FileNotFoundException($"{p}: channel file missing (the model takes {channels} channels per case).", p);
            cases.Add(paths);
        }
        return cases.Count > 0 ? cases : throw new FileNotFoundException($"no CASE_0000 file among the inputs (the model takes {channels} channels per case).");
    }

    private static (string Stem, string Ext) Split(string path)
    {
        string ext = path.EndsWith(".nii.gz", StringComparison.Ordinal) ? ".nii.gz" : ".nii";
        return (path[..^ext.Length], ext);
    }

    /// <summary>The output file name: the input's, without an nnU-Net channel suffix (_0000).</summary>
    internal static string OutputName(string inputPath)
    {
        string name = Path.GetFileName(inputPath);
        string ext = name.EndsWith(".nii.gz", StringComparison.Ordinal) ? ".nii.gz" : ".nii";
        string stem = name[..^ext.Length];
        return (stem.EndsWith("_0000", StringComparison.Ordinal) ? stem[..^5] : stem) + ext;
    }

    /// <summary>The folder under --output that --save-probabilities writes into.</summary>
    internal const string ProbabilityFolder = "probabilities";

    /// <summary>The probability map's file name for class <paramref name="label"/>: CASE_classK.nii.gz (CASE as in
    /// <see cref="OutputName"/>).</summary>
    internal static string ProbabilityName(string inputPath, int label)
    {
        string name = OutputName(inputPath);
        string ext = name.EndsWith(".nii.gz", StringComparison.Ordinal) ? ".nii.gz" : ".nii";
        return $"{name[..^ext.Length]}_class{label}{ext}";
    }

    private static bool IsNifti(string f) => f.EndsWith(".nii", StringComparison.Ordinal) || f.EndsWith(".nii.gz", StringComparison.Ordinal);
}
