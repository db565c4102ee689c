using Spark3D.Model.Devices;
using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Model.Tests.Devices.CpuIsa;

/// <summary>The decision rules, with a temporary cache folder and a stand-in for the self-check child.</summary>
public sealed class IsaGuardPolicyTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "spark3d-isa-policy-" + Guid.NewGuid().ToString("N"));
    private int _checks;

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private SelfCheckCache Cache => new(_dir);

    private static IsaGuardRequest Request(CpuIdentity? cpu, string? user = null, IsaGuardMode mode = IsaGuardMode.Auto,
        DeviceMode device = DeviceMode.Cpu, int threads = 2) => new(cpu, user, mode, device, threads, "libtorch_cpu.so 123 bytes");

    private static SelfCheckResult Result(bool safe) => new(ConvNumericsSelfCheck.Version, "2.10.0", null, 2, 40, 0.8,
    [
        new SelfCheckPart("conv3d 8->8 k3 2x8x16^3", "forward", 40, 0, 0, 0),
        new SelfCheckPart("conv3d 8->8 k3 2x8x16^3", "grad_weight", 40, safe ? 0 : 3, 0, safe ? 2e-6 : double.PositiveInfinity),
    ]);

    private Func<SelfCheckOutcome> Check(bool safe) => () =>
    {
        _checks++;
        return new SelfCheckOutcome(Result(safe), null);
    };

    private Func<SelfCheckOutcome> MustNotCheck => () => throw new InvalidOperationException("the self-check must not run here");

    [Fact]
    public void The_users_own_setting_wins_and_nothing_is_checked()
    {
        var d = IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen5, user: "avx512_core"), Cache, MustNotCheck);
        Assert.Equal(IsaGuardSource.User, d.Source);
        Assert.Equal("avx512_core", d.MaxCpuIsa);
        Assert.False(d.Capped);
        Assert.Contains("ONEDNN_MAX_CPU_ISA=avx512_core", d.Line());
    }

    [Fact]
    public void Known_bad_cpus_are_capped_without_a_check()
    {
        var d = IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen5), Cache, MustNotCheck);
        Assert.Equal(IsaGuardSource.KnownBadCpu, d.Source);
        Assert.Equal("AVX2", d.MaxCpuIsa);
        Assert.True(d.Capped);
        Assert.Equal("cpu: AMD EPYC 9555 64-Core Processor (family 26 model 2) — oneDNN capped at AVX2 (known-bad CPU: AMD family 26 (Zen 5))", d.Line());
        // Also for a CUDA run (no cost: the GPU trains) and one thread (conservative: issue 10 saw 1 thread pass, in few runs).
        Assert.True(IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen5, device: DeviceMode.Cuda, threads: 1), Cache, MustNotCheck).Capped);
    }

    [Fact]
    public void Family_26_of_another_vendor_is_not_on_the_list() =>
        Assert.Null(KnownBadCpus.Reason(CpuInfoSamples.Cpu("GenuineIntel", 26, 1, "Some Intel")));

    [Theory]
    [InlineData(IsaGuardMode.Off, IsaGuardSource.Off)]
    [InlineData(IsaGuardMode.Auto, IsaGuardSource.NoAvx512)]
    public void Off_and_cpus_without_avx512_are_left_alone(IsaGuardMode mode, IsaGuardSource expected)
    {
        var cpu = expected == IsaGuardSource.Off ? CpuInfoSamples.Zen5 : CpuInfoSamples.IntelAvx2Only;
        var d = IsaGuardPolicy.Decide(Request(cpu, mode: mode), Cache, MustNotCheck);
        Assert.Equal(expected, d.Source);
        Assert.Null(d.MaxCpuIsa);
    }

    [Fact]
    public void Cuda_runs_single_threaded_runs_and_unknown_cpus_are_not_checked()
    {
        Assert.Equal(IsaGuardSource.CudaDevice, IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4, device: DeviceMode.Cuda), Cache, MustNotCheck).Source);
        Assert.Equal(IsaGuardSource.SingleThread, IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4, threads: 1), Cache, MustNotCheck).Source);
        Assert.Equal(IsaGuardSource.UnknownCpu, IsaGuardPolicy.Decide(Request(null), Cache, MustNotCheck).Source);
        Assert.False(Directory.Exists(_dir));
    }

    [Fact]
    public void A_passed_check_is_cached_and_reused_without_checking_again()
    {
        var first = IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4), Cache, Check(safe: true));
        Assert.Equal(IsaGuardSource.SelfCheck, first.Source);
        Assert.Null(first.MaxCpuIsa);
        Assert.Contains("self-check passed", first.Reason);
        Assert.Single(Directory.GetFiles(_dir, "cpu-check-*.json"));

        var second = IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4), Cache, MustNotCheck);
        Assert.Equal(IsaGuardSource.Cached, second.Source);
        Assert.Null(second.MaxCpuIsa);
        Assert.Equal(1, _checks);
    }

    [Fact]
    public void The_cache_is_per_cpu_model_libtorch_and_thread_count()
    {
        IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4), Cache, Check(safe: true));
        IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4, threads: 4), Cache, Check(safe: true));
        IsaGuardPolicy.Decide(Request(CpuInfoSamples.Cpu("GenuineIntel", 6, 143, "Intel(R) Xeon(R) Platinum 8480+")), Cache, Check(safe: true));
        IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4) with { LibTorch = "libtorch_cpu.so 999 bytes" }, Cache, Check(safe: true));
        Assert.Equal(4, _checks);
        Assert.Equal(4, Directory.GetFiles(_dir, "cpu-check-*.json").Length);
    }

    [Fact]
    public void A_failed_check_caps_and_its_cached_result_caps_again()
    {
        var d = IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4), Cache, Check(safe: false));
        Assert.Equal(IsaGuardSource.SelfCheck, d.Source);
        Assert.Equal("AVX2", d.MaxCpuIsa);
        Assert.Contains("grad_weight: NaN/inf in 3 of 40", d.Reason);

        var again = IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4), Cache, MustNotCheck);
        Assert.Equal(IsaGuardSource.Cached, again.Source);
        Assert.Equal("AVX2", again.MaxCpuIsa);
    }

    [Fact]
    public void A_check_that_cannot_run_caps_and_is_not_cached()
    {
        var d = IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4), Cache, () => SelfCheckOutcome.Failed("exit 139"));
        Assert.Equal(IsaGuardSource.CheckFailed, d.Source);
        Assert.Equal("AVX2", d.MaxCpuIsa);
        Assert.Contains("exit 139", d.Reason);
        Assert.False(Directory.Exists(_dir) && Directory.GetFiles(_dir).Length > 0);
        Assert.Equal(IsaGuardSource.SelfCheck, IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4), Cache, Check(safe: true)).Source);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ torn")]
    [InlineData("{\"key\": \"another CPU\", \"result\": {}}")]
    [InlineData("{\"key\": null}")]
    [InlineData("[1, 2, 3]")]
    public void A_corrupt_or_foreign_cache_file_is_ignored_and_rewritten(string content)
    {
        string key = SelfCheckCache.Key(CpuInfoSamples.Zen4, "libtorch_cpu.so 123 bytes", 2);
        string path = Cache.PathFor(key)!;
        Directory.CreateDirectory(_dir);
        File.WriteAllText(path, content);

        var d = IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4), Cache, Check(safe: true));
        Assert.Equal(IsaGuardSource.SelfCheck, d.Source);
        Assert.Equal(1, _checks);
        Assert.NotNull(Cache.TryRead(key));
    }

    [Fact]
    public void A_result_of_another_check_version_is_not_reused()
    {
        string key = SelfCheckCache.Key(CpuInfoSamples.Zen4, "libtorch_cpu.so 123 bytes", 2);
        Assert.Null(Cache.Write(key, Result(safe: true) with { CheckVersion = ConvNumericsSelfCheck.Version - 1 }));
        Assert.Null(Cache.TryRead(key));
    }

    [Fact]
    public void An_unwritable_cache_still_gives_a_decision()
    {
        File.WriteAllText(_dir, "a file where the cache folder should be"); // CreateDirectory fails
        try
        {
            var d = IsaGuardPolicy.Decide(Request(CpuInfoSamples.Zen4), Cache, Check(safe: true));
            Assert.Equal(IsaGuardSource.SelfCheck, d.Source);
            Assert.NotNull(Cache.Write("k", Result(true)));
        }
        finally
        {
            File.Delete(_dir);
        }
    }
}
