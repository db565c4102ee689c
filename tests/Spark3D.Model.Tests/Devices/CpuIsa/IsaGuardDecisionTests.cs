using Spark3D.Model.Devices.CpuIsa;

namespace Spark3D.Model.Tests.Devices.CpuIsa;

public class IsaGuardDecisionTests
{
    private static readonly IsaGuardDecision Capped = new("AMD EPYC 9555 (family 26 model 2)", "AVX2", IsaGuardSource.KnownBadCpu, "known-bad CPU");

    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

    [Fact]
    public void Round_trips_through_json()
    {
        var back = IsaGuardDecision.FromJson(Capped.ToJson().ToJsonString());
        Assert.Equal(Capped, back);
        Assert.Equal("known-bad-cpu", Capped.ToJson()["guard"]!.GetValue<string>());
        Assert.Null(IsaGuardDecision.FromJson("{\"guard\": \"nonsense\"}"));
        Assert.Null(IsaGuardDecision.FromJson("not json"));
    }

    [Fact]
    public void A_handed_down_decision_counts_only_while_the_variable_still_matches_it()
    {
        string json = Capped.ToJson().ToJsonString();
        Assert.Equal(Capped, IsaGuard.Inherited(Env((IsaGuard.DecisionVariable, json), (IsaGuard.MaxCpuIsaVariable, "AVX2"))));
        // Our own cap is not the user's setting...
        Assert.Null(IsaGuard.UserSetting(Env((IsaGuard.DecisionVariable, json), (IsaGuard.MaxCpuIsaVariable, "AVX2"))));
        // ...but a value the user changed since is.
        var changed = Env((IsaGuard.DecisionVariable, json), (IsaGuard.MaxCpuIsaVariable, "AVX512_CORE"));
        Assert.Null(IsaGuard.Inherited(changed));
        Assert.Equal("AVX512_CORE", IsaGuard.UserSetting(changed));
        Assert.Null(IsaGuard.Inherited(Env((IsaGuard.DecisionVariable, json))));
    }

    [Fact]
    public void The_first_line_names_the_cpu_the_level_and_why()
    {
        Assert.Equal("cpu: AMD EPYC 9555 (family 26 model 2) — oneDNN capped at AVX2 (known-bad CPU)", Capped.Line());
        Assert.StartsWith("cpu: X — oneDNN AVX-512 kept (", new IsaGuardDecision("X", null, IsaGuardSource.SelfCheck, "self-check passed").Line());
        Assert.StartsWith("cpu: X — oneDNN not capped (", new IsaGuardDecision("X", null, IsaGuardSource.NoAvx512, "no AVX-512").Line());
        Assert.StartsWith("cpu: X — oneDNN not guarded (", new IsaGuardDecision("X", null, IsaGuardSource.Off, "off").Line());
    }
}
