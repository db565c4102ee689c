using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;
using Spark3D.Training.Catalogs;

namespace Spark3D.Tests.Shared;

/// <summary>Writes a few coarse (4–5 mm, ≤ 45³ voxels) labelled phantoms as NIfTI image/label pairs for fast tests.</summary>
internal static class SmallLabelledPhantoms
{
    public static readonly PhantomOptions Options = new() { Seed = 99, MinSpacingMm = 4, MaxSpacingMm = 5, MaxVoxels = 91_125 };

    /// <summary>Preprocessing used with them: 4 mm isotropic.</summary>
    public static readonly PreprocessOptions Preprocess = new(new Spacing3(4, 4, 4));

    public static LabelledVolumeCatalog Write(string dir, int count)
    {
        Directory.CreateDirectory(dir);
        var gen = new BrainPhantomGenerator(Options);
        var cases = new List<(string, string, string)>();
        for (int i = 0; i < count; i++)
        {
            var p = gen.Generate(i);
            string image = Path.Combine(dir, $"case{i}_img.nii.gz"), labels = Path.Combine(dir, $"case{i}_seg.nii.gz");
            NiftiWriter.Write(image, p.Image);
            NiftiWriter.Write(labels, p.Labels, NiftiDataType.UInt8);
            cases.Add(($"case{i}", image, labels));
        }
        return new LabelledVolumeCatalog(cases);
    }
}
