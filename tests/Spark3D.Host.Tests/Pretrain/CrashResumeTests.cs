using System.Diagnostics;
using Spark3D.Model.Checkpoints;
using Spark3D.Training.RunFiles;
using Xunit.Abstractions;

namespace Spark3D.Host.Tests.Pretrain;

/// <summary>
/// Crash test with real processes (slow; runs only with SPARK3D_SLOW_TESTS=1): `spark3d pretrain` is killed with SIGKILL at
/// three random moments and rerun each time. Afterwards the run must have resumed from its last checkpoint, reached the
/// requested step count, seen every volume exactly once per completed epoch (consumed.jsonl), and no checkpoint file may
/// ever have been unreadable.
/// </summary>
public sealed class CrashResumeTests(ITestOutputHelper log)
{
    private const int Steps = 60;

    [Fact]
    public void Killed_three_times_then_resumed_reaches_the_step_count_without_repeating_or_skipping_volumes()
    {
        if (Environment.GetEnvironmentVariable("SPARK3D_SLOW_TESTS") != "1") return;
        string root = PretrainTestData.TempDir("pretrain-crash");
        try
        {
            string data = Path.Combine(root, "data"), run = Path.Combine(root, "run");
            PretrainTestData.WritePhantoms(data, 6);
            string[] args = PretrainTestData.Args(run, data, Steps, "-D", "spark3d.pipeline.checkpoint-every=3");
            var random = new Random();
            for (int kill = 1; kill <= 3; kill++)
            {
                using var process = Start(args);
                int delayMs = random.Next(6_000, 25_000);
                bool exited = process.WaitForExit(delayMs);
                Assert.False(exited, $"the run finished before kill {kill} ({delayMs} ms); raise {nameof(Steps)}");
                process.Kill(entireProcessTree: true); // SIGKILL: no shutdown hooks run
                process.WaitForExit();
                long latest = AssertAllCheckpointsReadable(run);
                log.WriteLine($"kill {kill} after {delayMs} ms: latest checkpoint step {latest}");
            }

            long resumedFrom = AssertAllCheckpointsReadable(run);
            using (var final = Start(args))
            {
                Assert.True(final.WaitForExit(TimeSpan.FromMinutes(8)), "the final run did not finish");
                Assert.Equal(0, final.ExitCode);
            }
            var summary = PretrainTestData.Summary(run);
            log.WriteLine(summary.ToJsonString());
            Assert.Equal(Steps, (long)summary["step"]!);
            Assert.Equal(Steps - resumedFrom, (long)summary["steps_this_run"]!);
            Assert.Equal(Steps, AssertAllCheckpointsReadable(run));

            // consumed.jsonl: each step trained once on a full batch; within an epoch no volume twice; completed epochs cover all.
            var consumed = ConsumedTrace.Read(Path.Combine(run, "consumed.jsonl"));
            Assert.Equal(Enumerable.Range(1, Steps).Select(s => (long)s), consumed.Select(c => c.Step).Distinct().Order());
            Assert.All(consumed.GroupBy(c => c.Step), g => Assert.Equal(2, g.Count()));
            var epochs = consumed.GroupBy(c => c.Epoch).OrderBy(g => g.Key).ToList();
            foreach (var epoch in epochs)
            {
                var ids = epoch.Select(c => c.Id).ToList();
                Assert.True(ids.Count == ids.Distinct().Count(), $"epoch {epoch.Key} repeats a volume: {string.Join(", ", ids)}");
                if (epoch.Key < epochs[^1].Key) Assert.Equal(6, ids.Count);
            }
            log.WriteLine($"resumed from {resumedFrom}; epochs {epochs.Count}; consumed {consumed.Count}");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = false, RedirectStandardError = false, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "spark3d.dll"));
        foreach (string a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start spark3d");
    }

    /// <summary>Reads every checkpoint file (checksum verified); returns the newest step (0 when none).</summary>
    private static long AssertAllCheckpointsReadable(string run)
    {
        string dir = Path.Combine(run, "checkpoints");
        if (!Directory.Exists(dir)) return 0;
        var store = new CheckpointStore(dir, 3);
        long latest = 0;
        foreach (var file in store.List())
        {
            var c = CheckpointStore.Read(file.Path); // throws CorruptCheckpointException when unreadable
            Assert.Equal(file.Step, c.Step);
            latest = Math.Max(latest, c.Step);
        }
        return latest;
    }
}
