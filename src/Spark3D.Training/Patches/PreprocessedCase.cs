using Spark3D.Data.Volumes;

namespace Spark3D.Training.Patches;

/// <summary>One case after preprocessing: the z-scored image, its label map on the same grid, and the foreground voxels
/// of each label (for foreground-oversampled patch sampling), index = label − 1.</summary>
/// <param name="Image">Preprocessed image.</param>
/// <param name="Labels">Label map on the image's grid (integer values as floats).</param>
/// <param name="ForegroundByClass">Per foreground class present, voxel coordinates (possibly subsampled); empty lists are removed.</param>
public sealed record PreprocessedCase(Volume Image, Volume Labels, IReadOnlyList<IReadOnlyList<(int x, int y, int z)>> ForegroundByClass)
{
    /// <summary>At most this many voxels are kept per class (evenly strided), like nnU-Net's class-location cap.</summary>
    public const int MaxVoxelsPerClass = 20_000;

    /// <summary>Collects the voxel coordinates of every label &gt; 0 in <paramref name="labels"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<(int x, int y, int z)>> FindForeground(Volume labels)
    {
        var byClass = new SortedDictionary<int, List<(int, int, int)>>();
        var s = labels.Shape;
        var v = labels.Voxels;
        for (int z = 0, i = 0; z < s.Z; z++)
            for (int y = 0; y < s.Y; y++)
                for (int x = 0; x < s.X; x++, i++)
                {
                    int label = (int)MathF.Round(v[i]);
                    if (label <= 0) continue;
                    if (!byClass.TryGetValue(label, out var list)) byClass[label] = list = [];
                    list.Add((x, y, z));
                }
        return byClass.Values.Select(Subsample).ToList();
    }

    private static IReadOnlyList<(int, int, int)> Subsample(List<(int, int, int)> all)
    {
        if (all.Count <= MaxVoxelsPerClass) return all;
        double stride = (double)all.Count / MaxVoxelsPerClass;
        return Enumerable.Range(0, MaxVoxelsPerClass).Select(i => all[(int)(i * stride)]).ToList();
    }
}
