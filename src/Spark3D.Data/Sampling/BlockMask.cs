using Spark3D.Data.Volumes;

namespace Spark3D.Data.Sampling;

/// <summary>
/// A SparK block mask on the low-resolution grid (patch / block size): 1 = visible, 0 = masked (spec §2.1).
/// <see cref="Visible"/> is X fastest, like every grid here.
/// </summary>
public sealed record BlockMask(Shape3 Grid, byte[] Visible, int MaskedCount, double Ratio)
{
    /// <summary>Number of visible cells.</summary>
    public int VisibleCount => Visible.Length - MaskedCount;

    /// <summary>
    /// The mask at a finer resolution by nearest repetition (each cell becomes a target/grid block), as the sparse
    /// encoder and the masked loss need it. Every target axis must be a multiple of the grid.
    /// </summary>
    public byte[] UpsampleTo(Shape3 target)
    {
        if (target.X % Grid.X != 0 || target.Y % Grid.Y != 0 || target.Z % Grid.Z != 0 || target.Count <= 0)
            throw new ArgumentException($"Target {target} is not a positive multiple of the mask grid {Grid}.", nameof(target));
        int rx = target.X / Grid.X, ry = target.Y / Grid.Y, rz = target.Z / Grid.Z;
        var result = new byte[checked((int)target.Count)];
        var row = new byte[target.X];
        for (int gz = 0; gz < Grid.Z; gz++)
            for (int gy = 0; gy < Grid.Y; gy++)
            {
                for (int gx = 0; gx < Grid.X; gx++)
                    row.AsSpan(gx * rx, rx).Fill(Visible[Grid.Index(gx, gy, gz)]);
                for (int z = gz * rz; z < (gz + 1) * rz; z++)
                    for (int y = gy * ry; y < (gy + 1) * ry; y++)
                        row.CopyTo(result.AsSpan((int)target.Index(0, y, z), target.X));
            }
        return result;
    }
}
