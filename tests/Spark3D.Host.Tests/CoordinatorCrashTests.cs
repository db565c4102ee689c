using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Spark3D.Data.Cache;
using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;
using Xunit.Abstractions;

namespace Spark3D.Host.Tests;

/// <summary>
/// Issue 15's coordinator crash, with real processes on 127.0.0.1: `spark3d preprocess --cluster` (workers only) and a
/// `spark3d node`; the coordinator is killed with SIGKILL once some but not all volumes are journaled, then started
/// again on the same output folder with a new worker. The rerun must resume from the journal (the volumes journaled
/// before the kill are skipped, not redone), every input must be listed exactly once at the end, and the orphaned
/// worker must stop with exit code 5 and say why (it does not rejoin: the restarted coordinator is a new cluster).
/// Runs in the default suite: about 30 s on two busy cores.
/// </summary>
public sealed partial class CoordinatorCrashTests(ITestOutputHelper log) : IDisposable
{
    private const int Volumes = 24;
    private const int JournaledBeforeKill = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("coordinator-crash-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_coordinator_killed_mid_job_resumes_from_its_journal_and_lists_every_input_once()
    {
        var clock = Stopwatch.StartNew();
        string input = Path.Combine(_dir, "in"), output = Path.Combine(_dir, "out"), manifest = Path.Combine(output, "manifest.jsonl");
        Directory.CreateDirectory(input);
        var gen = new BrainPhantomGenerator(new PhantomOptions { Seed = 15, MaxVoxels = 200_000 }); // small: ~0.3 s a volume
        Parallel.For(0, Volumes, i => NiftiWriter.Write(Path.Combine(input, $"v{i:D2}.nii.gz"), gen.Generate(i).Image));

        string port = Spark3DProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        string[] common =
        [
            "-D", "spark3d.cluster.stable-after=5s", "-D", "spark3d.cluster.acceptable-heartbeat-pause=2s",
            "-D", "spark3d.telemetry.prometheus.enabled=off",
        ];
        string[] coordinatorArgs = ["preprocess", "--cluster", "--input", input, "--output", output, "--port", port, "--work", "false", .. common];
        string[] workerArgs = ["node", "--role", "preprocess", "--seed", $"127.0.0.1:{port}", "-D", "spark3d.cluster.worker-parallelism=1", .. common];

        using var first = new Spark3DProcess("coordinator-1", coordinatorArgs);
        using var orphan = new Spark3DProcess("worker-1", workerArgs);
        Spark3DProcess? second = null, worker = null;
        try
        {
            Assert.True(WaitFor(() => Journaled(manifest).Count >= JournaledBeforeKill || first.HasExited, TimeSpan.FromSeconds(60)),
                $"fewer than {JournaledBeforeKill} volumes journaled in 60 s");
            Assert.False(first.HasExited, "the first coordinator exited before the kill");
            first.Kill(); // SIGKILL: no shutdown, no compaction, no last flush
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(10)));
            var atKill = Journaled(manifest);
            log.WriteLine($"killed coordinator-1 at {clock.Elapsed.TotalSeconds:0.0} s with {atKill.Count} volumes journaled");
            Assert.InRange(atKill.Count, JournaledBeforeKill, Volumes - 1); // mid-job: some, not all

            second = new Spark3DProcess("coordinator-2", coordinatorArgs);
            worker = new Spark3DProcess("worker-2", workerArgs);

            // The orphaned worker stops on its own, with the documented code and a message that says what to do.
            Assert.True(orphan.WaitForExit(TimeSpan.FromSeconds(60)), "the orphaned worker did not stop");
            Assert.Equal(5, orphan.ExitCode);
            Assert.Contains(orphan.Lines, l => l.Contains("the coordinator is gone or never answered", StringComparison.Ordinal)
                                               && l.Contains("exit code 5", StringComparison.Ordinal));

            Assert.True(second.WaitForExit(TimeSpan.FromSeconds(90)), "the restarted coordinator did not finish");
            Assert.Equal(0, second.ExitCode);
            Assert.True(worker.WaitForExit(TimeSpan.FromSeconds(30)), "the new worker did not exit");
            Assert.Equal(0, worker.ExitCode);

            // Resumed: the rerun skipped exactly what the killed run had journaled and built only the rest.
            var summary = second.Lines.Select(l => SummaryRegex().Match(l)).Single(m => m.Success);
            Assert.Equal(
                (Volumes, Volumes - atKill.Count, 0, atKill.Count),
                (Int(summary, "total"), Int(summary, "done"), Int(summary, "failed"), Int(summary, "skipped")));

            // Every input exactly once, each ok with a cache file; the journaled ones still carry their first-run entry.
            var entries = File.ReadAllLines(manifest).Select(l => ManifestEntryJson.TryDeserialize(l)!).ToList();
            Assert.Equal(Enumerable.Range(0, Volumes).Select(i => $"v{i:D2}"), entries.Select(e => e.Id).Order(StringComparer.Ordinal));
            Assert.All(entries, e => Assert.Equal(ManifestStatus.Ok, e.Status));
            Assert.All(entries, e => Assert.True(File.Exists(Path.Combine(output, e.OutputFile!)), $"{e.OutputFile} missing"));
            foreach (var (id, before) in atKill)
                Assert.Equal(before.TimestampUtc, entries.Single(e => e.Id == id).TimestampUtc);
            Assert.Equal(Volumes, Directory.GetFiles(output, "*.s3d", SearchOption.AllDirectories).Length);
            log.WriteLine($"whole test {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            foreach (var p in new[] { first, orphan, second, worker })
            {
                if (p is null) continue;
                log.WriteLine($"---- {p.Name}\n" + string.Join('\n', p.Lines.Where(Shown)));
            }
            second?.Dispose();
            worker?.Dispose();
        }
    }

    /// <summary>The ok entries of the journal as it is on disk now (a torn last line is left out, as on a restart).</summary>
    private static Dictionary<string, ManifestEntry> Journaled(string manifest)
    {
        if (!File.Exists(manifest)) return [];
        using var m = DatasetManifest.Load(manifest);
        return m.LatestById.Where(kv => kv.Value.Status == ManifestStatus.Ok).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(50);
        }
        return condition();
    }

    private static bool Shown(string line) =>
        !line.StartsWith("[INFO]", StringComparison.Ordinal) && !line.StartsWith("ERR [INFO]", StringComparison.Ordinal)
        && !line.Contains("AssociationError", StringComparison.Ordinal) && !line.Contains("Tried to associate", StringComparison.Ordinal);

    private static int Int(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^spark3d preprocess --cluster: (?<total>\d+) volumes: done (?<done>\d+), failed (?<failed>\d+), skipped (?<skipped>\d+)")]
    private static partial Regex SummaryRegex();
}
