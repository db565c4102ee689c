using System.CommandLine;
using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Segmentation;
using Spark3D.Host.Config;
using Spark3D.Training.Telemetry;

namespace Spark3D.Host.Commands;

/// <summary>
/// `spark3d phantoms --count N --output DIR [--labels] [--seed S] [-j N]`: writes synthetic brain phantoms as NIfTI.
/// Without --labels: DIR/phantom_000.nii.gz … (images only). With --labels, an nnU-Net v2 raw data set:
/// DIR/imagesTr/phantom_000_0000.nii.gz, DIR/labelsTr/phantom_000.nii.gz (uint8) and DIR/dataset.json
/// (labels background/csf/gm/wm/lesion). Phantom i is a pure function of (seed, i) and the spark3d.data.phantoms settings.
/// </summary>
internal static class PhantomsCommand
{
    /// <summary>Label names of dataset.json (values of <see cref="PhantomLabels"/>).</summary>
    public static readonly IReadOnlyDictionary<int, string> LabelNames = new Dictionary<int, string>
    {
        [PhantomLabels.Background] = "background",
        [PhantomLabels.Csf] = "csf",
        [PhantomLabels.GreyMatter] = "gm",
        [PhantomLabels.WhiteMatter] = "wm",
        [PhantomLabels.Lesion] = "lesion",
    };

    public static Command Create()
    {
        var count = new Option<int>("--count", "-n") { Description = "How many phantoms to write.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output folder (created if missing).", Required = true };
        var labels = new Option<bool>("--labels") { Description = "Also write label maps, as an nnU-Net v2 raw data set (imagesTr/labelsTr/dataset.json)." };
        var seed = new Option<int?>("--seed") { Description = "Master seed (default: spark3d.data.phantoms.seed)." };
        var jobs = new Option<int?>("--jobs", "-j") { Description = "Phantoms generated at once (default: spark3d.preprocess.parallelism; 0 = cores)." };
        var cmd = new Command("phantoms", "Write synthetic brain phantoms (NIfTI), optionally with label maps.") { count, output, labels, seed, jobs };
        cmd.SetAction(r => Run(r, r.GetValue(count), r.GetValue(output)!, r.GetValue(labels), r.GetValue(seed), r.GetValue(jobs)));
        return cmd;
    }

    private static int Run(ParseResult r, int count, string output, bool withLabels, int? seed, int? jobs)
    {
        PhantomOptions options;
        int parallelism;
        try
        {
            if (count < 1) throw new ArgumentException($"--count must be at least 1 (got {count}).");
            if (jobs is < 0) throw new ArgumentException($"--jobs must be >= 0 (got {jobs}).");
            var config = GlobalOptions.LoadConfig(r);
            options = PhantomOptionsMapper.FromConfig(config, seed);
            parallelism = jobs ?? PreprocessOptionsMapper.Parallelism(config);
            Directory.CreateDirectory(output);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException
                                      or Akka.Configuration.ConfigurationException or FormatException)
        {
            Console.Error.WriteLine("spark3d phantoms: " + e.Message.ReplaceLineEndings(" "));
            return ExitCodes.BadInput;
        }

        string images = withLabels ? Path.Combine(output, "imagesTr") : output;
        string labelDir = Path.Combine(output, "labelsTr");
        Directory.CreateDirectory(images);
        if (withLabels) Directory.CreateDirectory(labelDir);
        int width = Math.Max(3, (count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var generator = new BrainPhantomGenerator(options);
        var console = CommandConsole.Create();
        // -q/-v apply to the progress and result lines as in every command (phantoms writes no log file of its own).
        using var log = GlobalOptions.CreateLog(r);
        var logger = log.For("spark3d.phantoms");
        var started = DateTime.UtcNow;
        int lesions = CommandConsole.WithProgress(console, "phantoms", count, report =>
        {
            int done = 0, lesionTotal = 0;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount };
            Parallel.For(0, count, parallel, i =>
            {
                var p = generator.Generate(i);
                string name = "phantom_" + i.ToString("D" + width, System.Globalization.CultureInfo.InvariantCulture);
                if (withLabels)
                {
                    NiftiWriter.Write(Path.Combine(images, name + "_0000.nii.gz"), p.Image, NiftiDataType.Float32);
                    NiftiWriter.Write(Path.Combine(labelDir, name + ".nii.gz"), p.Labels, NiftiDataType.UInt8);
                }
                else
                {
                    NiftiWriter.Write(Path.Combine(images, name + ".nii.gz"), p.Image, NiftiDataType.Float32);
                }
                Interlocked.Add(ref lesionTotal, p.LesionCount);
                int n = Interlocked.Increment(ref done);
                report(n, "written");
            });
            return lesionTotal;
        }, logger);
        if (withLabels) SegmentationDataset.WriteNnUnetDatasetJson(output, LabelNames, count);
        logger.Line($"spark3d phantoms: wrote {count} phantoms ({lesions} lesions) to {Path.GetFullPath(output)}" +
                              $"{(withLabels ? " as an nnU-Net data set (imagesTr, labelsTr, dataset.json)" : "")} in {CommandConsole.Duration(DateTime.UtcNow - started)}.");
        return 0;
    }
}
