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

    /// <summary>Maps <c>spark3d.data.phantoms</c> onto <see cref="PhantomOptions"/>.</summary>
    public static PhantomOptions ReadOptions(Akka.Configuration.Config config)
    {
        var d = new PhantomOptions();
        var c = config.GetConfig("spark3d.data.phantoms");
        if (c is null) return d;
        return new PhantomOptions
        {
            Seed = c.GetInt("seed", d.Seed),
            FieldOfViewMm = c.GetDouble("field-of-view-mm", d.FieldOfViewMm),
            HeadLengthMinMm = c.GetDouble("head-length-min-mm", d.HeadLengthMinMm),
            HeadLengthMaxMm = c.GetDouble("head-length-max-mm", d.HeadLengthMaxMm),
            MinSpacingMm = c.GetDouble("min-spacing-mm", d.MinSpacingMm),
            MaxSpacingMm = c.GetDouble("max-spacing-mm", d.MaxSpacingMm),
            MaxVoxels = c.GetLong("max-voxels", d.MaxVoxels),
            RandomOrientation = c.GetBoolean("random-orientation", d.RandomOrientation),
            NoiseSigma = c.GetDouble("noise-sigma", d.NoiseSigma),
            Rician = c.GetBoolean("rician", d.Rician),
            BiasStrength = c.GetDouble("bias-strength", d.BiasStrength),
            MaxLesions = c.GetInt("max-lesions", d.MaxLesions),
            IntensityScale = c.GetDouble("intensity-scale", d.IntensityScale),
        };
    }
}
