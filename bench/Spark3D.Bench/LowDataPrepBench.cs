using System.Diagnostics;
using System.Globalization;
using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Sampling;
using Spark3D.Data.Segmentation;
using Spark3D.Data.Volumes;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Losses;
using Spark3D.Model.Mae;
using Spark3D.Model.Training;
using static TorchSharp.torch;

namespace Spark3D.Bench;

/// <summary>
/// `lowdata-prep`: stand-ins for `spark3d phantoms` and `spark3d pretrain` used by scripts/lowdata-study.sh while those
/// commands are not in this branch (the script prefers the real commands when they exist).
///   lowdata-prep phantoms --count N --output DIR [--labels] [--seed S] [--min-spacing 2] [--max-spacing 3]
///     writes DIR/imagesTr/phantom_NNN_0000.nii.gz, DIR/labelsTr/phantom_NNN.nii.gz, DIR/dataset.json (or plain images).
///   lowdata-prep pretrain --images DIR --output CKPTDIR --steps N [--preset tiny] [--patch 32] [--batch 2] [--block 8]
///     [--ratio 0.75] [--lr 1e-2] [--spacing 2] [--seed 0]
///     SparK MAE pre-training (SparkMae + MaskedReconstructionLoss + TrainingStep, SGD Nesterov 0.99, poly), one random
///     crop per drawn volume; saves CKPTDIR/step-NNNNNN.ckpt (names architecture.*, mask_tokens.*, densify_projs.*).
/// </summary>
internal static class LowDataPrepBench
{
    private static readonly Dictionary<int, string> LabelNames = new()
    {
        [PhantomLabels.Background] = "background", [PhantomLabels.Csf] = "csf", [PhantomLabels.GreyMatter] = "gm",
        [PhantomLabels.WhiteMatter] = "wm", [PhantomLabels.Lesion] = "lesion",
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0) { Console.Error.WriteLine("usage: lowdata-prep phantoms|pretrain [options]"); return 2; }
        var o = Parse(args[1..]);
        return args[0] switch
        {
            "phantoms" => Phantoms(o),
            "pretrain" => Pretrain(o),
            _ => throw new ArgumentException($"unknown lowdata-prep mode '{args[0]}'"),
        };
    }

    private static int Phantoms(Dictionary<string, string> o)
    {
        int count = int.Parse(o["count"], CultureInfo.InvariantCulture);
        string output = o["output"];
        bool labels = o.ContainsKey("labels");
        var options = new PhantomOptions
        {
            Seed = int.Parse(o.GetValueOrDefault("seed", "1234"), CultureInfo.InvariantCulture),
            MinSpacingMm = D(o, "min-spacing", 2), MaxSpacingMm = D(o, "max-spacing", 3),
        };
        var gen = new BrainPhantomGenerator(options);
        string images = labels ? Path.Combine(output, "imagesTr") : output, labelDir = Path.Combine(output, "labelsTr");
        Directory.CreateDirectory(images);
        if (labels) Directory.CreateDirectory(labelDir);
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var p = gen.Generate(i);
            string name = "phantom_" + i.ToString("D3", CultureInfo.InvariantCulture);
            NiftiWriter.Write(Path.Combine(images, name + (labels ? "_0000" : "") + ".nii.gz"), p.Image);
            if (labels) NiftiWriter.Write(Path.Combine(labelDir, name + ".nii.gz"), p.Labels, NiftiDataType.UInt8);
        });
        if (labels) SegmentationDataset.WriteNnUnetDatasetJson(output, LabelNames, count);
        Console.WriteLine($"lowdata-prep phantoms: {count} phantoms (seed {options.Seed}) -> {output}");
        return 0;
    }

    private static int Pretrain(Dictionary<string, string> o)
    {
        long steps = long.Parse(o["steps"], CultureInfo.InvariantCulture);
        int patch = I(o, "patch", 32), batch = I(o, "batch", 2), block = I(o, "block", 8), seed = I(o, "seed", 0);
        double ratio = D(o, "ratio", 0.75), lr = D(o, "lr", 1e-2), spacing = D(o, "spacing", 2);
        string preset = o.GetValueOrDefault("preset", "tiny");
        var clock = Stopwatch.StartNew();
        var pre = new VolumePreprocessor(new PreprocessOptions(new Spacing3(spacing, spacing, spacing)));
        var files = Directory.EnumerateFiles(o["images"], "*.nii*").Order(StringComparer.Ordinal).ToList();
        var volumes = new Volume[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => volumes[i] = pre.Process(NiftiReader.Read(files[i]).Volume).Volume);
        Console.WriteLine($"lowdata-prep pretrain: {files.Count} volumes preprocessed to {spacing} mm in {clock.Elapsed.TotalSeconds:F0} s");

        manual_seed(seed);
        var rng = new Random(seed);
        var size = new Shape3(patch, patch, patch);
        var sampler = new RandomPatchSampler(size);
        var masks = new BlockMaskGenerator(size, block);
        using var mae = SparkMae.FromPreset(preset);
        using var loss = new MaskedReconstructionLoss();
        var optOptions = new OptimizerOptions(Lr: lr);
        using var optimizer = OptimizerFactory.Create(mae.parameters(), optOptions);
        var schedule = new PolyLrSchedule(lr, steps);
        Tensor? x = null, m = null;
        var step = new TrainingStep(optimizer, () => loss.forward(mae.forward(x!, m!), x!, m!), schedule, optOptions);
        int g = patch / block;
        double first = double.NaN, last = double.NaN;
        for (long s = 0; s < steps; s++)
        {
            var img = new float[batch * size.Count];
            var vis = new float[batch * g * g * g];
            for (int b = 0; b < batch; b++)
            {
                var v = volumes[rng.Next(volumes.Length)];
                v.Crop(sampler.SampleOrigin(v.Shape, rng), size).Voxels.CopyTo(img, b * size.Count);
                var mask = masks.Generate(rng, ratio);
                for (int c = 0; c < mask.Visible.Length; c++) vis[b * mask.Visible.Length + c] = mask.Visible[c];
            }
            using (x = tensor(img, [batch, 1, patch, patch, patch]))
            using (m = tensor(vis, [batch, 1, g, g, g]))
            {
                var r = step.Run(s);
                if (s == 0) first = r.Loss;
                last = r.Loss;
                if ((s + 1) % 100 == 0) Console.WriteLine($"  step {s + 1}/{steps} loss {r.Loss:F4} lr {r.Lr:G3} ({clock.Elapsed.TotalSeconds:F0} s)");
            }
        }
        var store = new CheckpointStore(o["output"], keepLast: 1);
        string path = store.Save(Checkpoint.Capture(mae, optimizer, steps, schedule));
        Console.WriteLine($"lowdata-prep pretrain: {steps} steps, loss {first:F4} -> {last:F4}, {clock.Elapsed.TotalSeconds:F0} s -> {path}");
        return 0;
    }

    private static int I(Dictionary<string, string> o, string k, int d) => o.TryGetValue(k, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : d;

    private static double D(Dictionary<string, string> o, string k, double d) => o.TryGetValue(k, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : d;

    private static Dictionary<string, string> Parse(string[] args)
    {
        var o = new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{args[i]}'");
            string key = args[i][2..];
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) o[key] = args[++i];
            else o[key] = "true";
        }
        return o;
    }
}
