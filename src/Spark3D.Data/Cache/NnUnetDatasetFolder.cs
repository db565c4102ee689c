namespace Spark3D.Data.Cache;

/// <summary>
/// nnU-Net v2's raw dataset folder (<c>DatasetXXX_Name/</c> with dataset.json, imagesTr/, labelsTr/, imagesTs/): when
/// `pretrain --data` or `preprocess --input` is pointed at one, the images are imagesTr/ (plus imagesTs/ when asked);
/// labelsTr/ (and labelsTs/) are label maps and are never taken as images.
/// </summary>
public static class NnUnetDatasetFolder
{
    /// <summary>Training images.</summary>
    public const string TrainingImages = "imagesTr";

    /// <summary>Test images (no labels).</summary>
    public const string TestImages = "imagesTs";

    /// <summary>True when <paramref name="folder"/> has a dataset.json or an imagesTr/ folder at its top.</summary>
    public static bool Is(string folder) =>
        File.Exists(Path.Combine(folder, "dataset.json")) || Directory.Exists(Path.Combine(folder, TrainingImages));

    /// <summary>Whether the file at <paramref name="relativePath"/> ('/'-separated, relative to the dataset folder) is an image to take.</summary>
    public static bool IsImage(string relativePath, bool includeTestImages)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return relativePath.StartsWith(TrainingImages + "/", StringComparison.Ordinal)
               || (includeTestImages && relativePath.StartsWith(TestImages + "/", StringComparison.Ordinal));
    }
}
