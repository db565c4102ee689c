using System.Globalization;
using System.Text.RegularExpressions;
using Spark3D.Data.Cache;
using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;
using Xunit.Abstractions;

namespace Spark3D.Host.Tests;

/// <summary>
/// Issue 5's real-process evidence: `spark3d preprocess --cluster` plus two `spark3d node` processes on 127.0.0.1;
/// one worker is killed (kill -9) mid-run. The coordinator must exit 0, show the re-queue, and leave a manifest that
/// lists each input exactly once, with every good volume's cache file readable and byte-identical to a local build,
/// and every bad file failed with its reason. Slow (~30 s): SPARK3D_SLOW_TESTS=1.
/// </summary>
public sealed partial class ClusterProcessTests(ITestOutputHelper log) : IDisposable
{
    private const int Good = 30;
    private readonly string _dir = Directory.CreateTempSubdirectory("cluster-proc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SlowFact]
    public void KillingAWorkerMidRun_LosesNothing_AndListsEachInputOnce()
    {
        string input = Path.Combine(_dir, "in"), output = Path.Combine(_dir, "out");
        Directory.CreateDirectory(input);
        var gen = new BrainPhantomGenerator(new PhantomOptions { Seed = 11 });
        Parallel.For(0, Good, i => NiftiWriter.Write(Path.Combine(input, $"v{i:D2}.nii.gz"), gen.Generate(i).Image));
        File.WriteAllBytes(Path.Combine(input, "bad_zero.nii"), []);
        File.WriteAllBytes(Path.Combine(input, "bad_trunc.nii.gz"), File.ReadAllBytes(Path.Combine(input, "v00.nii.gz"))[..500]);
        File.WriteAllText(Path.Combine(input, "bad_text.nii"), new string('x', 400));

        int port = Spark3DProcess.FreePort();
        string[] common = ["-D", "spark3d.cluster.stable-after=5s", "-D", "spark3d.cluster.acceptable-heartbeat-pause=2s"];
        using var coordinator = new Spark3DProcess("coordinator",
            ["preprocess", "--cluster", "--input", input, "--output", output, "--port", port.ToString(CultureInfo.InvariantCulture), "--work", "false", .. common]);
        string[] workerArgs = ["node", "--role", "preprocess", "--seed", $"127.0.0.1:{port}", "-D", "spark3d.cluster.worker-parallelism=1", .. common];
        using var victim = new Spark3DProcess("worker-1", workerArgs);
        using var survivor = new Spark3DProcess("worker-2", workerArgs);
        try
        {
            Assert.True(coordinator.WaitForLine(l => DoneCount(l) >= 6, TimeSpan.FromSeconds(60)), "the cluster never finished 6 volumes");
            Assert.False(victim.HasExited, "worker-1 exited before the kill");
            victim.Kill();
            log.WriteLine($"killed worker-1 at: {coordinator.Lines.Last(l => DoneCount(l) >= 0)}");

            Assert.True(coordinator.WaitForExit(TimeSpan.FromSeconds(120)), "coordinator did not finish");
            Assert.Equal(0, coordinator.ExitCode);
            Assert.True(survivor.WaitForExit(TimeSpan.FromSeconds(30)), "surviving worker did not exit");
            Assert.Equal(0, survivor.ExitCode);
        }
        finally
        {
            foreach (var p in new[] { coordinator, victim, survivor })
                log.WriteLine($"---- {p.Name}\n" + string.Join('\n', p.Lines.Where(l => !l.StartsWith("[INFO]", StringComparison.Ordinal) && !l.StartsWith("ERR [INFO]", StringComparison.Ordinal))));
        }

        // The progress view showed the re-queue of the killed worker's lease.
        Assert.Contains(coordinator.Lines, l => RequeuedCount(l) >= 1);

        Assert.Empty(Directory.GetFiles(output, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(Good, Directory.GetFiles(output, "*.s3d", SearchOption.AllDirectories).Length); // one cache file per good volume
        var lines = File.ReadAllLines(Path.Combine(output, "manifest.jsonl"));
        var entries = lines.Select(l => ManifestEntryJson.TryDeserialize(l)!).ToList();
        var ids = Directory.GetFiles(input).Select(f => VolumeIds.StripNiftiExtension(Path.GetFileName(f))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ids, entries.Select(e => e.Id).Order(StringComparer.Ordinal)); // each input exactly once
        var options = CacheBuildOptions.Default;
        string local = Path.Combine(_dir, "local");
        foreach (var e in entries)
        {
            if (e.Id.StartsWith("bad_", StringComparison.Ordinal))
            {
                Assert.Equal(ManifestStatus.Failed, e.Status);
                Assert.Contains("NiftiFormatException", e.Reason, StringComparison.Ordinal);
                continue;
            }
            Assert.Equal(ManifestStatus.Ok, e.Status);
            using var f = ChunkedVolumeFile.Open(Path.Combine(output, e.OutputFile!));
            Assert.Equal(e.NewShape, f.Shape);
            Assert.Equal((long)f.Shape.Count, f.ReadAll().Voxels.LongLength);
            if (e.Id is "v00" or "v15" or "v29")
            {
                // Same voxels as a local build (the z-score's parallel sums may differ in the last bits between processes).
                var mine = CacheVolumeBuilder.Build(new VolumeSource(e.Id, e.SourcePath), local, options);
                Assert.Equal(mine.ContentHash, e.ContentHash);
                using var expected = ChunkedVolumeFile.Open(Path.Combine(local, mine.OutputFile!));
                Assert.Equal(expected.Shape, f.Shape);
                Assert.Equal(expected.Affine, f.Affine);
                var (a, b) = (expected.ReadAll().Voxels, f.ReadAll().Voxels);
                Assert.True(a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1e-4f * (1 + Math.Abs(p.First))), $"{e.Id}: voxels differ from a local build");
            }
        }
    }

    private static int DoneCount(string line) => Number(DoneRegex(), line);

    private static int RequeuedCount(string line) => Number(RequeuedRegex(), line);

    private static int Number(Regex r, string line) =>
        r.Match(line) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;

    [GeneratedRegex(@"^cluster: done (\d+)")]
    private static partial Regex DoneRegex();

    [GeneratedRegex(@"^cluster: .*requeued (\d+)")]
    private static partial Regex RequeuedRegex();
}
