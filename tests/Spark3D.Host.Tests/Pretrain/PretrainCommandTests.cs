using System.Text.Json.Nodes;
using Spark3D.Data.Cache;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Devices.CpuIsa;
using Spark3D.Training.Feed;
using Spark3D.Training.RunFiles;

namespace Spark3D.Host.Tests.Pretrain;

/// <summary>`spark3d pretrain` end to end through Program.Main: the real actor pipeline, raw NIfTI phantoms preprocessed
/// on the fly, the tiny SparK MAE on CPU; then a rerun with more steps resumes from the checkpoint.</summary>
[Collection("Console")]
public sealed class PretrainCommandTests
{
    [Fact]
    public void Trains_writes_the_contract_files_and_resumes_up_to_the_new_step_count()
    {
        string root = PretrainTestData.TempDir("pretrain-e2e");
        try
        {
            string data = Path.Combine(root, "data"), run = Path.Combine(root, "run");
            PretrainTestData.WritePhantoms(data, 4);

            var (code, output, error) = ConsoleCapture.RunWithError(PretrainTestData.Args(run, data, 20));
            Assert.True(code == 0, $"exit {code}\n{output}\n{error}");

            // The oneDNN ISA guard's choice: the run's first line, and summary.json's "cpu".
            Assert.Equal(IsaGuard.Current.Line(), output.Split('\n')[0].TrimEnd('\r'));
            var summary = PretrainTestData.Summary(run);
            Assert.Equal(IsaGuard.Current.Source.Name(), (string)summary["cpu"]!["guard"]!);
            Assert.Equal(IsaGuard.Current.Cpu, (string)summary["cpu"]!["name"]!);
            Assert.Equal(20, (long)summary["step"]!);
            Assert.Equal(0, (int)summary["quarantined"]!);
            Assert.True(double.IsFinite((double)summary["loss_first"]!) && double.IsFinite((double)summary["loss_last"]!));

            var checkpoint = CheckpointStore.Read(Path.Combine(run, "checkpoints", "step-000020.ckpt"));
            Assert.Equal(20, checkpoint.Step);
            Assert.NotNull(checkpoint.OptimizerState);
            Assert.Contains("preset", checkpoint.ConfigText!, StringComparison.Ordinal);
            Assert.Equal(4, PipelineCursor.FromJson(checkpoint.DataCursorJson!).VolumeCount);

            foreach (string png in new[] { "step-000010.png", "step-000020.png" })
            {
                byte[] bytes = File.ReadAllBytes(Path.Combine(run, "reconstructions", png));
                Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{png} is not a PNG");
            }
            var events = Directory.GetFiles(Path.Combine(run, "tensorboard"), "events.out.tfevents.*");
            Assert.NotEmpty(events);
            Assert.True(events.Sum(f => new FileInfo(f).Length) > 20 * 4 * 20, "TensorBoard event files hold too little for 20 steps of scalars");
            Assert.True(File.Exists(Path.Combine(run, "config.conf")));

            // Rerun with more steps: resumes from step 20, trains 10 more.
            (code, output, error) = ConsoleCapture.RunWithError(PretrainTestData.Args(run, data, 30));
            Assert.True(code == 0, $"resume exit {code}\n{output}\n{error}");
            summary = PretrainTestData.Summary(run);
            Assert.Equal(30, (long)summary["step"]!);
            Assert.Equal(10, (long)summary["steps_this_run"]!);
            Assert.Equal(30, CheckpointStore.Read(Path.Combine(run, "checkpoints", "step-000030.ckpt")).Step);
            var consumed = ConsumedTrace.Read(Path.Combine(run, "consumed.jsonl"));
            Assert.Equal(Enumerable.Range(1, 30).Select(s => (long)s), consumed.Select(c => c.Step).Distinct().Order());

            // Loss falls over the whole (resumed) run: mean of steps 1-10 vs steps 21-30. Single-batch losses are noisy
            // (random crops, masks and batch order), so compare means over ten steps each.
            var losses = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!)
                .Select(n => (Step: (long)n["step"]!, Loss: (double)n["loss"]!))
                .GroupBy(x => x.Step).Select(g => g.Last()).OrderBy(x => x.Step).ToList();
            Assert.Equal(Enumerable.Range(1, 30).Select(s => (long)s), losses.Select(x => x.Step));
            double first = losses.Take(10).Average(x => x.Loss), last = losses.TakeLast(10).Average(x => x.Loss);
            Assert.True(last < first, $"loss did not fall: steps 1-10 {first:F4}, steps 21-30 {last:F4}");
            Assert.All(consumed.GroupBy(c => c.Step), g => Assert.Equal(2, g.Count()));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void While_the_live_table_is_shown_the_log_file_still_gets_a_plain_progress_line_per_interval()
    {
        string root = PretrainTestData.TempDir("pretrain-live-log");
        try
        {
            string data = Path.Combine(root, "data"), run = Path.Combine(root, "run");
            PretrainTestData.WritePhantoms(data, 2);
            var (code, output, error) = ConsoleCapture.RunWithError(PretrainTestData.Args(run, data, 12,
                "-D", "spark3d.telemetry.console=on", "-D", "spark3d.telemetry.plain-interval=100ms"));
            Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
            var progress = new System.Text.RegularExpressions.Regex(@"step \d+/12 loss ");
            Assert.DoesNotMatch(progress, output); // the console has the table, not the lines
            var lines = File.ReadAllLines(Path.Combine(run, RunFileNames.Log("pretrain")))
                .Where(l => l.Contains(" INFO spark3d.pretrain: step ", StringComparison.Ordinal) && progress.IsMatch(l)).ToList();
            Assert.True(lines.Count >= 2, $"{lines.Count} progress lines in pretrain.log:\n{string.Join('\n', lines)}");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void With_bf16_the_run_says_so_trains_and_its_checkpoint_holds_fp32_weights()
    {
        string root = PretrainTestData.TempDir("pretrain-bf16");
        try
        {
            string data = Path.Combine(root, "data"), run = Path.Combine(root, "run");
            PretrainTestData.WritePhantoms(data, 2);
            var (code, output, error) = ConsoleCapture.RunWithError(PretrainTestData.Args(run, data, 4, "-D", "spark3d.model.device.bf16=true"));
            Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
            // The first line is the CPU ISA decision; the run's header follows it.
            Assert.Contains("(2 threads, bf16)", output.Split('\n').First(l => l.StartsWith("spark3d pretrain:", StringComparison.Ordinal)), StringComparison.Ordinal);
            Assert.True(double.IsFinite((double)PretrainTestData.Summary(run)["loss_last"]!));
            var state = Model.Interop.TorchSharpStateDict.Read(CheckpointStore.Read(Path.Combine(run, "checkpoints", "step-000004.ckpt")).ModelState);
            Assert.All(state.Values, t => Assert.Equal(TorchSharp.torch.ScalarType.Float32, t.dtype));
            foreach (var t in state.Values) t.Dispose();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Bad_files_are_quarantined_with_reasons_and_an_injected_trainer_failure_restarts_the_trainer()
    {
        string root = PretrainTestData.TempDir("pretrain-bad");
        try
        {
            string data = Path.Combine(root, "data"), run = Path.Combine(root, "run");
            PretrainTestData.WritePhantoms(data, 3);
            var bad = PretrainTestData.WriteBadFiles(data, Path.Combine(data, "phantom-00000.nii"));

            var (code, output, error) = ConsoleCapture.RunWithError(PretrainTestData.Args(run, data, 6,
                "-D", "spark3d.pipeline.checkpoint-every=2", "-D", "spark3d.pretrain.inject-failure-at-step=4",
                "-D", "spark3d.pipeline.trainer-backoff.min=200ms", "-D", "spark3d.pipeline.trainer-backoff.max=1s"));
            Assert.True(code == 0, $"exit {code}\n{output}\n{error}");

            var quarantine = QuarantineLog.Read(Path.Combine(run, "quarantine.jsonl"));
            foreach (var (file, what) in bad)
            {
                // The id `spark3d preprocess` would give the file: its name without the NIfTI extension (VolumeIds).
                var entry = quarantine.SingleOrDefault(q => q.Id == VolumeIds.StripNiftiExtension(file));
                Assert.True(entry is not null, $"{file} ({what}) is not in quarantine.jsonl");
                Assert.False(string.IsNullOrWhiteSpace(entry!.Reason), $"{file} has no reason");
            }
            Assert.DoesNotContain(quarantine, q => q.Id.StartsWith("phantom-", StringComparison.Ordinal));

            var summary = PretrainTestData.Summary(run);
            Assert.Equal(6, (long)summary["step"]!);
            Assert.Equal(bad.Count, (int)summary["quarantined"]!);
            Assert.True((long)summary["restarts"]! >= 1, "the injected failure did not restart the trainer: " + summary.ToJsonString());
            Assert.True(File.ReadAllText(Path.Combine(run, "summary.json")).Length > 0);
            Assert.Contains(quarantine, q => q.Reason.Length > 0);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
