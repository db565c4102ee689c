using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Spark3D.Model.Devices.CpuIsa;

/// <summary>
/// The numerical self-check: the conv3d shapes the tiny network trains with (stem, 3³ conv, strided conv, 1×1 head,
/// transposed conv, and a conv–instance-norm–LeakyReLU block), forward and backward, run repeatedly with N intra-op
/// threads and compared with a single-threaded reference. On issue 10's Zen 5 the broken results were intermittent NaN
/// gradients with 2 threads, so it repeats until a time budget is spent, and any NaN or disagreement beyond
/// <see cref="Tolerance"/> marks the CPU unsafe.
/// </summary>
/// <remarks>Changes libtorch's thread count while it runs and restores it; run it alone (a child process in the
/// program, a non-parallel collection in tests). oneDNN reads ONEDNN_MAX_CPU_ISA once, at its first primitive, so the
/// result is for whatever ISA level this process already runs under.</remarks>
public static class ConvNumericsSelfCheck
{
    /// <summary>Bump when the cases or the tolerance change: cached results of other versions are not reused.</summary>
    public const int Version = 1;

    /// <summary>Largest accepted |multi − single| / max|single|. Thread counts only reorder float sums here
    /// (≤ 5e-6 measured for the weight gradients, 0 for the rest on a Zen 4); a race gives O(1) or NaN.</summary>
    public const double Tolerance = 1e-3;

    private sealed record CheckCase(string Op, string[] Parts, Func<Tensor[]> Compute);

    /// <summary>
    /// Compares <paramref name="threads"/>-thread results with 1-thread ones: at least <paramref name="minRounds"/>
    /// repetitions of every case, then more until <paramref name="budget"/> is spent (at most <paramref name="maxRounds"/>).
    /// </summary>
    public static SelfCheckResult Run(int threads, TimeSpan budget, int minRounds = 2, int maxRounds = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(minRounds, 1);
        int before = get_num_threads();
        using var outer = NewDisposeScope();
        var cases = Cases();
        try
        {
            set_num_threads(1);
            var references = cases.Select(c => c.Compute()).ToList();
            set_num_threads(threads);
            var stats = cases.Select(c => c.Parts.Select(_ => new PartStats()).ToArray()).ToList();
            var clock = Stopwatch.StartNew();
            int rounds = 0;
            while (rounds < maxRounds && (rounds < minRounds || clock.Elapsed < budget))
            {
                for (int i = 0; i < cases.Count; i++)
                {
                    using var scope = NewDisposeScope();
                    var got = cases[i].Compute();
                    for (int p = 0; p < got.Length; p++) stats[i][p].Add(got[p], references[i][p]);
                }
                rounds++;
            }
            var parts = cases.SelectMany((c, i) => c.Parts.Select((name, p) =>
                new SelfCheckPart(c.Op, name, rounds, stats[i][p].NonFinite, stats[i][p].Mismatch, stats[i][p].MaxRelative))).ToList();
            return new SelfCheckResult(Version, __version__, Environment.GetEnvironmentVariable(IsaGuard.MaxCpuIsaVariable),
                threads, rounds, Math.Round(clock.Elapsed.TotalSeconds, 3), parts);
        }
        finally
        {
            set_num_threads(before);
        }
    }

    private sealed class PartStats
    {
        public int NonFinite { get; private set; }
        public int Mismatch { get; private set; }
        public double MaxRelative { get; private set; }

        public void Add(Tensor got, Tensor reference)
        {
            if (!got.isfinite().all().item<bool>())
            {
                NonFinite++;
                MaxRelative = double.PositiveInfinity;
                return;
            }
            double scale = Math.Max(reference.abs().max().item<float>(), 1e-30);
            double relative = got.sub(reference).abs().max().item<float>() / scale;
            if (!(relative <= Tolerance)) Mismatch++;
            MaxRelative = Math.Max(MaxRelative, relative);
        }
    }

