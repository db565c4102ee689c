using System.Runtime.InteropServices;
using Spark3D.Data.Sampling;
using Spark3D.Training.Ports;
using static TorchSharp.torch;

namespace Spark3D.Training.Engines;

/// <summary>Turns a masked <see cref="TrainingBatch"/> into the MAE's inputs: image B×1×Z×Y×X and visible mask
/// B×1×gz×gy×gx (1 = visible, i.e. the negation of <see cref="BatchMask.Cells"/>), both float32 on the target device.
/// The patches' X-fastest voxels are exactly a C-order (Z, Y, X) = (D, H, W) tensor, so nothing is reordered.</summary>
public static class BatchTensors
{
    /// <summary>Builds both tensors; the caller owns (or scope-disposes) them.</summary>
    public static (Tensor Image, Tensor Visible) Create(TrainingBatch batch, Device device)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) throw new ArgumentException("The batch is empty.", nameof(batch));
        var mask = batch.Mask ?? throw new ArgumentException("A pre-training batch needs a block mask.", nameof(batch));
        var g = mask.Grid;
        int b = batch.Count;
        if (mask.Cells.Length != b * mask.CellsPerPatch)
            throw new ArgumentException($"Mask has {mask.Cells.Length} cells, expected {b}x{mask.CellsPerPatch}.", nameof(batch));
        var visible = new float[mask.Cells.Length];
        for (int i = 0; i < visible.Length; i++) visible[i] = mask.Cells[i] ? 0f : 1f;

        var image = Images(batch.Patches, channels: 1);
        var visibleTensor = tensor(visible, [b, 1, g.Z, g.Y, g.X]);
        if (device.type == TorchSharp.DeviceType.CPU) return (image, visibleTensor);
        using (image) using (visibleTensor) return (image.to(device), visibleTensor.to(device));
    }

    /// <summary>
    /// The patches' voxels as a float32 CPU tensor B×C×Z×Y×X, copied straight into the tensor's memory. Building a
    /// managed array first and handing it to <c>tensor()</c> zeroed, faulted in and copied 32 MB more per 2×160³ batch:
    /// 9–330 ms of the trainer's thread per step, depending on whether the GC still had the last step's pages.
    /// </summary>
    public static Tensor Images(IReadOnlyList<Patch> patches, int channels)
    {
        ArgumentNullException.ThrowIfNull(patches);
        if (patches.Count == 0) throw new ArgumentException("The batch is empty.", nameof(patches));
        var s = patches[0].Shape;
        int n = checked(channels * patches[0].VoxelCount);
        var image = empty([patches.Count, channels, s.Z, s.Y, s.X], ScalarType.Float32);
        try
        {
            var dst = MemoryMarshal.Cast<byte, float>(image.bytes);
            for (int i = 0; i < patches.Count; i++)
            {
                var p = patches[i];
                if (p.Shape != s) throw new ArgumentException($"Patch {i} is {p.Shape} but patch 0 is {s}.", nameof(patches));
                if (p.Channels != channels) throw new ArgumentException($"Patch {i} has {p.Channels} channel(s), expected {channels}.", nameof(patches));
                p.Voxels.AsSpan(0, n).CopyTo(dst.Slice(i * n, n));
            }
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }
}
