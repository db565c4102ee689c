using Spark3D.Model.Devices.CpuIsa;
using Spark3D.Model.Tests.Training;
using Xunit.Abstractions;

namespace Spark3D.Model.Tests.Devices.CpuIsa;

/// <summary>
/// The suite's CPU-numerics gate: under the oneDNN ISA level this test host runs at (chosen before torch loaded, by the
/// same policy as the program: tests/Shared/TestHostIsaGuard.cs), multi-threaded conv3d forward and backward must be
/// finite and match a single-threaded run. On a CPU where the program's default would give NaN gradients (issue 10:
/// AMD Zen 5 with AVX-512 and 2 threads) and the guard failed to cap, this fails, rather than the training tests
/// failing at random.
/// </summary>
[Collection(TorchStateCollection.Name)]
public class ConvNumericsUnderGuardTests(ITestOutputHelper output)
{
    [Fact]
    public void Multi_threaded_conv3d_matches_single_threaded_under_the_guards_choice()
    {
        var decision = IsaGuard.Current;
        output.WriteLine(decision.Line());
        Assert.NotEqual(IsaGuardSource.Unguarded, decision.Source); // the module initializer ran before torch loaded

        // Longer than the start-up check (which may have been cached from an earlier, luckier run): the failure is intermittent.
        var result = ConvNumericsSelfCheck.Run(Math.Max(2, IsaGuard.EffectiveThreads(0)), TimeSpan.FromSeconds(2), minRounds: 3);
        output.WriteLine($"{result.Rounds} rounds at {result.Threads} threads in {result.Seconds} s, ONEDNN_MAX_CPU_ISA={result.MaxCpuIsa ?? "(default)"}");
        foreach (var p in result.Parts) output.WriteLine($"  {p.Op} {p.Part}: non-finite {p.NonFiniteRounds}, off {p.MismatchRounds}, max rel {p.MaxRelativeDifference:G3}");

        Assert.True(result.Safe, $"{result.FirstProblem()} — under '{decision.Line()}'. This CPU needs the cap: add it to KnownBadCpus (docs/cpu-numerics.md).");
        Assert.Equal(decision.MaxCpuIsa, result.MaxCpuIsa);
        Assert.Equal(6, result.Parts.Select(p => p.Op).Distinct().Count());
    }
}
