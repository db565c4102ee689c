namespace Spark3D.Data.Segmentation;

/// <summary>One labelled case: an image file and its label map (null for unlabelled/test images). A multi-channel case
/// (nnU-Net's CASE_0000, CASE_0001, …) lists every channel's file in <see cref="ChannelPaths"/>; <see cref="ImagePath"/>
/// is channel 0.</summary>
public sealed record SegmentationCase(string Id, string ImagePath, string? LabelPath)
{
    private readonly IReadOnlyList<string>? _channels;

    /// <summary>The image file of each input channel, channel 0 first.</summary>
    public IReadOnlyList<string> ChannelPaths
    {
        get => _channels ?? [ImagePath];
        init => _channels = value;
    }
}
