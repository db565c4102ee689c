using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Preprocessing;

public class ResampleGridTests
{
    [Fact]
    public void Output_shape_rounds_half_to_even_and_never_drops_below_one()
    {
        // 5 · 0.5 = 2.5 → 2 (even), 7 · 0.5 = 3.5 → 4, 3 · 0.1 / 10 → 0 → 1.
        var shape = ResampleGrid.OutputShape(new Shape3(5, 7, 3), new Spacing3(1, 1, 0.1), new Spacing3(2, 2, 10));
        Assert.Equal(new Shape3(2, 4, 1), shape);
    }

    [Fact]
    public void Spacing_and_affine_follow_the_corner_aligned_grid_and_keep_the_first_centre()
    {
        var affine = TestVolumes.FromCodes("LPS", new Spacing3(0.5, 0.5, 2), 10, 20, 30);
        var v = TestVolumes.Ramp(new Shape3(11, 10, 4), affine, new Spacing3(0.5, 0.5, 2));
        var r = Resampler.Resample(v, new Spacing3(1, 1, 1), Interpolation.Trilinear);
        Assert.Equal(new Shape3(6, 5, 8), r.Shape);
        // real spacing = (n_in − 1)·s_in / (n_out − 1)
        Assert.Equal(10 * 0.5 / 5, r.Spacing.X, 12);
        Assert.Equal(9 * 0.5 / 4, r.Spacing.Y, 12);
        Assert.Equal(3 * 2.0 / 7, r.Spacing.Z, 12);
        // first and last voxel centres are the same world points
        Assert.Equal(v.Affine.Apply(0, 0, 0), r.Affine.Apply(0, 0, 0));
        var lastIn = v.Affine.Apply(10, 9, 3);
        var lastOut = r.Affine.Apply(5, 4, 7);
        Assert.Equal(lastIn.X, lastOut.X, 9);
        Assert.Equal(lastIn.Y, lastOut.Y, 9);
        Assert.Equal(lastIn.Z, lastOut.Z, 9);
        // corner values are copied exactly
        Assert.Equal(v[0, 0, 0], r[0, 0, 0]);
        Assert.Equal(v[10, 9, 3], r[5, 4, 7]);
    }

    [Theory]
    [InlineData(Interpolation.Trilinear)]
    [InlineData(Interpolation.CubicBSpline)]
    public void Linear_ramp_is_reproduced_exactly_inside(Interpolation mode)
    {
        // Both trilinear and cubic B-splines reproduce linear functions (mirror boundary keeps this for interior samples).
        var s = new Shape3(32, 30, 28);
        var vox = new float[s.Count];
        for (int z = 0; z < s.Z; z++) for (int y = 0; y < s.Y; y++) for (int x = 0; x < s.X; x++) vox[s.Index(x, y, z)] = 2 * x - y + 0.5f * z;
        var v = new Volume(vox, s, new Spacing3(1, 1, 1), Affine.Identity);
        var r = Resampler.Resample(v, new Shape3(61, 15, 55), mode);
        int checkedCount = 0;
        for (int z = 0; z < r.Shape.Z; z++) for (int y = 0; y < r.Shape.Y; y++) for (int x = 0; x < r.Shape.X; x++)
        {
            var p = r.Affine.Apply(x, y, z); // identity input affine: world = input index
            if (!Inside(p.X, s.X) || !Inside(p.Y, s.Y) || !Inside(p.Z, s.Z)) continue; // mirror edges bend a ramp
            Assert.Equal(2 * p.X - p.Y + 0.5 * p.Z, r[x, y, z], 3);
            checkedCount++;
        }
        Assert.True(checkedCount > 1000);
    }

    private static bool Inside(double p, int n) => p >= 9 && p <= n - 10;

    [Fact]
    public void Resampling_to_an_explicit_shape_undoes_the_grid()
    {
        var v = TestVolumes.Ramp(new Shape3(9, 12, 7), TestVolumes.FromCodes("RAS", new Spacing3(0.8, 0.8, 1.5), 1, 2, 3), new Spacing3(0.8, 0.8, 1.5));
        var down = Resampler.Resample(v, new Spacing3(1.6, 1.6, 3), Interpolation.Nearest);
        var back = Resampler.Resample(down, v.Shape, Interpolation.Nearest);
        Assert.Equal(v.Shape, back.Shape);
        Assert.True(back.Affine.ApproximatelyEquals(v.Affine, 1e-9));
        Assert.Equal(v.Spacing.Z, back.Spacing.Z, 9);
    }

    [Theory]
    [InlineData(Interpolation.Trilinear)]
    [InlineData(Interpolation.CubicBSpline)]
    public void Same_grid_returns_the_input_values(Interpolation mode)
    {
        var v = TestVolumes.Ramp(new Shape3(6, 5, 4), Affine.FromSpacing(new Spacing3(1, 1, 1)), new Spacing3(1, 1, 1));
        var r = Resampler.Resample(v, new Spacing3(1, 1, 1), mode);
        Assert.Equal(v.Voxels, r.Voxels);
        Assert.NotSame(v.Voxels, r.Voxels);
        // and the B-spline path agrees with it when the grid changes only slightly: a sample on a knot is the data
        var near = Resampler.Resample(v, new Shape3(11, 5, 4), mode);
        for (int x = 0; x < 6; x++) Assert.Equal(v[x, 2, 1], near[2 * x, 2, 1], 2);
    }

    [Fact]
    public void Single_slice_axis_stays_single()
    {
        var v = TestVolumes.Ramp(new Shape3(8, 8, 1), Affine.Identity, new Spacing3(1, 1, 5));
        var r = Resampler.Resample(v, new Spacing3(0.5, 0.5, 1), Interpolation.CubicBSpline);
        Assert.Equal(new Shape3(16, 16, 1), r.Shape);
        Assert.All(r.Voxels, x => Assert.True(float.IsFinite(x)));
        Assert.Equal(5, r.Spacing.Z);
    }
}
