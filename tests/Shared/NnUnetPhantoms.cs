using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Segmentation;

namespace Spark3D.Tests.Shared;

/// <summary>
/// Small nnU-Net v2 raw data sets of coarse (4–5 mm, ≤ 45³ voxels) phantoms: imagesTr/CASE_000C.nii.gz for each channel,
/// labelsTr/CASE.nii.gz and dataset.json. Channel "MRI" is the phantom itself; channel "CT" maps it onto Hounsfield-like
/// values (air −1000 outside the head, tissue from about −100 up), so the two channels need different normalisation.
/// </summary>
internal static class NnUnetPhantoms
{
    public static readonly PhantomOptions Options = new() { Seed = 7, MinSpacingMm = 4, MaxSpacingMm = 5, MaxVoxels = 91_125 };

    public static readonly Dictionary<int, string> Labels = new() { [0] = "background", [1] = "csf", [2] = "gm", [3] = "wm", [4] = "lesion" };

    /// <summary>Writes <paramref name="count"/> cases with the given channel names (index = channel).</summary>
    public static void Write(string root, int count, params string[] channels)
    {
        if (channels.Length == 0) channels = ["MRI"];
        Directory.CreateDirectory(Path.Combine(root, "imagesTr"));
        Directory.CreateDirectory(Path.Combine(root, "labelsTr"));
        var gen = new BrainPhantomGenerator(Options);
        for (int i = 0; i < count; i++)
        {
            var p = gen.Generate(i);
            for (int c = 0; c < channels.Length; c++)
                NiftiWriter.Write(Path.Combine(root, "imagesTr", $"ph{i}_{c:D4}.nii.gz"), Channel(p, channels[c]));
            NiftiWriter.Write(Path.Combine(root, "labelsTr", $"ph{i}.nii.gz"), p.Labels, NiftiDataType.UInt8);
        }
        SegmentationDataset.WriteNnUnetDatasetJson(root, Labels, count, channels);
    }

    /// <summary>The single-channel default: one MRI channel.</summary>
    public static void WriteNnUnet(string root, int count) => Write(root, count, "MRI");

    /// <summary>The image of <paramref name="p"/> as channel <paramref name="name"/>.</summary>
    public static Spark3D.Data.Volumes.Volume Channel(Phantom p, string name)
    {
        if (!string.Equals(name, "CT", StringComparison.OrdinalIgnoreCase)) return p.Image;
        var v = p.Image.Voxels;
        float max = v.Max();
        var hu = new float[v.Length];
        for (int i = 0; i < v.Length; i++) hu[i] = p.Labels.Voxels[i] > 0 || v[i] > 0.05f * max ? -100f + 400f * v[i] / max : -1000f;
        return p.Image.WithVoxels(hu);
    }
}
