namespace Spark3D.Model.Mae;

/// <summary>
/// Network-side SparK options (HOCON <c>spark3d.mae</c>). <paramref name="UseMaskToken"/> = false skips the densify
/// norm, mask tokens and densify convs (nnssl's <c>use_mask_token=False</c>): sparse features go straight to the decoder.
/// <paramref name="MaskTokenStd"/> is the trunc-normal std of the tokens (clipped to ±std).
/// </summary>
public sealed record SparkMaeOptions(bool UseMaskToken = true, double MaskTokenStd = 0.02, double DensifyNormEps = 1e-5);
