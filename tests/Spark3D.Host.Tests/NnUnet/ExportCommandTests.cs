using System.Diagnostics;
using System.Text.Json.Nodes;
using Spark3D.Host.FineTune;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Interop;
using Spark3D.Model.Mae;
using Spark3D.Model.Networks;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spark3D.Host.Tests.NnUnet;

/// <summary>`spark3d export` files load into the PyTorch twin of the network (Debian's torch 1.13) and give the same forward
/// pass; the nnunet layout has the names nnU-Net's network registers.</summary>
[Collection("Console")]
public sealed class ExportCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3d-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A fine-tuning run of the tiny preset with two input channels (MRI, CT) and three classes; weights
    /// perturbed so that every norm's weight and bias differ from their initial 1 and 0.</summary>
    private (string Run, ResidualEncoderUNet Net) FineTunedRun()
    {
        string run = Path.Combine(_dir, "run");
        manual_seed(11);
        var net = ResidualEncoderUNet.FromPreset("tiny", 2, 3);
        using (no_grad())
            foreach (var p in net.parameters()) p.add_(randn_like(p) * 0.1);
        new CheckpointStore(Path.Combine(run, "checkpoints"), 1).Save(Checkpoint.Capture(net, null, 7, includeTorchRng: false));
        new FineTunedModel
        {
            Preset = "tiny", NumClasses = 3, PatchSize = [32, 32, 32], TargetSpacing = [4, 4, 4],
            Labels = new() { [0] = "background", [1] = "a", [2] = "b" }, CheckpointDirectory = "checkpoints", ChannelNames = ["MRI", "CT"],
        }.Write(run);
        return (run, net);
    }

    /// <summary>input and the network's output on it, as a PyTorch file the checker reads.</summary>
    private string Reference(nn.Module<Tensor, Tensor> net, int channels)
    {
        manual_seed(12);
        var input = randn([1, channels, 32, 32, 32]);
        net.eval();
        Tensor outputTensor;
        using (no_grad()) outputTensor = net.forward(input);
        string file = Path.Combine(_dir, $"ref{channels}.pt");
        StateDictFiles.Write(new Dictionary<string, Tensor> { ["input"] = input, ["output"] = outputTensor }, file);
        return file;
    }

    [Fact]
    public void Pytorch_format_is_the_state_dict_the_twin_loads_strictly_with_the_same_forward_pass()
    {
        var (run, net) = FineTunedRun();
        string file = Path.Combine(_dir, "weights.pt");
        var (code, stdout, stderr) = ConsoleCapture.RunWithError("export", "--model", run, "--output", file, "--format", "pytorch");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("fine-tuned tiny network (step 7, 2 input channel(s), 3 output channel(s)", stdout, StringComparison.Ordinal);

        var result = Python("pytorch", file, Reference(net, 2), "tiny", "2", "3");
        double diff = result["max_abs_diff"]!.GetValue<double>();
        output.WriteLine($"pytorch export, tiny 2->3, 32^3: max abs diff {diff:E2}");
        Assert.InRange(diff, 0, 1e-4);
        Assert.Equal(ResEncWeights.FromStateDict(net.state_dict()).Count, result["tensors"]!.GetValue<int>());
    }

    [Fact]
    public void Nnunet_format_has_nnunets_checkpoint_layout_and_names_and_the_same_forward_pass()
    {
        var (run, net) = FineTunedRun();
        string file = Path.Combine(_dir, "checkpoint_final.pth");
        var (code, stdout, stderr) = ConsoleCapture.RunWithError("export", "--model", run, "--output", file, "--format", "nnunet");
        Assert.True(code == 0, stdout + stderr);

        var result = Python("nnunet", file, Reference(net, 2));
        double diff = result["max_abs_diff"]!.GetValue<double>();
        output.WriteLine($"nnunet export, tiny 2->3, 32^3: max abs diff {diff:E2}, {result["tensors"]} tensors with aliases");
        Assert.InRange(diff, 0, 1e-4);
        Assert.Equal("3d_fullres", result["configuration"]!.GetValue<string>());
        Assert.Equal("nnUNetTrainer", result["trainer_name"]!.GetValue<string>());
        Assert.Equal([0, 1, 2], result["mirroring"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal("CT", result["channel_names"]!["1"]!.GetValue<string>());
        Assert.Equal(["ZScoreNormalization", "CTNormalization"], result["normalization_schemes"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.True(result["tensors"]!.GetValue<int>() > 2 * ResEncWeights.FromStateDict(net.state_dict()).Count); // all_modules, decoder.encoder aliases
    }

    [Fact]
    public void A_pretraining_checkpoint_exports_its_network_without_the_spark_tensors()
    {
        manual_seed(13);
        using var mae = SparkMae.FromPreset("tiny");
        using (no_grad())
            foreach (var p in mae.parameters()) p.add_(randn_like(p) * 0.1);
        string ckpts = Path.Combine(_dir, "pretrain", "checkpoints");
        new CheckpointStore(ckpts, 1).Save(Checkpoint.Capture(mae, null, 5, includeTorchRng: false));
        string file = Path.Combine(_dir, "pretrained.pt");
        var (code, stdout, stderr) = ConsoleCapture.RunWithError("export", "--model", Path.Combine(_dir, "pretrain"), "--output", file);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("pre-trained tiny network (step 5, 1 input channel(s), 1 output channel(s)", stdout, StringComparison.Ordinal);
        var result = Python("pytorch", file, Reference(mae.Network, 1), "tiny", "1", "1");
        output.WriteLine($"pytorch export of a MAE checkpoint: max abs diff {result["max_abs_diff"]}");
        Assert.InRange(result["max_abs_diff"]!.GetValue<double>(), 0, 1e-4);
    }

    [Fact]
    public void Bad_requests_exit_2_naming_the_problem()
    {
        var (code, _, err) = ConsoleCapture.RunWithError("export", "--model", _dir, "--output", Path.Combine(_dir, "x.pt"));
        Assert.Equal(2, code);
        Assert.Contains("spark3d export:", err, StringComparison.Ordinal);
        var (run, _) = FineTunedRun();
        (code, _, err) = ConsoleCapture.RunWithError("export", "--model", run, "--output", Path.Combine(_dir, "x.pt"), "--format", "onnx");
        Assert.Equal(2, code);
        Assert.Contains("--format must be pytorch or nnunet, got 'onnx'", err, StringComparison.Ordinal);
    }

    private static JsonNode Python(params string[] args)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spark3D.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(dir.FullName, "tests", "python", "export_check.py"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("LD_PRELOAD");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python failed ({p.ExitCode}): {stderr}");
        return JsonNode.Parse(stdout.Result)!;
    }
}
