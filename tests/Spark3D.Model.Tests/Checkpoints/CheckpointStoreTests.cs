using Spark3D.Model.Checkpoints;
using Spark3D.Model.Tests.Training;
using Spark3D.Model.Training;
using static TorchSharp.torch;

namespace Spark3D.Model.Tests.Checkpoints;

public class CheckpointStoreTests
{
    private static Checkpoint Make(long step, int seed = 1)
    {
        using var net = TestNets.Create(seed);
        using var opt = OptimizerFactory.Create(net.parameters(), new OptimizerOptions());
        return Checkpoint.Capture(net, opt, step, new PolyLrSchedule(1e-2, 1000), dataCursorJson: $"{{\"index\":{step}}}",
            callerRngJson: "{\"s\":42}", configText: "spark3d { train { steps = 1000 } }");
    }

    [Fact]
    public void Save_then_load_round_trips_every_field_and_writes_a_latest_pointer()
    {
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path, keepLast: 3);
        var original = Make(500);
        var path = store.Save(original);
        Assert.Equal(Path.Combine(dir.Path, "step-000500.ckpt"), path);
        Assert.Equal("step-000500.ckpt", File.ReadAllText(Path.Combine(dir.Path, "latest")).Trim());

        Assert.True(store.TryLoadLatest(out var back));
        Assert.Equal(500, back.Step);
        Assert.Equal(original.ModelState, back.ModelState);
        Assert.Equal(original.OptimizerState, back.OptimizerState);
        Assert.Equal(original.TorchRngState, back.TorchRngState);
        Assert.Equal(original.Schedule, back.Schedule);
        Assert.Equal("{\"index\":500}", back.DataCursorJson);
        Assert.Equal("{\"s\":42}", back.CallerRngJson);
        Assert.Equal(original.ConfigText, back.ConfigText);
        Assert.Equal(64, back.Sha256!.Length);

        using var net = TestNets.Create(99);
        back.Restore(net, null);
        using var reference = TestNets.Create(1);
        Assert.True(TestNets.BitEqual(reference, net));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("empty")]
    public void A_corrupt_newest_checkpoint_falls_back_to_the_previous_with_a_warning(string damage)
    {
        using var dir = new TempDir();
        var warnings = new List<string>();
        var store = new CheckpointStore(dir.Path, keepLast: 5, warnings.Add);
        store.Save(Make(100, seed: 1));
        var newest = store.Save(Make(200, seed: 2));

        var bytes = File.ReadAllBytes(newest);
        switch (damage)
        {
            case "flip":
                bytes[bytes.Length / 2] ^= 0x01;
                File.WriteAllBytes(newest, bytes);
                break;
            case "truncate":
                File.WriteAllBytes(newest, bytes[..(bytes.Length - 100)]);
                break;
            default:
                File.WriteAllBytes(newest, []);
                break;
        }

        Assert.True(store.TryLoadLatest(out var c));
        Assert.Equal(100, c.Step);
        var warning = Assert.Single(warnings);
        Assert.Contains("step-000200.ckpt", warning);
        Assert.Contains("falling back", warning);

        var ex = Assert.Throws<CorruptCheckpointException>(() => CheckpointStore.Read(newest));
        Assert.Equal(newest, ex.FilePath);
    }

    [Fact]
    public void All_corrupt_or_none_means_no_checkpoint()
    {
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path, keepLast: 2);
        Assert.False(store.TryLoadLatest(out _));
        var only = store.Save(Make(7));
        File.WriteAllText(only, "garbage");
        var warnings = new List<string>();
        Assert.False(store.TryLoadLatest(out var none, warnings.Add));
        Assert.Null(none);
        Assert.Single(warnings);
        Assert.Throws<CheckpointNotFoundException>(() => store.LoadLatest());
    }

    [Fact]
    public void Only_the_last_n_checkpoints_are_kept()
    {
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path, keepLast: 2);
        foreach (var step in new long[] { 100, 200, 300, 400 }) store.Save(Make(step));
        Assert.Equal([300L, 400L], store.List().Select(f => f.Step));
        Assert.Equal(400, store.LoadLatest().Step);
    }

    [Fact]
    public void A_leftover_temp_file_from_a_crashed_save_is_ignored_and_cleaned_up()
    {
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path, keepLast: 3);
        store.Save(Make(100));
        // What a crash between write and rename leaves behind: a partial file with a higher step.
        var bytes = File.ReadAllBytes(Path.Combine(dir.Path, "step-000100.ckpt"));
        var tmp = Path.Combine(dir.Path, ".step-000200.ckpt.tmp-1234-deadbeef");
        File.WriteAllBytes(tmp, bytes[..(bytes.Length / 2)]);

        Assert.Equal([100L], store.List().Select(f => f.Step));
        Assert.Equal(100, store.LoadLatest().Step);
        store.Save(Make(300));
        Assert.False(File.Exists(tmp));
        Assert.Equal([100L, 300L], store.List().Select(f => f.Step));
    }

    [Fact]
    public void A_dangling_latest_pointer_falls_back_to_scanning()
    {
        using var dir = new TempDir();
        var warnings = new List<string>();
        var store = new CheckpointStore(dir.Path, keepLast: 3, warnings.Add);
        store.Save(Make(100));
        File.WriteAllText(Path.Combine(dir.Path, "latest"), "step-000900.ckpt\n");
        Assert.Equal(100, store.LoadLatest().Step);
        Assert.Contains(warnings, w => w.Contains("step-000900.ckpt"));
    }

    [Fact]
    public void Model_state_bytes_can_be_read_without_a_module()
    {
        var c = Make(1, seed: 3);
        var dict = Spark3D.Model.Interop.TorchSharpStateDict.Read(c.ModelState);
        using var net = TestNets.Create(3);
        var expected = net.state_dict();
        Assert.Equal(expected.Keys.OrderBy(k => k), dict.Keys.OrderBy(k => k));
        foreach (var (k, t) in expected) Assert.True(TestNets.Same(t, dict[k]), k);
        foreach (var t in dict.Values) t.Dispose();
    }
}
