namespace Spark3D.Data.Cache;

/// <summary>Intensity statistics of a preprocessed volume, recorded in the manifest.</summary>
public sealed record VolumeStats(double Mean, double Std, double Min, double Max);
