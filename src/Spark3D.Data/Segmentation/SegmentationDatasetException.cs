namespace Spark3D.Data.Segmentation;

/// <summary>A segmentation data set folder that cannot be understood; names the folder or file and the problem.</summary>
public sealed class SegmentationDatasetException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string DatasetPath { get; } = path;
}
