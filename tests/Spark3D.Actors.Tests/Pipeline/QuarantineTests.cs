using System.Text.Json.Nodes;
using Spark3D.Actors.Pipeline;
using Spark3D.Actors.Tests.Pipeline.Support;
using Spark3D.Training.RunFiles;

namespace Spark3D.Actors.Tests.Pipeline;

public class QuarantineTests
{
    [Fact]
    public async Task Bad_volumes_are_quarantined_with_reasons_transient_errors_are_retried_and_the_run_goes_on()
    {
        using var data = new TestCatalog().AddGood(8);
        var d = data.DataDirectory;
        data.Add(RawVolumeFiles.WriteBytes(d, "zero-bytes", []));
        data.Add(RawVolumeFiles.WriteBytes(d, "wrong-magic", [.. "NIFT"u8, .. new byte[64]]));
        data.Add(RawVolumeFiles.WriteTruncated(d, "truncated", 12));
        data.Add(RawVolumeFiles.Write(d, "absurd-dims", 1, 1, 1, [1f]));
        data.Add(RawVolumeFiles.Write(d, "all-nan", 8, 8, 8, Enumerable.Repeat(float.NaN, 512).ToArray()));
        var busyOnce = data.Add(RawVolumeFiles.WriteGood(d, "busy-twice", 12, 4, 99));
        var busyForever = data.Add(RawVolumeFiles.WriteGood(d, "busy-forever", 12, 4, 98));
        var producer = new RawPatchProducer(8);
        producer.BusyReads[busyOnce.Path] = 2;          // 3 tries allowed: recovers on the third
        producer.BusyReads[busyForever.Path] = 1_000;   // never recovers: quarantined after 3 tries
        var engines = new MeanFitEngineFactory(data.RunDirectory);

        var result = await PipelineRunner.RunAsync(data.Options(20), data, producer, new RandomBlockMaskAssembler(4, 0.6), engines);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(20, result.Step);
        var report = QuarantineLog.Read(Path.Combine(data.RunDirectory, "quarantine.jsonl")).ToDictionary(e => e.Id);
        Assert.Equal(["absurd-dims", "all-nan", "busy-forever", "truncated", "wrong-magic", "zero-bytes"], report.Keys.Order().ToArray());
        Assert.Contains("bad magic", report["wrong-magic"].Reason);
        Assert.Contains("bad magic", report["zero-bytes"].Reason);
        Assert.Contains("truncated", report["truncated"].Reason);
        Assert.Contains("dims 1x1x1", report["absurd-dims"].Reason);
        Assert.Contains("non-finite", report["all-nan"].Reason);
        Assert.Contains("gave up after 3 tries", report["busy-forever"].Reason);
        Assert.Equal(3, report["busy-forever"].Attempts);
        Assert.Equal(busyForever.Path, report["busy-forever"].File);
        Assert.Equal(6, result.Quarantined);
        Assert.Equal(6, JsonNode.Parse(File.ReadAllText(Path.Combine(data.RunDirectory, "summary.json")))!["quarantined"]!.GetValue<int>());

        var consumed = ConsumedTrace.Read(Path.Combine(data.RunDirectory, "consumed.jsonl"));
        Assert.Contains(consumed, c => c.Id == "busy-twice"); // retried, then trained on
        Assert.DoesNotContain(consumed, c => report.ContainsKey(c.Id));
    }

    [Fact]
    public async Task A_catalog_of_only_bad_volumes_ends_with_a_clear_reason()
    {
        using var data = new TestCatalog();
        data.Add(RawVolumeFiles.WriteBytes(data.DataDirectory, "empty-a", []));
        data.Add(RawVolumeFiles.WriteBytes(data.DataDirectory, "empty-b", []));
        var result = await PipelineRunner.RunAsync(data.Options(5), data, new RawPatchProducer(8),
            new RandomBlockMaskAssembler(4, 0.6), new MeanFitEngineFactory(data.RunDirectory)).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("all 2 volumes are quarantined", result.Reason);
    }
}
