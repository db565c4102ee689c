using Spark3D.Data.Cache;
using Spark3D.Data.Nifti;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Tests.Cache;
using Spark3D.Data.Tests.Nifti;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Preprocessing;

/// <summary>
/// The voxel budget (spark3d.preprocess.max-volume-voxels): a small hostile file ends as a typed error naming the file,
/// the voxel count and the setting, checked on the header before the voxels are read and on the output grid before
/// resampling allocates it.
/// </summary>
public sealed class VoxelBudgetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>n³ bright voxels at a coarse spacing, written as uint8 .nii.gz (12³ is about 2 KB on disk).</summary>
    private string CoarseCube(string name, int n, double spacingMm)
    {
        var spacing = new Spacing3(spacingMm, spacingMm, spacingMm);
        var shape = new Shape3(n, n, n);
        var voxels = new float[shape.Count];
        for (int i = 0; i < voxels.Length; i++) voxels[i] = 100 + i % 7;
        string path = _dir.File(name);
        NiftiWriter.Write(path, new Volume(voxels, shape, spacing, Affine.FromSpacing(spacing)), NiftiDataType.UInt8);
        return path;
    }

    [Fact]
    public void A_few_kilobytes_at_120_mm_that_would_resample_to_1440_cubed_is_a_failed_entry_not_an_overflow()
    {
        string path = CoarseCube("tiny-120mm.nii.gz", 12, 120);
        Assert.InRange(new FileInfo(path).Length, 1, 8 * 1024);

        var entry = CacheVolumeBuilder.Build(new VolumeSource("tiny-120mm", path), _dir.File("out"), CacheBuildOptions.Default);

        Assert.Equal(ManifestStatus.Failed, entry.Status);
        string reason = entry.Reason!;
        Assert.StartsWith("VoxelBudgetExceededException: ", reason, StringComparison.Ordinal);
        Assert.Contains(path, reason, StringComparison.Ordinal);
        Assert.Contains("resampled grid 1440×1440×1440 = 2,985,984,000 voxels", reason, StringComparison.Ordinal);
        Assert.Contains("voxel budget of 1,073,741,824 (spark3d.preprocess.max-volume-voxels)", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Overflow", reason, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("out/tiny-120mm.s3d")));
    }

    [Fact]
    public void At_60_mm_the_720_cubed_grid_is_refused_by_a_smaller_budget_and_fits_the_default()
    {
        string path = CoarseCube("tiny-60mm.nii.gz", 12, 60);
        var image = NiftiReader.Read(path).Volume;
        var small = new VolumePreprocessor(PreprocessOptions.Default with { MaxVolumeVoxels = 100_000_000 });

        var e = Assert.Throws<VoxelBudgetExceededException>(() => small.Process(image, path));

        Assert.Equal((path, "resampled grid", 373_248_000d, 100_000_000L), (e.FilePath, e.Grid, e.Voxels, e.MaxVoxels));
        Assert.Equal(VoxelBudget.Setting, e.Setting);
        Assert.Contains("720×720×720 = 373,248,000 voxels", e.Message, StringComparison.Ordinal);
        // 720³ (1.5 GB as float32) is under the default budget: the budget bounds memory, it does not judge spacing.
        VoxelBudget.Default.CheckResample(path, image.Shape, image.Spacing, Spacing3.Isotropic1mm);
    }

    [Fact]
    public void The_header_grid_is_checked_before_any_voxel_is_read()
    {
        // A header that claims 1100×1100×1000 uint8 voxels (1.2 GB) followed by almost nothing.
        byte[] bytes = NiftiTestFiles.SmallNiiBytes(_dir.Path, NiftiDataType.UInt8);
        NiftiTestFiles.SetI16(bytes, NiftiTestFiles.V1.Dim + 2, 1100);
        NiftiTestFiles.SetI16(bytes, NiftiTestFiles.V1.Dim + 4, 1100);
        NiftiTestFiles.SetI16(bytes, NiftiTestFiles.V1.Dim + 6, 1000);
        string path = _dir.File("claims-1100x1100x1000.nii");
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<VoxelBudgetExceededException>(() => VoxelBudget.Default.CheckFile(path));
        Assert.Equal(("header grid", 1_210_000_000d), (e.Grid, e.Voxels));
        Assert.Contains("1100×1100×1000 = 1,210,000,000 voxels", e.Message, StringComparison.Ordinal);
        // The cache build stops at that check: its reason is the budget, not the reader's truncation error.
        var entry = CacheVolumeBuilder.Build(new VolumeSource("claims", path), _dir.File("out"), CacheBuildOptions.Default);
        Assert.StartsWith("VoxelBudgetExceededException: ", entry.Reason, StringComparison.Ordinal);
        Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(path)); // what reading it would have said
    }

    [Fact]
    public void An_image_grid_over_a_small_budget_is_refused_before_it_is_reoriented_or_resampled()
    {
        string path = CoarseCube("cube.nii.gz", 12, 1);
        var image = NiftiReader.Read(path).Volume;
        var options = PreprocessOptions.Default with { MaxVolumeVoxels = 1000 };

        var e = Assert.Throws<VoxelBudgetExceededException>(() => new VolumePreprocessor(options).Process(image, path));
        Assert.Equal(("image grid", 1728d), (e.Grid, e.Voxels));
        Assert.Throws<ArgumentException>(() => new VoxelBudget(0).Validate());
        var fits = new VolumePreprocessor(options with { MaxVolumeVoxels = 1728 }).Process(image, path);
        Assert.Equal(new Shape3(12, 12, 12), fits.Volume.Shape);
    }
}
