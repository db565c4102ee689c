using System.Diagnostics;
using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Segmentation;
using Spark3D.Host.FineTune;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Devices.CpuIsa;
using Spark3D.Model.Mae;
using static TorchSharp.torch;

namespace Spark3D.Host.Tests.FineTune;

/// <summary>One small labelled phantom data set, a MAE checkpoint and a short pre-trained fine-tuning run, shared by the tests.</summary>
public sealed class FineTuneFixture : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("s3d-ftcmd-").FullName;
    public string Data => Path.Combine(Root, "data");
    public string Pretrain => Path.Combine(Root, "pretrain");
    public string Run => Path.Combine(Root, "run");
    public (int Code, string Out, string Err) FineTuneResult { get; }

    /// <summary>4 mm data: phantoms at 4–5 mm, resampled to 4 mm, so every volume is about 45³ voxels.</summary>
    public static readonly string[] Coarse = ["-D", "spark3d.preprocess.target-spacing=[4,4,4]", "-D", "spark3d.pipeline.preprocessors=2"];

    public FineTuneFixture()
    {
        var gen = new BrainPhantomGenerator(new PhantomOptions { Seed = 5, MinSpacingMm = 4, MaxSpacingMm = 5, MaxVoxels = 91_125 });
        Directory.CreateDirectory(Path.Combine(Data, "imagesTr"));
        Directory.CreateDirectory(Path.Combine(Data, "labelsTr"));
        for (int i = 0; i < 2; i++)
        {
            var p = gen.Generate(i);
            NiftiWriter.Write(Path.Combine(Data, "imagesTr", $"ph{i}_0000.nii.gz"), p.Image);
            NiftiWriter.Write(Path.Combine(Data, "labelsTr", $"ph{i}.nii.gz"), p.Labels, NiftiDataType.UInt8);
        }
        SegmentationDataset.WriteNnUnetDatasetJson(Data, new Dictionary<int, string> { [0] = "background", [1] = "csf", [2] = "gm", [3] = "wm", [4] = "lesion" }, 2);
        manual_seed(1);
        using (var mae = SparkMae.FromPreset("tiny"))
            new CheckpointStore(Path.Combine(Pretrain, "checkpoints"), 1).Save(Checkpoint.Capture(mae, null, 50));
        FineTuneResult = ConsoleCapture.RunWithError([.. Coarse, "-D", "spark3d.finetune.validation.every-steps=4", "finetune", "--data", Data, "--run-dir", Run, "--steps", "8",
            "--pretrained", Path.Combine(Pretrain, "checkpoints", CheckpointStore.LatestPointerName), "--preset", "tiny", "--patch", "32", "--batch", "2"]);
    }

    public void Dispose() => Directory.Delete(Root, true);
}

