using Spark3D.Data.Nifti;
using Spark3D.Data.Phantoms;

namespace Spark3D.Host.Pretrain;

/// <summary>The README demo's data: <c>count</c> synthetic brain phantoms as NIfTI files in one folder, built on first use
/// (each file is written atomically, so an interrupted build simply continues).</summary>
public static class DemoDataset
{
    /// <summary>File name of phantom <paramref name="index"/>.</summary>
    public static string FileName(int index) => $"phantom-{index:D5}.nii";

    /// <summary>Makes sure <paramref name="directory"/> holds phantoms 0..count-1; returns how many were generated now.</summary>
    public static int EnsureBuilt(string directory, int count, PhantomOptions options, Action<string>? progress = null)
    {
        if (count < 1) throw new ArgumentException($"spark3d.pretrain.demo.phantoms must be >= 1, got {count}.");
        Directory.CreateDirectory(directory);
        var missing = Enumerable.Range(0, count).Where(i => !File.Exists(Path.Combine(directory, FileName(i)))).ToList();
        if (missing.Count == 0) return 0;
        progress?.Invoke($"Building {missing.Count} demo phantoms in {directory} ...");
        var generator = new BrainPhantomGenerator(options);
        foreach (int i in missing)
            NiftiWriter.Write(Path.Combine(directory, FileName(i)), generator.Generate(i).Image);
        return missing.Count;
    }
}
