using Spark3D.Training.Ports;
using static TorchSharp.torch;

namespace Spark3D.Training.Engines;

/// <summary>Turns a <see cref="MaskedBatch"/> into the MAE's inputs: image B×1×D×H×W and visible mask B×1×gd×gh×gw
/// (1 = visible, i.e. the negation of <see cref="MaskedBatch.Mask"/>), both float32 on the target device.</summary>
public static class BatchTensors
{
    /// <summary>Builds both tensors; the caller owns (or scope-disposes) them.</summary>
    public static (Tensor Image, Tensor Visible) Create(MaskedBatch batch, Device device)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) throw new ArgumentException("The batch is empty.", nameof(batch));
        var first = batch.Patches[0];
        int n = first.VoxelCount, b = batch.Count;
        var voxels = new float[(long)b * n];
        for (int i = 0; i < b; i++)
        {
            var p = batch.Patches[i];
            if (p.D != first.D || p.H != first.H || p.W != first.W)
                throw new ArgumentException($"Patch {i} is {p.D}x{p.H}x{p.W} but patch 0 is {first.D}x{first.H}x{first.W}.", nameof(batch));
            Array.Copy(p.Voxels, 0, voxels, (long)i * n, n);
        }
        int cells = batch.MaskGridD * batch.MaskGridH * batch.MaskGridW;
        if (batch.Mask.Length != b * cells)
            throw new ArgumentException($"Mask has {batch.Mask.Length} cells, expected {b}x{cells}.", nameof(batch));
        var visible = new float[batch.Mask.Length];
        for (int i = 0; i < visible.Length; i++) visible[i] = batch.Mask[i] ? 0f : 1f;

        var image = tensor(voxels, [b, 1, first.D, first.H, first.W]);
        var mask = tensor(visible, [b, 1, batch.MaskGridD, batch.MaskGridH, batch.MaskGridW]);
        if (device.type == TorchSharp.DeviceType.CPU) return (image, mask);
        using (image) using (mask) return (image.to(device), mask.to(device));
    }
}