[Collection("Console")]
public sealed class FinetunePredictCommandTests(FineTuneFixture fx) : IClassFixture<FineTuneFixture>
{
    [Fact]
    public void Finetune_reports_the_transfer_and_writes_what_predict_needs()
    {
        var (code, stdout, stderr) = fx.FineTuneResult;
        Assert.True(code == 0, stdout + stderr);
        Assert.Matches(@"weight transfer from .*: loaded [1-9]\d*, ", stdout);
        var model = FineTunedModel.Read(fx.Run);
        Assert.Equal(("tiny", 5), (model.Preset, model.NumClasses));
        Assert.Equal([32, 32, 32], model.PatchSize);
        Assert.Equal([4.0, 4, 4], model.TargetSpacing!);
        Assert.Equal("lesion", model.Labels[4]);
        Assert.Equal("sawtooth", model.Schedule!["kind"]!.GetValue<string>());
        Assert.Equal(8, new CheckpointStore(Path.Combine(fx.Run, "checkpoints"), 3).LoadLatest().Step);
        Assert.Contains("\"step\": 8", File.ReadAllText(Path.Combine(fx.Run, "summary.json")), StringComparison.Ordinal);
        // The oneDNN ISA guard's choice: first line, and summary.json's "cpu" (docs/cpu-numerics.md).
        Assert.StartsWith("cpu: ", stdout, StringComparison.Ordinal);
        var cpu = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(fx.Run, "summary.json")))!["cpu"]!;
        Assert.Equal(IsaGuard.Current.Source.Name(), (string)cpu["guard"]!);
    }

    [Fact]
    public void Finetune_records_its_split_validates_every_n_steps_keeps_checkpoint_best_tensorboard_and_a_log_file()
    {
        var (code, stdout, stderr) = fx.FineTuneResult;
        Assert.True(code == 0, stdout + stderr);
        // Two cases: one held out, recorded in nnU-Net's splits_final.json shape.
        var fold = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(fx.Run, "splits_final.json")))!.AsArray().Single()!;
        var train = fold["train"]!.AsArray().Select(n => (string)n!).ToList();
        var val = fold["val"]!.AsArray().Select(n => (string)n!).ToList();
        Assert.Equal(["ph0", "ph1"], train.Concat(val).Order());
        Assert.Single(val);
        // Validated at steps 4 and 8: metrics.jsonl has the pseudo-Dice (in [0, 1]) and the per-class Dice.
        var validations = File.ReadAllLines(Path.Combine(fx.Run, "metrics.jsonl")).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!)
            .Where(n => n["pseudo_dice_ema"] is not null).ToList();
        Assert.Equal([4L, 8L], validations.Select(n => (long)n["step"]!));
        Assert.All(validations, n => Assert.InRange((double?)n["pseudo_dice"] ?? 0, 0, 1));
        Assert.All(validations, n => Assert.True(n.AsObject().ContainsKey("dice_4")));
        // checkpoint_best exists, is a verified checkpoint of one of the validated steps, and is not pruned.
        var best = CheckpointStore.Read(Path.Combine(fx.Run, "checkpoints", CheckpointStore.BestFileName));
        Assert.Contains(best.Step, new long[] { 4, 8 });
        Assert.True(File.Exists(Path.Combine(fx.Run, "checkpoints", "validation.json")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(fx.Run, "tensorboard"), "events.out.tfevents.*"));
        // The run's log file holds the whole run, header first; the console got the summary with the pseudo-Dice.
        string log = File.ReadAllText(Path.Combine(fx.Run, "finetune.log"));
        Assert.Contains("---- spark3d", log, StringComparison.Ordinal);
        Assert.Contains("validation split: 1 train / 1 val", log, StringComparison.Ordinal);
        Assert.Contains("pseudo-dice", stdout, StringComparison.Ordinal);

        string input = Path.Combine(fx.Data, "imagesTr", "ph1_0000.nii.gz"), outDir = Path.Combine(fx.Root, "pred-best");
        var (pcode, pout, perr) = ConsoleCapture.RunWithError([.. FineTuneFixture.Coarse, "predict", "--model", fx.Run, "--input", input, "--output", outDir, "--checkpoint", "best"]);
        Assert.True(pcode == 0, pout + perr);
        Assert.Contains($"(model step {best.Step}, best checkpoint", pout, StringComparison.Ordinal);
        (pcode, _, perr) = ConsoleCapture.RunWithError("predict", "--model", fx.Run, "--input", input, "--output", outDir, "--checkpoint", "newest");
        Assert.NotEqual(0, pcode);
        (pcode, _, perr) = ConsoleCapture.RunWithError("-v", "-q", "info");
        Assert.NotEqual(0, pcode);
        Assert.Contains("at most one of --verbose and --quiet", perr, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_writes_a_label_map_on_the_input_grid_readable_by_nibabel()
    {
        string input = Path.Combine(fx.Data, "imagesTr", "ph1_0000.nii.gz"), outDir = Path.Combine(fx.Root, "pred");
        var (code, stdout, stderr) = ConsoleCapture.RunWithError([.. FineTuneFixture.Coarse, "predict", "--model", fx.Run, "--input", input, "--output", outDir, "--overlap", "0.25"]);
        Assert.True(code == 0, stdout + stderr);
        string output = Path.Combine(outDir, "ph1.nii.gz"); // channel suffix dropped: matches labelsTr/ph1.nii.gz
        var source = NiftiReader.Read(input).Volume;
        var result = NiftiReader.Read(output);
        Assert.Equal(NiftiDataType.UInt8, result.Header.DataType);
        Assert.Equal(source.Shape, result.Volume.Shape);
        Assert.Equal(source.Affine.ToArray(), result.Volume.Affine.ToArray(), (a, b) => Math.Abs(a - b) < 1e-4);
        Assert.All(result.Volume.Voxels, v => Assert.InRange(v, 0, 4));
        Assert.Equal("ok", NibabelSameGrid(input, output));
    }

    [Fact]
    public void Predict_saves_per_class_probabilities_on_the_input_grid_whose_argmax_is_the_label_map()
    {
        string input = Path.Combine(fx.Data, "imagesTr", "ph0_0000.nii.gz"), outDir = Path.Combine(fx.Root, "pred-prob");
        var (code, stdout, stderr) = ConsoleCapture.RunWithError([.. FineTuneFixture.Coarse, "predict", "--model", fx.Run, "--input", input,
            "--output", outDir, "--save-probabilities"]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("test-time mirroring on", stdout, StringComparison.Ordinal);
        var source = NiftiReader.Read(input).Volume;
        var labels = NiftiReader.Read(Path.Combine(outDir, "ph0.nii.gz")).Volume.Voxels;
        var maps = Enumerable.Range(0, 5).Select(k => NiftiReader.Read(Path.Combine(outDir, "probabilities", $"ph0_class{k}.nii.gz"))).ToArray();
        Assert.All(maps, m => Assert.Equal((NiftiDataType.Float32, source.Shape), (m.Header.DataType, m.Volume.Shape)));
        Assert.All(maps, m => Assert.Equal(source.Affine.ToArray(), m.Volume.Affine.ToArray(), (a, b) => Math.Abs(a - b) < 1e-4));
        int agree = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            float sum = 0, best = -1;
            int arg = 0;
            for (int k = 0; k < maps.Length; k++)
            {
                float p = maps[k].Volume.Voxels[i];
                sum += p;
                if (p > best) { best = p; arg = k; }
            }
            Assert.InRange(sum, 0.999f, 1.001f);
            if (arg == (int)labels[i]) agree++;
        }
        Assert.True(agree >= labels.Length - 5, $"argmax of the saved probabilities matches the labels at {agree} of {labels.Length} voxels");

        // Without test-time mirroring the probabilities differ (fewer network passes, other average).
        string plainDir = Path.Combine(fx.Root, "pred-prob-plain");
        (code, stdout, stderr) = ConsoleCapture.RunWithError([.. FineTuneFixture.Coarse, "-D", "spark3d.predict.test-time-mirroring=off", "predict",
            "--model", fx.Run, "--input", input, "--output", plainDir, "--save-probabilities"]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("test-time mirroring off", stdout, StringComparison.Ordinal);
        Assert.NotEqual(maps[1].Volume.Voxels, NiftiReader.Read(Path.Combine(plainDir, "probabilities", "ph0_class1.nii.gz")).Volume.Voxels);
    }

    [Fact]
    public void Predict_round_trips_a_real_mricron_template()
    {
        const string ch2 = "/usr/share/mricron/templates/ch2.nii.gz";
        Assert.True(File.Exists(ch2), "mricron-data is missing (scripts/test.sh installs it)");
        string outDir = Path.Combine(fx.Root, "pred-ch2");
        var (code, stdout, stderr) = ConsoleCapture.RunWithError([.. FineTuneFixture.Coarse, "predict", "--model", fx.Run, "--input", ch2, "--output", outDir]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Equal("ok", NibabelSameGrid(ch2, Path.Combine(outDir, "ch2.nii.gz")));
    }

    [Fact]
    public void Bad_requests_fail_with_a_clear_message()
    {
        var (code, _, err) = ConsoleCapture.RunWithError("finetune", "--data", fx.Data, "--run-dir", Path.Combine(fx.Root, "bad"), "--steps", "4");
        Assert.Equal(2, code);
        Assert.Contains("exactly one of --pretrained CKPT or --from-scratch", err, StringComparison.Ordinal);

        string small = Path.Combine(fx.Root, "small-mae");
        using (var mae = SparkMae.FromPreset("small"))
            new CheckpointStore(small, 1).Save(Checkpoint.Capture(mae, null, 1, includeTorchRng: false));
        (code, _, err) = ConsoleCapture.RunWithError([.. FineTuneFixture.Coarse, "finetune", "--data", fx.Data, "--run-dir", Path.Combine(fx.Root, "bad2"),
            "--steps", "4", "--pretrained", small, "--preset", "tiny", "--patch", "32"]);
        Assert.Equal(2, code);
        Assert.Contains("no weight fits a 'tiny' network", err, StringComparison.Ordinal);

        (code, _, err) = ConsoleCapture.RunWithError("predict", "--model", fx.Data, "--input", Path.Combine(fx.Data, "imagesTr"), "--output", Path.Combine(fx.Root, "p"));
        Assert.Equal(2, code);
        Assert.Contains("model.json missing", err, StringComparison.Ordinal);
    }

    [Fact]
    public void From_scratch_runs_with_the_nnunet_schedule()
    {
        string run = Path.Combine(fx.Root, "scratch");
        var (code, stdout, stderr) = ConsoleCapture.RunWithError([.. FineTuneFixture.Coarse, "finetune", "--data", fx.Data, "--run-dir", run, "--steps", "3",
            "--from-scratch", "--preset", "tiny", "--patch", "32"]);
        Assert.True(code == 0, stdout + stderr);
        var model = FineTunedModel.Read(run);
        Assert.Null(model.Pretrained);
        Assert.Equal("poly", model.Schedule!["kind"]!.GetValue<string>());
        Assert.Equal(0.01, model.Schedule!["lr0"]!.GetValue<double>());
    }

    [Fact]
    public void With_bf16_finetune_and_predict_compute_in_bf16_and_say_so()
    {
        string run = Path.Combine(fx.Root, "bf16"), outDir = Path.Combine(fx.Root, "pred-bf16");
        string[] bf16 = [.. FineTuneFixture.Coarse, "-D", "spark3d.model.device.bf16=true"];
        var (code, stdout, stderr) = ConsoleCapture.RunWithError([.. bf16, "finetune", "--data", fx.Data, "--run-dir", run, "--steps", "3",
            "--from-scratch", "--preset", "tiny", "--patch", "32"]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("device cpu, bf16", stdout, StringComparison.Ordinal);
        (code, stdout, stderr) = ConsoleCapture.RunWithError([.. bf16, "predict", "--model", run, "--input", Path.Combine(fx.Data, "imagesTr", "ph0_0000.nii.gz"),
            "--output", outDir]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("bf16", stdout, StringComparison.Ordinal);
        var labels = NiftiReader.Read(Path.Combine(outDir, "ph0.nii.gz")).Volume;
        Assert.All(labels.Voxels, v => Assert.InRange(v, 0, 4));
    }

    [Fact]
    public void Finetune_and_predict_are_refused_with_exit_2_when_memory_is_short()
    {
        string[] short64 = [.. FineTuneFixture.Coarse, "-D", "spark3d.model.device.memory-available=64MiB"];
        var (code, _, err) = ConsoleCapture.RunWithError([.. short64, "finetune", "--data", fx.Data, "--run-dir", Path.Combine(fx.Root, "short"),
            "--steps", "3", "--from-scratch", "--preset", "tiny", "--patch", "32"]);
        Assert.Equal(2, code);
        Assert.Contains("spark3d finetune: not enough memory: tiny, patch 32×32×32, batch 2, fp32 on cpu needs about ", err, StringComparison.Ordinal);
        Assert.Contains("64 MiB is available", err, StringComparison.Ordinal);
        (code, _, err) = ConsoleCapture.RunWithError([.. short64, "predict", "--model", fx.Run, "--input", Path.Combine(fx.Data, "imagesTr"),
            "--output", Path.Combine(fx.Root, "pred-short")]);
        Assert.Equal(2, code);
        Assert.Contains("spark3d predict: not enough memory: tiny, patch 32×32×32, batch 1, fp32 on cpu", err, StringComparison.Ordinal);
    }

    /// <summary>nibabel (Debian's python) compares shape and affine of the two files; prints "ok" or the difference.</summary>
    private static string NibabelSameGrid(string input, string output)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import sys, numpy as np, nibabel as nib\n" +
                             "a, b = nib.load(sys.argv[1]), nib.load(sys.argv[2])\n" +
                             "d = np.asanyarray(b.dataobj)\n" +
                             "ok = a.shape[:3] == b.shape and np.allclose(a.affine, b.affine, atol=1e-4) and d.dtype == np.uint8\n" +
                             "print('ok' if ok else f'{a.shape} {b.shape} {a.affine} {b.affine} {d.dtype}')");
        psi.ArgumentList.Add(input);
        psi.ArgumentList.Add(output);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? stdout.Trim() : "python failed: " + stderr;
    }
}
