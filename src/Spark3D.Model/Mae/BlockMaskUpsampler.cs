using static TorchSharp.torch;

namespace Spark3D.Model.Mae;

/// <summary>
/// Brings a low-resolution block mask (B×1×g×g×g, 1 = visible, 0 = masked) to a feature-map resolution by
/// nearest repetition, as SparK's <c>_get_active_ex_or_ii</c> does.
/// </summary>
public static class BlockMaskUpsampler
{
    /// <summary>
    /// The mask at spatial size (<paramref name="d"/>, <paramref name="h"/>, <paramref name="w"/>): each grid cell repeated
    /// size/grid times per axis. Returns <c>null</c> (meaning "all visible") when the map is smaller than the grid in every axis.
    /// Throws <see cref="ArgumentException"/> when a size is neither a multiple of the grid nor smaller than it.
    /// </summary>
    public static Tensor? ToResolution(Tensor gridMask, long d, long h, long w)
    {
        CheckGridMask(gridMask);
        long b = gridMask.shape[0], gd = gridMask.shape[2], gh = gridMask.shape[3], gw = gridMask.shape[4];
        if (d < gd && h < gh && w < gw) return null;
        if (d % gd != 0 || h % gh != 0 || w % gw != 0)
            throw new ArgumentException(
                $"Feature map {d}x{h}x{w} is not a whole multiple of the mask grid {gd}x{gh}x{gw}; choose a patch size that is a multiple of the block size.");
        long rd = d / gd, rh = h / gh, rw = w / gw;
        if (rd == 1 && rh == 1 && rw == 1) return gridMask.alias();
        using var view = gridMask.view(b, 1, gd, 1, gh, 1, gw, 1);
        using var expanded = view.expand(b, 1, gd, rd, gh, rh, gw, rw);
        return expanded.reshape(b, 1, d, h, w);
    }

    /// <summary>The mask at full input resolution (never null: the input is at least as large as the grid).</summary>
    public static Tensor ToFullResolution(Tensor gridMask, long[] spatialShape)
    {
        if (spatialShape.Length != 3) throw new ArgumentException($"Expected a 3-D spatial shape, got {spatialShape.Length} dims.");
        return ToResolution(gridMask, spatialShape[0], spatialShape[1], spatialShape[2])
               ?? throw new ArgumentException(
                   $"Input {string.Join('x', spatialShape)} is smaller than the mask grid {string.Join('x', gridMask.shape[2..])}.");
    }

    /// <summary>Throws when <paramref name="gridMask"/> is not a B×1×g×g×g tensor.</summary>
    public static void CheckGridMask(Tensor gridMask)
    {
        if (gridMask.ndim != 5 || gridMask.shape[1] != 1)
            throw new ArgumentException($"Visible mask must be B×1×gD×gH×gW, got shape [{string.Join(", ", gridMask.shape)}].");
    }
}
