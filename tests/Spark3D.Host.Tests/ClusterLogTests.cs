using System.Globalization;
using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;
using Xunit.Abstractions;

namespace Spark3D.Host.Tests;

/// <summary>
/// The cluster commands' logs, from real processes: `spark3d preprocess --cluster` writes coordinator.log and each
/// `spark3d node` its worker-HOST-PORT.log into the output folder; a corrupt input is one warning line on the worker's
/// console and its stack trace in the worker's file; --quiet leaves the console warnings only.
/// </summary>
public sealed class ClusterLogTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cluster-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Coordinator_and_worker_each_write_a_log_file_and_a_corrupt_volume_is_one_warning_line_with_the_trace_in_the_file()
    {
        string input = Path.Combine(_dir, "in"), cache = Path.Combine(_dir, "out");
        Directory.CreateDirectory(input);
        var gen = new BrainPhantomGenerator(new PhantomOptions { Seed = 3, FieldOfViewMm = 96, HeadLengthMinMm = 70, HeadLengthMaxMm = 85, MinSpacingMm = 3, MaxSpacingMm = 3 });
        for (int i = 0; i < 2; i++) NiftiWriter.Write(Path.Combine(input, $"v{i}.nii.gz"), gen.Generate(i).Image);
        File.WriteAllText(Path.Combine(input, "bad_text.nii"), new string('x', 400));

        int port = Spark3DProcess.FreePort();
        string[] common = ["-D", "spark3d.cluster.stable-after=2s", "-D", "spark3d.telemetry.prometheus.enabled=off",
            "-D", "spark3d.preprocess.target-spacing=[3,3,3]"];
        using var coordinator = new Spark3DProcess("coordinator",
            ["preprocess", "--cluster", "--input", input, "--output", cache, "--port", port.ToString(CultureInfo.InvariantCulture), "--work", "false", .. common]);
        using var worker = new Spark3DProcess("worker",
            ["node", "--role", "preprocess", "--seed", $"127.0.0.1:{port}", "--quiet", "-D", "spark3d.cluster.worker-parallelism=1", .. common]);
        try
        {
            Assert.True(coordinator.WaitForExit(TimeSpan.FromSeconds(90)), "coordinator did not finish");
            Assert.Equal(0, coordinator.ExitCode);
            Assert.True(worker.WaitForExit(TimeSpan.FromSeconds(30)), "worker did not exit");
            Assert.Equal(0, worker.ExitCode);
        }
        finally
        {
            foreach (var p in new[] { coordinator, worker }) output.WriteLine($"---- {p.Name}\n{p.Output}");
        }

        // The worker ran with --quiet: no result or progress lines on its console, only warnings; the failure is one line.
        Assert.DoesNotContain(worker.Lines, l => l.Contains("spark3d node: ", StringComparison.Ordinal));
        string failure = Assert.Single(worker.Lines, l => l.Contains("bad_text", StringComparison.Ordinal));
        Assert.StartsWith("ERR warning: ", failure, StringComparison.Ordinal);
        Assert.Contains("Item 'bad_text' failed: NiftiFormatException: ", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(worker.Lines, l => l.Contains("   at ", StringComparison.Ordinal));

        string workerLog = File.ReadAllText(Assert.Single(Directory.GetFiles(cache, "worker-127.0.0.1-*.log")));
        Assert.Contains("---- spark3d node --role preprocess", workerLog, StringComparison.Ordinal); // the header
        Assert.Contains(" INFO spark3d.node: spark3d node: worker akka.tcp://spark3d@127.0.0.1:", workerLog, StringComparison.Ordinal); // before the file was known
        Assert.Contains(" DEBUG akka: ", workerLog, StringComparison.Ordinal); // Akka's info events, routed in
        Assert.Contains(" WARN akka: ", workerLog, StringComparison.Ordinal);
        Assert.Contains("Item 'bad_text' failed: NiftiFormatException: ", workerLog, StringComparison.Ordinal);
        Assert.Contains("   at Spark3D.Data.Nifti.", workerLog, StringComparison.Ordinal); // the stack trace, in the file only
        Assert.Contains(" INFO spark3d.node: spark3d node: all work done: all work done; this node: 2 ok, 1 failed", workerLog, StringComparison.Ordinal);

        string coordinatorLog = File.ReadAllText(Path.Combine(cache, "coordinator.log"));
        Assert.Contains("---- spark3d preprocess --cluster", coordinatorLog, StringComparison.Ordinal);
        Assert.Contains(" INFO spark3d.preprocess: cluster: done ", coordinatorLog, StringComparison.Ordinal); // progress lines
        Assert.Contains(" WARN akka: ", coordinatorLog, StringComparison.Ordinal);
        Assert.Contains("Item 'bad_text' failed on akka.tcp://spark3d@127.0.0.1:", coordinatorLog, StringComparison.Ordinal);
        Assert.Contains(" INFO spark3d.preprocess: spark3d preprocess --cluster: 3 volumes: done 2, failed 1", coordinatorLog, StringComparison.Ordinal);
        Assert.Contains(coordinator.Lines, l => l.StartsWith("spark3d preprocess --cluster: 3 volumes: done 2, failed 1", StringComparison.Ordinal));
    }
}
