using TorchSharp.Modules;

namespace Spark3D.Model.Training;

/// <summary>A named set of parameters that shares one learning-rate multiplier (e.g. encoder vs decoder).</summary>
/// <param name="Name">For logs.</param>
/// <param name="Parameters">The parameters (each in one group only).</param>
/// <param name="LrScale">This group's learning rate = schedule lr × LrScale.</param>
public sealed record ParameterGroup(string Name, IReadOnlyList<Parameter> Parameters, double LrScale = 1.0);
