using Spark3D.Model.Checkpoints;
using Spark3D.Model.Mae;
using Spark3D.Training.Engines;
using static TorchSharp.torch;

namespace Spark3D.Training.Tests.Engines;

/// <summary>What `--pretrained` accepts: the `latest` pointer users tab-complete to, a checkpoints folder, a run folder and
/// a checkpoint file all name the same checkpoint; a corrupt checkpoint file keeps its clear error.</summary>
public sealed class PretrainedPathTests : IDisposable
{
    private readonly string _run = Directory.CreateTempSubdirectory("s3d-pretrained-path-").FullName;

    public void Dispose() => Directory.Delete(_run, true);

    private string Checkpoints => Path.Combine(_run, "checkpoints");

    private void SaveSteps(params long[] steps)
    {
        manual_seed(3);
        using var mae = SparkMae.FromPreset("tiny");
        var store = new CheckpointStore(Checkpoints, keepLast: 10);
        foreach (long step in steps) store.Save(Checkpoint.Capture(mae, null, step, includeTorchRng: false));
    }

    [Fact]
    public void The_latest_pointer_a_checkpoints_folder_a_run_folder_and_the_file_resolve_to_the_newest_checkpoint()
    {
        SaveSteps(10, 20);
        string latest = Path.Combine(Checkpoints, CheckpointStore.LatestPointerName);
        Assert.True(new FileInfo(latest).Length < 64, "the pointer is a short text file");
        Assert.True(CheckpointStore.IsPointerFile(latest, out var name));
        Assert.Equal("step-000020.ckpt", name);

        foreach (string path in new[] { latest, Checkpoints, _run, Path.Combine(Checkpoints, "step-000020.ckpt") })
            Assert.Equal(20, PretrainedWeights.ReadCheckpoint(path).Step);
        Assert.Equal(10, PretrainedWeights.ReadCheckpoint(Path.Combine(Checkpoints, "step-000010.ckpt")).Step);
    }

    [Fact]
    public void A_pointer_whose_checkpoint_does_not_verify_falls_back_with_a_warning_like_its_folder()
    {
        SaveSteps(10, 20);
        File.WriteAllBytes(Path.Combine(Checkpoints, "step-000020.ckpt"), new byte[100]);
        var warnings = new List<string>();
        var checkpoint = PretrainedWeights.ReadCheckpoint(Path.Combine(Checkpoints, "latest"), warnings.Add);
        Assert.Equal(10, checkpoint.Step);
        Assert.Contains(warnings, w => w.Contains("step-000020.ckpt", StringComparison.Ordinal) && w.Contains("corrupt", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("step-000030.ckpt")]
    [InlineData("latest")]
    public void A_corrupt_file_keeps_its_corrupt_checkpoint_error(string fileName)
    {
        SaveSteps(10);
        string bad = Path.Combine(_run, fileName);
        File.WriteAllText(bad, "not a checkpoint\n"); // 17 bytes, like the failure in issue 10, but not a pointer
        Assert.False(CheckpointStore.IsPointerFile(bad, out _));
        var e = Assert.Throws<CorruptCheckpointException>(() => PretrainedWeights.ReadCheckpoint(bad));
        Assert.Contains("truncated while reading magic (file is 17 bytes)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_path_is_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => PretrainedWeights.ReadCheckpoint(Path.Combine(_run, "nope")));
    }
}
