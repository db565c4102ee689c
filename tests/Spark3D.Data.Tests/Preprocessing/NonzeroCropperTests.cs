using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Preprocessing;

public class NonzeroCropperTests
{
    private static Volume WithBlob()
    {
        var spacing = new Spacing3(0.9, 1.2, 2);
        var v = Volume.Zeros(new Shape3(20, 16, 12), spacing);
        var vox = new float[v.Shape.Count];
        var rng = new Random(3);
        for (int z = 4; z <= 9; z++) for (int y = 2; y <= 13; y++) for (int x = 5; x <= 11; x++)
            if (rng.NextDouble() < 0.6) vox[v.Shape.Index(x, y, z)] = 1 + (float)rng.NextDouble();
        vox[v.Shape.Index(5, 2, 4)] = -3;   // pin the corners of the box
        vox[v.Shape.Index(11, 13, 9)] = 7;
        return new Volume(vox, v.Shape, spacing, TestVolumes.FromCodes("PIR", spacing, 4, 5, 6));
    }

    [Fact]
    public void Crops_to_the_nonzero_box_and_keeps_world_coordinates()
    {
        var v = WithBlob();
        var (c, box) = NonzeroCropper.Crop(v);
        Assert.Equal(new Shape3(5, 2, 4), box.Offset);
        Assert.Equal(new Shape3(7, 12, 6), box.Size);
        Assert.Equal(v.Shape, box.OriginalShape);
        Assert.Equal(-3, c[0, 0, 0]);
        Assert.Equal(7, c[6, 11, 5]);
        var a = c.Affine.Apply(2, 3, 1);
        var b = v.Affine.Apply(7, 5, 5);
        Assert.Equal(b.X, a.X, 12);
        Assert.Equal(b.Y, a.Y, 12);
        Assert.Equal(b.Z, a.Z, 12);
        Assert.Equal(v[7, 5, 5], c[2, 3, 1]);
    }

    [Fact]
    public void Uncrop_restores_the_original_volume_and_affine()
    {
        var v = WithBlob();
        var (c, box) = NonzeroCropper.Crop(v);
        var back = box.Uncrop(c);
        Assert.Equal(v.Voxels, back.Voxels);
        Assert.Equal(v.Shape, back.Shape);
        Assert.True(back.Affine.ApproximatelyEquals(v.Affine, 1e-12));
    }

    [Fact]
    public void All_zero_volume_is_unchanged_with_the_full_box()
    {
        var v = Volume.Zeros(new Shape3(4, 5, 6), new Spacing3(1, 1, 1));
        var (c, box) = NonzeroCropper.Crop(v);
        Assert.True(box.IsFull);
        Assert.Equal(v.Shape, c.Shape);
        Assert.Equal(v.Affine, c.Affine);
    }
}
