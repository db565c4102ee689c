using System.Globalization;
using Spark3D.Data.Preprocessing;
using Spark3D.Data.Volumes;

namespace Spark3D.Data.Tests.Preprocessing;

/// <summary>
/// Our resampler against <c>scipy.ndimage.zoom(grid_mode=False)</c> on real MRI templates (sub-blocks to stay fast).
/// The script computes the output shape independently from the target spacing, so the grid rule is checked too.
/// </summary>
public class ResamplerScipyTests
{
    private static (Volume Ours, Volume Scipy, Volume Input) Compare(string file, Interpolation mode, int order, string scipyMode,
        double[] target, int[] block)
    {
        using var py = new PythonReference();
        var args = new List<string> { "zoom", Path.Combine(PythonReference.Templates, file), "--order", order.ToString(CultureInfo.InvariantCulture), "--mode", scipyMode, "--target" };
        args.AddRange(target.Select(t => t.ToString("R", CultureInfo.InvariantCulture)));
        args.Add("--block");
        args.AddRange(block.Select(b => b.ToString(CultureInfo.InvariantCulture)));
        py.Run(args.ToArray());
        var input = py.Load("input");
        var scipy = py.Load("output");
        var ours = Resampler.Resample(input, new Spacing3(target[0], target[1], target[2]), mode);
        Assert.Equal(scipy.Shape, ours.Shape);
        return (ours, scipy, input);
    }

    [Theory]
    [InlineData("ch2better.nii.gz", 1.0, 1.0, 1.0)]     // 0.5 mm → 1 mm, the preprocessing default
    [InlineData("ch2better.nii.gz", 0.7, 1.3, 0.35)]    // anisotropic, up- and down-sampling at once
    [InlineData("inia19-t1-brain.nii.gz", 1.0, 0.8, 1.6)]
    public void Trilinear_matches_scipy_zoom_order1_to_1e4_relative(string file, double tx, double ty, double tz)
    {
        var (ours, scipy, _) = Compare(file, Interpolation.Trilinear, 1, "nearest", new[] { tx, ty, tz }, new[] { 60, 70, 50, 150, 160, 130 });
        double maxAbs = scipy.Voxels.Max(Math.Abs);
        Assert.True(maxAbs > 10, "the block must hold real signal");
        double worst = 0;
        for (int i = 0; i < ours.Voxels.Length; i++)
        {
            double d = Math.Abs(ours.Voxels[i] - scipy.Voxels[i]);
            worst = Math.Max(worst, d / Math.Max(Math.Abs(scipy.Voxels[i]), 1e-6 * maxAbs));
        }
        Assert.True(worst <= 1e-4, $"max relative error {worst:g3}");
    }

    /// <summary>
    /// Cubic vs zoom(order=3, mode='mirror'). Tolerance 1e-4 of the data range: our coefficients and sums are float32
    /// (scipy uses float64), so each of the 64 taps carries ~6e-8 relative rounding of a coefficient up to ~2× the
    /// data range: ≲ 1e-5 of the range, with a 10× margin. Per-voxel relative error is meaningless for a spline
    /// that can ring through zero.
    /// </summary>
    [Theory]
    [InlineData("ch2better.nii.gz", 1.0, 1.0, 1.0)]
    [InlineData("inia19-t1-brain.nii.gz", 0.7, 1.3, 0.35)]
    public void Cubic_matches_scipy_zoom_order3_mirror(string file, double tx, double ty, double tz)
    {
        var (ours, scipy, _) = Compare(file, Interpolation.CubicBSpline, 3, "mirror", new[] { tx, ty, tz }, new[] { 40, 50, 30, 110, 120, 90 });
        double maxAbs = scipy.Voxels.Max(Math.Abs);
        double worst = 0;
        for (int i = 0; i < ours.Voxels.Length; i++) worst = Math.Max(worst, Math.Abs(ours.Voxels[i] - scipy.Voxels[i]));
        Assert.True(worst <= 1e-4 * maxAbs, $"max error {worst:g3} of range {maxAbs:g3}");
    }

    [Fact]
    public void Nearest_matches_scipy_zoom_order0_exactly_and_keeps_labels()
    {
        var (ours, scipy, input) = Compare("aal.nii.gz", Interpolation.Nearest, 0, "nearest", new[] { 1.7, 0.6, 2.3 }, new[] { 30, 40, 30, 120, 130, 110 });
        Assert.Equal(scipy.Voxels, ours.Voxels);
        var labels = input.Voxels.ToHashSet();
        Assert.True(labels.Count > 20, "aal is a label atlas");
        Assert.All(ours.Voxels.Distinct(), v => Assert.Contains(v, labels));
    }
}