    // Fixed inputs (own generator: the global RNG is left alone). Shapes: the tiny preset's and the training tests'.
    private static List<CheckCase> Cases()
    {
        using var g = new Generator(20261204, CPU);
        Tensor R(long[] shape, double scale = 1.0) => randn(shape, generator: g).mul_(scale);
        return
        [
            Conv("conv3d 1->8 k3 2x1x16^3 (stem)", R([2, 1, 16, 16, 16]), R([8, 1, 3, 3, 3], 0.2), R([8], 0.1), 1, 1, inputGrad: false),
            Conv("conv3d 8->8 k3 2x8x16^3", R([2, 8, 16, 16, 16]), R([8, 8, 3, 3, 3], 0.2), R([8], 0.1), 1, 1, inputGrad: true),
            Conv("conv3d 8->16 k3 s2 2x8x16^3", R([2, 8, 16, 16, 16]), R([16, 8, 3, 3, 3], 0.2), R([16], 0.1), 2, 1, inputGrad: true),
            Conv("conv3d 8->1 k1 2x8x16^3 (head)", R([2, 8, 16, 16, 16]), R([1, 8, 1, 1, 1], 0.2), R([1], 0.1), 1, 0, inputGrad: true),
            ConvTranspose("conv_transpose3d 16->8 k2 s2 2x16x8^3", R([2, 16, 8, 8, 8]), R([16, 8, 2, 2, 2], 0.2), R([8], 0.1)),
            Block(R([2, 1, 16, 16, 16]), R([8, 1, 3, 3, 3], 0.2), R([8, 8, 3, 3, 3], 0.2), R([1, 8, 1, 1, 1], 0.2)),
        ];
    }

    private static CheckCase Conv(string op, Tensor x, Tensor w, Tensor b, long stride, long pad, bool inputGrad)
    {
        Tensor? upstream = null;
        return new CheckCase(op, inputGrad ? ["forward", "grad_input", "grad_weight", "grad_bias"] : ["forward", "grad_weight", "grad_bias"], () =>
        {
            var (xx, ww, bb) = (Leaf(x, inputGrad), Leaf(w, true), Leaf(b, true));
            var y = nn.functional.conv3d(xx, ww, bb, strides: [stride, stride, stride], padding: [pad, pad, pad]);
            upstream ??= Upstream(y);
            y.backward([upstream]);
            return inputGrad ? [y.detach(), xx.grad!, ww.grad!, bb.grad!] : [y.detach(), ww.grad!, bb.grad!];
        });
    }

    private static CheckCase ConvTranspose(string op, Tensor x, Tensor w, Tensor b)
    {
        Tensor? upstream = null;
        return new CheckCase(op, ["forward", "grad_input", "grad_weight", "grad_bias"], () =>
        {
            var (xx, ww, bb) = (Leaf(x, true), Leaf(w, true), Leaf(b, true));
            var y = nn.functional.conv_transpose3d(xx, ww, bb, strides: [2, 2, 2]);
            upstream ??= Upstream(y);
            y.backward([upstream]);
            return [y.detach(), xx.grad!, ww.grad!, bb.grad!];
        });
    }

    // The training tests' net: conv → instance norm → LeakyReLU → conv → LeakyReLU → 1×1 conv; loss = mean square.
    private static CheckCase Block(Tensor x, Tensor w1, Tensor w2, Tensor w3) =>
        new("block conv-instancenorm-lrelu 2x1x16^3", ["forward", "grad_params"], () =>
        {
            var (a, b, c) = (Leaf(w1, true), Leaf(w2, true), Leaf(w3, true));
            var h = nn.functional.conv3d(x, a, padding: [1, 1, 1]);
            h = nn.functional.leaky_relu(nn.functional.instance_norm(h), 0.01);
            h = nn.functional.leaky_relu(nn.functional.conv3d(h, b, padding: [1, 1, 1]), 0.01);
            var y = nn.functional.conv3d(h, c);
            y.square().mean().backward();
            return [y.detach(), cat([a.grad!.flatten(), b.grad!.flatten(), c.grad!.flatten()])];
        });

    private static Tensor Leaf(Tensor t, bool grad) => t.detach().clone().requires_grad_(grad);

    // A fixed upstream gradient of the output's shape from its own generator, made at the first (reference) call, so it
    // lives in Run's outer dispose scope.
    private static Tensor Upstream(Tensor y)
    {
        using var g = new Generator(7, CPU);
        return randn(y.shape, generator: g);
    }
}
