namespace Spark3D.Data.Preprocessing;

/// <summary>How <see cref="Resampler"/> computes values between voxel centres.</summary>
public enum Interpolation
{
    /// <summary>Nearest voxel (scipy order 0): never creates new values, use it for label maps.</summary>
    Nearest,

    /// <summary>Trilinear (scipy order 1, torch <c>align_corners=True</c>), edges clamped: the default for images.</summary>
    Trilinear,

    /// <summary>Cubic B-spline with prefilter (scipy order 3, <c>mode='mirror'</c>).</summary>
    CubicBSpline,
}
