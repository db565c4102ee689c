using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Volumes;

public class AffineTests
{
    [Fact]
    public void Inverse_undoes_a_general_affine()
    {
        var a = new Affine(new double[] { 0, -0.9, 0.1, 10, 1.2, 0, 0, -20, 0.05, 0.1, 2.5, 30, 0, 0, 0, 1 });
        Assert.True(a.Multiply(a.Inverse()).ApproximatelyEquals(Affine.Identity, 1e-12));
        Assert.Equal(2.5 * 2.5 + 0.1 * 0.1, a.ColumnNorm(2) * a.ColumnNorm(2), 10);
    }
}
