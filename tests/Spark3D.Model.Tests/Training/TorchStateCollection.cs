namespace Spark3D.Model.Tests.Training;

/// <summary>Tests that use torch's global RNG / thread settings run alone, not beside other torch tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchStateCollection
{
    public const string Name = "torch global state";
}
