namespace Spark3D.Data.Preprocessing;

/// <summary>
/// Intensity statistics of the voxels a z-score used (before normalisation). <see cref="Std"/> is the population
/// standard deviation (numpy ddof = 0); <see cref="Divisor"/> is what was actually divided by (Std, or 1 when Std
/// is zero). With no voxels in the region (an all-zero volume in nonzero mode) Mean = Std = Min = Max = 0, Count = 0.
/// </summary>
public sealed record IntensityStats(double Mean, double Std, double Min, double Max, long Count, double Divisor);
