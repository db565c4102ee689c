using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Model.Tests.Devices.CpuIsa;

/// <summary>/proc/cpuinfo texts for the policy tests (two processor blocks each, as the kernel prints them).</summary>
internal static class CpuInfoSamples
{
    public const string Avx512Flags = "fpu sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni avx512_bf16";

    public static string Text(string vendor, int family, int model, string name, string flags) =>
        string.Join('\n', Block(0, vendor, family, model, name, flags)) + "\n\n" + string.Join('\n', Block(1, vendor, family, model, name, flags)) + "\n";

    public static CpuIdentity Cpu(string vendor, int family, int model, string name, string flags = Avx512Flags) =>
        CpuIdentity.Parse(Text(vendor, family, model, name, flags).Split('\n'));

    /// <summary>Issue 10's CPU kind: AMD Zen 5 (family 26) with AVX-512.</summary>
    public static CpuIdentity Zen5 => Cpu("AuthenticAMD", 26, 2, "AMD EPYC 9555 64-Core Processor", Avx512Flags + " avx512_vp2intersect avx_vnni");

    /// <summary>This project's Zen 4 machine (family 25 model 17), where AVX-512 works.</summary>
    public static CpuIdentity Zen4 => Cpu("AuthenticAMD", 25, 17, "AMD EPYC");

    public static CpuIdentity IntelAvx2Only => Cpu("GenuineIntel", 6, 85, "Intel(R) Xeon(R) CPU", "fpu sse sse2 avx avx2 fma");

    private static string[] Block(int processor, string vendor, int family, int model, string name, string flags) =>
    [
        $"processor\t: {processor}", $"vendor_id\t: {vendor}", $"cpu family\t: {family}", $"model\t\t: {model}",
        $"model name\t: {name}", "stepping\t: 1", "cpu MHz\t\t: 2595.124", $"flags\t\t: {flags}",
    ];
}
