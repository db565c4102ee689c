using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Preprocessing;

public class CanonicalReorienterTests
{
    [Theory]
    [InlineData("RAS")]
    [InlineData("LPS")]
    [InlineData("PIR")]
    [InlineData("ASL")]
    [InlineData("ILA")]
    [InlineData("SRP")]
    public void Result_is_ras_and_every_voxel_keeps_its_world_position(string codes)
    {
        var spacing = new Spacing3(0.7, 1.1, 2.3);
        var v = TestVolumes.Ramp(new Shape3(5, 6, 7), TestVolumes.FromCodes(codes, spacing, 12, -30, 7), spacing);
        var (ras, t) = CanonicalReorienter.ToRasWithTransform(v);
        for (int c = 0; c < 3; c++)
        {
            Assert.True(ras.Affine[c, c] > 0, $"column {c} must point along +{"RAS"[c]}");
            Assert.Equal(ras.Affine[c, c], ras.Affine.ColumnNorm(c), 12);
            Assert.Equal(ras.Spacing[c], ras.Affine.ColumnNorm(c), 12);
        }
        // Each voxel's value sits at the same world point before and after.
        var inverse = v.Affine.Inverse();
        for (int z = 0; z < ras.Shape.Z; z++) for (int y = 0; y < ras.Shape.Y; y++) for (int x = 0; x < ras.Shape.X; x++)
        {
            var w = ras.Affine.Apply(x, y, z);
            var src = inverse.Apply(w.X, w.Y, w.Z);
            var (i, j, k) = ((int)Math.Round(src.X), (int)Math.Round(src.Y), (int)Math.Round(src.Z));
            Assert.True(Math.Abs(src.X - i) + Math.Abs(src.Y - j) + Math.Abs(src.Z - k) < 1e-9);
            Assert.Equal(v[i, j, k], ras[x, y, z]);
        }
        var back = t.Invert(ras);
        Assert.Equal(v.Voxels, back.Voxels);
        Assert.Equal(v.Shape, back.Shape);
        Assert.Equal(v.Spacing, back.Spacing);
        Assert.True(back.Affine.ApproximatelyEquals(v.Affine, 1e-12));
    }

    [Fact]
    public void Oblique_affine_picks_the_closest_axes()
    {
        // 20° rotation about z of an LPS grid: still closest to L, P, S.
        double c = Math.Cos(20 * Math.PI / 180), s = Math.Sin(20 * Math.PI / 180);
        var affine = new Affine(new double[] { -c, s, 0, 0, -s, -c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 });
        var t = CanonicalReorienter.TransformFor(affine, new Shape3(4, 5, 6));
        Assert.Equal(new[] { 0, 1, 2 }, t.SourceAxis);
        Assert.Equal(new[] { true, true, false }, t.Flip);
    }

    [Theory]
    [InlineData("LPS")]
    [InlineData("PIR")]
    [InlineData("ASL")]
    public void Matches_nibabel_as_closest_canonical_on_a_real_file(string codes)
    {
        using var py = new PythonReference();
        py.Run("canonical", Path.Combine(PythonReference.Templates, "inia19-t1-brain.nii.gz"), "--codes", codes);
        var input = py.Load("input");
        var expected = py.Load("output");
        Assert.False(expected.Shape == input.Shape && expected.Affine.ApproximatelyEquals(input.Affine), "input must not be canonical");
        var (ours, t) = CanonicalReorienter.ToRasWithTransform(input);
        Assert.Equal(expected.Shape, ours.Shape);
        Assert.Equal(expected.Spacing, ours.Spacing);
        Assert.True(ours.Affine.ApproximatelyEquals(expected.Affine, 1e-9), $"{ours.Affine} vs {expected.Affine}");
        Assert.Equal(expected.Voxels, ours.Voxels);
        Assert.Equal(input.Voxels, t.Invert(ours).Voxels);
    }
}
