using Spark3D.Data.Volumes;
using Spark3D.Model.Memory;

namespace Spark3D.Model.Tests.Memory;

/// <summary>The preflight decision and its message, with the available memory given (nothing measured or allocated).</summary>
public sealed class MemoryPreflightTests
{
    private const long GiB = 1L << 30;
    private static readonly IReadOnlyList<PresetShape> Pretrain = PresetShapes.All(MemoryTask.Pretrain);
    private static PresetShape Shape(string preset) => Pretrain.Single(p => p.Name == preset);

    private static MemoryWorkload Paper(bool cuda = false) =>
        new(MemoryTask.Pretrain, "resenc-l", new Shape3(160, 160, 160), 2, Shape("resenc-l").Parameters, Cuda: cuda);

    private static PreflightOutcome Check(MemoryWorkload w, MemoryAvailability a, double headroom = 0.1) =>
        MemoryPreflight.Check(w, a, headroom, Shape(w.Preset), Pretrain);

    [Fact]
    public void The_paper_default_is_refused_on_24_GiB_with_the_estimate_what_is_available_and_what_fits()
    {
        var outcome = Check(Paper(), new MemoryAvailability(24 * GiB, "test budget"));
        Assert.False(outcome.Fits);
        string m = outcome.Message;
        Assert.StartsWith("not enough memory: resenc-l, patch 160×160×160, batch 2, fp32 on cpu needs about ", m, StringComparison.Ordinal);
        Assert.Contains($"about {MemoryEstimate.Format(outcome.Estimate.HostBytes)} at its peak", m, StringComparison.Ordinal);
        Assert.Contains("but 24.0 GiB is available (test budget), 10 % of which is kept free", m, StringComparison.Ordinal);
        Assert.Contains("Would fit: --patch 128 (about ", m, StringComparison.Ordinal);
        Assert.Contains("--batch 1", m, StringComparison.Ordinal);
        Assert.Contains("--preset small", m, StringComparison.Ordinal);
        Assert.Contains("memory-preflight=warn (or off)", m, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_suggestion_fits_and_the_largest_fitting_patch_is_chosen()
    {
        var budget = new MemoryAvailability(24 * GiB, "test");
        long limit = (long)(24 * GiB * 0.9);
        var at128 = MemoryEstimator.Estimate(Paper() with { Patch = new Shape3(128, 128, 128) });
        var at160batch1 = MemoryEstimator.Estimate(Paper() with { Batch = 1 });
        Assert.True(at128.HostBytes <= limit && at160batch1.HostBytes <= limit);
        Assert.Contains($"--patch 128 (about {MemoryEstimate.Format(at128.HostBytes)})", Check(Paper(), budget).Message, StringComparison.Ordinal);
        Assert.Contains($"--batch 1 (about {MemoryEstimate.Format(at160batch1.HostBytes)})", Check(Paper(), budget).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_that_fits_passes_with_a_summary_line_and_headroom_can_tip_the_balance()
    {
        var w = Paper() with { Patch = new Shape3(64, 64, 64) };
        long need = MemoryEstimator.Estimate(w).HostBytes;
        var fits = Check(w, new MemoryAvailability(need * 2, "test"));
        Assert.True(fits.Fits);
        Assert.StartsWith("memory: resenc-l, patch 64×64×64, batch 2, fp32 on cpu needs about ", fits.Message, StringComparison.Ordinal);
        Assert.True(Check(w, new MemoryAvailability(need + 1, "test"), headroom: 0).Fits);
        Assert.False(Check(w, new MemoryAvailability(need + 1, "test"), headroom: 0.1).Fits);
        Assert.Throws<ArgumentOutOfRangeException>(() => Check(w, new MemoryAvailability(need, "test"), headroom: 1));
    }

    [Fact]
    public void Unknown_availability_cannot_refuse_and_says_so()
    {
        var outcome = Check(Paper(), new MemoryAvailability(null, "no /proc/meminfo"));
        Assert.True(outcome.Fits);
        Assert.Contains("available memory unknown: no /proc/meminfo", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void On_cuda_free_gpu_memory_decides_and_bf16_is_offered()
    {
        var w = Paper(cuda: true);
        var outcome = Check(w, new MemoryAvailability(500 * GiB, "host", 20 * GiB, "nvidia-smi memory.free of GPU 0"));
        Assert.False(outcome.Fits);
        Assert.StartsWith("not enough GPU memory: resenc-l, patch 160×160×160, batch 2, fp32 on cuda", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("20.0 GiB is available (nvidia-smi memory.free of GPU 0)", outcome.Message, StringComparison.Ordinal);
        Assert.True(Check(w, new MemoryAvailability(500 * GiB, "host", 140 * GiB, "nvidia-smi")).Fits);
        var bf16Fits = MemoryEstimator.Estimate(w with { Bf16 = true }).GpuBytes!.Value;
        var just = Check(w, new MemoryAvailability(500 * GiB, "host", (long)(bf16Fits / 0.9) + 1, "nvidia-smi"));
        Assert.Contains("-D spark3d.model.device.bf16=true", just.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_smaller_fitting_is_said_plainly()
    {
        var outcome = Check(Paper(), new MemoryAvailability(100L << 20, "test"));
        Assert.False(outcome.Fits);
        Assert.Contains("No smaller configuration of this run fits.", outcome.Message, StringComparison.Ordinal);
    }
}
