namespace Spark3D.Data.Segmentation;

/// <summary>One labelled case: an image file and its label map (null for unlabelled/test images).</summary>
public sealed record SegmentationCase(string Id, string ImagePath, string? LabelPath);
