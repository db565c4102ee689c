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
        var s = batch.Patches[0].Shape;
        int n = batch.Patches[0].VoxelCount, b = batch.Count;
        var voxels = new float[(long)b * n];
        for (int i = 0; i < b; i++)
        {
            var p = batch.Patches[i];
            if (p.Shape != s) throw new ArgumentException($"Patch {i} is {p.Shape} but patch 0 is {s}.", nameof(batch));
            Array.Copy(p.Voxels, 0, voxels, (long)i * n, n);
        }
        var g = mask.Grid;
        if (mask.Cells.Length != b * mask.CellsPerPatch)
            throw new ArgumentException($"Mask has {mask.Cells.Length} cells, expected {b}x{mask.CellsPerPatch}.", nameof(batch));
        var visible = new float[mask.Cells.Length];
        for (int i = 0; i < visible.Length; i++) visible[i] = mask.Cells[i] ? 0f : 1f;

        var image = tensor(voxels, [b, 1, s.Z, s.Y, s.X]);
        var visibleTensor = tensor(visible, [b, 1, g.Z, g.Y, g.X]);
        if (device.type == TorchSharp.DeviceType.CPU) return (image, visibleTensor);
        using (image) using (visibleTensor) return (image.to(device), visibleTensor.to(device));
    }
}
