using System.Globalization;

namespace Spark3D.Data.Preprocessing;

/// <summary>
/// A volume's grid (as its header declares it, or as resampling would make it) has more voxels than the voxel budget
/// allows (<see cref="VoxelBudget"/>). Raised before anything of that size is allocated; the message names the file,
/// the grid, its voxel count, the budget and the setting that raises it.
/// </summary>
public sealed class VoxelBudgetExceededException : Exception
{
    public VoxelBudgetExceededException(string filePath, string grid, string dimensions, double voxels, long maxVoxels, string setting)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"{filePath}: the {grid} {dimensions} = {voxels:N0} voxels exceeds the voxel budget of {maxVoxels:N0} ({setting}); raise it only for data you trust"))
    {
        FilePath = filePath;
        Grid = grid;
        Voxels = voxels;
        MaxVoxels = maxVoxels;
        Setting = setting;
    }

    public VoxelBudgetExceededException()
        : this("(unknown file)", "grid", "?", double.NaN, 0, VoxelBudget.Setting) { }

    public VoxelBudgetExceededException(string message)
        : base(message)
    {
        FilePath = "(unknown file)";
        Grid = "grid";
        Setting = VoxelBudget.Setting;
    }

    public VoxelBudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = "(unknown file)";
        Grid = "grid";
        Setting = VoxelBudget.Setting;
    }

    /// <summary>The file the volume came from.</summary>
    public string FilePath { get; }

    /// <summary>Which grid was too large: "header grid" (as read) or "resampled grid" (the output of resampling).</summary>
    public string Grid { get; }

    /// <summary>Its voxel count (a double: a hostile header or spacing can ask for more than a long holds).</summary>
    public double Voxels { get; }

    /// <summary>The budget it exceeded.</summary>
    public long MaxVoxels { get; }

    /// <summary>The setting that sets the budget.</summary>
    public string Setting { get; }
}
