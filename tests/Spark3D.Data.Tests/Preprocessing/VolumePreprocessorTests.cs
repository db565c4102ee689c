using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Preprocessing;

public class VolumePreprocessorTests
{
    /// <summary>An LPS head-like volume: a bright ellipsoid with a label map of its two halves, zero around it.</summary>
    private static (Volume Image, Volume Labels) Phantom()
    {
        var spacing = new Spacing3(0.8, 0.8, 1.6);
        var shape = new Shape3(40, 44, 24);
        var img = new float[shape.Count];
        var lab = new float[shape.Count];
        for (int z = 0; z < shape.Z; z++) for (int y = 0; y < shape.Y; y++) for (int x = 0; x < shape.X; x++)
        {
            double dx = (x - 22) / 12.0, dy = (y - 20) / 15.0, dz = (z - 11) / 7.0;
            double r = dx * dx + dy * dy + dz * dz;
            if (r > 1) continue;
            long i = shape.Index(x, y, z);
            img[i] = (float)(100 + 50 * (1 - r) + x);
            lab[i] = x < 22 ? 1 : 2;
        }
        var affine = TestVolumes.FromCodes("LPS", spacing, 30, 40, -20);
        return (new Volume(img, shape, spacing, affine), new Volume(lab, shape, spacing, affine));
    }

    [Fact]
    public void Runs_reorient_crop_zscore_resample_and_records_everything()
    {
        var (image, _) = Phantom();
        var (v, rec) = new VolumePreprocessor(PreprocessOptions.Default).Process(image);
        Assert.False(rec.Orientation.IsIdentity);
        Assert.False(rec.Crop.IsFull);
        Assert.Equal(rec.Crop.Size, rec.ResampledFrom);
        Assert.Equal(rec.Shape, v.Shape);
        Assert.Equal(ResampleGrid.OutputShape(rec.ResampledFrom, new Spacing3(0.8, 0.8, 1.6), Spacing3.Isotropic1mm), v.Shape);
        Assert.True(v.Affine[0, 0] > 0 && v.Affine[1, 1] > 0 && v.Affine[2, 2] > 0);
        Assert.InRange(v.Spacing.X, 0.95, 1.05);
        Assert.InRange(v.Spacing.Z, 0.95, 1.05);
        Assert.NotNull(rec.Stats);
        Assert.True(rec.Stats!.Mean > 100);
        Assert.All(v.Voxels, x => Assert.True(float.IsFinite(x)));
        Assert.InRange(v.Voxels.Max(), 1.0, 5.0); // z-scored
        // The first output voxel centre is the first voxel of the crop box in the reoriented grid.
        var ras = rec.Orientation.Apply(image);
        var first = ras.Affine.Apply(rec.Crop.Offset.X, rec.Crop.Offset.Y, rec.Crop.Offset.Z);
        var got = v.Affine.Apply(0, 0, 0);
        Assert.Equal(first.X, got.X, 9);
        Assert.Equal(first.Y, got.Y, 9);
        Assert.Equal(first.Z, got.Z, 9);
    }

    [Fact]
    public void Labels_follow_the_image_grid_and_undo_returns_to_the_original_grid()
    {
        var (image, labels) = Phantom();
        var (v, rec) = new VolumePreprocessor(PreprocessOptions.Default).Process(image);
        var lab = VolumePreprocessor.ProcessLabels(labels, rec);
        Assert.Equal(v.Shape, lab.Shape);
        Assert.True(lab.Affine.ApproximatelyEquals(v.Affine, 1e-9));
        Assert.Equal(new[] { 0f, 1f, 2f }, lab.Voxels.Distinct().Order().ToArray());
        // Same grid: where every trilinear tap of the image is background (exact 0), the nearest label is background,
        // and the foregrounds differ only in the one-voxel boundary shell.
        Assert.All(Enumerable.Range(0, v.Voxels.Length).Where(i => v.Voxels[i] == 0), i => Assert.Equal(0f, lab.Voxels[i]));
        int mismatch = v.Voxels.Where((x, i) => (x != 0) != (lab.Voxels[i] != 0)).Count();
        Assert.True(mismatch < lab.Voxels.Count(x => x != 0) / 4, $"{mismatch} voxels disagree");

        var back = VolumePreprocessor.Undo(lab, rec, Interpolation.Nearest);
        Assert.Equal(labels.Shape, back.Shape);
        Assert.Equal(labels.Affine, back.Affine);
        // Down- and up-sampling with nearest moves label boundaries by at most one voxel: every voxel that changed
        // took a label found in its 3×3×3 neighbourhood, and most voxels are unchanged.
        var s = labels.Shape;
        int wrong = 0;
        for (int z = 0; z < s.Z; z++) for (int y = 0; y < s.Y; y++) for (int x = 0; x < s.X; x++)
        {
            float got = back[x, y, z];
            if (got == labels[x, y, z]) continue;
            wrong++;
            bool nearby = false;
            for (int dz = -1; dz <= 1; dz++) for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++)
            {
                int xx = x + dx, yy = y + dy, zz = z + dz;
                if (xx >= 0 && yy >= 0 && zz >= 0 && xx < s.X && yy < s.Y && zz < s.Z && labels[xx, yy, zz] == got) nearby = true;
            }
            Assert.True(nearby, $"voxel ({x},{y},{z}) got label {got} not found next to it");
        }
        Assert.True(wrong < labels.Voxels.Count(v => v != 0) / 4, $"{wrong} label voxels differ after the round trip");
    }

    [Fact]
    public void Without_resampling_the_round_trip_is_exact()
    {
        var (_, labels) = Phantom();
        var options = new PreprocessOptions(TargetSpacing: null, ZScore: new ZScoreOptions(ZScoreMode.Nonzero));
        var (v, rec) = new VolumePreprocessor(options).Process(labels);
        var back = VolumePreprocessor.Undo(v, rec, Interpolation.Nearest);
        var expected = labels.Voxels.Select(x => x == 0 ? 0f : (float)((x - rec.Stats!.Mean) / rec.Stats.Divisor)).ToArray();
        Assert.Equal(expected, back.Voxels);
    }
}
