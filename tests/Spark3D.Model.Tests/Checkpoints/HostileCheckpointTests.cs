using System.Text;
using Spark3D.Model.Checkpoints;
using Spark3D.Model.Interop;
using Spark3D.Model.Tests.Training;
using Spark3D.Model.Training;

namespace Spark3D.Model.Tests.Checkpoints;

/// <summary>
/// A checkpoint with a valid SHA-256 can still declare any tensor count and shape (the hash proves integrity, not
/// authorship): every count, shape and byte size is checked against the section's bytes before TorchSharp allocates.
/// </summary>
public class HostileCheckpointTests
{
    /// <summary>TorchSharp's module.save layout, written by hand: LEB128 count, then name + (dtype, rank, dims, bytes).</summary>
    private static byte[] ModelState(long count, params (string Name, long[] Shape, int DataBytes)[] entries)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.UTF8);
        Leb128(w, count);
        foreach (var (name, shape, dataBytes) in entries)
        {
            w.Write(name);
            Leb128(w, 6); // float32
            Leb128(w, shape.Length);
            foreach (var d in shape) Leb128(w, d);
            w.Write(new byte[dataBytes]);
        }
        w.Flush();
        return ms.ToArray();
    }

    private static void Leb128(BinaryWriter w, long v)
    {
        do
        {
            byte b = (byte)(v & 0x7f);
            v >>= 7;
            w.Write(v != 0 ? (byte)(b | 0x80) : b);
        }
        while (v != 0);
    }

    private static Checkpoint Real(long step)
    {
        using var net = TestNets.Create(1);
        using var opt = OptimizerFactory.Create(net.parameters(), new OptimizerOptions());
        return Checkpoint.Capture(net, opt, step);
    }

    [Fact]
    public void A_hashed_checkpoint_declaring_a_petabyte_tensor_is_corrupt_before_anything_is_allocated()
    {
        using var dir = new TempDir();
        var warnings = new List<string>();
        var store = new CheckpointStore(dir.Path, keepLast: 5, warnings.Add);
        store.Save(Real(100));
        // 2^50 float32 elements (4 PiB) declared, 16 bytes present; the file's SHA-256 is valid.
        store.Save(Real(200) with { ModelState = ModelState(1, ("w", [1L << 20, 1L << 20, 1L << 10], 16)) });

        Assert.True(store.TryLoadLatest(out var loaded));
        Assert.Equal(100, loaded.Step);
        var warning = Assert.Single(warnings, w => w.Contains("step-000200.ckpt", StringComparison.Ordinal));
        Assert.Contains("corrupt checkpoint: model state: tensor 'w': shape [1048576, 1048576, 1024] of 4-byte elements needs " +
                        "4,503,599,627,370,496 bytes, 16 are left", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count")]
    [InlineData("rank")]
    [InlineData("trailing")]
    [InlineData("truncated")]
    public void Model_state_bytes_that_do_not_add_up_are_a_typed_error(string damage)
    {
        byte[] bytes = damage switch
        {
            "count" => ModelState(1L << 40, ("w", [2, 2], 16)),
            "rank" => ModelState(1, ("w", new long[40], 0)),
            "trailing" => [.. ModelState(1, ("w", [2, 2], 16)), 7],
            _ => ModelState(1, ("w", [2, 2], 15)),
        };
        var e = Assert.Throws<StateDictFormatException>(() => TorchSharpStateDict.Read(bytes));
        Assert.StartsWith("model state: ", e.Message, StringComparison.Ordinal);
        using var net = TestNets.Create(1);
        Assert.Throws<StateDictFormatException>(() => TorchSharpStateDict.Load(net, bytes));
    }

    [Fact]
    public void Real_model_and_optimizer_states_pass_the_check_and_a_hostile_momentum_buffer_does_not()
    {
        using var net = TestNets.Create(2);
        foreach (var kind in new[] { OptimizerKind.Sgd, OptimizerKind.AdamW })
        {
            using var opt = OptimizerFactory.Create(net.parameters(), new OptimizerOptions { Kind = kind });
            using (var x = TorchSharp.torch.randn([1, 1, 8, 8, 8]))
            using (var loss = net.forward(x).square().mean())
            {
                loss.backward();
                opt.step(); // state tensors exist after a step
            }
            var c = Checkpoint.Capture(net, opt, 1);
            TorchSharpStateFormat.ValidateModelState(c.ModelState);
            TorchSharpStateFormat.ValidateOptimizerState(c.OptimizerState!);
        }

        // SGD with one state whose momentum buffer claims 2^45 elements.
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("SGD");
            Leb128(w, 0);
            Leb128(w, 1);
            w.Write(true);
            Leb128(w, 6);
            Leb128(w, 1);
            Leb128(w, 1L << 45);
        }
        var e = Assert.Throws<InvalidDataException>(() => TorchSharpStateFormat.ValidateOptimizerState(ms.ToArray()));
        Assert.Contains("state 0 momentum buffer: shape [35184372088832] of 4-byte elements needs 140,737,488,355,328 bytes, 0 are left", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => TorchSharpStateFormat.ValidateOptimizerState("\u0004Evil"u8.ToArray()));
    }
}
