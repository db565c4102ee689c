using static TorchSharp.torch;

namespace Spark3D.Model.Inference;

/// <summary>
/// nnU-Net's test-time mirroring (<c>nnUNetPredictor._internal_maybe_mirror_and_predict</c>, MIC-DKFZ/nnUNet @0e49508):
/// the window's logits are averaged over the plain input and its flips along every non-empty combination of the
/// spatial axes (7 in 3D, so 8 network passes), each flipped prediction flipped back first. Logits, not probabilities,
/// are averaged, as in nnU-Net.
/// </summary>
public static class TestTimeMirroring
{
    /// <summary>The flipped axes of a B×C×D×H×W tensor, by combination size then order (itertools.combinations).</summary>
    public static IReadOnlyList<long[]> AxisCombinations { get; } =
    [
        [2], [3], [4], [2, 3], [2, 4], [3, 4], [2, 3, 4],
    ];

    /// <summary>Wraps <paramref name="network"/> (window → logits, same spatial size) into its mirrored average.</summary>
    public static Func<Tensor, Tensor> Wrap(Func<Tensor, Tensor> network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return window =>
        {
            using var scope = NewDisposeScope();
            var sum = network(window).clone();
            foreach (var axes in AxisCombinations)
                sum.add_(network(window.flip(axes)).flip(axes));
            return scope.MoveToOuter(sum.div_(AxisCombinations.Count + 1));
        };
    }
}
