namespace Spark3D.Host.Tests;

/// <summary>A test that starts real processes and takes tens of seconds: runs only with SPARK3D_SLOW_TESTS=1.</summary>
public sealed class SlowFactAttribute : FactAttribute
{
    public const string Variable = "SPARK3D_SLOW_TESTS";

    public SlowFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1") Skip = $"slow real-process test; set {Variable}=1 to run it";
    }
}
