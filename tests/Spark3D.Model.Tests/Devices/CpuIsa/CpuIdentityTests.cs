using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Model.Tests.Devices.CpuIsa;

public class CpuIdentityTests
{
    [Fact]
    public void Parses_the_first_processor_block()
    {
        var cpu = CpuInfoSamples.Zen5;
        Assert.Equal("AuthenticAMD", cpu.Vendor);
        Assert.Equal(26, cpu.Family);
        Assert.Equal(2, cpu.Model);
        Assert.Equal(1, cpu.Stepping);
        Assert.Equal("AMD EPYC 9555 64-Core Processor", cpu.Name);
        Assert.True(cpu.HasAvx512);
        Assert.Contains("avx512_vp2intersect", cpu.Flags);
        Assert.Equal("AMD EPYC 9555 64-Core Processor (family 26 model 2)", cpu.Describe());
    }

    [Fact]
    public void Avx512_needs_avx512f()
    {
        Assert.False(CpuInfoSamples.IntelAvx2Only.HasAvx512);
        Assert.True(CpuInfoSamples.Zen4.HasAvx512);
    }

    [Fact]
    public void A_non_x86_cpuinfo_gives_empty_fields_not_an_error()
    {
        var cpu = CpuIdentity.Parse(["processor\t: 0", "BogoMIPS\t: 50.00", "Features\t: fp asimd", "CPU implementer\t: 0x41"]);
        Assert.Equal("", cpu.Vendor);
        Assert.Equal(-1, cpu.Family);
        Assert.False(cpu.HasAvx512);
    }

    [Fact]
    public void The_flags_hash_ignores_order_and_sees_a_hidden_feature()
    {
        var a = CpuIdentity.Parse(["flags\t: avx2 avx512f sse"]);
        var b = CpuIdentity.Parse(["flags\t: sse avx512f avx2"]);
        var c = CpuIdentity.Parse(["flags\t: sse avx2"]);
        Assert.Equal(a.FlagsHash(), b.FlagsHash());
        Assert.NotEqual(a.FlagsHash(), c.FlagsHash());
        Assert.Equal(16, a.FlagsHash().Length);
    }

    [Fact]
    public void This_machine_is_readable_on_linux()
    {
        if (!OperatingSystem.IsLinux()) return;
        var cpu = CpuIdentity.ReadThisMachine();
        Assert.NotNull(cpu);
        Assert.NotEmpty(cpu.Flags);
    }
}
