using System.Globalization;
using Spark3D.Data.Nifti;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// The most voxels one volume may have, as its header declares it and as resampling would make it: checked before
/// either grid is allocated, so a small hostile file (a 7 KB NIfTI whose 12³ voxels at 120 mm resample to 1440³, or a
/// gzip that inflates to 1.7e9 voxels) ends as a <see cref="VoxelBudgetExceededException"/> naming the file instead of
/// an allocation of gigabytes or an <see cref="OverflowException"/>. Config: <c>spark3d.preprocess.max-volume-voxels</c>.
/// </summary>
/// <param name="MaxVoxels">Largest voxel count of one grid (at least 1).</param>
public sealed record VoxelBudget(long MaxVoxels)
{
    /// <summary>The setting named in every refusal.</summary>
    public const string Setting = "spark3d.preprocess.max-volume-voxels";

    /// <summary>
    /// 1024³ = 1,073,741,824 voxels (4 GiB as float32): twice a 512×512×2000 whole-body CT, and a 1024×1024×1000
    /// high-resolution scan still fits. The built-in config says the same (config/spark3d.conf).
    /// </summary>
    public const long DefaultMaxVoxels = 1L << 30;

    /// <summary>The default budget.</summary>
    public static VoxelBudget Default { get; } = new(DefaultMaxVoxels);

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting when the budget is below 1.</summary>
    public VoxelBudget Validate() =>
        MaxVoxels >= 1 ? this : throw new ArgumentException($"{Setting} must be >= 1 (got {MaxVoxels}).", nameof(MaxVoxels));

    /// <summary>Reads only the header of <paramref name="path"/> and checks its per-volume grid; returns the header.</summary>
    /// <exception cref="NiftiFormatException">The header cannot be read.</exception>
    /// <exception cref="VoxelBudgetExceededException">The header declares too many voxels.</exception>
    public NiftiHeader CheckFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var header = NiftiReader.ReadHeader(path);
        CheckGrid(path, "header grid", header.Shape);
        return header;
    }

    /// <summary>Checks a grid that is about to be allocated (or was declared by a header).</summary>
    public void CheckGrid(string source, string grid, Shape3 shape)
    {
        if (shape.Count > MaxVoxels)
            throw new VoxelBudgetExceededException(source, grid, shape.ToString(), shape.Count, MaxVoxels, Setting);
    }

    /// <summary>
    /// Checks the grid that resampling <paramref name="shape"/> at <paramref name="spacing"/> to <paramref name="target"/>
    /// would produce (<see cref="ResampleGrid"/>'s rule), computed in doubles so absurd spacings cannot overflow first.
    /// </summary>
    public void CheckResample(string source, Shape3 shape, Spacing3 spacing, Spacing3 target)
    {
        double x = Axis(shape.X, spacing.X, target.X), y = Axis(shape.Y, spacing.Y, target.Y), z = Axis(shape.Z, spacing.Z, target.Z);
        double voxels = x * y * z;
        if (voxels > MaxVoxels) // NaN (an invalid spacing) is left to ResampleGrid's own error
            throw new VoxelBudgetExceededException(source, "resampled grid", string.Create(CultureInfo.InvariantCulture, $"{x:0}×{y:0}×{z:0}"),
                voxels, MaxVoxels, Setting);
    }

    // ResampleGrid.OutputShape's rule per axis, without its int range check (which would throw an untyped error first).
    private static double Axis(int n, double s, double t) =>
        n == 1 ? 1 : Math.Max(1, Math.Round(n * s / t, MidpointRounding.ToEven));
}
