using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spark3D.Data.Nifti;
using Spark3D.Host.FineTune;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Mae;
using Spark3D.Tests.Shared;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spark3D.Host.Tests.NnUnet;

/// <summary>A two-channel (MRI, CT) nnU-Net data set fine-tuned from a single-channel MAE checkpoint, predicted,
/// evaluated and exported; CT statistics checked against numpy.</summary>
public sealed class MultiChannelFixture : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("s3d-mc-").FullName;
    public string Data => Path.Combine(Root, "Dataset002_TwoChannels");
    public string Run => Path.Combine(Root, "run");
    public (int Code, string Out, string Err) FineTune { get; }

    public static readonly string[] Coarse = ["-D", "spark3d.preprocess.target-spacing=[4,4,4]", "-D", "spark3d.pipeline.preprocessors=2"];

    public MultiChannelFixture()
    {
        NnUnetPhantoms.Write(Data, 2, "MRI", "CT");
        manual_seed(3);
        using (var mae = SparkMae.FromPreset("tiny"))
            new CheckpointStore(Path.Combine(Root, "pretrain", "checkpoints"), 1).Save(Checkpoint.Capture(mae, null, 10, includeTorchRng: false));
        FineTune = ConsoleCapture.RunWithError([.. Coarse, "finetune", "--data", Data, "--run-dir", Run, "--steps", "4",
            "--pretrained", Path.Combine(Root, "pretrain"), "--preset", "tiny", "--patch", "32", "--batch", "2", "--device", "cpu"]);
    }

    public void Dispose() => Directory.Delete(Root, true);
}

[Collection("Console")]
public sealed class MultiChannelFineTuneTests(MultiChannelFixture fx, ITestOutputHelper output) : IClassFixture<MultiChannelFixture>
{
    [Fact]
    public void Finetune_builds_a_two_channel_network_and_says_the_stem_was_repeated_across_channels()
    {
        var (code, stdout, stderr) = fx.FineTune;
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("channels MRI, CT", stdout, StringComparison.Ordinal);
        Assert.Contains("repeated across the input channels and divided by their number: encoder.stem.convs.0.conv.weight (1 → 2 channels)", stdout, StringComparison.Ordinal);
        var model = FineTunedModel.Read(fx.Run);
        Assert.Equal(["MRI", "CT"], model.ChannelNames!);
        Assert.Null(model.CtIntensityProperties![0]);
        Assert.NotNull(model.CtIntensityProperties[1]);
        var ckpt = new CheckpointStore(Path.Combine(fx.Run, "checkpoints"), 3).LoadLatest();
        var stem = Spark3D.Model.Interop.TorchSharpStateDict.Read(ckpt.ModelState)["encoder.stem.convs.0.conv.weight"];
        Assert.Equal(2, stem.shape[1]);
    }

    [Fact]
    public void Ct_statistics_in_model_json_match_numpy_over_the_training_foreground()
    {
        Assert.True(fx.FineTune.Code == 0, fx.FineTune.Out + fx.FineTune.Err);
        var ct = FineTunedModel.Read(fx.Run).CtIntensityProperties![1]!;
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("""
            import sys, json, glob, numpy as np, nibabel as nib
            root = sys.argv[1]
            pooled = []
            for lab in sorted(glob.glob(root + '/labelsTr/*.nii.gz')):
                case = lab.split('/')[-1][:-7]
                img = np.asarray(nib.load(f'{root}/imagesTr/{case}_0001.nii.gz').dataobj, dtype=np.float32).ravel(order='F')
                seg = np.rint(np.asarray(nib.load(lab).dataobj)).ravel(order='F')
                fg = img[seg > 0]
                if len(fg) > 10000:
                    stride = len(fg) / 10000
                    fg = fg[[int(i * stride) for i in range(10000)]]
                pooled.append(fg.astype(np.float64))
            v = np.concatenate(pooled)
            print(json.dumps(dict(mean=float(v.mean()), std=float(v.std()), p005=float(np.percentile(v, 0.5)), p995=float(np.percentile(v, 99.5)), n=len(v))))
            """);
        psi.ArgumentList.Add(fx.Data);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr);
        var numpy = JsonNode.Parse(stdout)!;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CT stats ours: mean {ct.Mean:0.####} std {ct.Std:0.####} p0.5 {ct.Percentile005:0.####} p99.5 {ct.Percentile995:0.####}; numpy: {stdout.Trim()}"));
        Assert.Equal(numpy["mean"]!.GetValue<double>(), ct.Mean, 3);
        Assert.Equal(numpy["std"]!.GetValue<double>(), ct.Std, 3);
        Assert.Equal(numpy["p005"]!.GetValue<double>(), ct.Percentile005, 3);
        Assert.Equal(numpy["p995"]!.GetValue<double>(), ct.Percentile995, 3);
    }

    [Fact]
    public void Predict_takes_each_case_with_its_channels_and_evaluate_reads_the_names_from_dataset_json()
    {
        Assert.True(fx.FineTune.Code == 0, fx.FineTune.Out + fx.FineTune.Err);
        string pred = Path.Combine(fx.Root, "pred");
        var (code, stdout, stderr) = ConsoleCapture.RunWithError([.. MultiChannelFixture.Coarse, "predict", "--model", fx.Run,
            "--input", Path.Combine(fx.Data, "imagesTr"), "--output", pred]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("ph0_0000.nii.gz + ", stdout, StringComparison.Ordinal);
        Assert.Equal(["ph0.nii.gz", "ph1.nii.gz"], Directory.GetFiles(pred).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var image = NiftiReader.Read(Path.Combine(fx.Data, "imagesTr", "ph0_0000.nii.gz")).Volume;
        Assert.Equal(image.Shape, NiftiReader.Read(Path.Combine(pred, "ph0.nii.gz")).Volume.Shape);

        (code, stdout, stderr) = ConsoleCapture.RunWithError("evaluate", "--pred", pred, "--ref", Path.Combine(fx.Data, "labelsTr"), "--json", "--no-hd95");
        Assert.True(code == 0, stdout + stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(["1", "2", "3", "4"], json["mean"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal("lesion", json["label_names"]!["4"]!.GetValue<string>());

        // A missing channel file is named.
        string partial = Path.Combine(fx.Root, "partial");
        Directory.CreateDirectory(partial);
        File.Copy(Path.Combine(fx.Data, "imagesTr", "ph0_0000.nii.gz"), Path.Combine(partial, "ph0_0000.nii.gz"));
        (code, _, stderr) = ConsoleCapture.RunWithError([.. MultiChannelFixture.Coarse, "predict", "--model", fx.Run, "--input", partial, "--output", pred]);
        Assert.Equal(2, code);
        Assert.Contains("ph0_0001.nii.gz: channel file missing", stderr, StringComparison.Ordinal);
    }
}
