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
/// `spark3d predict --model R --input DIR|FILE --output DIR [--overlap F]`: segments every NIfTI with the fine-tuned run
/// R (model.json + newest checkpoint) and writes uint8 label maps on each input's own grid (shape and affine), with the
/// input's file name; an nnU-Net channel suffix is dropped (CASE_0000.nii.gz → CASE.nii.gz) so the names match labelsTr.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Fine-tuning run directory (holds model.json and checkpoints/).", Required = true };
        var input = new Option<string>("--input") { Description = "A NIfTI file, or a folder of them.", Required = true };
        var output = new Option<string>("--output") { Description = "Folder for the label maps (created if missing).", Required = true };
        var overlap = new Option<double?>("--overlap") { Description = "Sliding-window overlap in [0, 1) (default: spark3d.finetune.predict.overlap)." };
        var cmd = new Command("predict", "Segment NIfTI images with a fine-tuned network (sliding window, Gaussian weighting).") { model, input, output, overlap };
        cmd.SetAction(r =>
        {
            try
            {
                var config = GlobalOptions.LoadConfig(r);
                var settings = FineTuneOptionsMapper.FromConfig(config);
                double ov = r.GetValue(overlap) ?? settings.Overlap;
                if (ov is < 0 or >= 1) throw new ArgumentException($"--overlap must be in [0, 1), got {ov}.");
                var files = Inputs(r.GetValue(input)!);
                var runtime = TorchRuntime.Initialize(settings.Device);
                var p = CommandWorkloads.Predict(FineTunedModel.Read(r.GetValue(model)!), runtime, files);
                string? memory = MemoryPreflightStep.Run(DeviceOptionsMapper.MemoryPreflight(config), p.Workload, p.Current, p.Alternatives, Console.Error);
                if (memory is not null) Console.Out.WriteLine(memory);
                using var predictor = SegmentationPredictor.Open(r.GetValue(model)!, runtime.Device, runtime.ComputeDType);
                string outDir = r.GetValue(output)!;
                Directory.CreateDirectory(outDir);
                foreach (var file in files)
                {
                    settings.Preprocess.Budget.CheckFile(file); // before the voxels are allocated
                    var image = NiftiReader.Read(file).Volume;
                    var labels = predictor.Predict(image, ov, settings.GaussianSigmaScale);
                    string target = Path.Combine(outDir, OutputName(file));
                    NiftiWriter.Write(target, labels, NiftiDataType.UInt8);
                    Console.Out.WriteLine($"{file} -> {target} ({labels.Shape})");
                }
                Console.Out.WriteLine($"spark3d predict: {files.Count} label maps written to {Path.GetFullPath(outDir)} (model step {predictor.Step}, " +
                                      $"{ComputePrecision.Name(predictor.ComputeDType)} on {runtime.Device.type.ToString().ToLowerInvariant()}).");
                return 0;
            }
            catch (MemoryPreflightException e)
            {
                Console.Error.WriteLine("spark3d predict: " + e.Message);
                return 2;
            }
            catch (Exception e) when (e is IOException or NiftiFormatException or InvalidDataException or ArgumentException
                                          or CheckpointNotFoundException or CorruptCheckpointException or DeviceUnavailableException
                                          or InvalidOperationException or Akka.Configuration.ConfigurationException or VoxelBudgetExceededException)
            {
                Console.Error.WriteLine("spark3d predict: " + e.Message.ReplaceLineEndings(" "));
                return 2;
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

    /// <summary>The output file name: the input's, without an nnU-Net channel suffix (_0000).</summary>
    internal static string OutputName(string inputPath)
    {
        string name = Path.GetFileName(inputPath);
        string ext = name.EndsWith(".nii.gz", StringComparison.Ordinal) ? ".nii.gz" : ".nii";
        string stem = name[..^ext.Length];
        return (stem.EndsWith("_0000", StringComparison.Ordinal) ? stem[..^5] : stem) + ext;
    }

    private static bool IsNifti(string f) => f.EndsWith(".nii", StringComparison.Ordinal) || f.EndsWith(".nii.gz", StringComparison.Ordinal);
}
